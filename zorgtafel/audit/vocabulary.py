"""The audit log's words: every code an event can hold, typed, with a label in Dutch (English
through the catalogue), as Warehouse's ``EventTag``.

An event's columns take members of these enums (or a :class:`Qualified` pair of them), never a
free string: :func:`zorgtafel.audit.operations.event` refuses anything else. The stored values
are the members' values, so an event written years ago reads the same today; codes that older
versions wrote in another spelling are listed in :data:`LEGACY` and shown with today's words.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from zorgtafel.core.i18n import translate


class Code(enum.StrEnum):
    """A code with words for people; each subclass is given its labels by :func:`words`."""

    @property
    def label(self) -> str:
        """The code in words, in the request's language."""
        return translate(_LABELS[type(self)][self])


#: each kind's Dutch labels (msgids), looked up in the request's catalogue when shown
_LABELS: dict[type[Code], dict[Any, str]] = {}


def words(kind: type[Code], labels: Mapping[Any, Any]) -> None:
    """Give every member of ``kind`` its label (``_l("...")``, so extraction finds it); a member
    without one fails at import."""
    missing = [member.value for member in kind if member not in labels]
    if missing:
        raise TypeError(f"{kind.__name__}: no label for {', '.join(missing)}")
    _LABELS[kind] = {member: _msgid(label) for member, label in labels.items()}


def _msgid(label: Any) -> str:
    """The Dutch text of a lazy label: the label is translated per request, not once."""
    return label._args[0] if isinstance(label, LazyString) else str(label)


def vocabulary() -> tuple[type[Code], ...]:
    """Every kind of code with labels (for the test that enumerates them, and for display)."""
    return tuple(_LABELS)


@dataclass(frozen=True)
class Qualified:
    """Two codes as one: a stage change to ``aanpak`` for ``plan_agreed`` is
    ``aanpak.plan_agreed``."""

    kind: Code
    detail: Code

    @property
    def value(self) -> str:
        return f"{self.kind.value}.{self.detail.value}"

    @property
    def label(self) -> str:
        return f"{self.kind.label}: {self.detail.label}"

    def __str__(self) -> str:
        return self.value


class AuditAction(Code):
    """What happened (NEN 7513 kinds of event, plus key and log management)."""

    create = "create"
    read = "read"
    update = "update"
    delete = "delete"
    export = "export"
    print = "print"
    search = "search"
    reveal_identity = "reveal_identity"
    login = "login"
    login_failed = "login_failed"
    logout = "logout"
    key_create = "key_create"
    key_rotate = "key_rotate"
    key_destroy = "key_destroy"
    #: events past the log's term archived and removed (``object_id``: the new base seq)
    audit_prune = "audit_prune"
    #: a backup written (``object_id``: the chain size of its checkpoint)
    backup = "backup"
    #: a backup restored into this instance (``object_id``: the chain size it was taken at)
    restore = "restore"
    #: the chair proposed an erasure (``object_id``: ``erasure-<n>``)
    erasure_proposed = "erasure_proposed"
    #: the privacy officer approved it, a second person (``object_id``: ``erasure-<n>``)
    erasure_approved = "erasure_approved"
    #: a case's or minutes' data erased past the term (``object_id``: the case code)
    erase = "erase"
    #: the signed erasure record (``object_id``: ``sha256:`` and its hash's first 56 hex)
    erasure_record = "erasure_record"
    #: a hold that blocks erasure set or lifted (``object_id``: ``hold-<n>``)
    hold_set = "hold_set"
    hold_lifted = "hold_lifted"
    #: a partner confirmed it erased its own copies (``object_id``: ``notice-<n>``)
    notice_confirmed = "notice_confirmed"


