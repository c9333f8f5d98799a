"""sitrep serve: the local web app."""
from __future__ import annotations

from pathlib import Path

import typer

from ..errors import SitrepError
from .common import fail


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        db: Path = typer.Option(Path("sitrep.db"), "--db"),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default loopback only)."),
        port: int = typer.Option(8000, "--port"),
    ):
        """Serve search, events, map, timeline and estimates at http://127.0.0.1:8000."""
        import uvicorn

        from ..web.app import create_app
        try:
            application = create_app(str(db))
        except SitrepError as exc:
            raise fail(exc)
        uvicorn.run(application, host=host, port=port, log_level="warning")
