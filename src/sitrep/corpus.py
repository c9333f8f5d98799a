"""The cross-document stages over the store: reuse, fusion, estimate series, contradictions.

Only documents not yet seen (``corpus_done = 0``) are read, a chunk at a time: they are
matched against the reuse index (one compact row of LSH band hashes per earlier document,
kept in the store), and their events' fusion blocking keys are stored.  Then only the fusion
blocks their events reach are fused again, one connected set of blocks at a time, read back
from the store; series and contradictions are streamed from the store in key order.  So the
main process holds one chunk of documents, one block closure, or one series at a time, plus
the reuse index and the names of linked documents, whatever the corpus size.  The results
are written in one transaction.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterator

from . import fuse as fusion
from .reuse import ReuseIndex, find_reuse, source_groups

log = logging.getLogger(__name__)
INDEX_KEY = "reuse_index"      # state key of the whole-index blob older databases kept
CHUNK = 256   # pending documents held in memory at once (texts are dropped after reuse)
SIDES_KEPT = 256   # cut texts kept for reuse alignment (tens to hundreds of kilobytes each)


def update(store, *, chunk: int | None = None) -> dict:
    """Reuse, fusion, series and contradictions for every document not yet seen."""
    pending = Pending(store, chunk=chunk)
    pending.index()
    return pending.finish()


class Pending:
    """The corpus step in two halves, so that a run can do the first while workers parse.

    :meth:`index` matches the stored documents not yet seen against the reuse index and
    stores their index rows and fusion blocking keys (call it after each committed batch);
    :meth:`finish` indexes what is left, then writes links, fusion, series and
    contradictions and marks the documents seen, in one transaction.  A run killed in
    between leaves the documents unseen: the next run matches them again (their index rows
    are replaced, as when a chunked update was killed).
    """

    def __init__(self, store, *, chunk: int | None = None):
        self.store = store
        self.chunk = chunk or CHUNK
        self._index: ReuseIndex | None = None
        self._done: set[int] = set()       # rowids indexed by this object
        self._last = 0                     # the highest of them
        self.found: dict[str, list] = {}
        self.ids: dict[str, str] = {}
        self.new_blocks: set[str] = set()
        # cut texts of documents aligned lately: a source copied by many is read and cut once
        self._sides = _Recent(SIDES_KEPT)

    def index(self, *, full: bool = False) -> int:
        """Index the pending documents not indexed yet, whole chunks only; returns how many were.

        Only whole chunks (in ingestion order) are taken, the rest waits for more documents
        or :meth:`finish` (``full``): so the chunks, and the links found (the candidates per
        document are capped, so the order of adding can matter), are those of one pass over
        everything pending, however the batches came and wherever an earlier run was killed.
        Between batches only rows above the last one indexed are read (a run only appends).
        """
        store = self.store
        after = 0 if full else self._last
        rowids = [r for r in store.pending_rowids(after=after) if r not in self._done]
        if not full:
            rowids = rowids[:len(rowids) - len(rowids) % self.chunk]
        if not rowids:
            return 0
        if self._index is None:
            _backfill_blocks(store)
            self._index = _load_index(store)
        # Reuse chunk by chunk: each chunk is checked against the index, which holds every earlier
        # chunk, so the links are those of one pass over all; only names and links are kept.
        for i in range(0, len(rowids), self.chunk):
            docs = store.documents_by_rowids(rowids[i:i + self.chunk])
            for name, items in find_reuse(docs, index=self._index, fetch=store.reuse_document,
                                          sides=self._sides).items():
                self.found.setdefault(name, []).extend(items)
            store.write_reuse_entries([(d.id, d.doc, *_entry_row(self._index, d.doc, release=True)) for d in docs])
            rows = [(k, d.id, ev.id) for d in docs for ev in d.events for k in fusion.blocking_keys(ev)]
            store.write_event_blocks([d.id for d in docs], rows)
            self.new_blocks.update(k for k, _, _ in rows)
            self.ids.update((d.doc, d.id) for d in docs)
        self._done.update(rowids)
        self._last = max(self._last, rowids[-1])
        return len(rowids)

    def finish(self) -> dict:
        store = self.store
        self.index(full=True)
        stale = store.stale_blocks()  # blocks that lost mentions: a changed input's old documents
        if not self.ids and not stale:
            return {"reuses": 0, "fused": 0}
        if self._index is None:   # only stale blocks: still bring older databases up to date
            _backfill_blocks(store)
            _load_index(store)
        self._index = None
        found, ids = self.found, dict(self.ids)
        n_reuse = sum(len(v) for v in found.values())
        pending_names = set(ids)
        for name in found:
            if name not in ids:  # an earlier document found to copy a new one
                earlier = store.doc_id_of(name)
                if earlier is not None:
                    ids[name] = earlier
        reuses = {ids[name]: items for name, items in found.items() if name in ids and items}

        stored_pairs = [(a, b) for a, b, _rel in store.reuse_pairs()]
        pairs = stored_pairs + [(name, r.other) for name, items in found.items() for r in items]
        groups = source_groups(pairs)
        before = source_groups(stored_pairs)
        # earlier documents whose source group a new link changed: their fused events name the old group
        regrouped = {doc for doc in groups if before.get(doc, doc) != groups[doc]} - pending_names
        seeds = self.new_blocks | set(stale) | store.blocks_of_documents(sorted(regrouped))

        with store.transaction():
            store.write_reuses(reuses)
            n_fused, touched = _fuse_blocks(store, seeds, groups=groups)
            touched |= set(stale)
            store.mark_touched(touched)
            _write_series_and_contradictions(store, groups=groups)
            store.conn.execute("DELETE FROM state WHERE key IN (?, ?)", ("stale_blocks", INDEX_KEY))
            store.conn.executemany("UPDATE documents SET corpus_done=1 WHERE id=?",
                                   [(ids[n],) for n in sorted(pending_names)])
        return {"reuses": n_reuse, "fused": n_fused}


class _Recent(OrderedDict):
    """A mapping that keeps only its ``size`` most recently used entries."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def __getitem__(self, key):
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


