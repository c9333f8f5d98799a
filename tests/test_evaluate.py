"""The scorer behind ``sitrep eval`` on hand-made gold/prediction pairs.

Fixtures are in tests/data/eval (invented stories from Nigeria and Yemen, see its README).
Every expected number is worked out by hand in the comments next to it.
"""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.errors import SitrepError
from sitrep.evaluate import PARTS, Scoreboard, check_floors, head_noun, load_floors, run, score
from sitrep.model import Document

DATA = Path(__file__).parent / "data" / "eval"
FLOORS = Path(__file__).parent.parent / "quality" / "floors.json"
SHARED = Path("/work/shared")
DOCS = ("ng_borno", "ye_taiz", "blog_taiz")
ACCURACIES = ("sub_type_acc", "actor1_acc", "actor2_acc", "fatalities_acc", "injured_acc",
              "location_acc", "hedged_acc")


def gold(name: str) -> dict:
    return json.loads((DATA / "gold" / f"{name}.json").read_text(encoding="utf-8"))


def text(name: str) -> str:
    return (DATA / "inputs" / f"{name}.txt").read_text(encoding="utf-8")


def as_pred(g: dict, t: str) -> dict:
    """A prediction equal to the gold, with the document text the pipeline adds."""
    p = copy.deepcopy(g)
    p["text"] = t
    return p


def golds() -> list[dict]:
    return [gold(n) for n in DOCS]


def perfect() -> list[dict]:
    return [as_pred(gold(n), text(n)) for n in DOCS]


def part(board: Scoreboard, name: str):
    return board.parts[name]


def assert_prf(row, p, r, f, counts=None):
    assert row.precision == pytest.approx(p)
    assert row.recall == pytest.approx(r)
    assert row.f1 == pytest.approx(f)
    if counts is not None:
        assert (row.tp, row.fp, row.fn) == counts


# ---- perfect and empty -----------------------------------------------------------------------

def test_perfect_prediction_scores_one_everywhere():
    board = score(golds(), perfect())
    assert set(board.parts) == set(PARTS)
    for row in board.parts.values():
        assert (row.precision, row.recall, row.f1) == (1.0, 1.0, 1.0), row.name
        assert row.fp == row.fn == 0
    # counts by hand: boilerplate 2+1+1 lines; events 2+2+2; claims 4+1+1; one reuse triple
    assert part(board, "furniture").tp == 4
    assert part(board, "events").tp == 6
    assert part(board, "claims").tp == 6
    assert part(board, "reuse").tp == 1
    # entity strings: ng 10 aliases (1+1+2+1+1+2+1+1), ye 5, blog 3 = 18 items
    assert part(board, "entities").extras["items"] == 18
    assert part(board, "furniture").extras["comments_begin_exact"] == 1.0
    assert part(board, "published").extras["mean_mid_distance_days"] == 0.0
    for key in ACCURACIES:
        assert part(board, "events").extras[key] == 1.0, key
    assert part(board, "claims").extras["attribution_acc"] == 1.0
    assert part(board, "claims").extras["about_acc"] == 1.0
    assert part(board, "entities").extras["type_acc"] == 1.0
    assert board.notes == []


@pytest.mark.parametrize("preds", [[], [{"doc": n, "text": text(n)} for n in DOCS]], ids=["none", "blank"])
def test_empty_prediction_scores_zero_recall(preds):
    board = score(golds(), preds)
    for name in PARTS:
        assert part(board, name).recall == 0.0, name
        assert part(board, name).tp == 0
    # comments_begin: gold is "Comments (2)", null, "Comments"; an empty prediction says null
    # every time, which is right for ye_taiz only: 1/3
    assert part(board, "furniture").extras["comments_begin_exact"] == pytest.approx(1 / 3)
    assert part(board, "published").extras["docs_without_window"] == 3
    assert part(board, "published").extras["mean_mid_distance_days"] is None
    if not preds:
        assert sum("no predicted document" in n for n in board.notes) == 3


# ---- events --------------------------------------------------------------------------------

def ng_pair() -> tuple[dict, dict]:
    g = gold("ng_borno")
    return g, as_pred(g, text("ng_borno"))


def test_one_wrong_date_turns_a_tp_into_fp_and_fn():
    g, p = ng_pair()
    p["events"][0]["date"] = {"earliest": "2024-02-01", "latest": "2024-02-01", "text": "Saturday"}
    row = part(score([g], [p], only="events"), "events")
    # V1 no longer matches (windows 2024-02-01 and 2024-03-09 do not overlap); V2 still does.
    # tp=1 fp=1 fn=1: P = 1/2, R = 1/2, F1 = 1/2
    assert_prf(row, 0.5, 0.5, 0.5, (1, 1, 1))


