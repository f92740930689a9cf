"""Writes of the figures domain: a case's profile (the chair's coded fields)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from zorgtafel.audit.operations import Actor, record
from zorgtafel.audit.vocabulary import (
    AuditAction,
    Change,
    ObjectType,
    Purpose,
)
from zorgtafel.auth.models import User
from zorgtafel.core.db import db
from zorgtafel.figures.codes import (
    MUNICIPALITY_NAMES,
    AgeBand,
    Exploitation,
    Gender,
    NotRegisteredReason,
    SignalSource,
)
from zorgtafel.figures.models import CaseProfile


class ProfileError(ValueError):
    """A profile value that is not one of its codes; nothing changed."""


@dataclass(frozen=True)
class Profile:
    """The coded fields of a case; None: not (yet) known."""

    municipality: str | None = None
    age_band: AgeBand | None = None
    gender: Gender | None = None
    exploitation: Exploitation | None = None
    signal_source: SignalSource | None = None
    comensha_reason: NotRegisteredReason | None = None

    def __post_init__(self) -> None:
        if self.municipality is not None and self.municipality not in MUNICIPALITY_NAMES:
            raise ProfileError("onbekende gemeentecode")
        kinds = (AgeBand, Gender, Exploitation, SignalSource, NotRegisteredReason)
        for name, kind in zip(_CODED, kinds, strict=True):
            value = getattr(self, name)
            if value is not None and not isinstance(value, kind):
                raise ProfileError(f"{name}: geen code")


_CODED = ("age_band", "gender", "exploitation", "signal_source", "comensha_reason")


def record_profile(chair: User, case_id: int, case_code: str, profile: Profile) -> CaseProfile:
    """Store the case's profile as given (every field replaced), logged as an update."""
    row = db.session.get(CaseProfile, case_id)
    if row is None:
        row = CaseProfile(case_id=case_id)
        db.session.add(row)
    for field in fields(profile):
        setattr(row, field.name, getattr(profile, field.name))
    db.session.flush()
    record(
        AuditAction.update,
        actor=Actor.of(chair),
        object_type=ObjectType.case,
        object_id=case_code,
        purpose=Purpose.case_work,
        reason=Change.profile_recorded,
    )
    return row
