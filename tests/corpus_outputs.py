"""A small hand-made corpus for the output tests (exports, brief, web app, browser).

Seven short reports written for these tests (Nigeria, Syria, Ukraine, Somalia, Yemen),
stored through the real :class:`sitrep.store.Store` with hand-made analysis results, so
the output tests do not depend on the extraction stages.  One article is hostile: its
title and text carry ``<script>`` and ``<img onerror>`` markup and its outlet name is a
spreadsheet formula.
"""
from __future__ import annotations

from sitrep.model import (Claim, DateWindow, Document, Entity, Event, FusedEvent, Location, Reuse, Span, Value)
from sitrep.store import Store

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = f"{SCRIPT} Blast at Mogadishu checkpoint {IMG}"
HOSTILE_OUTLET = '=HYPERLINK("http://evil.example/","x")'

NGA1 = ("MAIDUGURI - Gunmen believed to be fighters of the Islamic State West Africa Province (ISWAP) killed 12 "
        "villagers and injured five others in a night raid on Kawuri, near Konduga in Borno State, on Wednesday, "
        "a police spokesman said.\n"
        "The attackers arrived on motorcycles and set fire to several homes, residents told reporters.\n"
        "A local vigilante leader said as many as 300 fighters had gathered in the Sambisa forest in recent weeks.\n")
NGA2 = ("Suspected ISWAP insurgents killed 14 people in Kawuri village in Borno State late on Wednesday, according "
        "to residents who helped bury the dead.\n"
        "An army officer, speaking on condition of anonymity, put the number of insurgents in the Sambisa forest at "
        "no fewer than 500.\n")
NGA3 = ("Share this story\n"
        "MAIDUGURI - Gunmen believed to be fighters of the Islamic State West Africa Province (ISWAP) killed 12 "
        "villagers and injured five others in a night raid on Kawuri, near Konduga in Borno State, on Wednesday, "
        "a police spokesman said.\n"
        "Comments (3)\n"
        "reader1: terrible news, may they rest in peace\n")
SYR = ("A drone strike on a vegetable market in Maarat al-Numan, in southern Idlib, killed four civilians on "
       "Tuesday, the White Helmets rescue group said.\n"
       "Rescue workers pulled two children from the rubble.\n")
UKR = ("Russian forces shelled residential districts of Kharkiv throughout the past week, killing at least nine "
       "people, regional governor Oleh Syniehubov said on Friday.\n"
       "Ukraine's general staff estimated that between 2,000 and 3,000 Russian troops were massed near Izium.\n")
SOM = (f"MOGADISHU - A car bomb exploded near a checkpoint in Mogadishu on Saturday, killing 7 people, police said. "
       f"{SCRIPT} Witnesses posted {IMG} online.\n"
       "Al-Shabaab said it carried out the bombing.\n")
YEM = ("Houthi fighters attacked government positions west of Marib on Saturday; at least 30 fighters were killed "
       "in the clashes, a military spokesman said.\n"
       "The spokesman claimed the Houthis had massed at least 5,000 men around the city.\n")


def _span(text: str, phrase: str) -> Span:
    i = text.index(phrase)
    return Span(i, i + len(phrase))


def _first_line(text: str, *, skip: int = 0) -> Span:
    lines = text.splitlines(keepends=True)
    start = sum(len(x) for x in lines[:skip])
    return Span(start, start + len(lines[skip].rstrip("\n")))


