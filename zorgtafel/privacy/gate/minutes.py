"""The gate's minutes surface: an agenda item's minutes for one reader, and the case's known
names for pseudonymising what the chair writes.

A reader sees the minutes at the highest level the rules allow (content, else process); at
content level only the paragraphs in categories its organisation may receive, one event per
category held. A partner reads only the items its organisation sits at the table for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from zorgtafel.audit.vocabulary import AuditAction, Level, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import db
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes.models import (
    Minutes,
    MinutesParagraph,
    MinutesPart,
    MinutesStatus,
    MinutesVersion,
)
from zorgtafel.privacy import vault
from zorgtafel.privacy.access_rules import IDENTITY, CategoryDecision, LevelDecision
from zorgtafel.privacy.gate.identity import KnownNames, _identity
from zorgtafel.privacy.gate.kernel import Disclosure, DisclosureRefused
from zorgtafel.privacy.sealed import DisclosedText
from zorgtafel.pseudonymise import KnownPersons


@dataclass(frozen=True)
class ParagraphView:
    part: MinutesPart
    category_code: str
    #: None when the case's data key was destroyed
    text: DisclosedText | None


@dataclass(frozen=True)
class VersionLine:
    number: int
    saved_at: datetime


@dataclass(frozen=True)
class AddendumView:
    """A rectificatie after vaststelling, with its own hash."""

    number: int
    saved_at: datetime
    content_hash: str
    paragraphs: tuple[ParagraphView, ...] = ()


@dataclass(frozen=True)
class MinutesView:
    """What one reader may see of one item's minutes, and what the page may offer them."""

    code: str
    level: Level
    #: None: nothing written yet
    status: MinutesStatus | None = None
    #: the newest version's number (0: none yet) and the one shown
    version: int = 0
    shown: int = 0
    versions: tuple[VersionLine, ...] = ()
    #: content level only: the paragraphs in categories the reader may receive
    paragraphs: tuple[ParagraphView, ...] = ()
    #: content level only: how many paragraphs of the shown version the reader may not see
    hidden: int = 0
    #: the categories the reader's organisation may receive for this case (editor choices)
    receivable: tuple[str, ...] = ()
    shredded: bool = False
    finalised_at: datetime | None = None
    content_hash: str | None = None
    #: the chair may write a new version: content level, nothing hidden, not vastgesteld
    may_edit: bool = False
    #: rectificaties (content level: their paragraphs in receivable categories only)
    addenda: tuple[AddendumView, ...] = ()
    #: the chair may add a rectificatie: content level, vastgesteld
    may_rectify: bool = False

    @property
    def is_final(self) -> bool:
        return self.status is MinutesStatus.final

    def part(self, part: MinutesPart) -> tuple[ParagraphView, ...]:
        return tuple(p for p in self.paragraphs if p.part is part)


def item_minutes(
    reader: User,
    item: AgendaItem,
    convenant: Convenant,
    *,
    number: int | None = None,
    purpose: Purpose = Purpose.case_conference,
    action: AuditAction = AuditAction.read,
) -> MinutesView:
    """The item's minutes (the newest version, or version ``number``) for the reader, logged.

    Refused (:class:`DisclosureRefused`, answered as 404) for a partner whose organisation is
    not at the table for the item (nothing read, nothing logged) and for a reader the rules
    refuse (the refusal logged).
    """
    if reader.role is Role.partner and reader.organisation.code not in item.partner_codes:
        raise DisclosureRefused()
    case = item.case
    disclosure = Disclosure(reader, purpose, convenant, action=action)
    decision = disclosure.highest(case, (Level.content, Level.process))
    if not decision.allowed:
        disclosure.note(case, decision)
        disclosure.refuse()
    minutes = db.session.scalar(select(Minutes).where(Minutes.agenda_item_id == item.id))
    pending = decide(disclosure, case, decision, minutes, _version(minutes, number))
    disclosure.record()
    return opened(disclosure, pending)


@dataclass(frozen=True)
class Decided:
    """One item's minutes decided and their events queued, nothing opened yet."""

    case: Case
    base: MinutesView
    paragraphs: tuple[MinutesParagraph, ...] = ()
    addenda: tuple[MinutesVersion, ...] = ()
    #: content level only: every category decided for the case
    categories: dict[str, CategoryDecision] | None = None


def decide(
    disclosure: Disclosure,
    case: Case,
    decision: LevelDecision,
    minutes: Minutes | None,
    version: MinutesVersion | None,
) -> Decided:
    """Queue the events of reading ``version`` of the minutes at the allowed ``decision``'s
    level: the level read below content, else one per category held. Record the disclosure,
    then :func:`opened`."""
    base = _base_view(case.code, decision.level, minutes, version)
    if decision.level is not Level.content:
        disclosure.note(case, decision)
        return Decided(case, base)
    paragraphs = tuple(version.paragraphs) if version is not None else ()
    addenda = tuple(minutes.addenda) if minutes is not None else ()
    held = [p.category_code for p in paragraphs] + [
        p.category_code for addendum in addenda for p in addendum.paragraphs
    ]
    categories = disclosure.categories(case, decision, case.consented(disclosure.at), held=held)
    return Decided(case, base, paragraphs, addenda, categories)


