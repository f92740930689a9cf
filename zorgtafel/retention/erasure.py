"""Carrying out an approved erasure, and its signed proof.

A case's erasure destroys its data key (crypto-shredding), deletes its contributions and
minutes paragraphs, empties the sealed texts of its decisions and actions (the rows stay as
tombstones that can never be opened: owner, dates and status are process data), removes the
identity and the "already known?" hashes, and deletes the figures' profile codes. The case code,
its stages and the audit chain stay. An item's minutes erasure deletes that item's paragraphs.

The proof is a note signed with the audit log's Ed25519 key (``audit.signing_key_file``, as the
checkpoints): case code, scope, kinds and counts, article, term and who proposed and approved.
The chain holds its SHA-256; the note itself sits in ``retention_erasures``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import delete, select, update

from zorgtafel.audit import checkpoint
from zorgtafel.audit.operations import record
from zorgtafel.audit.vocabulary import AuditAction, Change, ObjectType, Purpose
from zorgtafel.auth.models import User
from zorgtafel.cases.models import Case, Contribution, ContributionSave
from zorgtafel.core.db import db
from zorgtafel.figures.models import CaseProfile
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes.models import (
    ActionChange,
    ActionItem,
    Decision,
    Minutes,
    MinutesParagraph,
    MinutesVersion,
)
from zorgtafel.privacy import vault
from zorgtafel.privacy.gate import retention as gate
from zorgtafel.retention.clocks import ERASURE_ARTICLE, Term
from zorgtafel.retention.models import (
    ErasureNotice,
    ErasureProposal,
    ErasureRecord,
    Hold,
    Kind,
    Scope,
)

NOTE_HEADER = "zorgtafel-erasure/1"


@dataclass(frozen=True)
class _Note:
    text: str

    def body(self) -> str:
        return self.text


def erase(proposal: ErasureProposal, case: Case, term: Term, approver: User) -> ErasureRecord:
    """Erase what ``proposal`` covers, write the signed record and the notices (one
    transaction: the caller's)."""
    if proposal.scope is Scope.case:
        counts = gate.count_case_rows([case.id])[case.id]
        receipts = gate.receipts(case.code)
        _erase_case(case)
    else:
        assert proposal.agenda_item_id is not None  # noqa: S101 - a minutes proposal names it
        paragraphs = gate.count_item_paragraphs([proposal.agenda_item_id])
        counts = {
            **dict.fromkeys(Kind, 0),
            Kind.minutes_paragraphs: paragraphs[proposal.agenda_item_id],
        }
        receipts = {}
        _delete_paragraphs(
            select(Minutes.id).where(Minutes.agenda_item_id == proposal.agenda_item_id)
        )
    proposer = db.session.get(User, proposal.proposed_by_user_id)
    assert proposer is not None  # noqa: S101 - a foreign key
    note = _sign(_note_text(proposal, case, term, counts, proposer, approver))
    digest = hashlib.sha256(note.encode()).hexdigest()
    erasure = ErasureRecord(
        proposal_id=proposal.id,
        case_code=case.code,
        scope=proposal.scope,
        counts={kind.value: number for kind, number in counts.items()},
        article=ERASURE_ARTICLE,
        erased_at=proposal.approved_at,
        note=note,
        note_sha256=digest,
    )
    db.session.add(erasure)
    db.session.flush()
    reason = Change.erased_case if proposal.scope is Scope.case else Change.erased_minutes
    record(
        AuditAction.erase,
        object_type=ObjectType.case,
        object_id=case.code,
        article=ERASURE_ARTICLE,
        purpose=Purpose.retention,
        reason=reason,
    )
    record(
        AuditAction.erasure_record,
        object_type=ObjectType.erasure_record,
        object_id=f"sha256:{digest[:56]}",
        article=ERASURE_ARTICLE,
        purpose=Purpose.retention,
        reason=reason,
    )
    for partner, received in receipts.items():
        db.session.add(
            ErasureNotice(
                erasure_id=erasure.id,
                partner_code=partner,
                received=[
                    {"category": r.category, "first": r.first.isoformat(),
                     "last": r.last.isoformat(), "times": r.times}
                    for r in received
                ],
                sent_at=proposal.approved_at,
                events=sum(r.times for r in received),
            )
        )  # fmt: skip
    db.session.flush()
    return erasure


def _erase_case(case: Case) -> None:
    session = db.session
    case_key = vault.case_key_for(session, case.id)
    if case_key is not None:
        vault.destroy_case_key(case_key)
    session.execute(delete(ContributionSave).where(ContributionSave.case_id == case.id))
    session.execute(delete(Contribution).where(Contribution.case_id == case.id))
    case.identity = None
    case.bsn_lookup = None
    case.name_lookup = None
    items = select(AgendaItem.id).where(AgendaItem.case_id == case.id)
    _delete_paragraphs(select(Minutes.id).where(Minutes.agenda_item_id.in_(items)))
    session.execute(update(Decision).where(Decision.case_id == case.id).values(text=None))
    actions = select(ActionItem.id).where(ActionItem.case_id == case.id)
    session.execute(
        update(ActionItem).where(ActionItem.case_id == case.id).values(description=None)
    )
    session.execute(
        update(ActionChange).where(ActionChange.action_id.in_(actions)).values(reason=None)
    )
    session.execute(delete(CaseProfile).where(CaseProfile.case_id == case.id))
    session.execute(update(Hold).where(Hold.case_id == case.id).values(reason=None))
    session.expire_all()


def _delete_paragraphs(minutes_ids) -> None:  # type: ignore[no-untyped-def]
    versions = select(MinutesVersion.id).where(MinutesVersion.minutes_id.in_(minutes_ids))
    db.session.execute(delete(MinutesParagraph).where(MinutesParagraph.version_id.in_(versions)))


def _note_text(
    proposal: ErasureProposal,
    case: Case,
    term: Term,
    counts: dict[Kind, int],
    proposer: User,
    approver: User,
) -> str:
    lines = [
        NOTE_HEADER,
        f"origin {current_app.extensions['zorgtafel.settings']['audit.origin']}",
        f"case {case.code}",
        f"scope {proposal.scope.value}",
        f"article {ERASURE_ARTICLE}",
        f"term {term.years} years from {_iso(term.started_at)} (convenant {term.version})",
        f"proposed {_iso(proposal.proposed_at)} user {proposer.id} {_who(proposer)}",
        f"approved {_iso(proposal.approved_at)} user {approver.id} {_who(approver)}",
        *(f"count {kind.value} {counts[kind]}" for kind in Kind),
    ]
    return "\n".join(lines) + "\n"


def _who(user: User) -> str:
    return f"{user.organisation.code}/{user.role.value}"


def _iso(moment: datetime | None) -> str:
    assert moment is not None  # noqa: S101 - set before the note is written
    return moment.isoformat(timespec="seconds")


def _signing() -> tuple[Ed25519PrivateKey, str]:
    settings = current_app.extensions["zorgtafel.settings"]
    key = checkpoint.load_signing_key(settings.path("audit.signing_key_file"))
    return key, settings["audit.origin"]


def _sign(text: str) -> str:
    key, origin = _signing()
    return checkpoint.sign(_Note(text), key, origin)  # type: ignore[arg-type]


def verify_note(note: str, vkey: str) -> str:
    """The note's text if its signature verifies with ``vkey``; CheckpointError if not."""
    name, public = checkpoint.parse_verifier_key(vkey)
    body, sep, signatures = note.partition("\n\n")
    if not sep or not body.startswith(NOTE_HEADER):
        raise checkpoint.CheckpointError("geen ondertekend verwijderingsbewijs")
    body += "\n"
    prefix = f"\u2014 {name} "
    for line in signatures.splitlines():
        if line.startswith(prefix):
            blob = base64.b64decode(line[len(prefix) :])
            try:
                public.verify(blob[4:], body.encode())
            except InvalidSignature:
                raise checkpoint.CheckpointError("handtekening ongeldig") from None
            return body
    raise checkpoint.CheckpointError(f"niet ondertekend met sleutel {name}")
