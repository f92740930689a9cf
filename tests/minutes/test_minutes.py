"""Minutes per agenda item: structured parts, one convenant category per paragraph, shown per
organisation; pseudonymised (preview, then saved as previewed; nothing stored when the
pseudonymiser is down); sealed under the case's data key, row and column bound in. Drafts in
versions; a stale save answers 409 with both versions; vaststellen is final and puts the
content's hash in the audit chain. All data is fictitious."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from tests.fixtures.app import in_app
from tests.fixtures.auth import csrf_token
from tests.fixtures.cases import example_convenant
from tests.fixtures.minutes import MinutesTable, Row, form_data, preview, proof_of, write
from zorgtafel.audit.models import AuditEvent
from zorgtafel.audit.vocabulary import Change, ObjectType
from zorgtafel.auth.models import Role, User
from zorgtafel.core.types import Ciphertext
from zorgtafel.meetings.models import AgendaItem
from zorgtafel.minutes import operations
from zorgtafel.minutes.models import Minutes, MinutesParagraph, MinutesStatus, MinutesVersion
from zorgtafel.minutes.operations import MinutesFinal, Paragraph, StaleMinutes
from zorgtafel.privacy import vault
from zorgtafel.privacy.gate import minutes as gate_minutes
from zorgtafel.pseudonymise import PseudonymiserUnavailable, use_pseudonymiser

ROWS: tuple[Row, ...] = (
    ("discussion", "signalen", "Fenna Verzinsel is gezien bij het station met een oudere man."),
    ("discussion", "school", "Lotje verzuimt sinds september van het Voorbeeldcollege."),
    ("assessment", "veiligheid-risico", "Acuut risico op uitbuiting; veiligheidsplan nodig."),
    ("conclusion", "signalen", "Politie en jeugd-ggz bespreken de signalen met moeder."),
)


def paragraphs_seen(app: Flask, user_id: int, item_id: int) -> dict[str, str]:
    """category → texts (joined) of the item's minutes as ``user_id`` sees them via the gate."""
    with in_app(app) as session:
        view = gate_minutes.item_minutes(
            session.get(User, user_id), session.get(AgendaItem, item_id), example_convenant()
        )
        seen: dict[str, str] = {}
        for p in view.paragraphs:
            seen[p.category_code] = (seen.get(p.category_code, "") + " " + p.text.reveal()).strip()
        return seen


def events(app: Flask, **where: object) -> list[AuditEvent]:
    with in_app(app) as session:
        query = select(AuditEvent).order_by(AuditEvent.seq)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(session.scalars(query))


# --- 1. minutes per agenda item --------------------------------------------------------------


