"""The SQLite store on real database files: migrations, WAL, FTS5, batches, round trips.

Documents here are written by hand (short reports from Syria, Somalia, Ukraine, the Sahel)
with hand-made analysis results, so that the store is tested apart from the extractors;
the round trip of fully analysed documents uses the sample inputs and the real pipeline.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

import sitrep
from sitrep.errors import SitrepError
from sitrep.model import (Claim, DateWindow, Document, Entity, Event, Location, Mention, Place, Quarantined, Span,
                          Value)
from sitrep.store import Store
from sitrep.store.db import _migrations

SYRIA = ("IDLIB - Artillery shells struck the village of Kafr Nabl on Monday, killing three farmers, "
         "the local council said.\n"
         "The council said about 400 families had fled towards the Turkish border since January.\n")
SOMALIA = ("Al-Shabaab fighters overran a military base near Bulo Burte in Hiiraan region on Sunday, "
           "a district official said.\n")
UKRAINE = "A drone hit an apartment block in Odesa overnight, wounding five people, the regional governor said.\n"


def _span(text: str, phrase: str) -> Span:
    i = text.index(phrase)
    return Span(i, i + len(phrase))


def syria_doc(*, path: str | None = "inputs/idlib.txt") -> Document:
    d = Document(id="syr-1", doc="idlib_shelling", text=SYRIA, title="Shells hit Kafr Nabl", path=path,
                 source=path, outlet="Levant Wire", language="en",
                 published=DateWindow("2019-05-13", "2019-05-13", "day", None, "dateline", "metadata"))
    d.mentions = [Mention(*_s(SYRIA, "Kafr Nabl"), "GPE", "E1")]
    d.entities = [Entity("E1", "Kafr Nabl", "GPE", ["Kafr Nabl"], None, None)]
    d.places = [Place(*_s(SYRIA, "Kafr Nabl"), name="Kafr Nabl", gazetteer_id="g1", admin1="Idlib",
                      country="Syria", iso="SY", lat=35.58, lon=36.56, precision="city")]
    d.events = [Event("V1", "Explosions/Remote violence", "Shelling/artillery/missile attack",
                      date=DateWindow("2019-05-13", "2019-05-13", "day", "on Monday"),
                      location=Location("Kafr Nabl", "Idlib", "Syria", "SY", 35.58, 36.56, "city"),
                      actor2="Civilians (Syria)", fatalities=3, attributed_to="the local council",
                      spans=[_span(SYRIA, SYRIA.splitlines()[0])])]
    d.claims = [Claim("C1", "displaced families", Value(400, 400, "about 400"), unit="families",
                      where="Turkish border", attributed_to="the council", hedged=True,
                      when=DateWindow("2019-01-01", "2019-05-13", "range", "since January"),
                      spans=[_span(SYRIA, SYRIA.splitlines()[1])])]
    return d


def _s(text: str, phrase: str) -> tuple[int, int, str]:
    i = text.index(phrase)
    return i, i + len(phrase), phrase


def plain_doc(doc_id: str, name: str, text: str, *, title: str | None = None, path: str | None = None) -> Document:
    return Document(id=doc_id, doc=name, text=text, title=title, path=path, source=path)


@pytest.fixture()
def store(tmp_path):
    s = Store(tmp_path / "t.db")
    s.migrate()
    yield s
    s.close()


def test_migrations_applied_once_and_recorded_by_name(tmp_path):
    path = tmp_path / "m.db"
    names = [n for n, _ in _migrations()]
    assert names and names == sorted(names)
    with Store(path) as s:
        assert s.migrate() == names
        assert s.schema_version() == names
        rows = s.conn.execute("SELECT name, applied_at FROM migrations").fetchall()
        assert [r[0] for r in rows] == names and all(r[1] for r in rows)
    with Store(path) as s:                      # re-opening applies nothing
        assert s.migrate() == []
        assert s.schema_version() == names


def test_an_older_database_gets_only_the_newer_migrations(tmp_path):
    path = tmp_path / "old.db"
    (first, first_sql), *later = _migrations()
    conn = sqlite3.connect(path)    # a database made by a sitrep that knew only the first migration
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT 'then')")
    conn.executescript(first_sql)
    conn.execute("INSERT INTO migrations(name) VALUES (?)", (first,))
    conn.commit()
    conn.close()
    with Store(path) as s:
        assert s.migrate() == [name for name, _ in later]
        assert s.schema_version() == [first] + [name for name, _ in later]
        s.write_batch([syria_doc()])
        assert s.stats()["events"] == 1


def test_unknown_newer_migration_is_refused_with_e107(tmp_path):
    path = tmp_path / "future.db"
    with Store(path) as s:
        s.migrate()
        s.conn.execute("INSERT INTO migrations(name) VALUES ('9999_from_a_newer_sitrep')")
    with Store(path) as s:
        with pytest.raises(SitrepError) as err:
            s.migrate()
    assert err.value.code == "E107"
    assert "9999_from_a_newer_sitrep" in str(err.value) and str(path) in str(err.value)


def test_wal_mode_is_on(store, tmp_path):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    # a second connection to the same file sees WAL too: it is a property of the file
    other = sqlite3.connect(tmp_path / "t.db")
    assert other.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    other.close()


def test_fts_finds_a_document_by_text_and_title(store):
    store.write_batch([syria_doc(), plain_doc("som-1", "bulo_burte", SOMALIA, title="Base overrun in Hiiraan")])
    by_text = store.search("farmers")
    assert [r["doc"] for r in by_text] == ["idlib_shelling"]
    assert "farmers" in by_text[0]["snippet"]
    by_title = store.search("overrun")             # "overrun" is in the Somali title and text
    assert [r["doc"] for r in by_title] == ["bulo_burte"]
    assert [r["doc"] for r in store.search("title:Hiiraan")] == ["bulo_burte"]   # the title column alone
    assert store.search("Odesa") == []


def test_bad_fts_syntax_raises_operational_error(store):
    store.write_batch([syria_doc()])
    for bad in ('"unclosed phrase', "farmers AND", "NEAR(", "(("):
        with pytest.raises(sqlite3.OperationalError):
            store.search(bad)


def test_write_batch_is_one_transaction(store):
    good = syria_doc()
    broken = plain_doc("ukr-1", "odesa_drone", UKRAINE, path="inputs/odesa.txt")
    # two events with one id break a key constraint after the second document's row is written:
    # the batch fails half-way through
    broken.events = [Event("V1", "Explosions/Remote violence", "Air/drone strike"),
                     Event("V1", "Violence against civilians", "Attack")]
    with pytest.raises(sqlite3.IntegrityError):
        store.write_batch([good, broken], [Quarantined("inputs/bad.html", None, "E205", "no article text")],
                          inputs=[("inputs/idlib.txt", 10, 1, 1, 0)])
    for table in ("documents", "events", "claims", "quarantine", "inputs", "documents_fts"):
        assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    store.write_batch([good])                      # the store is usable after the rollback
    assert store.stats()["documents"] == 1


def test_writing_the_same_document_twice_adds_nothing(store):
    store.write_batch([syria_doc()])
    before = store.stats()
    store.write_batch([syria_doc()])
    after = store.stats()
    assert before == after and after["documents"] == 1 and after["events"] == 1 and after["claims"] == 1


def test_replace_paths_drops_old_documents_of_a_changed_input(store):
    run1 = store.start_run({})
    old = plain_doc("old", "report", SOMALIA, path="in/report.txt")
    store.write_batch([old], run_id=run1, inputs=[("in/report.txt", 1, 1, 1, 0)])
    run2 = store.start_run({})
    new = plain_doc("new", "report", UKRAINE, path="in/report.txt")
    store.write_batch([new], run_id=run2, replace_paths=["in/report.txt"], inputs=[("in/report.txt", 2, 2, 1, 0)])
    assert [d.id for d in store.documents()] == ["new"]
    assert store.search("Hiiraan") == []          # the search index forgot the old text
    assert store.conn.execute("SELECT size FROM inputs WHERE path='in/report.txt'").fetchone()[0] == 2


def test_document_round_trip_of_a_hand_made_document(store):
    d = syria_doc()
    store.write_batch([d])
    back = store.document("syr-1")
    assert back is not None
    assert back.to_json() == d.to_json()
    assert store.document("idlib_shelling").id == "syr-1"       # by doc name as well
    assert store.document("no-such-doc") is None


def test_events_and_claims_read_back_from_their_rows_are_whole(store):
    # incremental fusion and the series read events and claims back from the rows: nothing may be lost
    d = syria_doc()
    d.events[0].location.gazetteer_id = "geonames:170017"
    d.events[0].date.evidence, d.events[0].date.source = "Monday before publication", "text"
    d.events[0].trigger = "struck"
    d.claims[0].when.evidence, d.claims[0].when.source = "since January, in the year published", "text"
    store.write_batch([d])
    assert store.event_mentions() == [("idlib_shelling", d.events[0])]
    assert store.claim_items() == [("idlib_shelling", d.claims[0])]


def _sorted_json(d: dict) -> str:
    def norm(x):
        if isinstance(x, dict):
            return {k: norm(v) for k, v in sorted(x.items())}
        if isinstance(x, list):
            return sorted((norm(v) for v in x), key=lambda v: json.dumps(v, sort_keys=True))
        return x
    return json.dumps(norm(d), sort_keys=True)


def test_analysed_documents_round_trip(tmp_path, samples_dir, res):
    docs = sitrep.analyse_paths([str(samples_dir)], workers=1, resources=res, reuse=False)
    assert len(docs) >= 8
    assert sum(len(d.events) for d in docs) > 0 and sum(len(d.mentions) for d in docs) > 0
    with Store(tmp_path / "rt.db") as s:
        s.migrate()
        s.write_batch(docs)
        for d in docs:
            back = s.document(d.id)
            assert back is not None, d.doc
            assert _sorted_json(back.to_json()) == _sorted_json(d.to_json()), d.doc


def test_quarantine_rows_keep_source_record_code_reason(store):
    q = [Quarantined("feeds/broken.rss", None, "E210", "malformed XML feed: mismatched tag"),
         Quarantined("dump.jsonl", "line 7", "E207", "malformed JSON at line 7: Expecting value")]
    store.write_batch([], q)
    store.write_batch([], q[:1])                   # the same input again: still one row
    key = lambda x: (x.source, x.record or "")  # noqa: E731
    assert sorted(store.quarantined(), key=key) == sorted(q, key=key)
    assert store.stats()["quarantined"] == 2


def test_readonly_store_cannot_write(tmp_path):
    path = tmp_path / "ro.db"
    with Store(path) as s:
        s.migrate()
        s.write_batch([syria_doc()])
    with Store(path, readonly=True) as ro:
        assert ro.stats()["documents"] == 1
        assert ro.search("Kafr") != []
        with pytest.raises(sqlite3.OperationalError):
            ro.write_batch([plain_doc("som-1", "bulo_burte", SOMALIA)])
        with pytest.raises(sqlite3.OperationalError):
            ro.conn.execute("DELETE FROM documents")
    with Store(path, readonly=True) as ro:
        assert ro.stats()["documents"] == 1


def test_readonly_store_of_a_missing_file_is_e106(tmp_path):
    with pytest.raises(SitrepError) as err:
        Store(tmp_path / "absent.db", readonly=True)
    assert err.value.code == "E106"
    assert not (tmp_path / "absent.db").exists()


def test_plain_serialises_like_asdict():
    # the store writes fused events and reuse links through _plain (asdict without deep copies)
    import dataclasses

    from sitrep.model import FusedEvent, Reuse
    from sitrep.store.db import _plain
    fe = FusedEvent(id="F1", type="Battles", sub_type="Armed clash",
                    date=DateWindow(earliest="2022-03-01", latest="2022-03-02"),
                    location=Location(name="Kidal", country="Mali", iso="MLI", lat=18.44, lon=1.41),
                    actor1="Military Forces of Mali", actor2=None, fatalities=4, injured=None,
                    fatalities_reported=[4, 6], mentions=[{"doc": "a", "event": "E1", "evidence": "x"}],
                    sources=["a", "b"], hedged=True, blocking_key="MLI|2022-03")
    assert json.dumps(_plain(fe), sort_keys=True) == json.dumps(dataclasses.asdict(fe), sort_keys=True)
    r = Reuse(other="b", relation="quotes", evidence="e", share=0.2,
              passages=[{"a_start": 0, "a_end": 5, "b_start": 1, "b_end": 6, "similarity": 0.9}])
    assert _plain(r) == dataclasses.asdict(r)
