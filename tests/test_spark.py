"""The Spark engine gives what the local engine gives (Spark in local mode, ``local[2]``).

One Spark job over the project's sample articles (every input form: txt, HTML, JSONL,
RSS, WARC) plus a few documents written here, compared with a local ``sitrep run`` on
the same folder: documents (ids and text), events, claims, fused events, reuse links,
and the counts ``sitrep stats`` shows after ``sitrep load``.
"""
from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark", reason="pyspark not installed (pip install -e .[spark])")
if shutil.which("java") is None and not __import__("os").environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (17+), not found", allow_module_level=True)

from sitrep import api  # noqa: E402
from sitrep import spark as engine  # noqa: E402
from sitrep.model import Document  # noqa: E402
from sitrep.store import Store  # noqa: E402

pytestmark = pytest.mark.spark
SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# Extra documents in other wordings: a wire story and a shortened copy of it (reuse and
# fusion across documents), and one that is not English (stored, not analysed).
WIRE = """Drone strike kills four in northern Syrian town

IDLIB, 3 October 2019 - A drone strike on a market in the town of Sarmada killed four civilians
and wounded nine others on Thursday morning, a local civil defence official said.

The strike hit a row of vegetable stalls shortly after dawn, residents said. No group said it
carried out the attack, and the Syrian army did not comment.

Aid groups said more than 2,000 families had fled the area in the past two weeks.
"""
COPY = """Drone strike kills four in northern Syrian town (via wire)

A drone strike on a market in the town of Sarmada killed four civilians and wounded nine others
on Thursday morning, a local civil defence official said.

The strike hit a row of vegetable stalls shortly after dawn, residents said.
"""
FRENCH = """Des hommes armés ont attaqué un poste de police à Diffa, au Niger, dans la nuit de mardi,
tuant deux agents, selon une source sécuritaire. Les assaillants ont pris la fuite vers la frontière.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SAMPLES, root / "samples")
    extra = root / "samples" / "extra"
    extra.mkdir()
    (extra / "sarmada_wire.txt").write_text(WIRE, encoding="utf-8")
    (extra / "sarmada_copy.txt").write_text(COPY, encoding="utf-8")
    (extra / "diffa_fr.txt").write_text(FRENCH, encoding="utf-8")
    (extra / "empty.txt").write_bytes(b"")     # quarantined by both engines
    return root / "samples"


@pytest.fixture(scope="module")
def local(corpus, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.db"
    api.run([str(corpus)], db=str(db), workers=1)
    return db


@pytest.fixture(scope="module")
def spark_out(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark") / "out"
    session = engine.session("local[2]", app="sitrep-test")
    try:
        n = engine.run([str(corpus)], out=str(out), spark=session, partitions=2)
    finally:
        session.stop()
    assert n > 0
    return out


def _normal(obj):
    """JSON with keys sorted and floats rounded: what two engines must agree on."""
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, dict):
        return {k: _normal(v) for k, v in sorted(obj.items())}
    if isinstance(obj, list):
        return [_normal(v) for v in obj]
    return obj


def _local_docs(db: Path) -> dict[str, dict]:
    with Store(str(db), readonly=True) as store:
        return {d.id: d.to_json() for d in store.documents()}


def _spark_docs(out: Path) -> dict[str, dict]:
    import pyarrow.parquet as pq
    rows = pq.read_table(str(out / "documents")).to_pylist()
    return {r["id"]: json.loads(r["json"]) for r in rows}


def _without_reuses(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "reuses"}


def test_same_documents_events_and_claims(local, spark_out):
    here, there = _local_docs(local), _spark_docs(spark_out)
    assert set(here) == set(there)
    assert len(here) >= 12          # the samples' documents and the extra ones
    for ident, d in here.items():
        assert d["text"] == there[ident]["text"]
        # reuses are added by the corpus step: compared separately below
        assert _normal(_without_reuses(d)) == _normal(_without_reuses(there[ident])), d["doc"]
    assert any(d["events"] for d in here.values())
    assert any(d["claims"] for d in here.values())


def test_documents_round_trip_through_json(spark_out):
    for d in _spark_docs(spark_out).values():
        assert Document.from_json(d).to_json() == d


def test_same_fused_events_and_reuse(local, spark_out):
    import pyarrow.parquet as pq
    with Store(str(local), readonly=True) as store:
        here = sorted((_normal(dataclasses.asdict(f)) for f in store.fused_events()), key=lambda f: f["id"])
        here_reuse = sorted(store.reuse_pairs())
    there = sorted((_normal(json.loads(r["json"])) for r in pq.read_table(str(spark_out / "fused_events")).to_pylist()),
                   key=lambda f: f["id"])
    assert [f["id"] for f in here] == [f["id"] for f in there]
    assert here == there
    rows = pq.read_table(str(spark_out / "reuses")).to_pylist()
    there_reuse = sorted((r["doc"], r["other"], r["relation"]) for r in rows)
    assert here_reuse == there_reuse
    assert ("sarmada_copy", "sarmada_wire") in {(a, b) for a, b, _ in there_reuse}


def test_load_then_stats_gives_the_local_counts(local, spark_out, tmp_path):
    db = tmp_path / "loaded.db"
    exe = shutil.which("sitrep") or str(Path(__import__("sys").executable).with_name("sitrep"))
    subprocess.run([exe, "load", str(spark_out), "--db", str(db)], check=True, capture_output=True)
    got = json.loads(subprocess.run([exe, "stats", "--db", str(db), "--json"], check=True,
                                    capture_output=True, text=True).stdout)
    want = api.stats(str(local))
    for key in ("documents", "analysed", "quarantined", "inputs", "entities", "mentions", "places", "events",
                "claims", "reuses", "fused_events", "series", "contradictions"):
        assert got[key] == want[key], key
    assert got["quarantined"] >= 1       # the empty file
    assert got["analysed"] < got["documents"]   # the French story is stored, not analysed
