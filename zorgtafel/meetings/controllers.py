"""Meetings for people: list, create, agenda builder, publish, preparation, meeting mode, PDF.

Controllers load, check access, call an operation or the gate, and respond. A meeting a user
may not open answers 404, like one that does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from zorgtafel.audit.vocabulary import AuditAction
from zorgtafel.auth.access import current_user
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.forms import ContributionForm
from zorgtafel.cases.models import Case, Contribution
from zorgtafel.cases.operations import ContributionRefused
from zorgtafel.cases.previewing import PageAddresses, contribution_page
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import AMSTERDAM, utcnow
from zorgtafel.core.db import db
from zorgtafel.core.pipeline import render_page
from zorgtafel.meetings import export as pdf_export
from zorgtafel.meetings import operations
from zorgtafel.meetings.forms import (
    AddItemForm,
    AttendanceForm,
    ItemForm,
    MeetingForm,
    MoveForm,
    PledgeForm,
    StepForm,
)
from zorgtafel.meetings.models import AgendaItem, Meeting, MeetingStatus
from zorgtafel.meetings.operations import MeetingError
from zorgtafel.meetings.suggestions import suggestions
from zorgtafel.privacy import gate
from zorgtafel.privacy.gate import Level, Purpose


def index() -> str:
    user = _user()
    query = select(Meeting).order_by(Meeting.starts_at.desc())
    if user.role is not Role.chair:
        query = query.where(Meeting.status != MeetingStatus.draft)
    from zorgtafel.minutes.operations import finalised_after

    meetings = list(db.session.scalars(query))
    return render_template(
        "meetings/index.html", meetings=meetings, finalised_after=finalised_after(meetings)
    )


def create() -> str | Response:
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = operations.create_meeting(
                _user(),
                _utc(form.starts_at.data),
                form.location.data or "",
                _utc(form.preparation_deadline.data) if form.preparation_deadline.data else None,
            )
        except MeetingError as error:
            form.starts_at.errors = [*form.starts_at.errors, str(error)]
        else:
            return redirect(url_for("meetings.agenda", meeting_id=meeting.id))
    return render_template("meetings/new.html", form=form)


def agenda(meeting_id: int) -> str:
    user, meeting = _user(), _meeting(meeting_id, with_convenant=True)
    convenant = meeting.convenant
    view = gate.agenda.agenda(user, meeting, convenant)
    context: dict[str, object] = {}
    if user.role is Role.chair:
        context = _builder_context(user, meeting, convenant)
    elif operations.preparation_open(meeting):
        context["contribution_form"] = ContributionForm(convenant, view.contributable)
    return render_page(
        "meetings/agenda.html",
        meeting=meeting,
        convenant=convenant,
        lines=view.lines,
        changes=operations.agenda_changes(
            meeting, None if user.role is Role.chair else user.organisation.code
        ),
        partner_names={partner.code: partner.name for partner in convenant.partners},
        preparation_open=operations.preparation_open(meeting),
        **context,
    )


def _builder_context(user: User, meeting: Meeting, convenant: Convenant) -> dict[str, object]:
    seated = operations.seated_partners(meeting)
    context: dict[str, object] = {
        "attendances": operations.attendances(meeting),
        "attendance_form": AttendanceForm(
            partner_choices=[c for c in _partner_choices(convenant) if c.value in seated]
        ),
    }
    if meeting.status is not MeetingStatus.closed:
        found = suggestions(meeting)
        views = gate.cases.listed(user, [s.case for s in found], Purpose.case_conference, convenant)
        reasons = {s.case.code: s.reasons for s in found}
        context.update(
            suggested=[(view, reasons[view.code]) for view in views],
            add_form=AddItemForm(),
            item_forms={
                item.id: ItemForm(
                    prefix=f"item-{item.id}",
                    partner_choices=_partner_choices(convenant),
                    formdata=None,
                    data={
                        "minutes": item.minutes,
                        "kind": item.kind.value,
                        "partners": item.partner_codes,
                    },
                )
                for item in _items_with_seats(meeting)
            },
            move_form=MoveForm(),
        )
    return context


def _items_with_seats(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items with their seats in two statements, however many there are."""
    query = (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .options(selectinload(AgendaItem.seats))
    )
    return list(db.session.scalars(query))


