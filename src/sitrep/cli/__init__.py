"""The ``sitrep`` command: one thin module per command over :mod:`sitrep.api`."""
from __future__ import annotations

import typer

from . import brief, eval as eval_cmd, export, ingest, load, run, serve, stats

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="sitrep: a source-cited picture of armed conflict from raw news.")
for module in (run, ingest, stats, export, brief, serve, eval_cmd, load):
    module.register(app)


def main() -> None:
    app(prog_name="sitrep")
