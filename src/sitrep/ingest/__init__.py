"""Ingest: every input form into :class:`~sitrep.model.Document` records, streamed.

``iter_inputs`` takes files, folders (walked recursively in sorted order, hidden
entries skipped), globs and "-" (stdin).  Each bad file or record becomes one
:class:`~sitrep.model.Quarantined` naming it and the reason; the iteration goes on.
"""
from __future__ import annotations

import errno
import io
import glob
import logging
import os
import stat
import sys
from collections.abc import Callable, Iterator

from ..errors import InputError, SitrepError
from ..model import Document, Quarantined
from ..settings import Settings
from .common import (Context, base_name, doc_id, fingerprint, inflate, open_gzip_limited,
                     read_file)
from .feed import feed_documents, looks_like_feed
from .html import html_document
from .jsonl import json_documents, jsonl_documents
from .text import text_document
from .warc import warc_documents

__all__ = ["iter_inputs", "documents_from_bytes", "fingerprint", "doc_id", "Context"]

log = logging.getLogger(__name__)

Skip = Callable[[str, int, int], bool]
_GLOB_CHARS = frozenset("*?[")
# Found while walking a folder, these are the project's own files (a README, the script
# that made a sample), not articles; named explicitly on the command line they are read.
_NOT_ARTICLES = frozenset({".md", ".rst", ".py", ".sh", ".toml", ".cfg", ".ini", ".yaml", ".yml",
                           ".lock", ".css", ".js",
                           # a database kept next to its inputs (sitrep run news/ --db news/x.db)
                           ".db", ".db-wal", ".db-shm", ".db-journal", ".sqlite", ".sqlite3"})
_FORMS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".xhtml": "html",
          ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".warc": "warc",
          ".xml": "feed", ".rss": "feed", ".atom": "feed"}


def iter_inputs(paths: list[str], *, settings: Settings, skip: Skip | None = None, stdin=None,
                ctx: Context | None = None) -> Iterator[Document | Quarantined]:
    """Yield a Document or a Quarantined for every input found under ``paths``, one by one.

    A top-level path that does not exist (and matches nothing as a glob) raises E101
    before anything is read.  ``skip(path, size, mtime_ns)`` returning True means the
    file is already ingested unchanged: it is not read.  ``ctx`` may be shared
    between calls so that the language detector is built once.
    """
    paths = list(paths)
    for p in paths:
        _check_exists(p)   # now, at the call, not at the first next()
    return _iter(paths, settings=settings, skip=skip, stdin=stdin, ctx=ctx or Context(settings))


def _iter(paths: list[str], *, settings: Settings, skip: Skip | None, stdin,
          ctx: Context) -> Iterator[Document | Quarantined]:
    for p in paths:
        if p == "-":
            yield from _stdin_documents(stdin if stdin is not None else sys.stdin, settings=settings, ctx=ctx)
        elif os.path.lexists(p):
            yield from _walk(p, settings=settings, skip=skip, ctx=ctx, seen=set())
        else:
            for match in sorted(glob.glob(p, recursive=True)):
                yield from _walk(match, settings=settings, skip=skip, ctx=ctx, seen=set())


def _check_exists(p: str) -> None:
    if p == "-" or os.path.lexists(p):
        return
    if _GLOB_CHARS & set(p) and glob.glob(p, recursive=True):
        return
    raise SitrepError("E101", path=p)


