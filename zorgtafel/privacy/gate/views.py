"""What the gate hands out: frozen views holding only what one reader may see of a case.

Nothing in a view was read or decrypted beyond its level; texts are ``DisclosedText``, which
render in templates and print as ``***`` anywhere else. ``repr`` never shows personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, NamedTuple, TypeVar

from zorgtafel.audit.vocabulary import Level
from zorgtafel.cases.identity import SubjectIdentity
from zorgtafel.cases.models import InvolvementReason, Reporter, Stage, StageReason
from zorgtafel.meetings.models import ItemKind
from zorgtafel.privacy.access_rules import SeatWarning
from zorgtafel.privacy.sealed import DisclosedText

T = TypeVar("T")


@dataclass(frozen=True)
class InvolvementView:
    partner_code: str
    reason: InvolvementReason
    valid_from: datetime
    valid_until: datetime | None


@dataclass(frozen=True)
class ContributionView:
    id: int
    partner_code: str
    created_at: datetime
    #: content level only, and only for categories the organisation may receive
    category_code: str | None = None
    text: DisclosedText | None = None


@dataclass(frozen=True)
class StageChangeView:
    from_stage: Stage | None
    to_stage: Stage
    reason: StageReason
    changed_at: datetime


@dataclass(frozen=True)
class ConsentView:
    partner_code: str
    category_code: str
    article: str | None
    recorded_at: datetime
    #: withdrawn (AVG art. 7(3)) at this moment; None while in force
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class ComenshaView:
    reported_on: date | None
    reported_by: str | None
    with_identity: bool | None
    #: past the signal stage, open, and no melding recorded
    outstanding: bool


@dataclass(frozen=True)
class CaseView:
    """What one reader may see of one case at one level, and what the page may offer them."""

    code: str
    stage: Stage
    level: Level
    created_at: datetime | None = None
    updated_at: datetime | None = None
    coordinator_code: str | None = None
    involvements: tuple[InvolvementView, ...] = ()
    contributions: tuple[ContributionView, ...] = ()
    #: the case's data key was destroyed: its content is gone for good
    shredded: bool = False
    reported_by: Reporter | None = None
    reporter_partner_code: str | None = None
    stage_changes: tuple[StageChangeView, ...] = ()
    consents: tuple[ConsentView, ...] = ()
    comensha: ComenshaView | None = None
    #: content level: the categories the organisation may receive (shown even when empty)
    receivable: tuple[str, ...] = ()
    #: the reader may ask "toon identiteit" (need-to-know and the right to receive identity)
    may_reveal: bool = False
    #: the categories the reader's organisation may add information in (beyond exists level)
    contributable: tuple[str, ...] = ()


class CaseLine(NamedTuple):
    """One line of a case list: process level without the case's history (a named tuple: a
    page holds fifty)."""

    code: str
    stage: Stage
    coordinator_code: str | None
    updated_at: datetime
    comensha_reported: bool
    #: past the signal stage, open, and no melding at CoMensha recorded
    comensha_outstanding: bool


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list in keyset order: ``after`` asks for the next page."""

    items: tuple[T, ...]
    #: the key to ask the next page with; None on the last page
    after: str | None = None
    #: the first page's key was given (there are pages before this one)
    continued: bool = False


@dataclass(frozen=True, repr=False)
class OriginalView:
    """A contribution's text as its author wrote it (before pseudonymisation)."""

    contribution_id: int
    category_code: str
    text: DisclosedText


@dataclass(frozen=True, repr=False)
class IdentityView:
    """The subject's identity and the original contribution texts, released by a reveal."""

    code: str
    identity: SubjectIdentity | None
    originals: tuple[OriginalView, ...] = ()
    #: the case's data key was destroyed
    shredded: bool = False

    def __repr__(self) -> str:
        return f"<IdentityView {self.code}>"


class KnownCaseView(NamedTuple):
    """An earlier case "already known?" found: its code, and whether the reader may open it."""

    code: str
    may_open: bool


class AgendaLineView(NamedTuple):
    """One agenda line as one reader may see it. A closed line shows only that it exists.

    A named tuple: a page builds forty of them, and it is as immutable as a frozen dataclass.
    """

    item_id: int
    position: int
    minutes: int
    #: the case at ``exists`` level (code and stage); None on a closed line
    case: CaseView | None = None
    kind: ItemKind | None = None
    #: partner codes at the table (process level)
    partner_codes: tuple[str, ...] = ()
    #: for the chair only: partners at the table who may get little out of it
    warnings: tuple[SeatWarning, ...] = ()

    @property
    def closed(self) -> bool:
        return self.case is None


@dataclass(frozen=True)
class AgendaView:
    """A meeting's agenda for one reader, and what the page may offer them."""

    lines: tuple[AgendaLineView, ...]
    #: the categories the reader's organisation may prepare contributions in
    contributable: tuple[str, ...] = field(default=())
