"""Login in two steps (password, then TOTP), enrolment, logout, password change, user admin
(add, block, unblock, reset the second factor, a one-time link to set a password)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from zorgtafel.auth import administration, operations, totp
from zorgtafel.auth.access import current_user, local_path, safe_next
from zorgtafel.auth.forms import (
    CodeForm,
    ConfirmForm,
    LoginForm,
    PasswordChangeForm,
    PasswordSetForm,
    UserAddForm,
)
from zorgtafel.auth.models import Organisation, Role, User
from zorgtafel.auth.operations import AccountError
from zorgtafel.core.db import db
from zorgtafel.core.navigation import role_label

FAILED = 401  # a failed attempt answers 401 so the throttle can count failures only


def login() -> Response | tuple[str, int] | str:
    if current_user() is not None:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.check_password(form.email.data or "", form.password.data or "")
        if user is not None:
            operations.begin_second_factor(user)
            step = "auth.code" if user.totp_enrolled else "auth.enrol"
            return redirect(url_for(step, next=local_path(request.args.get("next"))))
        flash(_("E-mailadres of wachtwoord onjuist."), "error")
        return render_template("auth/login.html", form=form), FAILED
    return render_template("auth/login.html", form=form)


def login_elsewhere() -> Response:
    """``/login``, the address people and tools try first: the login page, its next kept."""
    return redirect(url_for("auth.login", next=local_path(request.args.get("next"))), 301)


def code() -> Response | tuple[str, int] | str:
    user = operations.pending_user()
    if user is None or not user.totp_enrolled:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if operations.complete_login(user, form.code.data or ""):
            return redirect(safe_next(request.args.get("next")))
        flash(_("Deze code klopt niet of is al gebruikt."), "error")
        return render_template("auth/code.html", form=form), FAILED
    return render_template("auth/code.html", form=form)


def enrol() -> Response | tuple[str, int] | str:
    user = operations.pending_user()
    if user is None or user.totp_enrolled or user.totp_secret is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if operations.confirm_enrolment(user, form.code.data or ""):
            flash(_("Tweestapsverificatie is ingesteld."), "success")
            return redirect(safe_next(request.args.get("next")))
        flash(_("Deze code klopt niet. Controleer de tijd op uw telefoon."), "error")
    uri = totp.provisioning_uri(user, user.totp_secret)
    status = FAILED if form.is_submitted() else 200
    return render_template(
        "auth/enrol.html",
        form=form,
        qr_svg=totp.qr_svg(uri),
        secret=user.totp_secret.reveal(),
    ), status


def confirm() -> Response | tuple[str, int] | str:
    """Confirm a code again before "Toon identiteit" or an export (a fresh login)."""
    user = current_user()
    assert user is not None  # noqa: S101 - login_required ran
    form = CodeForm()
    if form.validate_on_submit():
        if operations.confirm_again(user, form.code.data or ""):
            return redirect(safe_next(request.args.get("next")))
        flash(_("Deze code klopt niet of is al gebruikt."), "error")
        return render_template("auth/confirm.html", form=form), FAILED
    return render_template("auth/confirm.html", form=form)


def logout() -> Response:
    if ConfirmForm().validate_on_submit():
        operations.logout()
        flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("auth.login"))


def password() -> Response | tuple[str, int] | str:
    user = current_user()
    assert user is not None  # noqa: S101 - login_required ran
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            operations.change_password(user, form.current.data or "", form.new.data or "")
        except operations.AccountError as exc:
            flash(str(exc), "error")
            return render_template("auth/password.html", form=form), 422
        flash(_("Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd."), "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


def users() -> str:
    rows = db.session.scalars(select(User).order_by(User.organisation_id, User.email)).all()
    return render_template("auth/users.html", users=rows, form=ConfirmForm())


def new_user() -> tuple[str, int] | str:
    form = UserAddForm()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    form.organisation.choices = [("", _("Kies een organisatie"))] + [
        (organisation.code, organisation.name) for organisation in organisations
    ]
    roles = [(role.value, role_label(role)) for role in Role]
    form.role.choices = [("", _("Kies een rol")), *roles]
    if form.validate_on_submit():
        try:
            user, token = administration.add_user(
                _admin(),
                form.email.data or "",
                form.name.data or "",
                form.organisation.data or "",
                Role(form.role.data),
            )
        except AccountError as exc:
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            return _link_page(user, token, added=True)
    return render_template("auth/user_new.html", form=form), 400 if form.errors else 200


def disable(user_id: int) -> Response:
    done = _("Account geblokkeerd; alle sessies en open links zijn beëindigd.")
    return _account_step(user_id, administration.block, done)


def enable(user_id: int) -> Response:
    return _account_step(user_id, administration.unblock, _("Account gedeblokkeerd."))


def reset_second_factor(user_id: int) -> Response:
    return _account_step(
        user_id,
        administration.reset_second_factor,
        _(
            "Tweestapsverificatie hersteld: bij de volgende login koppelt de gebruiker een "
            "nieuwe app. Alle sessies zijn beëindigd."
        ),
    )


def reset_password(user_id: int) -> Response | str:
    user = _user(user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.users"))
    try:
        token = administration.reset_password(_admin(), user)
    except AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.users"))
    return _link_page(user, token, added=False)


def set_password() -> Response | tuple[str, int] | str:
    """The one-time link: its token moves from the address into the session at once, so it is
    neither in the browser's history nor in the next page's address."""
    if token := request.args.get("t"):
        session[RESET_TOKEN] = token[:100]
        return redirect(url_for("auth.set_password"))
    token = session.get(RESET_TOKEN, "")
    reset = administration.open_reset(token) if token else None
    if reset is None:
        session.pop(RESET_TOKEN, None)
        return render_template("auth/set_password.html", form=None), 410
    form = PasswordSetForm()
    if form.validate_on_submit():
        try:
            administration.use_reset(token, form.new.data or "")
        except AccountError as exc:
            form.new.errors = [*form.new.errors, str(exc)]
        else:
            session.pop(RESET_TOKEN, None)
            flash(_("Uw wachtwoord is ingesteld. Log nu in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form), 400 if form.errors else 200


#: the session key of a password link's token while its page is open
RESET_TOKEN = "password_link"  # noqa: S105 - a session key, not a secret


def _link_page(user: User, token: str, *, added: bool) -> str:
    link = url_for("auth.set_password", t=token, _external=True)
    return render_template(
        "auth/user_link.html",
        user=user,
        link=link,
        added=added,
        hours=int(administration.RESET_VALID.total_seconds() // 3600),
    )


def _account_step(user_id: int, step, done: str) -> Response:  # type: ignore[no-untyped-def]
    user = _user(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            step(_admin(), user)
        except AccountError as exc:
            flash(str(exc), "error")
        else:
            flash(done, "success")
    return redirect(url_for("auth.users"))


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _admin() -> User:
    user = current_user()
    assert user is not None  # noqa: S101 - roles_required ran
    return user
