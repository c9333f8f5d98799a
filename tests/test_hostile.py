"""Hostile inputs through ``sitrep run``: each run completes, the bad record is quarantined
with a reason naming the file (or the input is stored correctly), memory stays bounded, and
nothing stored earlier changes.

The inputs are generated in ``tmp_path`` by :mod:`hostile.generators`; most cases go through
the Python API in-process (``sitrep.api.run``), a few through the CLI in a subprocess whose
peak memory is read from ``wait4``.
"""
from __future__ import annotations

import math
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

import psutil
import pytest

from hostile.generators import BY_NAME, CASES, PROSE, Case
from sitrep import api
from sitrep.cli.common import safe
from sitrep.settings import Settings

MAX_RSS_GROWTH = 150 * 1024 * 1024
MAX_SECONDS = 90
SITREP = [sys.executable, "-m", "sitrep"]


# ---- helpers ---------------------------------------------------------------------------------

class PeakRSS:
    """Samples this process's RSS in a thread while a block runs: the peak above the start."""

    def __init__(self, interval: float = 0.005):
        self.proc = psutil.Process()
        self.interval = interval
        self.start = self.peak = 0
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.interval)

    def __enter__(self):
        self.start = self.peak = self.proc.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def growth(self) -> int:
        return self.peak - self.start


def snapshot(db: str) -> dict[str, set]:
    """The stored documents, events, claims and entities as sets of rows."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table, cols in (("documents", "id, doc, source, path, title, text, flags"),  # data: gains reuse links
                            ("events", "doc_id, id, type, sub_type, location, actor1, actor2, fatalities, spans"),
                            ("claims", "doc_id, id, about, low, high, value_text, spans"),
                            ("entities", "doc_id, id, name, type")):
            out[table] = set(conn.execute(f"SELECT {cols} FROM {table}").fetchall())
        return out
    finally:
        conn.close()


def copy_db(src: str, dst: str) -> str:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()
    return dst


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    """A database that already holds a few analysed stories (the 'stored earlier' data)."""
    folder = tmp_path_factory.mktemp("base")
    for i, text in enumerate(PROSE[:3]):
        (folder / f"earlier_{i}.txt").write_text(f"Report {i}\n\n{text}\n", encoding="utf-8")
    db = str(tmp_path_factory.mktemp("basedb") / "base.db")
    summary = api.run([str(folder)], db=db, workers=1)
    assert summary.documents_new == 3 and not summary.quarantined, (summary.documents_new, summary.documents_duplicate, summary.files_unchanged, summary.quarantined)
    return db


@pytest.fixture(scope="module")
def ordinary_growth(base_db, tmp_path_factory) -> int:
    """Peak RSS growth of a run over one ordinary story: the largest of three, since each
    run loads its own models and how much of that the allocator hands back varies."""
    folder = tmp_path_factory.mktemp("ordinary")
    growths = []
    for i in range(3):
        (folder / f"ok{i}.txt").write_text(f"{PROSE[4]} ({i})", encoding="utf-8")
        db = copy_db(base_db, str(folder / f"o{i}.db"))
        with PeakRSS() as rss:
            api.run([str(folder / f"ok{i}.txt")], db=db, workers=1)
        growths.append(rss.growth)
    return max(growths)


def check_outcome(case: Case, summary, db: str, before: dict, inputs: list[str]) -> None:
    after = snapshot(db)
    for table, rows in before.items():   # nothing stored earlier changed or went away
        assert rows <= after[table], f"{case.name}: rows of {table} changed"
    new_docs = after["documents"] - before["documents"]
    quarantined = summary.quarantined
    for q in quarantined:
        assert q.reason and q.code.startswith("E2"), q
        # the reason names the file: the record's source is the input (or a file under it)
        assert any(q.source == p or q.source.startswith(p.rstrip("/") + "/") for p in inputs), (q, inputs)
    codes = {q.code for q in quarantined}
    if case.codes and not case.either:
        assert quarantined, f"{case.name}: expected a quarantine {sorted(case.codes)}"
    if quarantined:
        assert codes <= case.codes, f"{case.name}: unexpected quarantine {quarantined}"
    if not case.codes:
        assert not quarantined, quarantined
        assert new_docs, f"{case.name}: no document stored"
    if case.either:
        assert quarantined or new_docs, f"{case.name}: neither stored nor quarantined"
    stored = db_quarantine(db)
    for q in quarantined:   # what the summary reports is what the database keeps
        assert (q.source, q.code) in stored
    texts = [row[5] for row in new_docs]
    if case.check_text:
        assert any(case.check_text in t for t in texts), (case.name, [t[:200] for t in texts])
    for t in texts:
        assert "\x00" not in t
    for flag in case.flags:
        assert any(flag in row[6] for row in new_docs), (case.name, [row[6] for row in new_docs])
    check_numbers_finite(db)


def db_quarantine(db: str) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return {(s, c) for s, c in conn.execute("SELECT source, code FROM quarantine")}
    finally:
        conn.close()


def check_numbers_finite(db: str) -> None:
    conn = sqlite3.connect(db)
    try:
        for low, high in conn.execute("SELECT low, high FROM claims"):
            for x in (low, high):
                assert x is None or (isinstance(x, (int, float)) and math.isfinite(x)), (low, high)
        for fat, inj in conn.execute("SELECT fatalities, injured FROM events"):
            for x in (fat, inj):
                assert x is None or (isinstance(x, int) and 0 <= x < 10**12), (fat, inj)
    finally:
        conn.close()


# ---- in-process: every case through the API ----------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_hostile_input_through_the_api(name, base_db, ordinary_growth, tmp_path):
    case = BY_NAME[name]
    inputs_dir = tmp_path / "in"
    inputs_dir.mkdir()
    inputs = case.build(str(inputs_dir))
    db = copy_db(base_db, str(tmp_path / "run.db"))
    before = snapshot(db)
    t0 = time.perf_counter()
    with PeakRSS() as rss:
        summary = api.run(inputs, db=db, workers=1, settings=Settings(**case.settings))
    seconds = time.perf_counter() - t0
    assert seconds < MAX_SECONDS, f"{name} took {seconds:.0f}s"
    extra = rss.growth - ordinary_growth
    assert extra < MAX_RSS_GROWTH, f"{name}: RSS grew {extra / 2**20:.0f} MB more than for an ordinary story"
    check_outcome(case, summary, db, before, inputs)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_every_case_is_generated_fresh_and_the_list_is_long_enough():
    assert len(CASES) >= 30
    assert len(BY_NAME) == len(CASES)


def test_all_hostile_inputs_in_one_folder_do_not_stop_the_good_ones(base_db, tmp_path):
    """One run over a folder mixing every quarantined case with good files stores the good ones."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    quarantining = [c for c in CASES if c.codes and not c.either and not c.settings
                    and c.name not in ("symlink_loop", "dangling_symlink", "char_device_link", "fifo")]
    for c in quarantining:
        sub = folder / c.name
        sub.mkdir()
        c.build(str(sub))
    (folder / "zz_good.txt").write_text(PROSE[4], encoding="utf-8")
    db = copy_db(base_db, str(tmp_path / "mixed.db"))
    before = snapshot(db)
    summary = api.run([str(folder)], db=db, workers=1)
    assert summary.documents_new == 1
    bad_dirs = {os.path.relpath(q.source, folder).split(os.sep)[0] for q in summary.quarantined}
    assert bad_dirs == {c.name for c in quarantining}
    after = snapshot(db)
    assert before["documents"] <= after["documents"]


