"""A case, the involvement records that give partners need-to-know, and encrypted contributions.

Kept small on purpose: the cases workflow extends these. Nothing here holds plaintext personal
data; a contribution's text is sealed by the vault with the case's data key.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Date, Enum, ForeignKey, Index, String, and_, or_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zorgtafel.audit.vocabulary import Code, words
from zorgtafel.core.clock import utcnow
from zorgtafel.core.db import Base
from zorgtafel.core.types import Ciphertext, EncryptedBlob, UTCDateTime


class Stage(Code):
    """Fase: signaal → melding → triage → aanpak → nazorg → afgesloten."""

    signaal = "signaal"
    melding = "melding"
    triage = "triage"
    aanpak = "aanpak"
    nazorg = "nazorg"
    afgesloten = "afgesloten"


words(
    Stage,
    {
        Stage.signaal: _l("signaal"),
        Stage.melding: _l("melding"),
        Stage.triage: _l("triage"),
        Stage.aanpak: _l("aanpak"),
        Stage.nazorg: _l("nazorg"),
        Stage.afgesloten: _l("afgesloten"),
    },
)


STAGE_ORDER = tuple(Stage)


class Reporter(Code):
    """Who brought the signal to the table (melder)."""

    partner = "partner"
    professional = "professional"
    parent = "parent"
    young_person = "young_person"
    anonymous = "anonymous"


words(
    Reporter,
    {
        Reporter.partner: _l("ketenpartner"),
        Reporter.professional: _l("professional"),
        Reporter.parent: _l("ouder of verzorger"),
        Reporter.young_person: _l("de jongere zelf"),
        Reporter.anonymous: _l("anoniem"),
    },
)


class StageReason(Code):
    """Why a case changed stage: a code, never free text (it is shown at process level)."""

    intake = "intake"
    signals_confirmed = "signals_confirmed"
    reported = "reported"
    triage_done = "triage_done"
    plan_agreed = "plan_agreed"
    goals_reached = "goals_reached"
    no_concerns = "no_concerns"
    transferred = "transferred"
    relapse = "relapse"
    correction = "correction"


words(
    StageReason,
    {
        StageReason.intake: _l("aangemeld"),
        StageReason.signals_confirmed: _l("signalen bevestigd"),
        StageReason.reported: _l("melding gedaan"),
        StageReason.triage_done: _l("triage afgerond"),
        StageReason.plan_agreed: _l("plan van aanpak vastgesteld"),
        StageReason.goals_reached: _l("doelen bereikt"),
        StageReason.no_concerns: _l("geen zorgen meer"),
        StageReason.transferred: _l("overgedragen"),
        StageReason.relapse: _l("terugval"),
        StageReason.correction: _l("correctie"),
    },
)


class InvolvementReason(Code):
    """Why a partner organisation has need-to-know for a case (design.md, invariant 2)."""

    coordinator = "coordinator"
    contributor = "contributor"
    #: invited by the chair for this case
    invited = "invited"
    #: at the table for an agenda item of a published meeting (``source`` names the item)
    at_table = "at_table"
    #: owns one of the case's action items (``source`` names the action)
    action_owner = "action_owner"
    #: the chair's organisation, for a case on the agenda of a meeting it chairs, from
    #: publication for the same period as the table (``source`` names the item)
    chairing = "chairing"


words(
    InvolvementReason,
    {
        InvolvementReason.coordinator: _l("casuscoördinator"),
        InvolvementReason.contributor: _l("heeft inbreng geleverd"),
        InvolvementReason.invited: _l("uitgenodigd door de voorzitter"),
        InvolvementReason.at_table: _l("aan tafel in een vergadering"),
        InvolvementReason.action_owner: _l("eigenaar van een actie"),
        InvolvementReason.chairing: _l("voorzitter van een vergadering met de casus"),
    },
)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: meaningless pseudonym such as ``ZT-2026-0042``; random, so it reveals no order or count
    code: Mapped[str] = mapped_column(String(20), unique=True)
    stage: Mapped[Stage] = mapped_column(Enum(Stage, native_enum=False, length=20))
    #: partner code of the casuscoördinator, if one is appointed
    coordinator_code: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: who reported the signal; the partner code too when a partner did
    reported_by: Mapped[Reporter | None] = mapped_column(
        Enum(Reporter, native_enum=False, length=20), default=None
    )
    reporter_partner_code: Mapped[str | None] = mapped_column(String(40), default=None)
    #: the subject's identity as JSON, AES-256-GCM under the case's data key (cases.identity)
    identity: Mapped[Ciphertext | None] = mapped_column(EncryptedBlob(), default=None)
    #: keyed hashes (HMAC-SHA-256, lookup key) of the normalised BSN and of name + birth date,
    #: for "already known?"; they reveal nothing without the lookup key
    bsn_lookup: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    name_lookup: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    #: CoMensha: the day the melding was made and the partner that made it
    comensha_reported_on: Mapped[date | None] = mapped_column(Date, default=None)
    comensha_reported_by: Mapped[str | None] = mapped_column(String(40), default=None)
    #: whether that melding carried identity (only with recorded consent, art. 8.2)
    comensha_with_identity: Mapped[bool | None] = mapped_column(default=None)
    #: the table wants to discuss the case again by this day (the agenda builder suggests it)
    follow_up_on: Mapped[date | None] = mapped_column(Date, default=None)

    involvements: Mapped[list[Involvement]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Involvement.id"
    )
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Contribution.id"
    )

    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="StageChange.id"
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Consent.id"
    )

    @property
    def comensha_outstanding(self) -> bool:
        """Past the signal stage, still open, and no melding at CoMensha recorded."""
        return self.comensha_reported_on is None and self.stage not in (
            Stage.signaal,
            Stage.afgesloten,
        )

    def consented(self, at: datetime) -> frozenset[tuple[str, str]]:
        """(recipient partner, category) pairs with consent in force at ``at``."""
        return frozenset(
            (c.partner_code, c.category_code) for c in self.consents if c.active_at(at)
        )

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.code} {self.stage.value}>"


class StageChange(Base):
    """One move of a case from one stage to another, with a coded reason."""

    __tablename__ = "case_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: None for the first stage at intake
    from_stage: Mapped[Stage | None] = mapped_column(
        Enum(Stage, native_enum=False, length=20), default=None
    )
    to_stage: Mapped[Stage] = mapped_column(Enum(Stage, native_enum=False, length=20))
    reason: Mapped[StageReason] = mapped_column(Enum(StageReason, native_enum=False, length=30))
    changed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="stage_changes")

    def __repr__(self) -> str:
        return f"<StageChange {self.id} case={self.case_id} -> {self.to_stage.value}>"


class Consent(Base):
    """The subject's recorded consent for disclosing one category to one partner."""

    __tablename__ = "case_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    partner_code: Mapped[str] = mapped_column(String(40))
    category_code: Mapped[str] = mapped_column(String(40))
    #: the convenant article that asks for it
    article: Mapped[str | None] = mapped_column(String(40), default=None)
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: withdrawn (AVG art. 7(3)): from this moment on the category is refused again
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: who recorded the withdrawal
    withdrawn_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    case: Mapped[Case] = relationship(back_populates="consents")

    def active_at(self, moment: datetime) -> bool:
        return self.recorded_at <= moment and (
            self.withdrawn_at is None or moment < self.withdrawn_at
        )

    def __repr__(self) -> str:
        return f"<Consent {self.id} case={self.case_id} {self.partner_code}/{self.category_code}>"