words(
    AuditAction,
    {
        AuditAction.create: _l("aangemaakt"),
        AuditAction.read: _l("ingezien"),
        AuditAction.update: _l("gewijzigd"),
        AuditAction.delete: _l("verwijderd"),
        AuditAction.export: _l("geëxporteerd"),
        AuditAction.print: _l("afgedrukt"),
        AuditAction.search: _l("gezocht of in een lijst getoond"),
        AuditAction.reveal_identity: _l("identiteit getoond"),
        AuditAction.login: _l("ingelogd"),
        AuditAction.login_failed: _l("inloggen mislukt"),
        AuditAction.logout: _l("uitgelogd"),
        AuditAction.key_create: _l("sleutel aangemaakt"),
        AuditAction.key_rotate: _l("hoofdsleutel vervangen"),
        AuditAction.key_destroy: _l("sleutel vernietigd"),
        AuditAction.audit_prune: _l("auditlog ingekort na de bewaartermijn"),
        AuditAction.backup: _l("back-up gemaakt"),
        AuditAction.restore: _l("back-up teruggezet"),
        AuditAction.erasure_proposed: _l("verwijdering voorgesteld"),
        AuditAction.erasure_approved: _l("verwijdering goedgekeurd"),
        AuditAction.erase: _l("gegevens verwijderd na de bewaartermijn"),
        AuditAction.erasure_record: _l("ondertekend verwijderingsbewijs"),
        AuditAction.hold_set: _l("bewaarplicht ingesteld"),
        AuditAction.hold_lifted: _l("bewaarplicht opgeheven"),
        AuditAction.notice_confirmed: _l("verwijdering door partner bevestigd"),
    },
)


class Outcome(Code):
    allowed = "allowed"
    refused = "refused"


words(Outcome, {Outcome.allowed: _l("toegestaan"), Outcome.refused: _l("geweigerd")})


class ObjectType(Code):
    """What an event is about; its id in ``object_id`` is always a pseudonym or a number."""

    case = "case"
    consent = "consent"
    involvement = "involvement"
    meeting = "meeting"
    pledge = "pledge"
    minutes = "minutes"
    user = "user"
    master_key = "master_key"
    #: the audit log itself, read by the privacy officer (``object_id``: the case code searched)
    audit_log = "audit_log"
    #: the partner x category matrix of releases against the convenant
    release_matrix = "release_matrix"
    #: a signal of the anomaly rules in the privacy officer's triage queue (id: its number)
    anomaly_signal = "anomaly_signal"
    #: the privacy officer's recorded review of the log (id: its number)
    log_review = "log_review"
    #: the processing register (AVG art. 30) generated from a convenant version
    processing_register = "processing_register"
    #: a release of figures (tables counted over cases); its id is ``release-<n>`` (the
    #: region's) or ``release-<n>/<municipality code>`` (one municipality's)
    release = "release"
    #: an erasure proposal (id: ``erasure-<n>``)
    erasure = "erasure"
    #: a hold on a case's erasure (id: ``hold-<n>``)
    hold = "hold"
    #: a notice to a partner to erase its copies (id: ``notice-<n>``)
    erasure_notice = "erasure_notice"
    #: a signed erasure record (id: ``sha256:`` and the first 56 hex of its hash)
    erasure_record = "erasure_record"
    #: a data subject's access request (AVG art. 15) (id: its number)
    access_request = "access_request"


words(
    ObjectType,
    {
        ObjectType.case: _l("casus"),
        ObjectType.consent: _l("toestemming"),
        ObjectType.involvement: _l("betrokkenheid"),
        ObjectType.meeting: _l("vergadering"),
        ObjectType.pledge: _l("geheimhoudingsverklaring"),
        ObjectType.minutes: _l("notulen"),
        ObjectType.user: _l("gebruiker"),
        ObjectType.master_key: _l("hoofdsleutel"),
        ObjectType.audit_log: _l("auditlog"),
        ObjectType.release_matrix: _l("verstrekkingen per partner en categorie"),
        ObjectType.anomaly_signal: _l("signaal van afwijkend gebruik"),
        ObjectType.log_review: _l("beoordeling van het log"),
        ObjectType.processing_register: _l("verwerkingsregister (AVG art. 30)"),
        ObjectType.release: _l("cijferrelease"),
        ObjectType.erasure: _l("verwijdering"),
        ObjectType.hold: _l("bewaarplicht"),
        ObjectType.erasure_notice: _l("verwijderingsbericht aan partner"),
        ObjectType.erasure_record: _l("verwijderingsbewijs"),
        ObjectType.access_request: _l("inzageverzoek (AVG art. 15)"),
    },
)


class Purpose(Code):
    """Why data is disclosed or changed; recorded with every event."""

    #: preparing or holding the case conference
    case_conference = "case_conference"
    #: the coordinator or an action owner working on the plan
    case_work = "case_work"
    #: the privacy officer's oversight
    oversight = "oversight"
    #: answering a data subject's access request (AVG art. 15)
    access_request = "access_request"
    #: the case's known names handed to the pseudonymiser for a contribution (not shown)
    pseudonymisation = "pseudonymisation"
    #: the chair's "already known?" check at intake
    intake = "intake"
    #: logging in and out
    authentication = "authentication"
    #: master keys and data keys
    key_management = "key_management"
    #: erasing data whose term has passed
    retention = "retention"
    #: an administrator managing accounts
    administration = "administration"
    #: counting cases for the municipality's figures (aggregates, suppressed; no case shown)
    statistics = "statistics"
    #: backing up and restoring the database
    continuity = "continuity"


