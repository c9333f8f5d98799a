"""Event fusion, estimate series, contradictions and the timeline, on hand-built records."""
from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import pytest

from sitrep.fuse import (place_identity, blocking_keys, compatible, contradictions, fuse, fuse_incremental, haversine_km,
                         place_name, quantity_of, series, timeline)
from sitrep.model import Claim, DateWindow, Event, Location, Span, Value

GOLD = Path("/work/shared/gold/seeds")

# Coordinates (approximate, general knowledge)
MAIDUGURI = dict(name="Maiduguri", admin1="Borno", country="Nigeria", iso="NG", lat=11.85, lon=13.16, precision="city")
KONDUGA = dict(name="Konduga", admin1="Borno", country="Nigeria", iso="NG", lat=11.65, lon=13.42, precision="city")
BORNO = dict(name="Borno", admin1="Borno", country="Nigeria", iso="NG", lat=11.5, lon=13.0, precision="region")
IDLIB_CITY = dict(name="Idlib", admin1="Idlib", country="Syria", iso="SY", lat=35.93, lon=36.63, precision="city")
IDLIB_GOV = dict(name="Idlib Governorate", admin1="Idlib", country="Syria", iso="SY", lat=35.8, lon=36.6,
                 precision="region")
ADEN = dict(name="Aden", admin1="Aden", country="Yemen", iso="YE", lat=12.78, lon=45.04, precision="city")


def ev(eid, *, day=None, window=None, loc=MAIDUGURI, type="Explosions/Remote violence",
       sub="Suicide bomb", actor1=None, actor2=None, fat=None, inj=None, hedged=False, precision=None):
    earliest, latest = window if window else (day, day)
    return Event(id=eid, type=type, sub_type=sub,
                 date=DateWindow(earliest=earliest, latest=latest,
                                 precision=precision or ("day" if earliest == latest else "range")),
                 location=Location(**loc), actor1=actor1, actor2=actor2, fatalities=fat, injured=inj,
                 hedged=hedged, spans=[Span(10, 60)])


def east_of(base: dict, km: float, name: str) -> dict:
    # 1 degree of longitude at latitude ~50N is about 71.6 km
    return {**base, "name": name, "lon": base["lon"] + km / 71.6}


KHARKIV = dict(name="Kharkiv", admin1="Kharkiv", country="Ukraine", iso="UA", lat=50.00, lon=36.23, precision="city")


# ---- blocking --------------------------------------------------------------------------------

def test_blocking_keys_by_country_type_and_month():
    assert blocking_keys(ev("V1", day="2023-04-09")) == ["NG|explosions remote violence|2023-04"]
    # a window across a month end goes into both months
    assert blocking_keys(ev("V1", window=("2023-04-28", "2023-05-02"))) == [
        "NG|explosions remote violence|2023-04", "NG|explosions remote violence|2023-05"]
    # wide windows: year keys, then a single wide key; no date: undated
    assert blocking_keys(ev("V1", window=("2022-03-01", "2023-02-28"))) == [
        "NG|explosions remote violence|Y2022", "NG|explosions remote violence|Y2023"]
    assert blocking_keys(ev("V1", window=("2015-01-01", "2023-12-31")))[0].endswith("|wide")
    assert blocking_keys(ev("V1", window=(None, None)))[0].endswith("|undated")


def test_haversine_matches_known_distance():
    # Maiduguri - Konduga is roughly 36 km on a map
    assert 30 < haversine_km(11.85, 13.16, 11.65, 13.42) < 40


# ---- fusion ----------------------------------------------------------------------------------

def test_copy_does_not_count_as_corroboration():
    mentions = [("dailytrust", ev("V1", day="2023-04-09", fat=12, actor1="ISWAP")),
                ("dailytrust_repost", ev("V3", day="2023-04-09", fat=12, actor1="ISWAP")),
                ("premium_times", ev("V2", day="2023-04-09", fat=15))]
    groups = {"dailytrust": "dailytrust", "dailytrust_repost": "dailytrust"}
    fused = fuse(mentions, groups=groups)
    assert len(fused) == 1
    fe = fused[0]
    assert len(fe.mentions) == 3
    assert fe.sources == ["dailytrust", "premium_times"]         # two independent sources, not three
    assert fe.fatalities == 12 and fe.fatalities_reported == [12, 12, 15]
    assert fe.actor1 == "ISWAP"