# ---- through the CLI, in a subprocess ------------------------------------------------------------

def run_cli(args: list[str], *, env: dict | None = None, timeout: float = 120) -> tuple[int, str, str, int]:
    """Run ``sitrep`` and return (exit code, stdout, stderr, peak RSS in bytes of the child)."""
    proc = subprocess.Popen(SITREP + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    out = err = b""
    try:
        out, err = _communicate_keep_rusage(proc, timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), proc.maxrss


def _communicate_keep_rusage(proc, *, timeout: float):
    # read both pipes in threads, then reap the child with wait4 to get its own peak RSS
    chunks = {"out": [], "err": []}

    def pump(stream, key):
        for block in iter(lambda: stream.read(65536), b""):
            chunks[key].append(block)

    threads = [threading.Thread(target=pump, args=(proc.stdout, "out")),
               threading.Thread(target=pump, args=(proc.stderr, "err"))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"sitrep did not finish within {timeout}s")
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.maxrss = usage.ru_maxrss * 1024   # kilobytes on Linux
    for t in threads:
        t.join()
    return b"".join(chunks["out"]), b"".join(chunks["err"])


@pytest.fixture(scope="module")
def cli_baseline_rss(tmp_path_factory):
    """Peak RSS of a CLI run over one ordinary story: the yardstick for the hostile runs."""
    folder = tmp_path_factory.mktemp("cli-base")
    (folder / "ok.txt").write_text(PROSE[1], encoding="utf-8")
    code, out, err, rss = run_cli(["run", str(folder / "ok.txt"), "--db", str(folder / "b.db"), "--workers", "1"])
    assert code == 0, err
    return rss


@pytest.mark.slow
@pytest.mark.parametrize("name,env", [
    ("sparse_200mb", {}),
    ("single_line_10mb", {"SITREP_MAX_DOC_CHARS": "20000"}),
    ("gzip_bomb_txt", {"SITREP_MAX_INFLATE": str(1 << 20)}),
    ("billion_laughs_feed", {}),
    ("fifo", {}),
    ("escapes_in_filename", {}),
    ("newline_in_filename", {}),
])
def test_hostile_input_through_the_cli(name, env, tmp_path, cli_baseline_rss):
    case = BY_NAME[name]
    folder = tmp_path / "in"
    folder.mkdir()
    inputs = case.build(str(folder))
    db = str(tmp_path / "cli.db")
    code, out, err, rss = run_cli(["run", *inputs, "--db", db, "--workers", "1"], env=env)
    assert code == (1 if case.codes else 0), (code, out, err)
    assert "Traceback" not in err, err
    assert rss - cli_baseline_rss < MAX_RSS_GROWTH, f"{name}: peak RSS {rss / 2**20:.0f} MB"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT source, code FROM quarantine").fetchall()
    finally:
        conn.close()
    if case.codes:
        assert rows and {c for _, c in rows} <= case.codes, rows
        assert {s for s, _ in rows} <= set(inputs)
        # the summary names the file, printed without its control characters
        assert safe(os.path.basename(inputs[0])) in out
        assert "\x1b" not in out and "\x07" not in out
