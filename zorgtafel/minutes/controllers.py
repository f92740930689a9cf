"""Minutes pages: read an item's minutes, write a draft (preview, then save as previewed),
vaststellen. Each handler loads, asks the gate, calls an operation, and responds."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from zorgtafel.audit.vocabulary import AuditAction
from zorgtafel.auth.access import current_user
from zorgtafel.auth.models import User
from zorgtafel.cases.pseudonymising import (
    PseudonymiserError,
    PseudonymiserStarting,
    PseudonymiserUnavailable,
    marked_words,
)
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.clock import AMSTERDAM, utcnow
from zorgtafel.core.db import db
from zorgtafel.core.pipeline import render_page
from zorgtafel.meetings import export as pdf_export
from zorgtafel.meetings.models import AgendaItem, Meeting, MeetingStatus
from zorgtafel.minutes import operations, outcomes
from zorgtafel.minutes.forms import (
    ActionForm,
    DecisionForm,
    FinaliseForm,
    MinutesForm,
    ParagraphError,
    StatusForm,
    paragraphs_from,
)
from zorgtafel.minutes.models import ActionItem, ActionStatus, MinutesPart
from zorgtafel.minutes.operations import MinutesError, Paragraph, StaleMinutes
from zorgtafel.minutes.pseudonymising import (
    pseudonymise_paragraphs,
    pseudonymise_text,
    pseudonymised,
)
from zorgtafel.privacy.gate import DisclosureRefused
from zorgtafel.privacy.gate import actions as gate_actions
from zorgtafel.privacy.gate import minutes as gate_minutes

UNAVAILABLE, ENGINE_FAILED, CONFLICT = 503, 500, 409
#: empty rows offered below the written paragraphs
EMPTY_ROWS = 3


def _user() -> User:
    user = current_user()
    if user is None:  # the blueprint's decorators let only logged-in users in
        abort(404)
    return user


def _item(item_id: int) -> AgendaItem:
    """The agenda item of a published meeting, or 404 (the gate decides what may be seen)."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting.status is MeetingStatus.draft:
        abort(404)
    return item


def _view(user: User, item: AgendaItem, number: int | None = None) -> gate_minutes.MinutesView:
    try:
        return gate_minutes.item_minutes(user, item, item.meeting.convenant, number=number)
    except DisclosureRefused:
        abort(404)


def show(item_id: int) -> str:
    user, item = _user(), _item(item_id)
    number = request.args.get("versie", type=int)
    return _show(item, _view(user, item, number))


def _show(  # type: ignore[no-untyped-def]
    item: AgendaItem, view: gate_minutes.MinutesView, status: int = 200, **forms: object
):
    convenant = item.meeting.convenant
    try:
        outcomes = gate_actions.item_outcomes(_user(), item, convenant)
    except DisclosureRefused:
        abort(404)
    html = render_page(
        "minutes/show.html",
        item=item,
        view=view,
        outcomes=outcomes,
        convenant=convenant,
        parts=tuple(MinutesPart),
        finalise_form=FinaliseForm(formdata=None, data={"based_on": view.version}),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        action_form=forms.get("action_form") or _action_form(convenant, formdata=None),
        review_form=StatusForm(review=True, formdata=None),
    )
    return (html, status) if status != 200 else html


def _action_form(convenant, **kwargs):  # type: ignore[no-untyped-def]
    return ActionForm(
        [(p.code, p.name) for p in convenant.partners], outcomes.assignable(convenant), **kwargs
    )


