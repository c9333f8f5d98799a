"""sitrep eval: score the pipeline against gold files."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from .. import api
from ..errors import SitrepError
from .common import echo, fail, setup_logging


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_cmd(
        gold_dir: Path = typer.Argument(..., help="Folder of gold document-JSON files."),
        input_dir: Path = typer.Argument(..., help="Folder of the input documents (same base names)."),
        as_json: bool = typer.Option(False, "--json"),
        only: str = typer.Option(None, "--only", help="furniture | published | entities | events | claims | reuse"),
        floors: Path = typer.Option(None, "--floors", help="Fail (exit 1) when a number is below its floor."),
    ):
        """Print the scoreboard: precision, recall, F1 per part (rules in docs/eval.md)."""
        setup_logging(quiet=True, verbose=False)
        try:
            board = api.evaluate_folder(str(gold_dir), str(input_dir), only=only)
        except SitrepError as exc:
            raise fail(exc)
        echo(json.dumps(board.to_dict(), indent=2) if as_json else board.to_text())
        if floors:
            from ..evaluate import check_floors
            failures = check_floors(board, json.loads(floors.read_text()))
            for f in failures:
                echo(f"below floor: {f}", err=True)
            if failures:
                raise typer.Exit(1)