def test_conservative_fatalities_take_each_sources_highest_then_the_lowest():
    # one source raised its toll from 5 to 9 in a later story; the other says 7
    mentions = [("bbc_1", ev("V1", day="2023-04-09", fat=5)), ("bbc_2", ev("V1", day="2023-04-09", fat=9)),
                ("reuters", ev("V4", day="2023-04-09", fat=7))]
    fe, = fuse(mentions, groups={"bbc_1": "bbc", "bbc_2": "bbc"})
    assert fe.fatalities == 7 and fe.fatalities_reported == [5, 7, 9]


def test_chain_of_close_places_does_not_merge_far_ends():
    same = dict(day="2023-05-01", type="Explosions/Remote violence", sub="Shelling/artillery/missile attack",
                actor1="Military Forces of Russia", fat=2)
    a = ("kyiv_independent", ev("V1", loc=KHARKIV, **same))
    b = ("ukrinform", ev("V1", loc=east_of(KHARKIV, 40, "Chuhuiv"), **same))
    c = ("suspilne", ev("V1", loc=east_of(KHARKIV, 80, "Kupiansk"), **same))
    assert compatible(a, b) and compatible(b, c) and not compatible(a, c)
    clusters = [sorted(m["doc"] for m in fe.mentions) for fe in fuse([a, b, c], groups={})]
    assert sorted(map(len, clusters)) == [1, 2]
    assert not any({"kyiv_independent", "suspilne"} <= set(cl) for cl in clusters)


def test_chain_of_overlapping_days_does_not_merge_disjoint_ends():
    a = ("aa", ev("V1", day="2023-04-09"))
    b = ("bb", ev("V1", window=("2023-04-09", "2023-04-10")))
    c = ("cc", ev("V1", day="2023-04-10"))
    assert compatible(a, b) and compatible(b, c) and not compatible(a, c)
    clusters = [sorted(m["doc"] for m in fe.mentions) for fe in fuse([a, b, c], groups={})]
    assert not any({"aa", "cc"} <= set(cl) for cl in clusters)
    assert sum(len(c) for c in clusters) == 3


def test_fused_date_is_the_intersection_and_location_the_most_precise():
    vague = ("sana", ev("V2", window=("2024-02-01", "2024-02-29"), loc=IDLIB_GOV, type="Battles",
                        sub="Armed clash", actor1="Hayat Tahrir al-Sham", precision="month"))
    exact = ("enab_baladi", ev("V5", day="2024-02-14", loc=IDLIB_CITY, type="Battles", sub="Armed clash",
                               actor1="Hayat Tahrir al-Sham", fat=3))
    fe, = fuse([vague, exact], groups={})
    assert (fe.date.earliest, fe.date.latest, fe.date.precision) == ("2024-02-14", "2024-02-14", "day")
    assert fe.location.name == "Idlib" and fe.location.precision == "city"
    assert fe.fatalities == 3
    assert fe.sources == ["enab_baladi", "sana"]


def test_different_events_stay_apart():
    base = ("a", ev("V1", day="2023-04-09", actor1="ISWAP"))
    other_actor = ("b", ev("V1", day="2023-04-09", actor1="Boko Haram (JAS)"))
    other_country = ("c", ev("V1", day="2023-04-09", loc=ADEN, actor1="ISWAP"))
    other_type = ("d", ev("V1", day="2023-04-09", type="Battles", sub="Armed clash", actor1="ISWAP"))
    same_doc = ("a", ev("V2", day="2023-04-09", actor1="ISWAP"))
    fused = fuse([base, other_actor, other_country, other_type, same_doc], groups={})
    assert len(fused) == 5


def test_vague_country_level_mentions_do_not_fuse():
    a = ("a", ev("V1", window=("2023-04-01", "2023-04-30"),
                 loc=dict(name="Nigeria", country="Nigeria", iso="NG", precision="country")))
    b = ("b", ev("V1", day="2023-04-09"))
    assert len(fuse([a, b], groups={})) == 2