def documents() -> list[Document]:
    d1 = Document(id="h-nga1", doc="nga_daily_trust", text=NGA1, title="Gunmen kill 12 in Borno village raid",
                  outlet="Daily Trust", url="https://news.example/nga/borno-raid",
                  published=DateWindow("2021-03-04", "2021-03-04", "day", source="metadata"))
    d1.entities = [Entity("E1", "Islamic State West Africa Province", "ARMED_GROUP",
                          ["Islamic State West Africa Province", "ISWAP"])]
    d1.events = [Event("V1", "Violence against civilians", "Attack",
                       DateWindow("2021-03-03", "2021-03-03", "day", "on Wednesday"),
                       Location("Kawuri", "Borno", "Nigeria", "NG", 11.76, 13.46, "city"),
                       actor1="Islamic State West Africa Province", actor2="Civilians (Nigeria)", fatalities=12,
                       injured=5, attributed_to="police spokesman", hedged=True, spans=[_first_line(NGA1)])]
    d1.claims = [Claim("C1", "fighters gathered in the Sambisa forest", Value(None, 300, "as many as 300"),
                       unit="people", where="Sambisa forest", when=DateWindow("2021-02-15", "2021-03-04"),
                       attributed_to="local vigilante leader", spans=[_first_line(NGA1, skip=2)])]

    d2 = Document(id="h-nga2", doc="nga_premium_times", text=NGA2, title="ISWAP kills 14 in Kawuri",
                  outlet="Premium Times", url="https://news.example/pt/kawuri",
                  published=DateWindow("2021-03-05", "2021-03-05", "day", source="metadata"))
    d2.entities = [Entity("E1", "Islamic State West Africa Province", "ARMED_GROUP", ["ISWAP"]),
                   Entity("E2", "Nigerian Army", "GOV_BODY", ["army"])]
    d2.events = [Event("V1", "Violence against civilians", "Attack",
                       DateWindow("2021-03-03", "2021-03-03", "day", "late on Wednesday"),
                       Location("Kawuri", "Borno", "Nigeria", "NG", 11.76, 13.46, "city"),
                       actor1="Islamic State West Africa Province", fatalities=14, attributed_to="residents",
                       hedged=True, spans=[_first_line(NGA2)])]
    d2.claims = [Claim("C1", "insurgents in the Sambisa forest", Value(500, None, "no fewer than 500"),
                       unit="people", where="Sambisa forest", when=DateWindow("2021-03-05", "2021-03-05"),
                       attributed_to="army officer", spans=[_first_line(NGA2, skip=1)])]

    d3 = Document(id="h-nga3", doc="borno_watch_repost", text=NGA3, title="Borno raid (repost)",
                  outlet="Borno Watch", published=DateWindow("2021-03-06", "2021-03-06", "day"))
    d3.boilerplate = [_first_line(NGA3)]
    d3.comments_start = NGA3.index("Comments (3)")
    d3.events = [Event("V1", "Violence against civilians", "Attack",
                       DateWindow("2021-03-03", "2021-03-03", "day", "on Wednesday"),
                       Location("Kawuri", "Borno", "Nigeria", "NG", 11.76, 13.46, "city"),
                       actor1="Islamic State West Africa Province", fatalities=12, injured=5, hedged=True,
                       attributed_to="police spokesman", spans=[_first_line(NGA3, skip=1)])]
    d3.reuses = [Reuse("nga_daily_trust", "copies_with_edits", "near-identical first paragraph", 0.8)]

    d4 = Document(id="h-syr", doc="syr_idlib_market", text=SYR, title="Drone strike hits Idlib market",
                  outlet="Syria Direct", url="https://news.example/syr/market",
                  published=DateWindow("2020-02-12", "2020-02-12", "day"))
    d4.entities = [Entity("E1", "White Helmets", "ORG", ["White Helmets"])]
    d4.events = [Event("V1", "Explosions/Remote violence", "Air/drone strike",
                       DateWindow("2020-02-11", "2020-02-11", "day", "Tuesday"),
                       Location("Maarat al-Numan", "Idlib", "Syria", "SY", 35.64, 36.67, "city"),
                       actor2="Civilians (Syria)", fatalities=4, attributed_to="White Helmets",
                       spans=[_first_line(SYR)])]

    d5 = Document(id="h-ukr", doc="ukr_kharkiv_week", text=UKR, title="A week of shelling in Kharkiv",
                  outlet="Kyiv Independent", published=DateWindow("2022-05-20", "2022-05-20", "day"))
    d5.entities = [Entity("E1", "Military Forces of Russia", "GOV_BODY", ["Russian forces", "Russian troops"])]
    d5.events = [Event("V1", "Explosions/Remote violence", "Shelling/artillery/missile attack",
                       DateWindow("2022-05-13", "2022-05-19", "week", "throughout the past week"),
                       Location("Kharkiv", "Kharkivska", "Ukraine", "UA", 49.99, 36.23, "city"),
                       actor1="Military Forces of Russia", fatalities=9, attributed_to="Oleh Syniehubov",
                       spans=[_first_line(UKR)])]
    d5.claims = [Claim("C1", "Russian troops massed near Izium", Value(2000, 3000, "between 2,000 and 3,000"),
                       unit="people", where="Izium", when=DateWindow("2022-05-20", "2022-05-20"),
                       attributed_to="Ukraine's general staff", spans=[_first_line(UKR, skip=1)])]

    d6 = Document(id="h-som", doc="som_hostile", text=SOM, title=HOSTILE_TITLE, outlet=HOSTILE_OUTLET,
                  url="https://news.example/som/<script>", published=DateWindow("2019-12-29", "2019-12-29", "day"))
    d6.entities = [Entity("E1", "Al-Shabaab", "ARMED_GROUP", ["Al-Shabaab", SCRIPT])]
    d6.events = [Event("V1", "Explosions/Remote violence", "Remote explosive/landmine/IED",
                       DateWindow("2019-12-28", "2019-12-28", "day", "on Saturday"),
                       Location("Mogadishu", "Banaadir", "Somalia", "SO", 2.04, 45.34, "city"),
                       actor1="@Al-Shabaab", fatalities=7, attributed_to="-police", hedged=True,
                       spans=[_first_line(SOM)])]

    d7 = Document(id="h-yem", doc="yem_marib_clashes", text=YEM, title="Clashes west of Marib",
                  outlet="Al-Masdar Online", published=DateWindow("2021-02-21", "2021-02-21", "day"))
    d7.entities = [Entity("E1", "Houthis", "ARMED_GROUP", ["Houthi", "Houthis", "Ansar Allah"])]
    d7.events = [Event("V1", "Battles", "Armed clash", DateWindow("2021-02-20", "2021-02-20", "day", "on Saturday"),
                       Location("Marib", "Marib", "Yemen", "YE", 15.46, 45.32, "city"),
                       actor1="Houthis", actor2="Military Forces of Yemen", fatalities=30,
                       attributed_to="military spokesman", spans=[_first_line(YEM)])]
    d7.claims = [Claim("C1", "Houthi men massed around Marib", Value(5000, None, "at least 5,000"), unit="people",
                       where="Marib", when=DateWindow("2021-02-20", "2021-02-20"), attributed_to="military spokesman",
                       hedged=True, spans=[_first_line(YEM, skip=1)])]
    return [d1, d2, d3, d4, d5, d6, d7]


