"""Stage registry, pipeline building and the local engine.

Each stage is a small named function over a batch of documents that declares the
:class:`~sitrep.model.Document` fields it reads and writes (in the manner of spaCy's
components).  :func:`build` assembles a pipeline from names and checks, before any
document is touched, that every field a stage reads is written by an earlier stage or
provided by ingest.  The same stage functions run here (in-process or in a process pool)
and on Spark (:mod:`sitrep.spark`).
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .errors import SitrepError, quarantine
from .model import Document, Quarantined
from .settings import Settings

log = logging.getLogger(__name__)

# Fields a Document has when it leaves ingest.
INGEST_FIELDS = frozenset({"id", "doc", "text", "source", "form", "title", "outlet", "author",
                           "url", "published", "language", "comments", "flags"})


@dataclass(frozen=True)
class Stage:
    name: str
    func: Callable[..., None]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    analysis: bool = True      # False: runs on every document, also those not analysed (non-English)


_REGISTRY: dict[str, Stage] = {}
# The registry is filled at import time only (decorators below); it is never mutated at run time.


def stage(name: str, *, reads: Iterable[str], writes: Iterable[str], analysis: bool = True):
    """Register ``func(docs, *, res)`` as a per-document stage called ``name``."""
    def deco(func):
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise SitrepError("E113", name=name)
        _REGISTRY[name] = Stage(name, func, tuple(reads), tuple(writes), analysis)
        return func
    return deco


def registry() -> dict[str, Stage]:
    _load_stage_modules()
    return dict(_REGISTRY)


def _load_stage_modules() -> None:
    # Importing the stage modules registers their stages.
    from . import clean, nlp  # noqa: F401
    from .normalize import actors, places, times  # noqa: F401
    from .extract import claims, events  # noqa: F401


# the same modules by name (what a process pool's server imports before forking workers)
_STAGE_MODULES = tuple(f"{__package__}.{m}" for m in ("clean", "nlp", "normalize.actors", "normalize.places",
                                                        "normalize.times", "extract.claims", "extract.events"))


DEFAULT_STAGES = ("clean", "nlp", "entities", "places", "times", "claims", "events")


class Resources:
    """What stages share inside one process: the spaCy pipeline, gazetteer, actor table.

    Each is loaded on first use and kept on this object (one per worker process, or
    one per Spark executor), never in a module-level cache.
    """

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self._cache: dict[str, object] = {}

    def get(self, key: str, loader: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = loader()
        return self._cache[key]

    @property
    def nlp(self):
        from .nlp import load_pipeline
        return self.get("nlp", lambda: load_pipeline(self.settings.spacy_model))

    @property
    def gazetteer(self):
        from .normalize.places import Gazetteer
        return self.get("gazetteer", Gazetteer.load)

    @property
    def actors(self):
        from .normalize.actors import ActorTable
        return self.get("actors", ActorTable.load)

    def __getstate__(self):
        # Ship settings only; the receiving process loads its own models.
        return {"settings": self.settings, "_cache": {}}


@dataclass
class Pipeline:
    stages: list[Stage]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(self, docs: list[Document], *, res: Resources) -> tuple[list[Document], list[Quarantined]]:
        """Run every stage over a batch; a document that makes a stage fail is quarantined."""
        dropped: list[Quarantined] = []
        for st in self.stages:
            todo = [d for d in docs if not st.analysis or "not-analysed" not in d.flags]
            if not todo:  # a batch of quarantines only: no need to load any model
                continue
            t0 = time.perf_counter()
            try:
                st.func(todo, res=res)
            except Exception:  # one bad document must not sink the batch: retry one by one
                log.debug("stage %s failed on a batch; retrying per document", st.name, exc_info=True)
                failed = set()
                for d in todo:  # stages overwrite what they write, so a rerun is safe
                    try:
                        st.func([d], res=res)
                    except Exception as exc:  # noqa: BLE001 - becomes the quarantine reason
                        failed.add(id(d))
                        dropped.append(quarantine(d.path or d.source or d.doc, "E301", record=d.doc,
                                                  stage=st.name, reason=f"{type(exc).__name__}: {exc}"))
                docs = [d for d in docs if id(d) not in failed]
            self.timings[st.name] = self.timings.get(st.name, 0.0) + time.perf_counter() - t0
        for d in docs:
            d.spacy = None  # the spaCy Doc never leaves the worker
        return docs, dropped


def build(names: Iterable[str] = DEFAULT_STAGES) -> Pipeline:
    """Assemble a pipeline from stage names, checking reads against earlier writes."""
    reg = registry()
    available = set(INGEST_FIELDS)
    stages = []
    for name in names:
        if name not in reg:
            raise SitrepError("E102", name=name, known=", ".join(sorted(reg)))
        st = reg[name]
        for f in st.reads:
            if f not in available:
                raise SitrepError("E103", name=name, field=f)
        available.update(st.writes)
        stages.append(st)
    return Pipeline(stages)


# ---- local engine -------------------------------------------------------------------------

_WORKER: dict[str, object] = {}   # per worker process: its pipeline and resources, set once by _init


def _init_worker(names: tuple[str, ...], settings: Settings) -> None:
    _WORKER["pipeline"] = build(names)
    _WORKER["res"] = Resources(settings)


def _run_batch(docs: list[Document]):
    pipe: Pipeline = _WORKER["pipeline"]  # type: ignore[assignment]
    before = dict(pipe.timings)
    out, dropped = pipe(docs, res=_WORKER["res"])  # type: ignore[arg-type]
    spent = {k: v - before.get(k, 0.0) for k, v in pipe.timings.items()}
    return out, dropped, spent


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def process(batches: Iterable[list[Document]], *, names: Iterable[str] = DEFAULT_STAGES,
            settings: Settings | None = None, workers: int | None = None,
            timings: dict[str, float] | None = None,
            resources: Resources | None = None) -> Iterator[tuple[list[Document], list[Quarantined]]]:
    """Run the per-document stages over batches, in order, yielding each processed batch.

    With ``workers > 1`` batches go to a process pool (each worker loads its models once);
    results come back in input order so that the caller can commit batch by batch.
    In-process (``workers == 1``), ``resources`` lets a caller reuse models it already
    loaded (an application or a test session); the pool ignores it.
    """
    names = tuple(names)
    settings = settings or Settings()
    workers = workers or default_workers()
    timings = timings if timings is not None else {}

    def add(spent):
        for k, v in spent.items():
            timings[k] = timings.get(k, 0.0) + v

    if workers <= 1:
        pipe = build(names)  # built here, not in the worker globals: nothing outlives the call
        res = resources if resources is not None else Resources(settings)
        for batch in batches:
            before = dict(pipe.timings)
            out, dropped = pipe(batch, res=res)
            add({k: v - before.get(k, 0.0) for k, v in pipe.timings.items()})
            yield out, dropped
        return
    batches = iter(batches)
    first = next(batches, None)
    if first is None:   # nothing to analyse (a re-run over unchanged inputs): start no pool
        return
    import itertools
    import multiprocessing as mp
    ctx = mp.get_context("forkserver" if os.name == "posix" else "spawn")
    if os.name == "posix":
        # the server imports spaCy and the stages once and every worker forks from it, instead
        # of each worker importing them again (~1 s of CPU each); has no effect once it runs
        ctx.set_forkserver_preload(["__main__", "spacy", *_STAGE_MODULES])
    with ctx.Pool(workers, initializer=_init_worker, initargs=(names, settings)) as pool:
        for out, dropped, spent in pool.imap(_run_batch, itertools.chain([first], batches)):
            add(spent)
            yield out, dropped
