"""Property tests (hypothesis) for the parts that read untrusted text: no exception on any input,
results within bounds.  They add to the modules' own property tests (test_numbers, test_times,
test_clean, test_places) the inputs those do not reach: number-shaped strings at the edges of
float range, anchors at the ends of the calendar, line separators other than "\\n", odd
focus codes and coordinates.
"""
from __future__ import annotations

import math
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sitrep.clean import find_furniture
from sitrep.extract.numbers import find_numbers, read_number
from sitrep.model import DateWindow
from sitrep.normalize.places import Gazetteer
from sitrep.normalize.times import resolve

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

# ---- numbers ---------------------------------------------------------------------------------

_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=40)
_NUMBERISH = st.one_of(
    _DIGITS,
    st.builds(lambda a, e: f"{a}e{e}", _DIGITS, st.integers(-500, 500)),          # 1e309, 5e-400
    st.builds(lambda a, b: f"{a}.{b}", _DIGITS, _DIGITS),
    st.builds(lambda a: ",".join([a[:3] or "1"] * 8), _DIGITS),                  # 123,123,123,...
    st.builds(lambda a, e: f"{a}^{e}", _DIGITS, st.integers(0, 999)),            # 10^400
    st.sampled_from(["1e309", "-1e309", "inf", "NaN", "infinity", "1.7976931348623157e+308", "0x1F",
                     "99999999999999999999", "1_000_000", "½", "٣٤٥", "１２３", "Ⅻ", "²³", "1/0", "0/0"]),
)
_WORDS = st.sampled_from(["fighters", "people", "dead", "about", "at least", "up to", "between", "and",
                          "million", "billion", "thousand", "hundreds of", "dozens", "some", "-", "to",
                          "per cent", "%", "km", "$", "tens of thousands of", "no fewer than", ""])
_PHRASE = st.lists(st.one_of(_NUMBERISH, _WORDS), min_size=1, max_size=8).map(" ".join)


def _finite_ordered(low, high):
    for x in (low, high):
        assert x is None or (isinstance(x, (int, float)) and math.isfinite(x)), (low, high)
    if low is not None and high is not None:
        assert low <= high


@settings(max_examples=400, deadline=None)
@given(_PHRASE)
def test_find_numbers_on_number_shaped_text(text):
    for m in find_numbers(text, offset=7):
        assert 7 <= m.start < m.end <= len(text) + 7
        assert text[m.start - 7:m.end - 7] == m.text
        _finite_ordered(m.low, m.high)


@settings(max_examples=400, deadline=None)
@given(_PHRASE)
def test_read_number_on_number_shaped_text(text):
    v = read_number(text)
    if v is not None:
        _finite_ordered(v.low, v.high)


# ---- times -------------------------------------------------------------------------------------

_EDGE_DAYS = st.one_of(st.dates(date(1, 1, 1), date(1, 3, 1)), st.dates(date(9999, 10, 1), date(9999, 12, 31)),
                       st.dates())
_EDGE_ANCHORS = st.one_of(
    st.builds(lambda a: DateWindow(a.isoformat(), a.isoformat()), _EDGE_DAYS),
    st.builds(lambda a: DateWindow(latest=a.isoformat()), _EDGE_DAYS),
    st.builds(lambda a, b: DateWindow(min(a, b).isoformat(), max(a, b).isoformat()), _EDGE_DAYS, _EDGE_DAYS),
    st.builds(DateWindow, st.text(max_size=12), st.text(max_size=12)),
)
_TIME_WORDS = ["next year", "last year", "tomorrow", "yesterday", "next month", "last month", "in 9999",
               "in the year 10000", "0001", "on 31 December", "on 1 January", "early next year",
               "three years ago", "9999 years ago", "in 3000 days", "next week", "last week", "Monday",
               "the coming decade", "the 1990s", "the 20th century", "late 9999", "week 53", "Ramadan"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=st.one_of(st.sampled_from(_TIME_WORDS), st.text(max_size=40)), anchor=_EDGE_ANCHORS,
       future=st.booleans())