def test_hedged_perpetrator_may_differ_and_is_flagged():
    police = ("punch", ev("V1", day="2023-06-18", loc=KONDUGA, actor1="Boko Haram (JAS)", hedged=True, fat=6))
    claim = ("amaq_report", ev("V1", day="2023-06-18", loc=KONDUGA, actor1="ISWAP", fat=6))
    fe, = fuse([police, claim], groups={})
    assert fe.actor1 == "ISWAP"                 # the unhedged claim of responsibility wins
    kinds = [c["kind"] for c in contradictions([], [fe])]
    assert kinds == ["perpetrator"]


def test_ids_are_stable_and_order_independent():
    ms = [("x", ev("V1", day="2023-04-09", fat=3)), ("y", ev("V2", day="2023-04-09", fat=3)),
          ("z", ev("V1", day="2023-04-20", loc=KONDUGA))]
    one = {fe.id: sorted(m["doc"] for m in fe.mentions) for fe in fuse(ms, groups={})}
    two = {fe.id: sorted(m["doc"] for m in fe.mentions) for fe in fuse(list(reversed(ms)), groups={})}
    assert one == two and len(one) == 2


def test_odd_mentions_do_not_raise():
    ms = [("a", Event(id="V1", type="", sub_type="")),
          ("b", ev("V1", window=("2023-13-45", "garbage"))),
          ("c", ev("V1", day="2023-04-09", loc=dict(name=None)))]
    assert len(fuse(ms, groups={})) == 3


# ---- incremental == full rebuild ----------------------------------------------------------------

def synthetic_mentions(n: int, *, seed: int) -> list[tuple[str, Event]]:
    """Mentions of a few dozen underlying events in two countries, some with month-straddling windows."""
    rng = random.Random(seed)
    places = [MAIDUGURI, KONDUGA, BORNO, KHARKIV, east_of(KHARKIV, 40, "Chuhuiv")]
    out = []
    for i in range(n):
        place = rng.choice(places)
        day = rng.choice(["2023-04-29", "2023-04-30", "2023-05-01", "2023-05-02", "2023-05-15"])
        if rng.random() < 0.3:
            window = (day[:8] + "01", day[:8] + "28") if rng.random() < 0.5 else ("2023-04-25", "2023-05-03")
        else:
            window = (day, day)
        # a document's mentions arrive together (one document, one batch)
        out.append((f"doc{i // 2}", ev(f"V{i}", window=window, loc=place,
                                                     actor1=rng.choice([None, "ISWAP", None]),
                                                     fat=rng.choice([None, 3, 4, 20]))))
    return out


def summary(fused):
    return sorted((fe.id, tuple(sorted((m["doc"], m["event"]) for m in fe.mentions)), fe.fatalities,
                   fe.date.earliest, fe.date.latest, fe.location.name, tuple(fe.sources)) for fe in fused)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_updates_equal_full_rebuild(seed):
    mentions = synthetic_mentions(120, seed=seed)
    groups = {f"doc{i}": f"doc{i - i % 3}" for i in range(60)}   # every three docs copy each other
    full = fuse(mentions, groups=groups)

    stored_mentions: dict[str, list] = defaultdict(list)     # what a store keeps: mentions by block
    stored_fused: dict[str, object] = {}                      # fused events by id
    calls = []

    def by_block(key):
        calls.append(key)
        return list(stored_mentions[key])

    for start in range(0, len(mentions), 40):
        batch = mentions[start:start + 40]
        fused, touched = fuse_incremental(batch, existing_by_block=by_block, groups=groups)
        for fid in [f for f, fe in stored_fused.items() if fe.blocking_key in set(touched)]:
            del stored_fused[fid]
        stored_fused.update({fe.id: fe for fe in fused})
        for m in batch:
            for k in blocking_keys(m[1]):
                stored_mentions[k].append(m)
    assert summary(stored_fused.values()) == summary(full)
    assert any(len(fe.mentions) > 1 for fe in full)


