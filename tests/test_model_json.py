"""Document.to_json builds plain dicts itself: its output must be what dataclasses.asdict gave."""
from __future__ import annotations

import dataclasses
import json

from sitrep import model
from sitrep.model import (Claim, DateWindow, Document, Entity, Event, Location, Mention, Place, Reuse, Span,
                          TimeMention, Value)


def _document() -> Document:
    text = ("Gunmen killed 12 villagers near Gao on Monday, a local official said.\n"
            "Menu | Share\n")
    d = Document(id="h1", doc="gao-raid", text=text, title="Raid near Gao", outlet="example",
                 published=DateWindow(earliest="2023-05-02", latest="2023-05-02", precision="day", source="metadata"))
    d.boilerplate = [Span(70, 82)]
    d.mentions = [Mention(32, 35, "Gao", "GPE", entity="E1")]
    d.entities = [Entity("E1", "Gao", "GPE", aliases=["Gao"], role=None, actor_id=None)]
    d.places = [Place(32, 35, "Gao", name="Gao", gazetteer_id="2457163", country="Mali", iso="ML",
                      lat=16.27, lon=-0.04, precision="city")]
    d.times = [TimeMention(39, 48, "on Monday", earliest="2023-05-01", latest="2023-05-01", precision="day",
                           relative=True)]
    d.events = [Event("V1", "Violence against civilians", "Attack", date=DateWindow(earliest="2023-05-01"),
                      location=Location(name="Gao", country="Mali", lat=16.27, lon=-0.04), fatalities=12,
                      spans=[Span(0, 70)], trigger="killed")]
    d.claims = [Claim("C1", "killed", Value(12.0, 12.0, "12"), unit="people", attributed_to="a local official",
                      spans=[Span(0, 70)])]
    d.reuses = [Reuse("other-doc", "quotes", evidence="x", share=0.4, passages=[{"start": 0, "end": 10}])]
    return d


def test_to_json_is_what_asdict_gave(monkeypatch):
    doc = _document()
    ours = json.dumps(doc.to_json(), ensure_ascii=False)
    monkeypatch.setattr(model, "_plain", dataclasses.asdict)
    assert json.dumps(doc.to_json(), ensure_ascii=False) == ours


def test_to_json_does_not_share_mutable_parts():
    doc = _document()
    out = doc.to_json()
    out["entities"][0]["aliases"].append("changed")
    out["reuses"][0]["passages"][0]["start"] = 99
    assert doc.entities[0].aliases == ["Gao"]
    assert doc.reuses[0].passages == [{"start": 0, "end": 10}]


def test_round_trip():
    doc = _document()
    out = doc.to_json()
    assert out["events"][0]["evidence"].startswith("Gunmen killed 12")
    assert Document.from_json(out).to_json() == out
