"""The cross-document stages over the store: reuse, fusion, estimate series, contradictions.

Only documents not yet seen (``corpus_done = 0``) are read: they are matched against the
persisted reuse index, and only the fusion blocks their events reach are fused again, so
adding documents does not reprocess earlier ones.  Results are written in one transaction.
"""
from __future__ import annotations

import logging
from collections import defaultdict

from . import fuse as fusion
from .reuse import ReuseIndex, find_reuse, source_groups

log = logging.getLogger(__name__)
INDEX_KEY = "reuse_index"
CHUNK = 256   # pending documents held in memory at once (texts are dropped after reuse)


def update(store) -> dict:
    rowids = store.pending_rowids()
    stale = store.stale_blocks()  # blocks that lost mentions: a changed input's old documents
    if not rowids and not stale:
        return {"reuses": 0, "fused": 0}
    raw = store.get_state(INDEX_KEY)
    index = ReuseIndex.from_bytes(raw) if raw else ReuseIndex()
    # Reuse chunk by chunk: each chunk is checked against the index, which holds every earlier
    # chunk, so the links are those of one pass over all; only events and claims are kept.
    found: dict[str, list] = {}
    ids: dict[str, str] = {}
    pending_events, pending_claims = [], []
    for i in range(0, len(rowids), CHUNK):
        chunk = [store.document_by_rowid(r) for r in rowids[i:i + CHUNK]]
        for name, items in find_reuse(chunk, index=index, fetch=store.document).items():
            found.setdefault(name, []).extend(items)
        for d in chunk:
            ids[d.doc] = d.id
            pending_events += [(d.doc, ev) for ev in d.events]
            pending_claims += [(d.doc, c) for c in d.claims]
    n_reuse = sum(len(v) for v in found.values())
    pending_names = set(ids)
    done_ids = list(ids.values())
    for name in found:
        if name not in ids:  # an earlier document found to copy a new one
            earlier = store.document(name)
            if earlier is not None:
                ids[name] = earlier.id
    reuses = {ids[name]: items for name, items in found.items() if name in ids and items}

    stored_pairs = [(a, b) for a, b, _rel in store.reuse_pairs()]
    pairs = stored_pairs + [(name, r.other) for name, items in found.items() for r in items]
    groups = source_groups(pairs)
    before = source_groups(stored_pairs)
    # earlier documents whose source group a new link changed: their fused events name the old group
    regrouped = {doc for doc in groups if before.get(doc, doc) != groups[doc]}

    by_block: dict[str, list] = defaultdict(list)
    stored = store.event_mentions()
    for doc, ev in stored:
        if doc in pending_names:
            continue
        for key in fusion.blocking_keys(ev):
            by_block[key].append((doc, ev))
    new_mentions = list(pending_events)
    # Documents with a mention in a stale block, or in a new source group, are fused again
    # whole (all their mentions: fuse_incremental replaces a document's stored mentions).
    stale_docs = {doc for k in stale for doc, _ in by_block.get(k, [])} | (regrouped - pending_names)
    new_mentions += [(doc, ev) for doc, ev in stored if doc in stale_docs]
    fused, touched = fusion.fuse_incremental(new_mentions, existing_by_block=lambda k: by_block.get(k, []),
                                             groups=groups)
    touched = sorted(set(touched) | set(stale))
    claims = store.claim_items() + pending_claims
    seen, unique_claims = set(), []
    for doc, c in claims:
        if (doc, c.id) not in seen:
            seen.add((doc, c.id))
            unique_claims.append((doc, c))
    series = fusion.series(unique_claims, groups=groups)
    fused_all = {f.id: f for f in store.fused_events() if f.blocking_key not in set(touched)}
    fused_all.update({f.id: f for f in fused})
    contradictions = fusion.contradictions(series, list(fused_all.values()), groups=groups)
    store.write_corpus(done_ids=done_ids, reuses=reuses, fused=fused, touched_blocks=touched,
                       series=series, contradictions=contradictions, state={INDEX_KEY: index.to_bytes()})
    return {"reuses": n_reuse, "fused": len(fused)}