def test_incremental_touches_only_reachable_blocks():
    stored = {"NG|explosions remote violence|2023-04": [("a", ev("V1", day="2023-04-09"))],
              "YE|explosions remote violence|2023-04": [("b", ev("V1", day="2023-04-09", loc=ADEN))]}
    seen = []

    def by_block(key):
        seen.append(key)
        return stored.get(key, [])

    fused, touched = fuse_incremental([("c", ev("V1", day="2023-04-09", fat=2))], existing_by_block=by_block,
                                      groups={})
    assert touched == ["NG|explosions remote violence|2023-04"] and seen == touched
    assert len(fused) == 1 and {m["doc"] for m in fused[0].mentions} == {"a", "c"}


# ---- series --------------------------------------------------------------------------------------

def test_quantity_and_place_normalisation():
    assert quantity_of("al-Shabaab militants in the Juba valley") == ("fighters", None)
    assert quantity_of("ISWAP jihadists operating around Lake Chad") == ("fighters", None)
    assert quantity_of("Taliban members detained in Kunduz") == ("fighters", "captured")
    assert quantity_of("insurgents killed in the army offensive") == ("fighters", "killed")
    assert quantity_of("foreign fighters in the Sahel branch") == ("fighters", "foreign")
    assert quantity_of("internally displaced people in Marib") == ("displaced", None)
    assert place_name("outskirts of Gao") == "Gao"
    assert place_name("Lake Chad area") == "Lake Chad"
    assert place_name("Mogadishu and surrounding districts") == "Mogadishu"
    assert place_name("Afghanistan (Helmand)") == "Afghanistan"
    assert place_name(None) is None


def claim(cid, about, where, low, high, *, when=("2023-01-01", "2023-01-31"), actor=None, unit="people",
          text=None, attributed_to=None):
    return Claim(id=cid, about=about, where=where, actor=actor, unit=unit,
                 value=Value(low=low, high=high, text=text or f"{low}-{high}"),
                 when=DateWindow(earliest=when[0], latest=when[1]), attributed_to=attributed_to,
                 spans=[Span(0, 20)])


def test_series_groups_by_quantity_actor_place_and_unit():
    claims = [("un_report", claim("C1", "al-Shabaab fighters", "Lower Shabelle", 3000, 5000, actor="al-Shabaab")),
              ("voa", claim("C4", "militants of al-Shabaab", "Lower Shabelle region", 4000, 4000, actor="al-Shabaab")),
              ("voa", claim("C5", "al-Shabaab militants killed", "Lower Shabelle", 40, 40, actor="al-Shabaab")),
              ("garowe", claim("C2", "al-Shabaab fighters", "Middle Juba", 2000, None, actor="al-Shabaab")),
              ("garowe", claim("C3", "share of al-Shabaab fighters who are foreign", "Middle Juba", None, 10,
                               actor="al-Shabaab", unit="percent"))]
    ss = series(claims, groups={})
    by = {(s.quantity, s.qualifier, s.where, s.unit): s for s in ss}
    assert set(by) == {("fighters", None, "Lower Shabelle", "people"), ("fighters", "killed", "Lower Shabelle", "people"),
                       ("fighters", None, "Middle Juba", "people"), ("fighters", "foreign", "Middle Juba", "percent")}
    assert [(p["doc"], p["claim"]) for p in by[("fighters", None, "Lower Shabelle", "people")].points] == [
        ("un_report", "C1"), ("voa", "C4")]


def _gold_claims():
    out = []
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for c in gold["claims"]:
            about = c["about"]
            # what the actor stage would give: the group's canonical name when it is named
            actor = "Islamic State" if any(n in about for n in ("ISIS", "IS ", "Islamic State")) else None
            out.append((gold["doc"], Claim(id=c["id"], about=about, where=c["where"], actor=actor, unit=c["unit"],
                                           value=Value(**c["value"]), when=DateWindow(**c["when"]),
                                           attributed_to=c["attributed_to"])))
    return out


