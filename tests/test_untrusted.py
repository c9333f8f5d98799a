"""Untrusted text on the terminal and in the CSV export; what ``sitrep serve`` binds and reads.

(The escaping of article text in web pages and the brief is tested in test_web.py and
test_brief.py.)
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import psutil
import pytest
import typer

from hostile.serve import serving
from sitrep.cli import app as cli_app
from sitrep.cli.common import safe

SITREP = [sys.executable, "-m", "sitrep"]
# what a terminal would act on: ESC, BEL, backspace, CR, C1 controls (CSI 0x9b ...), bidi overrides
_TERMINAL_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EVIL_NAME = "\x1b]0;owned\x07\x1b[2J\u202etxt.exe\u202c\x9b31m report\rOVERWRITE.txt"


def cli(*args: str, check_codes=(0, 1)) -> subprocess.CompletedProcess:
    proc = subprocess.run(SITREP + list(args), capture_output=True, timeout=300)
    assert proc.returncode in check_codes, proc.stderr.decode("utf-8", "replace")
    return proc


# ---- safe() ---------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("plain text, tabs\tand\nnewlines", "plain text, tabs\tand\nnewlines"),
    ("\x1b[31mred\x1b[0m", "red"),                                   # SGR colours
    ("\x1b]0;window title\x07after", "after"),                       # OSC title, BEL-terminated
    ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink, ST-terminated
    ("back\x08\x08space\rcarriage", "backspacecarriage"),
    ("c1\x9b2Jcsi", "c12Jcsi"),                                      # the 8-bit CSI itself goes
    ("file\u202etxt.exe", "filetxt.exe"),                            # right-to-left override
    ("\x1bcreset", "creset"),                                        # lone ESC
    ("", ""),
])
def test_safe_strips_what_a_terminal_would_act_on(raw, expected):
    assert safe(raw) == expected


def test_safe_keeps_ordinary_unicode():
    text = "Ménaka, إدلب, Київ, 北京 — “quoted” 💥"
    assert safe(text) == text


# ---- through the CLI ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("untrusted")
    (folder / EVIL_NAME).write_bytes(b"")                       # quarantined: empty, name printed
    (folder / ("bin" + EVIL_NAME)).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    records = [
        {"title": "\x1b[2J\x1b]0;pwned\x07Clashes near Kismayo", "outlet": "=HYPERLINK(\"http://x.example\",\"go\")",
         "date": "2023-05-02",
         "text": "Clashes near Kismayo\n\nAl-Shabaab fighters attacked a government base outside Kismayo on "
                 "Monday, killing four soldiers, a regional official said. \x1b[5mThe group later claimed the "
                 "attack in a statement.\x1b[0m"},
        {"title": "@SUM(A1:A9)", "outlet": "+cmd|' /C calc'!A0", "date": "2023-05-03",
         "text": "-2+3 Gunmen shot dead three farmers in a village near Katsina on Tuesday, police said. "
                 "Residents said the attackers fled on motorcycles."},
    ]
    (folder / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_db(hostile_inputs, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("untrusted-db") / "u.db"
    proc = cli("run", str(hostile_inputs), "--db", str(db), "--workers", "1")
    assert proc.returncode == 1     # two files quarantined
    return db


def _assert_terminal_safe(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    bad = _TERMINAL_BAD.findall(text.replace("\t", "").replace("\n", ""))
    assert not bad, f"control characters reached the terminal: {bad!r} in {text!r}"
    return text


def test_run_summary_prints_file_names_without_escapes(hostile_inputs, tmp_path):
    proc = cli("run", str(hostile_inputs), "--db", str(tmp_path / "a.db"), "--workers", "1")
    out = _assert_terminal_safe(proc.stdout)
    _assert_terminal_safe(proc.stderr)
    assert safe(EVIL_NAME) in out             # the file is still named, readably
    assert "empty file" in out and "binary content" in out


def test_quiet_run_prints_quarantines_without_escapes(hostile_inputs, tmp_path):
    proc = cli("run", str(hostile_inputs), "--db", str(tmp_path / "q.db"), "--workers", "1", "--quiet")
    err = _assert_terminal_safe(proc.stderr)
    _assert_terminal_safe(proc.stdout)
    assert safe(EVIL_NAME) in err


def test_stats_lists_quarantined_paths_without_escapes(hostile_db):
    proc = cli("stats", "--db", str(hostile_db), "--quarantined")
    out = _assert_terminal_safe(proc.stdout)
    assert safe(EVIL_NAME) in out


def test_error_messages_with_hostile_paths_are_escaped(tmp_path):
    proc = cli("run", str(tmp_path / ("missing\x1b[2J" + EVIL_NAME)), "--db", str(tmp_path / "m.db"),
               check_codes=(2,))
    err = _assert_terminal_safe(proc.stderr)
    assert "E101" in err


def test_jsonl_export_to_stdout_escapes_controls(hostile_db):
    proc = cli("export", "--db", str(hostile_db), "--format", "jsonl")
    _assert_terminal_safe(proc.stdout)      # JSON writes \u001b, never the raw byte
    titles = [json.loads(line)["title"] for line in proc.stdout.decode().splitlines() if line.strip()]
    assert any(t and "Clashes near Kismayo" in t for t in titles)


def test_acled_csv_neutralises_formula_cells(hostile_db, tmp_path):
    out = tmp_path / "events.csv"
    cli("export", "--db", str(hostile_db), "--format", "acled-csv", "-o", str(out), check_codes=(0,))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows, "the two stories should give events"
    for row in rows:
        for key, cell in row.items():
            if re.fullmatch(r"-?\d+(\.\d+)?", cell):   # a number (latitude -0.36) is not a formula
                continue
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (key, cell)
    sources = {r["source"] for r in rows}
    # the outlet names are kept, made inert with a leading apostrophe
    assert any(s.startswith("'=HYPERLINK") or s.startswith("'+cmd") for s in sources), sources


# ---- sitrep serve -----------------------------------------------------------------------------

def test_serve_binds_loopback_by_default():
    command = typer.main.get_command(cli_app).commands["serve"]
    host = next(p for p in command.params if p.name == "host")
    assert host.default == "127.0.0.1"


def _raw_get(base: str, target: str) -> tuple[int, bytes]:
    """A GET with the request target sent exactly as written (clients normalise '..')."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


