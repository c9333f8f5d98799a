"""HTML pages through trafilatura: main text, metadata and the comment section apart."""
from __future__ import annotations

import logging
from urllib.parse import urlparse

from ..errors import InputError
from ..model import Document
from .common import Context, clean_str, decode, make_document, published

log = logging.getLogger(__name__)

MIN_BODY_LETTERS = 40


def html_document(data: bytes | str, *, doc: str | None, source: str, ctx: Context,
                  form: str = "html", url: str | None = None, record: str | None = None,
                  flags: list[str] | None = None) -> Document:
    """One Document from an HTML page; the title is the first line of ``text``."""
    html, dec_flags = decode(data, source=source, record=record) if isinstance(data, bytes) else (data, [])
    if "<" not in html:
        raise InputError("E206", source=source, record=record, reason="no markup found")
    ext = extract_html(html, url=url, source=source, record=record)
    body = (ext.get("text") or "").strip()
    if sum(ch.isalpha() for ch in body) < MIN_BODY_LETTERS:  # a menu or a cookie notice is no article
        raise InputError("E205", source=source, record=record)
    title = clean_str(ext.get("title"))
    text = body if not title or body.split("\n", 1)[0].strip() == title else f"{title}\n{body}"
    outlet = clean_str(ext.get("sitename")) or clean_str(ext.get("hostname")) or _host(url)
    d = make_document(text, doc=doc, source=source, form=form, ctx=ctx,
                      flags=list(flags or []) + dec_flags, record=record,
                      title=title, outlet=outlet, author=clean_str(ext.get("author")),
                      url=url or clean_str(ext.get("url")),
                      published=published(ext.get("date"), evidence="page metadata: date"))
    d.comments = clean_str(ext.get("comments"))
    return d


def extract_html(html: str, *, url: str | None, source: str, record: str | None = None) -> dict:
    import trafilatura

    try:
        got = trafilatura.bare_extraction(html, url=url, favor_precision=True, with_metadata=True,
                                          include_comments=True)
    except (ValueError, TypeError, AttributeError) as exc:  # lxml and trafilatura raise these on broken trees
        raise InputError("E206", source=source, record=record, reason=f"{type(exc).__name__}: {exc}") from exc
    if not got:
        raise InputError("E205", source=source, record=record)
    return got if isinstance(got, dict) else got.as_dict()


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed content), one block element per line."""
    import lxml.html
    from lxml.etree import ParserError

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return ""
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for br in root.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.xpath(".//p|.//div|.//li|.//h1|.//h2|.//h3|.//h4|.//blockquote|.//tr"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _host(url: str | None) -> str | None:
    return urlparse(url).hostname if url else None
