"""The schema in code: the records every stage reads and writes.

A :class:`Document` travels through the per-document stages (clean, nlp, normalize,
extract); each stage fills the fields it declares in :mod:`sitrep.pipeline`.  All
character offsets (``start``/``end``) index ``Document.text``, the decoded input text
exactly as read, so every piece of evidence is an exact substring of the input.

``to_json`` produces the document JSON of DESIGN.md (the export and gold format); the
field names there are fixed, and extra fields are only ever added.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any


def iso_day(value: str | None) -> date | None:
    """The day of an ISO date string ("2014-11-12", also a datetime's date part), or None."""
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _plain(obj):
    """What ``dataclasses.asdict`` gives, without its deep copies of every leaf value.

    Leaves here are str/int/float/bool/None (immutable), so they are shared, not copied;
    any other leaf type still goes through ``copy.deepcopy`` as asdict would.
    """
    if obj is None or type(obj) in _LEAVES:
        return obj
    names = _FIELD_NAMES.get(type(obj))
    if names is not None:   # the model's own records: field names looked up once at import
        return {n: _plain(getattr(obj, n)) for n in names}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {_plain(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(_plain(v) for v in obj)
    return copy.deepcopy(obj)


_LEAVES = (str, int, float, bool)


@dataclass
class DateWindow:
    """A time as a closed window of ISO dates, with how precise it is and why."""
    earliest: str | None = None
    latest: str | None = None
    precision: str | None = None        # day | week | month | season | year | range
    text: str | None = None             # the time expression as written, or None
    evidence: str | None = None         # free-text reason (publication windows)
    source: str | None = None           # metadata | text | inferred | context | publication

    def to_json(self) -> dict:
        return {k: v for k, v in _plain(self).items()}


@dataclass
class Span:
    start: int
    end: int


@dataclass
class Mention:
    """An entity mention: ``entity`` is the id of an :class:`Entity` of the same document."""
    start: int
    end: int
    text: str
    label: str                          # PERSON ARMED_GROUP GOV_BODY ORG GPE LOC FACILITY
    entity: str | None = None


@dataclass
class Entity:
    id: str                             # E1, E2 ... within the document
    name: str                           # canonical name (same across documents)
    type: str
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    actor_id: str | None = None         # key in the actor table, or a derived key


@dataclass
class Place:
    """A resolved (or unresolved: null coordinates) place mention."""
    start: int
    end: int
    text: str
    name: str | None = None             # canonical gazetteer name
    gazetteer_id: str | None = None
    admin1: str | None = None
    country: str | None = None          # country name
    iso: str | None = None              # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None        # city | near | region | country


@dataclass
class TimeMention:
    """A time expression in the text resolved to a date window."""
    start: int
    end: int
    text: str
    earliest: str | None = None
    latest: str | None = None
    precision: str | None = None        # day | week | month | season | year | range
    relative: bool = False              # resolved against the publication date


# How precise a place is, most precise first (ACLED geo precision 1, 2, 3, then country).
PRECISION_RANK = {"city": 0, "near": 1, "region": 2, "country": 3}


@dataclass
class Location:
    name: str | None = None
    admin1: str | None = None
    country: str | None = None
    iso: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None        # city | near | region | country
    gazetteer_id: str | None = None


@dataclass
class Value:
    low: float | None = None
    high: float | None = None
    text: str = ""


@dataclass
class Event:
    id: str
    type: str
    sub_type: str
    date: DateWindow = field(default_factory=DateWindow)
    location: Location = field(default_factory=Location)
    actor1: str | None = None           # canonical actor name or short text
    actor2: str | None = None
    fatalities: int | None = None
    injured: int | None = None
    attributed_to: str | None = None
    hedged: bool = False
    spans: list[Span] = field(default_factory=list)   # evidence; the first is the main one
    trigger: str | None = None          # the word that triggered the event (debugging, UI)


@dataclass
class Claim:
    id: str
    about: str
    value: Value
    unit: str | None = None             # people | USD | percent | miles | km | camps | other ...
    actor: str | None = None
    where: str | None = None
    when: DateWindow = field(default_factory=DateWindow)
    attributed_to: str | None = None
    hedged: bool = False
    spans: list[Span] = field(default_factory=list)


@dataclass
class Reuse:
    other: str                          # the other document's ``doc`` name
    relation: str                       # duplicate | copies_with_edits | quotes | same_underlying_report
    evidence: str = ""
    share: float = 0.0                  # share of this document's text found in the other
    passages: list[dict] = field(default_factory=list)


@dataclass
class Document:
    id: str                             # stable: hash of the normalised text
    doc: str                            # base name of the input file, else the id
    text: str                           # decoded text as read; all offsets point here
    source: str | None = None           # path or URL it came from
    path: str | None = None             # the input file it was read from (for incremental runs)
    form: str = "txt"                   # txt | html | json | warc | feed | stdin
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: DateWindow = field(default_factory=DateWindow)
    language: str | None = None
    kind: str = "news"
    # clean
    boilerplate: list[Span] = field(default_factory=list)   # whole lines of page furniture
    comments_start: int | None = None   # offset where the reader-comment thread begins
    comments: str | None = None         # comment text supplied separately (HTML, JSON)
    # nlp / normalize / extract
    sentences: list[Span] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    reuses: list[Reuse] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)     # e.g. non-english, empty-article
    # transient, never serialised: the spaCy Doc while a worker holds the document
    spacy: Any = field(default=None, repr=False, compare=False)

    # ---- views -------------------------------------------------------------------
    def boilerplate_lines(self) -> list[str]:
        return [self.text[s.start:s.end] for s in self.boilerplate]

    def comments_begin(self) -> str | None:
        """The first line of the comment thread, as the gold format writes it."""
        if self.comments_start is None:
            return None
        end = self.text.find("\n", self.comments_start)
        return self.text[self.comments_start:end if end >= 0 else len(self.text)]

    def article_text(self) -> str:
        """The text analysed: furniture lines and comments blanked with spaces.

        Blanking (not deleting) keeps every offset valid in ``text``.
        """
        base = self.text if self.comments_start is None else self.text[:self.comments_start]
        # by slices, not a list of characters: a 10 MB text would cost ~100 MB of pointers
        parts, pos = [], 0
        for s in sorted(self.boilerplate, key=lambda s: s.start):
            a, b = max(s.start, pos), min(s.end, len(base))
            if a >= b:
                continue
            parts.append(base[pos:a])
            parts.append("".join("\n" if ch == "\n" else " " for ch in base[a:b]))
            pos = b
        parts.append(base[pos:])
        return "".join(parts)

    def span_text(self, span: Span) -> str:
        return self.text[span.start:span.end]

    def entity_name(self, ref: str | None) -> str | None:
        for e in self.entities:
            if e.id == ref:
                return e.name
        return ref

    # ---- serialisation -------------------------------------------------------------
    def to_json(self, *, with_text: bool = True) -> dict:
        """The document JSON of DESIGN.md (plus sitrep's own extra fields)."""
        def spans(ss):
            return [{"start": s.start, "end": s.end, "text": self.text[s.start:s.end]} for s in ss]

        out: dict[str, Any] = {
            "doc": self.doc,
            "id": self.id,
            "outlet": self.outlet,
            "kind": self.kind,
            "title": self.title,
            "source": self.source,
            "path": self.path,
            "url": self.url,
            "author": self.author,
            "form": self.form,
            "language": self.language,
            "flags": list(self.flags),
            "published": self.published.to_json(),
            "boilerplate": self.boilerplate_lines(),
            "comments_begin": self.comments_begin(),
            "reuses": [_plain(r) for r in self.reuses],
            "entities": [_plain(e) for e in self.entities],
            "events": [],
            "claims": [],
            "mentions": [_plain(m) for m in self.mentions],
            "places": [_plain(p) for p in self.places],
            "times": [_plain(t) for t in self.times],
        }
        for ev in self.events:
            d = _plain(ev)
            d.pop("spans")
            d["evidence"] = self.text[ev.spans[0].start:ev.spans[0].end] if ev.spans else ""
            d["evidence_spans"] = spans(ev.spans)
            out["events"].append(d)
        for cl in self.claims:
            d = _plain(cl)
            d.pop("spans")
            d["evidence"] = self.text[cl.spans[0].start:cl.spans[0].end] if cl.spans else ""
            d["evidence_spans"] = spans(cl.spans)
            out["claims"].append(d)
        if with_text:
            out["text"] = self.text
            if self.comments is not None:
                out["comments"] = self.comments
        return out

    @classmethod
    def from_json(cls, d: dict) -> "Document":
        """Rebuild a document from :meth:`to_json` output (needs ``text``)."""
        text = d["text"]

        def spans(items):
            return [Span(x["start"], x["end"]) for x in items or []]

        def line_spans(lines):
            # boilerplate is exported as lines; find them again in file order
            out, pos = [], 0
            for line in lines or []:
                i = text.find(line, pos)
                if i < 0:
                    continue
                out.append(Span(i, i + len(line)))
                pos = i + len(line)
            return out

        doc = cls(id=d.get("id") or d["doc"], doc=d["doc"], text=text,
                  source=d.get("source"), path=d.get("path"), form=d.get("form", "txt"), title=d.get("title"),
                  outlet=d.get("outlet"), author=d.get("author"), url=d.get("url"),
                  published=DateWindow(**(d.get("published") or {})),
                  language=d.get("language"), kind=d.get("kind", "news"),
                  flags=list(d.get("flags") or []), comments=d.get("comments"))
        doc.boilerplate = line_spans(d.get("boilerplate"))
        if d.get("comments_begin") is not None:
            i = text.find(d["comments_begin"])
            doc.comments_start = i if i >= 0 else None
        doc.entities = [Entity(**e) for e in d.get("entities") or []]
        doc.mentions = [Mention(**m) for m in d.get("mentions") or []]
        doc.places = [Place(**p) for p in d.get("places") or []]
        doc.reuses = [Reuse(**r) for r in d.get("reuses") or []]
        doc.times = [TimeMention(**t) for t in d.get("times") or []]
        for e in d.get("events") or []:
            e = dict(e)
            e.pop("evidence", None)
            sp = spans(e.pop("evidence_spans", []))
            doc.events.append(Event(date=DateWindow(**e.pop("date")), location=Location(**e.pop("location")),
                                    spans=sp, **e))
        for c in d.get("claims") or []:
            c = dict(c)
            c.pop("evidence", None)
            sp = spans(c.pop("evidence_spans", []))
            doc.claims.append(Claim(value=Value(**c.pop("value")), when=DateWindow(**c.pop("when")),
                                    spans=sp, **c))
        return doc


@dataclass
class FusedEvent:
    """One real-world event assembled from event mentions in several documents."""
    id: str
    type: str
    sub_type: str
    date: DateWindow
    location: Location
    actor1: str | None
    actor2: str | None
    fatalities: int | None              # ACLED: most conservative among independent reports
    injured: int | None
    fatalities_reported: list[int] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)   # {doc, event, evidence}
    sources: list[str] = field(default_factory=list)     # independent source docs (one per reuse group)
    hedged: bool = False
    blocking_key: str = ""


@dataclass
class Quarantined:
    """An input that could not be turned into a document, and why (Scrapy's dropped item)."""
    source: str                         # file path or URL
    record: str | None                  # line number, record index, WARC offset...
    code: str                           # error code from sitrep.errors
    reason: str


# Field names of the records above, read-only: ``_plain`` serialises thousands of them per batch.
_FIELD_NAMES = MappingProxyType({cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in (
    DateWindow, Span, Mention, Entity, Place, TimeMention, Location, Value, Event, Claim, Reuse, FusedEvent,
    Quarantined)})
