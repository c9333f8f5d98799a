"""sitrep export: the database in the field's formats."""
from __future__ import annotations

from pathlib import Path

import typer

from .. import api
from ..errors import SitrepError
from .common import echo, fail


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_cmd(
        db: Path = typer.Option(Path("sitrep.db"), "--db"),
        fmt: str = typer.Option("jsonl", "--format", "-f",
                                help="jsonl | events-jsonl | acled-csv | geojson | parquet"),
        out: str = typer.Option(None, "--out", "-o", help="Output file (folder for parquet); default stdout."),
        quiet: bool = typer.Option(False, "--quiet", "-q"),
    ):
        """Export documents, events and claims (document JSON, ACLED CSV, GeoJSON, Parquet)."""
        try:
            n = api.export(str(db), fmt=fmt, out=out)
        except SitrepError as exc:
            raise fail(exc)
        if out and not quiet:
            echo(f"wrote {n} records to {out}", err=True)
