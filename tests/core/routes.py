"""The expected answer of every route for every role: the access test's single source of truth.

Add a line here for every new route; ``test_every_route_has_an_expectation`` fails until you do.
``path`` may hold ``{user_id}`` etc., filled in by ``fill(path, objects)`` in the access test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("anonymous", "chair", "partner", "privacy", "admin")
LOGIN = 302  # anonymous users are sent to the login page
HIDDEN = 404  # a page a role may not open answers as if it did not exist


@dataclass(frozen=True)
class Route:
    endpoint: str
    path: str
    method: str = "GET"
    expect: dict[str, int] = field(default_factory=dict)
    #: a page that may show data to a logged-in user (checked for no-store by the header crawl)
    data: bool = True


def everyone(status: int, anonymous: int = LOGIN) -> dict[str, int]:
    return {"anonymous": anonymous, **{role: status for role in ROLES[1:]}}


def only(roles: tuple[str, ...], status: int = 200) -> dict[str, int]:
    return {
        "anonymous": LOGIN,
        **{role: (status if role in roles else HIDDEN) for role in ROLES[1:]},
    }


ROUTES: tuple[Route, ...] = (
    Route("static", "/static/css/app.css", expect=everyone(200, anonymous=200), data=False),
    Route("home.health", "/gezondheid", expect=everyone(200, anonymous=200), data=False),
    Route("home.index", "/", expect=everyone(200)),
    Route("home.language", "/taal", "POST", expect=everyone(302, anonymous=302)),
    Route("auth.login", "/inloggen", expect=everyone(302, anonymous=200)),
    # an empty login form is shown again; a logged-in user is sent home
    Route("auth.login", "/inloggen", "POST", expect=everyone(302, anonymous=200)),
    Route("auth.code", "/inloggen/code", expect=everyone(302, anonymous=302)),
    Route("auth.code", "/inloggen/code", "POST", expect=everyone(302, anonymous=302)),
    Route("auth.enrol", "/inloggen/koppelen", expect=everyone(302, anonymous=302)),
    Route("auth.enrol", "/inloggen/koppelen", "POST", expect=everyone(302, anonymous=302)),
    Route("auth.logout", "/uitloggen", "POST", expect=everyone(302, anonymous=302)),
    Route("auth.password", "/account/wachtwoord", expect=everyone(200)),
    Route("auth.password", "/account/wachtwoord", "POST", expect=everyone(200)),
    Route("auth.users", "/beheer/gebruikers", expect=only(("admin",))),
    Route(
        "auth.disable",
        "/beheer/gebruikers/{other_user_id}/blokkeren",
        "POST",
        expect=only(("admin",), status=302),
    ),
    Route("convenant.in_force", "/convenant", expect=everyone(200)),
    Route("convenant.versions", "/convenant/versies", expect=everyone(200)),
    Route("convenant.version", "/convenant/versies/{convenant_version_id}", expect=everyone(200)),
    Route("convenant.compare", "/convenant/verschil", expect=only(("privacy",))),
)
