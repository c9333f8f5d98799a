"""The Python API (``sitrep.run``, ``export``, ``stats``, ``analyse_paths``) on real files and databases."""
from __future__ import annotations

import json
import shutil

import pytest

import sitrep
from sitrep.errors import SitrepError
from sitrep.model import Event
from sitrep.pipeline import stage
from sitrep.settings import Settings
from sitrep.store import Store

# The top-level fields of the document JSON in DESIGN.md (the export adds fields, never renames these).
DESIGN_FIELDS = {"doc", "outlet", "kind", "published", "boilerplate", "comments_begin", "reuses", "entities",
                 "events", "claims", "mentions", "places", "text"}
EVENT_FIELDS = {"id", "type", "sub_type", "date", "location", "actor1", "actor2", "fatalities", "injured",
                "attributed_to", "hedged", "evidence"}
CLAIM_FIELDS = {"id", "about", "where", "when", "value", "unit", "attributed_to", "evidence"}

NEW_REPORT = ("MOGADISHU, Somalia - A suicide car bomb exploded at the gate of a hotel near the presidential "
              "palace in Mogadishu on Thursday evening, killing at least six people and wounding 14, a police "
              "officer told reporters. Al-Shabaab said it carried out the attack.\n")
STORE_BREAKER = "unstorable-value-test-marker"


@stage("test_wrong_type_event", reads=("text",), writes=("events",), analysis=False)
def _wrong_type_event(docs, *, res):
    # a stage bug: an actor that is not a string, which the database cannot hold
    for d in docs:
        d.events = [Event("V1", "Battles", "Armed clash", actor1=object())] if STORE_BREAKER in d.text else []


def test_run_rerun_and_grown_folder(samples_copy, tmp_path, res):
    db = tmp_path / "api.db"
    first = sitrep.run([str(samples_copy)], db=str(db), workers=1, resources=res)
    assert first.exit_code == 0 and first.quarantined == []
    assert first.documents_new >= 8 and first.events > 0 and first.claims > 0 and first.entities > 0
    assert first.files_unchanged == 0
    with Store(db, readonly=True) as s:
        n_inputs = s.stats()["inputs"]
        assert s.stats()["documents"] == first.documents_new

    again = sitrep.run([str(samples_copy)], db=str(db), workers=1, resources=res)
    assert again.documents_new == 0 and again.files_unchanged == n_inputs and again.exit_code == 0

    (samples_copy / "mogadishu_hotel.txt").write_text(NEW_REPORT, encoding="utf-8")
    grown = sitrep.run([str(samples_copy)], db=str(db), workers=1, resources=res)
    assert grown.documents_new == 1 and grown.files_unchanged == n_inputs
    with Store(db, readonly=True) as s:
        assert s.stats()["documents"] == first.documents_new + 1
        assert s.document("mogadishu_hotel").events


def test_a_copied_file_adds_no_document(samples_copy, tmp_path):
    db = tmp_path / "dup.db"
    one = sitrep.run([str(samples_copy / "gao_convoy_ambush.txt")], db=str(db), workers=1,
                     stages=("clean",), corpus=False)
    shutil.copy(samples_copy / "gao_convoy_ambush.txt", tmp_path / "same_story_again.txt")
    two = sitrep.run([str(tmp_path / "same_story_again.txt")], db=str(db), workers=1, stages=("clean",),
                     corpus=False)
    assert one.documents_new == 1 and two.documents_new == 0 and two.documents_duplicate == 1
    assert sitrep.stats(str(db))["documents"] == 1