words(
    Purpose,
    {
        Purpose.case_conference: _l("casusoverleg"),
        Purpose.case_work: _l("uitvoering van het plan"),
        Purpose.oversight: _l("toezicht door de FG"),
        Purpose.access_request: _l("inzageverzoek (AVG art. 15)"),
        Purpose.pseudonymisation: _l("pseudonimisering"),
        Purpose.intake: _l("aanmelding"),
        Purpose.authentication: _l("inloggen"),
        Purpose.key_management: _l("sleutelbeheer"),
        Purpose.retention: _l("bewaartermijn"),
        Purpose.administration: _l("accountbeheer"),
        Purpose.statistics: _l("beleidsinformatie (cijfers)"),
        Purpose.continuity: _l("back-up en herstel"),
    },
)


class Level(Code):
    """How much of a case is disclosed, as in Dutch practice."""

    #: the case's pseudonym and stage
    exists = "exists"
    #: agenda, dates, who is involved; no personal content
    process = "process"
    #: the categories the organisation may receive
    content = "content"


words(
    Level,
    {
        Level.exists: _l("bestaan (code en fase)"),
        Level.process: _l("proces (data en betrokkenen)"),
        Level.content: _l("inhoud"),
    },
)


class Basis(Code):
    """What an allowed read rests on: the reader's role, or its organisation's involvement."""

    chair = "chair"
    privacy_officer = "privacy_officer"
    coordinator = "coordinator"
    contributor = "contributor"
    invited = "invited"
    at_table = "at_table"
    action_owner = "action_owner"
    chairing = "chairing"
    policy_officer = "policy_officer"


words(
    Basis,
    {
        Basis.chair: _l("rol: voorzitter"),
        Basis.privacy_officer: _l("rol: functionaris gegevensbescherming"),
        Basis.coordinator: _l("casuscoördinator"),
        Basis.contributor: _l("heeft inbreng geleverd"),
        Basis.invited: _l("uitgenodigd door de voorzitter"),
        Basis.at_table: _l("aan tafel in een vergadering"),
        Basis.action_owner: _l("eigenaar van een actiepunt"),
        Basis.chairing: _l("voorzitter van een vergadering met de casus"),
        Basis.policy_officer: _l("rol: beleidsmedewerker"),
    },
)


class Refusal(Code):
    """Why a read or a write was refused: the one set of refusal codes, for the convenant's
    rights and for need-to-know alike."""

    inactive_user = "inactive_user"
    role_admin = "role_admin"
    role_privacy_no_content = "role_privacy_no_content"
    not_a_party = "not_a_party"
    no_need_to_know = "no_need_to_know"
    no_rule = "no_rule"
    consent_required = "consent_required"
    unknown_partner = "unknown_partner"
    unknown_category = "unknown_category"
    #: a case code that names no case (refused and logged like a case one may not see)
    unknown_case = "unknown_case"
    #: a user tried to give its own organisation access (an invitation of itself)
    own_organisation = "own_organisation"
    not_privacy_officer = "not_privacy_officer"
    role_policy_figures_only = "role_policy_figures_only"
    role_no_figures = "role_no_figures"


words(
    Refusal,
    {
        Refusal.inactive_user: _l("gebruiker is geblokkeerd"),
        Refusal.role_admin: _l("beheerders zien geen casusgegevens"),
        Refusal.role_privacy_no_content: _l("de FG ziet geen inhoud"),
        Refusal.not_a_party: _l("organisatie is geen partij bij het convenant"),
        Refusal.no_need_to_know: _l("geen noodzaak (need-to-know)"),
        Refusal.no_rule: _l("het convenant staat dit niet toe"),
        Refusal.consent_required: _l("vraagt vastgelegde toestemming"),
        Refusal.unknown_partner: _l("onbekende partner"),
        Refusal.unknown_category: _l("onbekende categorie"),
        Refusal.unknown_case: _l("onbekende casuscode"),
        Refusal.own_organisation: _l("niemand verruimt de toegang van de eigen organisatie"),
        Refusal.not_privacy_officer: _l("alleen de FG leest het auditlog"),
        Refusal.role_policy_figures_only: _l("beleidsmedewerkers zien alleen cijfers"),
        Refusal.role_no_figures: _l("deze rol ziet geen cijfers"),
    },
)


