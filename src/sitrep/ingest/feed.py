"""RSS and Atom feeds through feedparser, after refusing DTD/entity declarations."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import InputError
from ..model import Document, Quarantined
from .common import Context, clean_str, make_document, published
from .html import html_to_text

# A summary alone counts as full content only when it is this long (plain-text chars).
MIN_SUMMARY_CHARS = 400
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)


def looks_like_feed(head: bytes) -> bool:
    return bool(_FEED_ROOT.search(head[:4096]))


def feed_documents(data: bytes, *, source: str, ctx: Context) -> Iterator[Document | Quarantined]:
    """One Document per feed entry that carries the article (content, or a long summary)."""
    import feedparser

    refuse_dtd(data, source=source)
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        raise InputError("E210", source=source, reason=str(parsed.get("bozo_exception", "unreadable feed")))
    outlet = clean_str(parsed.feed.get("title"))
    found = 0
    for n, entry in enumerate(parsed.entries, 1):
        where = f"entry {n}"
        body = entry_text(entry)
        if not body:
            continue
        title = clean_str(entry.get("title"))
        text = body if not title or body.split("\n", 1)[0].strip() == title else f"{title}\n{body}"
        link = clean_str(entry.get("link"))
        date_field = next((f for f in ("published", "updated", "created") if entry.get(f)), None)
        try:
            yield make_document(text, doc=None, source=link or source, form="feed", ctx=ctx, record=where,
                                title=title, outlet=outlet, url=link, author=clean_str(entry.get("author")),
                                published=published(entry.get(date_field), evidence=f"feed entry: {date_field}")
                                if date_field else published(None, evidence=""))
            found += 1
        except InputError as exc:
            yield Quarantined(source=source, record=where, code=exc.code, reason=exc.reason)
    if not found:
        raise InputError("E211", source=source)


def refuse_dtd(data: bytes, *, source: str) -> None:
    """E215 for XML that declares a DTD or entities (billion laughs, external entities).

    defusedxml stops at the declaration, before any expansion.  XML that is not
    well-formed is left to feedparser's lenient parser, but only when no declaration
    shows in its bytes either.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError("E215", source=source) from exc
    except ParseError:
        if _DTD.search(data):
            raise InputError("E215", source=source) from None


def entry_text(entry) -> str:
    """Plain text of an entry's full content, else of its summary when that is long enough."""
    for content in entry.get("content") or []:
        text = html_to_text(content.get("value") or "")
        if text:
            return text
    summary = html_to_text(entry.get("summary") or "")
    return summary if len(summary) >= MIN_SUMMARY_CHARS else ""
