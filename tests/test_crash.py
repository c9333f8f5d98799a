"""Crash safety: ``sitrep run`` killed with SIGKILL at random moments leaves a sound database,
and the run that follows completes it to exactly what an uninterrupted run stores.

The corpus is generated from the texts in ``samples/`` (sentences recombined, places and
figures varied) so that one run takes a few seconds with two workers.
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitrep.ingest import iter_inputs
from sitrep.model import Document
from sitrep.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SITREP = [sys.executable, "-m", "sitrep"]
KILLS = 20
CHAIN = 10           # kills in a row on one database before it is completed and compared
N_DOCS = 64
# Places swapped into the generated stories (real towns; the incidents stay invented).
PLACES = ["Maiduguri", "Gao", "Marib", "Kismayo", "Deir ez-Zor", "Kherson", "Kandahar", "Timbuktu",
          "Beledweyne", "Taiz", "Bama", "Menaka", "Idlib", "Lashkar Gah", "Zaporizhzhia", "Katsina"]
_NUM = re.compile(r"\b\d{1,4}\b")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def sample_texts() -> list[str]:
    """The article texts of every sample (all forms), read through sitrep's own ingest."""
    texts = [d.text for d in iter_inputs([str(SAMPLES)], settings=Settings()) if isinstance(d, Document)]
    assert len(texts) >= 6
    return texts


def generate_corpus(folder: Path, *, n: int = N_DOCS, seed: int = 7) -> None:
    """``n`` small varied stories: sentences of the samples recombined, places and figures changed."""
    rng = random.Random(seed)
    sentences = [s.strip() for t in sample_texts() for s in _SENT.split(t) if len(s.split()) >= 6]
    places_in = ("Gao", "Marib", "Kupiansk", "Zamfara", "Maiduguri", "Kharkiv")
    for i in range(n):
        picked = rng.sample(sentences, k=rng.randint(3, 7))
        place = rng.choice(PLACES)
        text = " ".join(picked)
        for p in places_in:
            text = text.replace(p, place)
        text = _NUM.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), text)
        title = f"Update {i}: violence reported near {place}"
        sub = folder / f"part{i % 4}"
        sub.mkdir(exist_ok=True)
        if i % 9 == 0:   # some JSON Lines too, two records per file
            rec = [{"title": title, "text": text, "date": f"2023-0{1 + i % 9}-1{i % 10}"},
                   {"title": title + " (follow-up)", "text": text + " Officials gave no further details."}]
            (sub / f"story{i:03d}.jsonl").write_text("\n".join(json.dumps(r) for r in rec), encoding="utf-8")
        else:
            (sub / f"story{i:03d}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")


def start_run(corpus: Path, db: Path) -> subprocess.Popen:
    # a new session: the kill reaches the worker processes too, as a crash or OOM kill would
    return subprocess.Popen(SITREP + ["run", str(corpus), "--db", str(db), "--workers", "2", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def finish_run(corpus: Path, db: Path) -> float:
    t0 = time.perf_counter()
    proc = start_run(corpus, db)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    return time.perf_counter() - t0


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    # forkserver workers may outlive the group kill by a moment: wait for the session to empty
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _session_alive(proc.pid):
        time.sleep(0.05)


def _session_alive(sid: int) -> bool:
    import psutil
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getsid(p.info["pid"]) == sid:
                return True
        except (ProcessLookupError, PermissionError, OSError):
            continue
    return False


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def dump(db: Path) -> dict[str, list]:
    """Documents, events, claims and fused events, without run ids, timestamps or rowids."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    out = {}
    try:
        for table, order, drop in (("documents", "id", {"rowid", "run_id", "corpus_done", "ingested_at"}),
                                   ("events", "doc_id, id", {"rowid"}),
                                   ("claims", "doc_id, id", {"rowid"}),
                                   ("fused_events", "id", set()),
                                   ("reuses", "doc_id, other_id", set())):
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            out[table] = [{k: _norm(k, r[k]) for k in r.keys() if k not in drop} for r in rows]
    finally:
        conn.close()
    return out


def _norm(key: str, value):
    if key == "data" and isinstance(value, str):
        data = json.loads(value)
        if isinstance(data.get("reuses"), list):
            data["reuses"] = sorted(data["reuses"], key=lambda r: json.dumps(r, sort_keys=True))
        return json.dumps(data, sort_keys=True)
    return value


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash-corpus")
    generate_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """An uninterrupted run: its dump and how long it took."""
    db = tmp_path_factory.mktemp("crash-ref") / "ref.db"
    seconds = finish_run(corpus, db)
    return dump(db), seconds


def test_corpus_is_varied_and_the_reference_run_stores_it(corpus, reference):
    ref, seconds = reference
    assert len(ref["documents"]) >= N_DOCS
    assert len({d["text"] for d in ref["documents"]}) == len(ref["documents"])
    assert ref["events"] and ref["claims"]


@pytest.mark.slow
def test_sigkill_at_random_moments_then_resume(corpus, reference, tmp_path):
    ref, seconds = reference
    rng = random.Random(20240611)
    delays = [rng.uniform(0.05, 1.0) * seconds for _ in range(KILLS)]
    db = None
    for k, delay in enumerate(delays):
        if k % CHAIN == 0:
            db = tmp_path / f"crash{k // CHAIN}.db"
        proc = start_run(corpus, db)
        time.sleep(delay)
        kill_group(proc)
        if db.exists():
            assert integrity(db) == "ok", f"kill {k} after {delay:.2f}s"
        if k % CHAIN == CHAIN - 1:
            finish_run(corpus, db)
            assert integrity(db) == "ok"
            got = dump(db)
            for table in ref:
                assert got[table] == ref[table], f"table {table} differs after kills {k - CHAIN + 1}..{k}"