class Change(Code):
    """What a write did, where the action alone does not say it."""

    involvement_ended = "ended"
    consent_withdrawn = "consent_withdrawn"
    comensha_with_identity = "with_identity"
    comensha_anonymised = "anonymised"
    item_added = "item_added"
    item_changed = "item_changed"
    item_moved = "item_moved"
    item_removed = "item_removed"
    published = "published"
    attendance_present = "attendance_present"
    attendance_apologies = "attendance_apologies"
    attendance_absent = "attendance_absent"
    step_start = "step_start"
    step_next = "step_next"
    step_previous = "step_previous"
    step_end = "step_end"
    step_reopen = "step_reopen"
    agenda_pdf = "agenda_pdf"
    minutes_saved = "minutes_saved"
    minutes_finalised = "minutes_finalised"
    minutes_rectified = "minutes_rectified"
    decision_added = "decision_added"
    action_added = "action_added"
    action_reviewed = "action_reviewed"
    action_done = "action_done"
    action_not_possible = "action_not_possible"
    action_not_done = "action_not_done"
    action_lapsed = "action_lapsed"
    minutes_excerpt_pdf = "minutes_excerpt_pdf"
    possibly_known_bsn = "possibly_known.bsn"
    possibly_known_name = "possibly_known.name_birth_date"
    login_enrolment = "enrolment"
    #: a logged-in user confirmed a TOTP code again, for a step that needs a fresh login
    login_reconfirmed = "reconfirmed"
    failed_password = "password"  # noqa: S105 - the login step that failed, not a secret
    failed_code = "code"
    failed_enrolment_code = "enrolment_code"
    user_created = "user_created"
    user_disabled = "user_disabled"
    user_enabled = "user_enabled"
    second_factor_reset = "second_factor_reset"
    password_reset_issued = "password_reset_issued"  # noqa: S105 - an event code
    password_reset_used = "password_reset_used"  # noqa: S105 - an event code
    signal_open = "signal_open"
    signal_explained = "signal_explained"
    signal_escalated = "signal_escalated"
    profile_recorded = "profile_recorded"
    #: the kind of a hold (``retention.models.HoldKind``)
    hold_criminal_investigation = "hold.criminal_investigation"
    hold_complaint = "hold.complaint"
    hold_access_request = "hold.access_request"
    hold_supervisory_inquiry = "hold.supervisory_inquiry"
    #: what an erasure covered
    erased_case = "erased.case"
    erased_minutes = "erased.minutes"
    access_extended = "access_extended"
    access_partly_refused = "access_partly_refused"