@pytest.mark.skipif(not GOLD.is_dir(), reason="/work/shared gold not available")
def test_seed_fighter_estimates_form_series_per_place():
    claims = _gold_claims()
    groups = {"000_796dfed319111f3e": "000_796dfed319111f3e", "003_8e52b4ae22d57fb4": "000_796dfed319111f3e"}
    ss = series(claims, groups=groups)
    strength = {s.where: s for s in ss
                if s.quantity == "fighters" and s.qualifier is None and s.actor == "Islamic State" and s.unit == "people"}
    assert set(strength) == {"Derna", "Libya", "Sirte"}
    derna = [(p["doc"][:3], p["low"], p["high"]) for p in strength["Derna"].points]
    assert sorted(derna) == [("000", 800, 800), ("001", 800, 800), ("003", 800, 800)]
    assert [(p["low"], p["high"]) for p in strength["Libya"].points] == [(1000, 3000)]
    assert sorted((p["doc"][:3], p["low"], p["high"]) for p in strength["Sirte"].points) == [
        ("002", 3000, None), ("004", 2000, 5000)]
    # the rewrite and its source are one source; the figures agree anyway: no contradiction
    assert [c for c in contradictions(ss, []) if c["subject"] in {s.key for s in strength.values()}] == []


# ---- contradictions ------------------------------------------------------------------------------

def test_estimate_contradiction_between_independent_sources_only():
    claims = [("sahel_a", claim("C1", "JNIM fighters", "Menaka", 300, 300, actor="JNIM", text="about 300")),
              ("sahel_a_copy", claim("C1", "JNIM fighters", "Menaka", 1200, 1200, actor="JNIM", text="1,200")),
              ("sahel_b", claim("C2", "JNIM militants", "Menaka region", 1000, 1500, actor="JNIM",
                                text="between 1,000 and 1,500")),
              # an old figure: a different time, no contradiction
              ("sahel_c", claim("C9", "JNIM fighters", "Menaka", 50, 50, actor="JNIM", when=("2018-03-01", "2018-03-31")))]
    groups = {"sahel_a": "sahel_a", "sahel_a_copy": "sahel_a"}
    found = contradictions(series(claims, groups=groups), [], groups=groups)
    assert [(c["kind"], c["a"]["doc"], c["b"]["doc"]) for c in found] == [("estimate", "sahel_a", "sahel_b")]
    assert found[0]["a"]["evidence"] == {"start": 0, "end": 20} and found[0]["b"]["evidence"]


def test_each_disagreeing_estimate_is_shown_once_beside_the_first_it_contradicts():
    # four independent figures for one quantity: 2,000 and 2,100 agree, 6,000 and 9,500 disagree
    # with them and with each other; all-pairs would be 5 records, one per figure is 3
    claims = [("radio_dabanga", claim("D1", "RSF fighters", "El Fasher", 2000, 2000, actor="RSF", text="2,000")),
              ("sudan_tribune", claim("D2", "RSF fighters", "El Fasher", 2100, 2100, actor="RSF", text="2,100")),
              ("al_taghyeer", claim("D3", "RSF fighters", "El Fasher", 6000, 6000, actor="RSF", text="6,000")),
              ("monitor", claim("D4", "RSF fighters", "El Fasher", 9500, 9500, actor="RSF", text="9,500"))]
    found = contradictions(series(claims, groups={}), [], groups={})
    pairs = [(c["a"]["doc"], c["b"]["doc"]) for c in found]
    # points in series order (same dates: by document): al_taghyeer, monitor, radio_dabanga, sudan_tribune
    assert pairs == [("al_taghyeer", "monitor"), ("al_taghyeer", "radio_dabanga"), ("al_taghyeer", "sudan_tribune")]
    assert {c["detail"] for c in found} == {"6,000 vs 9,500", "6,000 vs 2,000", "6,000 vs 2,100"}


def test_counts_with_neither_actor_nor_place_are_not_compared():
    # "40 wounded" and "3 wounded" in two unrelated stories are not two estimates of one quantity
    claims = [("story_a", claim("W1", "people wounded", None, 40, 40)),
              ("story_b", claim("W2", "people wounded", None, 3, 3))]
    ss = series(claims, groups={})
    assert len(ss) == 1 and len(ss[0].points) == 2
    assert contradictions(ss, [], groups={}) == []


