"""clean stage: find page furniture and the reader-comment thread in the document text.

Nothing is deleted: furniture is recorded as whole-line spans (``Document.boilerplate``)
and the comment thread as the offset where it starts (``Document.comments_start``);
``Document.article_text`` blanks both so that offsets stay valid.

Lines are judged by their shape and a vocabulary of widget wording kept in
``data/furniture.toml``, then by their block: a short line after a "just watched"
label is the video's title, and a run of short lines that is mostly widgets is a
banner as a whole.  A comment thread is recognised by commenter lines (a bulleted
handle over deeper-indented reply text, "<name> says:", "<name> • 3 hours ago"),
comment metadata ("Reply", "2 hours ago", "12 points") and section headers ("14 Comments").
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from .model import Span
from .pipeline import stage

_WS = re.compile(r"\s+")
_TRIM = " \t.:;,!|»›>-–—•·*▪◦●_()[]\"'“”‘’"
_BULLETS = "•·▪◦●*-–"
_DURATION = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_TRUNCATED_WITH_DURATION = re.compile(r"(\.\.\.|…)\s*\d{1,2}:\d{2}(:\d{2})?$")
_TITLE_WITH_DURATION = re.compile(r"^[^.!?]+\s\d{1,2}:\d{2}(:\d{2})?$")
_SENTENCE_END = re.compile(r"[.!?\"”’)]$")
_WORD = re.compile(r"[^\W\d_]+")
# A date or a year in a line: a timestamp ("Updated 13/02/2024 at 16:40") is article text,
# not a video title with its duration.
_DATE_IN_LINE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(19|20)\d\d\b|\b(published|updated|posted)\b")
# Breadcrumb separators: "Home » News » Africa", "Home > World", "Home / News", "News | Sahel".
_CRUMB_SEP = re.compile(r"\s*[»›>→|]\s*|\s+/\s+")
_CRUMB_ROOTS = {"home", "homepage", "news", "start", "main", "front page", "index"}
_HEADLINE_END = re.compile(r"[.:;,]$")

HEADLINE_WORDS = 22       # a teaser headline under a "related" header is at most this long
RELATED_MAX = 12          # teaser lines taken under one "related" header
BIO_WORDS = 80            # an author box paragraph is at most this long
CRUMB_WORDS = 4           # a breadcrumb step is at most this many words
SHORT_WORDS = 15          # a widget line or video title is at most this many words
BANNER_WORDS = 6          # an unlabelled line taken along with a banner is at most this long
HANDLE_WORDS = 5          # a commenter's name is at most this many words
THREAD_WINDOW = 16        # lines looked at to confirm a comment thread (it is dense)
THREAD_SIGNALS = 3        # commenter/meta/header lines needed in that window


@dataclass(frozen=True)
class Vocabulary:
    """The furniture and comment vocabulary of ``data/furniture.toml``, compiled."""
    labels: frozenset[str]
    ui_words: frozenset[str]
    patterns: tuple[re.Pattern, ...]
    title_follows: frozenset[str]
    related: frozenset[str]
    related_patterns: tuple[re.Pattern, ...]
    bio: frozenset[str]
    headers: tuple[re.Pattern, ...]
    meta: tuple[re.Pattern, ...]
    handles: tuple[re.Pattern, ...]

    @classmethod
    def load(cls) -> "Vocabulary":
        raw = tomllib.loads(resources.files("sitrep").joinpath("data/furniture.toml").read_text("utf-8"))

        def rx(items):
            return tuple(re.compile(p) for p in items)

        return cls(labels=frozenset(w for group in raw["labels"].values() for w in group),
                   ui_words=frozenset(raw["words"]["ui"]),
                   patterns=rx(raw["patterns"]["lines"]),
                   title_follows=frozenset(raw["video"]["title_follows"]),
                   related=frozenset(raw["related"]["headers"]),
                   related_patterns=rx(raw["related"]["patterns"]),
                   bio=frozenset(raw["bio"]["headers"]),
                   headers=rx(raw["comments"]["headers"]),
                   meta=rx(raw["comments"]["meta"]),
                   handles=rx(raw["comments"]["handles"]))


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    raw: str            # the line without its newline (and without a trailing \r)
    low: str            # lower case, whitespace collapsed, stripped
    norm: str           # low with outer punctuation and bullets trimmed
    indent: int

    @property
    def blank(self) -> bool:
        return not self.low

    @property
    def words(self) -> int:
        return len(self.low.split())

    @property
    def short(self) -> bool:
        return self.words <= SHORT_WORDS


@stage("clean", reads=("text", "comments"), writes=("boilerplate", "comments_start"), analysis=False)
def clean(docs, *, res):
    vocab = res.get("furniture", Vocabulary.load)
    for d in docs:
        d.boilerplate, d.comments_start = find_furniture(d.text, vocab=vocab)


def find_furniture(text: str, *, vocab: Vocabulary | None = None) -> tuple[list[Span], int | None]:
    """Furniture lines (whole-line spans) and the offset of the comment thread, if any.

    Furniture is only looked for above the comment thread: everything from there on is
    reader content anyway.
    """
    vocab = vocab or Vocabulary.load()
    lines = split_lines(text)
    first_comment = find_comment_thread(lines, vocab=vocab)
    body = lines if first_comment is None else lines[:first_comment]
    marked = furniture_lines(body, vocab=vocab)
    spans = [Span(line.start, line.end) for line, is_furniture in zip(body, marked) if is_furniture]
    return spans, None if first_comment is None else lines[first_comment].start


_PIECE = 1 << 16
_SPACES = re.compile(" {2,}")


def _collapse(raw: str) -> str:
    """Whitespace runs to one space.  A 10 MB line is done piece by piece: one re.sub over
    it would hold a million small strings at once."""
    if len(raw) <= _PIECE:
        return _WS.sub(" ", raw)
    joined = "".join(_WS.sub(" ", raw[i:i + _PIECE]) for i in range(0, len(raw), _PIECE))
    return _SPACES.sub(" ", joined)   # runs cut at a piece boundary


def split_lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        start, pos = pos, pos + len(raw) + 1
        if raw.endswith("\r"):
            raw = raw[:-1]
        low = _collapse(raw).strip().lower()
        expanded = raw.expandtabs(4)
        out.append(_Line(start, start + len(raw), raw, low, low.strip(_TRIM),
                         len(expanded) - len(expanded.lstrip())))
    return out


# ---- furniture -----------------------------------------------------------------------

def furniture_lines(lines: list[_Line], *, vocab: Vocabulary) -> list[bool]:
    marked = [is_widget(line, vocab=vocab) or is_breadcrumb(line) for line in lines]
    _mark_video_titles(lines, marked, vocab=vocab)
    _mark_related_blocks(lines, marked, vocab=vocab)
    _mark_author_box(lines, marked, vocab=vocab)
    _mark_widget_runs(lines, marked)
    return marked


def is_widget(line: _Line, *, vocab: Vocabulary) -> bool:
    """A line that is furniture on its own, whatever surrounds it."""
    if line.blank or not line.norm and not line.low.strip("."):
        return False
    if line.norm in vocab.labels or _DURATION.match(line.norm):
        return True
    if line.short and not _DATE_IN_LINE.search(line.low) and (
            _TRUNCATED_WITH_DURATION.search(line.low) or _TITLE_WITH_DURATION.match(line.low)):
        return True
    if any(p.search(line.low) for p in vocab.patterns):
        return True
    # a row of share buttons: "Facebook Twitter WhatsApp Email"
    words = _WORD.findall(line.low)
    return 0 < len(words) <= 10 and all(w in vocab.ui_words for w in words)


def is_breadcrumb(line: _Line) -> bool:
    """ "Home » World » Africa", "Home / News": a navigation trail above the headline.

    Two steps are enough when the trail starts at a site root ("Home"); otherwise three
    short steps are needed, so that a headline like "Sudan | Fighting in El Fasher" stays.
    """
    if line.blank or line.words > 14 or _SENTENCE_END.search(line.low) and not line.low.endswith(")"):
        return False
    steps = [s.strip(" .:-–—") for s in _CRUMB_SEP.split(line.low)]
    if len(steps) < 2 or any(not s or len(s.split()) > CRUMB_WORDS or not _WORD.search(s) for s in steps):
        return False
    return steps[0] in _CRUMB_ROOTS or len(steps) >= 3


def _mark_video_titles(lines: list[_Line], marked: list[bool], *, vocab: Vocabulary) -> None:
    # The title of a video widget sits on the first non-blank line after its label.
    for i, line in enumerate(lines):
        if line.norm not in vocab.title_follows:
            continue
        nxt = _next_nonblank(lines, i)
        if nxt is not None and not marked[nxt] and _title_like(lines[nxt]):
            marked[nxt] = True


def _mark_related_blocks(lines: list[_Line], marked: list[bool], *, vocab: Vocabulary) -> None:
    # Under a "Related posts" / "Read also" / "More from <outlet>" header come teaser
    # headlines: short lines without a final full stop.  They may follow each other or be
    # separated by blank lines; a title-like line standing alone between blank lines right
    # before a prose paragraph is the article's own subhead (the article goes on), so it stays.
    for i, line in enumerate(lines):
        if not _is_related_header(line, vocab=vocab):
            continue
        marked[i] = True
        taken: list[int] = []
        j = i + 1
        while j < len(lines) and len(taken) < RELATED_MAX:
            cur = lines[j]
            if cur.blank or (marked[j] and not _is_related_header(cur, vocab=vocab)):
                j += 1           # a widget in the block (tags, a share row) does not end it
                continue
            if not _headline_like(cur) or _is_related_header(cur, vocab=vocab):
                last = taken[-1] if taken else None
                if last is not None and _prose(cur) and lines[last - 1].blank and lines[last + 1].blank:
                    taken.pop()
                break
            taken.append(j)
            j += 1
        for k in taken:
            marked[k] = True


def _is_related_header(line: _Line, *, vocab: Vocabulary) -> bool:
    return line.norm in vocab.related or (line.words <= 8 and any(p.match(line.norm) for p in vocab.related_patterns))


def _headline_like(line: _Line) -> bool:
    first = line.raw.strip()[:1]
    return 2 <= line.words <= HEADLINE_WORDS and (first.isupper() or first.isdigit()) \
        and not _HEADLINE_END.search(line.low)


def _prose(line: _Line) -> bool:
    return line.words > HEADLINE_WORDS or bool(re.search(r"[.!?][\"”’)]?$", line.low))


def _mark_author_box(lines: list[_Line], marked: list[bool], *, vocab: Vocabulary) -> None:
    # "About the author" and the short biography paragraph under it (a long one is text).
    for i, line in enumerate(lines):
        if line.norm not in vocab.bio:
            continue
        marked[i] = True
        j = _next_nonblank(lines, i)
        para = []
        while j is not None and j < len(lines) and not lines[j].blank:
            para.append(j)
            j += 1
        if para and sum(lines[k].words for k in para) <= BIO_WORDS:
            for k in para:
                marked[k] = True


def _mark_widget_runs(lines: list[_Line], marked: list[bool]) -> None:
    # A block of short lines, at least half of them widgets, is one banner: its other
    # very short lines (truncated labels, taglines) go with it.  The text's first line that
    # is not a widget itself is kept: that is where a scrape puts its headline, among the
    # page chrome (a breadcrumb above it, a "Loading..." below it).
    first = next((i for i, line in enumerate(lines) if not line.blank and not marked[i]), None)
    for run in _runs(lines):
        if len(run) < 2 or not all(lines[i].short for i in run):
            continue
        if sum(marked[i] for i in run) * 2 < len(run):
            continue
        for i in run:
            if i != first and lines[i].words <= BANNER_WORDS and not _SENTENCE_END.search(lines[i].low):
                marked[i] = True


def _runs(lines: list[_Line]) -> list[list[int]]:
    runs, cur = [], []
    for i, line in enumerate(lines):
        if line.blank:
            if cur:
                runs.append(cur)
            cur = []
        else:
            cur.append(i)
    if cur:
        runs.append(cur)
    return runs


def _title_like(line: _Line) -> bool:
    return line.short and not line.low.endswith((".", "!", "?", ":"))


def _next_nonblank(lines: list[_Line], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if not lines[j].blank:
            return j
    return None


# ---- comment thread -------------------------------------------------------------------

def find_comment_thread(lines: list[_Line], *, vocab: Vocabulary) -> int | None:
    """Index of the first line of the reader-comment thread, or None.

    A candidate (header, commenter line, or the name above the first comment metadata)
    is accepted when enough thread signals follow it; a lone bullet list is not a thread.
    """
    signals = [_signal(lines, i, vocab=vocab) for i in range(len(lines))]
    for i, kind in enumerate(signals):
        if kind is None:
            continue
        window = [s for s in signals[i:i + THREAD_WINDOW] if s is not None]
        trailing_header = kind == "header" and all(line.blank or not line.short for line in lines[i + 1:i + 3]) \
            and i >= len(lines) - 10
        if len(window) >= THREAD_SIGNALS or trailing_header:
            return _name_above(lines, i) if kind == "meta" else i
    return None


def _signal(lines: list[_Line], i: int, *, vocab: Vocabulary) -> str | None:
    line = lines[i]
    if line.blank:
        return None
    if any(p.search(line.low) for p in vocab.headers):
        return "header"
    if any(p.search(line.low) for p in vocab.handles) or _bullet_handle(lines, i):
        return "handle"
    if any(p.search(line.norm) for p in vocab.meta):
        return "meta"
    return None


def _bullet_handle(lines: list[_Line], i: int) -> bool:
    """ "• name" over reply text indented deeper than the bullet: a commenter line."""
    body = lines[i].raw.strip()
    if len(body) < 3 or body[0] not in _BULLETS or body[1] not in " \t":
        return False
    name = body[2:].strip()
    if not name or len(name) > 40 or len(name.split()) > HANDLE_WORDS:
        return False
    nxt = _next_nonblank(lines, i)
    return nxt is not None and lines[nxt].indent > lines[i].indent


def _name_above(lines: list[_Line], i: int) -> int:
    """For a comment whose first signal is its metadata, the commenter's name line above it."""
    seen = 0
    for j in range(i - 1, -1, -1):
        if lines[j].blank:
            continue
        seen += 1
        if seen > 3:
            break
        if len(lines[j].low.split()) <= HANDLE_WORDS and not _SENTENCE_END.search(lines[j].low):
            return j
    return i
