"""The Spark engine: the same stage functions as the local engine, spread over a cluster.

``sitrep run --engine spark [--master URL] INPUT... --out DIR`` calls :func:`run`;
``sitrep load DIR --db DB`` calls :func:`load`.  pyspark is an optional extra
(``pip install -e .[spark]``); every executor needs sitrep and the spaCy pipeline
package installed (see the README, "Running on a cluster").

Data flow (each step a DataFrame, nothing collected that grows with the corpus except
what the reuse step needs, see below):

1. **ingest**: ``binaryFile`` with recursive lookup reads every input on any filesystem
   Spark reads (local, HDFS, S3...); each file's bytes go to the same readers as a local
   run (:func:`sitrep.ingest.documents_from_bytes`) inside ``mapInPandas``.  Documents
   travel as the document JSON (:meth:`Document.to_json` / :meth:`Document.from_json`).
   Identical texts keep their first occurrence in folder-walk order, as locally.
2. **analyse**: the per-document stages (``sitrep.pipeline.build(DEFAULT_STAGES)``) in
   ``mapInPandas``, one Arrow batch of ``Settings.batch_size`` documents at a time.
   ``documents.parquet``, ``events.parquet``, ``claims.parquet`` are written here and
   read back by the later steps, so analysis runs once.
3. **reuse**: MinHash candidates and passage alignment by :func:`sitrep.reuse.find_reuse`
   on the driver, over the article texts only (documents are streamed to the driver one
   partition at a time).  This keeps the result identical to the local engine and is fine
   up to some 10^5 short articles; beyond that the LSH band keys should become Spark keys
   (groupBy band, align candidate pairs in executors) -- not done yet.
4. **fuse**: event mentions are grouped by the connected components of their blocking
   keys (:func:`sitrep.fuse.blocking_keys`; a mention whose window spans two months links
   two blocks) and each component is fused by :func:`sitrep.fuse.fuse` in
   ``applyInPandas``.  Clusters never cross a component, so this equals fusing everything
   at once.  Series and contradictions need every claim: computed on the driver from the
   claim rows (small).

Models are loaded once per Python worker process: Spark reuses its Python workers from
task to task (``spark.python.worker.reuse``, on by default), so :data:`_PER_WORKER` (a
holder keyed by the settings, filled only inside executors) keeps the pipeline and its
:class:`~sitrep.pipeline.Resources` between partitions.  Creating Resources per
partition iterator would work too but would reload spaCy for every task.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import SitrepError, quarantine
from .model import Document, FusedEvent, Quarantined
from .pipeline import DEFAULT_STAGES, Pipeline, Resources, build
from .settings import Settings

log = logging.getLogger(__name__)

TABLES = ("documents", "events", "claims", "fused_events", "reuses", "series", "contradictions",
          "quarantined", "inputs", "state")

# One entry per settings, filled inside a Python worker on its first task (see the module docstring).
_PER_WORKER: dict[tuple, tuple[Pipeline, Resources]] = {}


def _worker(settings: Settings, stages: tuple[str, ...]) -> tuple[Pipeline, Resources]:
    key = (settings, stages)
    if key not in _PER_WORKER:
        _PER_WORKER.clear()   # another run's settings in a reused worker: drop its models
        _PER_WORKER[key] = (build(stages), Resources(settings))
    return _PER_WORKER[key]


def _spark_modules():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession, functions as F, types as T
    except ImportError as exc:
        raise SitrepError("E111") from exc
    return SparkSession, F, T


def session(master: str | None = None, *, app: str = "sitrep"):
    """A SparkSession (``master`` e.g. ``local[2]``, ``spark://host:7077``, ``yarn``)."""
    SparkSession, _, _ = _spark_modules()
    builder = SparkSession.builder.appName(app)
    if not master and not os.environ.get("SPARK_HOME") and not os.environ.get("MASTER"):
        master = "local[*]"
    if master:
        builder = builder.master(master)
    if (master or "").startswith("local") and not os.environ.get("PYSPARK_PYTHON"):
        # local mode: the Python workers are this interpreter (the one sitrep is installed in);
        # pyspark reads the variable when the context starts.  On a cluster PYSPARK_PYTHON
        # names the executors' interpreter and is left alone.
        os.environ["PYSPARK_PYTHON"] = sys.executable
    return (builder
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.python.worker.reuse", "true")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


# ---- paths ---------------------------------------------------------------------------------

def _spark_path(p: str) -> str:
    """Local paths become absolute (executors do not share the driver's cwd); URIs stay."""
    if "://" in p or p.startswith("file:"):
        return p
    if not os.path.exists(p):
        raise SitrepError("E101", path=p)
    return os.path.abspath(p)


def _local_name(uri: str) -> str:
    """``file:/a/b.txt`` -> ``/a/b.txt`` so that local inputs are named as in a local run."""
    if uri.startswith("file://"):
        return uri[len("file://"):]
    if uri.startswith("file:"):
        return uri[len("file:"):]
    return uri


def _walk_order(name: str) -> str:
    # the local engine walks folders sorted name by name: compare paths part by part
    return name.replace("/", "\x00")


# ---- schemas -------------------------------------------------------------------------------

def _schemas(T):
    S = T.StructType
    F = T.StructField
    ingest = S([F("kind", T.StringType()), F("order", T.StringType()), F("seq", T.LongType()),
                F("id", T.StringType()), F("path", T.StringType()), F("size", T.LongType()),
                F("mtime_ns", T.LongType()), F("json", T.StringType())])
    documents = S([F("id", T.StringType()), F("doc", T.StringType()), F("path", T.StringType()),
                   F("source", T.StringType()), F("form", T.StringType()), F("language", T.StringType()),
                   F("published", T.StringType()), F("analysed", T.BooleanType()), F("words", T.LongType()),
                   F("events", T.LongType()), F("claims", T.LongType()), F("order", T.StringType()),
                   F("seq", T.LongType()), F("kind", T.StringType()), F("json", T.StringType())])
    fused = S([F("id", T.StringType()), F("blocking_key", T.StringType()), F("type", T.StringType()),
               F("sub_type", T.StringType()), F("date_earliest", T.StringType()),
               F("date_latest", T.StringType()), F("country", T.StringType()), F("sources", T.LongType()),
               F("json", T.StringType())])
    return ingest, documents, fused


# ---- per-partition functions (run in executors) -----------------------------------------------

def _ingest_partition(settings: Settings):
    import pandas as pd
    from .ingest import Context, documents_from_bytes

    def func(batches: Iterator["pd.DataFrame"]) -> Iterator["pd.DataFrame"]:
        ctx = Context(settings)   # the language detector, built once per partition
        for pdf in batches:
            rows = []
            for path, content, length, mtime in zip(pdf["path"], pdf["content"], pdf["length"],
                                                    pdf["modificationTime"]):
                name = _local_name(path)
                mtime_ns = int(pd.Timestamp(mtime).value)
                order = _walk_order(name)
                n_docs = n_bad = 0
                for seq, item in enumerate(documents_from_bytes(bytes(content), name=name,
                                                                settings=settings, ctx=ctx)):
                    if isinstance(item, Document):
                        n_docs += 1
                        rows.append(("doc", order, seq, item.id, name, None, None, json.dumps(item.to_json())))
                    else:
                        n_bad += 1
                        rows.append(("quarantine", order, seq, None, name, None, None,
                                     json.dumps(item.__dict__)))
                rows.append(("input", order, -1, None, name, int(length), mtime_ns,
                             json.dumps({"documents": n_docs, "quarantined": n_bad})))
            yield pd.DataFrame(rows, columns=["kind", "order", "seq", "id", "path", "size", "mtime_ns", "json"])
    return func


def _analyse_partition(settings: Settings, stages: tuple[str, ...]):
    import pandas as pd

    def func(batches: Iterator["pd.DataFrame"]) -> Iterator["pd.DataFrame"]:
        pipe, res = _worker(settings, stages)
        for pdf in batches:
            docs = [Document.from_json(json.loads(s)) for s in pdf["json"]]
            keys = {d.id: (o, q) for d, o, q in zip(docs, pdf["order"], pdf["seq"])}
            out, dropped = pipe(docs, res=res)
            rows = []
            for d in out:
                wrong = _wrong_type(d)
                if wrong:   # what the local engine's store refuses (E303), quarantined here too
                    dropped.append(quarantine(d.source or d.doc, "E303", record=d.doc, reason=wrong))
                else:
                    rows.append(_document_row(d, *keys[d.id]))
            for q in dropped:
                rows.append(_quarantine_row(q))
            yield pd.DataFrame(rows, columns=["id", "doc", "path", "source", "form", "language", "published",
                                              "analysed", "words", "events", "claims", "order", "seq", "kind",
                                              "json"])
    return func


_SCALARS = (str, int, float, type(None))
_CHECKED = {"events": ("type", "sub_type", "actor1", "actor2", "fatalities", "injured", "attributed_to"),
            "claims": ("about", "unit", "actor", "where", "attributed_to")}


def _wrong_type(d: Document) -> str | None:
    """Why a stage's output cannot be stored as a row (a value that is not a plain scalar), or None."""
    for what, names in _CHECKED.items():
        for item in getattr(d, what):
            for name in names:
                value = getattr(item, name)
                if not isinstance(value, _SCALARS):
                    return f"TypeError: {what[:-1]} {item.id} {name} is a {type(value).__name__}"
    return None


def _document_row(d: Document, order: str, seq: int) -> tuple:
    return (d.id, d.doc, d.path, d.source, d.form, d.language, d.published.earliest,
            "not-analysed" not in d.flags, len(d.text.split()), len(d.events), len(d.claims), order, int(seq),
            "doc", json.dumps(d.to_json()))


def _quarantine_row(q: Quarantined) -> tuple:
    return (None, None, q.source, None, None, None, None, False, 0, 0, 0, "", 0, "quarantine",
            json.dumps(q.__dict__))


def _fuse_group(groups_bc):
    import pandas as pd
    from . import fuse as fusion
    from .model import DateWindow, Event, Location, Span

    def func(pdf: "pd.DataFrame") -> "pd.DataFrame":
        mentions = []
        for doc, raw in zip(pdf["doc"], pdf["event"]):
            e = json.loads(raw)
            mentions.append((doc, Event(date=DateWindow(**e.pop("date")), location=Location(**e.pop("location")),
                                        spans=[Span(**s) for s in e.pop("spans")], **e)))
        rows = [_fused_row(f) for f in fusion.fuse(mentions, groups=groups_bc.value)]
        return pd.DataFrame(rows, columns=["id", "blocking_key", "type", "sub_type", "date_earliest",
                                           "date_latest", "country", "sources", "json"])
    return func


def _fused_row(f: FusedEvent) -> tuple:
    import dataclasses
    return (f.id, f.blocking_key, f.type, f.sub_type, f.date.earliest, f.date.latest, f.location.country,
            len(f.sources), json.dumps(dataclasses.asdict(f)))


# ---- the job ---------------------------------------------------------------------------------

def run(inputs: Iterable[str], *, out: str, master: str | None = None, settings: Settings | None = None,
        stages: Iterable[str] = DEFAULT_STAGES, partitions: int | None = None, spark=None) -> int:
    """Analyse ``inputs`` on Spark and write Parquet tables under ``out``; returns the document count."""
    _, F, T = _spark_modules()
    settings = settings or Settings()
    stages = tuple(stages)
    build(stages)   # fail on a bad stage list before starting anything
    paths = [_spark_path(p) for p in inputs]
    spark = spark or session(master)
    out = out.rstrip("/")
    ingest_schema, doc_schema, fused_schema = _schemas(T)

    files = (spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(paths)
             .where(F.udf(_is_article, T.BooleanType())(F.col("path"))))
    raw = files.mapInPandas(_ingest_partition(settings), ingest_schema)
    empty = _empty_local_files(paths)
    if empty:
        raw = raw.unionByName(spark.createDataFrame(empty, ingest_schema))
    raw = raw.persist()
    _write(raw.where("kind = 'input'").select("path", "size", "mtime_ns", "json"), f"{out}/inputs")
    bad = raw.where("kind = 'quarantine'").select("json")

    # identical texts: keep the first in walk order, as the local engine does
    docs = raw.where("kind = 'doc'")
    first = docs.groupBy("id").agg(F.min(F.struct("order", "seq")).alias("k"))
    docs = (docs.join(first, "id").where((F.col("order") == F.col("k.order")) & (F.col("seq") == F.col("k.seq")))
            .select("id", "order", "seq", "json"))
    n_parts = partitions or max(1, spark.sparkContext.defaultParallelism * 4)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(settings.batch_size))
    analysed = docs.repartition(n_parts, "id").mapInPandas(_analyse_partition(settings, stages), doc_schema)
    _write(analysed, f"{out}/_analysed")
    raw.unpersist()

    analysed = spark.read.parquet(f"{out}/_analysed")
    _write(analysed.where("kind = 'doc'").drop("kind").orderBy("order", "seq"),
           f"{out}/documents")
    _write(bad.unionByName(analysed.where("kind = 'quarantine'").select("json")), f"{out}/quarantined")
    documents = spark.read.parquet(f"{out}/documents")
    n_docs = documents.count()

    _write_items(spark, documents, out, F, T)
    groups = _reuse(spark, documents, out)
    _fuse(spark, out, groups, fused_schema, F)
    _series(spark, out, groups)
    return n_docs


def _empty_local_files(paths: list[str]) -> list[tuple]:
    """Ingest rows for the 0-byte files under local ``paths``: Spark's file scan skips
    empty files, while a local run quarantines them (E202).  (On other filesystems they
    are skipped without a record.)"""
    from .errors import InputError
    from .ingest import is_article_name
    rows = []
    for top in paths:
        if "://" in top or top.startswith("file:"):
            continue
        found = [top] if os.path.isfile(top) else sorted(
            os.path.join(d, f) for d, _, fs in os.walk(top) for f in fs)
        for path in found:
            rel = os.path.relpath(path, top) if path != top else os.path.basename(path)
            if any(part.startswith(".") for part in rel.split(os.sep)) or not is_article_name(path):
                continue
            st = os.stat(path)
            if st.st_size == 0:
                q = Quarantined(source=path, record=None, code="E202", reason=InputError("E202", source=path).reason)
                order = _walk_order(path)
                rows.append(("quarantine", order, 0, None, path, None, None, json.dumps(q.__dict__)))
                rows.append(("input", order, -1, None, path, 0, st.st_mtime_ns,
                             json.dumps({"documents": 0, "quarantined": 1})))
    return rows


def _is_article(path: str) -> bool:
    from .ingest import is_article_name
    return is_article_name(path)


def _write(df, path: str) -> None:
    df.write.mode("overwrite").parquet(path)


def _write_items(spark, documents, out: str, F, T) -> None:
    """events.parquet and claims.parquet: one row per event / claim, with the document it came from."""
    from .fuse import blocking_keys
    item = T.StructType([T.StructField("doc_id", T.StringType()), T.StructField("doc", T.StringType()),
                         T.StructField("item", T.StringType()), T.StructField("kind", T.StringType()),
                         T.StructField("keys", T.ArrayType(T.StringType())), T.StructField("json", T.StringType())])

    def explode(batches):
        import dataclasses

        import pandas as pd
        for pdf in batches:
            rows = []
            for raw in pdf["json"]:
                d = Document.from_json(json.loads(raw))
                for e in d.events:
                    rows.append((d.id, d.doc, e.id, "event", blocking_keys(e), json.dumps(dataclasses.asdict(e))))
                for c in d.claims:
                    rows.append((d.id, d.doc, c.id, "claim", [], json.dumps(dataclasses.asdict(c))))
            yield pd.DataFrame(rows, columns=["doc_id", "doc", "item", "kind", "keys", "json"])
    items = documents.select("json").mapInPandas(explode, item)
    _write(items.where("kind = 'event'").drop("kind"), f"{out}/events")
    _write(items.where("kind = 'claim'").drop("kind", "keys"), f"{out}/claims")


def _reuse(spark, documents, out: str) -> dict[str, str]:
    """Reuse links on the driver (see the module docstring); returns the reuse groups."""
    from .reuse import ReuseIndex, find_reuse, source_groups
    docs = [Document.from_json(json.loads(r["json"]))
            for r in documents.select("json", "order", "seq").orderBy("order", "seq").toLocalIterator()]
    index = ReuseIndex()
    found = find_reuse(docs, index=index) if docs else {}
    ids = {d.doc: d.id for d in docs}
    import dataclasses
    rows = [(ids.get(name), name, r.other, r.relation, json.dumps(dataclasses.asdict(r)))
            for name, items in found.items() for r in items]
    schema = "doc_id string, doc string, other string, relation string, json string"
    _write(spark.createDataFrame(rows, schema), f"{out}/reuses")
    _write(spark.createDataFrame([("reuse_index", index.to_bytes())], "key string, value binary"), f"{out}/state")
    return source_groups(found)


def _fuse(spark, out: str, groups: dict[str, str], fused_schema, F) -> None:
    """Fuse each connected component of blocking keys in an executor."""
    events = spark.read.parquet(f"{out}/events")
    component = _components([list(r["keys"]) for r in events.select("keys").toLocalIterator()])
    comp_df = spark.createDataFrame(list(component.items()), "key string, component string")
    per_event = (events.select("doc", F.col("json").alias("event"), F.col("keys")[0].alias("key"))
                 .join(comp_df, "key"))
    groups_bc = spark.sparkContext.broadcast(groups)
    fused = per_event.groupBy("component").applyInPandas(_fuse_group(groups_bc), fused_schema)
    _write(fused, f"{out}/fused_events")


def _components(key_lists: list[list[str]]) -> dict[str, str]:
    """Blocking key -> component id, linking the keys that one mention carries together."""
    from .reuse import DisjointSets
    sets = DisjointSets()
    for keys in key_lists:
        for k in keys[1:]:
            sets.union(keys[0], k)
        if keys:
            sets.find(keys[0])
    return sets.mapping()


def _series(spark, out: str, groups: dict[str, str]) -> None:
    """Estimate series and contradictions over every claim and fused event (driver: small rows)."""
    from . import fuse as fusion
    from .model import Claim, DateWindow, Span, Value
    import dataclasses
    claims = []
    for r in spark.read.parquet(f"{out}/claims").select("doc", "json").toLocalIterator():
        c = json.loads(r["json"])
        claims.append((r["doc"], Claim(value=Value(**c.pop("value")), when=DateWindow(**c.pop("when")),
                                       spans=[Span(**s) for s in c.pop("spans")], **c)))
    fused = [_fused_from_json(r["json"]) for r in spark.read.parquet(f"{out}/fused_events").toLocalIterator()]
    series = fusion.series(claims, groups=groups)
    contradictions = fusion.contradictions(series, fused, groups=groups)
    rows = [(s.key, json.dumps(dataclasses.asdict(s))) for s in series]
    _write(spark.createDataFrame(rows, "key string, json string"), f"{out}/series")
    rows = [(str(c.get("id") or ""), json.dumps(c)) for c in contradictions]
    _write(spark.createDataFrame(rows, "id string, json string"), f"{out}/contradictions")


def _fused_from_json(raw: str) -> FusedEvent:
    from .model import DateWindow, Location
    d = json.loads(raw)
    d["date"] = DateWindow(**d["date"])
    d["location"] = Location(**d["location"])
    return FusedEvent(**d)


# ---- sitrep load ----------------------------------------------------------------------------

def _read_table(folder: Path, name: str) -> list[dict]:
    import pyarrow.parquet as pq
    path = folder / name
    if not path.exists():
        return []
    return pq.read_table(str(path)).to_pylist()


def load(folder: str, *, db: str) -> int:
    """Bring the Parquet output of :func:`run` into a database; returns the documents added."""
    from .model import Reuse
    from .store import Store
    base = Path(folder)
    if not (base / "documents").exists():
        raise SitrepError("E106", path=str(base / "documents"), reason="not the output of sitrep run --engine spark")
    docs_rows = sorted(_read_table(base, "documents"), key=lambda r: (r["order"] or "", r["seq"] or 0))
    docs = [Document.from_json(json.loads(r["json"])) for r in docs_rows]
    bad = [Quarantined(**json.loads(r["json"])) for r in _read_table(base, "quarantined")]
    inputs = [(r["path"], r["size"], r["mtime_ns"], json.loads(r["json"])["documents"],
               json.loads(r["json"])["quarantined"]) for r in _read_table(base, "inputs")]
    reuses: dict[str, list] = {}
    for r in _read_table(base, "reuses"):
        reuses.setdefault(r["doc_id"], []).append(Reuse(**json.loads(r["json"])))
    fused = [_fused_from_json(r["json"]) for r in _read_table(base, "fused_events")]
    series = [json.loads(r["json"]) for r in _read_table(base, "series")]
    contradictions = [json.loads(r["json"]) for r in _read_table(base, "contradictions")]
    state = {r["key"]: r["value"] for r in _read_table(base, "state")}
    with Store(db) as store:
        store.migrate()
        run_id = store.start_run({"inputs": [str(base)], "engine": "spark"})
        new = [d for d in docs if not store.has_document(d.id)]
        store.write_batch(new, bad, inputs=inputs, run_id=run_id)
        store.write_corpus(done_ids=[d.id for d in docs], reuses=reuses, fused=fused,
                           touched_blocks=sorted({f.blocking_key for f in fused}), series=series,
                           contradictions=contradictions, state=state)
        store.finish_run(run_id, {"documents_new": len(new), "quarantined": len(bad), "engine": "spark"})
    return len(new)
