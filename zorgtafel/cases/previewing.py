"""The contribution page's preview-then-save, shared by the case page and the agenda's
preparation: the text is pseudonymised and shown; it is stored only as previewed, and once
per preview: the preview carries a single-use nonce signed with the user, the case, the
category, the text and the marked words (``core.once``), which the save claims
(``operations.save_once``), so a second submit of the same preview shows the first save
instead of storing again. Web code: it calls the gate and the operation it is given, never
the rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from zorgtafel.auth.models import User
from zorgtafel.cases import operations
from zorgtafel.cases.forms import ContributionForm
from zorgtafel.cases.models import Case, Contribution
from zorgtafel.cases.pseudonymising import (
    PseudonymiserError,
    PseudonymiserStarting,
    PseudonymiserUnavailable,
    Result,
    ServiceStatus,
    marked_words,
    pseudonymise_contribution,
    pseudonymiser_status,
)
from zorgtafel.convenant.document import Convenant
from zorgtafel.core import once
from zorgtafel.core.pipeline import render_page
from zorgtafel.privacy.gate import CaseView

UNAVAILABLE = 503
#: the pseudonymiser answered, but failed on the text: a defect on our side
ENGINE_FAILED = 500

#: stores a previewed contribution: (category, text, marked words) -> the contribution
Save = Callable[[str, str, tuple[str, ...]], Contribution]


@dataclass(frozen=True)
class PageAddresses:
    """Where the form posts, where "back" and a saved contribution lead, and the back link;
    ``anchored``: a saved contribution is shown at its anchor on the back page."""

    action: str
    back: str
    back_label: str
    anchored: bool = False


def contribution_page(
    user: User,
    case: Case,
    view: CaseView,
    convenant: Convenant,
    *,
    save: Save,
    addresses: PageAddresses,
    saved_message: str,
) -> Response | str | tuple[str, int, dict[str, str]]:
    """The form, a preview of the pseudonymised text, or (previewed as it stands) the save."""
    form = ContributionForm(convenant, view.contributable)
    context = {"case": view, "form": form, "addresses": addresses}
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _form_again(context, status, pseudonymiser_status())
    text, marked = form.text.data or "", marked_words(form.marked.data or "")
    category = form.category.data
    shown = (user.id, case.code, category, text, *marked)
    nonce = once.proven(form.previewed.data, *shown) if "save" in request.form else None
    try:
        if nonce is not None:
            saved = operations.save_once(user, case, nonce, lambda: save(category, text, marked))
            if saved.again:
                flash(_("Deze inbreng was al opgeslagen; er is niets dubbel opgeslagen."), "info")
            else:
                flash(saved_message, "success")
            anchor = f"#inbreng-{saved.contribution_id}" if addresses.anchored else ""
            return redirect(addresses.back + anchor)
        result = pseudonymise_contribution(user, case, category, text, marked, convenant)
    except PseudonymiserError as error:
        return _not_pseudonymised(context, error)
    if "save" in request.form:
        flash(_("De tekst is gewijzigd na de voorvertoning; controleer hem opnieuw."), "info")
    form.previewed.data = once.offer(*shown)
    return render_page(
        "cases/contribute.html", **context, preview=result, pieces=pieces(text, result)
    )


def _not_pseudonymised(
    context: dict[str, object], error: PseudonymiserError
) -> tuple[str, int, dict[str, str]]:
    """Nothing stored; the form again with why: still starting, not running, or it failed."""
    if isinstance(error, PseudonymiserStarting):
        service = ServiceStatus("starting", error.remaining_seconds)
        return _form_again(context, UNAVAILABLE, service)
    if isinstance(error, PseudonymiserUnavailable):
        flash(_("De pseudonimiseerder is niet beschikbaar; er is niets opgeslagen."), "error")
        return _form_again(context, UNAVAILABLE)
    flash(
        _(
            "De pseudonimiseerder kon deze tekst niet verwerken; er is niets opgeslagen. Pas de "
            "tekst iets aan en probeer het opnieuw, of meld het aan de functioneel beheerder."
        ),
        "error",
    )
    return _form_again(context, ENGINE_FAILED)


def _form_again(
    context: dict[str, object], status: int, service: ServiceStatus | None = None
) -> tuple[str, int, dict[str, str]]:
    """The contribution form again, saying so while the pseudonymiser starts or is down."""
    form = context["form"]
    attempted = form.is_submitted()  # type: ignore[attr-defined]
    html = render_template("cases/contribute.html", **context, service=service, attempted=attempted)
    starting = service is not None and service.state == "starting"
    seconds = service.remaining_seconds if service is not None else None
    retry = {"Retry-After": str(seconds or 5)} if starting else {}
    return html, status, retry


def pieces(text: str, result: Result) -> list[tuple[str, str | None]]:
    """The author's own text cut into plain stretches and replaced ones (with their token)."""
    found: list[tuple[str, str | None]] = []
    position = 0
    for span in sorted(result.spans):
        if span.start < position:
            continue
        found += [(text[position : span.start], None), (text[span.start : span.end], span.token)]
        position = span.end
    found.append((text[position:], None))
    return [piece for piece in found if piece[0]]