def test_open_or_missing_dates_do_not_block():
    g, p = ng_pair()
    p["events"][0]["date"] = {"earliest": None, "latest": None, "text": None}
    p["events"][1]["date"] = {"earliest": "2024-03-10", "latest": None, "text": None}  # open end
    row = part(score([g], [p], only="events"), "events")
    assert_prf(row, 1.0, 1.0, 1.0, (2, 0, 0))


def test_one_extra_event_lowers_precision_exactly():
    g, p = ng_pair()
    p["events"].append({
        "id": "V9", "type": "Strategic developments", "sub_type": "Other",
        "date": {"earliest": "2024-03-09", "latest": "2024-03-11", "text": None},
        "location": {"name": "Maiduguri", "country": "Nigeria", "lat": 11.846, "lon": 13.16, "precision": "city"},
        "actor1": None, "actor2": None, "fatalities": None, "injured": None, "attributed_to": None,
        "hedged": False, "evidence": "Some 2,000 residents have fled to Maiduguri"})
    row = part(score([g], [p], only="events"), "events")
    # tp=2 fp=1 fn=0: P = 2/3, R = 1, F1 = 2*(2/3)*1/(2/3+1) = 0.8
    assert_prf(row, 2 / 3, 1.0, 0.8, (2, 1, 0))


def test_one_wrong_fatality_count_lowers_fatalities_accuracy_only():
    g, p = ng_pair()
    p["events"][0]["fatalities"] = 11
    row = part(score([g], [p], only="events"), "events")
    assert_prf(row, 1.0, 1.0, 1.0, (2, 0, 0))
    # one of the two matched pairs has the wrong count: 1/2
    assert row.extras["fatalities_acc"] == 0.5
    for key in set(ACCURACIES) - {"fatalities_acc"}:
        assert row.extras[key] == 1.0, key


def test_location_rules_25_and_50_km():
    g, p = ng_pair()
    # Damboa is at 11.155,12.756.  11.40,12.90 is about 31 km away (dlat 0.245 deg = 27.2 km,
    # dlon 0.144 deg * cos(11.3 deg) * 111.3 = 15.7 km; sqrt(27.2^2 + 15.7^2) = 31.4 km):
    # within 50 km, so still a candidate, but beyond 25 km, so the location is wrong.
    p["events"][0]["location"] = {"name": "Damboa", "country": "Nigeria", "lat": 11.40, "lon": 12.90,
                                  "precision": "city"}
    row = part(score([g], [p], only="events"), "events")
    assert (row.tp, row.fp, row.fn) == (2, 0, 0)
    assert row.extras["location_acc"] == 0.5
    # Maiduguri (11.846,13.16) is about 88 km from Damboa: both city-precise, so no match.
    p["events"][0]["location"] = {"name": "Maiduguri", "country": "Nigeria", "lat": 11.846, "lon": 13.16,
                                  "precision": "city"}
    row = part(score([g], [p], only="events"), "events")
    assert (row.tp, row.fp, row.fn) == (1, 1, 1)


def test_country_compares_by_name_or_iso_and_blocks_when_different():
    g, p = ng_pair()
    p["events"][0]["location"] = {"name": "Damboa", "country": "NG", "lat": 11.155, "lon": 12.756,
                                  "precision": "city"}
    p["events"][1]["location"] = {"name": "Konduga", "country": None, "iso": "NG", "lat": 11.65, "lon": 13.42,
                                  "precision": "city"}
    row = part(score([g], [p], only="events"), "events")
    assert (row.tp, row.extras["location_acc"]) == (2, 1.0)
    p["events"][1]["location"] = {"name": "Konduga", "country": "Cameroon", "lat": None, "lon": None,
                                  "precision": "region"}
    row = part(score([g], [p], only="events"), "events")
    assert (row.tp, row.fp, row.fn) == (1, 1, 1)


def test_coarser_location_matches_by_name_or_same_country():
    g = {"doc": "so", "events": [
        {"id": "V1", "type": "Battles", "sub_type": "Armed clash", "date": {},
         "location": {"name": "Lower Shabelle (region)", "country": "Somalia", "lat": None, "lon": None,
                      "precision": "region"},
         "actor1": "al-Shabaab", "actor2": None, "evidence": "Fighting raged across Lower Shabelle"},
        {"id": "V2", "type": "Battles", "sub_type": "Armed clash", "date": {},
         "location": {"name": "Somalia", "country": "Somalia", "lat": None, "lon": None, "precision": "country"},
         "actor1": "al-Shabaab", "actor2": None, "evidence": "clashes elsewhere in the country"}]}
    t = "Fighting raged across Lower Shabelle on Friday, and clashes elsewhere in the country left many dead."
    p = as_pred(g, t)
    p["events"][0]["location"] = {"name": "Lower Shabelle", "country": "SO", "precision": "region"}
    p["events"][1]["location"] = {"name": "Somali Republic", "country": "Somalia", "precision": "country"}
    row = part(score([g], [p], only="events"), "events")
    # V1: same name once the parenthesis is dropped; V2: both country precision, same country
    assert (row.tp, row.extras["location_acc"]) == (2, 1.0)


