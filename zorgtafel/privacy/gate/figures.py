"""The gate's figures surface: counts over cases for the figures page, and a case's profile.

Counting is a read of case data: one :class:`~zorgtafel.privacy.gate.kernel.Disclosure` with
purpose *statistics*, one export event naming the release (never a case), recorded before the
database counts anything. What it hands back are counts per combination of codes; the figures
domain suppresses and rounds them before anything is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case as when
from sqlalchemy import func, select

from zorgtafel.audit.vocabulary import Level, Purpose
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case, Stage
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.db import db
from zorgtafel.figures.codes import ComenshaStatus
from zorgtafel.figures.models import CaseProfile
from zorgtafel.privacy.access_rules import decide_figures
from zorgtafel.privacy.gate.kernel import Disclosure


@dataclass(frozen=True)
class CountRow:
    """How many cases share these codes (None: not recorded)."""

    year: int
    municipality: str | None
    exploitation: str | None
    age_band: str | None
    stage: Stage
    comensha: ComenshaStatus
    comensha_reason: str | None
    cases: int


@dataclass(frozen=True)
class ProfileView:
    """A case's coded profile as the chair recorded it (codes only)."""

    municipality: str | None
    age_band: str | None
    gender: str | None
    exploitation: str | None
    signal_source: str | None
    comensha_reason: str | None


def counts(reader: User, convenant: Convenant, release_code: str) -> list[CountRow]:
    """Every case counted per year of its first signal and its codes, logged as one export
    event of ``release_code`` (purpose statistics); refused (logged) for any role but the
    policy officer, the chair and the privacy officer."""
    disclosure = Disclosure(reader, Purpose.statistics, convenant)
    decision = decide_figures(reader)
    disclosure.note_release(release_code, allowed=decision.allowed, reason=decision.reason)
    if not decision.allowed:
        disclosure.refuse()
    disclosure.record()
    return [_row(*row) for row in db.session.execute(_COUNTS).all()]


def _row(year, municipality, exploitation, age_band, stage, comensha, reason, cases) -> CountRow:  # type: ignore[no-untyped-def]
    return CountRow(
        int(year), municipality, _value(exploitation), _value(age_band), Stage(stage),
        ComenshaStatus(comensha), _value(reason), int(cases),
    )  # fmt: skip


_STATUS = when(
    (Case.comensha_reported_on.is_(None), ComenshaStatus.not_registered.value),
    (Case.comensha_with_identity.is_(True), ComenshaStatus.with_identity.value),
    else_=ComenshaStatus.anonymised.value,
)


def _counts_statement():  # type: ignore[no-untyped-def]
    """Cases per year of intake (the first signal) and codes: one grouped query."""
    reason = when((Case.comensha_reported_on.is_(None), CaseProfile.comensha_reason), else_=None)
    groups = (
        func.extract("year", Case.created_at),
        CaseProfile.municipality,
        CaseProfile.exploitation,
        CaseProfile.age_band,
        Case.stage,
        _STATUS,
        reason,
    )
    return (
        select(*groups, func.count())
        .select_from(Case)
        .outerjoin(CaseProfile, CaseProfile.case_id == Case.id)
        .group_by(*groups)
    )


_COUNTS = _counts_statement()


def case_profile(reader: User, case: Case, convenant: Convenant) -> ProfileView | None:
    """The case's profile for the chair's case page (process level, logged); None for anyone
    else (only the chair records profiles; nothing is read then)."""
    if reader.role is not Role.chair:
        return None
    disclosure = Disclosure(reader, Purpose.case_work, convenant)
    decision = disclosure.highest(case, (Level.process,))
    disclosure.note(case, decision)
    if not decision.allowed:
        disclosure.refuse()
    disclosure.record()
    profile = db.session.get(CaseProfile, case.id)
    if profile is None:
        return ProfileView(None, None, None, None, None, None)
    return ProfileView(
        profile.municipality,
        _value(profile.age_band),
        _value(profile.gender),
        _value(profile.exploitation),
        _value(profile.signal_source),
        _value(profile.comensha_reason),
    )


def _value(code: object) -> str | None:
    return None if code is None else str(getattr(code, "value", code))


__all__ = ["CountRow", "ProfileView", "case_profile", "counts"]
