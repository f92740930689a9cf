"""Each preview's save works once: a second submit of the same preview (a double click, a
replayed request, a scanner) shows the saved contribution instead of storing another; so does
each item's preparation form on the agenda."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.cases.test_contributions import Down, post_contribution
from tests.fixtures.app import dispose, in_app, make_instance, own_app
from tests.fixtures.auth import Factories, csrf_token, login
from tests.fixtures.cases import CaseFactory, post_intake, registered_code
from tests.fixtures.meetings import MeetingFactory, future
from tests.meetings.test_meetings import contribute, preview
from zorgtafel.auth.models import Role
from zorgtafel.cases.models import Contribution, ContributionSave
from zorgtafel.pseudonymise import EXTENSION, use_pseudonymiser

TEXT = "Fictief: [BETROKKENE] was drie dagen niet op school."
SAVE = {"category": "signalen", "text": TEXT, "marked": ""}


def _chair_case(app: Flask, factories: Factories) -> tuple[FlaskClient, str]:
    factories.example_convenant()
    client = app.test_client()
    login(client, factories.user(Role.chair, "gemeente"))
    return client, registered_code(post_intake(client, coordinator="gemeente"))


def _preview(client: FlaskClient, code: str) -> str:
    html = post_contribution(client, code, **SAVE, preview="1").get_data(as_text=True)
    found = re.search(r'name="previewed" type="hidden" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _contributions(app: Flask) -> list[int]:
    with in_app(app) as session:
        return list(session.scalars(select(Contribution.id).order_by(Contribution.id)))


def test_three_identical_saves_of_one_preview_store_one_contribution(
    app: Flask, factories: Factories
) -> None:
    client, code = _chair_case(app, factories)
    proof = _preview(client, code)
    answers = [post_contribution(client, code, **SAVE, previewed=proof, save="1") for _ in range(3)]
    stored = _contributions(app)
    assert len(stored) == 1
    for answer in answers:
        assert answer.status_code == 302
        assert answer.headers["Location"] == f"/casussen/{code}#inbreng-{stored[0]}"
    page = client.get(f"/casussen/{code}").get_data(as_text=True)
    assert "Deze inbreng was al opgeslagen" in page
    assert f'id="inbreng-{stored[0]}"' in page  # the saved contribution, shown


def test_a_new_preview_of_the_same_text_may_be_saved_as_a_new_contribution(
    app: Flask, factories: Factories
) -> None:
    client, code = _chair_case(app, factories)
    for _ in range(2):
        proof = _preview(client, code)
        post_contribution(client, code, **SAVE, previewed=proof, save="1")
    assert len(_contributions(app)) == 2


def test_a_save_that_failed_lets_the_same_preview_be_saved_again(
    app: Flask, factories: Factories
) -> None:
    client, code = _chair_case(app, factories)
    proof = _preview(client, code)
    engine = app.extensions.pop(EXTENSION)
    use_pseudonymiser(app, Down())
    failed = post_contribution(client, code, **SAVE, previewed=proof, save="1")
    assert failed.status_code == 503
    app.extensions.pop(EXTENSION)
    use_pseudonymiser(app, engine)
    assert _contributions(app) == []
    saved = post_contribution(client, code, **SAVE, previewed=proof, save="1")
    assert saved.status_code == 302
    assert len(_contributions(app)) == 1
    with in_app(app) as session:
        assert session.scalar(select(func.count()).select_from(ContributionSave)) == 1


def test_a_proof_for_another_category_is_previewed_again_not_saved(
    app: Flask, factories: Factories
) -> None:
    client, code = _chair_case(app, factories)
    proof = _preview(client, code)
    other = post_contribution(
        client, code, **{**SAVE, "category": "school"}, previewed=proof, save="1"
    )
    assert other.status_code == 200
    assert _contributions(app) == []


def _previewed_preparation(client: FlaskClient, meeting_id: int, item: int) -> dict[str, str]:
    """The preparation form as its preview offers it for saving (the single-use proof in it)."""
    shown = preview(client, meeting_id, item, category="signalen", text=TEXT)
    proof = re.search(r'name="previewed" type="hidden" value="([^"]+)"', shown.get_data(True))
    assert proof, "no preview"
    token = csrf_token(client, f"/vergaderingen/{meeting_id}")
    return {
        "csrf_token": token,
        "save": "1",
        "previewed": proof.group(1),
        "category": "signalen",
        "text": TEXT,
    }


def test_three_identical_preparation_saves_store_one_contribution(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(app).create()
    meeting = MeetingFactory(app, factories).create(
        [(case.id, ["politie"])], starts_at=future(3), deadline=future(1)
    )
    login_as(Role.partner, "politie")
    item = meeting.item_ids[0]
    form = _previewed_preparation(client, meeting.id, item)
    path = f"/vergaderingen/{meeting.id}/punten/{item}/inbreng"
    answers = [client.post(path, data=form, follow_redirects=True) for _ in range(3)]
    assert len(_contributions(app)) == 1
    assert "Uw inbreng is gepseudonimiseerd opgeslagen." in answers[0].get_data(as_text=True)
    for answer in answers[1:]:
        assert "Deze inbreng was al opgeslagen" in answer.get_data(as_text=True)
    # a new preview offers a fresh proof: a deliberate second contribution is stored
    contribute(client, meeting.id, item, category="signalen", text=TEXT)
    assert len(_contributions(app)) == 2


def test_a_preparation_save_without_its_previews_proof_stores_nothing(
    app: Flask, client: FlaskClient, factories: Factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(app).create()
    meeting = MeetingFactory(app, factories).create(
        [(case.id, ["politie"])], starts_at=future(3), deadline=future(1)
    )
    login_as(Role.partner, "politie")
    item = meeting.item_ids[0]
    form = _previewed_preparation(client, meeting.id, item)
    for proof in ("", "vervalst.0000", form["previewed"].split(".")[0] + ".ffff"):
        answer = client.post(
            f"/vergaderingen/{meeting.id}/punten/{item}/inbreng",
            data={**form, "previewed": proof},
            follow_redirects=True,
        )
        # shown as a preview again, nothing stored
        assert 'name="previewed"' in answer.get_data(as_text=True)
    assert _contributions(app) == []


def test_three_concurrent_saves_of_one_preview_store_one_contribution(
    own_database: str, tmp_path: Path
) -> None:
    """Real commits, three threads: SQLite's write lock or PostgreSQL's key on the nonce lets
    one claim win; the others find its contribution."""
    from zorgtafel.pseudonymise import Pseudonymiser

    app = own_app(own_database, make_instance(tmp_path / "instance"))
    try:
        use_pseudonymiser(app, Pseudonymiser(detector=lambda text: ()))
        client, code = _chair_case(app, Factories(app))
        proof = _preview(client, code)
        token = csrf_token(client, f"/casussen/{code}/inbreng")
        cookie = client.get_cookie("zorgtafel")
        assert cookie is not None
        barrier = threading.Barrier(3)
        answers: list[int] = []

        def save() -> None:
            own = app.test_client()
            own.set_cookie("zorgtafel", cookie.value)
            data = {**SAVE, "previewed": proof, "save": "1", "csrf_token": token}
            barrier.wait()
            answers.append(own.post(f"/casussen/{code}/inbreng", data=data).status_code)

        threads = [threading.Thread(target=save) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [302, 302, 302]
        assert len(_contributions(app)) == 1
    finally:
        dispose(app)