def test_split_events_sharing_evidence_pair_by_place_in_any_order():
    t = "Government jets bombed rebel positions in Hama and Idlib provinces on Monday."
    ev = "Government jets bombed rebel positions in Hama and Idlib provinces"

    def event(i, place, fat):
        return {"id": f"V{i}", "type": "Explosions/Remote violence", "sub_type": "Air/drone strike",
                "date": {"earliest": "2019-05-06", "latest": "2019-05-06", "text": "Monday"},
                "location": {"name": place, "country": "Syria", "lat": None, "lon": None, "precision": "region"},
                "actor1": "Military Forces of Syria", "actor2": "rebels", "fatalities": fat, "injured": None,
                "hedged": False, "evidence": ev}

    g = {"doc": "sy", "events": [event(1, "Hama", 4), event(2, "Idlib", None)]}
    for order in ([0, 1], [1, 0]):
        p = as_pred(g, t)
        p["events"] = [copy.deepcopy(g["events"][i]) for i in order]
        row = part(score([g], [p], only="events"), "events")
        # the matching pairs Hama with Hama (same name) rather than across: all attributes right
        assert (row.tp, row.extras["location_acc"], row.extras["fatalities_acc"]) == (2, 1.0, 1.0)


def test_matching_is_maximum_not_greedy():
    # Claim evidence, by offsets in t: g1 = "Five soldiers died in Kidal" [0,27),
    # g2 = "Kidal and five more in Gao" [22,48); p1 = whole clause [0,48) overlaps both and is
    # g1's best partner (27/48 vs g2's 26/48); p2 = "Five soldiers" [0,13) overlaps g1 only.
    # Greedy on quality would pair g1-p1 and leave g2 alone; the maximum matching is
    # g1-p2 + g2-p1: 2 true positives.
    t = "Five soldiers died in Kidal and five more in Gao, the army said."
    v = {"low": 5, "high": 5, "text": "five"}

    def claim(i, evidence):
        return {"id": f"C{i}", "about": "soldiers killed", "value": v, "unit": "people",
                "attributed_to": "the army", "evidence": evidence}

    g = {"doc": "ml", "claims": [claim(1, "Five soldiers died in Kidal"), claim(2, "Kidal and five more in Gao")]}
    p = {"doc": "ml", "text": t,
         "claims": [claim(1, "Five soldiers died in Kidal and five more in Gao"), claim(2, "Five soldiers")]}
    row = part(score([g], [p], only="claims"), "claims")
    assert (row.tp, row.fp, row.fn) == (2, 0, 0)


def test_actor_matching_rules():
    g, p = ng_pair()
    # V1 actor1 is E1 "Boko Haram" in gold.  Prediction gives the name as text: equal names.
    p["events"][0]["actor1"] = "boko haram"
    # V2 actor2 is E1 in gold; the prediction points at its own entity whose alias is shared
    p["entities"].append({"id": "P7", "name": "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad",
                          "type": "ARMED_GROUP", "aliases": ["Boko Haram"]})
    p["events"][1]["actor2"] = "P7"
    row = part(score([g], [p], only="events"), "events")
    assert (row.extras["actor1_acc"], row.extras["actor2_acc"]) == (1.0, 1.0)
    # a different group, and a null against a named target, both count as wrong: 1/2 each
    p["events"][0]["actor1"] = "ISWAP"
    p["events"][0]["actor2"] = None
    row = part(score([g], [p], only="events"), "events")
    assert (row.extras["actor1_acc"], row.extras["actor2_acc"]) == (0.5, 0.5)


def test_worked_example_of_the_docs():
    """docs/eval.md, "Worked example": the same numbers."""
    g, p = ng_pair()
    p["events"][0]["date"] = {"earliest": "2024-02-01", "latest": "2024-02-01", "text": "Saturday"}
    p["events"][1]["fatalities"] = 11
    p["events"].append({"id": "V9", "type": "Strategic developments", "sub_type": "Other", "date": {},
                        "location": {"name": "Maiduguri", "country": "Nigeria", "precision": "city"},
                        "evidence": "Some 2,000 residents have fled to Maiduguri"})
    p["claims"][2]["value"] = {"low": 7, "high": 7, "text": "at least seven"}
    board = score([g], [p])
    ev = part(board, "events")
    # tp=1 fp=2 fn=1: P = 1/3, R = 1/2, F1 = 2(1/3)(1/2)/(1/3 + 1/2) = 0.4
    assert_prf(ev, 1 / 3, 0.5, 0.4, (1, 2, 1))
    assert ev.extras["fatalities_acc"] == 0.0
    assert_prf(part(board, "claims"), 0.75, 0.75, 0.75, (3, 1, 1))