def _entry_row(index: ReuseIndex, name: str, *, release: bool = False) -> tuple:
    (earliest, latest), bands, wbands = index.entry(name, release=release)
    return earliest, latest, bands, wbands


def _load_index(store) -> ReuseIndex:
    """The reuse index of every document seen, from its rows (or the blob older databases kept)."""
    raw = store.get_state(INDEX_KEY)
    if raw:   # a database from before the per-document rows: move the blob's entries over once
        old = ReuseIndex.from_bytes(raw)
        rows = [(store.doc_id_of(name), name, *_entry_row(old, name)) for name in old.names()]
        store.write_reuse_entries([r for r in rows if r[0] is not None])
        with store.transaction():
            store.conn.execute("DELETE FROM state WHERE key=?", (INDEX_KEY,))
    index = ReuseIndex()
    for name, published, bands, wbands in store.reuse_entries():
        index.add_entry(name, published, bands, wbands, keep=False)   # the rows stay in the store
    return index


def _backfill_blocks(store) -> None:
    """Blocking keys for the events of a database from before they were stored (once)."""
    for batch in store.event_ids_without_blocks():
        rows = [(k, doc_id, ev.id) for doc_id, _name, ev in batch for k in fusion.blocking_keys(ev)]
        with store.transaction():
            store.conn.executemany("INSERT INTO event_blocks VALUES (?,?,?)", rows)


def _closures(store, seeds: set[str]) -> Iterator[set[str]]:
    """Connected sets of blocks (linked by mentions in several blocks) reached from ``seeds``.

    Clusters never cross such a set, so fusing each one alone gives what fusing all gives.
    """
    done: set[str] = set()
    for seed in sorted(seeds):
        if seed in done:
            continue
        todo, closure = [seed], set()
        while todo:
            key = todo.pop()
            if key in closure:
                continue
            closure.add(key)
            todo.extend(k for k in store.linked_blocks(key) if k not in closure)
        done |= closure
        yield closure


def _fuse_blocks(store, seeds: set[str], *, groups: dict[str, str]) -> tuple[int, set[str]]:
    """Fuse again, closure by closure, every block reachable from ``seeds``; returns (fused, touched)."""
    touched: set[str] = set()
    n = 0
    for closure in _closures(store, seeds):
        fused = fusion.fuse(store.mentions_in_blocks(closure), groups=groups)
        store.replace_fused(sorted(closure), fused)
        touched |= closure
        n += len(fused)
    return n, touched


def _write_series_and_contradictions(store, *, groups: dict[str, str]) -> None:
    """Series over every stored claim, one series at a time, then the contradictions.

    Contradictions are numbered as one pass over all series (by key) and then every fused
    event (those fused earlier by date and id, then those fused in this run by id) numbers them.
    """
    store.conn.execute("DELETE FROM series")
    store.conn.execute("DELETE FROM contradictions")
    for batch in store.claims_by_key():
        store.set_series_keys([(fusion.series_key(c), c.id, doc_id) for doc_id, _name, c in batch])
    next_id = 1
    current, items = None, []

    def flush():
        nonlocal next_id
        for s in fusion.series(items, groups=groups):
            next_id = store.write_series(s, fusion.contradictions([s], [], groups=groups), first_id=next_id)

    for key, name, claim in store.claims_by_series():
        if key != current and items:
            flush()
            items = []
        current = key
        items.append((name, claim))
    if items:
        flush()
    for touched in (False, True):
        for fe in store.fused_events_streamed(touched=touched):
            next_id = store.write_contradictions(fusion.contradictions([], [fe], groups=groups), first_id=next_id)
