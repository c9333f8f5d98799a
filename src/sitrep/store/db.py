"""One SQLite file holds everything: documents, analysis, cross-document results.

* WAL mode: one writer (``sitrep run``), many readers (``serve``, ``brief``, ``export``).
* Schema changes are named migrations (``migrations/NNNN_name.sql``) recorded in the
  ``migrations`` table, applied in order inside a transaction.
* A batch of documents is written in one transaction: a killed run loses at most the
  batch in flight.  An input file is marked seen in the transaction that stores its
  last document, so a rerun resumes where the killed one stopped.
"""
from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources as ilr
from pathlib import Path

from ..errors import SitrepError
from ..model import (Claim, DateWindow, Document, Event, FusedEvent, Location, Quarantined, Span,
                     _plain)

BUSY_TIMEOUT_MS = 30_000
# state key: fusion blocks that lost mentions (a changed input's old documents); JSON list
STALE_BLOCKS_KEY = "stale_blocks"


def _migrations() -> list[tuple[str, str]]:
    folder = ilr.files("sitrep.store") / "migrations"
    items = sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".sql"))
    return [(name[:-4], sql) for name, sql in items]


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _rewrite_reuses(c, doc_id: str, items: list) -> None:
    """Put reuse links into a document's JSON: rewritten once, not once per link, and sorted
    by the other document, so the JSON does not depend on the order links were found in
    (chunks of a resumed run find them in another order)."""
    row = c.execute("SELECT data FROM documents WHERE id=?", (doc_id,)).fetchone()
    if row is None or not items:
        return
    data = json.loads(row[0])
    new = {r.other: _plain(r) for r in items}
    kept = [x for x in data.get("reuses", []) if x.get("other") not in new]
    data["reuses"] = sorted(kept + list(new.values()), key=lambda x: (str(x.get("other")), str(x.get("relation"))))
    c.execute("UPDATE documents SET data=? WHERE id=?", (_dumps(data), doc_id))


def open_store(path: str | Path, *, readonly: bool = False) -> "Store":
    return Store(path, readonly=readonly)