def test_resolve_at_the_ends_of_the_calendar(expr, anchor, future):
    w = resolve(expr, anchor=anchor, future=future)
    if w is None:
        return
    for d in (w.earliest, w.latest):
        assert d is None or ISO.fullmatch(d), w
    if w.earliest and w.latest:
        assert w.earliest <= w.latest


# ---- furniture -----------------------------------------------------------------------------------

_SEPARATORS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"]
_LINES = st.one_of(st.text(max_size=80), st.sampled_from(["Share this", "Advertisement", "12 Comments", "Reply",
                                                          "READ MORE", "   ", "Photo: AFP", "Sign up", "01:24"]))


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LINES, max_size=30), seps=st.lists(st.sampled_from(_SEPARATORS), min_size=1, max_size=30))
def test_furniture_spans_within_text_sorted_disjoint_whole_lines(lines, seps):
    text = "".join(line + seps[i % len(seps)] for i, line in enumerate(lines))
    spans, comments = find_furniture(text)
    lines_by_start = {}
    pos = 0
    for line in text.split("\n"):
        lines_by_start[pos] = line
        pos += len(line) + 1
    last_end = -1
    for s in spans:
        assert 0 <= s.start <= s.end <= len(text)
        assert s.start > last_end or s.start == last_end == s.end, spans   # sorted, no overlap
        last_end = s.end
        assert s.start in lines_by_start, (s, text)                         # starts a "\n" line
        assert text[s.start:s.end].rstrip("\r") == lines_by_start[s.start].rstrip("\r")
    assert comments is None or (0 <= comments <= len(text) and comments in lines_by_start)


def test_furniture_on_a_huge_single_line_is_quick():
    import time
    text = ("word " * 400_000).strip()
    t0 = time.perf_counter()
    spans, comments = find_furniture(text)
    assert time.perf_counter() - t0 < 10
    assert all(0 <= s.start <= s.end <= len(text) for s in spans)


# ---- gazetteer -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.load()


_COORD = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-90, 90))
_NAMES = st.one_of(st.text(max_size=200), st.sampled_from(["Al-", "al", "'", "-", "  ", "Saint", "St.", "Ras",
                                                           "Tripoli Tripoli Tripoli", "X" * 500, "\u0640\u0640",
                                                           "Bir al-", "Kharkiv'", "Kyiv\u0301", "İdlib", "ß"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_NAMES, focus=st.one_of(st.none(), st.text(max_size=4), st.sampled_from(["LY", "ly", "XX", "", "SYR"])),
       near=st.one_of(st.none(), st.lists(st.tuples(_COORD, _COORD), max_size=3)), region=st.booleans())
def test_lookup_any_name_focus_and_coordinates(gaz, name, focus, near, region):
    found = gaz.lookup(name, focus=focus, near=near, region=region)
    assert isinstance(found, list)
    for c in found:
        assert c.lat is None or -90 <= c.lat <= 90
        assert c.lon is None or -180 <= c.lon <= 180


# ---- document ids ----------------------------------------------------------------------------------

def _one_shot_id(text: str) -> str:
    import hashlib
    import unicodedata
    norm = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


@settings(max_examples=150, deadline=None)
@given(head=st.integers(0, 3), parts=st.lists(st.one_of(st.text(max_size=30), st.sampled_from(
    [" ", "\n\n", "\t \u00a0", "e\u0301", "\u2028", " " * 70_000, "word " * 14_000])), max_size=8))
def test_doc_id_hashed_piece_by_piece_equals_the_one_shot_hash(head, parts):
    # the id is hashed in 64 kB pieces to bound memory; whitespace runs across a piece
    # boundary must give the same id as the whole text collapsed at once
    from sitrep.ingest.common import doc_id
    text = " " * head + "".join(parts)
    assert doc_id(text) == _one_shot_id(text)