words(
    Change,
    {
        Change.involvement_ended: _l("betrokkenheid beëindigd"),
        Change.consent_withdrawn: _l("toestemming ingetrokken (AVG art. 7 lid 3)"),
        Change.comensha_with_identity: _l("melding bij CoMensha met identiteit"),
        Change.comensha_anonymised: _l("melding bij CoMensha zonder identiteit"),
        Change.item_added: _l("agendapunt toegevoegd"),
        Change.item_changed: _l("agendapunt gewijzigd"),
        Change.item_moved: _l("agendapunt verplaatst"),
        Change.item_removed: _l("agendapunt verwijderd"),
        Change.published: _l("agenda gepubliceerd"),
        Change.attendance_present: _l("aanwezig"),
        Change.attendance_apologies: _l("afgemeld"),
        Change.attendance_absent: _l("afwezig"),
        Change.step_start: _l("vergadering gestart"),
        Change.step_next: _l("volgend agendapunt"),
        Change.step_previous: _l("vorig agendapunt"),
        Change.step_end: _l("vergadering afgesloten"),
        Change.step_reopen: _l("vergadering heropend"),
        Change.agenda_pdf: _l("agenda als PDF"),
        Change.minutes_saved: _l("conceptnotulen opgeslagen"),
        Change.minutes_finalised: _l("notulen vastgesteld (met de hash van de inhoud)"),
        Change.minutes_rectified: _l("rectificatie bij vastgestelde notulen (met haar hash)"),
        Change.decision_added: _l("besluit genomen"),
        Change.action_added: _l("actiepunt toegekend"),
        Change.action_reviewed: _l("actiepunt besproken, blijft open"),
        Change.action_done: _l("actiepunt gedaan"),
        Change.action_not_possible: _l("actiepunt niet mogelijk (omstandigheden veranderd)"),
        Change.action_not_done: _l("actiepunt niet gedaan"),
        Change.action_lapsed: _l("actiepunt vervallen"),
        Change.minutes_excerpt_pdf: _l("uittreksel van de notulen als PDF"),
        Change.possibly_known_bsn: _l("mogelijk bekend (zelfde BSN)"),
        Change.possibly_known_name: _l("mogelijk bekend (zelfde naam en geboortedatum)"),
        Change.login_enrolment: _l("tweestapsverificatie gekoppeld"),
        Change.login_reconfirmed: _l("opnieuw bevestigd met een code"),
        Change.failed_password: _l("bij het wachtwoord"),
        Change.failed_code: _l("bij de code"),
        Change.failed_enrolment_code: _l("bij het koppelen"),
        Change.user_created: _l("account aangemaakt"),
        Change.user_disabled: _l("account geblokkeerd"),
        Change.user_enabled: _l("account gedeblokkeerd"),
        Change.second_factor_reset: _l("tweestapsverificatie opnieuw in te stellen"),
        Change.password_reset_issued: _l("herstellink voor het wachtwoord uitgegeven"),
        Change.password_reset_used: _l("wachtwoord hersteld met een herstellink"),
        Change.signal_open: _l("signaal heropend"),
        Change.signal_explained: _l("signaal verklaard"),
        Change.signal_escalated: _l("signaal geëscaleerd"),
        Change.profile_recorded: _l("kenmerken voor de cijfers vastgelegd"),
        Change.hold_criminal_investigation: _l("bewaarplicht: strafrechtelijk onderzoek"),
        Change.hold_complaint: _l("bewaarplicht: klacht"),
        Change.hold_access_request: _l("bewaarplicht: lopend inzageverzoek (AVG art. 15)"),
        Change.hold_supervisory_inquiry: _l("bewaarplicht: onderzoek van de toezichthouder"),
        Change.erased_case: _l("casusgegevens verwijderd"),
        Change.erased_minutes: _l("notulen verwijderd"),
        Change.access_extended: _l("termijn inzageverzoek verlengd"),
        Change.access_partly_refused: _l("inzage deels geweigerd door een partner"),
    },
)

#: a value of the ``reason`` column: why allowed, why refused, or what a write did
Reason = Basis | Refusal | Change | Qualified

#: codes written by earlier versions in another spelling, and the code they mean today
LEGACY: dict[str, Code] = {
    "no-rule": Refusal.no_rule,
    "consent-required": Refusal.consent_required,
    "unknown-partner": Refusal.unknown_partner,
    "unknown-category": Refusal.unknown_category,
    "no-need-to-know": Refusal.no_need_to_know,
}


def decode(
    value: str | None,
    kinds: Sequence[type[Code]],
    qualified: Sequence[tuple[type[Code], type[Code]]] = (),
) -> Code | Qualified | None:
    """The code a stored value stands for: a member of one of ``kinds`` (in today's spelling,
    or an older one in :data:`LEGACY`), or a :class:`Qualified` pair of one of ``qualified``;
    None if no kind knows it."""
    if not value:
        return None
    for kind in kinds:
        if value in kind._value2member_map_:
            return kind(value)
    if value in LEGACY and type(LEGACY[value]) in kinds:
        return LEGACY[value]
    head, dot, tail = value.partition(".")
    if dot:
        for first, second in qualified:
            if head in first._value2member_map_ and tail in second._value2member_map_:
                return Qualified(first(head), second(tail))
    return None


def describe(
    value: str | None,
    kinds: Sequence[type[Code]],
    qualified: Sequence[tuple[type[Code], type[Code]]] = (),
) -> str:
    """The words for a stored value (see :func:`decode`) in the request's language; a value no
    kind knows is shown as it is (it is a code, never content)."""
    code = decode(value, kinds, qualified)
    return code.label if code is not None else value or ""


#: the kinds of code each column holds
COLUMNS: dict[str, tuple[type[Code], ...]] = {
    "action": (AuditAction,),
    "outcome": (Outcome,),
    "object_type": (ObjectType,),
    "purpose": (Purpose,),
    "level": (Level,),
    "reason": (Basis, Refusal, Change),
}