class Store:
    """Access to one sitrep database.  Writers call :meth:`migrate` first."""

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = str(path)
        self.readonly = readonly
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise SitrepError("E106", path=self.path, reason="no such file")
                uri = f"file:{Path(self.path).resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                            check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                            isolation_level=None, check_same_thread=False)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise SitrepError("E106", path=self.path, reason=str(exc)) from exc
        self.conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- schema -------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations in order; returns the names applied."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                          "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))")
        done = {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
        known = _migrations()
        unknown = done - {n for n, _ in known}
        if unknown:
            raise SitrepError("E107", path=self.path, found=sorted(unknown)[-1], known=known[-1][0])
        applied = []
        for name, sql in known:
            if name in done:
                continue
            with self.transaction():
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO migrations(name) VALUES (?)", (name,))
            applied.append(name)
        return applied

    def schema_version(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY name")]

    @contextmanager
    def transaction(self):
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # ---- runs and inputs ----------------------------------------------------------------
    def start_run(self, args: dict) -> int:
        with self.transaction():
            cur = self.conn.execute("INSERT INTO runs(args) VALUES (?)", (_dumps(args),))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, stats: dict) -> None:
        with self.transaction():
            self.conn.execute("UPDATE runs SET finished=strftime('%Y-%m-%dT%H:%M:%fZ','now'), stats=? WHERE id=?",
                              (_dumps(stats), run_id))

    def doc_name_taken(self, name: str, *, doc_id: str, path: str | None) -> bool:
        """Whether another document, read from another input, is stored under this name."""
        return self.conn.execute("SELECT 1 FROM documents WHERE doc=? AND id<>? AND path IS NOT ? LIMIT 1",
                                 (name, doc_id, path)).fetchone() is not None

    def input_fingerprint(self, path: str) -> tuple[int, int] | None:
        """(size, mtime_ns) an earlier run recorded for ``path``, or None: one query per input file."""
        row = self.conn.execute("SELECT size, mtime_ns FROM inputs WHERE path=?", (path,)).fetchone()
        return None if row is None else (row[0], row[1])

    def stored_paths(self, doc_ids: Iterable[str]) -> dict[str, list[str | None]]:
        """Stored document id -> the input paths it was read from, for a batch of ids in one query."""
        ids = list(dict.fromkeys(doc_ids))
        out: dict[str, list[str | None]] = {}
        for i in range(0, len(ids), 500):   # under SQLite's limit of bound parameters
            part = ids[i:i + 500]
            for doc_id, path in self.conn.execute(
                    f"SELECT id, path FROM documents WHERE id IN ({','.join('?' * len(part))})", part):
                out.setdefault(doc_id, []).append(path)
        return out

    def has_document(self, doc_id: str, *, ignore_paths: Iterable[str] = ()) -> bool:
        """Whether a document with this id is stored (not counting those read from ``ignore_paths``)."""
        ignore = set(ignore_paths)
        rows = self.conn.execute("SELECT path FROM documents WHERE id=?", (doc_id,)).fetchall()
        return any(r[0] is None or r[0] not in ignore for r in rows)

    # ---- writing --------------------------------------------------------------------------
    def write_batch(self, docs: Iterable[Document], quarantined: Iterable[Quarantined] = (), *,
                    inputs: Iterable[tuple[str, int, int, int, int]] = (), run_id: int | None = None,
                    replace_paths: Iterable[str] = ()) -> None:
        """Store analysed documents, quarantine records and finished inputs in one transaction.

        ``inputs`` rows are (path, size, mtime_ns, n_documents, n_quarantined).
        ``replace_paths``: inputs that changed since the last run; their old documents
        that are not in this run go.
        """
        docs = list(docs)
        with self.transaction():
            for path in replace_paths:
                self._drop_documents_of(path, keep_run=run_id)
            self._insert_documents(docs, run_id)
            quarantined = list(quarantined)
            # not ON CONFLICT: the UNIQUE key treats NULL records (a whole file) as all distinct
            self.conn.executemany("DELETE FROM quarantine WHERE source=? AND record IS ? AND code=?",
                                  [(q.source, q.record, q.code) for q in quarantined])
            self.conn.executemany("INSERT INTO quarantine(source, record, code, reason, run_id) VALUES (?,?,?,?,?)",
                                  [(q.source, q.record, q.code, q.reason, run_id) for q in quarantined])
            self.conn.executemany(
                "INSERT INTO inputs(path, size, mtime_ns, documents, quarantined, run_id) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns, "
                "documents=excluded.documents, quarantined=excluded.quarantined, run_id=excluded.run_id, "
                "seen_at=strftime('%Y-%m-%dT%H:%M:%fZ','now')",
                [(path, size, mtime_ns, n_docs, n_bad, run_id) for path, size, mtime_ns, n_docs, n_bad in inputs])

    def _drop_documents_of(self, path: str, *, keep_run: int | None) -> None:
        """Delete what earlier runs stored from a changed input (rows of this run stay).

        Analysis rows go by cascade; reuse links *to* the dropped documents go too, and
        their fusion blocks are queued so that the corpus stage fuses them again.
        """
        c = self.conn
        ids = [r[0] for r in c.execute("SELECT id FROM documents WHERE path=? AND run_id IS NOT ?", (path, keep_run))]
        for doc_id in ids:
            # its own blocks, and those of documents it shared a source group with (their group changes)
            blocks = [r[0] for r in c.execute(
                "SELECT DISTINCT f.block FROM events e JOIN fused_events f ON f.id=e.fused_id WHERE e.doc_id IN "
                "(SELECT ? UNION SELECT doc_id FROM reuses WHERE other_id=? UNION SELECT other_id FROM reuses "
                "WHERE doc_id=?)", (doc_id, doc_id, doc_id))]
            if blocks:
                raw = self.get_state(STALE_BLOCKS_KEY)
                stale = sorted(set(json.loads(raw) if raw else []) | set(blocks))
                c.execute("INSERT OR REPLACE INTO state VALUES (?,?)", (STALE_BLOCKS_KEY, _dumps(stale)))
            self._unlink_reuses_to(doc_id)
            c.execute("DELETE FROM documents WHERE id=?", (doc_id,))

    def _unlink_reuses_to(self, doc_id: str) -> None:
        """Remove links to a document that goes, from the rows and the copiers' document JSON."""
        c = self.conn
        name = c.execute("SELECT doc FROM documents WHERE id=?", (doc_id,)).fetchone()[0]
        for (copier,) in c.execute("SELECT doc_id FROM reuses WHERE other_id=?", (doc_id,)).fetchall():
            row = c.execute("SELECT data FROM documents WHERE id=?", (copier,)).fetchone()
            if row is None:
                continue
            data = json.loads(row[0])
            data["reuses"] = [r for r in data.get("reuses", []) if r.get("other") not in (name, doc_id)]
            c.execute("UPDATE documents SET data=? WHERE id=?", (_dumps(data), copier))
        c.execute("DELETE FROM reuses WHERE other_id=?", (doc_id,))

    def _insert_documents(self, docs: list[Document], run_id: int | None) -> None:
        """Insert a batch with one statement per table (executemany over all its documents)."""
        stored = set(self.stored_paths(d.id for d in docs))
        new: list[Document] = []
        for d in docs:
            if d.id not in stored:   # same text already stored: ingesting twice adds nothing
                stored.add(d.id)
                new.append(d)
        if not new:
            return
        c = self.conn
        c.executemany(
            "INSERT INTO documents(id, doc, source, path, form, title, outlet, author, url, language, kind, "
            "published_earliest, published_latest, published_precision, published_source, text, boilerplate, "
            "comments_start, comments, flags, data, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [_document_row(d, run_id) for d in new])
        c.executemany("INSERT INTO entities VALUES (?,?,?,?,?,?,?)",
                      [(d.id, e.id, e.name, e.type, _dumps(e.aliases), e.role, e.actor_id)
                       for d in new for e in d.entities])
        c.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?)",
                      [(d.id, m.start, m.end, m.text, m.label, m.entity) for d in new for m in d.mentions])
        c.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                      [(d.id, p.start, p.end, p.text, p.name, p.gazetteer_id, p.admin1, p.country, p.iso,
                        p.lat, p.lon, p.precision) for d in new for p in d.places])
        c.executemany("INSERT INTO events(doc_id, id, type, sub_type, date_earliest, date_latest, date_precision, "
                      "date_text, location, admin1, country, iso, lat, lon, geo_precision, actor1, actor2, "
                      "fatalities, injured, attributed_to, hedged, evidence, spans, gazetteer_id, date_evidence, "
                      "date_source, trigger) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                      [_event_row(d, e) for d in new for e in d.events])
        c.executemany("INSERT INTO claims(doc_id, id, about, actor, place, when_earliest, when_latest, when_text, "
                      "low, high, value_text, unit, attributed_to, hedged, evidence, spans, when_precision, "
                      "when_evidence, when_source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                      [_claim_row(d, cl) for d in new for cl in d.claims])

    # ---- corpus-level results -------------------------------------------------------------
    def pending_rowids(self, *, after: int = 0) -> list[int]:
        """Row ids of the documents not yet seen by reuse and fusion, in ingestion order (those above ``after``)."""
        return [r[0] for r in self.conn.execute(
            "SELECT rowid FROM documents WHERE corpus_done=0 AND rowid>? ORDER BY rowid", (after,))]

    def stale_blocks(self) -> list[str]:
        """Fusion blocks to fuse again because documents with mentions there were dropped."""
        raw = self.get_state(STALE_BLOCKS_KEY)
        return list(json.loads(raw)) if raw else []

    def get_state(self, key: str) -> bytes | None:
        row = self.conn.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return None if row is None else row[0]

    def write_corpus(self, *, done_ids: Iterable[str], reuses: dict[str, list] | None = None,
                     fused: Iterable[FusedEvent] = (), touched_blocks: Iterable[str] = (),
                     series: Iterable = (), contradictions: Iterable[dict] = (),
                     state: dict[str, bytes] | None = None, replace_series: bool = True) -> None:
        """Write the results of the cross-document stages in one transaction."""
        ids_by_doc = {r[0]: r[1] for r in self.conn.execute("SELECT doc, id FROM documents")}
        with self.transaction():
            c = self.conn
            for doc_id, items in (reuses or {}).items():
                for r in items:
                    other = ids_by_doc.get(r.other, r.other)
                    c.execute("INSERT OR REPLACE INTO reuses VALUES (?,?,?,?,?,?)",
                              (doc_id, other, r.relation, r.share, r.evidence, _dumps(r.passages)))
                _rewrite_reuses(c, doc_id, items)
            for block in touched_blocks:
                c.execute("UPDATE events SET fused_id=NULL WHERE fused_id IN (SELECT id FROM fused_events WHERE block=?)",
                          (block,))
                c.execute("DELETE FROM fused_events WHERE block=?", (block,))
            for f in fused:
                # doc names resolved through the map read above: "doc=? OR id=?" has no index on
                # doc and scanned the documents table once per mention (quadratic at 10k documents)
                self._insert_fused(f, ids_by_doc=ids_by_doc)
            if replace_series:
                c.execute("DELETE FROM series")
                c.execute("UPDATE claims SET series_key=NULL")
            for s in series:
                d = _plain(s) if dataclasses.is_dataclass(s) else dict(s)
                c.execute("INSERT OR REPLACE INTO series VALUES (?,?,?,?,?,?)",
                          (d["key"], d.get("about"), d.get("actor"), d.get("where"), d.get("unit"), _dumps(d)))
                c.executemany("UPDATE claims SET series_key=? WHERE id=? AND doc_id=?",
                              [(d["key"], p.get("claim"), ids_by_doc.get(p.get("doc"), p.get("doc")))
                               for p in d.get("points", [])])
            if contradictions is not None:
                c.execute("DELETE FROM contradictions")
                for i, item in enumerate(contradictions):
                    c.execute("INSERT INTO contradictions VALUES (?,?,?)",
                              (item.get("id") or f"X{i + 1}", item.get("kind", "other"), _dumps(item)))
            for k, v in (state or {}).items():
                c.execute("INSERT OR REPLACE INTO state VALUES (?,?)", (k, v))
            c.execute("DELETE FROM state WHERE key=?", (STALE_BLOCKS_KEY,))  # the caller fused them again
            c.executemany("UPDATE documents SET corpus_done=1 WHERE id=?", [(i,) for i in done_ids])

    # ---- what the corpus stage reads and writes chunk by chunk -------------------------------
    def documents_by_rowids(self, rowids: list[int]) -> list[Document]:
        """Documents by row id, in the order given (one query for the chunk)."""
        if not rowids:
            return []
        marks = ",".join("?" * len(rowids))
        rows = {r["rowid"]: r for r in self.conn.execute(f"SELECT rowid, * FROM documents WHERE rowid IN ({marks})",
                                                         list(rowids))}
        return [self._doc_from_row(rows[r]) for r in rowids if r in rows]

    def reuse_document(self, name: str) -> Document | None:
        """What reuse reads of a stored document (text, furniture, date, outlet), without
        decoding its analysis: a document is read back for every candidate pair it is in."""
        row = self.conn.execute(
            "SELECT doc, id, text, boilerplate, comments_start, outlet, published_earliest, published_latest,"
            " published_precision, published_source FROM documents WHERE doc=? ORDER BY rowid LIMIT 1",
            (name,)).fetchone()
        if row is None:
            return self.document(name)   # an id given as the name
        return Document(id=row["id"], doc=row["doc"], text=row["text"], outlet=row["outlet"],
                        boilerplate=[Span(a, b) for a, b in json.loads(row["boilerplate"])],
                        comments_start=row["comments_start"],
                        published=DateWindow(earliest=row["published_earliest"], latest=row["published_latest"],
                                             precision=row["published_precision"], source=row["published_source"]))

    def doc_id_of(self, name: str) -> str | None:
        """The id of the document stored under a name (or an id given as the name)."""
        row = self.conn.execute("SELECT id FROM documents WHERE doc=? ORDER BY rowid LIMIT 1", (name,)).fetchone()
        if row is None:
            row = self.conn.execute("SELECT id FROM documents WHERE id=?", (name,)).fetchone()
        return None if row is None else row[0]

    def _pages(self, sql: str, *, batch: int, key) -> Iterator[list]:
        """Rows of ``sql`` (with placeholders for the last key seen and the page size) page by
        page, by keyset: memory stays bounded and rows added meanwhile are not skipped."""
        last = 0
        while True:
            rows = self.conn.execute(sql, (last, batch)).fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][key]

    def reuse_entries(self, *, batch: int = 1000) -> Iterator[tuple]:
        """(doc name, (earliest, latest), bands, wbands) of documents the corpus stage has seen, streamed."""
        for rows in self._pages(
                "SELECT d.rowid, r.doc, r.published_earliest, r.published_latest, r.bands, r.wbands "
                "FROM reuse_signatures r JOIN documents d ON d.id=r.doc_id WHERE d.corpus_done=1 AND d.rowid>? "
                "ORDER BY d.rowid LIMIT ?", batch=batch, key=0):
            for r in rows:
                yield r[1], (r[2], r[3]), r[4], r[5]

    def write_reuse_entries(self, rows: Iterable[tuple]) -> None:
        """Rows (doc id, doc name, earliest, latest, bands, wbands), replacing a document's earlier row."""
        with self.transaction():
            self.conn.executemany("INSERT OR REPLACE INTO reuse_signatures VALUES (?,?,?,?,?,?)", list(rows))

    def write_event_blocks(self, doc_ids: Iterable[str], rows: Iterable[tuple[str, str, str]]) -> None:
        """Replace the fusion blocking keys of these documents' events: rows (block, doc id, event id)."""
        with self.transaction():
            self.conn.executemany("DELETE FROM event_blocks WHERE doc_id=?", [(i,) for i in doc_ids])
            self.conn.executemany("INSERT INTO event_blocks VALUES (?,?,?)", list(rows))

    def event_ids_without_blocks(self, *, batch: int = 500) -> Iterator[list[tuple[str, str, Event]]]:
        """(doc id, doc name, Event) of seen documents whose events have no blocking keys stored
        (a database from before migration 0003), in batches."""
        for rows in self._pages(
                "SELECT e.rowid AS erow, e.*, d.doc AS docname FROM events e JOIN documents d ON d.id=e.doc_id "
                "WHERE e.rowid>? AND NOT EXISTS (SELECT 1 FROM event_blocks b WHERE b.doc_id=e.doc_id "
                "AND b.event_id=e.id) ORDER BY e.rowid LIMIT ?", batch=batch, key="erow"):
            yield [(r["doc_id"], r["docname"], _event_from_row(r)) for r in rows]

    def blocks_of_documents(self, names: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for name in names:
            out.update(r[0] for r in self.conn.execute(
                "SELECT DISTINCT b.block FROM event_blocks b JOIN documents d ON d.id=b.doc_id WHERE d.doc=?", (name,)))
        return out

    def linked_blocks(self, block: str) -> list[str]:
        """Every block that a mention in ``block`` also belongs to (``block`` included when it has mentions)."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT b2.block FROM event_blocks b1 JOIN event_blocks b2 "
            "ON b2.doc_id=b1.doc_id AND b2.event_id=b1.event_id WHERE b1.block=?", (block,))]

    def mentions_in_blocks(self, blocks: Iterable[str]) -> list[tuple[str, Event]]:
        """(doc name, Event) of every event with a blocking key among ``blocks``."""
        blocks = sorted(set(blocks))
        out: dict[tuple[str, str], tuple[str, Event]] = {}
        for i in range(0, len(blocks), 500):
            part = blocks[i:i + 500]
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(
                    "SELECT e.*, d.doc AS docname FROM events e JOIN documents d ON d.id=e.doc_id "
                    f"WHERE (e.doc_id, e.id) IN (SELECT doc_id, event_id FROM event_blocks WHERE block IN ({marks}))",
                    part):
                out[(row["doc_id"], row["id"])] = (row["docname"], _event_from_row(row))
        return list(out.values())

    def claims_by_key(self, *, batch: int = 2000) -> Iterator[list[tuple[str, str, Claim]]]:
        """(doc id, doc name, Claim) of every stored claim in batches, by primary key (the rows
        may be updated between batches)."""
        last = ("", "")
        while True:
            rows = self.conn.execute(
                "SELECT c.*, d.doc AS docname FROM claims c JOIN documents d ON d.id=c.doc_id "
                "WHERE (c.doc_id, c.id) > (?, ?) ORDER BY c.doc_id, c.id LIMIT ?", (*last, batch)).fetchall()
            if not rows:
                return
            yield [(r["doc_id"], r["docname"], _claim_from_row(r)) for r in rows]
            last = (rows[-1]["doc_id"], rows[-1]["id"])

    def claims_by_series(self, *, batch: int = 2000) -> Iterator[tuple[str | None, str, Claim]]:
        """(series key, doc name, Claim) of every stored claim, by series key, doc name, claim id."""
        cur = self.conn.execute("SELECT c.*, d.doc AS docname FROM claims c JOIN documents d ON d.id=c.doc_id "
                                "ORDER BY c.series_key, d.doc, c.id")
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            for row in rows:
                yield row["series_key"], row["docname"], _claim_from_row(row)

    def fused_events_streamed(self, *, touched: bool, batch: int = 500) -> Iterator[FusedEvent]:
        """Fused events outside (``touched=False``, by date then id) or inside (by id) the blocks
        in the temporary table ``touched_blocks`` (see :meth:`mark_touched`)."""
        where, order = ("IN", "id") if touched else ("NOT IN", "date_earliest, id")
        cur = self.conn.execute(f"SELECT data FROM fused_events WHERE block {where} "
                                f"(SELECT block FROM temp.touched_blocks) ORDER BY {order}")
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            for row in rows:
                yield _fused_from_json(row[0])

    def mark_touched(self, blocks: Iterable[str]) -> None:
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched_blocks (block TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp.touched_blocks")
        self.conn.executemany("INSERT OR IGNORE INTO temp.touched_blocks VALUES (?)", [(b,) for b in blocks])

    def replace_fused(self, blocks: Iterable[str], fused: Iterable[FusedEvent]) -> None:
        """Inside a transaction: drop the fused events of ``blocks`` and store ``fused`` (their new fusion)."""
        c = self.conn
        for block in blocks:
            c.execute("UPDATE events SET fused_id=NULL WHERE fused_id IN (SELECT id FROM fused_events WHERE block=?)",
                      (block,))
            c.execute("DELETE FROM fused_events WHERE block=?", (block,))
        for f in fused:
            self._insert_fused(f)

    def _insert_fused(self, f: FusedEvent, *, ids_by_doc: dict[str, str] | None = None) -> None:
        """One fused event row, and its mentions' events pointed at it (document names resolved
        through ``ids_by_doc`` when given, else one lookup each)."""
        loc = f.location
        c = self.conn
        c.execute("INSERT OR REPLACE INTO fused_events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                  (f.id, f.blocking_key, f.type, f.sub_type, f.date.earliest, f.date.latest,
                   f.date.precision, loc.name, loc.admin1, loc.country, loc.iso, loc.lat, loc.lon,
                   loc.precision, f.actor1, f.actor2, f.fatalities, f.injured, len(f.sources),
                   int(bool(f.hedged)), _dumps(_plain(f))))
        c.executemany("UPDATE events SET fused_id=? WHERE doc_id=? AND id=?",
                      [(f.id, (ids_by_doc.get(m.get("doc")) if ids_by_doc is not None else self.doc_id_of(m.get("doc")))
                        or m.get("doc"), m.get("event")) for m in f.mentions])

    def write_series(self, s, conflicts: Iterable[dict], *, first_id: int) -> int:
        """Inside a transaction: one series row, its claims' keys, and contradictions numbered from
        ``first_id``; returns the next number."""
        c = self.conn
        d = _plain(s) if dataclasses.is_dataclass(s) else dict(s)
        c.execute("INSERT OR REPLACE INTO series VALUES (?,?,?,?,?,?)",
                  (d["key"], d.get("about"), d.get("actor"), d.get("where"), d.get("unit"), _dumps(d)))
        return self.write_contradictions(conflicts, first_id=first_id)

    def write_contradictions(self, items: Iterable[dict], *, first_id: int) -> int:
        i = first_id
        for item in items:
            self.conn.execute("INSERT INTO contradictions VALUES (?,?,?)",
                              (item.get("id") or f"X{i}", item.get("kind", "other"), _dumps(item)))
            i += 1
        return i

    def set_series_keys(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Rows (series key, claim id, doc id)."""
        self.conn.executemany("UPDATE claims SET series_key=? WHERE id=? AND doc_id=?", list(rows))

    def write_reuses(self, reuses: dict[str, list]) -> None:
        """Inside a transaction: reuse links of documents (by id) to others (by name), rows and document JSON."""
        c = self.conn
        for doc_id, items in reuses.items():
            for r in items:
                other = self.doc_id_of(r.other) or r.other
                c.execute("INSERT OR REPLACE INTO reuses VALUES (?,?,?,?,?,?)",
                          (doc_id, other, r.relation, r.share, r.evidence, _dumps(r.passages)))
            _rewrite_reuses(c, doc_id, items)

    # ---- reading ----------------------------------------------------------------------------
    def _doc_from_row(self, row) -> Document:
        data = json.loads(row["data"])
        data["text"] = row["text"]
        if row["comments"] is not None:
            data["comments"] = row["comments"]
        doc = Document.from_json(data)
        doc.boilerplate = [Span(a, b) for a, b in json.loads(row["boilerplate"])]
        doc.comments_start = row["comments_start"]
        return doc

    def document(self, doc_id: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id=? OR doc=? ORDER BY (id=?) DESC LIMIT 1",
                                (doc_id, doc_id, doc_id)).fetchone()
        return None if row is None else self._doc_from_row(row)

    def document_by_rowid(self, rowid: int) -> Document:
        row = self.conn.execute("SELECT * FROM documents WHERE rowid=?", (rowid,)).fetchone()
        return self._doc_from_row(row)

    def documents(self) -> Iterator[Document]:
        """Every stored document, in ingestion order, streamed."""
        for rows in self._pages("SELECT * FROM documents WHERE rowid>? ORDER BY rowid LIMIT ?", batch=200, key="rowid"):
            for row in rows:
                yield self._doc_from_row(row)

    def event_mentions(self, *, blocks: Iterable[str] | None = None) -> list[tuple[str, Event]]:
        """(doc name, Event) for every stored event."""
        out = []
        for row in self.conn.execute("SELECT e.*, d.doc AS docname FROM events e JOIN documents d ON d.id=e.doc_id "
                                     "ORDER BY d.rowid, e.rowid"):
            out.append((row["docname"], _event_from_row(row)))
        return out

    def claim_items(self) -> list[tuple[str, Claim]]:
        out = []
        for row in self.conn.execute("SELECT c.*, d.doc AS docname FROM claims c JOIN documents d ON d.id=c.doc_id "
                                     "ORDER BY d.rowid, c.rowid"):
            out.append((row["docname"], _claim_from_row(row)))
        return out

    def reuse_pairs(self) -> list[tuple[str, str, str]]:
        """(doc name, other doc name, relation) for every reuse link."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT a.doc, b.doc, r.relation FROM reuses r JOIN documents a ON a.id=r.doc_id "
            "JOIN documents b ON b.id=r.other_id ORDER BY a.rowid")]

    def fused_events(self) -> list[FusedEvent]:
        return [_fused_from_json(row[0])
                for row in self.conn.execute("SELECT data FROM fused_events ORDER BY date_earliest, id")]

    def series(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM series ORDER BY key")]

    def contradictions(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM contradictions ORDER BY id")]

    def quarantined(self) -> list[Quarantined]:
        return [Quarantined(r["source"], r["record"], r["code"], r["reason"])
                for r in self.conn.execute("SELECT * FROM quarantine ORDER BY id")]

    def search(self, query: str, *, limit: int = 50, offset: int = 0) -> list[dict]:
        """Full-text search (FTS5 syntax).  Raises sqlite3.OperationalError on a bad query."""
        sql = ("SELECT d.id, d.doc, d.title, d.outlet, d.published_earliest, "
               "snippet(documents_fts, 1, '\x02', '\x03', ' … ', 16) AS snippet "
               "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
               "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?")
        return [dict(r) for r in self.conn.execute(sql, (query, limit, offset))]

    def stats(self) -> dict:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": q("SELECT count(*) FROM documents"),
            "analysed": q("SELECT count(*) FROM documents WHERE flags NOT LIKE '%not-analysed%'"),
            "quarantined": q("SELECT count(*) FROM quarantine"),
            "inputs": q("SELECT count(*) FROM inputs"),
            "entities": q("SELECT count(*) FROM entities"),
            "mentions": q("SELECT count(*) FROM mentions"),
            "places": q("SELECT count(*) FROM places"),
            "events": q("SELECT count(*) FROM events"),
            "claims": q("SELECT count(*) FROM claims"),
            "reuses": q("SELECT count(*) FROM reuses"),
            "fused_events": q("SELECT count(*) FROM fused_events"),
            "series": q("SELECT count(*) FROM series"),
            "contradictions": q("SELECT count(*) FROM contradictions"),
            "runs": q("SELECT count(*) FROM runs"),
            "schema": self.schema_version(),
        }


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN...END)."""
    out, buf = [], []
    for line in sql.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        joined = "\n".join(buf)
        if sqlite3.complete_statement(joined):
            if joined.strip():
                out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf))
    return out