def test_actor_given_as_an_inline_entity_object():
    g, p = ng_pair()
    # some pipelines write the entity itself rather than its id or name
    p["events"][0]["actor1"] = {"id": "X1", "name": "Jama'atu Ahlis Sunna", "type": "ARMED_GROUP",
                                "aliases": ["Boko Haram"]}
    p["events"][1]["actor2"] = {"id": "X2", "name": "ISWAP", "aliases": ["ISWAP"]}
    row = part(score([g], [p], only="events"), "events")
    # V1: shares the alias "Boko Haram" with gold E1 (right); V2: ISWAP is not E1 (wrong)
    assert (row.extras["actor1_acc"], row.extras["actor2_acc"]) == (1.0, 0.5)


@settings(max_examples=40, deadline=None)
@given(keep=st.lists(st.booleans(), min_size=10, max_size=10))
def test_a_subset_of_the_gold_scores_precision_one(keep):
    """Predicting any subset of the gold events and claims: P = 1, R = kept/all, exactly."""
    preds = perfect()
    items = [(d, k, i) for d in range(3) for k in ("events", "claims") for i in range(len(preds[d][k]))]
    assert len(items) == 12
    flags = keep + [True, True]
    for d, k, i in reversed(items):
        if not flags[items.index((d, k, i))]:
            del preds[d][k][i]
    board = score(golds(), preds)
    for k, total in (("events", 6), ("claims", 6)):
        kept = sum(len(p[k]) for p in preds)
        row = part(board, k)
        assert (row.tp, row.fp, row.fn) == (kept, 0, total - kept)
        assert row.precision == 1.0
        assert row.recall == pytest.approx(kept / total)


# ---- claims --------------------------------------------------------------------------------

def test_claim_with_a_different_high_value_does_not_match():
    g, p = ng_pair()
    p["claims"][2]["value"] = {"low": 7, "high": 7, "text": "at least seven"}   # gold: 7-null
    row = part(score([g], [p], only="claims"), "claims")
    # C3 becomes fp + fn: tp=3 fp=1 fn=1, P = R = F1 = 3/4
    assert_prf(row, 0.75, 0.75, 0.75, (3, 1, 1))


def test_claim_attribution_and_about_accuracy():
    g, p = ng_pair()
    # C1 gold speaker "a local official": tokens {local, official}
    p["claims"][0]["attributed_to"] = "local government official"            # right
    # C2 gold "a local official"; predicted narrator voice (null)               # wrong
    p["claims"][1]["attributed_to"] = None
    # C3 gold "Nigerian army (statement)": main part "Nigerian army"
    p["claims"][2]["attributed_to"] = "the army said in a statement"         # right ("army")
    # C4 gold "International Organization for Migration"; an acronym shares no token  # wrong
    p["claims"][3]["attributed_to"] = "IOM"
    # about: heads are farmer, people, insurgent, resident
    p["claims"][0]["about"] = "farmers"                                         # right
    p["claims"][1]["about"] = "wounded"                                         # wrong
    p["claims"][2]["about"] = "insurgent deaths"                                # right
    p["claims"][3]["about"] = "displaced people"                                # wrong
    row = part(score([g], [p], only="claims"), "claims")
    assert_prf(row, 1.0, 1.0, 1.0, (4, 0, 0))
    assert row.extras["attribution_acc"] == 0.5   # 2 of 4
    assert row.extras["about_acc"] == 0.5         # 2 of 4


@pytest.mark.parametrize("about, head", [
    ("civilians killed in an airstrike on a market in Idlib", "civilian"),
    ("displaced families sheltering in camps near Baidoa", "family"),
    ("Taliban fighters captured in Kunduz", "fighter"),
    ("drones Russia launched at Kyiv overnight", "drone"),
    ("number of people displaced by fighting in Tigray", "people"),
    ("share of the budget spent on the army", "share"),
    ("villagers and herders abducted near Zamfara", "villager"),
    ("Wagner-linked mercenaries deployed to Mali", "mercenary"),
    ("military bases held by the junta", "base"),
    ("abducted schoolgirls freed", "schoolgirl"),
    ("ransom (in naira) the kidnappers demanded", "ransom"),
])
def test_head_noun_of_about(about, head):
    assert head_noun(about) == head


