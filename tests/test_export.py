"""Exports read back with standard readers (csv, json, pyarrow); formula cells neutralised."""
from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

import corpus_outputs as corpus
from sitrep.errors import SitrepError
from sitrep.outputs import export as ex


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "out.db"
    corpus.build(path).close()
    return str(path)


@pytest.fixture(scope="module")
def unfused_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export_unfused") / "out.db"
    corpus.build(path, fused=False).close()
    return str(path)


def _rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_acled_csv_one_row_per_fused_event(db, tmp_path):
    out = tmp_path / "events.csv"
    n = ex.export(db, fmt="acled-csv", out=str(out))
    rows = _rows(out)
    assert n == len(rows) == corpus.EXPECTED_FUSED
    assert list(rows[0].keys()) == ex.ACLED_COLUMNS
    kawuri = next(r for r in rows if r["location"] == "Kawuri")
    # three mentions, two independent sources (the repost copies the Daily Trust story)
    assert kawuri["mentions"] == "3" and kawuri["independent_sources"] == "2"
    assert kawuri["fatalities"] == "12" and kawuri["injured"] == "5"
    assert kawuri["event_date"] == "2021-03-03" and kawuri["year"] == "2021" and kawuri["time_precision"] == "1"
    assert kawuri["iso"] == "566" and kawuri["iso2"] == "NG" and kawuri["event_id_cnty"].startswith("NGA-")
    assert kawuri["geo_precision"] == "1"
    assert kawuri["disorder_type"] == "Political violence"
    # ISWAP is an ARMED_GROUP entity -> rebel group (2); "Civilians (Nigeria)" -> 7
    assert kawuri["inter1"] == "2" and kawuri["inter2"] == "7" and kawuri["interaction"] == "27"
    assert kawuri["civilian_targeting"] == "Civilian targeting"
    assert kawuri["tags"] == "suspected" and kawuri["hedged"] == "1"
    assert "Daily Trust" in kawuri["source"] and "Premium Times" in kawuri["source"]
    assert "killed 12 villagers" in kawuri["evidence"]
    assert kawuri["notes"].startswith("On 3 Mar 2021, an attack in Kawuri, Nigeria killed 12 and wounded 5")
    kharkiv = next(r for r in rows if r["location"] == "Kharkiv")
    assert kharkiv["time_precision"] == "2"        # a one-week window
    assert kharkiv["date_earliest"] == "2022-05-13" and kharkiv["date_latest"] == "2022-05-19"
    assert kharkiv["inter1"] == "1"                 # "Military Forces of Russia"
    assert float(kharkiv["latitude"]) == pytest.approx(49.99)


def test_acled_csv_neutralises_formulas(db, tmp_path):
    out = tmp_path / "events.csv"
    ex.export(db, fmt="acled-csv", out=str(out))
    rows = _rows(out)
    som = next(r for r in rows if r["location"] == "Mogadishu")
    assert som["source"] == "'" + corpus.HOSTILE_OUTLET
    assert som["actor1"] == "'@Al-Shabaab"
    assert som["attributed_to"] == "'-police"
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    for row in rows:
        for key, value in row.items():
            assert not value.startswith(dangerous), (key, value)


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("", ""), (12, 12), (-3.5, -3.5), (None, None)])
def test_neutralise(value, expected):
    assert ex.neutralise(value) == expected


def test_acled_inter_codes_from_names_and_types():
    types = {"Houthis": "ARMED_GROUP", "Nigerian Army": "GOV_BODY"}
    assert ex.inter_code("Protesters (Kenya)", types=types) == 6
    assert ex.inter_code("Rioters (Pakistan)", types=types) == 5
    assert ex.inter_code("Fulani ethnic militia", types=types) == 4
    assert ex.inter_code("Civilians (Burkina Faso)", types=types) == 7
    assert ex.inter_code("Police Forces of Afghanistan", types=types) == 1
    assert ex.inter_code("Houthis", types=types) == 2
    assert ex.inter_code("Sudanese government forces", types=types) == 1
    assert ex.inter_code("Russian troops", types=types) == 1
    assert ex.inter_code("unidentified gunmen", types=types) == 2
    assert ex.inter_code("Saudi-led coalition", types=types) == 8
    assert ex.inter_code("Somali National Army", types=types) == 1
    assert ex.inter_code("Nigerian Army", types=types) == 1
    assert ex.inter_code(None, types=types) is None
    assert ex.interaction(2, 1) == 12 and ex.interaction(None, 7) == 70 and ex.interaction(None, None) is None