def test_a_changed_file_replaces_its_documents(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    report = folder / "report.txt"
    report.write_text("Clashes broke out in Tripoli's southern suburbs overnight, residents said.\n")
    db = tmp_path / "chg.db"
    sitrep.run([str(folder)], db=str(db), workers=1, stages=("clean",), corpus=False)
    report.write_text("Fighting resumed near Sirte airport on Sunday, a militia commander said.\n")
    summary = sitrep.run([str(folder)], db=str(db), workers=1, stages=("clean",), corpus=False)
    assert summary.documents_new == 1 and summary.files_unchanged == 0
    with Store(db, readonly=True) as s:
        docs = list(s.documents())
        assert [d.text for d in docs] == [report.read_text()]
        assert s.search("Tripoli") == [] and len(s.search("Sirte")) == 1


def test_a_changed_file_with_the_same_text_keeps_one_document(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    report = folder / "report.txt"
    report.write_text("Houthi drones struck an oil terminal in Shabwa province, officials said.\n")
    db = tmp_path / "touch.db"
    sitrep.run([str(folder)], db=str(db), workers=1, stages=("clean",), corpus=False)
    report.write_text(report.read_text() + "\n")      # new size, same normalised text: same id
    sitrep.run([str(folder)], db=str(db), workers=1, stages=("clean",), corpus=False)
    assert sitrep.stats(str(db))["documents"] == 1


def test_missing_input_is_e101_and_makes_no_database(tmp_path):
    db = tmp_path / "never.db"
    with pytest.raises(SitrepError) as err:
        sitrep.run([str(tmp_path / "no_such_folder")], db=str(db), workers=1)
    assert err.value.code == "E101" and "no_such_folder" in str(err.value)
    assert not db.exists()


def test_bad_options_are_refused_before_work(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(NEW_REPORT)
    with pytest.raises(SitrepError) as err:
        sitrep.run([str(folder)], db=str(tmp_path / "x.db"), stages=("clean", "no_such_stage"))
    assert err.value.code == "E102"
    with pytest.raises(SitrepError) as err:
        sitrep.run([str(folder)], db=str(tmp_path / "x.db"), workers=-1)
    assert err.value.code == "E112"
    assert not (tmp_path / "x.db").exists()


def test_a_document_the_store_cannot_take_is_quarantined_alone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good_one.txt").write_text(NEW_REPORT)
    (folder / "bad_one.txt").write_text(f"Troops clashed with rebels near Goma on Monday. {STORE_BREAKER}\n")
    (folder / "good_two.txt").write_text("Police arrested 40 protesters in Khartoum on Friday, activists said.\n")
    db = tmp_path / "e303.db"
    summary = sitrep.run([str(folder)], db=str(db), workers=1, stages=("clean", "test_wrong_type_event"),
                         corpus=False)
    assert summary.exit_code == 1
    assert [(q.code, q.record) for q in summary.quarantined] == [("E303", "bad_one")]
    assert str(folder / "bad_one.txt") == summary.quarantined[0].source
    with Store(db, readonly=True) as s:
        assert sorted(d.doc for d in s.documents()) == ["good_one", "good_two"]
        assert [(q.code, q.record) for q in s.quarantined()] == [("E303", "bad_one")]


def test_quarantined_file_gives_exit_code_1_and_a_reason(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(NEW_REPORT)
    (folder / "empty.txt").write_bytes(b"")
    summary = sitrep.run([str(folder)], db=str(tmp_path / "q.db"), workers=1, stages=("clean",), corpus=False)
    assert summary.exit_code == 1 and summary.documents_new == 1
    assert [(q.code, q.source) for q in summary.quarantined] == [("E202", str(folder / "empty.txt"))]


def test_export_jsonl_has_the_design_fields(samples_db, tmp_path):
    out = tmp_path / "docs.jsonl"
    n = sitrep.export(str(samples_db), fmt="jsonl", out=str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert n == len(lines) == sitrep.stats(str(samples_db))["documents"]
    for line in lines:
        d = json.loads(line)
        assert DESIGN_FIELDS <= set(d), DESIGN_FIELDS - set(d)
        assert {"earliest", "latest", "evidence"} <= set(d["published"])
        for ev in d["events"]:
            assert EVENT_FIELDS <= set(ev)
            assert ev["evidence"] and ev["evidence"] in d["text"]
        for cl in d["claims"]:
            assert CLAIM_FIELDS <= set(cl)
            assert {"low", "high", "text"} <= set(cl["value"])
            assert cl["evidence"] in d["text"]
        for m in d["mentions"]:
            assert d["text"][m["start"]:m["end"]] == m["text"]
        for p in d["places"]:
            assert d["text"][p["start"]:p["end"]] == p["text"]
        for line_ in d["boilerplate"]:
            assert line_ in d["text"]


def test_export_unknown_format_is_e105(samples_db):
    with pytest.raises(SitrepError) as err:
        sitrep.export(str(samples_db), fmt="xlsx", out=None)
    assert err.value.code == "E105"


def test_stats_counts_and_missing_database(samples_db, tmp_path):
    s = sitrep.stats(str(samples_db))
    assert s["documents"] >= 8 and s["events"] > 0 and s["quarantined"] == 0 and s["runs"] == 1
    assert s["schema"] and s["schema"][0].startswith("0001")
    with pytest.raises(SitrepError) as err:
        sitrep.stats(str(tmp_path / "nothing.db"))
    assert err.value.code == "E106"
    assert not (tmp_path / "nothing.db").exists()


def test_analyse_paths_without_a_database(samples_dir, res, tmp_path):
    docs = sitrep.analyse_paths([str(samples_dir / "gao_convoy_ambush.txt"),
                                 str(samples_dir / "gao_convoy_ambush_rewrite.txt")], resources=res)
    assert [d.doc for d in docs] == ["gao_convoy_ambush", "gao_convoy_ambush_rewrite"]
    assert all(d.spacy is None for d in docs)              # the spaCy Doc never leaves the stage run
    assert any(d.reuses for d in docs)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    places = ["Gao", "Mopti", "Kidal", "Timbuktu", "Menaka"]
    for i, place in enumerate(places):
        (folder / f"report_{i}.txt").write_text(f"Militants attacked an army post near {place} on day {i}, "
                                                f"officials said.\n", encoding="utf-8")
    db = tmp_path / "resume.db"

    def interrupt(what, n):
        raise KeyboardInterrupt   # the user presses Ctrl-C once the first batch is stored

    with pytest.raises(KeyboardInterrupt):
        sitrep.run([str(folder)], db=str(db), workers=1, stages=("clean",), settings=Settings(batch_size=2),
                   on_progress=interrupt)
    with Store(db, readonly=True) as s:
        assert s.stats()["documents"] == 2      # the batch written before the interruption stays
    resumed = sitrep.run([str(folder)], db=str(db), workers=1, stages=("clean",), settings=Settings(batch_size=2))
    assert resumed.documents_new == 3 and resumed.exit_code == 0
    with Store(db, readonly=True) as s:
        assert sorted(d.doc for d in s.documents()) == [f"report_{i}" for i in range(5)]
        assert s.stats()["inputs"] == 5
