"""The project's own annotators: each with texts it must catch and texts it must leave alone."""

from __future__ import annotations

import pytest

from zorgtafel.pseudonymise.annotators import (
    annotate,
    elfproef,
    find_age,
    find_bsn,
    find_contact,
    find_date,
    find_handle,
    find_iban,
    find_institution,
    find_nickname,
    find_person,
    find_phone,
    find_plate,
    find_registration_number,
    iban_valid,
)


def found(annotator, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {text[f.start : f.end] for f in annotator(text)}


POSITIVES = [
    (find_iban, "Rekening NL91ABNA0417164300 op haar naam.", "NL91ABNA0417164300"),
    (find_iban, "iban NL91 ABNA 0417 1643 00, zei ze", "NL91 ABNA 0417 1643 00"),
    (find_iban, "Belgische rekening BE68539007547034.", "BE68539007547034"),
    (find_iban, "een typfout: NL02RABO0123456789", "NL02RABO0123456789"),
    (find_bsn, "BSN 123456782 bekend.", "123456782"),
    (find_bsn, "burgerservicenummer: 1234.56.782", "1234.56.782"),
    (find_bsn, "bsn 123456789 (typfout?)", "123456789"),
    (find_phone, "Bel 06-12345678 of", "06-12345678"),
    (find_phone, "nummer 06 12 34 56 78.", "06 12 34 56 78"),
    (find_phone, "mobiel +31 6 12345678", "+31 6 12345678"),
    (find_phone, "via +31 (0)6 4413 2980.", "+31 (0)6 4413 2980"),
    (find_phone, "vast 010-4123456", "010-4123456"),
    (find_phone, "Pools nummer +48 601 223 871.", "+48 601 223 871"),
    (find_plate, "kenteken 31-HKN-7 gezien", "31-HKN-7"),
    (find_plate, "een BMW (GZ-881-V).", "GZ-881-V"),
    (find_plate, "oude auto, XR-12-BD", "XR-12-BD"),
    (find_plate, "kenteken: 8xtp42", "8xtp42"),
    (find_handle, "Insta @lil.sanne en", "@lil.sanne"),
    (find_handle, "sc: mo_money_031", "mo_money_031"),
    (find_handle, "op Snapchat als sanne2009", "sanne2009"),
    (find_handle, "Instagram (account: milan.v_official)", "milan.v_official"),
    (find_registration_number, "BVH-registratie PL0600-2024051733.", "PL0600-2024051733"),
    (find_registration_number, "parketnummer 05/771203-23", "05/771203-23"),
    (find_registration_number, "zaaknummer: ZD-24-0917", "ZD-24-0917"),
    (find_registration_number, "cliëntnummer bij de GI: 7710-2231", "7710-2231"),
    (find_registration_number, "V-nummer 8104429371", "8104429371"),
    (find_date, "sinds 14 januari verzuimt", "14 januari"),
    (find_date, "op 3 mrt. gezien", "3 mrt."),
    (find_date, "mutatie op 12-4 gemaakt", "12-4"),
    (find_date, "belt op 9/11 met vader", "9/11"),
    (find_date, "zaterdag 28-12 in het hotel", "28-12"),
    (find_date, "geboren 11-03-2009, BSN", "11-03-2009"),
    (find_date, "datum 2024-03-11.", "2024-03-11"),
    (find_contact, "mail sanne.dewit@hotmail.com.", "sanne.dewit@hotmail.com"),
    (find_contact, "zie www.sannes-blog.nl.", "www.sannes-blog.nl"),
    (find_contact, "profiel op https://example.org/p?id=3, toen", "https://example.org/p?id=3"),
    (find_contact, "de site escort-lola.nl toont", "escort-lola.nl"),
    (find_contact, "klantnummer 88120455 bekend", "88120455"),
    (find_age, "Sanne (15) zit", "15"),
    (find_age, "een 16-jarige jongen", "16-jarige"),
    (find_age, "Ze is 17 jaar oud.", "17 jaar oud"),
    (find_age, "Zoë Ramdin, 15 jaar, na", "15 jaar"),
    (find_age, "een 'vriend' van 31, Tomasz", "31"),
    (find_institution, "op het Vondelhout College in", "Vondelhout College"),
    (find_institution, "Ze zit op basisschool De Kompasroos.", "De Kompasroos"),
    (find_institution, "leerling van het Sint-Brandarycollege", "Sint-Brandarycollege"),
    (find_institution, "mentor van OSG Westerhout.", "OSG Westerhout"),
    (find_institution, "behandeling bij GGZ Lindeveld.", "GGZ Lindeveld"),
    (find_institution, "geplaatst in de opvang De Vuurtoren.", "De Vuurtoren"),
    (find_institution, "trainingshuis van Stichting Lindenhoeve in", "Stichting Lindenhoeve"),
    (find_institution, "bij Hotel De Blauwe Reiger in", "Hotel De Blauwe Reiger"),
    (find_institution, "in de wijk Zeeheldenkwartier.", "Zeeheldenkwartier"),
    (find_institution, "gezien in de Rivierenbuurt.", "Rivierenbuurt"),
    (find_institution, "in de Kanaleneiland-wijk van", "Kanaleneiland-wijk"),
    (find_institution, "aan de Populierstraat in", "Populierstraat"),
    (find_institution, "aan de Rozengracht 112-2 in", "Rozengracht 112-2"),
    (find_nickname, "een jongen die 'Dizzy' heet", "Dizzy"),
    (find_nickname, "met de bijnaam Sjaak brengt", "Sjaak"),
    (find_nickname, "een man die zich 'Prince' noemt", "Prince"),
    (find_nickname, "ook wel Ali genoemd", "Ali"),
    (find_person, "haar vriend Jamal El Idrissi (22)", "Jamal El Idrissi"),
    (find_person, "een 'brother Yonas' die", "Yonas"),
]


@pytest.mark.parametrize(("annotator", "text", "expected"), POSITIVES)
def test_annotator_finds(annotator, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert expected in found(annotator, text)


NEGATIVES = [
    (find_iban, "Geen geldige Belgische rekening: BE68539007547035."),
    (find_iban, "Code AB12CDEF34567890 uit een formulier"),
    (find_bsn, "Het dossier telt 123456789 tekens."),
    (find_bsn, "op 12-04-2023 om 12.30 uur"),
    (find_phone, "Veilig Thuis is bereikbaar op 0800-2000."),
    (find_phone, "Op 12-04-2023 kwam ze 1-2 keer per week."),
    (find_phone, "PL0900-2023123456"),
    (find_plate, "Ze had COVID-19 en zat in HAVO-4, klas 3b."),
    (find_plate, "Datum 12-04-23, om 10-12 uur"),
    (find_handle, "Mail naar info@vondelhout.nl of bel."),
    (find_handle, "Ze zit veel op Snapchat en Instagram."),
    (find_registration_number, "Casus ZT-2026-0042 besproken."),
    (find_registration_number, "Het registratienummer volgt nog."),
    (find_date, "Ze komt 1-2 keer per week, 3-4 uur per dag."),
    (find_date, "In maart gaat het beter; in 2023 was het slechter."),
    (find_date, "In 2023 kwam ze 3 keer, score 12-04 (thuis-uit), versie 1.2.3"),
    (find_contact, "Ze zei: 'ok.' Daarna 10.000 euro en 1.234.567 views; 123456 stuks"),
    (find_age, "Ze woont al 15 jaar in de stad; 3 jaar geleden verhuisd."),
    (find_age, "Hij kreeg 2 jaar cel."),
    (find_institution, "De moeder belde de school. Jeugdzorg is betrokken."),
    (find_institution, "Het college van burgemeester en wethouders besluit."),
    (find_institution, "Ze zit op de basisschool in de wijk, naar de opvang."),
    (find_institution, "Het wijkteam en de wijkagent; de buurt is onrustig."),
    (find_institution, "De Basisschool meldt verzuim. Het schoolplein is leeg."),
    (find_nickname, "Hij zei 'nee' en ze heet eigenlijk anders."),
    (find_nickname, "het proces van 'signaal naar melding naar aanpak'"),
    (find_person, "haar vriend. Daarna belde de moeder Veilig Thuis."),
    (find_person, "de man van Jeugdzorg sprak met de moeder"),
]


@pytest.mark.parametrize(("annotator", "text"), NEGATIVES)
def test_annotator_leaves_alone(annotator, text: str) -> None:  # type: ignore[no-untyped-def]
    assert found(annotator, text) == set()


def test_iban_and_elfproef_checks() -> None:
    assert iban_valid("NL91ABNA0417164300")
    assert iban_valid("nl91 abna 0417 1643 00")
    assert not iban_valid("NL91ABNA0417164301")
    assert elfproef("123456782")
    assert elfproef("12345672")  # eight digits: a leading zero
    assert not elfproef("123456789")
    assert not elfproef("000000000")


def test_ordinary_zorgtafel_sentences_have_nothing_to_find() -> None:
    text = (
        "De moeder belde de school. Politie, Veilig Thuis en jeugdzorg bespreken het aan de "
        "zorgtafel. Het wijkteam plant een huisbezoek; leerplicht is op de hoogte. "
        "De Raad voor de Kinderbescherming doet onderzoek. Actie voor de GGD: intake plannen."
    )
    assert [text[f.start : f.end] for f in annotate(text)] == []