def test_the_chair_previews_then_saves_the_minutes_pseudonymised_in_their_parts(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    shown = preview(t.chair, t.edit_path, ROWS, 0)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Voorvertoning: zo wordt het opgeslagen" in html
    assert "[BETROKKENE] is gezien" in html
    with in_app(app) as session:
        assert session.scalars(select(Minutes)).all() == []  # a preview stores nothing
    saved = write(t.chair, t.edit_path, ROWS, 0)
    assert saved.status_code == 302
    seen = paragraphs_seen(app, t.chair_id, t.item_id)
    assert seen["signalen"].startswith("[BETROKKENE] is gezien bij het station")
    everything = " ".join(seen.values())
    assert "Fenna" not in everything
    assert "Verzinsel" not in everything
    page = t.chair.get(t.show_path).get_data(as_text=True)
    for heading in ("Bespreking", "Inschatting van veiligheid en risico", "Conclusie"):
        assert heading in page
    with in_app(app) as session:
        rows = session.scalars(select(MinutesParagraph).order_by(MinutesParagraph.position)).all()
        assert [r.part.value for r in rows] == [r[0] for r in ROWS]
        assert [r.category_code for r in rows] == [r[1] for r in ROWS]


def test_a_save_without_the_previewed_text_is_previewed_again_not_stored(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    shown = preview(t.chair, t.edit_path, ROWS, 0)
    proof = proof_of(shown.get_data(as_text=True))
    changed = [*ROWS[:-1], ("conclusion", "signalen", "Een andere conclusie.")]
    token = csrf_token(t.chair, "/")
    response = t.chair.post(
        t.edit_path, data=form_data(changed, 0, token, save="1", previewed=proof)
    )
    assert response.status_code == 200
    assert "gewijzigd na de voorvertoning" in response.get_data(as_text=True)
    with in_app(app) as session:
        assert session.scalars(select(Minutes)).all() == []


class Down:
    def pseudonymise(self, *_args: object, **_kwargs: object) -> object:
        raise PseudonymiserUnavailable("test: service down")


def test_nothing_is_stored_when_the_pseudonymiser_is_down_and_the_text_stays(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    use_pseudonymiser(app, Down())  # restored by the autouse fixture
    for step in ({"preview": "1"}, {"save": "1", "previewed": "0" * 32}):
        token = csrf_token(t.chair, "/")
        response = t.chair.post(t.edit_path, data=form_data(ROWS, 0, token, **step))
        html = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "niets opgeslagen" in html
        assert "Acuut risico op uitbuiting" in html  # what was typed is not lost
    with in_app(app) as session:
        assert session.scalars(select(Minutes)).all() == []
        assert session.scalars(select(MinutesParagraph)).all() == []


def test_each_organisation_sees_only_the_paragraphs_in_categories_it_may_receive(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    politie = t.client(Role.partner, "politie")
    html = politie.get(t.show_path).get_data(as_text=True)
    # politie may receive signalen and veiligheid-risico, not school
    assert "station met een oudere man" in html
    assert "Acuut risico" in html
    assert "verzuimt" not in html
    assert 'data-category="school"' not in html
    assert "1 alinea staat in een categorie die uw organisatie niet mag ontvangen" in html
    chair = t.chair.get(t.show_path).get_data(as_text=True)
    assert "verzuimt sinds september" in chair  # gemeente may receive school
    refused = events(app, actor_org="politie", outcome="refused", categories="school")
    assert refused
    assert refused[-1].level == "content"
    allowed = events(app, actor_org="politie", outcome="allowed", categories="veiligheid-risico")
    assert allowed


def test_a_partner_not_at_the_table_sees_no_minutes(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    om = t.client(Role.partner, "om")
    response = om.get(t.show_path)
    assert response.status_code == 404
    assert "station" not in response.get_data(as_text=True)


def test_each_paragraph_is_sealed_with_the_case_key_and_bound_to_its_row_and_column(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    with in_app(app) as session:
        first, second = session.scalars(
            select(MinutesParagraph).order_by(MinutesParagraph.position)
        ).all()[:2]
        assert isinstance(first.text, Ciphertext)
        assert b"station" not in first.text.blob
        key = vault.data_key(vault.case_key_for(session, t.case_id))
        with vault.gate_context("test"):
            opened = vault.open_sealed(
                key, first.text, table="minutes_paragraphs", row_id=first.id, column="text"
            )
            assert opened.startswith("[BETROKKENE]")
            with pytest.raises(vault.TamperedCiphertext):  # moved to another row
                vault.open_sealed(
                    key, first.text, table="minutes_paragraphs", row_id=second.id, column="text"
                )
            with pytest.raises(vault.TamperedCiphertext):  # or another column
                vault.open_sealed(
                    key, first.text, table="minutes_paragraphs", row_id=first.id, column="other"
                )


def test_meeting_mode_offers_the_chair_the_minutes_of_the_current_item(
    app: Flask, minutes_table: MinutesTable
) -> None:
    from tests.fixtures.meetings import MeetingFactory, MeetingRecord
    from zorgtafel.meetings.operations import Step

    t = minutes_table
    record = MeetingRecord(t.meeting_id, (t.item_id,), t.chair_id)
    meetings = MeetingFactory(app, t.factories)
    meetings.pledge(record, t.chair_id)
    meetings.step(record, Step.start)
    html = t.chair.get(f"/vergaderingen/{t.meeting_id}/vergadermodus").get_data(as_text=True)
    assert f'href="{t.edit_path}"' in html
    partner = t.client(Role.partner, "politie")
    meetings.pledge(record, _user_id(app, "politie"))
    assert t.edit_path not in partner.get(f"/vergaderingen/{t.meeting_id}/vergadermodus").get_data(
        as_text=True
    )


def _user_id(app: Flask, org: str) -> int:
    from zorgtafel.auth.models import Organisation

    with in_app(app) as session:
        return session.scalar(
            select(User.id)
            .join(Organisation)
            .where(Organisation.code == org)
            .order_by(User.id.desc())
        )


# --- 2. drafts in versions, two editors at once, vaststellen -------------------------------


def test_every_save_is_a_new_version_and_earlier_versions_stay_readable(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    second = [*ROWS[:-1], ("conclusion", "signalen", "Nieuwe afspraak: gesprek met de school.")]
    assert write(t.chair, t.edit_path, second, 1).status_code == 302
    with in_app(app) as session:
        numbers = session.scalars(select(MinutesVersion.number).order_by(MinutesVersion.number))
        assert list(numbers) == [1, 2]
        assert session.scalar(select(Minutes.version)) == 2
    latest = t.chair.get(t.show_path).get_data(as_text=True)
    assert "Nieuwe afspraak" in latest
    assert "Concept, versie 2 van 2" in latest
    first = t.chair.get(t.show_path + "?versie=1").get_data(as_text=True)
    assert "bespreken de signalen met moeder" in first
    assert "Nieuwe afspraak" not in first
    assert t.chair.get(t.show_path + "?versie=7").status_code == 404


def test_a_stale_save_answers_409_with_both_versions_and_loses_nothing_typed(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    other_chair = t.client(Role.chair, "gemeente")
    # both open the empty editor (version 0); the other saves first
    mine = [("discussion", "signalen", "Mijn verslag: de jongere is weer thuis.")]
    shown = preview(t.chair, t.edit_path, mine, 0)
    assert shown.status_code == 200
    theirs = [("discussion", "signalen", "Hun verslag: de jongere is vermist gemeld.")]
    assert write(other_chair, t.edit_path, theirs, 0).status_code == 302
    token = csrf_token(t.chair, "/")
    stale = t.chair.post(
        t.edit_path,
        data=form_data(mine, 0, token, save="1", previewed=proof_of(shown.get_data(as_text=True))),
    )
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Hun verslag: de jongere is vermist gemeld." in html  # their version
    assert "Mijn verslag: de jongere is weer thuis.</textarea>" in html  # what I typed
    assert re.search(r'name="based_on" type="hidden" value="1"', html)
    with in_app(app) as session:
        assert session.scalar(select(Minutes.version)) == 1  # nothing of mine stored
    # after looking at both, a save based on their version goes through
    assert write(t.chair, t.edit_path, mine + theirs, 1).status_code == 302
    with in_app(app) as session:
        assert session.scalar(select(Minutes.version)) == 2


def test_the_operation_refuses_a_save_based_on_an_older_version(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    paragraph = [Paragraph(operations.MinutesPart.discussion, "signalen", "[BETROKKENE] thuis.")]
    with in_app(app) as session:
        chair, item = session.get(User, t.chair_id), session.get(AgendaItem, t.item_id)
        operations.save_draft(chair, item, paragraph, based_on=0, convenant=example_convenant())
        with pytest.raises(StaleMinutes) as stale:
            operations.save_draft(chair, item, paragraph, based_on=0, convenant=example_convenant())
        assert stale.value.newest == 1


def test_vaststellen_makes_the_minutes_final_and_chains_the_hash_of_their_content(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    token = csrf_token(t.chair, "/")
    done = t.chair.post(
        f"/notulen/punten/{t.item_id}/vaststellen", data={"csrf_token": token, "based_on": "1"}
    )
    assert done.status_code == 302
    with in_app(app) as session:
        minutes = session.scalar(select(Minutes))
        assert minutes.status is MinutesStatus.final
        assert minutes.finalised_by_user_id == t.chair_id
        view = gate_minutes.item_minutes(
            session.get(User, t.chair_id), session.get(AgendaItem, t.item_id), example_convenant()
        )
        content = [Paragraph(p.part, p.category_code, p.text.reveal()) for p in view.paragraphs]
    expected = operations.content_hash(content)
    assert minutes.content_hash == expected
    finalised = events(app, object_type=ObjectType.minutes.value)
    assert len(finalised) == 1
    assert finalised[0].object_id == operations.hash_id(t.case_code, expected)
    assert finalised[0].reason == Change.minutes_finalised.value
    # the event holds codes and the hash, never content
    for value in vars(finalised[0]).values():
        assert "BETROKKENE" not in str(value)
        assert "station" not in str(value)
    page = t.chair.get(t.show_path).get_data(as_text=True)
    assert "Vastgesteld" in page
    assert expected in page


def test_vastgestelde_minutes_are_never_edited_again(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    token = csrf_token(t.chair, "/")
    path = f"/notulen/punten/{t.item_id}/vaststellen"
    assert t.chair.post(path, data={"csrf_token": token, "based_on": "1"}).status_code == 302
    assert t.chair.get(t.edit_path).status_code == 302  # back to the minutes, no editor
    token = csrf_token(t.chair, "/")
    changed = [("conclusion", "signalen", "Achteraf gewijzigd.")]
    response = t.chair.post(t.edit_path, data=form_data(changed, 1, token, preview="1"))
    assert response.status_code == 302
    with in_app(app) as session:
        chair, item = session.get(User, t.chair_id), session.get(AgendaItem, t.item_id)
        paragraph = [Paragraph(operations.MinutesPart.conclusion, "signalen", "Achteraf.")]
        with pytest.raises(MinutesFinal):
            operations.save_draft(chair, item, paragraph, based_on=1, convenant=example_convenant())
        with pytest.raises(MinutesFinal):
            operations.finalise(chair, item, based_on=1, convenant=example_convenant())
        assert session.scalar(select(Minutes.version)) == 1


def test_vaststellen_a_version_not_read_answers_409(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    assert write(t.chair, t.edit_path, ROWS[:2], 1).status_code == 302
    token = csrf_token(t.chair, "/")
    response = t.chair.post(
        f"/notulen/punten/{t.item_id}/vaststellen", data={"csrf_token": token, "based_on": "1"}
    )
    assert response.status_code == 409
    with in_app(app) as session:
        assert session.scalar(select(Minutes.status)) is MinutesStatus.draft


def test_a_correction_after_vaststellen_is_a_rectificatie_with_its_own_hash_never_an_edit(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    token = csrf_token(t.chair, "/")
    path = f"/notulen/punten/{t.item_id}/vaststellen"
    assert t.chair.post(path, data={"csrf_token": token, "based_on": "1"}).status_code == 302
    correction = [("conclusion", "signalen", "Rectificatie: het was het busstation.")]
    rectify = f"/notulen/punten/{t.item_id}/rectificatie"
    assert write(t.chair, rectify, correction, 1).status_code == 302
    with in_app(app) as session:
        minutes = session.scalar(select(Minutes))
        assert minutes.status is MinutesStatus.final
        assert minutes.version == 1
        (addendum,) = minutes.addenda
        final_hash, addendum_hash = minutes.content_hash, addendum.content_hash
    assert addendum_hash == operations.content_hash(
        [Paragraph(operations.MinutesPart.conclusion, "signalen", correction[0][2])]
    )
    assert addendum_hash != final_hash
    rectified = events(app, reason=Change.minutes_rectified.value)
    assert [e.object_id for e in rectified] == [operations.hash_id(t.case_code, addendum_hash)]
    page = t.chair.get(t.show_path).get_data(as_text=True)
    assert "het was het busstation" in page
    assert "station met een oudere man" in page  # the vastgestelde text is unchanged
    assert final_hash in page
    assert addendum_hash in page


def test_working_days_count_monday_to_friday_after_the_meeting() -> None:
    from datetime import date

    friday = date(2026, 11, 27)
    assert operations.working_days_between(friday, friday) == 0
    assert operations.working_days_between(friday, date(2026, 11, 29)) == 0  # the weekend
    assert operations.working_days_between(friday, date(2026, 12, 2)) == 3  # mon, tue, wed


def test_the_meeting_list_shows_after_how_many_working_days_the_minutes_were_vastgesteld(
    app: Flask, minutes_table: MinutesTable
) -> None:
    t = minutes_table
    page = t.chair.get("/vergaderingen").get_data(as_text=True)
    assert "nog niet" in page
    assert write(t.chair, t.edit_path, ROWS, 0).status_code == 302
    token = csrf_token(t.chair, "/")
    path = f"/notulen/punten/{t.item_id}/vaststellen"
    assert t.chair.post(path, data={"csrf_token": token, "based_on": "1"}).status_code == 302
    page = t.chair.get("/vergaderingen").get_data(as_text=True)
    assert re.search(r'class="finalised-after">na 0 werkdagen<', page)
