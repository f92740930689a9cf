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
    Route("auth.login_en", "/login", expect=everyone(301, anonymous=301), data=False),
    Route("auth.code", "/inloggen/code", expect=everyone(302, anonymous=302)),
    Route("auth.code", "/inloggen/code", "POST", expect=everyone(302, anonymous=302)),
    Route("auth.enrol", "/inloggen/koppelen", expect=everyone(302, anonymous=302)),
    Route("auth.enrol", "/inloggen/koppelen", "POST", expect=everyone(302, anonymous=302)),
    Route("auth.confirm", "/inloggen/bevestigen", expect=everyone(200)),
    # an empty form is shown again
    Route("auth.confirm", "/inloggen/bevestigen", "POST", expect=everyone(200)),
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
    # cases: {case_code} is a case whose coordinator is politie; the users log in for gemeente,
    # so a partner has no need-to-know (404) while the chair and FG see its process level
    Route("cases.index", "/casussen", expect=only(("chair", "partner", "privacy"))),
    Route("cases.index", "/casussen?fase=melding", expect=only(("chair", "partner", "privacy"))),
    Route("cases.new", "/casussen/nieuw", expect=only(("chair",))),
    # an empty intake form is shown again with its errors
    Route("cases.new", "/casussen/nieuw", "POST", expect=only(("chair",), status=400)),
    Route("cases.show", "/casussen/{case_code}", expect=only(("chair", "privacy"))),
    Route("cases.show", "/casussen/ZT-1999-0000", expect=only(())),
    Route("cases.reveal", "/casussen/{case_code}/identiteit", "POST", expect=only(())),
    Route("cases.contribute", "/casussen/{case_code}/inbreng", expect=only(("chair",))),
    Route(
        "cases.contribute",
        "/casussen/{case_code}/inbreng",
        "POST",
        expect=only(("chair",), status=400),
    ),
    Route("cases.stage", "/casussen/{case_code}/fase", "POST", expect=only(("chair",), 302)),
    Route("cases.invite", "/casussen/{case_code}/partners", "POST", expect=only(("chair",), 302)),
    Route(
        "cases.consent", "/casussen/{case_code}/toestemming", "POST", expect=only(("chair",), 302)
    ),
    Route("cases.comensha", "/casussen/{case_code}/comensha", "POST", expect=only(("chair",), 302)),
    # meetings: a published meeting today, one item with politie at the table; the partner
    # logged in is from another organisation (so: not at the table, not pledged)
    Route("meetings.index", "/vergaderingen", expect=only(("chair", "partner"))),
    Route("meetings.create", "/vergaderingen/nieuw", expect=only(("chair",))),
    # an empty form is shown again with its errors
    Route("meetings.create", "/vergaderingen/nieuw", "POST", expect=only(("chair",))),
    Route("meetings.agenda", "/vergaderingen/{meeting_id}", expect=only(("chair", "partner"))),
    Route(
        "meetings.add_item",
        "/vergaderingen/{meeting_id}/punten",
        "POST",
        expect=only(("chair",), status=302),
    ),
    Route(
        "meetings.update_item",
        "/vergaderingen/{meeting_id}/punten/{item_id}",
        "POST",
        expect=only(("chair",), status=302),
    ),
    Route(
        "meetings.move_item",
        "/vergaderingen/{meeting_id}/punten/{item_id}/verplaatsen",
        "POST",
        expect=only(("chair",), status=302),
    ),
    Route(
        "meetings.remove_item",
        "/vergaderingen/{meeting_id}/punten/{item_id}/verwijderen",
        "POST",
        expect=only(("chair",), status=302),
    ),
    # only a partner whose organisation is at the table for the item
    Route(
        "meetings.contribute",
        "/vergaderingen/{meeting_id}/punten/{item_id}/inbreng",
        "POST",
        expect=only(()),
    ),
    Route(
        "meetings.publish",
        "/vergaderingen/{meeting_id}/publiceren",
        "POST",
        expect=only(("chair",), status=302),
    ),
    Route(
        "meetings.attendance",
        "/vergaderingen/{meeting_id}/aanwezigheid",
        "POST",
        expect=only(("chair",), status=302),
    ),
    Route(
        "meetings.pledge",
        "/vergaderingen/{meeting_id}/geheimhouding",
        "POST",
        expect=only(("chair", "partner"), status=302),
    ),
    Route(
        "meetings.live",
        "/vergaderingen/{meeting_id}/vergadermodus",
        expect=only(("chair", "partner")),
    ),
    # only after the confidentiality pledge
    Route(
        "meetings.live_state", "/vergaderingen/{meeting_id}/vergadermodus/stand", expect=only(())
    ),
    Route(
        "meetings.step",
        "/vergaderingen/{meeting_id}/vergadermodus/stap",
        "POST",
        expect=only(("chair",), status=302),
    ),
    Route(
        "meetings.export",
        "/vergaderingen/{meeting_id}/agenda.pdf",
        expect=only(("chair", "partner")),
    ),
)
