"""JSON and JSON Lines: news-please, trafilatura JSON and plain {title, text, url, date, source} records."""
from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from urllib.parse import urlparse

from ..errors import InputError
from ..model import Document, Quarantined
from .common import Context, clean_str, decode, make_document, published

# Where each field may be found, in order of preference (news-please, trafilatura, plain).
TEXT_FIELDS = ("maintext", "text", "raw_text", "content", "body")
DATE_FIELDS = ("date_publish", "date", "published", "date_modify")
OUTLET_FIELDS = ("source_domain", "sitename", "hostname", "source-hostname", "outlet")
URL_FIELDS = ("url", "source", "link")


def json_documents(data: bytes, *, base: str, source: str, ctx: Context) -> Iterator[Document | Quarantined]:
    """Documents from a JSON file: one object or an array of objects."""
    text, flags = decode(data, source=source)
    try:
        parsed = json.loads(text)
    except RecursionError as exc:
        raise InputError("E207", source=source, where="the start", reason="nested too deeply") from exc
    except json.JSONDecodeError as exc:
        if not exc.msg.startswith("Extra data"):
            raise InputError("E207", source=source, where=f"line {exc.lineno} column {exc.colno}",
                             reason=exc.msg) from exc
        # several objects, one per line, in a .json file: read it as JSON Lines
        lines = (line.encode("utf-8") for line in io.StringIO(text))
        yield from jsonl_documents(lines, base=base, source=source, ctx=ctx)
        return
    records = parsed if isinstance(parsed, list) else [parsed]
    yield from _records(((f"record {i}", r) for i, r in enumerate(records, 1)),
                        base=base, source=source, ctx=ctx, flags=flags)


def jsonl_documents(lines: Iterable[bytes], *, base: str, source: str,
                    ctx: Context) -> Iterator[Document | Quarantined]:
    """Documents from JSON Lines, streamed line by line (the file is never held whole)."""
    yield from _records(_parse_lines(lines, source=source), base=base, source=source, ctx=ctx)


def _parse_lines(lines: Iterable[bytes], *, source: str) -> Iterator[tuple[str, object]]:
    for n, raw in enumerate(lines, 1):
        where = f"line {n}"
        if not raw.strip():
            continue
        try:
            line, _ = decode(raw, source=source, record=where)
            yield where, json.loads(line)
        except InputError as exc:
            yield where, exc
        except json.JSONDecodeError as exc:
            yield where, InputError("E207", source=source, record=where,
                                    where=f"{where} column {exc.colno}", reason=exc.msg)
        except RecursionError:
            yield where, InputError("E207", source=source, record=where, where=where, reason="nested too deeply")


def _records(items: Iterable[tuple[str, object]], *, base: str, source: str,
             ctx: Context, flags: list[str] | None = None) -> Iterator[Document | Quarantined]:
    for where, rec in items:
        try:
            if isinstance(rec, InputError):
                raise rec
            yield record_document(rec, doc=f"{base}-{where.split()[-1]}", source=source, record=where,
                                  ctx=ctx, flags=flags)
        except InputError as exc:
            yield Quarantined(source=source, record=where, code=exc.code, reason=exc.reason)


def record_document(rec, *, doc: str, source: str, record: str, ctx: Context,
                    flags: list[str] | None = None) -> Document:
    """One Document from one JSON record of any of the supported shapes."""
    if not isinstance(rec, dict):
        raise InputError("E216", source=source, record=record, field="(record)",
                         got=type(rec).__name__, expected="object")
    text_field = next((f for f in TEXT_FIELDS if rec.get(f) is not None), None)
    if text_field is None:
        raise InputError("E208", source=source, record=record, fields=", ".join(TEXT_FIELDS))
    text = _typed(rec, text_field, source=source, record=record)
    for f in ("title", "url", "comments"):
        if rec.get(f) is not None:
            _typed(rec, f, source=source, record=record)
    url = next((u for u in (clean_str(rec.get(f)) for f in URL_FIELDS) if u and _is_url(u)), None)
    outlet = next((clean_str(rec.get(f)) for f in OUTLET_FIELDS if clean_str(rec.get(f))), None)
    plain_source = clean_str(rec.get("source"))
    if outlet is None and plain_source and not _is_url(plain_source):
        outlet = plain_source  # plain records name the outlet in "source"
    if outlet is None and url:
        outlet = urlparse(url).hostname
    date_field = next((f for f in DATE_FIELDS if rec.get(f)), None)
    d = make_document(text, doc=doc, source=url or source, form="json", ctx=ctx, flags=flags,
                      record=record, title=clean_str(rec.get("title")), outlet=outlet,
                      author=_author(rec), url=url,
                      published=published(rec.get(date_field), evidence=f"record field: {date_field}")
                      if date_field else published(None, evidence=""))
    d.comments = clean_str(rec.get("comments"))
    return d


def _typed(rec: dict, field: str, *, source: str, record: str) -> str:
    value = rec[field]
    if not isinstance(value, str):
        raise InputError("E216", source=source, record=record, field=field,
                         got=type(value).__name__, expected="string")
    return value


def _author(rec: dict) -> str | None:
    authors = rec.get("authors")
    if isinstance(authors, list):
        names = [a for a in authors if isinstance(a, str) and a.strip()]
        return ", ".join(names) or None
    return clean_str(rec.get("author")) or clean_str(authors)


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))