def test_acled_csv_falls_back_to_mentions(unfused_db, tmp_path):
    out = tmp_path / "events.csv"
    n = ex.export(unfused_db, fmt="acled-csv", out=str(out))
    rows = _rows(out)
    assert n == len(rows) == corpus.EXPECTED_MENTIONS
    assert sorted(r["fatalities"] for r in rows if r["location"] == "Kawuri") == ["12", "12", "14"]


def test_geojson(db, tmp_path):
    out = tmp_path / "events.geojson"
    n = ex.export(db, fmt="geojson", out=str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == n == corpus.EXPECTED_FUSED
    marib = next(f for f in data["features"] if f["properties"]["location"] == "Marib")
    assert marib["geometry"] == {"type": "Point", "coordinates": [45.32, 15.46]}
    assert marib["properties"]["type"] == "Battles" and marib["properties"]["fatalities"] == 30
    ev = marib["properties"]["evidence"][0]
    text = corpus.YEM
    assert text[ev["start"]:ev["end"]] == ev["evidence"] and ev["outlet"] == "Al-Masdar Online"
    assert marib["properties"]["sources"] == ["yem_marib_clashes"]


def test_jsonl_documents_with_reuses(db, tmp_path):
    out = tmp_path / "docs.jsonl"
    n = ex.export(db, fmt="jsonl", out=str(out))
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(lines) == 7
    by_doc = {d["doc"]: d for d in lines}
    repost = by_doc["borno_watch_repost"]
    assert repost["reuses"][0]["other"] == "nga_daily_trust" and repost["reuses"][0]["relation"] == "copies_with_edits"
    assert repost["boilerplate"] == ["Share this story"] and repost["comments_begin"] == "Comments (3)"
    ev = by_doc["syr_idlib_market"]["events"][0]
    assert ev["evidence"] in by_doc["syr_idlib_market"]["text"]
    assert by_doc["som_hostile"]["title"] == corpus.HOSTILE_TITLE    # data exports keep text as is


def test_events_jsonl(db, tmp_path):
    out = tmp_path / "events.jsonl"
    n = ex.export(db, fmt="events-jsonl", out=str(out))
    items = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(items) == corpus.EXPECTED_FUSED
    kawuri = next(i for i in items if i["id"] == "F-kawuri")
    assert {m["doc"] for m in kawuri["mentions"]} == {"nga_daily_trust", "nga_premium_times", "borno_watch_repost"}
    assert all(m["evidence"] for m in kawuri["mentions"])
    assert kawuri["fatalities_reported"] == [12, 12, 14]


def test_stdout(db, capsys):
    n = ex.export(db, fmt="events-jsonl", out=None)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == n and json.loads(printed[0])["id"]


def test_parquet(db, tmp_path):
    folder = tmp_path / "pq"
    n = ex.export(db, fmt="parquet", out=str(folder))
    docs = pq.read_table(folder / "documents.parquet")
    events = pq.read_table(folder / "events.parquet")
    claims = pq.read_table(folder / "claims.parquet")
    fused = pq.read_table(folder / "fused_events.parquet")
    assert (docs.num_rows, events.num_rows, claims.num_rows, fused.num_rows) == (7, 7, 4, 5)
    assert n == 7 + 7 + 4 + 5
    assert "text" in docs.column_names and "evidence" in events.column_names
    assert sorted(fused.column("location").to_pylist()) == ["Kawuri", "Kharkiv", "Maarat al-Numan", "Marib",
                                                             "Mogadishu"]


def test_unknown_format_and_missing_db(db, tmp_path):
    with pytest.raises(SitrepError) as err:
        ex.export(db, fmt="xlsx", out=str(tmp_path / "x"))
    assert err.value.code == "E105" and "acled-csv" in str(err.value)
    with pytest.raises(SitrepError) as err:
        ex.export(str(tmp_path / "missing.db"), fmt="jsonl", out=None)
    assert err.value.code == "E106"
    with pytest.raises(SitrepError) as err:
        ex.export(db, fmt="parquet", out=None)
    assert err.value.code == "E112"
