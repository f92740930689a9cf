"""The expected answer of every route for every role: the access test's single source of truth.

Add a line here for every new route; ``test_every_route_has_an_expectation`` fails until you do.
``path`` may hold ``{user_id}`` etc., filled in by ``fill(path, objects)`` in the access test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("anonymous", "chair", "partner", "privacy", "admin", "policy")
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


def not_policy(expect: dict[str, int]) -> dict[str, int]:
    """``expect``, but the policy officer, who sees figures only, gets nothing."""
    return {**expect, "policy": HIDDEN}


def only(roles: tuple[str, ...], status: int = 200) -> dict[str, int]:
    return {
        "anonymous": LOGIN,
        **{role: (status if role in roles else HIDDEN) for role in ROLES[1:]},
    }


ROUTES: tuple[Route, ...] = (
    Route("static", "/static/css/app.css", expect=everyone(200, anonymous=200), data=False),
    Route("home.health", "/gezondheid", expect=everyone(200, anonymous=200), data=False),
    # the policy officer's start page is the figures
    Route("home.index", "/", expect={**everyone(200), "policy": 302}),
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
    Route("auth.new_user", "/beheer/gebruikers/nieuw", expect=only(("admin",))),
    # an empty form is shown again with its errors
    Route("auth.new_user", "/beheer/gebruikers/nieuw", "POST", expect=only(("admin",), 400)),
    *(
        Route(
            f"auth.{name}",
            f"/beheer/gebruikers/{{other_user_id}}/{path}",
            "POST",
            expect=only(("admin",), status=302),
        )
        for path, name in (
            ("blokkeren", "disable"),
            ("deblokkeren", "enable"),
            ("tweestaps-herstellen", "reset_second_factor"),
        )
    ),
    # answered with the page that shows the one-time link
    Route(
        "auth.reset_password",
        "/beheer/gebruikers/{other_user_id}/wachtwoord-herstellen",
        "POST",
        expect=only(("admin",)),
    ),
    # without a link's token, or with one that no longer works: 410 Gone, whoever asks
    Route("auth.set_password", "/wachtwoord-instellen", expect=everyone(410, anonymous=410)),
    Route(
        "auth.set_password", "/wachtwoord-instellen", "POST", expect=everyone(410, anonymous=410)
    ),
    Route("convenant.in_force", "/convenant", expect=not_policy(everyone(200))),
    Route("convenant.versions", "/convenant/versies", expect=not_policy(everyone(200))),
    Route(
        "convenant.version",
        "/convenant/versies/{convenant_version_id}",
        expect=not_policy(everyone(200)),
    ),
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
    Route(
        "cases.withdraw_consent",
        "/casussen/{case_code}/toestemming/intrekken",
        "POST",
        expect=only(("chair",), 302),
    ),
    Route("cases.comensha", "/casussen/{case_code}/comensha", "POST", expect=only(("chair",), 302)),
    Route("cases.profile", "/casussen/{case_code}/kenmerken", "POST", expect=only(("chair",), 302)),
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
    # the preparation page: only for a partner at the item's table (the matrix's partner is not)
    Route(
        "meetings.contribute",
        "/vergaderingen/{meeting_id}/punten/{item_id}/inbreng",
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
    # minutes of that item: the chair sees them; the partner, not at the table, gets 404
    Route("minutes.show", "/notulen/punten/{item_id}", expect=only(("chair",))),
    # chairing the published meeting gives the chair need-to-know for the item's case (the
    # chairing reason), so it may write the minutes; an empty form is shown again (400)
    Route("minutes.edit", "/notulen/punten/{item_id}/bewerken", expect=only(("chair",))),
    Route(
        "minutes.edit",
        "/notulen/punten/{item_id}/bewerken",
        "POST",
        expect=only(("chair",), status=400),
    ),
    # not vastgesteld (and not the chair's to see): back to the minutes page
    Route(
        "minutes.rectify",
        "/notulen/punten/{item_id}/rectificatie",
        expect=only(("chair",), status=302),
    ),
    Route(
        "minutes.rectify",
        "/notulen/punten/{item_id}/rectificatie",
        "POST",
        expect=only(("chair",), status=302),
    ),
    Route(
        "minutes.finalise",
        "/notulen/punten/{item_id}/vaststellen",
        "POST",
        expect=only(("chair",), status=302),
    ),
    # an empty decision or action form: back to the minutes page
    Route(
        "minutes.add_decision",
        "/notulen/punten/{item_id}/besluiten",
        "POST",
        expect=only(("chair",), status=302),
    ),
    Route(
        "minutes.add_action",
        "/notulen/punten/{item_id}/acties",
        "POST",
        expect=only(("chair",), status=302),
    ),
    # no such action of the item's case: 404 for the chair too
    Route(
        "minutes.review_action",
        "/notulen/punten/{item_id}/acties/999999/bespreking",
        "POST",
        expect=only(()),
    ),
    Route("minutes.my_actions", "/notulen/mijn-acties", expect=only(("partner",))),
    Route("minutes.overview", "/notulen/acties", expect=only(("chair",))),
    # the excerpt of the meeting: the partner (not at the table) gets an empty one
    Route(
        "minutes.excerpt", "/notulen/vergaderingen/{meeting_id}", expect=only(("chair", "partner"))
    ),
    Route(
        "minutes.excerpt_pdf",
        "/notulen/vergaderingen/{meeting_id}/uittreksel.pdf",
        expect=only(("chair", "partner")),
    ),
    # not an action of the partner's organisation: 404
    Route("minutes.update_action", "/notulen/mijn-acties/999999", "POST", expect=only(())),
    # the privacy officer's workspace: only the privacy role; a bad filter is answered 400
    Route("oversight.log", "/fg/auditlog", expect=only(("privacy",))),
    Route("oversight.log", "/fg/auditlog?uitkomst=misschien", expect=only(("privacy",), 400)),
    Route("oversight.log_csv", "/fg/auditlog.csv", expect=only(("privacy",))),
    Route("oversight.find_case", "/fg/verstrekkingen", expect=only(("privacy",))),
    Route("oversight.disclosures", "/fg/verstrekkingen/{case_code}", expect=only(("privacy",))),
    Route("oversight.disclosures", "/fg/verstrekkingen/ZT-1999-0000", expect=only(())),
    Route(
        "oversight.disclosures_csv",
        "/fg/verstrekkingen/{case_code}.csv",
        expect=only(("privacy",)),
    ),
    Route(
        "oversight.disclosures_pdf",
        "/fg/verstrekkingen/{case_code}.pdf",
        expect=only(("privacy",)),
    ),
    Route("oversight.matrix", "/fg/matrix", expect=only(("privacy",))),
    Route("oversight.signals", "/fg/signalen", expect=only(("privacy",))),
    Route("oversight.register", "/fg/register", expect=only(("privacy",))),
    Route("oversight.register", "/fg/register?versie=999999", expect=only(())),
    Route("oversight.register_csv", "/fg/register.csv", expect=only(("privacy",))),
    Route("oversight.register_pdf", "/fg/register.pdf", expect=only(("privacy",))),
    Route("oversight.register_diff", "/fg/register/verschil", expect=only(("privacy",))),
    Route("oversight.reviews", "/fg/beoordelingen", expect=only(("privacy",))),
    # an empty review is shown again with its errors
    Route("oversight.reviews", "/fg/beoordelingen", "POST", expect=only(("privacy",), 400)),
    Route(
        "oversight.run_anomalies",
        "/fg/signalen/controleren",
        "POST",
        expect=only(("privacy",), 302),
    ),
    # no such signal: 404 for everyone
    Route("oversight.triage", "/fg/signalen/999999", "POST", expect=only(())),
    # retention: the chair proposes, the privacy officer approves; receiving partners confirm
    Route("retention.index", "/bewaartermijnen", expect=only(("chair", "privacy"))),
    # an empty proposal is refused
    Route(
        "retention.propose", "/bewaartermijnen/voorstellen", "POST", expect=only(("chair",), 400)
    ),
    Route(
        "retention.approve",
        "/bewaartermijnen/voorstellen/999999/goedkeuren",
        "POST",
        expect=only(()),
    ),
    Route(
        "retention.withdraw",
        "/bewaartermijnen/voorstellen/999999/intrekken",
        "POST",
        expect=only(()),
    ),
    # an empty hold is sent back with its errors
    Route(
        "retention.set_hold",
        "/bewaartermijnen/bewaarplicht",
        "POST",
        expect=only(("chair", "privacy"), 303),
    ),
    Route(
        "retention.lift_hold",
        "/bewaartermijnen/bewaarplicht/999999/opheffen",
        "POST",
        expect=only(()),
    ),
    Route("retention.notices", "/bewaartermijnen/meldingen", expect=only(("chair", "partner"))),
    Route(
        "retention.confirm_notice",
        "/bewaartermijnen/meldingen/999999/bevestigen",
        "POST",
        expect=only(()),
    ),
    # the access request (AVG art. 15): the search is a POST (an empty one is shown again with
    # its errors); {access_request_id} is a request about one case; an empty refusal and the
    # extension go back to the report (303); no request 999999: 404 for everyone
    Route("oversight.access_search", "/fg/inzage", expect=only(("privacy",))),
    Route("oversight.access_search", "/fg/inzage", "POST", expect=only(("privacy",), 400)),
    Route("oversight.access_request", "/fg/inzage/{access_request_id}", expect=only(("privacy",))),
    Route("oversight.access_request", "/fg/inzage/999999", expect=only(())),
    Route("oversight.access_pdf", "/fg/inzage/{access_request_id}.pdf", expect=only(("privacy",))),
    Route(
        "oversight.access_extend",
        "/fg/inzage/{access_request_id}/verlengen",
        "POST",
        expect=only(("privacy",), 303),
    ),
    Route(
        "oversight.access_refuse",
        "/fg/inzage/{access_request_id}/weigering",
        "POST",
        expect=only(("privacy",), 303),
    ),
    # figures: the policy officer, the chair and the privacy officer; a bad year is refused
    Route("figures.index", "/cijfers", expect=only(("policy", "chair", "privacy"))),
    Route("figures.index", "/cijfers?jaar=2026", expect=only(("policy", "chair", "privacy"))),
    Route("figures.index", "/cijfers?jaar=1999", expect=only(("policy", "chair", "privacy"), 400)),
    Route("figures.index", "/cijfers?jaar=twee", expect=only(("policy", "chair", "privacy"), 400)),
    Route("figures.export_csv", "/cijfers/csv", expect=only(("policy", "chair", "privacy"))),
    Route(
        "figures.export_csv",
        "/cijfers/csv?jaar=3000",
        expect=only(("policy", "chair", "privacy"), 400),
    ),
    Route("figures.export_pdf", "/cijfers/pdf", expect=only(("policy", "chair", "privacy"))),
    Route(
        "figures.export_pdf",
        "/cijfers/pdf?jaar=twee",
        expect=only(("policy", "chair", "privacy"), 400),
    ),
    # per municipality (issue 18.6): a code of the region's; any other is refused, not counted
    Route("figures.index", "/cijfers?gemeente=GM9001", expect=only(("policy", "chair", "privacy"))),
    Route(
        "figures.index",
        "/cijfers?jaar=2026&gemeente=GM9005",
        expect=only(("policy", "chair", "privacy")),
    ),
    Route(
        "figures.index",
        "/cijfers?gemeente=GM0000",
        expect=only(("policy", "chair", "privacy"), 400),
    ),
    Route(
        "figures.export_csv",
        "/cijfers/csv?jaar=2026&gemeente=GM9002",
        expect=only(("policy", "chair", "privacy")),
    ),
    Route(
        "figures.export_csv",
        "/cijfers/csv?gemeente=GM9999",
        expect=only(("policy", "chair", "privacy"), 400),
    ),
    Route(
        "figures.export_pdf",
        "/cijfers/pdf?jaar=2026&gemeente=GM9003",
        expect=only(("policy", "chair", "privacy")),
    ),
    Route(
        "figures.export_pdf",
        "/cijfers/pdf?gemeente=Voorbeeldstad",
        expect=only(("policy", "chair", "privacy"), 400),
    ),
)
