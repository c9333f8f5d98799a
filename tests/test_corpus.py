"""The cross-document glue over a real store: reuse links, fused events, incremental updates.

An incremental database (documents added run by run) must hold what a full rebuild of the
same inputs into a fresh database holds.
"""
from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

import sitrep
from sitrep.store import Store

ORIGINAL, REWRITE = "gao_convoy_ambush", "gao_convoy_ambush_rewrite"


def fused_view(db) -> list[str]:
    """Fused events as comparable text (every field, mentions and sources sorted)."""
    with Store(db, readonly=True) as s:
        out = []
        for f in s.fused_events():
            d = dataclasses.asdict(f)
            d["mentions"] = sorted(json.dumps(m, sort_keys=True) for m in d["mentions"])
            d["sources"] = sorted(d["sources"])
            out.append(json.dumps(d, sort_keys=True))
        return sorted(out)


def reuse_view(db) -> set[tuple[str, str, str]]:
    with Store(db, readonly=True) as s:
        return set(s.reuse_pairs())


def test_reuse_found_between_the_sample_and_its_rewrite(samples_db):
    pairs = reuse_view(samples_db)
    linked = {(a, b): rel for a, b, rel in pairs}
    found = linked.get((REWRITE, ORIGINAL)) or linked.get((ORIGINAL, REWRITE))
    assert found == "copies_with_edits", pairs
    # no other sample copies another: they are independent reports
    assert all({a, b} == {ORIGINAL, REWRITE} for a, b, _ in pairs), pairs
    with Store(samples_db, readonly=True) as s:
        data = {d.doc: d for d in s.documents()}
    copier = REWRITE if (REWRITE, ORIGINAL) in linked else ORIGINAL
    (link,) = data[copier].reuses
    assert link.relation == "copies_with_edits" and link.evidence and 0 < link.share <= 1


def test_the_rewrite_is_the_copier(samples_db):
    assert (REWRITE, ORIGINAL, "copies_with_edits") in reuse_view(samples_db)


def test_every_stored_event_is_in_one_fused_event(samples_db):
    with Store(samples_db, readonly=True) as s:
        mentions = [(doc, ev.id) for doc, ev in s.event_mentions()]
        fused = [(m["doc"], m["event"]) for f in s.fused_events() for m in f.mentions]
        unfused = s.conn.execute("SELECT count(*) FROM events WHERE fused_id IS NULL").fetchone()[0]
    assert sorted(mentions) == sorted(fused)
    assert unfused == 0


def test_adding_a_document_later_equals_a_full_rebuild(tmp_path, samples_db, res):
    folder = tmp_path / "grow"
    shutil.copytree(samples_db.parent / "samples", folder)
    held_back = tmp_path / f"{REWRITE}.txt"
    shutil.move(folder / f"{REWRITE}.txt", held_back)
    db = tmp_path / "incremental.db"
    first = sitrep.run([str(folder)], db=str(db), workers=1, resources=res)
    assert first.exit_code == 0
    with Store(db, readonly=True) as s:
        before = {r[0]: (r[1], r[2]) for r in s.conn.execute("SELECT id, run_id, ingested_at FROM documents")}
    assert reuse_view(db) == set()          # the copy is not there yet

    shutil.move(held_back, folder / f"{REWRITE}.txt")
    second = sitrep.run([str(folder)], db=str(db), workers=1, resources=res)
    assert second.documents_new == 1 and second.reuses >= 1
    with Store(db, readonly=True) as s:
        after = {r[0]: (r[1], r[2]) for r in s.conn.execute("SELECT id, run_id, ingested_at FROM documents")}
        assert s.conn.execute("SELECT count(*) FROM documents WHERE corpus_done=0").fetchone()[0] == 0
    # earlier documents were not analysed or stored again
    assert {k: after[k] for k in before} == before

    assert reuse_view(db) == reuse_view(samples_db)
    assert fused_view(db) == fused_view(samples_db)
    with Store(db, readonly=True) as inc, Store(samples_db, readonly=True) as full:
        assert inc.series() == full.series()
        assert inc.contradictions() == full.contradictions()


KHARKIV = ("KHARKIV, Ukraine - Russian missiles struck an industrial site in Kharkiv on 4 March 2024, killing "
           "two workers and injuring seven, regional governor Oleh Syniehubov said.\n")
ADEN = ("ADEN, Yemen - Gunmen shot dead a senior security officer outside his home in Aden on 6 March 2024, "
        "a local official said.\n")
KHARKIV_AGAIN = ("Two workers were killed and seven injured when Russian missiles hit an industrial site in "
                 "Kharkiv on 4 March 2024, the region's governor, Oleh Syniehubov, said on Telegram.\n")
MOGADISHU = ("MOGADISHU - Al-Shabaab fighters attacked a police station in Mogadishu's Yaqshid district on "
             "9 March 2024, killing three officers, police said.\n")