# ---- furniture, published, entities, reuse ------------------------------------------------

def test_boilerplate_repeats_count():
    g, p = ng_pair()   # gold: "Watch live" twice
    p["boilerplate"] = ["Watch live"]
    row = part(score([g], [p], only="furniture"), "furniture")
    # tp = min(2,1) = 1, fn = 1: P = 1, R = 1/2, F1 = 2/3
    assert_prf(row, 1.0, 0.5, 2 / 3, (1, 0, 1))
    p["boilerplate"] = ["Watch live"] * 3 + ["Gunmen kill 12 farmers in Borno state"]
    row = part(score([g], [p], only="furniture"), "furniture")
    # tp = 2, fp = 1 extra repeat + 1 headline = 2: P = 1/2, R = 1, F1 = 2/3
    assert_prf(row, 0.5, 1.0, 2 / 3, (2, 2, 0))
    # trailing whitespace is ignored, leading whitespace is not
    p["boilerplate"] = ["Watch live  ", " Watch live"]
    p["comments_begin"] = "Comments (2)\r"
    row = part(score([g], [p], only="furniture"), "furniture")
    assert (row.tp, row.fp, row.fn) == (1, 1, 1)
    assert row.extras["comments_begin_exact"] == 1.0


def test_published_overlap_and_mean_distance():
    preds = perfect()
    preds[0]["published"] = {"earliest": "2024-03-10", "latest": "2024-03-14"}  # gold 03-09..03-11
    preds[1]["published"] = {"earliest": "2023-06-01", "latest": "2023-06-01"}  # gold 05-16..05-18
    preds[2]["published"] = {"earliest": None, "latest": None}
    row = part(score(golds(), preds, only="published"), "published")
    # ng overlaps (tp); ye does not (fp + fn); blog has no window (fn, out of the mean).
    # distances: ng mid 03-12 vs 03-10 = 2 days; ye 06-01 vs 05-17 = 15 days; mean 8.5
    assert_prf(row, 0.5, 1 / 3, 0.4, (1, 1, 2))
    assert row.extras["overlap"] == pytest.approx(1 / 3)
    assert row.extras["mean_mid_distance_days"] == pytest.approx(8.5)
    assert row.extras["docs_without_window"] == 1


def mention(t: str, surface: str, label: str, entity: str | None) -> dict:
    start = t.index(surface)
    return {"start": start, "end": start + len(surface), "text": surface, "label": label, "entity": entity}


def test_bcubed_on_a_small_hand_example():
    t = "The Islamic State (IS), also called ISIL or Daesh, shelled Raqqa."
    g = {"doc": "raqqa", "entities": [
        {"id": "E1", "name": "Islamic State", "type": "ARMED_GROUP", "aliases": ["Islamic State", "IS", "ISIL"]},
        {"id": "E2", "name": "Raqqa", "type": "GPE", "aliases": ["Raqqa"]}]}
    p = {"doc": "raqqa", "text": t, "entities": [
        {"id": "P1", "name": "Islamic State", "type": "ARMED_GROUP", "aliases": ["Islamic State", "IS"]},
        {"id": "P2", "name": "ISIL", "type": "ARMED_GROUP", "aliases": ["ISIL"]}],
        "mentions": [mention(t, "Raqqa", "GPE", "P2"), mention(t, "Daesh", "ORG", None)]}
    row = part(score([g], [p], only="entities"), "entities")
    # items (strings in both): Islamic State, IS, ISIL, Raqqa.  Gold: {IS-state, IS, ISIL} {Raqqa};
    # predicted: {Islamic State, IS} {ISIL, Raqqa}.
    #   Islamic State: p = 2/2, r = 2/3;  IS: p = 2/2, r = 2/3
    #   ISIL: p = 1/2, r = 1/3;           Raqqa: p = 1/2, r = 1/1
    # P = (1 + 1 + .5 + .5)/4 = 0.75;  R = (2/3 + 2/3 + 1/3 + 1)/4 = 2/3;  F1 = 2PR/(P+R) = 12/17
    assert_prf(row, 0.75, 2 / 3, 12 / 17, (4, 1, 0))   # fp: "Daesh" is predicted only
    # type: E1 pairs with P1 (2 shared strings) ARMED_GROUP = right; E2 with P2, typed
    # ARMED_GROUP = wrong: 1/2
    assert row.extras["type_acc"] == 0.5
    assert row.extras["matched_entities"] == 2


