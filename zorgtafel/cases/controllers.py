"""Case pages: list, intake, the case page through the gate, identity, contributions, chair's
actions. Each handler loads, checks, calls an operation or the gate, and responds."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from zorgtafel.auth.access import current_user
from zorgtafel.auth.models import User
from zorgtafel.cases import operations
from zorgtafel.cases.forms import (
    CaseListForm,
    ComenshaForm,
    ConsentForm,
    IntakeForm,
    InviteForm,
    StageForm,
    WithdrawConsentForm,
)
from zorgtafel.cases.identity import SubjectIdentity, lines, parse_relatives
from zorgtafel.cases.models import Case, Contribution, Reporter, Stage, StageReason
from zorgtafel.cases.previewing import PageAddresses, contribution_page
from zorgtafel.convenant.operations import convenant_in_force
from zorgtafel.core.db import db
from zorgtafel.core.pipeline import render_page
from zorgtafel.figures.forms import ProfileForm
from zorgtafel.figures.operations import record_profile
from zorgtafel.privacy import gate
from zorgtafel.privacy.gate import Level, Purpose
from zorgtafel.privacy.lookup import lookups_for


def _user() -> User:
    user = current_user()
    assert user is not None  # noqa: S101 - every route here is behind login_required
    return user


def _case(code: str) -> Case:
    """The case with this code (the gate decides what may be seen of it); a code that names
    no case is refused by the gate like a case one may not see: logged, 404, in the same time."""
    case = None
    if gate.cases.CASE_CODE.match(code):  # anything else names no case (a NUL fails on PG)
        case = db.session.scalar(select(Case).where(Case.code == code))
    if case is None:
        gate.cases.missing_case(_user(), code, Purpose.case_conference, convenant_in_force())
    return case


def index() -> str:
    convenant = convenant_in_force()
    form = CaseListForm(convenant, request.args)
    if not form.validate():
        abort(400)
    page = gate.cases.case_list(
        _user(),
        Purpose.case_conference,
        convenant,
        stage=form.fase.data or None,
        coordinator=form.coordinator.data or None,
        code_prefix=form.code.data or None,
        after=form.na.data or None,
    )
    return render_page("cases/index.html", page=page, form=form, convenant=convenant)


def new() -> Response | str | tuple[str, int]:
    convenant = convenant_in_force()
    form = IntakeForm(convenant)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("cases/new.html", form=form, known=()), status
    identity = _identity_from(form)
    if not form.confirm_new.data:
        found = lookups_for(
            identity.bsn, identity.first_names, identity.surname, identity.birth_date
        )
        known = gate.identity.find_known(_user(), found, convenant)
        if known:
            return render_template("cases/new.html", form=form, known=known)
    intake = operations.Intake(
        identity=identity,
        reported_by=Reporter(form.reported_by.data),
        reporter_partner_code=form.reporter_partner.data or None,
        coordinator_code=form.coordinator.data or None,
        involved=tuple(form.involved.data or ()),
        stage=Stage(form.stage.data),
        profile=form.profile(),
    )
    try:
        case = operations.register_case(_user(), intake)
    except operations.OwnAccessRefused:
        form.involved.errors = [_("Uw eigen organisatie kunt u niet zelf betrekken.")]
        return render_template("cases/new.html", form=form, known=()), 400
    flash(_("Casus %(code)s is geregistreerd.", code=case.code), "success")
    return redirect(url_for("cases.show", code=case.code))


def _identity_from(form: IntakeForm) -> SubjectIdentity:
    return SubjectIdentity(
        first_names=tuple((form.first_names.data or "").split()),
        surname=(form.surname.data or "").strip(),
        aliases=lines(form.aliases.data or ""),
        birth_date=form.birth_date.data,
        bsn=(form.bsn.data or "").strip() or None,
        address=(form.address.data or "").strip(),
        school=(form.school.data or "").strip(),
        relatives=parse_relatives(form.relatives.data or ""),
    )


def show(code: str) -> str:
    return _case_page(_case(code))


def reveal(code: str) -> str:
    case, convenant = _case(code), convenant_in_force()
    identity = gate.identity.reveal(_user(), case, Purpose.case_conference, convenant)
    return _case_page(case, identity=identity)


def _case_page(case: Case, identity: gate.IdentityView | None = None) -> str:
    convenant = convenant_in_force()
    view = gate.cases.case_page(_user(), case, Purpose.case_conference, convenant)
    profile_form = ProfileForm()
    profile = gate.figures.case_profile(_user(), case, convenant)
    if profile is not None:
        profile_form.fill(profile)
    return render_page(
        "cases/show.html",
        case=view,
        identity=identity,
        convenant=convenant,
        stage_form=StageForm(),
        invite_form=InviteForm(convenant),
        consent_form=ConsentForm(convenant),
        withdraw_form=WithdrawConsentForm(
            convenant,
            [(c.partner_code, c.category_code) for c in view.consents if c.withdrawn_at is None],
        ),
        comensha_form=ComenshaForm(convenant),
        profile_form=profile_form if profile is not None else None,
    )


def contribute(code: str) -> Response | str | tuple[str, int, dict[str, str]]:
    user, case, convenant = _user(), _case(code), convenant_in_force()
    view = gate.cases.disclose(user, case, Level.exists, Purpose.case_conference, convenant)
    if not view.contributable:
        abort(404)

    def save(category: str, text: str, marked: tuple[str, ...]) -> Contribution:
        return operations.contribute(
            user, case, category, text, convenant=convenant, extra_terms=marked
        )

    return contribution_page(
        user,
        case,
        view,
        convenant,
        save=save,
        addresses=PageAddresses(
            url_for("cases.contribute", code=case.code),
            url_for("cases.show", code=case.code),
            _("Terug naar de casus"),
            anchored=True,
        ),
        saved_message=_("De inbreng is gepseudonimiseerd opgeslagen."),
    )


def change_stage(code: str) -> Response:
    case, form = _case(code), StageForm()
    if form.validate_on_submit():
        try:
            operations.change_stage(
                _user(), case, Stage(form.stage.data), StageReason(form.reason.data)
            )
            flash(_("De fase is gewijzigd."), "success")
        except operations.CaseRuleError:
            flash(_("De casus is al in deze fase."), "error")
    else:
        flash(_("Kies een fase en een reden."), "error")
    return redirect(url_for("cases.show", code=case.code))


def invite(code: str) -> Response:
    case, convenant = _case(code), convenant_in_force()
    form = InviteForm(convenant)
    if form.validate_on_submit():
        try:
            operations.invite_partner(_user(), case, form.partner.data, convenant)
            flash(_("De partner is betrokken bij de casus."), "success")
        except operations.OwnAccessRefused:
            flash(_("Uw eigen organisatie kunt u niet zelf betrekken."), "error")
        except operations.CaseRuleError:
            flash(_("Deze partner is al betrokken."), "error")
    else:
        flash(_("Kies een ketenpartner."), "error")
    return redirect(url_for("cases.show", code=case.code))


def consent(code: str) -> Response:
    case, convenant = _case(code), convenant_in_force()
    form = ConsentForm(convenant)
    if form.validate_on_submit():
        partner, _slash, category = form.rule.data.partition("/")
        try:
            operations.record_consent(_user(), case, partner, category, convenant)
            flash(_("De toestemming is vastgelegd."), "success")
        except operations.CaseRuleError:
            flash(_("Deze toestemming is al vastgelegd."), "error")
    else:
        flash(_("Kies waarvoor toestemming is gegeven."), "error")
    return redirect(url_for("cases.show", code=case.code))


def withdraw_consent(code: str) -> Response:
    case, convenant = _case(code), convenant_in_force()
    form = WithdrawConsentForm(convenant)
    if form.validate_on_submit():
        partner, _slash, category = form.rule.data.partition("/")
        try:
            operations.withdraw_consent(_user(), case, partner, category, on=form.withdrawn_on.data)
            flash(_("De toestemming is ingetrokken."), "success")
        except operations.CaseRuleError:
            flash(_("Kies een datum vanaf de toestemming tot vandaag."), "error")
    else:
        flash(_("Kies welke toestemming is ingetrokken, en wanneer."), "error")
    return redirect(url_for("cases.show", code=case.code))


def comensha(code: str) -> Response:
    case, convenant = _case(code), convenant_in_force()
    form = ComenshaForm(convenant)
    if form.validate_on_submit():
        try:
            operations.record_comensha_melding(
                _user(), case, on=form.reported_on.data, by_partner=form.by_partner.data,
                with_identity=form.with_identity.data, convenant=convenant,
            )  # fmt: skip
            flash(_("De melding bij CoMensha is vastgelegd."), "success")
        except operations.ReportedBeforeCase:
            flash(
                _("De datum van de melding mag niet vóór de registratie van de casus liggen."),
                "error",
            )
        except operations.CaseRuleError:
            flash(_("Een melding met identiteit vraagt eerst vastgelegde toestemming."), "error")
    else:
        flash(_("Vul de datum en de meldende partner in."), "error")
    return redirect(url_for("cases.show", code=case.code))


def profile(code: str) -> Response:
    """The chair records or corrects the case's coded profile (what the figures count)."""
    case, form = _case(code), ProfileForm()
    if form.validate_on_submit():
        record_profile(_user(), case.id, case.code, form.profile())
        flash(_("De kenmerken voor de cijfers zijn vastgelegd."), "success")
    else:
        flash(_("Kies voor elk kenmerk een waarde uit de lijst."), "error")
    return redirect(url_for("cases.show", code=case.code))