def opened(disclosure: Disclosure, decided: Decided) -> MinutesView:
    """The reader's view of decided minutes, the allowed paragraphs opened (after record)."""
    case, base, categories = decided.case, decided.base, decided.categories
    if categories is None:
        return base
    reader = disclosure.reader
    paragraphs = decided.paragraphs
    allowed = {code for code, category in categories.items() if category.allowed}
    shown = [p for p in paragraphs if p.category_code in allowed]
    shredded = disclosure.key_destroyed(case.id)

    def view_of(p: MinutesParagraph) -> ParagraphView:
        return ParagraphView(
            p.part, p.category_code, None if shredded else _open(disclosure, case, p)
        )

    views = tuple(view_of(p) for p in shown)
    hidden = len(paragraphs) - len(shown)
    addendum_views = tuple(
        AddendumView(
            a.number,
            a.saved_at,
            a.content_hash,
            tuple(view_of(p) for p in a.paragraphs if p.category_code in allowed),
        )
        for a in decided.addenda
    )
    return replace(
        base,
        paragraphs=views,
        hidden=hidden,
        receivable=tuple(code for code in categories if code in allowed),
        shredded=shredded,
        may_edit=reader.role is Role.chair
        and not hidden
        and not shredded
        and not base.is_final
        and base.shown == base.version,
        addenda=addendum_views,
        may_rectify=reader.role is Role.chair and base.is_final and not shredded,
    )


def version_of(minutes: Minutes | None, number: int | None = None) -> MinutesVersion | None:
    """The newest draft or vastgestelde version, or version ``number`` (refused if none)."""
    return _version(minutes, number)


def _version(minutes: Minutes | None, number: int | None) -> MinutesVersion | None:
    drafts = [v for v in minutes.versions if not v.is_addendum] if minutes is not None else []
    if not drafts:
        if number is not None:
            raise DisclosureRefused()  # no such version: like a missing page
        return None
    if number is None:
        return drafts[-1]
    for version in drafts:
        if version.number == number:
            return version
    raise DisclosureRefused()


def _base_view(
    code: str, level: Level, minutes: Minutes | None, version: MinutesVersion | None
) -> MinutesView:
    if minutes is None:
        return MinutesView(code, level)
    return MinutesView(
        code,
        level,
        status=minutes.status,
        version=minutes.version,
        shown=version.number if version is not None else 0,
        versions=tuple(
            VersionLine(v.number, v.saved_at) for v in minutes.versions if not v.is_addendum
        ),
        finalised_at=minutes.finalised_at,
        content_hash=minutes.content_hash,
    )


def _open(disclosure: Disclosure, case, paragraph: MinutesParagraph) -> DisclosedText | None:  # type: ignore[no-untyped-def]
    if paragraph.text is None:
        return None
    return disclosure.open(
        case.id, paragraph.text, category=paragraph.category_code,
        table="minutes_paragraphs", row_id=paragraph.id, column="text",
    )  # fmt: skip


def known_names(reader: User, item: AgendaItem, convenant: Convenant) -> KnownNames:
    """The case's known names for pseudonymising the minutes the reader writes (they go to the
    pseudonymiser only): one read event for ``pseudonymisation``; refused (logged, 404)
    without content-level need-to-know. Masked unless the reader may receive identity."""
    case = item.case
    disclosure = Disclosure(reader, Purpose.pseudonymisation, convenant)
    decision = disclosure.highest(case, (Level.content,))
    disclosure.queue(
        case, Level.content, allowed=decision.allowed, reason=decision.reason,
        categories=(IDENTITY,),
    )  # fmt: skip
    if not decision.allowed:
        disclosure.refuse()
    masked = not disclosure.receivable(case.consented(disclosure.at))[IDENTITY].allowed
    disclosure.grant(case, IDENTITY)
    disclosure.record()
    if disclosure.key_destroyed(case.id):
        raise vault.KeyDestroyed("casus heeft geen datasleutel")
    subject = _identity(disclosure, case)
    if subject is None:
        return KnownNames(KnownPersons(), masked)
    persons = KnownPersons.create(
        subject.first_names, subject.surname, subject.aliases, subject.relatives_by_relation
    )
    return KnownNames(persons, masked)


__all__ = [
    "AddendumView",
    "Decided",
    "MinutesView",
    "ParagraphView",
    "VersionLine",
    "decide",
    "item_minutes",
    "known_names",
    "opened",
    "version_of",
]