def test_reuse_precision_and_recall():
    preds = perfect()
    # gold: blog_taiz -> ye_taiz copies_with_edits.  Predicted: the same triple plus a wrong
    # one from ng_borno: tp=1 fp=1 fn=0, P = 1/2, R = 1, F1 = 2/3
    preds[0]["reuses"] = [{"other": "ye_taiz", "relation": "same_underlying_report"}]
    row = part(score(golds(), preds, only="reuse"), "reuse")
    assert_prf(row, 0.5, 1.0, 2 / 3, (1, 1, 0))
    # only the relation wrong: tp=0 fp=1 fn=1, but the unlabelled pair is right
    preds = perfect()
    preds[2]["reuses"] = [{"other": "ye_taiz", "relation": "quotes"}]
    row = part(score(golds(), preds, only="reuse"), "reuse")
    assert_prf(row, 0.0, 0.0, 0.0, (0, 1, 1))
    assert row.extras["pair_f1"] == 1.0


def test_hand_made_prediction_with_mistakes():
    """pred/blog_taiz.json: a pipeline-shaped output (evidence_spans, mentions, iso codes)."""
    p = json.loads((DATA / "pred" / "blog_taiz.json").read_text(encoding="utf-8"))
    assert p["text"] == text("blog_taiz")
    board = score([gold("blog_taiz")], [p])
    # furniture: gold {Posted by admin}; predicted {Posted by admin, Comments}: tp1 fp1 fn0
    assert_prf(part(board, "furniture"), 0.5, 1.0, 2 / 3, (1, 1, 0))
    assert part(board, "furniture").extras["comments_begin_exact"] == 0.0   # " Sam: so sad" != "Comments"
    # published 2023-05-20 lies in 05-16..06-30; gold midpoint 05-16 + 45/2 days = 06-07.5: 18.5 days
    pub = part(board, "published")
    assert (pub.tp, pub.extras["mean_mid_distance_days"]) == (1, 18.5)
    # entities: items Houthi, Taiz, Hodeidah; Taiz and Hodeidah wrongly share P-entity E2:
    # P = (1 + 1/2 + 1/2)/3 = 2/3, R = 1, F1 = 0.8; "admin" is predicted only (fp = 1).
    # types: Houthi right; Taiz and Hodeidah typed LOC (gold GPE): 1/3
    ent = part(board, "entities")
    assert_prf(ent, 2 / 3, 1.0, 0.8, (3, 1, 0))
    assert ent.extras["type_acc"] == pytest.approx(1 / 3)
    # events: V1 (Taiz, 2.5 km off, sub_type wrong, actor2 "children" vs "civilians" wrong) and
    # V2 (Hodeidah, no coordinates, name "hodeidah" vs "hodeidah port" wrong, actor1 missing,
    # hedged wrong) match; V3 ("medics said", Battles) is an extra: tp2 fp1 fn0
    ev = part(board, "events")
    assert_prf(ev, 2 / 3, 1.0, 0.8, (2, 1, 0))
    assert ev.extras == {"matched": 2, "sub_type_acc": 0.5, "actor1_acc": 0.5, "actor2_acc": 0.5,
                         "fatalities_acc": 1.0, "injured_acc": 1.0, "location_acc": 0.5, "hedged_acc": 0.5}
    # claims: C1 3-3 matches ("medics in Taiz" shares "medic"; about "shelling victims" lacks
    # "child"); C2 3-null does not: tp1 fp1 fn0
    cl = part(board, "claims")
    assert_prf(cl, 0.5, 1.0, 2 / 3, (1, 1, 0))
    assert (cl.extras["attribution_acc"], cl.extras["about_acc"]) == (1.0, 0.0)
    # reuse: relation "quotes" vs "copies_with_edits": tp0 fp1 fn1; the pair itself is right
    assert_prf(part(board, "reuse"), 0.0, 0.0, 0.0, (0, 1, 1))
    assert part(board, "reuse").extras["pair_f1"] == 1.0


# ---- determinism, robustness, output -------------------------------------------------------

def test_same_input_same_output_and_order_does_not_matter():
    p = json.loads((DATA / "pred" / "blog_taiz.json").read_text(encoding="utf-8"))
    g = gold("blog_taiz")
    first = score([g], [p]).to_dict()
    assert score([g], [p]).to_dict() == first
    rng = random.Random(7)
    for _ in range(5):
        shuffled = copy.deepcopy(p)
        rng.shuffle(shuffled["events"])
        rng.shuffle(shuffled["claims"])
        assert score([g], [shuffled]).to_dict() == first
    # and the document order
    preds = perfect()
    preds[0]["events"][0]["fatalities"] = 1
    a = score(golds(), preds).to_dict()
    assert score(list(reversed(golds())), list(reversed(preds))).to_dict() == a


