"""Measure place resolution on the seed articles and their gold reading.

1. Core-town check: each gold event location at city precision, resolved by its core
   name (text before any "(", ","), must land within 25 km of the gold point.
2. Stage check: run nlp + places over the seed texts; report how many gold city points
   have a found place within 25 km.

    .venv/bin/python bench/places_seeds.py /work/shared/seeds /work/shared/gold/seeds
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from sitrep.model import Document
from sitrep.model import Span
from sitrep.normalize.places import Gazetteer, find_places, haversine_km, location_for
from sitrep.pipeline import Resources


def core_name(name: str) -> str:
    name = re.split(r"[(,]", name)[0].split(" near ")[-1]
    return re.sub(r"^(?:outskirts of|in and around|near)\s+", "", name.strip())


def main(seeds: Path, gold: Path) -> None:
    gaz = Gazetteer.load()
    ok = total = 0
    for f in sorted(gold.glob("*.json")):
        g = json.loads(f.read_text())
        for ev in g["events"]:
            loc = ev["location"]
            if loc["precision"] != "city" or loc["lat"] is None:
                continue
            total += 1
            got = gaz.resolve(core_name(loc["name"]), focus="LY" if loc["country"] == "Libya" else None)
            d = haversine_km((got.lat, got.lon), (loc["lat"], loc["lon"])) if got and got.lat is not None else None
            ok += d is not None and d <= 25
            if d is None or d > 25:
                print("MISS core", f.stem, loc["name"], "->", got)
    print(f"core-town resolution: {ok}/{total} within 25 km")

    res = Resources()
    nlp = res.nlp
    found = want = 0
    ev_total = [0, 0]
    for f in sorted(seeds.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        doc = Document(id=f.stem, doc=f.stem, text=text)
        doc.spacy = nlp(doc.article_text())
        doc.sentences = [Span(x.start_char, x.end_char) for x in doc.spacy.sents]
        doc.places = find_places(doc, gazetteer=gaz)
        g0 = json.loads((gold / f"{f.stem}.json").read_text())
        for ev in g0["events"]:
            i = text.find(ev["evidence"])
            if i < 0:
                continue
            got = location_for(doc, i, i + len(ev["evidence"]))
            want_loc = ev["location"]
            ev_total[0] += 1
            same = got.country == want_loc["country"] and (
                want_loc["lat"] is None or (got.lat is not None and
                                            haversine_km((got.lat, got.lon), (want_loc["lat"], want_loc["lon"])) <= 25))
            ev_total[1] += same
            if not same:
                print("LOC", f.stem, repr(want_loc["name"]), "->", got.name, got.precision)
        pts = [(p.lat, p.lon) for p in doc.places if p.lat is not None]
        g = json.loads((gold / f"{f.stem}.json").read_text())
        golds = {(e["location"]["lat"], e["location"]["lon"], e["location"]["name"]) for e in g["events"]
                 if e["location"]["precision"] == "city" and e["location"]["lat"] is not None}
        for lat, lon, name in golds:
            want += 1
            hit = any(haversine_km(p, (lat, lon)) <= 25 for p in pts)
            found += hit
            if not hit:
                print("MISS stage", f.stem, name)
        print(f.stem, "places:", sorted({(p.text, p.name, p.iso, p.precision) for p in doc.places},
                                         key=str)[:60])
    print(f"stage: {found}/{want} distinct gold city points found within 25 km")
    print(f"location_for on gold evidence: {ev_total[1]}/{ev_total[0]} same country and (if gold has a point) within 25 km")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
