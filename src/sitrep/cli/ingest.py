"""sitrep ingest: read and clean inputs into the database, without analysis."""
from __future__ import annotations

from pathlib import Path

import typer

from .run import execute


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_cmd(
        inputs: list[str] = typer.Argument(..., help="Files, folders, globs, or - for stdin."),
        db: Path = typer.Option(Path("sitrep.db"), "--db"),
        workers: int = typer.Option(0, "--workers"),
        quiet: bool = typer.Option(False, "--quiet", "-q"),
        verbose: bool = typer.Option(False, "--verbose", "-v"),
    ):
        """Ingest and clean only (furniture and comments separated); no NLP."""
        execute(inputs, db=str(db), workers=workers or None, quiet=quiet, verbose=verbose,
                stages=("clean",), corpus=False)
