"""``sitrep serve`` answers searches while ``sitrep run`` writes to the same database."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from hostile.serve import serving
from test_crash import generate_corpus

THREADS = 4
MIN_REQUESTS = 200
QUERIES = ["killed", "convoy", "protesters", "\"army said\"", "Kandahar OR Gao", "drone", "abducted"]
PATHS = ["/api/search?q={q}", "/search?q={q}", "/api/events?per_page=20", "/events", "/api/stats",
         "/documents", "/api/claims"]


@pytest.mark.slow
def test_serve_answers_while_run_writes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    generate_corpus(corpus, n=80, seed=11)
    db = tmp_path / "live.db"
    first = subprocess.run([sys.executable, "-m", "sitrep", "run", str(corpus / "part0"), "--db", str(db),
                            "--workers", "1", "--quiet"], capture_output=True, timeout=300)
    assert first.returncode == 0, first.stderr.decode()

    with serving(str(db)) as (base, server):
        writer = subprocess.Popen([sys.executable, "-m", "sitrep", "run", str(corpus), "--db", str(db),
                                   "--workers", "2", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        results: list[tuple[str, int, str]] = []
        lock = threading.Lock()
        during = [0]

        def client(k: int):
            i = k
            with httpx.Client(base_url=base, timeout=30) as c:
                while writer.poll() is None or len(results) < MIN_REQUESTS:
                    path = PATHS[i % len(PATHS)].format(q=QUERIES[i % len(QUERIES)])
                    i += THREADS
                    try:
                        r = c.get(path)
                        item = (path, r.status_code, r.text)
                    except httpx.HTTPError as exc:
                        item = (path, -1, repr(exc))
                    with lock:
                        results.append(item)
                        if writer.poll() is None:
                            during[0] += 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(THREADS)]
        for t in threads:
            t.start()
        out, err = writer.communicate(timeout=300)
        for t in threads:
            t.join(timeout=120)
        assert writer.returncode == 0, err.decode()
        after = httpx.get(base + "/api/stats", timeout=30).json()
    server_log = server.stderr.read().decode("utf-8", "replace")
    bad = [(p, s, body[:200]) for p, s, body in results if s != 200]
    assert not bad, bad[:5]
    assert len(results) >= MIN_REQUESTS
    assert during[0] >= 50, f"only {during[0]} requests landed while the run was writing"
    assert not any("database is locked" in body for _, _, body in results)
    assert "locked" not in server_log and "Traceback" not in server_log, server_log[-2000:]
    assert after["documents"] >= 80   # what the run wrote is visible to the server