class Involvement(Base):
    """One reason, for one period, why a partner organisation may see a case."""

    __tablename__ = "involvements"
    __table_args__ = (
        Index("ix_involvements_case_partner", "case_id", "partner_code"),
        #: a partner's case list: which cases does this organisation know?
        Index("ix_involvements_partner_case", "partner_code", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    #: the partner (organisation) code from the convenant
    partner_code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[InvolvementReason] = mapped_column(
        Enum(InvolvementReason, native_enum=False, length=20)
    )
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: None while open-ended (coordinator, contributor); set for at_table and invitations
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: what created it, e.g. ``agenda-item:17`` or ``action:4``; never free text
    source: Mapped[str | None] = mapped_column(String(60), default=None)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="involvements")

    @hybrid_method
    def active_at(self, moment: datetime) -> bool:
        """True if this involvement gives need-to-know at ``moment``: the one definition of an
        active involvement, in Python here and in SQL below."""
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    @active_at.inplace.expression
    @classmethod
    def _active_at_expression(cls, moment: datetime) -> ColumnElement[bool]:
        return and_(
            cls.valid_from <= moment, or_(cls.valid_until.is_(None), cls.valid_until > moment)
        )

    def __repr__(self) -> str:
        return (
            f"<Involvement {self.id} case={self.case_id} {self.partner_code} {self.reason.value}>"
        )


class Contribution(Base):
    """Inbreng: one partner's information about a case in one category, sealed by the vault."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    partner_code: Mapped[str] = mapped_column(String(40))
    category_code: Mapped[str] = mapped_column(String(40))
    #: AES-256-GCM under the case's data key, bound to (contributions, id, text, key id);
    #: None only between insert and sealing, inside one transaction
    text: Mapped[Ciphertext | None] = mapped_column(EncryptedBlob(), default=None)
    #: the author's text before pseudonymisation, sealed likewise (contributions.original);
    #: opened only for readers who may receive the subject's identity
    original: Mapped[Ciphertext | None] = mapped_column(EncryptedBlob(), default=None)
    #: how many stretches the pseudonymiser replaced (a count, never what)
    replacements: Mapped[int] = mapped_column(default=0)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="contributions")

    def __repr__(self) -> str:
        return f"<Contribution {self.id} case={self.case_id} {self.category_code}>"


class ContributionSave(Base):
    """A form's single-use nonce, claimed by the save it made: a second submit of the same
    preview (or preparation form) finds its contribution instead of storing another. No
    content: the nonce is random, and the text is bound to it by the form's proof only."""

    __tablename__ = "contribution_saves"

    #: random, from the preview (or the preparation form) that offered this save
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the contribution it stored; None only between the claim and the store, in one transaction
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<ContributionSave case={self.case_id} contribution={self.contribution_id}>"
