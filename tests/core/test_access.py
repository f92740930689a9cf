"""Every route × every role answers as ``routes.ROUTES`` says; unknown routes fail the suite."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.core.routes import ROLES, ROUTES, Route
from tests.fixtures.auth import Factories, csrf_token
from tests.fixtures.cases import CaseFactory
from zorgtafel.auth.models import Role


def test_every_route_has_an_expectation(app: Flask) -> None:
    rules = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }  # type: ignore[operator]
    covered = {(route.endpoint, route.method) for route in ROUTES}
    assert rules - covered == set(), "add these routes to tests/core/routes.py"
    assert covered - rules == set(), "these routes in tests/core/routes.py no longer exist"
    for route in ROUTES:
        assert set(route.expect) == set(ROLES), route.endpoint


def request_as(client: FlaskClient, factories: Factories, login_as, role: str, route: Route):  # type: ignore[no-untyped-def]
    if role != "anonymous":
        login_as(Role(role))
    other = factories.user(Role.partner, "politie")
    versions = factories.example_convenant()
    objects = {"other_user_id": other.id, "convenant_version_id": versions[-1]}
    if "{meeting_id}" in route.path or "{item_id}" in route.path:
        objects.update(_meeting_objects(client.application, factories))
    if "{case_code}" in route.path:
        objects["case_code"] = CaseFactory(factories.app).create(coordinator="politie").code
    if "{access_request_id}" in route.path:
        objects["access_request_id"] = _access_request(client.application, factories)
    path = route.path.format(**objects)
    if route.method == "GET":
        return client.get(path, buffered=True)
    # a page of the role's own with a form: the policy officer's start page is the figures
    page = {"anonymous": "/inloggen", "policy": "/cijfers"}.get(role, "/")
    data = {"csrf_token": csrf_token(client, page)}
    return client.open(path, method=route.method, data=data)


def _meeting_objects(app, factories: Factories) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A published meeting today with one item, politie at the table."""
    from tests.fixtures.cases import CaseFactory
    from tests.fixtures.meetings import MeetingFactory

    case = CaseFactory(app).create(coordinator="politie")
    meeting = MeetingFactory(app, factories).create([(case.id, ["politie"])])
    return {"meeting_id": meeting.id, "item_id": meeting.item_ids[0]}


def _access_request(app, factories: Factories) -> int:  # type: ignore[no-untyped-def]
    """An access request about one case, registered by a privacy officer."""
    from tests.fixtures.app import in_app
    from zorgtafel.auth.models import User
    from zorgtafel.cases.models import Case
    from zorgtafel.oversight import access

    case = CaseFactory(app).create(coordinator="politie")
    officer = factories.user(Role.privacy, "gemeente")
    with in_app(app) as session:
        found = [session.get(Case, case.id)]
        return access.open_request(session.get(User, officer.id), found, date(2026, 11, 30)).id


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.endpoint}")
def test_access(
    client: FlaskClient, factories: Factories, login_as, role: str, route: Route
) -> None:  # type: ignore[no-untyped-def]
    response = request_as(client, factories, login_as, role, route)
    assert response.status_code == route.expect[role]
    protected = route.expect["anonymous"] == 302 and route.expect["chair"] != 302
    if role == "anonymous" and protected:
        assert response.headers["Location"].startswith("/inloggen")
