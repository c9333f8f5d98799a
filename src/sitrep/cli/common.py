"""What every command shares: terminal-safe printing, logging setup, exit codes."""
from __future__ import annotations

import logging
import re
import sys

import typer

EXIT_OK, EXIT_QUARANTINED, EXIT_USAGE = 0, 1, 2

# ANSI/VT escape sequences, C0/C1 control characters (but tab and newline) and the bidi
# overrides/isolates that can make a printed path read as something else ("Trojan source")
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
                      "|[\u202a-\u202e\u2066-\u2069]")


def safe(text: object) -> str:
    """Strip control characters and terminal escapes from untrusted text before printing it."""
    return _ESCAPES.sub("", str(text))


def setup_logging(*, quiet: bool, verbose: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True)
    # third-party libraries are chatty at INFO
    for name in ("trafilatura", "htmldate", "urllib3", "dateparser", "datasketch", "py4j", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)


def echo(text: object = "", *, err: bool = False) -> None:
    typer.echo(safe(text), err=err)


def fail(exc: Exception) -> "typer.Exit":
    echo(f"error: {exc}", err=True)
    return typer.Exit(EXIT_USAGE)