def add_item(meeting_id: int) -> Response:
    meeting, form = _meeting(meeting_id), AddItemForm()
    if not form.validate_on_submit():
        return _back(meeting, _("Geef een geldige casuscode."))
    case = db.session.scalar(select(Case).where(Case.code == form.case_code.data))
    if case is None:
        return _back(meeting, _("Er is geen casus met die code."))
    return _attempt(meeting, lambda: operations.add_item(_user(), meeting, case))


def update_item(meeting_id: int, item_id: int) -> Response:
    meeting = _meeting(meeting_id)
    item = _item(meeting, item_id)
    form = ItemForm(prefix=f"item-{item.id}", partner_choices=_partner_choices(meeting.convenant))
    if not form.validate_on_submit():
        return _back(meeting, _("Controleer tijd, soort en partners van het agendapunt."))
    return _attempt(
        meeting,
        lambda: operations.update_item(
            _user(),
            item,
            minutes=form.minutes.data or 1,
            kind=form.kind.data,
            partner_codes=form.partners.data or [],
        ),
        _("Agendapunt bijgewerkt."),
    )


def move_item(meeting_id: int, item_id: int) -> Response:
    meeting = _meeting(meeting_id)
    item, form = _item(meeting, item_id), MoveForm()
    if not form.validate_on_submit():
        return _back(meeting, _("Het formulier is ongeldig."))
    return _attempt(
        meeting, lambda: operations.move_item(_user(), item, form.direction.data == "up")
    )


def remove_item(meeting_id: int, item_id: int) -> Response:
    meeting = _meeting(meeting_id)
    item = _item(meeting, item_id)  # CSRFProtect has checked the form's token
    return _attempt(meeting, lambda: operations.remove_item(_user(), item))


def publish(meeting_id: int) -> Response:
    meeting = _meeting(meeting_id)
    return _attempt(
        meeting,
        lambda: operations.publish(_user(), meeting),
        _("De agenda is gepubliceerd; de partners aan tafel zien hun punten."),
    )


def contribute(meeting_id: int, item_id: int) -> Response | str | tuple[str, int, dict[str, str]]:
    """Preparation: the case page's preview-then-save, for a partner at the item's table."""
    user, meeting = _user(), _meeting(meeting_id, with_convenant=True)
    item = _item(meeting, item_id)
    if not operations.is_seated(user, item):
        abort(404)
    if not operations.preparation_open(meeting):
        return _back(meeting, _("De termijn voor inbreng is verstreken."))
    convenant = meeting.convenant
    view = gate.cases.disclose(user, item.case, Level.exists, Purpose.case_conference, convenant)

    def save(category: str, text: str, marked: tuple[str, ...]) -> Contribution:
        return operations.add_preparation(user, item, category, text, extra_terms=marked)

    addresses = PageAddresses(
        url_for("meetings.contribute", meeting_id=meeting.id, item_id=item.id),
        url_for("meetings.agenda", meeting_id=meeting.id),
        _("Terug naar de agenda"),
    )
    try:
        return contribution_page(
            user, item.case, view, convenant, save=save, addresses=addresses,
            saved_message=_("Uw inbreng is gepseudonimiseerd opgeslagen."),
        )  # fmt: skip
    except ContributionRefused:
        return _back(meeting, _("Het convenant staat uw organisatie deze categorie niet toe."))
    except MeetingError as error:
        return _back(meeting, str(error))


def pledge(meeting_id: int) -> Response:
    meeting, form = _meeting(meeting_id), PledgeForm()
    if not form.validate_on_submit():
        flash(_("Bevestig de verklaring om verder te gaan."), "error")
    else:
        try:
            operations.confirm_pledge(_user(), meeting)
        except MeetingError as error:
            flash(str(error), "error")
    return redirect(url_for("meetings.live", meeting_id=meeting.id))


def attendance(meeting_id: int) -> Response:
    meeting = _meeting(meeting_id)
    seated = operations.seated_partners(meeting)
    choices = [c for c in _partner_choices(meeting.convenant) if c.value in seated]
    form = AttendanceForm(partner_choices=choices)
    if not form.validate_on_submit():
        return _back(meeting, _("Kies een organisatie en haar aanwezigheid."))
    return _attempt(
        meeting,
        lambda: operations.record_attendance(_user(), meeting, form.partner.data, form.status.data),
        _("Aanwezigheid vastgelegd."),
    )


