"""The number reader: numbers as written, read right (no spaCy needed)."""
import math

import pytest
from hypothesis import given, settings, strategies as st

from sitrep.extract.numbers import VAGUE, find_numbers, read_number

# (text, [(matched text, low, high, unit, kind)]) -- each row checked by hand against the
# value convention of data/vague_numbers.tsv and the gold README.
CASES = [
    ("At least 40 people were killed in Maiduguri", [("At least 40", 40, None, None, "lower")]),
    ("Rebels number some 5,000, according to a UN panel", [("some 5,000", 5000, 5000, None, "approx")]),
    ("The militia, estimated at between 800 and 1,200 fighters",
     [("between 800 and 1,200", 800, 1200, None, "range")]),
    ("estimates ranged from 1000 to 3000", [("from 1000 to 3000", 1000, 3000, None, "range")]),
    ("a force of 1000-3000 men", [("1000-3000", 1000, 3000, None, "range")]),
    ("it has somewhere between 2,000 and 5,000 fighters",
     [("somewhere between 2,000 and 5,000", 2000, 5000, None, "range")]),
    ("twenty-one soldiers died in Kidal", [("twenty-one", 21, 21, None, "exact")]),
    ("one hundred and twenty people fled", [("one hundred and twenty", 120, 120, None, "exact")]),
    ("militants run half a dozen camps near Jilib", [("half a dozen", 6, 6, None, "vague")]),
    ("a dozen Houthi fighters", [("a dozen", 12, 12, None, "vague")]),
    ('there may be "a couple of hundred" recruits', [("a couple of hundred", 200, 300, None, "vague")]),
    ("the group has at least several thousand fighters", [("at least several thousand", 3000, None, None, "lower")]),
    ("several thousand residents", [("several thousand", 3000, 9999, None, "vague")]),
    ("dozens were abducted in Zamfara", [("dozens", 24, None, None, "vague")]),
    ("scores of militiamen", [("scores", 40, None, None, "vague")]),
    ("tens of thousands of displaced", [("tens of thousands", 20000, None, None, "vague")]),
    ("hundreds of thousands of refugees", [("hundreds of thousands", 200000, None, None, "vague")]),
    ("a handful of advisers", [("a handful", 3, 9, None, "vague")]),
    ("access to billions of dollars in oil revenue", [("billions of dollars", 2e9, None, "USD", "money")]),
    ("bonuses of $1,000 to recruits", [("$1,000", 1000, 1000, "USD", "money")]),
    ("a ransom of $2.5 million was paid", [("$2.5 million", 2.5e6, 2.5e6, "USD", "money")]),
    ("the EU pledged 500 million euros", [("500 million euros", 5e8, 5e8, "EUR", "money")]),
    ("an aid package worth £1bn", [("£1bn", 1e9, 1e9, "GBP", "money")]),
    ("as many as 70 percent of the fighters", [("as many as 70 percent", None, 70, "percent", "percent")]),
    ("turnout was 45%", [("45%", 45, 45, "percent", "percent")]),
    ("nearly 30 per cent of the district", [("nearly 30 per cent", None, 30, "percent", "percent")]),
    ("the town lies 200 miles south", [("200 miles", 200, 200, "miles", "distance")]),
    ("a convoy 30km north of Kherson", [("30km", 30, 30, "km", "distance")]),
    ("shelling 20 kilometres from the front", [("20 kilometres", 20, 20, "km", "distance")]),
    ("less than 300 miles from Lampedusa", [("less than 300 miles", None, 300, "miles", "distance")]),
    ("just about 200 miles from the coast", [("just about 200 miles", 200, 200, "miles", "distance")]),
    ("up to 300 returnees", [("up to 300", None, 300, None, "upper")]),
    ("more than 300 houses", [("more than 300", 300, None, None, "lower")]),
    ("over 50 trucks", [("over 50", 50, None, None, "lower")]),
    ("nearly 100 people", [("nearly 100", None, 100, None, "upper")]),
    ("almost 60 civilians", [("almost 60", None, 60, None, "upper")]),
    ("fewer than a dozen soldiers", [("fewer than a dozen", None, 12, None, "upper")]),
    ("an estimated 10,000 troops", [("an estimated 10,000", 10000, 10000, None, "approx")]),
    ("roughly 1.5 million people", [("roughly 1.5 million", 1.5e6, 1.5e6, None, "approx")]),
    ("around 2 to 3 million displaced", [("around 2 to 3 million", 2e6, 3e6, None, "range")]),
    ("two or three fighters", [("two or three", 2, 3, None, "range")]),
    ("killing two and wounding three", [("two", 2, 2, None, "exact"), ("three", 3, 3, None, "exact")]),
    ("One person was killed and 14 wounded.", [("One", 1, 1, None, "exact"), ("14", 14, 14, None, "exact")]),
    ("a 23-nation conference in Rome", [("23-nation", 23, 23, None, "exact")]),
    ("2,000 fighters", [("2,000", 2000, 2000, None, "exact")]),
    ("2.000 combattants", [("2.000", 2000, 2000, None, "exact")]),   # machine translation grouping
    ("2000 fighters", [("2000", 2000, 2000, None, "exact")]),
    ("four years after the uprising", [("four years", 4, 4, "duration", "exact")]),
    ("a 25-year-old man", [("25-year-old", 25, 25, "age", "exact")]),
    ("rebels hold 40 percent, down from 60 percent", [("40 percent", 40, 40, "percent", "percent"),
                                                     ("60 percent", 60, 60, "percent", "percent")]),
    ("between 300 fighters and their families", [("300", 300, 300, None, "exact")]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_find_numbers_reads_as_written(text, expected):
    got = [(m.text, m.low, m.high, m.unit, m.kind) for m in find_numbers(text)]
    assert got == [(t, None if lo is None else float(lo), None if hi is None else float(hi), u, k)
                   for t, lo, hi, u, k in expected]


@pytest.mark.parametrize("text", [
    "in 2014", "Since 2014, the town", "between 2014 and 2016", "on July 23", "an October 2 attack",
    "23 March", "at 10:30 a.m.", "at 3pm", "at 0600 GMT", "the 23rd Division", "the first convoy",
    "call +44 20 7946 0958", "one of the", "no one appeared", "one day", "1e309", "F-16 jets",
    "a Su-25 jet", "the G7 summit", "Brigade 166", "Resolution 2254", "the 1990s", "COVID-19",
    "the 2014-2016 war", "one another",
])
def test_not_numbers(text):
    assert find_numbers(text) == []


def test_offsets_are_shifted_and_point_at_the_text():
    text = "Officials say about 300 Russian mercenaries are deployed."
    (m,) = find_numbers(text, offset=100)
    assert (m.start, m.end) == (114, 123)
    assert text[m.start - 100:m.end - 100] == "about 300"


def test_read_number_returns_a_value():
    v = read_number("about 100,000")
    assert (v.low, v.high, v.text) == (100000.0, 100000.0, "about 100,000")
    assert read_number("at least several thousand").low == 3000
    assert read_number("at least several thousand").high is None
    assert read_number("no number here") is None
    assert read_number("") is None


def test_overflowing_value_becomes_null():
    (m,) = find_numbers("9" * 400 + " fighters")
    assert m.low is None and m.high is None
    assert find_numbers("9" * 400 + " trillion trillion") is not None


def test_vague_table_is_consistent():
    assert VAGUE["a couple of hundred"] == (200.0, 300.0)
    assert VAGUE["dozens"] == (24.0, None)
    for phrase, (low, high) in VAGUE.items():
        assert low is not None, phrase
        assert high is None or low <= high, phrase


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_bounds_are_ordered(text):
    for m in find_numbers(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        if m.low is not None and m.high is not None:
            assert m.low <= m.high
        for x in (m.low, m.high):
            assert x is None or math.isfinite(x)
    read_number(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_digits_round_trip(n):
    for written in (f"{n:,}", str(n)):
        if written == str(n) and 1800 <= n <= 2100:
            continue  # a bare four-digit number in that range reads as a year unless a noun follows
        found = find_numbers(f"They counted {written} fighters.")
        assert [(m.low, m.high) for m in found] == [(float(n), float(n))]


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.sampled_from(["at least", "up to", "about", "between"]))
def test_modifiers_bound_the_value(n, mod):
    text = f"{mod} {n} and {n + 5} troops" if mod == "between" else f"{mod} {n} troops"
    (m,) = find_numbers(text)
    expected = {"at least": (n, None), "up to": (None, n), "about": (n, n), "between": (n, n + 5)}[mod]
    assert (m.low, m.high) == tuple(None if x is None else float(x) for x in expected)