def _document_row(d: Document, run_id: int | None) -> tuple:
    return (d.id, d.doc, d.source, d.path, d.form, d.title, d.outlet, d.author, d.url, d.language, d.kind,
            d.published.earliest, d.published.latest, d.published.precision, d.published.source, d.text,
            _dumps([[s.start, s.end] for s in d.boilerplate]), d.comments_start, d.comments,
            _dumps(d.flags), _dumps(d.to_json(with_text=False)), run_id)


def _event_row(d: Document, e: Event):
    loc = e.location
    evidence = d.text[e.spans[0].start:e.spans[0].end] if e.spans else None
    return (d.id, e.id, e.type, e.sub_type, e.date.earliest, e.date.latest, e.date.precision, e.date.text,
            loc.name, loc.admin1, loc.country, loc.iso, loc.lat, loc.lon, loc.precision, e.actor1, e.actor2,
            e.fatalities, e.injured, e.attributed_to, int(bool(e.hedged)), evidence,
            _dumps([[s.start, s.end] for s in e.spans]), loc.gazetteer_id, e.date.evidence, e.date.source, e.trigger)


def _claim_row(d: Document, c: Claim):
    evidence = d.text[c.spans[0].start:c.spans[0].end] if c.spans else None
    return (d.id, c.id, c.about, c.actor, c.where, c.when.earliest, c.when.latest, c.when.text,
            c.value.low, c.value.high, c.value.text, c.unit, c.attributed_to, int(bool(c.hedged)), evidence,
            _dumps([[s.start, s.end] for s in c.spans]), c.when.precision, c.when.evidence, c.when.source)