def live(meeting_id: int) -> str:
    user, meeting = _user(), _meeting(meeting_id)
    pledged = operations.has_pledged(user, meeting)
    return render_page(
        "meetings/live.html",
        meeting=meeting,
        pledged=pledged,
        may_pledge=operations.may_pledge(user, meeting),
        not_at_a_table=operations.NOT_AT_A_TABLE,
        pledge_open=operations.pledge_open(meeting),
        pledge_form=PledgeForm(),
        step_form=StepForm(),
        may_reopen=operations.may_reopen(meeting),
        **(_live_context(user, meeting) if pledged else {}),
    )


def live_state(meeting_id: int) -> str | Response:
    """What every attendee's screen polls: 204 while nothing changed, else the new state."""
    user, meeting = _user(), _meeting(meeting_id)
    if not operations.has_pledged(user, meeting):
        abort(404)
    if request.args.get("stand") == _state(meeting):
        return Response(status=204)
    return render_page("meetings/_live.html", meeting=meeting, **_live_context(user, meeting))


def _live_context(user: User, meeting: Meeting) -> dict[str, object]:
    item = operations.current_item(meeting)
    view = None
    if item is not None:
        view = gate.agenda.current_item(user, item, meeting.convenant)
    return {
        "state": _state(meeting),
        "item": item,
        "view": view,
        "item_count": len(meeting.items),
        "convenant": meeting.convenant,
    }


def _state(meeting: Meeting) -> str:
    return f"{meeting.status.value}-{meeting.current_position or 0}"


def step(meeting_id: int) -> Response:
    meeting, form = _meeting(meeting_id), StepForm()
    if form.validate_on_submit():
        try:
            operations.step(
                _user(), meeting, operations.Step(form.step.data), confirmed=form.confirm.data
            )
        except MeetingError as error:
            flash(str(error), "error")
    else:
        flash(_("Het formulier is ongeldig."), "error")
    return redirect(url_for("meetings.live", meeting_id=meeting.id))


def export(meeting_id: int) -> Response:
    """The agenda as PDF, exactly as this user may see it; an export event per case line."""
    user, meeting = _user(), _meeting(meeting_id, with_convenant=True)
    convenant = meeting.convenant
    lines = gate.agenda.agenda(user, meeting, convenant, action=AuditAction.export).lines
    operations.record_export(user, meeting)
    html = render_page(  # the PDF, too, is made after the export events are committed
        "meetings/agenda_pdf.html",
        meeting=meeting,
        convenant=convenant,
        lines=lines,
        user=user,
        now=utcnow(),
    )
    day = meeting.starts_at.astimezone(AMSTERDAM).date().isoformat()
    return Response(
        pdf_export.render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="agenda-{day}.pdf"'},
    )


def _user() -> User:
    user = current_user()
    if user is None:  # the blueprint's decorators let only logged-in users in
        abort(404)
    return user


def _meeting(meeting_id: int, *, with_convenant: bool = False) -> Meeting:
    """The meeting, or 404: missing, or a draft for anyone but the chair.

    ``with_convenant``: its convenant version loaded in the same query, for the pages that
    show the agenda (not for the meeting-mode poll, which rarely needs it).
    """
    options = [joinedload(Meeting.convenant_version)] if with_convenant else []
    meeting = db.session.get(Meeting, meeting_id, options=options)
    if meeting is None or (
        meeting.status is MeetingStatus.draft and _user().role is not Role.chair
    ):
        abort(404)
    return meeting


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def _attempt(meeting: Meeting, operation, success: str | None = None) -> Response:  # type: ignore[no-untyped-def]
    try:
        operation()
    except MeetingError as error:
        return _back(meeting, str(error))
    if success:
        flash(success, "success")
    return redirect(url_for("meetings.agenda", meeting_id=meeting.id))


def _back(meeting: Meeting, message: str) -> Response:
    flash(message, "error")
    return redirect(url_for("meetings.agenda", meeting_id=meeting.id))


def _partner_choices(convenant: Convenant) -> list[SelectChoice]:
    return [SelectChoice(partner.code, partner.name) for partner in convenant.partners]


def _utc(local: datetime) -> datetime:
    """A naive local time from a form, read as Dutch time, in UTC."""
    return local.replace(tzinfo=AMSTERDAM).astimezone(UTC)
