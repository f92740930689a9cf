"""``roles_required`` itself, decorating a view at test time: the app's views are decorated at
import, before any test (or mutant) runs, so the route matrix cannot test the decorator."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask, g
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import NotFound

from zorgtafel.auth.access import roles_required
from zorgtafel.auth.models import Role


@pytest.mark.parametrize("roles", [(), ("chair",), (Role.chair, "partner"), (None,)])
def test_roles_required_refuses_anything_but_one_or_more_roles(roles: tuple[object, ...]) -> None:
    with pytest.raises(ValueError, match=r"^roles_required needs one or more Role members$"):
        roles_required(*roles)  # type: ignore[arg-type]


def view() -> str:
    return "geopend"


@pytest.mark.parametrize(
    ("role", "opens"),
    [(Role.chair, True), (Role.privacy, True), (Role.partner, False), (Role.admin, False)],
)
def test_a_view_opens_for_its_roles_only_and_is_missing_for_the_rest(
    app: Flask, role: Role, opens: bool
) -> None:
    guarded = roles_required(Role.chair, Role.privacy)(view)
    assert guarded.allowed_roles == (Role.chair, Role.privacy)  # type: ignore[attr-defined]
    assert guarded.__name__ == "view"
    with app.test_request_context("/casussen"):
        # what Flask-Login's current_user reads for this request
        g._login_user = SimpleNamespace(role=role, is_authenticated=True)
        if opens:
            assert guarded() == "geopend"
        else:
            with pytest.raises(NotFound):
                guarded()


def test_a_view_sends_an_anonymous_visitor_to_the_login_page(app: Flask) -> None:
    guarded = roles_required(Role.chair)(view)
    with app.test_request_context("/casussen"):
        g._login_user = AnonymousUserMixin()
        response = guarded()
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen?next=/casussen"