def test_casualty_contradiction_between_independent_sources_not_copies():
    ms = [("tolo", ev("V1", day="2022-09-30", loc=dict(name="Kabul", country="Afghanistan", iso="AF", lat=34.53,
                                                       lon=69.17, precision="city"), fat=19, type="Violence against civilians",
                      sub="Attack")),
          ("tolo_copy", ev("V1", day="2022-09-30", loc=dict(name="Kabul", country="Afghanistan", iso="AF", lat=34.53,
                                                            lon=69.17, precision="city"), fat=53,
                           type="Violence against civilians", sub="Attack")),
          ("pajhwok", ev("V3", day="2022-09-30", loc=dict(name="Kabul", country="Afghanistan", iso="AF", lat=34.53,
                                                          lon=69.17, precision="city"), fat=20,
                         type="Violence against civilians", sub="Attack"))]
    groups = {"tolo": "tolo", "tolo_copy": "tolo"}
    fe, = fuse(ms, groups=groups)
    found = contradictions([], [fe], groups=groups)
    # 53 (tolo's copy) vs 20 (pajhwok) disagrees; 19 vs 20 is within tolerance; 19 vs 53 is one source
    assert [(c["kind"], {c["a"]["doc"], c["b"]["doc"]}) for c in found] == [("fatalities", {"tolo_copy", "pajhwok"})]
    assert fe.fatalities == 20      # tolo's highest (53) vs pajhwok's 20: the lower


def test_place_disagreement_within_one_event():
    a = ("a", ev("V1", day="2023-04-09", loc=MAIDUGURI, fat=4))
    b = ("b", ev("V1", day="2023-04-09", loc=KONDUGA, fat=4))
    fe, = fuse([a, b], groups={})
    assert [c["kind"] for c in contradictions([], [fe])] == ["place"]
    assert contradictions([], [fe], groups={"a": "g", "b": "g"}) == []


# ---- timeline ------------------------------------------------------------------------------------

def test_timeline_in_date_order_with_precision():
    ms = [("a", ev("V1", day="2023-05-02", loc=ADEN, type="Battles", sub="Armed clash")),
          ("b", ev("V1", window=("2023-04-01", "2023-04-30"), loc=KONDUGA, precision="month")),
          ("c", ev("V1", window=(None, None)))]
    tl = timeline(fuse(ms, groups={}))
    assert [(t["earliest"], t["precision"]) for t in tl] == [("2023-04-01", "month"), ("2023-05-02", "day"),
                                                             (None, None)]


def test_series_merge_spellings_of_one_place_across_documents():
    # three outlets, three transliterations of one Afghan town and two nouns for the same group
    claims = [("tolo", claim("C1", "Taliban fighters", "Kunduz", 1500, 1500, actor="Taliban")),
              ("pajhwok", claim("C2", "Taliban militants", "Qunduz city", 2000, 3000, actor="Taliban")),
              ("wire", claim("C3", "Taliban insurgents", "Konduz", 1000, None, actor="Taliban")),
              # the same words about another province and about the country stay apart
              ("wire", claim("C4", "Taliban fighters", "Helmand", 5000, 5000, actor="Taliban")),
              ("wire", claim("C5", "Taliban fighters", "Afghanistan", 60000, 80000, actor="Taliban")),
              # another group in the same town is another quantity
              ("wire", claim("C6", "Islamic State Khorasan fighters", "Kunduz", 200, 200,
                             actor="Islamic State Khorasan Province"))]
    ss = series(claims, groups={})
    taliban = [s for s in ss if s.actor == "Taliban" and s.quantity == "fighters"]
    points = sorted(sorted(p["claim"] for p in s.points) for s in taliban)
    assert points == [["C1", "C2", "C3"], ["C4"], ["C5"]]
    assert len({s.key for s in ss}) == 4


def test_place_identity_is_not_too_loose():
    assert place_identity("Derna") == place_identity("Darnah")
    assert place_identity("Idleb") == place_identity("Idlib")
    assert place_identity("Gao") != place_identity("Goma")
    assert place_identity("Mali") != place_identity("Malawi")
    assert place_identity(None) == ""
