"""Word lists the pseudonymiser needs: what must stay readable, and what is no name.

Kept apart from the patterns so that the engine, the annotators and the masking of known names
(``names.py``) agree on one list of each.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: words of the field and the zorgtafel's partners: not identifiers, whatever a detector says
KEEP_TERMS: tuple[str, ...] = (
    "Veilig Thuis",
    "CoMensha",
    "politie",
    "Nationale Politie",
    "Openbaar Ministerie",
    "OM",
    "SEH",
    "HAP",
    "Raad voor de Kinderbescherming",
    "Jeugdbescherming",
    "jeugdbescherming",
    "jeugdbeschermer",
    "gecertificeerde instelling",
    "jeugdzorg",
    "Jeugdzorg",
    "jeugdhulp",
    "jeugd-ggz",
    "GGZ",
    "GGD",
    "wijkteam",
    "sociaal wijkteam",
    "leerplicht",
    "leerplichtambtenaar",
    "zorgtafel",
    "Veiligheidshuis",
    "Zorg- en Veiligheidshuis",
    "gemeente",
    "Centrum Seksueel Geweld",
    "Fier",
    "Nidos",
    "COA",
    "IND",
    "KMar",
    "Koninklijke Marechaussee",
    "Marechaussee",
    "Slachtofferhulp",
    "Slachtofferhulp Nederland",
    "Leger des Heils",
    "Nederlands Jeugdinstituut",
    "Nationaal Rapporteur",
    "Kinder- en Jongerenrechtswinkel",
    "Halt",
    "Reclassering",
    "Jeugdreclassering",
    "Zedenpolitie",
    "AMHK",
    "Bureau Jeugdzorg",
    "huisarts",
    "jeugdarts",
    "Jeugdarts",
    "mentor",
    "zorgcoördinator",
    "ketenpartners",
    "Thuis",
    "Zorgaanbieder",
    "zorgaanbieder",
    # nationalities: some are surnames in deduce's lists ("met Duits kenteken")
    *[
        "Nederlands",
        "Nederlandse",
        "Duits",
        "Duitse",
        "Belgisch",
        "Belgische",
        "Pools",
        "Poolse",
        "Roemeens",
        "Roemeense",
        "Bulgaars",
        "Bulgaarse",
        "Hongaars",
        "Hongaarse",
        "Marokkaans",
        "Marokkaanse",
        "Turks",
        "Turkse",
        "Surinaams",
        "Surinaamse",
        "Antilliaans",
        "Antilliaanse",
        "Eritrees",
        "Eritrese",
        "Syrisch",
        "Syrische",
        "Nigeriaans",
        "Nigeriaanse",
        "Afghaans",
        "Afghaanse",
        "Frans",
        "Franse",
        "Engels",
        "Engelse",
        "Spaans",
        "Spaanse",
    ],
)
#: titles before a name; not part of it
TITLE = re.compile(
    r"(?:mevrouw|mevr\.?|mw\.?|meneer|mnr\.?|dhr\.?|de heer|heer|mr\.?|dr\.?|drs\.?|ir\.?)\s+",
    re.IGNORECASE,
)
#: "Enschede-Zuid", "Rotterdam-Charlois": a place's district joined by a hyphen
PLACE_SUFFIX = re.compile(r"-[A-ZÀ-Ý][a-zà-ÿ]{2,}(?:-[A-ZÀ-Ý][a-zà-ÿ]{2,})?\b")
#: what someone is to the case: job titles and relations. A name span never starts with one
#: ("Zedenrechercheur Lotte van Buuren", "Klasgenoot Demi": the title stays readable). Job
#: words also as the end of a compound ("jeugdarts", "wijkagent"), relations only whole
#: ("Veluwezoom" is no uncle)
ROLE_COMPOUND = (
    r"agent|agente|rechercheur|werker|werkster|ambtenaar|kundige|arts|psycholoog|psychiater|"
    r"co[öo]rdinator|regisseur|begeleider|begeleidster|leider|leidster|voogd|beschermer|"
    r"counselor|trainer|trainster|docent|docente|medewerker|medewerkster|consulent|manager|"
    r"behandelaar|therapeut|mentor|coach|handhaver|hulpverlener|onderzoeker|verpleger"
)
ROLE_WORD = (
    r"directeur|directrice|verbalisant|brigadier|inspecteur|officier|advocaat|advocate|"
    r"rapporteur|conci[eë]rge|receptionist|receptioniste|chauffeur|kapster|kapper|leraar|"
    r"lerares|juf|meester|klasgenoot|klasgenote|teamgenoot|teamgenote|collega|buurman|"
    r"buurvrouw|buurjongen|buurmeisje|vriend|vriendin|vriendje|vriendinnetje|moeder|vader|"
    r"broer|zus|oma|opa|oom|tante|neef|nicht|ex|pleegmoeder|pleegvader|stiefvader|stiefmoeder|"
    r"getuige|melder|slachtoffer|verdachte|betrokkene|aangeefster|aangever|cli[eë]nt|"
    r"cli[eë]nte|pupil|leerling|student|studente|jongere|jeugdige|patiënt|patiënte|deelnemer|"
    r"deelneemster|pm'er|smw'er|slb'er|ib'er"
)
ROLE_NOUN = re.compile(rf"(?:(?:[a-zà-ÿ\-]{{3,}})?(?:{ROLE_COMPOUND})|{ROLE_WORD})", re.IGNORECASE)
#: words of affection in quotes ("'mijn koningin'", "'habibi'"): what someone is called, no name
ENDEARMENTS = _words(
    """schat schatje schatteboutje lieverd liefje lief liefste lieveling baby babe bae babygirl
    prinses prinsesje koningin queen mooie mooi meisje meid pop popje poppie snoepje honey
    sweetie sweety darling habibi habiba hayati omri mama papa mop moppie knapperd engel
    engeltje"""
)
#: words that begin a description, not a name: "'mijn meisje'", "'zijn vrouw'", "'een vriend'"
DESCRIPTION_START = _words("mijn m'n zijn z'n haar d'r onze ons je jouw jullie hun een")
#: an article begins a description unless a capitalised word follows ("'de baas'", not "'de
#: Kapper'", which is a nickname)
ARTICLES = _words("""de het die dat deze""")
#: capitalised words after "in", "uit", "naar" that name no place
NOT_A_PLACE = _words(
    """Nederlands Engels Frans Duits Spaans Turks Arabisch Pools Roemeens Berbers Tigrinya
    Papiaments Sranan Somalisch Dari Farsi WhatsApp Instagram Snapchat TikTok Telegram
    Facebook Discord Signal YouTube Google Tikkie Marktplaats Netflix Januari Februari Maart
    April Mei Juni Juli Augustus September Oktober November December Ramadan Kerst Pasen
    Islam"""
)
#: countries stay readable: "feesten in Duitsland", "uit Eritrea" tell nobody who
COUNTRIES = _words(
    """Nederland België Duitsland Frankrijk Luxemburg Engeland Schotland Ierland Spanje Portugal
    Italië Griekenland Oostenrijk Zwitserland Polen Tsjechië Slowakije Hongarije Roemenië
    Bulgarije Kroatië Servië Bosnië Albanië Kosovo Macedonië Oekraïne Rusland Litouwen
    Letland Estland Moldavië Turkije Marokko Algerije Tunesië Libië Egypte Nigeria Ghana
    Eritrea Ethiopië Somalië Soedan Sierra Guinee Kameroen Congo Angola Syrië Irak Iran
    Afghanistan Pakistan India China Vietnam Thailand Filipijnen Indonesië Suriname Curaçao
    Aruba Bonaire Brazilië Colombia Venezuela Dominicaanse Europa Afrika Azië Amerika
    Scandinavië Zweden Noorwegen Denemarken Finland"""
)
#: foreign cities deduce's Dutch lists lack, as Dutch texts name them
FOREIGN_CITIES = _words(
    """Antwerpen Brussel Gent Luik Brugge Charleroi Hasselt Genk Mechelen Leuven Keulen
    Düsseldorf Aken Duisburg Essen Dortmund Berlijn Hamburg München Frankfurt Bremen Hannover
    Parijs Rijsel Lille Marseille Lyon Londen Manchester Birmingham Madrid Barcelona Marbella
    Malaga Lissabon Rome Milaan Napels Turijn Warschau Krakau Kraków Poznań Wrocław Gdańsk
    Łódź Boekarest Constanța Iași Timișoara Sofia Varna Plovdiv Boedapest Praag Wenen
    Istanbul Ankara Izmir Antalya Casablanca Rabat Tanger Nador Marrakech Fez Oujda Lagos
    Abuja Asmara Mogadishu Khartoum Damascus Aleppo Homs Bagdad Kabul Teheran Paramaribo
    Willemstad Oranjestad Kralendijk Accra Kinshasa Kyiv Kiev Tirana Belgrado Zagreb Athene
    Dubai Bangkok Manila Hanoi"""
) | frozenset({"Benin City", "Al Hoceima", "Addis Abeba", "New York"})
#: a first name after a car make is a model ("een grijze Seat Leon")
CAR_MAKES = _words(
    """Seat Volkswagen VW Opel Audi BMW Mercedes Toyota Renault Peugeot Citroën Ford Fiat Kia
    Hyundai Skoda Škoda Volvo Nissan Mazda Tesla Suzuki Dacia Mini Porsche Honda Lexus Jeep
    Mitsubishi Alfa"""
)
#: after these words a capitalised name is a course or subject, not an institution
COURSE_WORDS = _words("""opleiding studie richting sector profiel vak uitstroom""")
#: shops, chains and products that stand capitalised in case texts ("bij de Lidl", "achter de
#: Albert Heijn", "nieuwe AirPods"): no person's name
SHOPS = _words(
    """Lidl Aldi Jumbo Spar Action Kruidvat Hema HEMA Primark Zara Etos AH Coop Plus Dirk
    McDonald's McDonalds KFC Subway Starbucks AirPods iPhone iPad Samsung Huawei PlayStation
    Xbox Golf Polo Corsa Clio Fiesta Tikkie Coolblue"""
) | frozenset({"Albert Heijn", "Burger King", "Snap Map"})
