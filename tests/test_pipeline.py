"""The stage registry, build-time checks and the local engine, with the real stages and spaCy."""
from __future__ import annotations

import json

import pytest

import sitrep
from sitrep.errors import SitrepError
from sitrep.model import Document
from sitrep.settings import Settings
from sitrep.pipeline import DEFAULT_STAGES, build, process, registry, stage
from sitrep.store import Store

BOOM = "detonator-test-marker"   # a word no real report contains: the test stage fails on it


@stage("test_fail_on_marker", reads=("text",), writes=("flags",), analysis=False)
def _fail_on_marker(docs, *, res):
    for d in docs:
        if BOOM in d.text:
            raise ValueError("cannot handle this document")
        d.flags = [f for f in d.flags if f != "checked"] + ["checked"]


@stage("test_reads_nothing_written", reads=("casualty_table",), writes=("flags",))
def _reads_unknown(docs, *, res):
    pass


ENGLISH = [
    ("Gunmen on motorcycles attacked a livestock market near Gusau in Zamfara State on Friday, killing "
     "eleven traders, a police spokesman said."),
    ("Two mortar rounds landed near a school in Baidoa on Tuesday morning, wounding four pupils, "
     "according to a district official."),
    ("Security forces fired tear gas at several hundred demonstrators in Kabul on Saturday who were "
     "protesting against rising bread prices, witnesses said."),
]
FRENCH = ("Des hommes armés ont attaqué un poste de gendarmerie dans la région de Tillabéri, au Niger, "
          "dans la nuit de mardi à mercredi. Selon une source sécuritaire, trois gendarmes ont été tués et "
          "plusieurs autres blessés. Les assaillants sont repartis vers la frontière malienne avec des "
          "véhicules et des armes.")


def _doc(i: int, text: str) -> Document:
    return Document(id=f"t{i}", doc=f"t{i}", text=text, language="en")


def test_registry_holds_the_default_stages():
    reg = registry()
    assert set(DEFAULT_STAGES) <= set(reg)
    assert build().names == list(DEFAULT_STAGES)


def test_unknown_stage_is_refused_at_build_time():
    with pytest.raises(SitrepError) as err:
        build(["clean", "nlp", "geocode_everything"])
    assert err.value.code == "E102"
    assert "geocode_everything" in str(err.value) and "nlp" in str(err.value)   # lists the known stages


def test_reading_a_field_nothing_writes_is_refused_at_build_time():
    with pytest.raises(SitrepError) as err:
        build(["clean", "test_reads_nothing_written"])
    assert err.value.code == "E103" and "casualty_table" in str(err.value)
    # a real stage built without the stage that writes what it reads
    with pytest.raises(SitrepError) as err:
        build(["clean", "nlp", "events"])
    assert err.value.code == "E103" and "'events'" in str(err.value)


def test_a_failing_document_is_quarantined_alone(res):
    docs = [_doc(0, ENGLISH[0]), _doc(1, f"{ENGLISH[1]} {BOOM}"), _doc(2, ENGLISH[2])]
    for d in docs:
        d.source = f"inbox/{d.doc}.txt"
    pipe = build(["clean", "test_fail_on_marker", "nlp", "entities"])
    out, dropped = pipe(docs, res=res)
    assert [d.doc for d in out] == ["t0", "t2"]
    assert len(dropped) == 1
    q = dropped[0]
    assert (q.source, q.record, q.code) == ("inbox/t1.txt", "t1", "E301")
    assert "test_fail_on_marker" in q.reason and "cannot handle this document" in q.reason
    # the rest of the batch went through the later stages
    assert all("checked" in d.flags and d.sentences and d.mentions for d in out)


def test_process_in_process_keeps_batches_in_order(res):
    batches = [[_doc(0, ENGLISH[0]), _doc(1, BOOM)], [_doc(2, ENGLISH[2])]]
    results = list(process(batches, names=("clean", "test_fail_on_marker"), workers=1, resources=res))
    assert [[d.doc for d in out] for out, _ in results] == [["t0"], ["t2"]]
    assert [[q.record for q in dropped] for _, dropped in results] == [["t1"], []]


def test_non_english_documents_are_stored_but_not_analysed(tmp_path, res):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tillaberi_fr.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "zamfara.txt").write_text(" ".join(ENGLISH[:1]) + "\n", encoding="utf-8")
    db = tmp_path / "lang.db"
    summary = sitrep.run([str(folder)], db=str(db), workers=1, resources=res)
    assert summary.documents_new == 2 and summary.documents_not_analysed == 1
    assert summary.exit_code == 0
    with Store(db, readonly=True) as s:
        stats = s.stats()
        assert stats["documents"] == 2 and stats["analysed"] == 1
        fr = s.document("tillaberi_fr")
        en = s.document("zamfara")
    assert "not-analysed" in fr.flags and fr.language == "fr"
    assert fr.mentions == [] and fr.events == [] and fr.sentences == []
    assert fr.text == FRENCH
    assert "not-analysed" not in en.flags and en.mentions


def test_rerunning_the_pipeline_on_a_document_changes_nothing(res):
    """Stages overwrite what they write: a second pass over the same objects gives the same JSON."""
    text = " ".join(ENGLISH) + ("\nThe governor said at least 300 fighters of the group were hiding in "
                                "the Rugu forest.\n")
    pipe = build()
    docs, dropped = pipe([_doc(9, text)], res=res)
    assert not dropped
    first = json.dumps(docs[0].to_json(), sort_keys=True)
    again, dropped = pipe(docs, res=res)
    assert not dropped
    assert json.dumps(again[0].to_json(), sort_keys=True) == first


def test_odd_texts_do_not_break_the_stages(res):
    odd = ["", "   \n\n  ", "!!!! ???? ....", "٣٠ قتيلا في هجوم", "x" * 5000, "Kharkiv\n" * 300,
           "\x00\x01 control \u202e characters"]
    docs = [Document(id=f"o{i}", doc=f"o{i}", text=t, language="en") for i, t in enumerate(odd)]
    out, dropped = build()(docs, res=res)
    assert dropped == [] and len(out) == len(odd)


def test_pool_and_in_process_runs_give_identical_documents(samples_dir, res):
    small = Settings(batch_size=3)   # several batches, so that both workers get some
    one = sitrep.analyse_paths([str(samples_dir)], workers=1, settings=small, resources=res, reuse=False)
    two = sitrep.analyse_paths([str(samples_dir)], workers=2, settings=small, reuse=False)
    assert len(one) == len(two) >= 8
    assert [d.doc for d in one] == [d.doc for d in two]
    for a, b in zip(one, two):
        assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True), a.doc