def test_document_json_from_the_model_scores_one():
    """The prediction format of Document.to_json() (evidence_spans, extra fields) is understood."""
    g = gold("ng_borno")
    t = text("ng_borno")
    d = copy.deepcopy(g)
    d["text"] = t
    for item in d["events"] + d["claims"]:
        start = t.index(item["evidence"])
        item["evidence_spans"] = [{"start": start, "end": start + len(item["evidence"])}]
    pred = Document.from_json(d).to_json()
    assert pred["events"][0]["evidence_spans"][0]["text"] == g["events"][0]["evidence"]
    board = score([g], [pred])
    for row in board.parts.values():
        assert row.f1 == 1.0, row.name


def test_gold_evidence_missing_from_the_text_is_noted():
    g, p = ng_pair()
    g["events"][1]["evidence"] = "A sentence that is not in the article at all"
    board = score([g], [p], only="events")
    assert (part(board, "events").tp, part(board, "events").fn) == (1, 1)
    assert any("'V2'" in n and "evidence not found" in n for n in board.notes)


def test_without_text_evidence_compares_as_strings():
    g = gold("ye_taiz")
    p = copy.deepcopy(g)   # no "text": containment of the evidence strings decides
    p["events"][0]["evidence"] = "Houthi shelling killed three children"   # inside gold V1's
    p["events"][1]["evidence"] = "An unrelated sentence"
    row = part(score([g], [p], only="events"), "events")
    assert (row.tp, row.fp, row.fn) == (1, 1, 1)


def test_odd_documents_do_not_raise():
    g = gold("ng_borno")
    odd = {"doc": "ng_borno", "text": "", "boilerplate": [None, 3], "published": "yesterday",
           "entities": [None, {"id": 5, "aliases": [None, ""]}], "mentions": [{"text": None}],
           "events": [{"type": None, "date": None, "location": "Damboa", "evidence": None},
                      {"type": "Battles", "location": {"lat": float("nan"), "lon": 1.0}}],
           "claims": [{"value": "12"}, {"value": {"low": "x", "high": None}, "evidence": "killed 12 farmers"}],
           "reuses": [{"other": None}, "junk"]}
    board = score([g], [odd])
    assert part(board, "events").tp == 0
    assert part(board, "claims").tp == 0


def test_only_one_part_and_unknown_part():
    board = score(golds(), perfect(), only="claims")
    assert list(board.parts) == ["claims"]
    with pytest.raises(SitrepError) as err:
        score(golds(), perfect(), only="actors")
    assert err.value.code == "E112"


def test_text_table_and_dict():
    preds = perfect()
    preds[0]["events"][0]["fatalities"] = 11
    board = score(golds(), preds)
    out = board.to_text()
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("part"))
    rows = [line for line in lines if line.split(" ", 1)[0] in PARTS]
    assert [r.split()[0] for r in rows] == list(PARTS)
    # fixed width: every row has its "|" where the header has it
    assert {r.index("|") for r in rows} == {header.index("|")}
    assert "fatalities_acc=0.833" in out           # 5 of 6 matched events
    d = json.loads(json.dumps(board.to_dict()))
    assert d["parts"]["events"]["fatalities_acc"] == pytest.approx(5 / 6)
    assert d["parts"]["events"]["f1"] == 1.0
    assert d["docs"] == 3


# ---- run ------------------------------------------------------------------------------------

def fake_analyse(calls: list):
    """Stands in for the pipeline: returns the gold reading of each input, with its text."""
    def analyse(paths):
        calls.append(list(paths))
        return [as_pred(gold(Path(p).stem), Path(p).read_text(encoding="utf-8")) for p in paths]
    return analyse


def test_run_pairs_gold_and_inputs_and_notes_the_unpaired(tmp_path):
    gdir, idir = tmp_path / "gold", tmp_path / "in"
    gdir.mkdir()
    idir.mkdir()
    for n in ("ng_borno", "ye_taiz"):
        (gdir / f"{n}.json").write_text(json.dumps(gold(n)), encoding="utf-8")
        (idir / f"{n}.txt").write_text(text(n), encoding="utf-8")
    (gdir / "blog_taiz.json").write_text(json.dumps(gold("blog_taiz")), encoding="utf-8")  # no input
    (idir / "extra_story.txt").write_text("An input with no gold.", encoding="utf-8")
    (gdir / "README.md").write_text("not a gold file", encoding="utf-8")
    calls: list = []
    board = run(str(gdir), str(idir), analyse=fake_analyse(calls))
    assert calls == [[str(idir / "ng_borno.txt"), str(idir / "ye_taiz.txt")]]
    assert board.docs == 2
    assert part(board, "events").f1 == 1.0
    assert any(n.startswith("blog_taiz") and "no input" in n for n in board.notes)
    assert any(n.startswith("extra_story") and "no gold" in n for n in board.notes)


