"""Hand-written news fixtures for the merging tests: same-kind events on the same day.

Each event is reported by several outlets in their own words; the two events of a kind share
their vocabulary (magnitude, tremor, epicentre; arrested, police, charged) and differ in the
names, places and numbers, which is exactly what the merging must notice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from briefing.models import Article

DAY = datetime(2026, 3, 14, 6, 0, tzinfo=UTC)

EVENTS: dict[str, list[tuple[str, str, str]]] = {
    "quake-peru": [
        (
            "Reuters Wire",
            "Magnitude 6.4 earthquake strikes southern Peru near Arequipa",
            "A magnitude 6.4 earthquake struck southern Peru on Saturday, the U.S. Geological Survey said, "
            "shaking buildings in Arequipa and cutting power to parts of the city. The quake's epicentre was "
            "about 40 km north-west of Arequipa at a depth of 98 km. Peru's civil defence institute INDECI "
            "said two people were injured by falling debris in Caylloma province and several adobe houses "
            "collapsed. No tsunami warning was issued.",
        ),
        (
            "Andes Daily",
            "Strong quake rattles Arequipa, Peru; houses collapse in Caylloma",
            "Residents of Arequipa ran into the streets early on Saturday when a strong earthquake of "
            "magnitude 6.4 hit the region. INDECI, Peru's civil defence agency, reported adobe homes "
            "collapsed in Caylloma and two injured. The USGS placed the epicentre 40 kilometres from "
            "Arequipa, 98 km deep. Power was cut in several districts of Arequipa while crews inspected "
            "the Chivay bridge.",
        ),
        (
            "Global Quake Watch",
            "Peru earthquake: M6.4 tremor near Arequipa injures two",
            "An M6.4 tremor shook southern Peru on Saturday morning. According to the USGS the quake hit "
            "at a depth of 98 km near Arequipa, Peru's second city. Two people were hurt in Caylloma "
            "province, INDECI said, and older adobe buildings were damaged. Authorities in Arequipa "
            "restored electricity by the afternoon.",
        ),
    ],
    "quake-japan": [
        (
            "Reuters Wire",
            "Magnitude 5.8 earthquake shakes central Japan's Ishikawa prefecture",
            "A magnitude 5.8 earthquake shook Ishikawa prefecture in central Japan on Saturday, the Japan "
            "Meteorological Agency said. The quake hit the Noto peninsula at a depth of 12 km, and trains "
            "on the Hokuriku Shinkansen line were briefly halted. There was no threat of a tsunami, the "
            "agency said, and the Shika nuclear plant reported no abnormalities. Wajima city reported "
            "cracked roads.",
        ),
        (
            "Tokyo Times",
            "Noto peninsula hit by M5.8 quake; Shinkansen halted",
            "An earthquake of magnitude 5.8 struck the Noto peninsula in Ishikawa on Saturday, according "
            "to the Japan Meteorological Agency. Hokuriku Shinkansen services stopped for an hour. Hokuriku "
            "Electric Power said the Shika nuclear power plant was operating normally. Roads cracked in "
            "Wajima, and no tsunami advisory was issued for the Sea of Japan coast.",
        ),
        (
            "Global Quake Watch",
            "Japan earthquake: M5.8 tremor on Noto peninsula, no tsunami",
            "A shallow M5.8 tremor struck Japan's Noto peninsula on Saturday at a depth of 12 km, the JMA "
            "said. No tsunami warning followed. The Shika nuclear plant in Ishikawa reported no damage, and "
            "officials in Wajima said several roads had cracked. Hokuriku Shinkansen trains resumed after "
            "safety checks.",
        ),
    ],
    "arrest-lyon": [
        (
            "Euro Press",
            "French police arrest former Lyon mayor's aide in bribery probe",
            "French police on Saturday arrested Marc Delorme, a former aide to the mayor of Lyon, as part "
            "of an investigation into bribery in the awarding of tram contracts, prosecutors said. The "
            "Lyon prosecutor's office said Delorme, 54, was detained at his home in Villeurbanne and "
            "suspected of taking 1.2 million euros from construction firm Batiroute.",
        ),
        (
            "Le Journal International",
            "Ex-aide Marc Delorme detained over Lyon tram contracts",
            "Marc Delorme, who advised Lyon's former mayor, was taken into custody on Saturday in "
            "Villeurbanne. Prosecutors in Lyon suspect he received 1.2 million euros in bribes from "
            "Batiroute in exchange for tram contracts. Delorme, 54, denies wrongdoing, his lawyer said.",
        ),
    ],
    "arrest-ohio": [
        (
            "Euro Press",
            "Ohio police arrest county treasurer in embezzlement case",
            "Police in Columbus, Ohio, arrested Franklin County treasurer Dana Whitfield on Saturday on "
            "charges of embezzling 3.4 million dollars from county pension funds, the Ohio attorney "
            "general said. Whitfield, 61, was booked into Franklin County jail and is due in court on "
            "Monday.",
        ),
        (
            "Midwest Ledger",
            "Franklin County treasurer Dana Whitfield charged with embezzlement",
            "Dana Whitfield, the Franklin County treasurer, was arrested in Columbus on Saturday and charged "
            "with embezzling 3.4 million dollars in pension money, Ohio's attorney general announced. "
            "Whitfield, 61, will appear in court on Monday.",
        ),
    ],
}

DISTRACTORS: list[tuple[str, str, str]] = [
    (
        "Tech Today",
        "Nvidia reports record data-centre revenue",
        "Nvidia said quarterly revenue from data-centre chips rose to a record, driven by demand for AI "
        "accelerators from cloud providers, and forecast further growth next quarter.",
    ),
    (
        "Sports Desk",
        "Real Madrid beat Sevilla 3-1 to stay top of La Liga",
        "Real Madrid beat Sevilla 3-1 at the Bernabeu on Saturday with two goals from Vinicius Junior, "
        "keeping a four-point lead at the top of La Liga.",
    ),
    (
        "Science Now",
        "Astronomers find water vapour on exoplanet K2-18b",
        "Astronomers using the James Webb Space Telescope reported water vapour in the atmosphere of "
        "K2-18b, a planet 120 light years away, in a study published in Nature.",
    ),
]


def make_articles() -> tuple[list[Article], dict[str, str]]:
    """Articles of every event plus distractors, and entry_id -> event label."""
    arts: list[Article] = []
    gold: dict[str, str] = {}
    n = 0
    for label, reports in EVENTS.items():
        for source, title, text in reports:
            eid = f"{label}-{n}"
            arts.append(
                Article(id=None, entry_id=eid, feed=source, source=source, url=f"https://example.org/{eid}",
                        title=title, text=text, published=DAY + timedelta(hours=n % 5))
            )
            gold[eid] = label
            n += 1
    for source, title, text in DISTRACTORS:
        eid = f"other-{n}"
        arts.append(Article(id=None, entry_id=eid, feed=source, source=source, url=None, title=title, text=text,
                            published=DAY + timedelta(hours=2)))
        gold[eid] = eid
        n += 1
    return arts, gold
