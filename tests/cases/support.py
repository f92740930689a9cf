"""Helpers for the cases tests: a fictitious intake, posting it, reading the page's categories."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import csrf_token

#: a fictitious subject (no real person); the BSN passes the elfproef
INTAKE: dict[str, Any] = {
    "first_names": "Fenna Lotte",
    "surname": "Verzinsel",
    "aliases": "Lotje\nFenz",
    "birth_date": "2010-04-05",
    "bsn": "111222333",
    "address": "Fictieweg 1, Voorbeeldstad",
    "school": "Voorbeeldcollege",
    "relatives": "moeder: Greetje Verzinsel\nbroer: Ties",
    "reported_by": "partner",
    "reporter_partner": "politie",
    "coordinator": "veilig-thuis",
    "involved": ["politie", "jeugd-ggz"],
    "stage": "melding",
}


def post_intake(client: FlaskClient, **changes: Any) -> Any:
    data = {**INTAKE, **changes, "csrf_token": csrf_token(client, "/casussen/nieuw")}
    return client.post("/casussen/nieuw", data=data)


def registered_code(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.fullmatch(r"/casussen/(ZT-\d{4}-\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def page_categories(html: str) -> set[str]:
    return set(re.findall(r'data-category="([^"]+)"', html))
