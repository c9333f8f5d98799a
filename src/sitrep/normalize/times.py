"""Time expressions to date windows, and publication dates inferred from the text.

Every time is a closed window of days ``[earliest, latest]`` (a :class:`DateWindow`).
Relative expressions ("Tuesday", "last week", "early November") are resolved against
the publication window of their document and never land after it unless the wording is
about the future ("next week", "will ... on Friday").  When the publication date is
itself a window, an expression is resolved against both ends and the union is kept:
every reading is monotone in the anchor day, so the union covers every candidate.

Conventions (windows of "early/mid/late", seasons, how far back "recently" goes...) are
data, in ``sitrep/data/times.json``.  dateparser is used for what it does well (full
dates in odd spellings, and odd relative offsets such as "a fortnight ago"); our own
rules cover what it does not ("early November", calendar weeks, the past-only rule).
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from importlib import resources

from dateparser.date import DateDataParser

from ..model import DateWindow, Document, TimeMention
from ..pipeline import stage
from ..nlp import doc_text

log = logging.getLogger(__name__)

# Markers: windows bound later to the previous time in the text (see :func:`bind`).
SAME_DAY, DAY_BEFORE, DAY_AFTER = "same-day", "day-before", "day-after"
MARKER_OFFSETS = {SAME_DAY: 0, DAY_BEFORE: -1, DAY_AFTER: 1}
_MARKER_BY_OFFSET = {v: k for k, v in MARKER_OFFSETS.items()}

# Years outside this range are not read as years (and anchors outside it are unknown).
MIN_YEAR, MAX_YEAR = 1800, 2199


def _load_tables() -> dict:
    raw = resources.files("sitrep").joinpath("data/times.json").read_text(encoding="utf-8")
    return json.loads(raw)


# Read-only word tables, loaded once at import (never written to afterwards).
T = _load_tables()
# Two dateparser parsers, built once: one for full dates only (day, month and year
# present), one for relative offsets measured from a fixed base and then moved onto
# the anchor (dateparser's RELATIVE_BASE is fixed per parser).
_OFFSET_BASE = datetime(2000, 6, 15)
_FULL_DATES = DateDataParser(languages=["en"], settings={
    "STRICT_PARSING": True, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False})
_OFFSETS = DateDataParser(languages=["en"], settings={
    "PREFER_DATES_FROM": "past", "RELATIVE_BASE": _OFFSET_BASE, "RETURN_AS_TIMEZONE_AWARE": False})


# ---- small date helpers -------------------------------------------------------------------

def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _parse_iso(s: str | None) -> date | None:
    """An ISO day from a string, or None when absent, malformed or out of range."""
    if not s or not isinstance(s, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s.strip()):
        return None
    y, m, d = (int(x) for x in s.strip().split("-"))
    if not (MIN_YEAR <= y <= MAX_YEAR) or not _valid(y, m, d):
        return None
    return date(y, m, d)


def _valid(y: int, m: int, d: int) -> bool:
    return MIN_YEAR <= y <= MAX_YEAR and 1 <= m <= 12 and 1 <= d <= _month_days(y, m)


def _month_days(y: int, m: int) -> int:
    if m == 12:
        return 31
    return (date(y, m + 1, 1) - timedelta(days=1)).day


def _month_end(y: int, m: int) -> date:
    return date(y, m, _month_days(y, m))


def _add_months(d: date, n: int) -> date:
    k = d.year * 12 + d.month - 1 + n
    y, m = divmod(k, 12)
    y = min(max(y, MIN_YEAR - 1), MAX_YEAR + 1)
    return date(y, m + 1, min(d.day, _month_days(y, m + 1)))


def _add_years(d: date, n: int) -> date:
    return _add_months(d, 12 * n)


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


Win = tuple[date | None, date | None]
Make = Callable[[int], Win | None]   # a yearless window placed in a given year


def _latest_not_after(d: date, make: Make) -> Win | None:
    """The latest occurrence that has begun by ``d`` (the past-only rule)."""
    for y in range(d.year, d.year - 3, -1):
        w = make(y)
        if w and w[0] is not None and w[0] <= d:
            return w
    return None


def _latest_before(d: date, make: Make) -> Win | None:
    """The latest occurrence wholly before ``d`` ("last summer")."""
    for y in range(d.year, d.year - 3, -1):
        w = make(y)
        if w and w[1] is not None and w[1] < d:
            return w
    return None


def _first_not_before(d: date, make: Make) -> Win | None:
    """The first occurrence not yet over at ``d`` (future wording)."""
    for y in range(d.year - 1, d.year + 3):
        w = make(y)
        if w and w[1] is not None and w[1] >= d:
            return w
    return None


# ---- readings: what an expression means, as a function of the anchor day ---------------

@dataclass(frozen=True)
class Reading:
    """The meaning of one expression.

    ``fn(d)`` gives the window for anchor day ``d`` (``d`` is ignored by absolute
    readings).  ``kind`` says how it depends on the anchor: ``absolute`` (has a year),
    ``calendar`` (a month, day or season without a year), ``deictic`` (counted from the
    publication day: "Tuesday", "last week"), ``open`` ("previously"), ``marker``
    ("the same day").
    """
    fn: Callable[[date | None], Win | None]
    precision: str
    kind: str
    future: bool = False
    since: bool = False
    marker: str | None = None
    inner: "Reading | None" = None      # for "since X": the reading of X

    @property
    def relative(self) -> bool:
        return self.kind != "absolute"


def _absolute(lo: date, hi: date, precision: str) -> Reading:
    return Reading(lambda d: (lo, hi), precision, "absolute")


def _yearless(make: Make, precision: str, *, future: bool, last: bool = False) -> Reading:
    def fn(d):
        if future:
            return _first_not_before(d, make)
        return (_latest_before if last else _latest_not_after)(d, make)
    return Reading(fn, precision, "calendar", future=future)


def _deictic(fn: Callable[[date], Win | None], precision: str, *, future: bool = False) -> Reading:
    return Reading(fn, precision, "deictic", future=future)


# ---- the grammar -------------------------------------------------------------------------

def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTHS: dict[str, int] = T["months"]
_WEEKDAYS: dict[str, int] = T["weekdays"]
_SEASONS: dict[str, dict] = {k: v for k, v in T["seasons"].items() if not k.startswith("_")}
_MPARTS: dict[str, list[int]] = {k: v for k, v in T["month_parts"].items() if not k.startswith("_")}
_YPARTS: dict[str, list[int]] = {k: v for k, v in T["year_parts"].items() if not k.startswith("_")}
_NUMBERS: dict[str, int] = T["numbers"]
_VAGUE: dict[str, list[int]] = {k: v for k, v in T["vague_numbers"].items() if not k.startswith("_")}
_MARKERS: dict[str, int] = {k: v for k, v in T["markers"].items() if not k.startswith("_")}
_UNIT_DAYS: dict[str, int] = T["unit_days"]
_SLACK: dict[str, int] = {k: v for k, v in T["ago_slack_days"].items() if not k.startswith("_")}
_RECENT: dict[str, int] = {k: v for k, v in T["recent_days"].items() if not k.startswith("_")}
_TOD = _alt(T["times_of_day"])

_M = rf"(?P<mon>{_alt(_MONTHS)})\.?"
_Y = r"(?P<year>\d{4})"
_D = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_WD = rf"(?P<wd>{_alt(_WEEKDAYS)})\.?"
_PART = rf"(?P<part>{_alt(_MPARTS)})"
_NUM = rf"(?P<num>\d+|{_alt(list(_NUMBERS) + list(_VAGUE))})"
_UNIT = r"(?P<unit>day|week|month|year|decade|fortnight)s?"

_LEAD = re.compile(r"^(?:on|in|during|at|around|about|circa|by|until|till|up to|through|throughout|"
                   r"as of|as early as|as late as|sometime in|some time in|from|of|into|before|after)\s+")
_TIME_OF_DAY = re.compile(rf"^(?:(?:early|late)\s+)?(?:(?:at|in|on|during|by)\s+)?(?:the\s+)?(?:{_TOD})\s+(?:on|of)\s+"
                          rf"|\s+(?:at\s+|in\s+the\s+)?(?:{_TOD})$|^(?:early|late)\s+(?:on\s+)?(?=(?:{_alt(_WEEKDAYS)})\b)")


def _normalise(expr: str) -> str:
    s = expr.lower().replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    s = re.sub(r"\s+", " ", s).strip(" \t\n.,;:!?\"'()[]")
    s = re.sub(r"'s$", "", s)
    # "the end of", "towards the end of", "mid-" -> one part word
    s = re.sub(r"\b(?:towards? |toward )?(?:the )?(end|beginning|start|middle|first half|second half) of (?:the )?", r"\1 ", s)
    s = re.sub(r"\bmid-\s*", "mid ", s)
    return s.strip()


def _number(word: str) -> tuple[int, int] | None:
    if word.isdigit():
        n = int(word)
        return (n, n) if n <= 1000 else None
    if word in _VAGUE:
        lo, hi = _VAGUE[word]
        return lo, hi
    if word in _NUMBERS:
        return _NUMBERS[word], _NUMBERS[word]
    return None


def _year(s: str) -> int | None:
    y = int(s)
    return y if MIN_YEAR <= y <= MAX_YEAR else None


def _month_window(y: int, m: int, part: str | None) -> Win | None:
    if not (MIN_YEAR <= y <= MAX_YEAR):
        return None
    if part is None:
        return date(y, m, 1), _month_end(y, m)
    a, b = _MPARTS[part]
    last = _month_days(y, m)
    return date(y, m, min(a, last)), date(y, m, min(b, last))


def _year_window(y: int, part: str | None) -> Win | None:
    if not (MIN_YEAR <= y <= MAX_YEAR):
        return None
    if part is None:
        return date(y, 1, 1), date(y, 12, 31)
    a, b = _YPARTS[part]
    return date(y, a, 1), _month_end(y, b)


def _season_window(name: str, y: int, part: str | None) -> Win | None:
    """The season that begins in year ``y`` (winter runs into ``y + 1``)."""
    if not (MIN_YEAR <= y < MAX_YEAR):
        return None
    s = _SEASONS[name]
    lo = date(y, *s["start"])
    hi_year = y + 1 if tuple(s["end"]) < tuple(s["start"]) else y
    hi = date(hi_year, *s["end"])
    if part in ("early", "beginning", "start", "first half"):
        return lo, lo + (hi - lo) / 2
    if part in ("late", "end", "second half"):
        return lo + (hi - lo) / 2, hi
    if part in ("mid", "middle"):
        third = (hi - lo) / 3
        return lo + third, hi - third
    return lo, hi


def _day_reading(m: int, day: int, year: int | None, *, future: bool) -> Reading | None:
    if year is not None:
        if not _valid(year, m, day):
            return None
        d0 = date(year, m, day)
        return _absolute(d0, d0, "day")
    if not (1 <= day <= (29 if m == 2 else _month_days(2001, m))):
        return None

    def make(y):
        if not _valid(y, m, day):
            return None
        return date(y, m, day), date(y, m, day)
    return _yearless(make, "day", future=future)


def _numeric_date(a: int, b: int, y: int) -> Reading | None:
    if y < 100:
        y += 2000 if y < 70 else 1900
    readings = []
    if _valid(y, b, a):       # day first (most of the world)
        readings.append(date(y, b, a))
    if _valid(y, a, b):       # month first (US)
        readings.append(date(y, a, b))
    if not readings:
        return None
    lo, hi = min(readings), max(readings)
    return _absolute(lo, hi, "day" if lo == hi else "range")


def _weekday_reading(wd: int, mod: str | None, *, future: bool) -> Reading:
    def fn(d: date):
        back = (d.weekday() - wd) % 7
        if mod in ("next", "coming") or future:
            ahead = (wd - d.weekday()) % 7
            if mod == "next" and ahead == 0:
                ahead = 7
            x = d + timedelta(days=ahead)
        else:
            if mod in ("last", "past") and back == 0:
                back = 7
            x = d - timedelta(days=back)
        return x, x
    return _deictic(fn, "day", future=future or mod in ("next", "coming"))


def _period_reading(mod: str, unit: str, *, future: bool) -> Reading | None:
    """last/this/next/past week|month|year|weekend, earlier/later this ..."""
    fut = mod in ("next", "coming", "later this") or (future and mod == "this")

    def fn(d: date):
        if unit == "week":
            ws = _week_start(d)
            if mod in ("last", "past", "previous"):
                return ws - timedelta(days=7), ws - timedelta(days=1)
            if mod in ("next", "coming"):
                return ws + timedelta(days=7), ws + timedelta(days=13)
            if mod == "later this":
                return d, ws + timedelta(days=6)
            return ws, (ws + timedelta(days=6) if fut else d)
        if unit == "weekend":
            sat = d - timedelta(days=(d.weekday() - 5) % 7)    # latest Saturday <= d
            if mod in ("next", "coming") or (fut and mod == "this"):
                sat = d + timedelta(days=(5 - d.weekday()) % 7 or 7)
                return sat, sat + timedelta(days=1)
            if mod in ("last", "past", "previous") and sat + timedelta(days=1) >= d:
                sat -= timedelta(days=7)
            return sat, sat + timedelta(days=1)
        if unit == "month":
            first = d.replace(day=1)
            if mod in ("last", "past", "previous"):
                p = _add_months(first, -1)
                return p, first - timedelta(days=1)
            if mod in ("next", "coming"):
                n = _add_months(first, 1)
                return n, _month_end(n.year, n.month)
            if mod == "later this":
                return d, _month_end(d.year, d.month)
            return first, (_month_end(d.year, d.month) if fut else d)
        if unit == "year":
            if mod in ("last", "past", "previous"):
                return date(d.year - 1, 1, 1), date(d.year - 1, 12, 31)
            if mod in ("next", "coming"):
                return date(d.year + 1, 1, 1), date(d.year + 1, 12, 31)
            if mod == "later this":
                return d, date(d.year, 12, 31)
            return date(d.year, 1, 1), (date(d.year, 12, 31) if fut else d)
        return None
    precision = "range" if unit == "weekend" or mod in ("later this", "earlier this") else unit
    return _deictic(fn, precision, future=fut)


def _ago_reading(num: tuple[int, int], unit: str, *, future: bool) -> Reading:
    unit = "week" if unit == "fortnight" else unit
    scale = 2 if unit == "fortnight" else 1
    if unit == "decade":
        unit, scale = "year", 10
    lo_n, hi_n = num[0] * scale, num[1] * scale
    sign = 1 if future else -1
    slack = timedelta(days=_SLACK.get(unit, 0))

    def shift(d: date, n: int) -> date:
        if unit == "month":
            return _add_months(d, sign * n)
        if unit == "year":
            return _add_years(d, sign * n)
        return d + timedelta(days=sign * n * _UNIT_DAYS[unit])

    def fn(d: date):
        a, b = shift(d, hi_n), shift(d, lo_n)
        lo, hi = min(a, b) - slack, max(a, b) + slack
        return lo, hi
    exact = lo_n == hi_n and unit == "day"
    precision = "day" if exact else (unit if lo_n == hi_n else "range")
    return _deictic(fn, precision, future=future)


def _span_reading(num: tuple[int, int], unit: str) -> Reading:
    """"the past three weeks", "for several months": from N units back up to the anchor."""
    days = {"fortnight": 14, "decade": 3652}.get(unit) or _UNIT_DAYS[unit]
    n = num[1]
    return _deictic(lambda d: (d - timedelta(days=n * days), d), "range")


def _since(r: Reading) -> Reading:
    def fn(d):
        w = r.fn(d)
        if w is None:
            return None
        if r.kind == "absolute":
            return w[0], max(d, w[1])   # an explicit start may lie after a too-early anchor
        return w[0], d
    kind = "deictic" if r.kind == "deictic" else ("since-absolute" if r.kind == "absolute" else r.kind)
    return Reading(fn, "range", kind, since=True, future=r.future, inner=r)


def _phrase(s: str, future: bool) -> Reading | None:
    """Whole-phrase words: now, yesterday, markers, previously, recently..."""
    if s in _MARKERS:
        name = _MARKER_BY_OFFSET.get(_MARKERS[s])
        return Reading(lambda d: None, name or SAME_DAY, "marker", marker=name or SAME_DAY)
    if s in T["now"] or re.fullmatch(r"(?:every|each) (?:day|night|week|month|year)", s):
        return _deictic(lambda d: (d, d), "day")     # habitual: true as of publication
    if s in T["yesterday"]:
        return _deictic(lambda d: (d - timedelta(days=1), d - timedelta(days=1)), "day")
    if s == "the day before yesterday":
        return _deictic(lambda d: (d - timedelta(days=2), d - timedelta(days=2)), "day")
    if s in T["overnight"]:
        return _deictic(lambda d: (d - timedelta(days=1), d), "day")
    if s in T["tomorrow"]:
        return _deictic(lambda d: (d + timedelta(days=1), d + timedelta(days=1)), "day", future=True)
    if s in T["previously"]:
        return Reading(lambda d: (None, d), "range", "open")
    if s in ("recently", "lately", "recent", "of late"):
        back = timedelta(days=_RECENT["recently"])
        return _deictic(lambda d: (d - back, d), "range")
    m = re.fullmatch(r"(?:in |over |during )?(?:the )?recent (days|weeks|months|years)", s)
    if m:
        back = timedelta(days=_RECENT[m.group(1)])
        return _deictic(lambda d: (d - back, d), "range")
    return None


_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?P<iso>\d{4}-\d{1,2}-\d{1,2})"), "iso"),
    (re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4}|\d{2})"), "numeric"),
    (re.compile(rf"(?:{_WD},? )?(?:the )?{_D} (?:of )?{_M},? ?(?:{_Y})?"), "day_month"),
    (re.compile(rf"(?:{_WD},? )?{_M} (?:the )?{_D},? ?(?:{_Y})?"), "month_day"),
    (re.compile(rf"(?:{_PART} )?{_M},? (?:of )?(?P<rel>last|this|next|previous) year"), "month_rel_year"),
    (re.compile(rf"(?P<rel>last|this|next|past|previous) (?:{_PART} )?{_M}"), "month_rel"),
    (re.compile(rf"(?:{_PART} )?{_M}(?:,? (?:of )?{_Y})?"), "month"),
    (re.compile(rf"(?:the )?(?:(?P<mod>this|last|next|past|coming|previous) )?(?:{_PART} )?(?:the )?(?:(?P<mod2>this|last|next|past|coming) )?"
                rf"(?P<season>{_alt(_SEASONS)})(?: (?:of )?{_Y})?"), "season"),
    (re.compile(rf"(?:the )?(?:{_PART} )?(?:the )?(?P<decade>\d{{3}}0)'?s"), "decade"),
    (re.compile(rf"(?:the )?(?:{_PART} )?(?:the )?(?:year )?{_Y}"), "year"),
    (re.compile(rf"(?:(?P<mod>last|this|next|past|coming|previous) )?{_WD}"), "weekday"),
    (re.compile(r"(?:the )?(?P<mod>last|this|next|past|coming|previous|earlier this|later this) (?P<unit>week|month|year|weekend)"), "period"),
    (re.compile(rf"(?:the )?{_NUM} {_UNIT} (?P<dir>ago|before|earlier|from now|hence|later|after|since)"), "ago"),
    (re.compile(rf"(?:for |over |in |during |within )?(?:the )?(?:past |last |previous )?(?:{_NUM} )?{_UNIT}"), "span"),
]


def _parse(expr: str, *, future: bool = False) -> Reading | None:
    s = _normalise(expr)
    if not s or len(s) > 120:
        return None
    since = False
    m = re.match(r"(?:ever )?since (?:then )?", s)
    if m and len(s) > m.end():
        since, s = True, s[m.end():]
    if re.match(r"(?:next|coming|upcoming|later this|later today|tomorrow)\b", s):
        future = True
    r = _phrase(s, future) or _grammar(s, future=future)
    if r is None:
        # strip leading prepositions and times of day, then try again
        t = s
        for _ in range(3):
            t = _LEAD.sub("", t)
            t = _TIME_OF_DAY.sub("", t).strip()
        if t != s and t:
            r = _phrase(t, future) or _grammar(t, future=future)
    if r is None:
        r = _dateparser_reading(expr, future=future)
    if r is not None and since and r.kind not in ("marker", "open"):
        r = _since(r)
    if r is not None and future and not r.future and r.kind == "absolute":
        r = replace(r, future=True)     # a dated plan ("will be held in 2026"): not a past event
    return r


def _grammar(s: str, *, future: bool) -> Reading | None:
    for pattern, name in _PATTERNS:
        m = pattern.fullmatch(s)
        if m:
            return _HANDLERS[name](m, future)
    return None


def _h_iso(m, future):
    y, mo, d = (int(x) for x in m.group("iso").split("-"))
    if not _valid(y, mo, d):
        return None
    return _absolute(date(y, mo, d), date(y, mo, d), "day")


def _h_numeric(m, future):
    return _numeric_date(int(m.group("a")), int(m.group("b")), int(m.group("y")))


def _h_day(m, future):
    year = _year(m.group("year")) if m.group("year") else None
    if m.group("year") and year is None:
        return None
    return _day_reading(_MONTHS[m.group("mon")], int(m.group("day")), year, future=future)


def _h_month(m, future):
    mon, part = _MONTHS[m.group("mon")], m.group("part")
    if m.group("year"):
        y = _year(m.group("year"))
        w = _month_window(y, mon, part) if y else None
        return _absolute(*w, "range" if part else "month") if w else None
    return _yearless(lambda y: _month_window(y, mon, part), "range" if part else "month", future=future)


_REL_YEAR = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1}


def _h_month_rel_year(m, future):
    """"May last year", "in April this year": a month of a year counted from the publication."""
    mon, part, off = _MONTHS[m.group("mon")], m.group("part"), _REL_YEAR[m.group("rel")]
    return _deictic(lambda d: _month_window(d.year + off, mon, part), "range" if part else "month",
                    future=future or off > 0)


def _h_month_rel(m, future):
    """"last May": the latest May wholly before publication; "next May" the first after it."""
    mon, part, rel = _MONTHS[m.group("mon")], m.group("part"), m.group("rel")
    make = lambda y: _month_window(y, mon, part)   # noqa: E731
    precision = "range" if part else "month"
    if rel == "next":
        return _yearless(make, precision, future=True)
    if rel == "this":
        return _deictic(lambda d: make(d.year), precision, future=future)
    return _yearless(make, precision, future=False, last=True)


def _h_season(m, future):
    mod = m.group("mod") or m.group("mod2")
    name, part = m.group("season"), m.group("part")
    if m.group("year"):
        y = _year(m.group("year"))
        if y is None or y >= MAX_YEAR:
            return None
        if name == "winter":
            # "winter 2014" is read either as 2013-14 or 2014-15: keep both
            a, b = _season_window(name, y - 1, part), _season_window(name, y, part)
            return _absolute(a[0], b[1], "range")
        return _absolute(*_season_window(name, y, part), "season")
    fut = future or mod in ("next", "coming")
    return _yearless(lambda y: _season_window(name, y, part), "season", future=fut,
                     last=mod in ("last", "past", "previous"))


def _h_decade(m, future):
    start = int(m.group("decade"))
    if not (MIN_YEAR <= start <= MAX_YEAR - 9):
        return None
    part = m.group("part")
    a, b = {"early": (0, 3), "beginning": (0, 3), "start": (0, 3), "mid": (3, 6), "middle": (3, 6),
            "late": (6, 9), "end": (7, 9)}.get(part, (0, 9))
    return _absolute(date(start + a, 1, 1), date(start + b, 12, 31), "range")


def _h_year(m, future):
    y = _year(m.group("year"))
    if y is None:
        return None
    w = _year_window(y, m.group("part"))
    return _absolute(*w, "range" if m.group("part") else "year")


def _h_weekday(m, future):
    return _weekday_reading(_WEEKDAYS[m.group("wd")], m.group("mod"), future=future)


def _h_period(m, future):
    return _period_reading(m.group("mod"), m.group("unit"), future=future)


def _h_ago(m, future):
    num = _number(m.group("num"))
    direction = m.group("dir")
    if num is None or direction in ("later", "after", "since", "before", "earlier"):
        # counted from another event, not from the publication date: unknown here
        return None
    return _ago_reading(num, m.group("unit"), future=future or direction in ("from now", "hence"))


def _h_span(m, future):
    text = m.group(0)
    if not re.search(r"\b(?:past|last|previous)\b", text) and not text.startswith("for "):
        return None   # a bare duration ("four years") is not a time
    num = _number(m.group("num")) if m.group("num") else (1, 1)
    if num is None:
        return None
    return _span_reading(num, m.group("unit"))


_HANDLERS = {"iso": _h_iso, "numeric": _h_numeric, "day_month": _h_day, "month_day": _h_day,
             "month": _h_month, "month_rel_year": _h_month_rel_year, "month_rel": _h_month_rel, "season": _h_season, "decade": _h_decade, "year": _h_year,
             "weekday": _h_weekday, "period": _h_period, "ago": _h_ago, "span": _h_span}


_NAMES_RE = re.compile(rf"\b(?:{_alt(_MONTHS)}|{_alt(_WEEKDAYS)})\b", re.I)


def _dateparser_reading(expr: str, *, future: bool) -> Reading | None:
    """What our grammar misses: full dates in other spellings, plain offsets ("a fortnight ago")."""
    text = expr.strip()
    if not text or len(text) > 60 or not re.search(r"[a-z0-9]", text, re.I):
        return None
    if re.search(r"\b\d{4}\b", text):
        got = _FULL_DATES.get_date_data(text)
        if got and got.date_obj and got.period == "day" and MIN_YEAR <= got.date_obj.year <= MAX_YEAR:
            d0 = got.date_obj.date()
            return _absolute(d0, d0, "day")
        return None
    if _NAMES_RE.search(text) or not re.search(r"\bago\b|\bfortnight\b|\bin \w+ (?:days?|weeks?)\b", text, re.I):
        return None   # calendar names depend on the calendar, not an offset: our grammar or nothing
    got = _OFFSETS.get_date_data(text)
    if not got or not got.date_obj:
        return None
    offset = got.date_obj.date() - _OFFSET_BASE.date()
    if offset.days > 0 and not future and "in " not in text.lower():
        return None
    period = got.period if got.period in ("day", "week", "month", "year") else "day"
    return _deictic(lambda d: (d + offset, d + offset), period, future=offset.days > 0)


# ---- resolve -----------------------------------------------------------------------------

def reading(expr: str, *, future: bool = False) -> Reading | None:
    """The parsed meaning of ``expr``, or None when it is not a time we can place."""
    if not isinstance(expr, str):
        return None
    return _parse(expr, future=future)


def resolve(expr: str, *, anchor: DateWindow | None, future: bool = False) -> DateWindow | None:
    """Resolve a time expression to a date window anchored on the publication window.

    Returns None when the expression is not a time we can place (a bare duration,
    "months later", a relative expression with no anchor).  "The same day" and the like
    return a marker window (``precision`` in :data:`MARKER_OFFSETS`, no dates) that the
    caller binds to the previous time with :func:`bind`.  ``future=True`` says the
    sentence is about the future (the wording in ``expr`` can say so too: "next week").
    """
    r = reading(expr, future=future)
    if r is None:
        return None
    return apply(r, expr, anchor=anchor)


def apply(r: Reading, expr: str, *, anchor: DateWindow | None) -> DateWindow | None:
    """Place a reading against the anchor window (union over its two ends)."""
    if r.kind == "marker":
        return DateWindow(precision=r.marker, text=expr, source="context")
    lo_anchor = _parse_iso(anchor.earliest) if anchor else None
    hi_anchor = _parse_iso(anchor.latest) if anchor else None
    if r.kind == "absolute":
        w = r.fn(None)
        return _window(w[0], w[1], r.precision, expr) if w else None
    if lo_anchor is None and hi_anchor is None:
        if r.kind == "since-absolute":
            w = r.fn(date(MAX_YEAR, 12, 31))
            return _window(w[0], None, "range", expr) if w else None
        return None
    w_lo = _at(r, lo_anchor) if lo_anchor else None
    w_hi = _at(r, hi_anchor) if hi_anchor else None
    if w_lo is None and w_hi is None:
        return None
    # an unknown anchor end leaves that side of the window open
    earliest = (w_lo or w_hi)[0] if lo_anchor else None
    latest = (w_hi or w_lo)[1] if hi_anchor else None
    if earliest and latest and earliest > latest:
        return None
    precision = r.precision if (lo_anchor and hi_anchor and w_lo == w_hi) else "range"
    return _window(earliest, latest, precision, expr)


def _at(r: Reading, d: date) -> Win | None:
    w = r.fn(d)
    if w is None:
        return None
    lo, hi = w
    if r.kind == "since-absolute":
        return lo, hi
    if not r.future and hi is not None and hi > d:
        hi = d     # the past-only rule: nothing after the anchor day
    if lo is not None and hi is not None and lo > hi:
        return None
    return lo, hi


def _window(lo: date | None, hi: date | None, precision: str, expr: str) -> DateWindow:
    return DateWindow(earliest=_iso(lo), latest=_iso(hi), precision=precision, text=expr, source="text")


def bind(marker: DateWindow, previous: DateWindow | None) -> DateWindow:
    """Date a marker ("the same day", "the previous day") by the previous time in the text."""
    offset = MARKER_OFFSETS.get(marker.precision or "")
    if offset is None or previous is None:
        return marker
    lo, hi = _parse_iso(previous.earliest), _parse_iso(previous.latest)
    shift = timedelta(days=offset)
    return DateWindow(earliest=_iso(lo + shift) if lo else None, latest=_iso(hi + shift) if hi else None,
                      precision=previous.precision, text=marker.text, source="context")


# ---- finding time expressions in a document ------------------------------------------------

def _cap_alt(words: Iterable[str]) -> str:
    # Month and weekday names are capitalised in English text; lower-case "may", "march"
    # or "sun" are other words.
    return "|".join(sorted({w.capitalize() for w in words} | {w.upper() for w in words if len(w) > 3},
                           key=len, reverse=True))


_FULL_MONTHS = [w for w, n in _MONTHS.items() if len(w) > 4 or w in ("may", "june", "july")]
_ABBR_MONTHS = [w for w in _MONTHS if w not in _FULL_MONTHS]
_FULL_WD = [w for w in _WEEKDAYS if w.endswith("day")]
_CM = _cap_alt(_FULL_MONTHS)
_CMD = rf"(?:{_CM}|(?:{_cap_alt(_ABBR_MONTHS)})\.?)"          # before a day number
_CMS = rf"(?:{_CM}|(?:{_cap_alt(_ABBR_MONTHS)})\.)"           # standing alone
_CWD = _cap_alt(_FULL_WD)
_YR = r"(?:1[89]\d\d|2[01]\d\d)(?![\d,]\d|-\d|\s*(?:%|per\b|percent\b))"
_DY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])"
_PT = r"(?i:(?:(?:towards?\s+)?(?:the\s+)?(?:end|beginning|start|middle|first\s+half|second\s+half)\s+of\s+(?:the\s+)?|early\s+|mid-\s*|mid\s+|late\s+))"
_NW = _alt(list(_NUMBERS) + list(_VAGUE))
_TD = rf"(?i:(?:early\s+|late\s+)?(?:at|in|on|during)\s+(?:the\s+)?(?:{_TOD})\s+(?:on|of)\s+)"
_MK = _alt(_MARKERS)


def _initials(words: Iterable[str], *, fold: bool = False) -> str:
    """A character class of the first letters of ``words`` (case-insensitive with ``fold``)."""
    cls = "[" + "".join(re.escape(c) for c in sorted({w[0] for w in words if w})) + "]"
    return f"(?i:{cls})" if fold else cls


# Lookaheads on the characters a pattern can start with, put in front of the costly patterns:
# the scanner then drops most positions at once instead of trying every alternative (and,
# for the year pattern, fourteen lookbehinds) there.  They match nothing the pattern would not.
_I_WD = _initials(_CWD.split("|"))
_I_MON = _initials(_cap_alt(_MONTHS).split("|"))
_AT_PT = "(?i:[tebsmfl])"      # first letters of _PT's words (towards, the, end, ... late)
_AT_DAY_MONTH = rf"(?={_I_WD}|t|\d)"
_AT_MONTH_DAY = rf"(?={_I_WD}|{_I_MON})"
_AT_MONTH = rf"(?=\b(?:(?i:[ltnp])|{_AT_PT}|{_I_MON}))"
_AT_YEAR = rf"(?=\b{_AT_PT}|[12])"
_AT_WEEKDAY = rf"(?=(?i:[elaiod])|(?i:[ltnpce])|{_I_WD})"
_AT_SEASON = r"(?=\b(?i:[tlnpcemsawf]))"
_AT_DECADE = rf"(?=\b(?:{_AT_PT}|[12]))"
_AT_THIS_WEEK = r"(?=\b(?i:[tlnpce]))"
_AT_AGO = rf"(?=\b(?:{_initials([*_NUMBERS, *_VAGUE], fold=True)}|\d))"
_AT_NOW = rf"(?=\b(?:(?i:[tyolncarp])|{_initials(_MARKERS, fold=True)}))"

_DETECT: list[re.Pattern] = [re.compile(p) for p in (
    r"\b(?:1[89]|2[01])\d\d-[01]\d-[0-3]\d\b",
    r"\b[0-3]?\d[/.][01]?\d[/.](?:1[89]|2[01])\d\d\b",
    rf"{_AT_DAY_MONTH}\b(?:(?:{_CWD}),?\s+)?(?:the\s+)?{_DY}\s+(?:of\s+)?{_CMD}\b(?:,?\s+{_YR})?",
    rf"{_AT_MONTH_DAY}\b(?:(?:{_CWD}),?\s+)?{_CMD}\s+{_DY}\b(?:,?\s+{_YR}\b)?",
    rf"{_AT_MONTH}(?:\b(?i:last|this|next|past|previous)\s+)?(?:\b{_PT})?\b{_CMS}(?:\b|(?<=\.))"
    rf"(?:,?\s+(?:of\s+)?{_YR}\b|,?\s+(?:of\s+)?(?i:last|this|next|previous)\s+year\b)?",
    rf"{_AT_SEASON}\b(?i:(?:the\s+|this\s+|last\s+|next\s+|past\s+|coming\s+)?(?:early\s+|mid-?\s*|late\s+|the\s+end\s+of\s+(?:the\s+)?|the\s+beginning\s+of\s+(?:the\s+)?)?"
    rf"(?:the\s+)?)(?:spring|summer|autumn|winter|(?<=the\s)fall|(?<=last\s)fall|(?<=this\s)fall)\b(?:\s+(?:of\s+)?{_YR}\b)?",
    rf"{_AT_DECADE}(?:\b{_PT})?\b(?:the\s+)?(?:1[89]|20)\d0'?s\b",
    rf"{_AT_YEAR}(?:\b{_PT}|(?<=\b[Ii]n\s)|(?<=\b[Ss]ince\s)|(?<=\b[Ff]rom\s)|(?<=\b[Uu]ntil\s)|(?<=\b[Bb]y\s)|(?<=\b[Dd]uring\s)|"
    rf"(?<=\bthe\s)|(?<=\band\s)|(?<=\bto\s)|(?<=\b[Bb]efore\s)|(?<=\b[Aa]fter\s)|(?<=\bof\s)|(?<=^)|(?<=\n))\b{_YR}\b",
    rf"{_AT_WEEKDAY}(?:{_TD})?\b(?:(?i:last|this|next|past|coming|early|late)\s+)?(?:{_CWD})\b(?:\s+(?i:morning|afternoon|evening|night))?",
    rf"{_AT_THIS_WEEK}\b(?i:(?:the\s+)?(?:last|this|next|past|coming|previous|earlier\s+this|later\s+this)\s+(?:week|month|year|weekend))\b",
    rf"{_AT_AGO}\b(?i:(?:{_NW}|\d+)\s+(?:days?|weeks?|months?|years?|decades?|fortnights?)\s+ago)\b",
    rf"\b(?i:(?:in|over|during|for|within)\s+the\s+(?:past|last|previous)\s+(?:(?:{_NW}|\d+)\s+)?(?:days?|weeks?|months?|years?|decades?))\b",
    rf"\b(?i:for\s+(?:the\s+)?(?:{_NW}|\d+|many)\s+(?:days|weeks|months|years))\b",
    r"\b(?i:in\s+recent\s+(?:days|weeks|months|years))\b",
    rf"{_AT_NOW}\b(?i:(?:the\s+day\s+before\s+)?yesterday(?:\s+(?:morning|afternoon|evening))?|today|tonight|tomorrow|overnight|"
    rf"last\s+night|this\s+(?:morning|afternoon|evening)|now|currently|at\s+present|recently|previously|lately|{_MK})\b",
)]
# A part each _DETECT pattern cannot match without (same flags as inside the pattern): a text
# lacking it skips that pattern's scan, so most lines and many texts skip most patterns.
_DETECT_NEEDS: list[re.Pattern | None] = [None if p is None else re.compile(p) for p in (
    None,
    None,
    _CMD,
    _CMD,
    _CMS,
    r"spring|summer|autumn|winter|fall",
    r"(?:1[89]|20)\d0",
    r"(?:1[89]|2[01])\d\d",
    _CWD,
    r"(?i:week|month|year)",
    r"(?i:ago)",
    r"(?i:past|last|previous)",
    r"(?i:days|weeks|months|years)",
    r"(?i:recent)",
    None,
)]
_SINCE_BEFORE = re.compile(r"(?i:\b(?:ever\s+)?since\s+)$")
_MONTH_ONLY = re.compile(rf"(?:{_CMS})")
_MONTH_CONTEXT = re.compile(r"(?i:\b(?:in|since|from|until|till|by|during|of|early|late|mid-?|last|this|next|"
                            r"and|or|to|through|between|before|after|on|a|an|the|each|every)\s*)$")
_FUTURE_VERBS = {"plan", "schedule", "expect", "due", "set", "slate", "intend", "aim", "hope", "prepare"}


def _candidates(text: str, *, prechecks: bool = True) -> list[tuple[int, int]]:
    """Spans of text the date patterns match.  ``prechecks`` skips a pattern whose required
    word (a month, a year...) is absent: a pure speed-up, which tests check against False."""
    found = []
    for pattern, needs in zip(_DETECT, _DETECT_NEEDS):
        if prechecks and needs is not None and needs.search(text) is None:
            continue
        for m in pattern.finditer(text):
            a, b = m.span()
            while b > a and text[b - 1] in " ,\n\t":
                b -= 1
            if b > a:
                found.append((a, b))
    return found


def _select(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest first, without overlaps."""
    chosen: list[tuple[int, int]] = []
    for a, b in sorted(set(spans), key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(b <= c or a >= d for c, d in chosen):
            chosen.append((a, b))
    return sorted(chosen)


def _plausible(text: str, a: int, b: int) -> bool:
    span = text[a:b]
    if _MONTH_ONLY.fullmatch(span) and span.lower().rstrip(".") in ("may", "march"):
        # "May" and "March" alone are often a name or a verb: want a calendar word before
        return bool(_MONTH_CONTEXT.search(text[max(0, a - 12):a]))
    if span.isdigit() and b < len(text) and text[b:b + 1] in "%":
        return False
    return True


def _is_future(sdoc, a: int, b: int) -> bool:
    """Whether the clause around text[a:b] talks about the future (will, plans to, is due to...)."""
    if sdoc is None:
        return False
    span = sdoc.char_span(a, b, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    tok = span.root
    for _ in range(8):
        for child in tok.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in ("will", "shall", "'ll", "wo", "would"):
                return True
        if tok.lemma_ in _FUTURE_VERBS and tok.pos_ in ("VERB", "ADJ"):
            return True
        if tok.head is tok or (tok.pos_ in ("VERB", "AUX") and tok.dep_ in ("ROOT", "ccomp", "conj")):
            return False
        tok = tok.head
    return False


def _spacy_spans(sdoc) -> list[tuple[int, int]]:
    if sdoc is None:
        return []
    return [(e.start_char, e.end_char) for e in sdoc.ents if e.label_ in ("DATE", "TIME")]


def _analysed_text(doc: Document) -> str:
    if doc.spacy is not None:
        return doc_text(doc.spacy)
    return doc.article_text()


@dataclass(frozen=True)
class Found:
    """A time expression found in the text, with its reading (before anchoring)."""
    start: int
    end: int
    text: str
    reading: Reading


def detect(doc: Document) -> list[Found]:
    """Time expressions in the article text (our patterns, then spaCy's DATE/TIME entities)."""
    text = _analysed_text(doc)
    sdoc = doc.spacy
    ours = _select(_candidates(text))
    ours = [(a, b) for a, b in ours if _plausible(text, a, b)]
    # spaCy's DATE/TIME entities fill gaps; a bare number is left to our year patterns
    theirs = [(a, b) for a, b in _spacy_spans(sdoc)
              if all(b <= c or a >= d for c, d in ours) and not text[a:b].strip().isdigit()
              and _plausible(text, a, b)]
    found = []
    for a, b in sorted(ours + theirs):
        m = _SINCE_BEFORE.search(text[max(0, a - 16):a])
        if m:
            a -= len(m.group(0))
        expr = text[a:b]
        if expr[:4].lower() == "for " and _clause_tense(sdoc, a, b) != "present":
            continue   # "for two months" reaches up to now only in the present perfect
        r = reading(expr, future=_is_future(sdoc, a, b))
        if r is None:
            continue
        found.append(Found(a, b, expr, r))
    return found


def find_times(doc: Document, *, anchor: DateWindow | None = None) -> list[TimeMention]:
    """Every time expression of the article text, resolved against the publication window.

    Offsets index ``doc.text``.  Markers ("the same day") are kept with no dates and
    their marker name as precision; :func:`window_for` binds them.
    """
    anchor = anchor if anchor is not None else doc.published
    return _mentions(detect(doc), anchor=anchor)


def _verbs_above(sdoc, a: int, b: int):
    """The verbs (and auxiliaries) text[a:b] hangs on, nearest first, walking up the parse."""
    if sdoc is None:
        return
    span = sdoc.char_span(a, b, alignment_mode="expand")
    if span is None or len(span) == 0:
        return
    tok = span.root
    for _ in range(10):
        if tok.pos_ in ("VERB", "AUX"):
            yield tok
        if tok.head is tok:
            return
        tok = tok.head


def _clause_tense(sdoc, a: int, b: int) -> str | None:
    """'present' (incl. present perfect), 'past' or None, from the verb the expression hangs on."""
    for verb in _verbs_above(sdoc, a, b):
        auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        tags = {c.tag_ for c in auxes} | {verb.tag_}
        if tags & {"VBD"} or any(c.lower_ in ("had", "was", "were", "did") for c in auxes):
            return "past"
        if tags & {"VBZ", "VBP"}:
            return "present"
    return None


def _simple_present(sdoc, a: int, b: int) -> bool:
    """Whether text[a:b] hangs on a simple-present verb ("moves south in October": a habit).

    Strict on purpose: only the third person singular counts, because the tagger reads
    unknown past forms as VBP ("troops retook"); the present perfect reports the past.
    """
    verb = next(_verbs_above(sdoc, a, b), None)
    if verb is None or any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return False
    return verb.tag_ == "VBZ"


# ---- publication dates from the text ------------------------------------------------------



@dataclass(frozen=True)
class Era:
    """A name that dates a text (data/times_eras.tsv)."""
    kind: str                  # name | office
    pattern: re.Pattern
    earliest: date
    latest: date | None
    note: str


def _load_eras() -> tuple[Era, ...]:
    raw = resources.files("sitrep").joinpath("data/times_eras.tsv").read_text(encoding="utf-8")
    eras = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, pattern, lo, hi, note = line.split("\t")
        eras.append(Era(kind, re.compile(pattern), date.fromisoformat(lo),
                        date.fromisoformat(hi) if hi else None, note))
    return tuple(eras)


ERAS = _load_eras()     # read-only, loaded once at import
_NOT_IN_OFFICE = re.compile(r"(?i:\b(?:former|ex-|then-?|late|under|predecessor|ex)\s*)$")


def _eras_in(text: str) -> list[tuple[Era, str]]:
    out = []
    for era in ERAS:
        for m in era.pattern.finditer(text):
            if era.kind == "office" and _NOT_IN_OFFICE.search(text[max(0, m.start() - 12):m.start()]):
                continue
            out.append((era, m.group(0)))
            break
    return out


def _first_occurrence_from(r: Reading, lower: date) -> Win | None:
    """The first occurrence of a yearless reading that is not over by ``lower``."""
    probe = lower
    for _ in range(15):
        w = r.fn(probe)
        if w and w[0] is not None and w[1] is not None and w[1] >= lower:
            return w
        probe = _add_months(probe, 1)
    return None


def infer_publication(doc: Document, *, found: list[Found] | None = None) -> DateWindow:
    """The publication window: metadata, else a date printed in the text, else inferred.

    A printed date (a timestamp or labelled line at the top, a wire dateline, a trailing
    'Published ...' line) gives the day with ``source="text"``; a dateline without a year
    takes the year of the inferred window, and one with a weekday only narrows it.
    Otherwise the window is inferred from the dates the text reports as past (see
    :func:`_infer_from_text`).  A window from metadata or the text is returned unchanged.
    """
    pub = doc.published
    if (pub.earliest or pub.latest) and pub.source != "inferred":
        return pub
    found = detect(doc) if found is None else found
    printed = printed_dates(doc.text, comments_start=doc.comments_start)
    for p in printed:
        if p.reading.kind == "absolute":
            return _printed_window(p, _pick_day(p, _latest_explicit(found)), "")
    inferred = _infer_from_text(doc, found)
    lower = _parse_iso(inferred.earliest)
    for p in printed:
        if p.reading.kind == "calendar" and lower is not None:
            w = _first_occurrence_from(p.reading, lower)
            if w is not None and w[0] == w[1]:
                return _printed_window(p, w[0], f"; the year from the text ({lower.isoformat()} or later)")
        elif p.reading.kind == "deictic" and _is_weekday(p.expr):
            return _with_weekday(inferred, p)
    return inferred


def _latest_explicit(found: list[Found]) -> date | None:
    starts = [f.reading.fn(None)[0] for f in found if f.reading.kind == "absolute" and not f.reading.future]
    return max(starts) if starts else None


def _year_nearby(f: Found, found: list[Found], text: str) -> int | None:
    """The year of the nearest explicit date before ``f`` in its paragraph, or after it in
    its sentence ("in August 2015" / "In 2015 ... in August"; a year in a later sentence
    is another story)."""
    a, b = _paragraph(text, f.start)
    stop = re.search(r"[.!?](?:\s|$)", text[f.end:b])
    b = f.end + stop.start() if stop else b
    near = [g for g in found if g.reading.kind in ("absolute", "since-absolute") and not g.reading.future
            and a <= g.start < b and g is not f]
    if not near:
        return None
    g = min(near, key=lambda g: (g.start > f.start, abs(g.start - f.start)))
    lo, hi = (g.reading.inner or g.reading).fn(None)
    return lo.year if lo.year == hi.year else None


def _place_yearless(f: Found, found: list[Found], text: str, explicit: date) -> tuple[Win | None, str]:
    """A month or season named without a year: the year of an explicit date beside it,
    else its first occurrence from the latest explicit date on."""
    inner = f.reading.inner or f.reading
    year = _year_nearby(f, found, text)
    if year is not None:
        w = inner.fn(date(year, 12, 31))
        if w is not None and w[0] is not None and w[0].year == year:
            return w, f"the year {year} stated beside it"
    return (_first_occurrence_from(inner, explicit),
            f"its first occurrence from {explicit.isoformat()} (latest explicit date) on")


def _deictic_days(found: list[Found]) -> list[Found]:
    """Past expressions counted from the publication day ('on Tuesday', 'yesterday', 'last week')."""
    return [f for f in found if f.reading.kind == "deictic" and not f.reading.future and not f.reading.since
            and f.reading.precision in ("day", "week")]


def _infer_from_text(doc: Document, found: list[Found]) -> DateWindow:
    """A publication window inferred from the dates the text reports as past.

    The lower bound is the latest dated reference: the start of an explicit date or year
    ("in 2014", "November 2014"), the end of a "since X" period, and a month or season
    named without a year in a past-tense clause, placed in the year of an explicit date
    in its paragraph, else at its first occurrence from the latest explicit date on.  The
    upper bound is the end of a year spoken of in the present tense ("have been killed in
    2014"), a year after a "since <month>" still running (when its year is known), a few
    weeks after a dated day when the text dates events beside it by weekday or
    "yesterday", else open: background dates say nothing of how late the text is.  Dated names (data/times_eras.tsv) only ever raise the lower bound.
    """
    sdoc = doc.spacy
    text = _analysed_text(doc)
    lower: date | None = None
    lower_why = ""
    lower_from: Found | None = None
    current_year: tuple[date, str] | None = None
    yearless: list[Found] = []
    for f in found:
        r = f.reading
        if r.future:
            continue
        if r.kind == "absolute":
            lo, hi = r.fn(None)
            if lower is None or lo > lower:
                lower, lower_why, lower_from = lo, f"{f.text!r} is reported as past", f
            if r.precision == "year" and _clause_tense(sdoc, f.start, f.end) == "present":
                if current_year is None or hi > current_year[0]:
                    current_year = (hi, f.text)
        elif r.kind == "since-absolute" and r.inner is not None:
            lo, hi = r.inner.fn(None)
            if lower is None or hi > lower:
                lower, lower_why, lower_from = hi, f"{f.text!r}: written after that period", None
        elif r.kind == "calendar" or (r.since and r.inner is not None and r.inner.kind == "calendar"):
            if r.since or not _simple_present(sdoc, f.start, f.end):
                yearless.append(f)
    eras = _eras_in(text)
    if lower is None:
        return _from_eras(eras, yearless)
    upper_caps: list[tuple[date, str]] = []
    years_on = _anniversary(text)
    if years_on is not None and years_on[1] >= lower:
        if years_on[0] > lower:
            lower, lower_from, lower_why = years_on[0], None, years_on[2]
        upper_caps.append((years_on[1], years_on[2]))
    explicit = lower
    for f in yearless:
        w, how = _place_yearless(f, found, text, explicit)
        if w is None:
            continue
        bound = w[1] if f.reading.since else w[0]
        if bound > lower:
            lower, lower_from = bound, None
            lower_why = f"{f.text!r} without a year, placed by {how}"
        # a month still running bounds the publication only when its year is known
        if f.reading.since and how.startswith("the year") and _clause_tense(sdoc, f.start, f.end) == "present":
            upper_caps.append((w[0] + timedelta(days=_RECENCY["since_month_present_days"]),
                               f"{f.text!r} is still running (present tense)"))
    for era, said in eras:
        if era.kind == "name" and era.earliest > lower:
            lower, lower_from = era.earliest, None
            lower_why = f"{said!r} is not used before {era.earliest.isoformat()} ({era.note})"
    # No later evidence leaves the window open: a lower bound from background dates ("the
    # war began in 2011") says nothing of how long after them the text was written.
    upper: date | None = None
    upper_why = "unknown (no later evidence in the text)"
    if current_year:
        upper_caps.append((current_year[0], f"{current_year[1]!r} is spoken of in the present tense (the current year)"))
    recent = _recent_cap(lower_from, found, text)
    if recent:
        upper_caps.append(recent)
    for cap, why in sorted(upper_caps):
        if lower <= cap and (upper is None or cap < upper):
            upper, upper_why = cap, why
    return DateWindow(earliest=lower.isoformat(), latest=_iso(upper), precision="range",
                      evidence=f"earliest: {lower_why}; latest: {upper_why}", source="inferred")


_ONSET_WORDS = r"(?:start|beginning|outbreak|onset|launch)"
# exact counts only: "several years since" does not give the year
_COUNT_WORD = rf"(?P<n>\d{{1,3}}|{_alt(k for k in _NUMBERS if k not in _VAGUE)}|{_alt(k for k in T['ordinals'] if not k.startswith('_'))})"
_YEARS_ON = [re.compile(p, re.I) for p in (
    rf"\b{_COUNT_WORD}[\s-]years?\s+(?:since|after)\s+(?:the\s+)?{_ONSET_WORDS}\b",
    rf"\b{_COUNT_WORD}(?:st|nd|rd|th)?\s+anniversary\s+of\s+(?:the\s+)?{_ONSET_WORDS}\b",
    rf"\b{_COUNT_WORD}-year(?:-old|-long)?\s+(?:war|conflict|insurgency|uprising|civil\s+war|crisis)\b",
)]
_ONSET_YEAR = [re.compile(p, re.I) for p in (
    r"\b(?:began|begun|started|erupted|broke\s+out)\b[^.,;\n]{0,40}?\bin\s+(?:(?:early|mid-?|late)\s*)?"
    r"(?:[A-Z][a-z]+\s+)?(?P<y>(?:19|20)\d\d)\b",
    rf"\b{_ONSET_WORDS}\s+of\s+[^.,;\n]{{0,30}}?\bin\s+(?:(?:early|mid-?|late)\s*)?(?:[A-Z][a-z]+\s+)?"
    r"(?P<y>(?:19|20)\d\d)\b",
)]


def _count(word: str) -> int | None:
    w = word.lower()
    if w.isdigit():
        return int(w)
    return T["ordinals"].get(w) or _NUMBERS.get(w)


def _anniversary(text: str) -> tuple[date, date, str] | None:
    """"13 years since the start of the uprising" with "the war began in 2011" elsewhere:
    the text is from the 13th or 14th year after the onset (both, as "13 years" may be
    rounded down).  Every onset year the text states is kept, so the window is their union."""
    counts = []
    for pattern in _YEARS_ON:
        for m in pattern.finditer(text):
            n = _count(m.group("n"))
            if n is not None and 0 < n < 200:
                counts.append((n, m.group(0)))
    if not counts:
        return None
    onsets = {int(m.group("y")) for p in _ONSET_YEAR for m in p.finditer(text)}
    onsets = {y for y in onsets if MIN_YEAR <= y <= MAX_YEAR}
    if not onsets:
        return None
    n, said = counts[0]
    lo_y, hi_y = min(onsets) + n, max(onsets) + n + 1
    if hi_y > MAX_YEAR:
        return None
    return (date(lo_y, 1, 1), date(hi_y, 12, 31),
            f"{said!r} counted from the onset in {sorted(onsets)} (that year + {n}, or the next)")


def _recent_cap(f: Found | None, found: list[Found], text: str) -> tuple[date, str] | None:
    """A day-dated report beside weekday/'yesterday' dating is news of the last weeks."""
    if f is None or f.reading.precision != "day":
        return None
    a, b = _paragraph(text, f.start)
    if not any(a <= g.start < b for g in _deictic_days(found)):
        return None
    days = _RECENCY["deictic_days_after_day_date"]
    return (f.reading.fn(None)[1] + timedelta(days=days),
            f"{f.text!r} is dated beside events counted from the publication day (within {days} days)")


def _from_eras(eras: list[tuple[Era, str]], yearless: list[Found]) -> DateWindow:
    """A window from dated names alone, when the text gives no explicit date."""
    lower = upper = None
    lower_why = upper_why = ""
    for era, said in eras:
        if lower is None or era.earliest > lower:
            lower, lower_why = era.earliest, f"{said!r} is not used before {era.earliest.isoformat()} ({era.note})"
        if era.kind == "office" and era.latest and (upper is None or era.latest < upper):
            upper, upper_why = era.latest, f"{said!r} is in office until {era.latest.isoformat()} ({era.note})"
    if lower is None or (upper is not None and upper < lower):
        why = "no dated reference in the text"
        if yearless:
            why += f" (months without a year, such as {yearless[0].text!r}, do not give the year)"
        return DateWindow(precision=None, evidence=why, source="inferred")
    return DateWindow(earliest=lower.isoformat(), latest=_iso(upper), precision="range",
                      evidence=f"no explicit date; earliest: {lower_why}; latest: {upper_why or 'unknown'}",
                      source="inferred")


# ---- publication dates printed in the text ------------------------------------------------

_PRINTED = {k: v for k, v in T["printed"].items() if not k.startswith("_")}
_RECENCY = {k: v for k, v in T["recency"].items() if not k.startswith("_")}
_LABEL = re.compile(r"^[\W_]*(?P<label>" + _alt(_PRINTED["published_labels"] + _PRINTED["updated_labels"])
                    + r")\b\s*(?:on|at|in)?\s*[:\-\u2013\u2014|]?\s*", re.I)
_UPDATED = set(_PRINTED["updated_labels"])
# what may stand beside a date on a timestamp line: clock times, zones, separators
_CLOCK = re.compile(r"\b\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\.?"
                    r"|\b(?:GMT|UTC|BST|CET|CEST|EST|EDT|PST|PDT|IST|EAT|WAT|CAT|AST|[A-Z][a-z]+ time|local time)\b"
                    r"|[+\-]\d{2}:?\d{2}\b", re.I)
_AGENCY = re.compile(r"\((?P<agency>[A-Z][\w.&' /-]{1,30})\)")
_DATELINE_DASH = re.compile(r"\s[-\u2013\u2014]{1,2}\s|\s?[\u2013\u2014]\s?|\s--\s")
_CONNECTORS = {"of", "de", "al", "el", "la", "du", "des", "and", "the", "on", "upon", "es", "ad"}


@dataclass(frozen=True)
class Printed:
    """A publication date (or weekday) printed in a heading line, a dateline or a trailing line."""
    reading: Reading
    line: str
    where: str          # label | timestamp | dateline
    expr: str           # the date as written
    updated: bool = False
    ambiguous: tuple[date, ...] = ()   # day-first and month-first readings of 03/04/2024


def _nonempty_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _date_spans(line: str) -> list[tuple[int, int, Reading]]:
    """Time expressions of one line with their readings, in order."""
    out = []
    for a, b in _select(_candidates(line)):
        if not _plausible(line, a, b):
            continue
        r = reading(line[a:b])
        if r is not None:
            out.append((a, b, r))
    return out


def _numeric_readings(expr: str) -> tuple[date, ...]:
    m = re.fullmatch(r"\s*(\d{1,2})([/.])(\d{1,2})\2(\d{4})\s*", expr)
    if not m:
        return ()
    a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
    first = [date(y, b, a)] if _valid(y, b, a) else []      # day first
    second = [date(y, a, b)] if _valid(y, a, b) and sep == "/" else []   # US order only with slashes
    return tuple(dict.fromkeys(first + second))


def _full_day(r: Reading) -> bool:
    return r.kind == "absolute" and r.precision in ("day", "range") and r.fn(None)[1] - r.fn(None)[0] < timedelta(days=370)


def _leftover_words(line: str, spans: list[tuple[int, int]]) -> list[str]:
    rest = line
    for a, b in sorted(spans, reverse=True):
        rest = rest[:a] + " " + rest[b:]
    rest = _CLOCK.sub(" ", rest)
    rest = _AGENCY.sub(" ", rest)
    return re.findall(r"[^\W\d_][\w'’.-]*", rest)


def _printed_in_line(line: str, *, tail: bool) -> Printed | None:
    label = _LABEL.match(line)
    if tail and not label:
        return None     # (before scanning the line: a trailing line counts only with a label)
    spans = _date_spans(line)
    if label:
        after = [(a, b, r) for a, b, r in spans if a >= label.start("label")]
        for a, b, r in after:
            if _full_day(r):
                return Printed(r, line, "label", line[a:b], updated=label.group("label").lower() in _UPDATED,
                               ambiguous=_numeric_readings(line[a:b]))
        return None
    if tail or not spans:
        return None
    a, b, r = spans[0]
    words = _leftover_words(line, [(a, b)])
    lead = line[:a].strip(" ,|-\u2013\u2014")
    # a line that is only a date (with clock, zone, weekday): a timestamp
    if _full_day(r) and not lead and len(words) <= _PRINTED["max_extra_words"] \
            and all(w.lower() in _WEEKDAYS or w[0].isupper() for w in words):
        return Printed(r, line, "timestamp", line[a:b], ambiguous=_numeric_readings(line[a:b]))
    return _dateline(line, spans)


def _dateline(line: str, spans: list[tuple[int, int, Reading]]) -> Printed | None:
    """'PLACE, Country, <date> (Agency) -' or 'Place (Agency) - <date>': a wire dateline."""
    dash = _DATELINE_DASH.search(line[:120])
    if not dash:
        return None
    head = line[:dash.start()]
    agency = _AGENCY.search(head)
    in_head = [(a, b, r) for a, b, r in spans if b <= dash.start()]
    after = [(a, b, r) for a, b, r in spans if a >= dash.end()
             and not line[dash.end():a].strip(" ,")]   # the date opens what follows the dash
    if in_head:
        a, b, r = in_head[-1]
        place = head[:a]
    elif after and agency:
        a, b, r = after[0]
        place = head
        if len(_leftover_words(line[:dash.end()] + line[a:b], [])) > 8:
            return None
    else:
        return None
    place_words = _leftover_words(place, [])
    if not place_words or not (agency or place_words[0].isupper()):
        return None    # 'On Tuesday - ...' in a sentence is not a dateline
    if len(place_words) > 6 or any(not w[0].isupper() and w.lower() not in _CONNECTORS for w in place_words):
        return None
    if r.kind not in ("absolute", "calendar") and not (r.kind == "deictic" and _is_weekday(line[a:b])):
        return None
    return Printed(r, line, "dateline", line[a:b], ambiguous=_numeric_readings(line[a:b]))


def _is_weekday(expr: str) -> bool:
    return _normalise(expr) in _WEEKDAYS


def printed_dates(text: str, *, comments_start: int | None = None) -> list[Printed]:
    """Publication dates printed in the first lines of ``text`` or in a trailing label line.

    Best first: a first-publication date before an 'updated' one, a full date before a
    yearless dateline, a yearless dateline before a weekday-only one.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    body = text[:comments_start] if comments_start else text
    head = _nonempty_lines(body[:6000])[:_PRINTED["head_lines"]]
    tail = _nonempty_lines(body[-3000:])[-_PRINTED["tail_lines"]:]
    found = [p for ln in head if (p := _printed_in_line(ln, tail=False))]
    found += [p for ln in tail if ln not in head and (p := _printed_in_line(ln, tail=True))]

    def rank(p: Printed) -> int:
        kind = p.reading.kind
        base = 0 if kind == "absolute" else (2 if kind == "calendar" else 3)
        return base + (1 if p.updated else 0)
    return sorted(found, key=rank)


def _pick_day(p: Printed, explicit: date | None) -> date:
    """The day of a full printed date; 03/04/2024 is read day first unless the text says otherwise."""
    lo, hi = p.reading.fn(None)
    if len(p.ambiguous) < 2:
        return p.ambiguous[0] if p.ambiguous else lo
    if explicit is not None:
        not_before = [d for d in p.ambiguous if d >= explicit]
        if len(not_before) == 1:
            return not_before[0]
    return p.ambiguous[0]


def _printed_window(p: Printed, d: date, why: str) -> DateWindow:
    return DateWindow(earliest=d.isoformat(), latest=d.isoformat(), precision="day",
                      evidence=f"printed {p.where} {p.line[:80]!r}{why}", source="text")


def _with_weekday(w: DateWindow, p: Printed) -> DateWindow:
    """Narrow an inferred window to the days that fall on the dateline's weekday."""
    lo, hi = _parse_iso(w.earliest), _parse_iso(w.latest)
    wd = _WEEKDAYS[_normalise(p.expr)]
    if lo is None:
        return w
    first = lo + timedelta(days=(wd - lo.weekday()) % 7)
    last = hi - timedelta(days=(hi.weekday() - wd) % 7) if hi is not None else None
    if last is not None and first > last:
        return w
    return DateWindow(earliest=first.isoformat(), latest=_iso(last),
                      precision="day" if first == last else "range",
                      evidence=f"{w.evidence}; the dateline {p.line[:60]!r} gives the weekday", source="inferred")


# ---- dating an occurrence ------------------------------------------------------------------

def _containing(spans: Iterable[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return None


def _sentence_spans(doc: Document) -> list[tuple[int, int]]:
    if doc.sentences:
        return [(s.start, s.end) for s in doc.sentences]
    if doc.spacy is not None:
        return [(s.start_char, s.end_char) for s in doc.spacy.sents]
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]*", doc.text)]


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (b if b >= 0 else len(text))


def _as_window(doc: Document, t: TimeMention, source: str) -> DateWindow:
    w = DateWindow(earliest=t.earliest, latest=t.latest, precision=t.precision, text=t.text, source=source)
    if t.precision in MARKER_OFFSETS:
        previous = [p for p in doc.times if p.end <= t.start and (p.earliest or p.latest)
                    and p.precision not in MARKER_OFFSETS]
        prev = previous[-1] if previous else None
        base = (DateWindow(earliest=prev.earliest, latest=prev.latest, precision=prev.precision)
                if prev else doc.published)
        w = replace(bind(w, base), source=source)
    return w


def window_for(doc: Document, start: int, end: int, *, at: int | None = None) -> DateWindow:
    """The date window of an occurrence whose evidence is ``text[start:end]``.

    Its own time expression (inside the span, the nearest to ``at``, else the first),
    else one in its sentence (nearest), else the closest earlier one in its paragraph,
    else the publication window (``text=None``, ``source="publication"``).  Markers
    ("the same day") are bound to the previous dated time in the text.
    """
    times = doc.times
    pos = start if at is None else at

    def nearest(cands):
        return min(cands, key=lambda t: (0 if t.start <= pos < t.end else min(abs(t.start - pos), abs(t.end - pos)),
                                         t.start)) if cands else None

    inside, onset = _owned(doc, [t for t in times if t.start >= start and t.end <= end], at)
    if inside:
        pick = nearest(inside) if at is not None else inside[0]
        return _until_publication(doc, _as_window(doc, pick, "text")) if onset else _as_window(doc, pick, "text")
    sent = _containing(_sentence_spans(doc), start)
    if sent:
        in_sent, onset = _owned(doc, [t for t in times if t.start >= sent[0] and t.end <= sent[1]], at)
        if in_sent:
            w = _as_window(doc, nearest(in_sent), "text")
            return _until_publication(doc, w) if onset else w
        shifted = _counted_from_previous(doc, sent, pos)
        if shifted is not None:
            return shifted
    para = _paragraph(doc.text, start)
    before = [t for t in times if t.start >= para[0] and t.end <= start]
    if before:
        return _as_window(doc, before[-1], "context")
    pub = doc.published
    return DateWindow(earliest=pub.earliest, latest=pub.latest, precision=pub.precision or "range",
                      text=None, evidence=None, source="publication")


_REPORTING = frozenset(T["reporting_verbs"])
_COUNTED = re.compile(rf"\b(?P<num>\d+|{_NW})\s+(?P<unit>day|week)s?\s+(?P<dir>after|before|earlier than)\s", re.I)


def _counted_from_previous(doc: Document, sent: tuple[int, int], pos: int) -> DateWindow | None:
    """"The raid came two days after militants shelled ...": the occurrence told after
    the phrase is dated by counting back (or on, for "before") from the time the text
    gave last, the date of what it is compared with; else from the publication."""
    text = doc.text
    m = None
    for m_ in _COUNTED.finditer(text, sent[0], sent[1]):
        if m_.end() <= pos:
            m = m_
    if m is None:
        return None
    num = _number(m.group("num").lower())
    if num is None:
        return None
    days = num[0] * (7 if m.group("unit").lower() == "week" else 1)
    span = days if num[0] == num[1] else num[1] * (7 if m.group("unit").lower() == "week" else 1)
    sign = -1 if m.group("dir").lower() == "after" else 1
    previous = [t for t in doc.times if t.end <= sent[0] and t.precision not in MARKER_OFFSETS
                and (t.earliest or t.latest) and not (doc.published.latest and t.earliest
                                                      and t.earliest > doc.published.latest)]
    base = (DateWindow(earliest=previous[-1].earliest, latest=previous[-1].latest)
            if previous else doc.published)
    lo, hi = _parse_iso(base.earliest), _parse_iso(base.latest)
    if lo is None and hi is None:
        return None
    near, far = timedelta(days=sign * days), timedelta(days=sign * span)
    ends = [d + near for d in (lo, hi) if d] + [d + far for d in (lo, hi) if d]
    lo2 = min(ends) if lo else None
    hi2 = max(ends) if hi else None
    pub_latest = _parse_iso(doc.published.latest)
    if lo2 is not None and pub_latest is not None and lo2 > pub_latest:
        return None     # "came a day before talks open": the talks are not a reported event
    precision = "day" if lo2 == hi2 else "range"
    return DateWindow(earliest=_iso(lo2), latest=_iso(hi2), precision=precision, text=m.group(0).strip(),
                      source="context")


def _token_at(sdoc, pos: int):
    span = sdoc.char_span(pos, pos + 1, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _head_verb(tok):
    """The verb a token hangs on (the token itself when it is one)."""
    for _ in range(12):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            return tok
        tok = tok.head
    return tok


def _relative_clause(tok, trigger) -> bool:
    """Whether ``tok`` sits in a relative clause that does not hold the trigger
    ("ATMIS, which replaced AMISOM in 2022, has begun withdrawing"): it dates a noun."""
    for _ in range(12):
        if tok.dep_ in ("relcl", "acl") and trigger not in tok.subtree:
            return True
        if tok.head is tok:
            return False
        tok = tok.head
    return False


def _until_publication(doc: Document, w: DateWindow) -> DateWindow:
    """An ongoing state known to hold since ``w``: from its start to the publication."""
    pub_latest = doc.published.latest
    if w.earliest is None or pub_latest is None or pub_latest < w.earliest:
        return w
    return replace(w, latest=max(w.latest or pub_latest, pub_latest), precision="range")


def _owned(doc: Document, cands: list[TimeMention], at: int | None) -> tuple[list[TimeMention], bool]:
    """The times of ``cands`` that date the occurrence at char ``at`` (its best tier), and
    whether they only give the onset of an ongoing state.

    Times after the publication window never date a reported occurrence.  Times of the
    trigger's own clause come first; then the others of the sentence; then times of a
    reporting verb the trigger's clause depends on ("said on Sunday that it had killed
    ... last week": Sunday is when it was said); last, times inside a relative clause of
    another noun ("troops remain deployed beside a force which arrived in December"): for
    a trigger in the present these give the onset, and the state runs to publication.
    """
    pub_latest = doc.published.latest
    cands = [t for t in cands if not (pub_latest and t.earliest and t.earliest > pub_latest)]
    sdoc = doc.spacy
    if len(cands) < 1 or at is None or sdoc is None:
        return cands, False
    trigger = _token_at(sdoc, at)
    if trigger is None:
        return cands, False
    verb = _head_verb(trigger)
    present = _clause_tense(sdoc, verb.idx, verb.idx + len(verb)) == "present"
    tiers: dict[int, list[TimeMention]] = {}
    for t in cands:
        span = sdoc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None or not len(span):
            tiers.setdefault(1, []).append(t)
            continue
        tok = span.root
        tv = _head_verb(tok)
        if _relative_clause(tok, trigger):
            tier = 3
        elif tv is verb:
            tier = 0
        elif tv.lemma_.lower() in _REPORTING and trigger in tv.subtree:
            tier = 2
        else:
            tier = 1
        tiers.setdefault(tier, []).append(t)
    best = min(tiers)
    return tiers[best], best == 3 and present


# ---- the stage -----------------------------------------------------------------------------

@stage("times", reads=("spacy", "published"), writes=("times", "published"))
def times(docs, *, res):
    """Infer missing publication windows, then resolve every time expression against them."""
    for doc in docs:
        found = detect(doc)
        doc.published = infer_publication(doc, found=found)   # metadata windows come back unchanged
        if doc.published.source == "inferred":
            log.debug("%s: publication inferred as %s..%s", doc.doc, doc.published.earliest, doc.published.latest)
        doc.times = _mentions(found, anchor=doc.published)


def _mentions(found: list[Found], *, anchor: DateWindow) -> list[TimeMention]:
    out = []
    for f in found:
        w = apply(f.reading, f.text, anchor=anchor)
        if w is None:
            continue
        if w.earliest is None and w.latest is None and w.precision not in MARKER_OFFSETS:
            continue
        out.append(TimeMention(start=f.start, end=f.end, text=f.text, earliest=w.earliest, latest=w.latest,
                               precision=w.precision, relative=f.reading.relative))
    return out
