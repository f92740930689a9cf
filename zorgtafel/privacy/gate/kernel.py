"""The disclosure kernel: decide, record, then open.

One :class:`Disclosure` per reader, purpose and moment, under one convenant version. It asks the
access rules for every decision and queues the audit event of each (allowed or refused);
:meth:`Disclosure.record` appends them all in one go, through the request ledger, so they are
kept even when the request fails afterwards; only then does :meth:`Disclosure.open` decrypt,
and only what a decision granted. This module and the vault are the only code that decrypts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import NoReturn, Protocol

from zorgtafel.audit import ledger
from zorgtafel.audit.operations import Actor, EventTemplate
from zorgtafel.audit.vocabulary import (
    AuditAction,
    Level,
    ObjectType,
    Outcome,
    Purpose,
    Reason,
    Refusal,
)
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import InvolvementReason
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import begin_write, db
from zorgtafel.core.errors import Hidden
from zorgtafel.core.types import Ciphertext
from zorgtafel.privacy import vault
from zorgtafel.privacy.access_rules import (
    IDENTITY,
    CategoryDecision,
    LevelDecision,
    decide_categories,
    decide_highest,
    decide_level,
    needs_involvement,
)
from zorgtafel.privacy.need_to_know import need_to_know
from zorgtafel.privacy.sealed import DisclosedText


class DisclosureRefused(Hidden):
    """The rules refused; the refusal is recorded. Answered like a page that does not exist."""


class OpenedTooEarly(RuntimeError):
    """A sealed value was asked for before the decisions that allow it were recorded."""


class NotGranted(RuntimeError):
    """A sealed value was asked for that no recorded decision allowed."""


class CaseRef(Protocol):
    """What the kernel needs of a case: its row id (need-to-know, keys) and its pseudonym."""

    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...


class Disclosure:
    """One reader's disclosure of one or more cases, for one purpose, at one moment.

    Decisions queue their events; :meth:`record` appends them; :meth:`open` decrypts what the
    recorded decisions granted. From the first decision to the commit the transaction holds
    the write lock (on SQLite), so the rules' reads, their events and the data are one snapshot.
    """

    def __init__(
        self,
        reader: User,
        purpose: Purpose,
        convenant: Convenant,
        *,
        at: datetime | None = None,
        action: AuditAction = AuditAction.read,
    ) -> None:
        begin_write(db.session)
        self.reader = reader
        self.purpose = Purpose(purpose)
        self.convenant = convenant
        self.at = at or utcnow()
        self.action = action
        self._template = EventTemplate(Actor.of(reader), self.purpose, convenant, self.at)
        self._queued: list[dict[str, object]] = []
        self._granted: set[tuple[int, str]] = set()
        self._recorded = False
        self._keys: dict[int, vault.DataKey | None] = {}
        #: case keys looked up by :meth:`load_keys`, not yet unwrapped
        self._wrapped: dict[int, vault.CaseKey | None] = {}
        self._decide_level = cache(self._uncached_level)
        self._decide_highest = cache(self._uncached_highest)
        #: inside :meth:`opening`: the vault's gate context is already entered
        self._opening = False
        self._receivable: dict[frozenset[tuple[str, str]], dict[str, CategoryDecision]] = {}

    # --- need-to-know and levels ------------------------------------------------------------

    @property
    def organisation(self) -> str | None:
        """The reader's organisation where it can have need-to-know (chair and partners)."""
        if self.reader.role in (Role.chair, Role.partner):
            return self.reader.organisation.code
        return None

    def involvement(
        self, case_ids: Collection[int], level: Level | None = None
    ) -> dict[int, InvolvementReason]:
        """The organisation's strongest active involvement per case (one query); none looked up
        when the decision at ``level`` does not depend on it (the chair's process level)."""
        if level is not None and not self._needs(level):
            return {}
        return need_to_know(self.organisation, case_ids, self.at)

    def decide(self, level: Level, involvement: InvolvementReason | None) -> LevelDecision:
        """The rules' answer at ``level`` for an organisation with this involvement (asked once
        per distinct question: forty agenda lines need a decision or two). Queues nothing."""
        return self._decide_level(Level(level), involvement)

    def _uncached_level(self, level: Level, involvement: InvolvementReason | None) -> LevelDecision:
        return decide_level(self.reader, level, self.convenant, involvement)

    def levels(
        self,
        cases: Sequence[CaseRef],
        level: Level,
        *,
        refusals: bool = True,
        action: AuditAction | None = None,
        involved: dict[int, InvolvementReason] | None = None,
    ) -> dict[int, LevelDecision]:
        """Decide ``level`` for each case with one need-to-know lookup, and queue an event per
        case: allowed, and refused too unless ``refusals`` is false (a list leaves out what it
        may not show, without a refusal for a case nobody asked for). ``involved``: the
        organisation's strongest active involvement per case, when the caller's own query
        found it under the same rule (a partner's list)."""
        level = Level(level)
        if involved is None:
            involved = self.involvement([c.id for c in cases], level)
        decide = self._decide_level
        decisions = {}
        for case in cases:
            decision = decide(level, involved.get(case.id))
            if refusals or decision.allowed:
                self.note(case, decision, action=action)
            decisions[case.id] = decision
        return decisions

    def highest(self, case: CaseRef, levels: Sequence[Level]) -> LevelDecision:
        """The first of ``levels`` the reader may see the case at; else the refusal at the last
        (one decision; queues nothing: the caller says what it disclosed)."""
        involved = self.involvement([case.id]).get(case.id) if self.organisation else None
        return decide_highest(self.reader, tuple(levels), self.convenant, involved)

    def highest_of(
        self, levels: Sequence[Level], involvement: InvolvementReason | None
    ) -> LevelDecision:
        """:meth:`highest` for a case whose involvement the caller looked up for a batch of
        cases with :meth:`involvement` (a page of many items: one lookup, not one per item)."""
        involved = involvement if self.organisation else None
        return self._decide_highest(tuple(levels), involved)

    def _uncached_highest(
        self, levels: tuple[Level, ...], involvement: InvolvementReason | None
    ) -> LevelDecision:
        return decide_highest(self.reader, levels, self.convenant, involvement)

    def _needs(self, level: Level) -> bool:
        return self.organisation is not None and needs_involvement(self.reader, level)

    # --- categories ---------------------------------------------------------------------

    def categories(
        self,
        case: CaseRef,
        decision: LevelDecision,
        consented: Collection[tuple[str, str]],
        *,
        held: Collection[str],
    ) -> dict[str, CategoryDecision]:
        """Every category of the convenant decided once for this case at content level; an
        event queued for each category the case ``held`` (allowed ones granted to open).

        With no category held, the content-level read itself is queued.
        """
        decisions = self.receivable(consented)
        held = sorted(set(held))
        if not held:
            self.note(case, decision)
        for code in held:
            category = decisions.get(code) or _unknown(code)
            self.note_category(case, decision, category)
        return decisions

    def receivable(self, consented: Collection[tuple[str, str]]) -> dict[str, CategoryDecision]:
        """Every category of the convenant: may the organisation receive it, given the case's
        consents in force? (Queues nothing.)"""
        key = frozenset(consented)
        if key not in self._receivable:  # asked once per distinct set of consents
            codes = [category.code for category in self.convenant.categories]
            self._receivable[key] = decide_categories(self.reader, self.convenant, codes, key)
        return dict(self._receivable[key])

    def note_category(
        self,
        case: CaseRef,
        decision: LevelDecision,
        category: CategoryDecision,
        *,
        action: AuditAction | None = None,
    ) -> None:
        """Queue the event of one category's decision; grant it if the level and it allow."""
        allowed = decision.allowed and category.allowed
        reason: Reason = decision.reason if allowed or not decision.allowed else category.refusal  # type: ignore[assignment]
        self.queue(
            case,
            Level.content,
            allowed=allowed,
            reason=reason,
            categories=(category.category,),
            article=category.article,
            action=action,
        )
        if allowed:
            self._granted.add((case.id, category.category))

    def grant(self, case: CaseRef, category: str) -> None:
        """Let :meth:`open` decrypt ``category`` of ``case`` (a decision allowed it and its
        event is queued, e.g. the case's known names for the pseudonymiser)."""
        self._granted.add((case.id, category))

    # --- events -------------------------------------------------------------------------

    def note(
        self, case: CaseRef, decision: LevelDecision, *, action: AuditAction | None = None
    ) -> None:
        """Queue the event of a level decision."""
        self.queue(
            case, decision.level, allowed=decision.allowed, reason=decision.reason, action=action
        )

    def queue(
        self,
        case: CaseRef,
        level: Level,
        *,
        allowed: bool,
        reason: Reason | None,
        categories: Iterable[str] = (),
        article: str | None = None,
        action: AuditAction | None = None,
    ) -> None:
        """Queue one event about ``case``."""
        if self._recorded:
            raise RuntimeError("a recorded disclosure takes no more decisions")
        self._queued.append(
            self._template.about(
                case.code,
                action or self.action,
                object_type=ObjectType.case,
                level=level,
                categories=tuple(categories),
                article=article,
                outcome=Outcome.allowed if allowed else Outcome.refused,
                reason=reason,
            )
        )

    def note_object(
        self,
        object_type: ObjectType,
        object_id: str | None,
        decision: LevelDecision,
        *,
        action: AuditAction | None = None,
    ) -> None:
        """Queue the event of a decision about something other than a case (the audit log
        itself, when the privacy officer reads it); ``object_id`` a pseudonym or None."""
        if self._recorded:
            raise RuntimeError("a recorded disclosure takes no more decisions")
        self._queued.append(
            self._template.event(
                action or self.action,
                object_type=ObjectType(object_type),
                object_id=object_id,
                level=decision.level,
                outcome=Outcome.allowed if decision.allowed else Outcome.refused,
                reason=decision.reason,
            )
        )

    def note_release(self, release_code: str, *, allowed: bool, reason: Reason) -> None:
        """Queue the event of a release of figures: counts over cases, no case named in it."""
        if self._recorded:
            raise RuntimeError("a recorded disclosure takes no more decisions")
        self._queued.append(
            self._template.about(
                release_code,
                AuditAction.export,
                object_type=ObjectType.release,
                outcome=Outcome.allowed if allowed else Outcome.refused,
                reason=reason,
            )
        )

    def record(self) -> None:
        """Append every queued event in one go (kept even if the request fails later)."""
        ledger.append(db.session, self._queued)
        self._queued = []
        self._recorded = True

    def refuse(self) -> NoReturn:
        """Record what was decided, the refusal included, and refuse the request."""
        self.record()
        raise DisclosureRefused()

    # --- opening ------------------------------------------------------------------------

    def key_destroyed(self, case_id: int) -> bool:
        """The case's data key is gone (crypto-shredded): nothing of it can be opened."""
        return self._key(case_id) is None

    def open(
        self,
        case_id: int,
        sealed: Ciphertext,
        *,
        category: str,
        table: str,
        row_id: int,
        column: str,
    ) -> DisclosedText:
        """Decrypt one sealed value of ``category`` of the case, after its decision was recorded."""
        if not self._recorded:
            raise OpenedTooEarly("record the disclosure's decisions before opening anything")
        if (case_id, category) not in self._granted:
            raise NotGranted(f"no decision allows opening {category} of case {case_id}")
        key = self._key(case_id)
        if key is None:
            raise vault.KeyDestroyed("casus heeft geen datasleutel")
        if self._opening:
            plain = vault.open_sealed(key, sealed, table=table, row_id=row_id, column=column)
        else:
            with vault.gate_context(self.purpose.value):
                plain = vault.open_sealed(key, sealed, table=table, row_id=row_id, column=column)
        return DisclosedText(plain)

    @contextmanager
    def opening(self) -> Iterator[None]:
        """Open many values in one gate context (a page of forty items); :meth:`open` checks
        each as ever."""
        with vault.gate_context(self.purpose.value):
            self._opening = True
            try:
                yield
            finally:
                self._opening = False

    def load_keys(self, case_ids: Collection[int]) -> None:
        """Look up the data keys of many cases in one query (a page opening values of many
        cases); unwrapped on first use. Opens nothing and grants nothing."""
        wanted = [case_id for case_id in set(case_ids) if case_id not in self._keys]
        if not wanted:
            return
        found = {key.case_id: key for key in vault.case_keys_for(db.session, wanted)}
        for case_id in wanted:
            self._wrapped[case_id] = found.get(case_id)

    def _key(self, case_id: int) -> vault.DataKey | None:
        if case_id not in self._keys:
            if case_id in self._wrapped:
                case_key = self._wrapped.pop(case_id)
            else:
                case_key = vault.case_key_for(db.session, case_id)
            destroyed = case_key is None or case_key.destroyed
            self._keys[case_id] = None if destroyed else vault.data_key(case_key)  # type: ignore[arg-type]
        return self._keys[case_id]


def _unknown(code: str) -> CategoryDecision:
    """A stored category the convenant version does not know: refused."""
    return CategoryDecision(code, Refusal.unknown_category, None)


__all__ = ["IDENTITY", "CaseRef", "Disclosure", "DisclosureRefused", "NotGranted", "OpenedTooEarly"]