TRAVERSALS = [
    "/../../../../etc/passwd", "/static/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/documents/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/documents/../../../etc/passwd", "//etc/passwd",
    "/api/documents/%2Fetc%2Fpasswd", "/api/documents//etc/passwd", "/events/..%252f..%252fetc%252fpasswd",
    "/templates/base.html", "/web/app.py", "/api/events/%2e%2e%2f%2e%2e%2fapp.py", "/documents/{db}",
    "/documents/..%5c..%5cetc%5cpasswd", "/search?q=../../etc/passwd", "/favicon.ico/../../etc/passwd",
]


def test_serve_has_no_path_that_reads_files(hostile_db):
    secret = Path(hostile_db).parent / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-42", encoding="utf-8")
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    with serving(str(hostile_db)) as (base, server):
        targets = [t.format(db=str(hostile_db)) for t in TRAVERSALS]
        targets += [f"/documents/{secret}", f"/api/documents/..%2F{secret.name}", f"/{secret}"]
        for target in targets:
            status, body = _raw_get(base, target)
            assert status in (200, 400, 404, 422), (target, status)
            assert passwd.encode() not in body, target
            assert b"TOP-SECRET-CONTENT-42" not in body, target
            assert b"SQLite format 3" not in body and b"{% " not in body, target
            if "passwd" in target and "search" not in target:
                assert status in (400, 404, 422), (target, status)
        # the server holds only its database open (and its WAL/shared-memory files)
        db_files = {str(Path(hostile_db).resolve()) + suffix for suffix in ("", "-wal", "-shm")}
        for proc in [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]:
            opened = {f.path for f in proc.open_files() if not f.path.startswith(("/dev/", "/proc/"))}
            assert opened <= db_files, opened - db_files
        # and it listens on the loopback interface only
        listening = [c.laddr for c in psutil.Process(server.pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN]
        assert listening and all(a.ip == "127.0.0.1" for a in listening), listening
