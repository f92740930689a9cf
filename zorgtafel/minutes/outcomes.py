"""Writes to decisions and action items: take a decision, give an action, change its status
or review it at a meeting. Each writes its audit event; texts arrive pseudonymised and are
sealed here under the case's data key. Reading goes through ``zorgtafel.privacy.gate``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from zorgtafel.audit.operations import Actor, record
from zorgtafel.audit.vocabulary import AuditAction, Change, Level, ObjectType, Purpose
from zorgtafel.auth.models import Organisation, Role, User
from zorgtafel.cases import operations as case_operations
from zorgtafel.cases.models import Involvement, InvolvementReason
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import today, utcnow
from zorgtafel.core.db import begin_write, db
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes.models import (
    OUTCOME_CATEGORY,
    ActionChange,
    ActionItem,
    ActionStatus,
    Decision,
    OutcomeSave,
)
from zorgtafel.minutes.models.outcomes import NEEDS_REASON
from zorgtafel.minutes.operations import MinutesError, _data_key
from zorgtafel.privacy import vault

MAX_TEXT = 2000

_CHANGES = {
    ActionStatus.open: Change.action_reviewed,
    ActionStatus.done: Change.action_done,
    ActionStatus.not_possible: Change.action_not_possible,
    ActionStatus.not_done: Change.action_not_done,
    ActionStatus.lapsed: Change.action_lapsed,
}


def save_once(user: User, case_id: int, nonce: str, store: Callable[[], object]) -> bool:
    """Run ``store()`` once per previewed form ``nonce``: the first submit claims the nonce and
    stores (True); a later one (a double click, a replayed request) stores nothing (False).
    When ``store`` fails the claim is let go with it, so the form can be submitted again."""
    begin_write(db.session)  # the claim and the look-up are one snapshot (SQLite)
    if db.session.get(OutcomeSave, nonce) is not None:
        return False
    claim = OutcomeSave(nonce=nonce, case_id=case_id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except IntegrityError:
        # a concurrent submit of the same form claimed it and has committed (PostgreSQL waits
        # on the key until then)
        if db.session.get(OutcomeSave, nonce) is None:
            raise
        return False
    try:
        store()
    except Exception:
        db.session.delete(claim)
        db.session.flush()
        raise
    return True


def add_decision(user: User, item: AgendaItem, text: str, *, convenant: Convenant) -> Decision:
    """A decision on the item, numbered next for its case (logged)."""
    begin_write(db.session)
    _text(text)
    last = db.session.scalar(
        select(func.max(Decision.number)).where(Decision.case_id == item.case_id)
    )
    decision = Decision(
        case_id=item.case_id,
        agenda_item_id=item.id,
        number=(last or 0) + 1,
        created_by_user_id=user.id,
    )
    db.session.add(decision)
    db.session.flush()
    decision.text = vault.seal(
        _data_key(item), text, table="decisions", row_id=decision.id, column="text"
    )
    _record(user, item.case.code, convenant, Change.decision_added)
    return decision


def add_action(
    user: User,
    item: AgendaItem,
    owner: str,
    due_on: date,
    description: str,
    *,
    convenant: Convenant,
    assignee_id: int | None = None,
) -> ActionItem:
    """An action for a partner organisation, due on a date, optionally for one named user of
    it. Owning it gives the organisation need-to-know for the case (``action_owner``) until
    it is closed, plus the convenant's days after the meeting."""
    begin_write(db.session)
    if not convenant.has_partner(owner):
        raise MinutesError(_l("Onbekende ketenpartner."))
    if assignee_id is not None and not _of_owner(assignee_id, owner):
        raise MinutesError(_l("Die gebruiker hoort niet bij de eigenaar van de actie."))
    if due_on < today():
        raise MinutesError(_l("De termijn ligt in het verleden."))
    _text(description)
    action = ActionItem(
        case_id=item.case_id,
        agenda_item_id=item.id,
        owner_partner_code=owner,
        assignee_user_id=assignee_id,
        due_on=due_on,
        created_by_user_id=user.id,
    )
    db.session.add(action)
    db.session.flush()
    action.description = vault.seal(
        _data_key(item), description, table="action_items", row_id=action.id, column="description"
    )
    case_operations.add_involvement(
        item.case, owner, InvolvementReason.action_owner, by=user, source=_source(action)
    )
    _record(user, item.case.code, convenant, Change.action_added)
    return action