def test_a_changed_file_updates_fusion_like_a_rebuild(tmp_path, res):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kharkiv_site.txt").write_text(KHARKIV, encoding="utf-8")
    (folder / "kharkiv_governor.txt").write_text(KHARKIV_AGAIN, encoding="utf-8")
    (folder / "aden.txt").write_text(ADEN, encoding="utf-8")
    db = tmp_path / "changing.db"
    sitrep.run([str(folder)], db=str(db), workers=1, resources=res)
    with Store(db, readonly=True) as s:
        assert s.stats()["events"] >= 3
    # the second Kharkiv report is replaced by one about Mogadishu: its events must leave the fused events
    (folder / "kharkiv_governor.txt").write_text(MOGADISHU, encoding="utf-8")
    changed = sitrep.run([str(folder)], db=str(db), workers=1, resources=res)
    assert changed.documents_new == 1 and changed.files_unchanged == 2

    fresh = tmp_path / "fresh.db"
    sitrep.run([str(folder)], db=str(fresh), workers=1, resources=res)
    assert fused_view(db) == fused_view(fresh)
    with Store(db, readonly=True) as s:
        texts = sorted(d.text for d in s.documents())
        docs_in_fused = {m["doc"] for f in s.fused_events() for m in f.mentions}
        assert not s.stale_blocks()
    assert texts == sorted([KHARKIV, ADEN, MOGADISHU])
    assert docs_in_fused <= {"kharkiv_site", "kharkiv_governor", "aden"}
    assert not any("governor, Oleh" in v for v in fused_view(db))


def test_reuse_groups_changed_by_new_or_changed_files_match_a_rebuild(tmp_path, samples_dir, res):
    """A copy whose name sorts first joins the original's source group, then the copy is rewritten."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(samples_dir / f"{ORIGINAL}.txt", folder)
    (folder / "kharkiv_site.txt").write_text(KHARKIV, encoding="utf-8")
    db = tmp_path / "inc.db"
    sitrep.run([str(folder)], db=str(db), workers=1, resources=res)

    def same_as_rebuild(name: str) -> None:
        fresh = tmp_path / f"{name}.db"
        sitrep.run([str(folder)], db=str(fresh), workers=1, resources=res)
        assert reuse_view(db) == reuse_view(fresh)
        assert fused_view(db) == fused_view(fresh)

    shutil.copy(samples_dir / f"{REWRITE}.txt", folder / "a_copy.txt")     # sorts before the original
    sitrep.run([str(folder)], db=str(db), workers=1, resources=res)
    assert {frozenset((a, b)) for a, b, _ in reuse_view(db)} == {frozenset(("a_copy", ORIGINAL))}
    same_as_rebuild("grown")

    (folder / "a_copy.txt").write_text(ADEN, encoding="utf-8")          # the copy becomes another story
    sitrep.run([str(folder)], db=str(db), workers=1, resources=res)
    assert reuse_view(db) == set()
    with Store(db, readonly=True) as s:
        assert all(d.reuses == [] for d in s.documents())     # nor in the exported document JSON
    same_as_rebuild("changed")


def test_inputs_with_one_base_name_stay_apart(tmp_path, res):
    for sub, text in (("monday", KHARKIV), ("tuesday", MOGADISHU)):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "story.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "names.db"
    sitrep.run([str(tmp_path / "monday")], db=str(db), workers=1, resources=res)
    sitrep.run([str(tmp_path / "tuesday")], db=str(db), workers=1, resources=res)
    with Store(db, readonly=True) as s:
        docs = {d.doc: d.text for d in s.documents()}
        fused_docs = {m["doc"] for f in s.fused_events() for m in f.mentions}
    assert len(docs) == 2 and docs["story"] == KHARKIV
    (other,) = set(docs) - {"story"}
    assert other.startswith("story-") and docs[other] == MOGADISHU
    assert fused_docs == set(docs)          # each document's events fused under its own name


def _analysed_copy(samples_db, tmp_path, name: str):
    """A copy of the samples database with the corpus results wiped, as if only analysed."""
    db = tmp_path / name
    shutil.copy(samples_db, db)
    with Store(db) as s:
        s.migrate()
        with s.transaction():
            for table in ("reuses", "fused_events", "series", "contradictions", "reuse_signatures",
                          "event_blocks", "state"):
                s.conn.execute(f"DELETE FROM {table}")
            s.conn.execute("UPDATE events SET fused_id=NULL")
            s.conn.execute("UPDATE claims SET series_key=NULL")
            s.conn.execute("UPDATE documents SET corpus_done=0")
            for doc_id, data in s.conn.execute("SELECT id, data FROM documents").fetchall():
                d = json.loads(data)
                d["reuses"] = []
                s.conn.execute("UPDATE documents SET data=? WHERE id=?", (json.dumps(d), doc_id))
    return db


def test_corpus_step_in_small_chunks_equals_one_pass(tmp_path, samples_db):
    # chunks of one document hold almost nothing in memory; the results must not depend on it
    from sitrep import corpus
    one, many = _analysed_copy(samples_db, tmp_path, "one.db"), _analysed_copy(samples_db, tmp_path, "many.db")
    with Store(one) as s:
        corpus.update(s, chunk=10_000)
    with Store(many) as s:
        corpus.update(s, chunk=1)
        assert s.conn.execute("SELECT count(*) FROM documents WHERE corpus_done=0").fetchone()[0] == 0
        n_rows = s.conn.execute("SELECT count(*) FROM reuse_signatures").fetchone()[0]
        n_docs = s.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert n_rows == n_docs      # one compact index row per document, kept in the store
    assert reuse_view(one) == reuse_view(many) == reuse_view(samples_db)
    assert fused_view(one) == fused_view(many) == fused_view(samples_db)
    with Store(one, readonly=True) as a, Store(many, readonly=True) as b, Store(samples_db, readonly=True) as c:
        assert a.series() == b.series() == c.series()
        assert a.contradictions() == b.contradictions() == c.contradictions()
