"""sitrep run: ingest, analyse, fuse."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from .. import api
from ..errors import SitrepError
from .common import EXIT_QUARANTINED, echo, fail, safe, setup_logging


def _progress(quiet: bool):
    """A progress bar on a terminal; nothing when output is not a terminal."""
    if quiet or not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    bar = Progress(TextColumn("analysing"), BarColumn(), TextColumn("{task.completed} documents"),
                   TimeElapsedColumn(), transient=True)
    task = bar.add_task("docs", total=None)
    return bar, lambda what, n: bar.advance(task, n)


def print_summary(s: api.RunSummary, *, verbose: bool) -> None:
    echo(f"sitrep run: {s.documents_new} new documents "
         f"({s.documents_duplicate} already stored, {s.files_unchanged} unchanged files skipped, "
         f"{s.documents_not_analysed} not English: stored, not analysed)")
    echo(f"  events {s.events}, claims {s.claims}, entities {s.entities}; reuse links {s.reuses}; "
         f"fused events in database {s.fused_events}")
    if s.seconds:
        echo(f"  {s.seconds:.1f}s, {s.documents_new / s.seconds:.1f} documents/s, {s.words / s.seconds:.0f} words/s"
             + (f" -> {s.db}" if s.db else ""))
    if verbose and s.timings:
        echo("  time per stage: " + ", ".join(f"{k} {v:.2f}s" for k, v in s.timings.items()))
    if s.quarantined:
        echo(f"  {len(s.quarantined)} inputs quarantined:")
        for q in s.quarantined[:20]:
            where = f"{q.source}" + (f" [{q.record}]" if q.record else "")
            echo(f"    {safe(where)}: {safe(q.reason)} ({q.code})")
        if len(s.quarantined) > 20:
            echo(f"    ... and {len(s.quarantined) - 20} more (see `sitrep stats --quarantined`)")


def execute(inputs, *, db, workers, quiet, verbose, stages=None, corpus=True, engine="local",
            master=None, out=None):
    setup_logging(quiet=quiet, verbose=verbose)
    if engine == "spark":
        from .. import spark
        try:
            n = spark.run(inputs, out=out or "sitrep-out", master=master)
        except SitrepError as exc:
            raise fail(exc)
        if not quiet:
            echo(f"sitrep run --engine spark: wrote {n} documents to {out or 'sitrep-out'}")
        return
    if engine != "local":
        raise fail(SitrepError("E110", name=engine))
    bar, progress = _progress(quiet)
    kwargs = {"db": db, "workers": workers, "on_progress": progress, "corpus": corpus}
    if stages:
        kwargs["stages"] = stages
    try:
        if bar:
            with bar:
                summary = api.run(inputs, **kwargs)
        else:
            summary = api.run(inputs, **kwargs)
    except SitrepError as exc:
        raise fail(exc)
    if not quiet:
        print_summary(summary, verbose=verbose)
    else:
        for q in summary.quarantined:
            echo(f"quarantined {q.source}{' [' + q.record + ']' if q.record else ''}: {q.reason}", err=True)
    if summary.exit_code:
        raise typer.Exit(EXIT_QUARANTINED)


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_cmd(
        inputs: list[str] = typer.Argument(..., help="Files, folders, globs, or - for stdin."),
        db: Path = typer.Option(Path("sitrep.db"), "--db", help="SQLite database to write."),
        workers: int = typer.Option(0, "--workers", help="Worker processes (default: all cores)."),
        engine: str = typer.Option("local", "--engine", help="local or spark."),
        master: str = typer.Option(None, "--master", help="Spark master URL (with --engine spark)."),
        out: Path = typer.Option(None, "--out", help="Output folder of Parquet files (with --engine spark)."),
        quiet: bool = typer.Option(False, "--quiet", "-q"),
        verbose: bool = typer.Option(False, "--verbose", "-v"),
    ):
        """Ingest, analyse and fuse: the main job.  Re-running processes only what is new."""
        execute(inputs, db=str(db), workers=workers or None, quiet=quiet, verbose=verbose, engine=engine,
                master=master, out=str(out) if out else None)
