"""Minutes pages: read an item's minutes, write a draft (preview, then save as previewed),
vaststellen. Each handler loads, asks the gate, calls an operation, and responds."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from zorgtafel.audit.vocabulary import AuditAction
from zorgtafel.auth.access import current_user
from zorgtafel.auth.models import User
from zorgtafel.cases import previewing
from zorgtafel.cases.pseudonymising import (
    PseudonymiserError,
    PseudonymiserStarting,
    PseudonymiserUnavailable,
    marked_words,
)
from zorgtafel.convenant.document import Convenant
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core import once
from zorgtafel.core.clock import AMSTERDAM, local_time, utcnow
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
    PreviewedForm,
    StatusForm,
    paragraphs_from,
)
from zorgtafel.minutes.models import ActionItem, ActionStatus, MinutesPart
from zorgtafel.minutes.operations import MinutesError, Paragraph, StaleMinutes
from zorgtafel.minutes.pseudonymising import (
    pseudonymise_one,
    pseudonymise_paragraphs,
    pseudonymised,
)
from zorgtafel.privacy.gate import DisclosureRefused
from zorgtafel.privacy.gate import actions as gate_actions
from zorgtafel.privacy.gate import excerpt as gate_excerpt
from zorgtafel.privacy.gate import minutes as gate_minutes
from zorgtafel.templating import partner_name

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


@dataclass(frozen=True)
class Outcome:
    """What a previewed outcome form is: its kind (bound into the nonce), the page's title and
    summary, the field holding the text, the fixed fields carried along, and where to go."""

    kind: str
    title: str
    summary: str
    text_field: str
    label: str
    hidden: tuple[tuple[str, str], ...]
    back: str


def add_decision(item_id: int):  # type: ignore[no-untyped-def]
    user, item = _user(), _item(item_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Schrijf het besluit."), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    convenant = item.meeting.convenant
    outcome = Outcome(
        "decision",
        _("Besluit bij punt %(position)s", position=item.position),
        "",
        "text",
        _("Besluit"),
        (),
        url_for("minutes.show", item_id=item.id),
    )
    return _outcome(
        user,
        item,
        convenant,
        outcome,
        form,
        form.text.data or "",
        lambda text: outcomes.add_decision(user, item, text, convenant=convenant),
        _("Het besluit is vastgelegd."),
    )


def add_action(item_id: int):  # type: ignore[no-untyped-def]
    user, item = _user(), _item(item_id)
    convenant = item.meeting.convenant
    form = _action_form(convenant)
    if not form.validate_on_submit():
        flash(_("Kies een eigenaar en een datum, en beschrijf de actie."), "error")
        return redirect(url_for("minutes.show", item_id=item.id))
    owner, due_on, assignee = form.owner.data, form.due_on.data, form.assignee_id()
    outcome = Outcome(
        "action",
        _("Actiepunt bij punt %(position)s", position=item.position),
        _(
            "Eigenaar: %(owner)s · uiterlijk %(day)s",
            owner=partner_name(convenant, owner),
            day=due_on.isoformat(),
        ),
        "description",
        _("Actie"),
        (("owner", owner), ("assignee", form.assignee.data or ""), ("due_on", due_on.isoformat())),
        url_for("minutes.show", item_id=item.id),
    )
    return _outcome(
        user,
        item,
        convenant,
        outcome,
        form,
        form.description.data or "",
        lambda text: outcomes.add_action(
            user, item, owner, due_on, text, convenant=convenant, assignee_id=assignee
        ),
        _("Het actiepunt is toegekend."),
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
    status = ActionStatus(form.status.data)
    return _outcome(
        user,
        item,
        convenant,
        _status_outcome("review", action, status, url_for("minutes.show", item_id=item.id)),
        form,
        form.reason.data or "",
        lambda reason: outcomes.change_status(
            user, action, status, reason or None, convenant=convenant, review_item=item
        ),
        _("De bespreking van het actiepunt is vastgelegd."),
    )


def _status_outcome(kind: str, action: ActionItem, status: ActionStatus, back: str) -> Outcome:
    return Outcome(
        f"{kind}:{action.id}",
        _("Status van een actiepunt"),
        _("Nieuwe status: %(status)s", status=status.label),
        "reason",
        _("Reden of toelichting"),
        (("status", status.value),),
        back,
    )


def _outcome(  # type: ignore[no-untyped-def]
    user: User,
    item: AgendaItem,
    convenant: Convenant,
    outcome: Outcome,
    form: PreviewedForm,
    text: str,
    store,
    done: str,
):
    """Preview, then save as previewed, once, like a contribution: the text is pseudonymised
    and shown with a single-use nonce signed over the user, the item, the form's fixed fields,
    the text and the marked words; only a save with that nonce stores (``outcomes.save_once``),
    and a second submit of it stores nothing. Nothing is stored when the pseudonymiser does not
    answer (the page again, the text kept). A reason left empty has nothing to preview."""
    marked = marked_words(form.marked.data or "")
    shown = (user.id, item.id, outcome.kind, *(v for _n, v in outcome.hidden), text, *marked)
    nonce = once.proven(form.previewed.data, *shown) if "save" in request.form else None
    try:
        if not text.strip():
            store("")
            flash(done, "success")
            return redirect(outcome.back)
        result = pseudonymise_one(user, item, text, marked, convenant)
        if nonce is not None:
            if outcomes.save_once(user, item.case_id, nonce, lambda: store(result.text)):
                flash(done, "success")
            else:
                flash(_("Dit was al opgeslagen; er is niets dubbel opgeslagen."), "info")
            return redirect(outcome.back)
    except DisclosureRefused:
        abort(404)
    except PseudonymiserError as error:
        db.session.rollback()
        form.previewed.data = ""
        message, status = _why_not_pseudonymised(error)
        flash(message, "error")
        return _outcome_page(outcome, form, text, status=status)
    except MinutesError as error:
        db.session.rollback()
        flash(str(error), "error")
        form.previewed.data = ""
        return _outcome_page(outcome, form, text, status=400)
    if "save" in request.form:
        flash(_("De tekst is gewijzigd na de voorvertoning; controleer hem opnieuw."), "info")
    form.previewed.data = once.offer(*shown)
    return _outcome_page(outcome, form, text, preview=result)


def _outcome_page(  # type: ignore[no-untyped-def]
    outcome: Outcome, form: PreviewedForm, text: str, *, status: int = 200, preview=None
):
    html = render_template(
        "minutes/outcome_preview.html",
        outcome=outcome,
        form=form,
        text=text,
        preview=preview,
        pieces=previewing.pieces(text, preview) if preview is not None else (),
    )
    return html, status


def _why_not_pseudonymised(error: PseudonymiserError) -> tuple[str, int]:
    if isinstance(error, PseudonymiserStarting):
        message = _(
            "De pseudonimiseerder start nog (± %(n)s s); er is niets opgeslagen.",
            n=error.remaining_seconds or 5,
        )
        return message, UNAVAILABLE
    if isinstance(error, PseudonymiserUnavailable):
        return _("De pseudonimiseerder is niet beschikbaar; er is niets opgeslagen."), UNAVAILABLE
    message = _(
        "De pseudonimiseerder kon deze tekst niet verwerken; er is niets opgeslagen. Pas de "
        "tekst iets aan en probeer het opnieuw, of meld het aan de functioneel beheerder."
    )
    return message, ENGINE_FAILED


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
    if item is None:
        abort(404)
    convenant = convenant_in_force()
    status = ActionStatus(form.status.data)
    return _outcome(
        user,
        item,
        convenant,
        _status_outcome("status", action, status, url_for("minutes.my_actions")),
        form,
        form.reason.data or "",
        lambda reason: outcomes.change_status(
            user, action, status, reason or None, convenant=convenant
        ),
        _("De status van het actiepunt is vastgelegd."),
    )


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
    items = gate_excerpt.excerpt(user, meeting, convenant)
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
    items = gate_excerpt.excerpt(user, meeting, convenant, action=AuditAction.export)
    operations.record_excerpt_export(user, meeting, convenant)
    marking = " · ".join(
        (_("Vertrouwelijk"), user.organisation.name, user.name, local_time(utcnow()))
    )
    html = render_page(  # made after the export events are committed
        "minutes/excerpt_pdf.html",
        meeting=meeting,
        items=items,
        convenant=convenant,
        parts=tuple(MinutesPart),
        user=user,
        footer=Markup(css_string(marking)),  # noqa: S704 - every special character escaped
    )
    day = meeting.starts_at.astimezone(AMSTERDAM).date().isoformat()
    return Response(
        pdf_export.render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="notulen-{day}.pdf"'},
    )


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string for a page's margin box: quotes, backslashes, line
    ends and ``<`` (no ``</style>``) escaped as CSS escapes, so any name shows as written."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&\n\r' or ord(char) < 32 else char for char in text
    )
    return f'"{escaped}"'
