"""Login in two steps (password, then TOTP), enrolment, logout, password change, user admin."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from zorgtafel.auth import operations, totp
from zorgtafel.auth.access import current_user, local_path, safe_next
from zorgtafel.auth.forms import CodeForm, ConfirmForm, LoginForm, PasswordChangeForm
from zorgtafel.auth.models import User
from zorgtafel.core.db import db

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


def disable(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        if user.id == current_user().id:  # type: ignore[union-attr]
            flash(_("U kunt uw eigen account niet blokkeren."), "error")
        else:
            operations.disable_user(user)
            flash(_("Account geblokkeerd; alle sessies zijn beëindigd."), "success")
    return redirect(url_for("auth.users"))
