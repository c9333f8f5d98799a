"""The Python API.  The CLI is a thin layer over these functions.

Typical use::

    import sitrep
    summary = sitrep.run(["news/libya/"], db="libya.db")
    docs = sitrep.analyse_paths(["story.txt"])          # no database: analyse and return
    sitrep.export("libya.db", fmt="jsonl", out="libya.jsonl")
    sitrep.brief("libya.db", out="brief.html")
    board = sitrep.evaluate_folder("gold/", "inputs/")

Every function takes keyword-only options after its positional inputs.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .errors import SitrepError, quarantine
from .model import Document, Quarantined
from .pipeline import DEFAULT_STAGES, Resources, build, default_workers, process
from .settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]   # (what, how many more) — e.g. ("documents", 1)


@dataclass
class RunSummary:
    inputs: list[str]
    db: str | None = None
    files_unchanged: int = 0
    documents_new: int = 0
    documents_duplicate: int = 0
    documents_not_analysed: int = 0
    events: int = 0
    claims: int = 0
    entities: int = 0
    reuses: int = 0
    fused_events: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)
    seconds: float = 0.0
    words: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.quarantined else 0


def _looked_up(items: Iterable[Document | Quarantined], *, size: int,
               lookup: Callable[[list[str]], dict]) -> Iterator[tuple[Document | Quarantined, dict]]:
    """Each item with what ``lookup`` says of the document ids of its group of ``size`` items.

    One store query per group instead of one per document.
    """
    group: list[Document | Quarantined] = []
    for item in items:
        group.append(item)
        if len(group) >= size:
            known = lookup([x.id for x in group if isinstance(x, Document)])
            yield from ((x, known) for x in group)
            group = []
    if group:
        known = lookup([x.id for x in group if isinstance(x, Document)])
        yield from ((x, known) for x in group)


def _stream(items: Iterable[Document | Quarantined], *, summary: RunSummary,
            is_stored: Callable[[str, dict], bool], lookup: Callable[[list[str]], dict],
            name_taken: Callable[[Document], bool], batch_size: int, meta: deque) -> Iterator[list[Document]]:
    """Group ingested documents into batches; note per batch its quarantines and finished inputs.

    ``lookup`` (document ids -> stored paths) is asked once per group of documents;
    ``is_stored(doc_id, known)`` decides from its answer.
    """
    from .ingest import fingerprint
    seen: set[str] = set()
    names: dict[str, str] = {}   # doc name -> document id, in this run
    batch: list[Document] = []
    bad: list[Quarantined] = []
    done_inputs: list[tuple] = []
    counts: dict[str, list[int]] = {}
    current: str | None = None

    def finish(path: str | None):
        if path is None or path == "-" or not os.path.exists(path):
            return
        try:
            size, mtime = fingerprint(path)
        except OSError:
            return
        n_docs, n_bad = counts.pop(path, [0, 0])
        done_inputs.append((path, size, mtime, n_docs, n_bad))

    def flush():
        nonlocal batch, bad, done_inputs
        meta.append((bad, done_inputs))
        out = batch
        batch, bad, done_inputs = [], [], []
        return out

    for item, known in _looked_up(items, size=batch_size, lookup=lookup):
        path = item.path if isinstance(item, Document) else item.source
        if path != current:
            finish(current)
            current = path
        counts.setdefault(path, [0, 0])
        if isinstance(item, Quarantined):
            counts[path][1] += 1
            bad.append(item)
            summary.quarantined.append(item)
            continue
        counts[path][0] += 1
        if item.id in seen or is_stored(item.id, known):
            summary.documents_duplicate += 1
            continue
        seen.add(item.id)
        if names.get(item.doc, item.id) != item.id or name_taken(item):
            # two inputs with one base name (news/a/story.txt, news/b/story.txt): names key the
            # cross-document links, so the later one gets its id appended
            item.doc = f"{item.doc}-{item.id[:8]}"
        names[item.doc] = item.id
        batch.append(item)
        if len(batch) >= batch_size:
            yield flush()
    finish(current)
    if batch or bad or done_inputs:
        yield flush()


def run(inputs: Iterable[str], *, db: str = "sitrep.db", workers: int | None = None,
        stages: Iterable[str] = DEFAULT_STAGES, settings: Settings | None = None,
        on_progress: Progress | None = None, corpus: bool = True,
        resources: Resources | None = None) -> RunSummary:
    """Ingest, analyse and store everything new under ``inputs``; then update reuse and fusion.

    Unchanged input files (same size and modification time) are not read again; documents
    whose text is already stored are not analysed again.  A changed input file replaces
    the documents an earlier run stored from it.  Each batch is one transaction.
    ``resources`` (models already loaded) is used when ``workers == 1``.
    """
    from .ingest import iter_inputs
    from .store import Store
    settings = settings or Settings()
    inputs = list(inputs)
    stages = tuple(stages)
    t0 = time.perf_counter()
    summary = RunSummary(inputs=inputs, db=db)
    if workers is not None and workers < 0:
        raise SitrepError("E112", option="--workers",
                          reason=f"{workers} is negative; give 1 or more, or 0 for all cores")
    build(stages)   # an unknown stage or a bad order fails before any file is touched
    changed: set[str] = set()   # inputs read by an earlier run that differ now

    def skip(path: str, size: int, mtime_ns: int) -> bool:
        seen = store.input_fingerprint(path)
        if seen == (size, mtime_ns):
            summary.files_unchanged += 1
            return True
        if seen is not None:
            changed.add(path)
        return False

    def is_stored(doc_id: str, known: dict) -> bool:
        # a document of a changed file is stored again: its old copy is about to go
        return any(p is None or p not in changed for p in known.get(doc_id, ()))

    items = iter_inputs(inputs, settings=settings, skip=skip)   # a missing path fails here (E101), no database made
    store = Store(db)
    if corpus and (workers or default_workers()) > 1:
        _preload_corpus()
    try:
        store.migrate()
        run_id = store.start_run({"inputs": inputs, "stages": list(stages)})
        meta: deque = deque()
        batches = _stream(items, summary=summary, is_stored=is_stored, lookup=store.stored_paths,
                          batch_size=settings.batch_size, meta=meta,
                          name_taken=lambda d: store.doc_name_taken(d.doc, doc_id=d.id, path=d.path))
        pending = None
        for docs, dropped in process(batches, names=stages, settings=settings, resources=resources,
                                     workers=workers or default_workers(), timings=summary.timings):
            bad, done_inputs = meta.popleft()
            replace = {d.path for d in docs if d.path in changed} | {i[0] for i in done_inputs if i[0] in changed}
            t1 = time.perf_counter()
            docs, unstorable = _write(store, docs, list(bad) + list(dropped), inputs=done_inputs, run_id=run_id,
                                      replace_paths=sorted(replace))
            dropped = list(dropped) + unstorable
            summary.timings["store"] = summary.timings.get("store", 0.0) + time.perf_counter() - t1
            summary.quarantined.extend(dropped)
            for d in docs:
                summary.documents_new += 1
                summary.words += len(d.text.split())
                summary.events += len(d.events)
                summary.claims += len(d.claims)
                summary.entities += len(d.entities)
                if "not-analysed" in d.flags:
                    summary.documents_not_analysed += 1
            if on_progress:
                on_progress("documents", len(docs))
            if corpus and docs:
                # the reuse matching of what is committed runs while the pool parses the next batches,
                # so that the serial tail after the last batch is short
                t1 = time.perf_counter()
                pending = pending or _corpus_pending(store)
                pending.index()
                summary.timings["corpus"] = summary.timings.get("corpus", 0.0) + time.perf_counter() - t1
        if corpus:
            t1 = time.perf_counter()
            result = (pending or _corpus_pending(store)).finish()
            summary.timings["corpus"] = summary.timings.get("corpus", 0.0) + time.perf_counter() - t1
            summary.reuses = result.get("reuses", 0)
        summary.fused_events = store.stats()["fused_events"]
        summary.seconds = time.perf_counter() - t0
        store.finish_run(run_id, {"documents_new": summary.documents_new, "quarantined": len(summary.quarantined),
                                  "seconds": round(summary.seconds, 3)})
    finally:
        store.close()
    return summary


def _write(store, docs: list[Document], bad: list[Quarantined], **kwargs) -> tuple[list[Document], list[Quarantined]]:
    """Store a batch in one transaction; if that fails, store it document by document.

    A document the store cannot take (a stage bug: a value of the wrong type) is
    quarantined (E303) instead of ending the run; the rest of the batch is kept.
    """
    try:
        store.write_batch(docs, bad, **kwargs)
        return docs, []
    except (sqlite3.Error, TypeError, ValueError):
        log.debug("batch could not be stored; retrying document by document", exc_info=True)
    kept: list[Document] = []
    unstorable: list[Quarantined] = []
    for d in docs:
        try:
            store.write_batch([d], replace_paths=kwargs.get("replace_paths", ()), run_id=kwargs.get("run_id"))
            kept.append(d)
        except (sqlite3.Error, TypeError, ValueError) as exc:
            unstorable.append(quarantine(d.path or d.source or d.doc, "E303", record=d.doc,
                                         reason=f"{type(exc).__name__}: {exc}"))
    store.write_batch([], bad + unstorable, **kwargs)
    return kept, unstorable


def _preload_corpus() -> None:
    """Import the corpus stages (datasketch takes seconds) while the workers analyse.

    The main process mostly waits on the pool then; the import lock makes the later
    ``from . import corpus`` wait for this one, and an import error surfaces there again.
    """
    import importlib
    import threading
    threading.Thread(target=importlib.import_module, args=(f"{__package__}.corpus",),
                     name="sitrep-preload-corpus", daemon=True).start()


def _corpus_pending(store):
    from . import corpus
    return corpus.Pending(store)


def update_corpus(store) -> dict:
    """Cross-document stages for the documents not yet seen: reuse, fusion, series, contradictions."""
    from . import corpus
    return corpus.update(store)


def analyse_paths(paths: Iterable[str], *, stages: Iterable[str] = DEFAULT_STAGES, workers: int = 1,
                  settings: Settings | None = None, reuse: bool = True,
                  resources: Resources | None = None) -> list[Document]:
    """Analyse files without a database and return the documents (with reuse links)."""
    from .ingest import iter_inputs
    settings = settings or Settings()
    docs: list[Document] = []
    items = [x for x in iter_inputs(list(paths), settings=settings) if isinstance(x, Document)]
    batches = [items[i:i + settings.batch_size] for i in range(0, len(items), settings.batch_size)]
    for out, _dropped in process(batches, names=stages, settings=settings, workers=workers, resources=resources):
        docs.extend(out)
    if reuse and len(docs) > 1:
        from .reuse import find_reuse
        found = find_reuse(docs)
        for d in docs:
            d.reuses = list(found.get(d.doc, []))
    return docs


def export(db: str, *, fmt: str, out: str | None = None) -> int:
    """Write the database in one of the export formats; returns the number of records."""
    from .outputs import export as exp
    return exp.export(db, fmt=fmt, out=out)


def brief(db: str, *, out: str, fmt: str = "html", date_from: str | None = None, date_to: str | None = None,
          country: str | None = None) -> str:
    from .outputs.brief import build_brief
    return build_brief(db, out=out, fmt=fmt, date_from=date_from, date_to=date_to, country=country)


def evaluate_folder(gold_dir: str, input_dir: str, *, only: str | None = None):
    """Score the full pipeline on INPUT_DIR against gold files (see docs/eval.md)."""
    import importlib
    ev = importlib.import_module("sitrep.evaluate")  # the scorer module, not this function

    def analyse(paths):
        return [d.to_json() for d in analyse_paths(paths)]
    return ev.run(gold_dir, input_dir, only=only, analyse=analyse)


def stats(db: str) -> dict:
    from .store import Store
    if not os.path.exists(db):
        raise SitrepError("E106", path=db, reason="no such file")
    with Store(db, readonly=True) as store:
        return store.stats()