def assignable(convenant: Convenant) -> list[tuple[str, str]]:
    """The active partner users of the convenant's partners, as (id, "name (organisation)"):
    the chair's choice of a named user for an action."""
    codes = {partner.code for partner in convenant.partners}
    rows = db.session.execute(
        select(User.id, User.name, Organisation.code, Organisation.name)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == Role.partner, User.disabled_at.is_(None))
        .order_by(Organisation.name, User.name)
    ).all()
    return [(str(uid), f"{name} ({org})") for uid, name, code, org in rows if code in codes]


def _of_owner(user_id: int, owner: str) -> bool:
    user = db.session.get(User, user_id)
    return (
        user is not None
        and user.is_active
        and user.role is Role.partner
        and user.organisation.code == owner
    )


def change_status(
    user: User,
    action: ActionItem,
    to_status: ActionStatus,
    reason: str | None,
    *,
    convenant: Convenant,
    review_item: AgendaItem | None = None,
) -> ActionChange:
    """Close an open action (gedaan, niet mogelijk, niet gedaan; vervallen by the chair only),
    or, at a meeting, review it and keep it open. Niet mogelijk, niet gedaan and vervallen need
    a reason (pseudonymised). Every change is a row of its own, with who made it (logged)."""
    begin_write(db.session)
    to_status = ActionStatus(to_status)
    if not action.is_open:
        raise MinutesError(_l("Dit actiepunt is al gesloten."))
    if user.role is not Role.chair:
        if user.organisation.code != action.owner_partner_code:
            raise MinutesError(_l("Dit actiepunt is niet van uw organisatie."))
        if to_status in (ActionStatus.lapsed, ActionStatus.open):
            raise MinutesError(_l("Alleen de voorzitter kan dit."))
    if to_status is ActionStatus.open and review_item is None:
        raise MinutesError(_l("Kies een nieuwe status."))
    if to_status in NEEDS_REASON and not (reason or "").strip():
        raise MinutesError(_l("Geef een reden."))
    if reason:
        _text(reason)
    change = ActionChange(
        action_id=action.id,
        from_status=action.status,
        to_status=to_status,
        review_item_id=review_item.id if review_item is not None else None,
        changed_by_user_id=user.id,
    )
    db.session.add(change)
    db.session.flush()
    if reason:
        key = _data_key_of(action)
        change.reason = vault.seal(
            key, reason, table="action_changes", row_id=change.id, column="reason"
        )
    if to_status is not ActionStatus.open:
        action.status, action.closed_at = to_status, utcnow()
        _end_ownership(action, convenant, user)
    db.session.flush()
    db.session.expire(action, ["changes"])
    code = db.session.get(AgendaItem, action.agenda_item_id).case.code  # type: ignore[union-attr]
    _record(user, code, convenant, _CHANGES[to_status])
    return change


def _end_ownership(action: ActionItem, convenant: Convenant, user: User) -> None:
    """The action's involvement runs on for the convenant's days after the meeting, then ends."""
    until = utcnow() + timedelta(days=convenant.access_days_after_meeting)
    for involvement in db.session.scalars(
        select(Involvement).where(Involvement.source == _source(action))
    ):
        if involvement.valid_until is None or involvement.valid_until > until:
            involvement.valid_until = until


def _source(action: ActionItem) -> str:
    return f"action:{action.id}"


def _text(text: str) -> None:
    if not text.strip() or len(text) > MAX_TEXT:
        raise MinutesError(_l("De tekst is leeg of te lang."))


def _data_key_of(action: ActionItem) -> vault.DataKey:
    case_key = vault.case_key_for(db.session, action.case_id)
    if case_key is None or case_key.destroyed:
        raise vault.KeyDestroyed("casus heeft geen datasleutel")
    return vault.data_key(case_key)


def _record(user: User, code: str, convenant: Convenant, change: Change) -> None:
    record(
        AuditAction.update,
        actor=Actor.of(user),
        object_type=ObjectType.case,
        object_id=code,
        level=Level.content,
        categories=(OUTCOME_CATEGORY,),
        convenant=convenant,
        purpose=Purpose.case_conference,
        reason=change,
    )