def add_decision(item_id: int):  # type: ignore[no-untyped-def]
    user, item = _user(), _item(item_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Schrijf het besluit."), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    convenant = item.meeting.convenant
    return _outcome(
        item,
        lambda text: outcomes.add_decision(user, item, text, convenant=convenant),
        form.text.data or "",
        _("Het besluit is vastgelegd."),
        decision_form=form,
    )


def add_action(item_id: int):  # type: ignore[no-untyped-def]
    user, item = _user(), _item(item_id)
    convenant = item.meeting.convenant
    form = _action_form(convenant)
    if not form.validate_on_submit():
        flash(_("Kies een eigenaar en een datum, en beschrijf de actie."), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    return _outcome(
        item,
        lambda text: outcomes.add_action(
            user,
            item,
            form.owner.data,
            form.due_on.data,
            text,
            convenant=convenant,
            assignee_id=form.assignee_id(),
        ),
        form.description.data or "",
        _("Het actiepunt is toegekend."),
        action_form=form,
    )


def review_action(item_id: int, action_id: int):  # type: ignore[no-untyped-def]
    """The chair reviews an open action of the item's case at this item."""
    user, item = _user(), _item(item_id)
    action = db.session.get(ActionItem, action_id)
    if action is None or action.case_id != item.case_id:
        abort(404)
    form = StatusForm(review=True)
    if not form.validate_on_submit():
        flash(_("Kies een status."), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    convenant = item.meeting.convenant
    return _outcome(
        item,
        lambda reason: outcomes.change_status(
            user,
            action,
            ActionStatus(form.status.data),
            reason or None,
            convenant=convenant,
            review_item=item,
        ),
        form.reason.data or "",
        _("De bespreking van het actiepunt is vastgelegd."),
    )


def _outcome(item: AgendaItem, operation, text: str, done: str, **forms: object):  # type: ignore[no-untyped-def]
    """Pseudonymise ``text`` (if any), run the operation with it; nothing stored when the
    pseudonymiser does not answer (the page again, the text kept in its form)."""
    user, convenant = _user(), item.meeting.convenant
    try:
        clean = pseudonymise_text(user, item, text, convenant) if text.strip() else ""
        operation(clean)
    except DisclosureRefused:
        abort(404)
    except PseudonymiserError:
        flash(_("De pseudonimisering is nu niet beschikbaar; er is niets opgeslagen."), "error")
        db.session.rollback()
        return _show(item, _view(user, item), UNAVAILABLE, **forms)
    except MinutesError as error:
        flash(str(error), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    flash(done, "success")
    return redirect(url_for("minutes.show", item_id=item.id))


def my_actions() -> str:
    user = _user()
    after = request.args.get("na") or None
    convenant = convenant_in_force()
    page = gate_actions.my_actions(user, convenant, after=after)
    return render_page(
        "minutes/my_actions.html",
        page=page,
        convenant=convenant,
        status_form=StatusForm(review=False, formdata=None),
    )


def overview() -> str:
    """The chair's overview of actions per organisation (counts only)."""
    return render_page(
        "minutes/overview.html",
        shares=gate_actions.action_overview(_user()),
        convenant=convenant_in_force(),
    )


def update_action(action_id: int):  # type: ignore[no-untyped-def]
    """The owner organisation closes its own action: gedaan, niet mogelijk, niet gedaan."""
    user = _user()
    try:
        action = gate_actions.own_action(user, action_id)
    except DisclosureRefused:
        abort(404)
    form = StatusForm(review=False)
    if not form.validate_on_submit():
        flash(_("Kies een status."), "error")
        return redirect(url_for("minutes.my_actions"))
    item = db.session.get(AgendaItem, action.agenda_item_id)
    convenant = convenant_in_force()
    reason = form.reason.data or ""
    try:
        clean = pseudonymise_text(user, item, reason, convenant) if reason.strip() else None
        outcomes.change_status(
            user, action, ActionStatus(form.status.data), clean, convenant=convenant
        )
    except DisclosureRefused:
        abort(404)
    except PseudonymiserError:
        flash(_("De pseudonimisering is nu niet beschikbaar; er is niets opgeslagen."), "error")
        return redirect(url_for("minutes.my_actions"))
    except MinutesError as error:
        flash(str(error), "error")
        return redirect(url_for("minutes.my_actions"))
    flash(_("De status van het actiepunt is vastgelegd."), "success")
    return redirect(url_for("minutes.my_actions"))


def edit(item_id: int):  # type: ignore[no-untyped-def]
    return _write(item_id, rectify=False)


def rectify(item_id: int):  # type: ignore[no-untyped-def]
    """A rectificatie to vastgestelde minutes: written like a draft, stored beside them."""
    return _write(item_id, rectify=True)


def _write(item_id: int, *, rectify: bool):  # type: ignore[no-untyped-def]
    user, item = _user(), _item(item_id)
    convenant = item.meeting.convenant
    view = _view(user, item)
    if not (view.may_rectify if rectify else view.may_edit):
        flash(_("Deze notulen kunt u niet (meer) bewerken."), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    form = MinutesForm()
    if not form.is_submitted():
        form.based_on.data = view.version
        drafts = (
            []
            if rectify
            else [
                Paragraph(p.part, p.category_code, p.text.reveal())
                for p in view.paragraphs
                if p.text
            ]
        )
        return _editor(item, view, form, drafts)
    try:
        drafts = paragraphs_from(request.form, view.receivable)
    except ParagraphError as error:
        flash(str(error), "error")
        return _editor(item, view, form, [], status=400)
    if not form.validate() or not drafts:
        flash(_("Schrijf ten minste één alinea."), "error")
        return _editor(item, view, form, drafts, status=400)
    marked = marked_words(form.marked.data or "")
    proof = _preview_proof(form.based_on.data, drafts, marked)
    try:
        results = pseudonymise_paragraphs(user, item, drafts, marked, convenant)
        if "save" in request.form and form.previewed.data == proof:
            stored = pseudonymised(drafts, results)
            if rectify:
                operations.add_addendum(user, item, stored, convenant=convenant)
                flash(_("De rectificatie is gepseudonimiseerd opgeslagen."), "success")
            else:
                operations.save_draft(
                    user, item, stored, based_on=form.based_on.data, convenant=convenant
                )
                flash(_("De conceptnotulen zijn gepseudonimiseerd opgeslagen."), "success")
            return redirect(url_for("minutes.show", item_id=item.id))
    except PseudonymiserError as error:
        return _not_pseudonymised(item, view, form, drafts, error)
    except StaleMinutes:
        return _stale(item, view, form, drafts)
    except MinutesError as error:
        flash(str(error), "error")
        return _editor(item, view, form, drafts, status=400)
    if "save" in request.form:
        flash(_("De tekst is gewijzigd na de voorvertoning; controleer hem opnieuw."), "info")
    form.previewed.data = proof
    return _editor(item, view, form, drafts, preview=pseudonymised(drafts, results))


def _stale(item: AgendaItem, view, form: MinutesForm, drafts: list[Paragraph]):  # type: ignore[no-untyped-def]
    """409: another editor saved first. Their version beside the text typed here, kept in the
    form; the next save is based on their version (after a new preview)."""
    flash(
        _(
            "Iemand anders heeft de notulen intussen opgeslagen (versie %(n)s). Hieronder staan "
            "beide versies; uw tekst staat nog in het formulier. Neem over wat nodig is, bekijk "
            "opnieuw en sla op.",
            n=view.version,
        ),
        "error",
    )
    form.based_on.data, form.based_on.raw_data = view.version, None
    form.previewed.data = ""
    return _editor(item, view, form, drafts, status=CONFLICT, theirs=view)


def _not_pseudonymised(item, view, form, drafts, error: PseudonymiserError):  # type: ignore[no-untyped-def]
    """Nothing stored; the editor again, with the text typed, saying why."""
    if isinstance(error, PseudonymiserStarting):
        message = _(
            "De pseudonimiseerder start nog (± %(n)s s); er is niets opgeslagen.",
            n=error.remaining_seconds or 5,
        )
        status = UNAVAILABLE
    elif isinstance(error, PseudonymiserUnavailable):
        message = _("De pseudonimiseerder is niet beschikbaar; er is niets opgeslagen.")
        status = UNAVAILABLE
    else:
        message = _(
            "De pseudonimiseerder kon deze tekst niet verwerken; er is niets opgeslagen. Pas de "
            "tekst iets aan en probeer het opnieuw, of meld het aan de functioneel beheerder."
        )
        status = ENGINE_FAILED
    flash(message, "error")
    form.previewed.data = ""
    return _editor(item, view, form, drafts, status=status)


def _editor(  # type: ignore[no-untyped-def]
    item: AgendaItem,
    view: gate_minutes.MinutesView,
    form: MinutesForm,
    drafts: Sequence[Paragraph],
    *,
    status: int = 200,
    preview: Sequence[Paragraph] | None = None,
    theirs: gate_minutes.MinutesView | None = None,
):
    convenant = item.meeting.convenant
    html = render_template(
        "minutes/edit.html",
        rectify=request.endpoint == "minutes.rectify",
        item=item,
        view=view,
        form=form,
        rows=[*drafts, *([None] * EMPTY_ROWS)],
        parts=tuple(MinutesPart),
        categories=[(code, convenant.category(code).label) for code in view.receivable],
        convenant=convenant,
        preview=preview,
        theirs=theirs,
    )
    return html, status


def finalise(item_id: int):  # type: ignore[no-untyped-def]
    user, item = _user(), _item(item_id)
    form = FinaliseForm()
    if not form.validate_on_submit():
        flash(_("Het formulier is ongeldig."), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    try:
        operations.finalise(
            user, item, based_on=form.based_on.data, convenant=item.meeting.convenant
        )
    except StaleMinutes:
        flash(_("Er is intussen een nieuwere versie opgeslagen; lees die eerst."), "error")
        return _show(item, _view(user, item), CONFLICT)
    except MinutesError as error:
        flash(str(error), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    flash(_("De notulen zijn vastgesteld."), "success")
    return redirect(url_for("minutes.show", item_id=item.id))


def _preview_proof(based_on: int, drafts: Sequence[Paragraph], marked: tuple[str, ...]) -> str:
    """Binds a save to the rows, marks and base version that were previewed (a check, not a
    secret)."""
    key = current_app.config["SECRET_KEY"]
    rows = (f"{d.part.value}\0{d.category_code}\0{d.text}" for d in drafts)
    message = "\x1e".join((str(based_on), *rows, "\0".join(marked))).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


__all__ = [
    "add_action",
    "add_decision",
    "edit",
    "excerpt",
    "excerpt_pdf",
    "finalise",
    "my_actions",
    "overview",
    "rectify",
    "review_action",
    "show",
    "update_action",
]


def _meeting(meeting_id: int) -> Meeting:
    """A published meeting, or 404."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status is MeetingStatus.draft:
        abort(404)
    return meeting


def excerpt(meeting_id: int) -> str:
    """The reader's excerpt of a meeting: the items it sat at the table for, as it may see
    them (every item's reads are events)."""
    user, meeting = _user(), _meeting(meeting_id)
    convenant = meeting.convenant
    items = gate_actions.excerpt(user, meeting, convenant)
    return render_page(
        "minutes/excerpt.html",
        meeting=meeting,
        items=items,
        convenant=convenant,
        parts=tuple(MinutesPart),
    )


def excerpt_pdf(meeting_id: int) -> Response:
    """The excerpt as PDF, marked Vertrouwelijk with organisation, reader and time on every
    page; export events per item and one for the file."""
    user, meeting = _user(), _meeting(meeting_id)
    convenant = meeting.convenant
    items = gate_actions.excerpt(user, meeting, convenant, action=AuditAction.export)
    operations.record_excerpt_export(user, meeting, convenant)
    html = render_page(  # made after the export events are committed
        "minutes/excerpt_pdf.html",
        meeting=meeting,
        items=items,
        convenant=convenant,
        parts=tuple(MinutesPart),
        user=user,
        now=utcnow(),
    )
    day = meeting.starts_at.astimezone(AMSTERDAM).date().isoformat()
    return Response(
        pdf_export.render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="notulen-{day}.pdf"'},
    )
