"""sitrep load: bring a Spark engine's Parquet output into a local database."""
from __future__ import annotations

from pathlib import Path

import typer

from ..errors import SitrepError
from .common import echo, fail


def register(app: typer.Typer) -> None:
    @app.command("load")
    def load_cmd(
        folder: Path = typer.Argument(..., help="Output folder of `sitrep run --engine spark`."),
        db: Path = typer.Option(Path("sitrep.db"), "--db"),
    ):
        """Load Spark output (Parquet) into a database for brief, export and serve."""
        from .. import spark
        try:
            n = spark.load(str(folder), db=str(db))
        except SitrepError as exc:
            raise fail(exc)
        echo(f"loaded {n} documents into {db}", err=True)
