"""sitrep stats: what the database holds."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from .. import api
from ..errors import SitrepError
from .common import echo, fail


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats_cmd(
        db: Path = typer.Option(Path("sitrep.db"), "--db"),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
        quarantined: bool = typer.Option(False, "--quarantined", help="List quarantined inputs with reasons."),
    ):
        """Counts of documents, events, claims, ... in the database."""
        try:
            s = api.stats(str(db))
        except SitrepError as exc:
            raise fail(exc)
        if as_json:
            echo(json.dumps(s, indent=2))
        else:
            for k, v in s.items():
                echo(f"{k:>15}  {v}")
        if quarantined:
            from ..store import Store
            with Store(str(db), readonly=True) as store:
                for q in store.quarantined():
                    echo(f"{q.source}{' [' + q.record + ']' if q.record else ''}: {q.reason} ({q.code})")