def test_run_with_gold_and_inputs_in_one_folder(tmp_path):
    (tmp_path / "ye_taiz.json").write_text(json.dumps(gold("ye_taiz")), encoding="utf-8")
    (tmp_path / "ye_taiz.txt").write_text(text("ye_taiz"), encoding="utf-8")
    calls: list = []
    board = run(str(tmp_path), str(tmp_path), analyse=fake_analyse(calls))
    # the gold file itself is never taken for an input
    assert calls == [[str(tmp_path / "ye_taiz.txt")]]
    assert board.notes == []
    assert part(board, "claims").f1 == 1.0


def test_run_accepts_document_objects_and_only(tmp_path):
    gdir = tmp_path / "gold"
    gdir.mkdir()
    (gdir / "ye_taiz.json").write_text(json.dumps(gold("ye_taiz")), encoding="utf-8")

    def analyse(paths):
        d = as_pred(gold("ye_taiz"), text("ye_taiz"))
        for item in d["events"] + d["claims"]:
            start = d["text"].index(item["evidence"])
            item["evidence_spans"] = [{"start": start, "end": start + len(item["evidence"])}]
        return [Document.from_json(d)]

    board = run(str(gdir), str(DATA / "inputs"), only="events", analyse=analyse)
    assert list(board.parts) == ["events"]
    assert part(board, "events").tp == 2


def test_run_errors(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SitrepError) as err:
        run(str(empty), str(DATA / "inputs"), analyse=fake_analyse([]))
    assert err.value.code == "E108"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.json").write_text(json.dumps(gold("ye_taiz")), encoding="utf-8")
    (broken / "b.json").write_text('{"doc": "b", "events": [', encoding="utf-8")
    with pytest.raises(SitrepError) as err:
        run(str(broken), str(DATA / "inputs"), analyse=fake_analyse([]))
    assert err.value.code == "E109" and "b.json" in str(err.value)
    (broken / "b.json").write_text('{"events": []}', encoding="utf-8")
    with pytest.raises(SitrepError) as err:
        run(str(broken), str(DATA / "inputs"), analyse=fake_analyse([]))
    assert err.value.code == "E109" and "'doc'" in str(err.value)
    with pytest.raises(SitrepError) as err:
        run(str(tmp_path / "missing"), str(DATA / "inputs"), analyse=fake_analyse([]))
    assert err.value.code == "E101"


# ---- floors ---------------------------------------------------------------------------------

def test_check_floors_reports_each_failure():
    preds = perfect()
    preds[0]["events"].pop()          # ng: 1 of 2 events; events tp=5 fn=1, R = 5/6, F1 = 10/11
    board = score(golds(), preds)
    floors = {"_reason": ["test"], "events.f1": 0.95, "events.precision": 1.0, "claims.f1": 0.5,
              "comments_begin.exact": 1.0, "events.fatalities_acc": 1.0, "events.nonsense": 0.1}
    failures = check_floors(board, floors)
    assert len(failures) == 2
    assert any(f.startswith("events.f1: 0.909 < floor 0.95") for f in failures)
    assert any(f.startswith("events.nonsense: unknown metric") for f in failures)
    # a floor on a part that was not computed is skipped
    assert check_floors(score(golds(), preds, only="claims"), floors) == []


def test_floors_file_names_known_metrics_and_has_reasons():
    floors = load_floors(FLOORS)
    assert isinstance(floors["_reason"], list) and floors["_reason"]
    names = [k for k in floors if not k.startswith("_")]
    for key in ("furniture.f1", "comments_begin.exact", "published.overlap", "entities.f1",
                "events.f1", "claims.f1", "reuse.f1"):
        assert key in names
    board = score(golds(), perfect())
    for name in names:
        assert 0.0 <= floors[name] <= 1.0
        assert name in board.metrics(), name
    assert check_floors(board, floors) == []


# ---- the seed gold against itself ----------------------------------------------------------

@pytest.mark.skipif(not (SHARED / "gold" / "seeds").is_dir(), reason="/work/shared is absent")
def test_seed_gold_scored_against_itself_is_perfect():
    gold_files = sorted((SHARED / "gold" / "seeds").glob("*.json"))
    gs = [json.loads(f.read_text(encoding="utf-8")) for f in gold_files]
    preds = [as_pred(g, (SHARED / "seeds" / f"{g['doc']}.txt").read_text(encoding="utf-8")) for g in gs]
    board = score(gs, preds)
    assert board.notes == []
    for name, value in board.metrics().items():
        if name.endswith(("precision", "recall", "f1", "_acc", "overlap", ".exact", "comments_begin_exact")):
            assert value == 1.0, name
        elif name.endswith(".fp") or name.endswith(".fn"):
            assert value == 0, name
    assert board.metric("published.mean_mid_distance_days") == 0.0
