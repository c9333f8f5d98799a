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
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .errors import SitrepError
from .model import Document, Quarantined
from .pipeline import DEFAULT_STAGES, default_workers, process
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


def _stream(inputs: list[str], *, settings: Settings, skip, summary: RunSummary, is_stored: Callable[[str], bool],
            batch_size: int, meta: deque, on_progress: Progress | None) -> Iterator[list[Document]]:
    """Group ingested documents into batches; note per batch its quarantines and finished inputs."""
    from .ingest import fingerprint, iter_inputs
    seen: set[str] = set()
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

    for item in iter_inputs(inputs, settings=settings, skip=skip):
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
        if item.id in seen or is_stored(item.id):
            summary.documents_duplicate += 1
            continue
        seen.add(item.id)
        batch.append(item)
        if len(batch) >= batch_size:
            yield flush()
    finish(current)
    if batch or bad or done_inputs:
        yield flush()


def run(inputs: Iterable[str], *, db: str = "sitrep.db", workers: int | None = None,
        stages: Iterable[str] = DEFAULT_STAGES, settings: Settings | None = None,
        on_progress: Progress | None = None, corpus: bool = True) -> RunSummary:
    """Ingest, analyse and store everything new under ``inputs``; then update reuse and fusion.

    Unchanged input files (same size and modification time) are not read again; documents
    whose text is already stored are not analysed again.  Each batch is one transaction.
    """
    from .store import Store
    settings = settings or Settings()
    inputs = list(inputs)
    t0 = time.perf_counter()
    summary = RunSummary(inputs=inputs, db=db)
    store = Store(db)
    try:
        store.migrate()
        run_id = store.start_run({"inputs": inputs, "stages": list(stages)})
        meta: deque = deque()

        def skip(path: str, size: int, mtime_ns: int) -> bool:
            if store.input_unchanged(path, size, mtime_ns):
                summary.files_unchanged += 1
                return True
            return False
        batches = _stream(inputs, settings=settings, skip=skip,
                          summary=summary, is_stored=store.has_document, batch_size=settings.batch_size,
                          meta=meta, on_progress=on_progress)
        for docs, dropped in process(batches, names=stages, settings=settings,
                                     workers=workers or default_workers(), timings=summary.timings):
            bad, done_inputs = meta.popleft()
            t1 = time.perf_counter()
            store.write_batch(docs, list(bad) + list(dropped), inputs=done_inputs, run_id=run_id)
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
        if corpus:
            t1 = time.perf_counter()
            result = update_corpus(store)
            summary.timings["corpus"] = time.perf_counter() - t1
            summary.reuses = result.get("reuses", 0)
        summary.fused_events = store.stats()["fused_events"]
        summary.seconds = time.perf_counter() - t0
        store.finish_run(run_id, {"documents_new": summary.documents_new, "quarantined": len(summary.quarantined),
                                  "seconds": round(summary.seconds, 3)})
    finally:
        store.close()
    return summary


def update_corpus(store) -> dict:
    """Cross-document stages for the documents not yet seen: reuse, fusion, series, contradictions."""
    from . import corpus
    return corpus.update(store)


def analyse_paths(paths: Iterable[str], *, stages: Iterable[str] = DEFAULT_STAGES, workers: int = 1,
                  settings: Settings | None = None, reuse: bool = True) -> list[Document]:
    """Analyse files without a database and return the documents (with reuse links)."""
    from .ingest import iter_inputs
    settings = settings or Settings()
    docs: list[Document] = []
    items = [x for x in iter_inputs(list(paths), settings=settings) if isinstance(x, Document)]
    batches = [items[i:i + settings.batch_size] for i in range(0, len(items), settings.batch_size)]
    for out, _dropped in process(batches, names=stages, settings=settings, workers=workers):
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