def _event_from_row(row) -> Event:
    return Event(id=row["id"], type=row["type"], sub_type=row["sub_type"],
                 date=DateWindow(row["date_earliest"], row["date_latest"], row["date_precision"], row["date_text"],
                                 row["date_evidence"], row["date_source"]),
                 location=Location(row["location"], row["admin1"], row["country"], row["iso"], row["lat"],
                                   row["lon"], row["geo_precision"], row["gazetteer_id"]),
                 actor1=row["actor1"], actor2=row["actor2"], fatalities=row["fatalities"], injured=row["injured"],
                 attributed_to=row["attributed_to"], hedged=bool(row["hedged"]),
                 spans=[Span(a, b) for a, b in json.loads(row["spans"])], trigger=row["trigger"])


def _fused_from_json(raw: str) -> FusedEvent:
    d = json.loads(raw)
    d["date"] = DateWindow(**d["date"])
    d["location"] = Location(**d["location"])
    return FusedEvent(**d)


def _claim_from_row(row) -> Claim:
    from ..model import Value
    return Claim(id=row["id"], about=row["about"], actor=row["actor"], where=row["place"],
                 when=DateWindow(row["when_earliest"], row["when_latest"], row["when_precision"], row["when_text"],
                                 row["when_evidence"], row["when_source"]),
                 value=Value(row["low"], row["high"], row["value_text"] or ""), unit=row["unit"],
                 attributed_to=row["attributed_to"], hedged=bool(row["hedged"]),
                 spans=[Span(a, b) for a, b in json.loads(row["spans"])])