def _mention(doc: Document, ev: Event, group: str) -> dict:
    loc = ev.location
    return {"doc": doc.doc, "event": ev.id, "evidence": {"start": ev.spans[0].start, "end": ev.spans[0].end},
            "source_group": group, "fatalities": ev.fatalities, "injured": ev.injured, "location": loc.name,
            "lat": loc.lat, "lon": loc.lon, "precision": loc.precision, "actor1": ev.actor1, "hedged": ev.hedged,
            "attributed_to": ev.attributed_to}


def _fused(fid: str, docs: list[tuple[Document, str]], *, fatalities: int | None, hedged: bool) -> FusedEvent:
    first = docs[0][0].events[0]
    return FusedEvent(id=fid, type=first.type, sub_type=first.sub_type, date=first.date, location=first.location,
                      actor1=first.actor1, actor2=first.actor2, fatalities=fatalities, injured=first.injured,
                      fatalities_reported=sorted(d.events[0].fatalities for d, _ in docs),
                      mentions=[_mention(d, d.events[0], g) for d, g in docs],
                      sources=sorted({g for _, g in docs}), hedged=hedged,
                      blocking_key=f"{first.location.iso}|{first.type.lower()}|{first.date.earliest[:7]}")


def _point(doc: Document, cl: Claim, group: str) -> dict:
    return {"doc": doc.doc, "claim": cl.id, "low": cl.value.low, "high": cl.value.high, "text": cl.value.text,
            "when": {"earliest": cl.when.earliest, "latest": cl.when.latest, "text": cl.when.text},
            "attributed_to": cl.attributed_to, "hedged": cl.hedged, "source_group": group,
            "evidence": {"start": cl.spans[0].start, "end": cl.spans[0].end}}


EXPECTED_FUSED = 5      # Kawuri (3 mentions, 2 sources), Idlib, Kharkiv, Mogadishu, Marib
EXPECTED_MENTIONS = 7


def build(path, *, fused: bool = True) -> Store:
    """Write the corpus to a new database at ``path`` and return it opened for writing."""
    d1, d2, d3, d4, d5, d6, d7 = docs = documents()
    store = Store(path)
    store.migrate()
    store.write_batch(docs)
    if not fused:
        return store
    fe = [_fused("F-kawuri", [(d1, "nga_daily_trust"), (d2, "nga_premium_times"), (d3, "nga_daily_trust")],
                 fatalities=12, hedged=True),
          _fused("F-idlib", [(d4, d4.doc)], fatalities=4, hedged=False),
          _fused("F-kharkiv", [(d5, d5.doc)], fatalities=9, hedged=False),
          _fused("F-mogadishu", [(d6, d6.doc)], fatalities=7, hedged=True),
          _fused("F-marib", [(d7, d7.doc)], fatalities=30, hedged=False)]
    series = [
        {"key": "fighters||iswap|sambisa forest|people", "about": "fighters gathered in the Sambisa forest",
         "actor": None, "where": "Sambisa forest", "unit": "people", "quantity": "fighters", "qualifier": None,
         "points": [_point(d1, d1.claims[0], "nga_daily_trust"), _point(d2, d2.claims[0], "nga_premium_times")]},
        {"key": "troops|||izium|people", "about": "Russian troops massed near Izium", "actor": None,
         "where": "Izium", "unit": "people", "quantity": "troops", "qualifier": None,
         "points": [_point(d5, d5.claims[0], d5.doc)]},
        {"key": "fighters|||marib|people", "about": "Houthi men massed around Marib", "actor": None,
         "where": "Marib", "unit": "people", "quantity": "fighters", "qualifier": None,
         "points": [_point(d7, d7.claims[0], d7.doc)]},
    ]
    contradictions = [
        {"kind": "fatalities", "subject": "F-kawuri", "detail": "12 vs 14",
         "a": fe[0].mentions[0], "b": fe[0].mentions[1]},
        {"kind": "estimate", "subject": series[0]["key"], "about": series[0]["about"],
         "detail": "as many as 300 vs no fewer than 500", "a": series[0]["points"][0], "b": series[0]["points"][1]},
    ]
    reuses = {d3.id: d3.reuses}
    store.write_corpus(done_ids=[d.id for d in docs], reuses=reuses, fused=fe, series=series,
                       contradictions=contradictions)
    return store
