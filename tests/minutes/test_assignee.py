"""Issue 14 point 4: an action may name one user of the owner organisation; only that
organisation and the chair see the name; a user of another organisation is refused with a
clear error and nothing is stored. All data is fictitious."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.minutes import MinutesTable, submit
from zorgtafel.auth.models import Role
from zorgtafel.core.clock import today
from zorgtafel.minutes.models import ActionItem


def give_action(t: MinutesTable, owner: str, assignee: int | None):  # type: ignore[no-untyped-def]
    """The chair's action form as sent: preview, then save as previewed."""
    return submit(
        t.chair,
        f"/notulen/punten/{t.item_id}/acties",
        owner=owner,
        assignee=str(assignee) if assignee else "",
        due_on=(today() + timedelta(days=7)).isoformat(),
        description="Gesprek met de school plannen.",
    )


def test_only_the_owner_organisation_and_the_chair_see_the_named_user(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    agent = t.factories.user(Role.partner, "politie", email="wijkagent-fictief@politie.test")
    with in_app(app) as session:
        from zorgtafel.auth.models import User

        name = session.get(User, agent.id).name
    chair_form = t.chair.get(t.show_path).get_data(as_text=True)
    assert f'<option value="{agent.id}">' in chair_form  # the chair may choose the agent
    assert give_action(t, "politie", agent.id).status_code == 302
    with in_app(app) as session:
        assert session.scalars(select(ActionItem.assignee_user_id)).one() == agent.id
    assert f"toegewezen aan {name}" in t.chair.get(t.show_path).get_data(as_text=True)
    politie = t.client(Role.partner, "politie")
    assert f"toegewezen aan {name}" in politie.get(t.show_path).get_data(as_text=True)
    assert f"toegewezen aan {name}" in politie.get("/notulen/mijn-acties").get_data(as_text=True)
    ggz = t.client(Role.partner, "jeugd-ggz")  # at the table too, another organisation
    html = ggz.get(t.show_path).get_data(as_text=True)
    assert "Gesprek met de school plannen." in html  # it sees the action
    assert "toegewezen aan" not in html  # but not whose it is


def test_a_user_of_another_organisation_is_refused_and_nothing_is_stored(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    other = t.factories.user(Role.partner, "jeugd-ggz", email="ggz-fictief@ggz.test")
    refused = give_action(t, "politie", other.id)
    assert refused.status_code == 400  # the form again, with the reason
    assert "Die gebruiker hoort niet bij de eigenaar van de actie." in refused.get_data(
        as_text=True
    )
    with in_app(app) as session:
        assert session.scalars(select(ActionItem)).all() == []
    assert give_action(t, "politie", None).status_code == 302  # no named user: fine
