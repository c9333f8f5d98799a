"""WARC archives through warcio: each HTML response (200, text/html) is one page."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import InputError
from ..model import Document, Quarantined
from .common import Context
from .html import html_document

log = logging.getLogger(__name__)


def warc_documents(stream: BinaryIO, *, source: str, ctx: Context,
                   max_record: int) -> Iterator[Document | Quarantined]:
    """Documents from the HTML responses of a WARC; a broken archive keeps what was read."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    it = ArchiveIterator(stream)
    pages, last = 0, None
    while True:
        where = "after the start" if last is None else f"after offset {last}"
        try:
            rec = next(it, None)
            if rec is None:
                break
            # the body must be read before asking for the offset: warcio skips to the end then
            body = rec.content_stream().read(max_record + 1) if _is_html_response(rec) else None
            last = it.get_record_offset()
            where = f"offset {last} {rec.rec_headers.get_header('WARC-Record-ID') or ''}".strip()
            if body is None:
                continue
            if len(body) > max_record:
                yield Quarantined(source=source, record=where, code="E212",
                                  reason=InputError("E212", source=source, size=f">{max_record}",
                                                    limit=max_record).reason)
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            pages += 1
            yield html_document(body, doc=None, source=url or source, form="warc", url=url,
                                ctx=ctx, record=where)
        except InputError as exc:
            yield Quarantined(source=source, record=where, code=exc.code, reason=exc.reason)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
            # (warcio raises AttributeError/TypeError on headers it cannot parse, e.g. no URI)
            # the archive is garbled from here on: report it and keep the pages already read
            reason = InputError("E209", source=source, reason=f"{type(exc).__name__}: {exc}").reason
            yield Quarantined(source=source, record=where, code="E209", reason=reason)
            return
    if pages == 0:
        yield Quarantined(source=source, record=None, code="E209",
                          reason=InputError("E209", source=source, reason="no HTML response records").reason)


def _is_html_response(rec) -> bool:
    if rec.rec_type != "response" or rec.http_headers is None:
        return False
    status = rec.http_headers.get_statuscode()
    ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
    return status == "200" and "html" in ctype
