"""sitrep brief: the situation brief, one self-contained file."""
from __future__ import annotations

from pathlib import Path

import typer

from .. import api
from ..errors import SitrepError
from .common import echo, fail


def register(app: typer.Typer) -> None:
    @app.command("brief")
    def brief_cmd(
        db: Path = typer.Option(Path("sitrep.db"), "--db"),
        out: Path = typer.Option(Path("brief.html"), "--out", "-o"),
        fmt: str = typer.Option("html", "--format", help="html or md"),
        date_from: str = typer.Option(None, "--from", help="YYYY-MM-DD"),
        date_to: str = typer.Option(None, "--to", help="YYYY-MM-DD"),
        country: str = typer.Option(None, "--country", help="Country name or ISO code."),
    ):
        """Write a situation brief with map, timeline, estimates and sources."""
        try:
            path = api.brief(str(db), out=str(out), fmt=fmt, date_from=date_from, date_to=date_to, country=country)
        except SitrepError as exc:
            raise fail(exc)
        echo(f"wrote {path}", err=True)
