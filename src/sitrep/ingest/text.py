"""Plain-text scrapes: the decoded file is the document text, exactly."""
from __future__ import annotations

import re

from ..model import Document
from .common import Context, decode, make_document

_TITLE_END = re.compile(r"[.,;:!]$")
_MAX_TITLE_WORDS = 20
_LINES_LOOKED_AT = 4


def text_document(data: bytes, *, doc: str | None, source: str, ctx: Context,
                  form: str = "txt") -> Document:
    text, flags = decode(data, source=source)
    d = make_document(text, doc=doc, source=source, form=form, ctx=ctx, flags=flags)
    d.title = guess_title(text, vocab=ctx.vocabulary)
    d.outlet = _outlet(text, ctx)
    return d


def _outlet(text: str, ctx: Context) -> str | None:
    from ..clean import find_furniture
    from .outlets import guess_outlet

    head = text[:6000]
    furniture, _ = find_furniture(head, vocab=ctx.vocabulary)
    return guess_outlet(head, outlets=ctx.outlets, furniture_lines=[head[s.start:s.end] for s in furniture])


def guess_title(text: str, *, vocab=None) -> str | None:
    """The first line that reads as a headline, skipping page furniture above it.

    A headline is short, has no sentence-final punctuation and starts with a capital,
    a digit or a quote; a dateline like "(Reuters)" is not one.
    """
    from ..clean import find_furniture

    furniture, _ = find_furniture(text[:4000], vocab=vocab)
    skip = {s.start for s in furniture}
    pos, seen = 0, 0
    for line in text[:4000].split("\n"):
        start, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if not stripped or start in skip:
            continue
        seen += 1
        if seen > _LINES_LOOKED_AT:
            return None
        if _is_headline(stripped):
            return stripped
        return None
    return None


def _is_headline(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= _MAX_TITLE_WORDS or _TITLE_END.search(line):
        return False
    first = line[0]
    return (first.isupper() or first.isdigit() or first in "\"'“‘") and not line.startswith("(")