def _walk(path: str, *, settings: Settings, skip: Skip | None, ctx: Context,
          seen: set) -> Iterator[Document | Quarantined]:
    """A file's documents, or a folder's files recursively (sorted; hidden skipped; no loops)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        code = "E217" if os.path.islink(path) or exc.errno == errno.ELOOP else "E201"
        yield _quarantine(path, code, reason=exc.strerror or str(exc))
        return
    if os.path.isdir(path):
        key = (st.st_dev, st.st_ino)
        if key in seen:  # a symlink back up the tree
            yield _quarantine(path, "E217")
            return
        seen = seen | {key}
        try:
            names = sorted(os.listdir(path))
        except OSError as exc:
            yield _quarantine(path, "E201", reason=exc.strerror or str(exc))
            return
        for name in names:
            if not name.startswith(".") and os.path.splitext(name)[1].lower() not in _NOT_ARTICLES:
                yield from _walk(os.path.join(path, name), settings=settings, skip=skip, ctx=ctx, seen=seen)
        return
    if not stat.S_ISREG(st.st_mode):   # a FIFO would block the run; sockets and devices are no articles
        yield _quarantine(path, "E201", reason="not a regular file")
        return
    if skip is not None and skip(path, st.st_size, st.st_mtime_ns):
        log.debug("unchanged, skipped: %s", path)
        return
    try:
        for item in _file_documents(path, size=st.st_size, settings=settings, ctx=ctx):
            if isinstance(item, Document):
                item.path = path    # the input file, for incremental runs (source may be a URL)
            yield item
    except InputError as exc:
        yield Quarantined(source=path, record=exc.record, code=exc.code, reason=exc.reason)
    except OSError as exc:
        yield _quarantine(path, "E201", reason=exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not end the run
        log.warning("reader failed on %s", path, exc_info=True)
        yield _quarantine(path, "E218", reason=f"{type(exc).__name__}: {exc}")


def documents_from_bytes(data: bytes, *, name: str, settings: Settings,
                         ctx: Context | None = None) -> Iterator[Document | Quarantined]:
    """The documents of one input file read by someone else (Spark's binaryFile reader,
    an object store), named by its path or URL: the same readers and limits as a local
    file, the same quarantine records, never an exception."""
    ctx = ctx or Context(settings)
    try:
        if len(data) > settings.max_bytes:
            raise InputError("E212", source=name, size=len(data), limit=settings.max_bytes)
        if not data:
            raise InputError("E202", source=name)
        form = form_of(name)
        if form == "warc":   # warcio inflates .warc.gz itself, record by record
            items = warc_documents(io.BytesIO(data), source=name, ctx=ctx, max_record=settings.max_inflate)
        else:
            if name.lower().endswith(".gz") and data[:2] == b"\x1f\x8b":
                data = inflate(data, source=name, limit=settings.max_inflate)
            items = _bytes_documents(data, form=form, base=base_name(name), source=name, ctx=ctx)
        for item in items:
            if isinstance(item, Document):
                item.path = name
            yield item
    except InputError as exc:
        yield Quarantined(source=name, record=exc.record, code=exc.code, reason=exc.reason)
    except Exception as exc:  # noqa: BLE001 - a reader bug on one input must not end the run
        log.warning("reader failed on %s", name, exc_info=True)
        yield _quarantine(name, "E218", reason=f"{type(exc).__name__}: {exc}")


def is_article_name(name: str) -> bool:
    """False for names a folder walk skips: hidden entries and the project's own files."""
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return not base.startswith(".") and os.path.splitext(base)[1].lower() not in _NOT_ARTICLES


def _file_documents(path: str, *, size: int, settings: Settings,
                    ctx: Context) -> Iterator[Document | Quarantined]:
    form = form_of(path)
    if size > settings.max_bytes:
        raise InputError("E212", source=path, size=size, limit=settings.max_bytes)
    if size == 0:
        raise InputError("E202", source=path)
    base = base_name(path)
    gz = path.lower().endswith(".gz")
    if form == "warc":
        # warcio inflates .warc.gz itself, record by record
        with open(path, "rb") as fh:
            yield from warc_documents(fh, source=path, ctx=ctx, max_record=settings.max_inflate)
        return
    if form == "jsonl":
        opener = (lambda: open_gzip_limited(path, limit=settings.max_inflate)) if gz else (lambda: open(path, "rb"))
        with opener() as fh:
            yield from jsonl_documents(fh, base=base, source=path, ctx=ctx)
        return
    data = read_file(path, settings=settings)
    yield from _bytes_documents(data, form=form, base=base, source=path, ctx=ctx)


def _bytes_documents(data: bytes, *, form: str | None, base: str | None, source: str,
                     ctx: Context) -> Iterator[Document | Quarantined]:
    form = form or sniff(data)
    if form == "html":
        yield html_document(data, doc=base, source=source, ctx=ctx)
    elif form == "json":
        yield from json_documents(data, base=base or "stdin", source=source, ctx=ctx)
    elif form == "jsonl":
        yield from jsonl_documents(iter(data.splitlines()), base=base or "stdin", source=source, ctx=ctx)
    elif form == "feed":
        yield from feed_documents(data, source=source, ctx=ctx)
    elif form == "warc":
        yield from warc_documents(io.BytesIO(data), source=source, ctx=ctx, max_record=len(data))
    else:
        yield text_document(data, doc=base, source=source, ctx=ctx)


def _stdin_documents(stream, *, settings: Settings, ctx: Context) -> Iterator[Document | Quarantined]:
    raw = (stream.buffer if hasattr(stream, "buffer") else stream).read(settings.max_bytes + 1)
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    if not data:
        yield _quarantine("-", "E202")
        return
    if len(data) > settings.max_bytes:
        yield _quarantine("-", "E212", size=f">{settings.max_bytes}", limit=settings.max_bytes)
        return
    try:
        for d in _bytes_documents(data, form=None, base=None, source="-", ctx=ctx):
            if isinstance(d, Document):
                d.path = "-"
                if d.form in ("txt", "html"):
                    d.form = "stdin"
            yield d
    except InputError as exc:
        yield Quarantined(source="-", record=exc.record, code=exc.code, reason=exc.reason)


def form_of(path: str) -> str | None:
    """The input form named by the file suffix (``.gz`` looked through), or None to sniff."""
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _FORMS.get(os.path.splitext(name)[1])


def sniff(data: bytes) -> str:
    """The form of unnamed input (stdin, unknown suffix) from its first bytes."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"warc/"):
        return "warc"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if looks_like_feed(head):
        return "feed"
    if head.startswith(b"[") or head.startswith(b"{"):
        return "json"
    return "txt"


def _quarantine(path: str, code: str, **kwargs) -> Quarantined:
    return Quarantined(source=path, record=None, code=code, reason=InputError(code, source=path, **kwargs).reason)
