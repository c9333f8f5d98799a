"""Time expressions, publication windows and dating occurrences (sitrep.normalize.times).

Expected windows are worked out by hand from a calendar (2015-01-05 is a Monday,
2021-06-09 a Wednesday, 2016-02-01 a Monday, 2016-07-31 a Sunday) and the conventions
in data/times.json ("early" = 1-15, "mid" = 10-20, "late"/"end of" = 20-end, summer =
1 Jun - 22 Sep, last week = the previous Monday-Sunday).
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from sitrep.model import DateWindow, Document, Span
from sitrep.normalize.times import (DAY_BEFORE, SAME_DAY, bind, find_times, infer_publication, resolve,
                                    times, window_for)
from sitrep.pipeline import Resources, registry


@pytest.fixture(scope="session")
def times_res():
    return Resources()


@pytest.fixture(scope="session")
def times_nlp(times_res):
    return times_res.nlp


def day(iso: str) -> DateWindow:
    return DateWindow(earliest=iso, latest=iso, source="metadata", precision="day")


def span_of(w: DateWindow | None):
    return None if w is None else (w.earliest, w.latest)


def make_doc(nlp, text: str, published: DateWindow | None = None) -> Document:
    doc = Document(id="t", doc="t", text=text, published=published or DateWindow())
    doc.spacy = nlp(text)
    doc.sentences = [Span(s.start_char, s.end_char) for s in doc.spacy.sents]
    return doc


NEW_YEAR = day("2015-01-05")     # a Monday, just after New Year
JUNE21 = day("2021-06-09")       # a Wednesday


# ---- resolve: across a year boundary ---------------------------------------------------------

@pytest.mark.parametrize("expr, expected", [
    ("late December", ("2014-12-20", "2014-12-31")),
    ("Tuesday", ("2014-12-30", "2014-12-30")),
    ("on Tuesday", ("2014-12-30", "2014-12-30")),
    ("November", ("2014-11-01", "2014-11-30")),
    ("in November", ("2014-11-01", "2014-11-30")),
    ("last week", ("2014-12-29", "2015-01-04")),
    ("last month", ("2014-12-01", "2014-12-31")),
    ("last year", ("2014-01-01", "2014-12-31")),
    ("this year", ("2015-01-01", "2015-01-05")),
    ("yesterday", ("2015-01-04", "2015-01-04")),
    ("early January", ("2015-01-01", "2015-01-05")),      # clipped at publication
    ("mid-January", ("2014-01-10", "2014-01-20")),        # mid-January 2015 has not begun
    ("the summer", ("2014-06-01", "2014-09-22")),
    ("last winter", ("2013-12-01", "2014-03-20")),
    ("the end of October", ("2014-10-20", "2014-10-31")),
    ("since late December", ("2014-12-20", "2015-01-05")),
    ("this week", ("2015-01-05", "2015-01-05")),
])
def test_resolve_across_new_year(expr, expected):
    assert span_of(resolve(expr, anchor=NEW_YEAR)) == expected


# ---- resolve: every form against a mid-year anchor ---------------------------------------------

@pytest.mark.parametrize("expr, expected, precision", [
    ("Tuesday", ("2021-06-08", "2021-06-08"), "day"),
    ("on Wednesday", ("2021-06-09", "2021-06-09"), "day"),
    ("last Wednesday", ("2021-06-02", "2021-06-02"), "day"),
    ("at dawn on Friday", ("2021-06-04", "2021-06-04"), "day"),
    ("Sunday night", ("2021-06-06", "2021-06-06"), "day"),
    ("two days ago", ("2021-06-07", "2021-06-07"), "day"),
    ("three weeks ago", ("2021-05-16", "2021-05-22"), "week"),
    ("this week", ("2021-06-07", "2021-06-09"), "week"),
    ("last week", ("2021-05-31", "2021-06-06"), "week"),
    ("last month", ("2021-05-01", "2021-05-31"), "month"),
    ("early June", ("2021-06-01", "2021-06-09"), "range"),
    ("late May", ("2021-05-20", "2021-05-31"), "range"),
    ("mid-April", ("2021-04-10", "2021-04-20"), "range"),
    ("the end of October", ("2020-10-20", "2020-10-31"), "range"),
    ("the beginning of 2015", ("2015-01-01", "2015-03-31"), "range"),
    ("since late January", ("2021-01-20", "2021-06-09"), "range"),
    ("in the spring", ("2021-03-01", "2021-06-09"), "season"),
    ("the summer", ("2021-06-01", "2021-06-09"), "season"),   # summer (from 1 June) has begun
    ("in 2014", ("2014-01-01", "2014-12-31"), "year"),
    ("July 23", ("2020-07-23", "2020-07-23"), "day"),
    ("23 July", ("2020-07-23", "2020-07-23"), "day"),
    ("July 23, 2014", ("2014-07-23", "2014-07-23"), "day"),
    ("2014-07-23", ("2014-07-23", "2014-07-23"), "day"),
    ("23/07/2014", ("2014-07-23", "2014-07-23"), "day"),
    ("07/23/2014", ("2014-07-23", "2014-07-23"), "day"),
    ("the 23rd of July, 2014", ("2014-07-23", "2014-07-23"), "day"),
    ("November", ("2020-11-01", "2020-11-30"), "month"),
    ("on November", ("2020-11-01", "2020-11-30"), "month"),
    ("June", ("2021-06-01", "2021-06-09"), "month"),
    ("November 2019", ("2019-11-01", "2019-11-30"), "month"),
    ("today", ("2021-06-09", "2021-06-09"), "day"),
    ("now", ("2021-06-09", "2021-06-09"), "day"),
    ("overnight", ("2021-06-08", "2021-06-09"), "day"),
    ("recently", ("2021-03-11", "2021-06-09"), "range"),
    ("previously", (None, "2021-06-09"), "range"),
    ("last year", ("2020-01-01", "2020-12-31"), "year"),
    ("this year", ("2021-01-01", "2021-06-09"), "year"),
    ("the past three months", ("2021-03-11", "2021-06-09"), "range"),
    ("since 2014", ("2014-01-01", "2021-06-09"), "range"),
    ("the summer of 2013", ("2013-06-01", "2013-09-22"), "season"),
    ("mid-2014", ("2014-05-01", "2014-08-31"), "range"),
    ("the 1990s", ("1990-01-01", "1999-12-31"), "range"),
])
def test_resolve_forms(expr, expected, precision):
    w = resolve(expr, anchor=JUNE21)
    assert span_of(w) == expected
    assert w.precision == precision
    assert w.text == expr


def test_ambiguous_numeric_date_covers_both_readings():
    # 05/07/2014 is 5 July (day first) or 7 May (US): keep both
    w = resolve("05/07/2014", anchor=JUNE21)
    assert span_of(w) == ("2014-05-07", "2014-07-05") and w.precision == "range"


def test_month_day_without_year_before_its_day_this_year():
    assert span_of(resolve("July 23", anchor=day("2014-11-13"))) == ("2014-07-23", "2014-07-23")
    assert span_of(resolve("July 23", anchor=day("2014-07-01"))) == ("2013-07-23", "2013-07-23")


@pytest.mark.parametrize("expr", ["months later", "more than four years after the uprising", "four years",
                                  "26-year-old", "", "   ", "the ceasefire", "three years later"])
def test_not_a_placeable_time(expr):
    assert resolve(expr, anchor=JUNE21) is None


def test_markers_are_returned_unbound_and_bind_to_previous():
    same = resolve("the same day", anchor=JUNE21)
    before = resolve("the previous day", anchor=JUNE21)
    assert same.precision == SAME_DAY and same.earliest is None and same.latest is None
    assert before.precision == DAY_BEFORE
    prev = DateWindow("2019-03-14", "2019-03-14", precision="day")
    assert span_of(bind(same, prev)) == ("2019-03-14", "2019-03-14")
    assert span_of(bind(before, prev)) == ("2019-03-13", "2019-03-13")


# ---- future wording ------------------------------------------------------------------------

def test_future_wording_goes_past_the_anchor():
    assert span_of(resolve("next week", anchor=JUNE21)) == ("2021-06-14", "2021-06-20")
    assert span_of(resolve("tomorrow", anchor=JUNE21)) == ("2021-06-10", "2021-06-10")
    assert span_of(resolve("next month", anchor=JUNE21)) == ("2021-07-01", "2021-07-31")
    # a weekday in a sentence about the future: the coming one
    assert span_of(resolve("Friday", anchor=JUNE21, future=True)) == ("2021-06-11", "2021-06-11")
    assert span_of(resolve("Friday", anchor=JUNE21)) == ("2021-06-04", "2021-06-04")


# ---- wide, partial and missing anchors -------------------------------------------------------

WIDE = DateWindow("2016-02-01", "2016-07-31", source="inferred")


def test_wide_anchor_weekday_covers_every_candidate():
    w = resolve("Tuesday", anchor=WIDE)
    assert span_of(w) == ("2016-01-26", "2016-07-26")
    assert w.precision == "range"


def test_wide_anchor_month_resolves_once():
    assert span_of(resolve("late January", anchor=WIDE)) == ("2016-01-20", "2016-01-31")
    assert span_of(resolve("November", anchor=WIDE)) == ("2015-11-01", "2015-11-30")
    # across a year end: "November" is 2014 from both ends of the window
    assert span_of(resolve("November", anchor=DateWindow("2014-12-03", "2015-02-14"))) == ("2014-11-01", "2014-11-30")


def test_wide_anchor_last_week_is_union():
    assert span_of(resolve("last week", anchor=WIDE)) == ("2016-01-25", "2016-07-24")


def test_no_anchor():
    none = DateWindow()
    assert resolve("Tuesday", anchor=none) is None
    assert resolve("November", anchor=None) is None
    assert span_of(resolve("July 23, 2014", anchor=none)) == ("2014-07-23", "2014-07-23")
    assert span_of(resolve("since 2014", anchor=none)) == ("2014-01-01", None)


def test_half_known_anchor_keeps_the_unknown_side_open():
    assert span_of(resolve("yesterday", anchor=DateWindow(earliest="2020-03-10"))) == ("2020-03-09", None)
    assert span_of(resolve("yesterday", anchor=DateWindow(latest="2020-03-10"))) == (None, "2020-03-09")


# ---- property: never raises, windows are ordered and not after the anchor ------------------

_WORDS = ["since", "late", "early", "mid-", "the end of", "last", "next", "this", "on", "in", "at dawn on",
          "Tuesday", "November", "May", "summer", "winter", "week", "month", "year", "2014", "23", "July",
          "ago", "two", "several", "days", "the same day", "previously", "recently", "31/02/2014", "of",
          "yesterday", "99", "0", "/", "-", "2199", "1799", "fortnight", "Ramadan", "\u0627\u0644\u0633\u0628\u062a"]
_FUTURE = re.compile(r"\d\d|next|coming|tomorrow|later|upcoming|from now|hence|\bin\b", re.I)

anchors = st.one_of(
    st.none(),
    st.builds(lambda a, b: DateWindow(min(a, b).isoformat(), max(a, b).isoformat()),
              st.dates(date(1850, 1, 1), date(2150, 12, 31)), st.dates(date(1850, 1, 1), date(2150, 12, 31))),
    st.builds(lambda a: DateWindow(earliest=a.isoformat()), st.dates(date(1850, 1, 1), date(2150, 12, 31))),
    st.just(DateWindow("not a date", "2015-13-45")),
)
exprs = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(_WORDS), max_size=6).map(" ".join))


@settings(max_examples=400, deadline=None)
@given(expr=exprs, anchor=anchors)
def test_resolve_never_raises_and_respects_the_anchor(expr, anchor):
    w = resolve(expr, anchor=anchor)
    if w is None or w.earliest is None or w.latest is None:
        return
    assert w.earliest <= w.latest
    if anchor is not None and anchor.latest and re.fullmatch(r"\d{4}-\d\d-\d\d", anchor.latest) \
            and w.latest > anchor.latest:
        assert _FUTURE.search(expr), (expr, anchor, w)


# ---- find_times over real text ---------------------------------------------------------------

def test_find_times_offsets_and_windows(times_nlp):
    text = ("Government helicopters dropped barrel bombs on Daraya at dawn on Friday, activists said. "
            "The same day, rebels shelled a checkpoint. Since late January the town has been besieged, "
            "and in the summer of 2012 hundreds were killed there. Talks will resume next week.")
    doc = make_doc(times_nlp, text, day("2013-02-13"))        # a Wednesday
    found = {t.text: t for t in find_times(doc)}
    for t in found.values():
        assert text[t.start:t.end] == t.text
    assert (found["at dawn on Friday"].earliest, found["at dawn on Friday"].latest) == ("2013-02-08", "2013-02-08")
    assert found["The same day"].precision == SAME_DAY
    assert (found["Since late January"].earliest, found["Since late January"].latest) == ("2013-01-20", "2013-02-13")
    assert (found["the summer of 2012"].earliest, found["the summer of 2012"].latest) == ("2012-06-01", "2012-09-22")
    assert found["the summer of 2012"].relative is False
    assert (found["next week"].earliest, found["next week"].latest) == ("2013-02-18", "2013-02-24")


def test_find_times_skips_names_and_numbers(times_nlp):
    text = ("Theresa May said 2000 soldiers would stay. Villagers march to the market. "
            "In May, gunmen kidnapped 30 pupils in Kaduna state.")
    doc = make_doc(times_nlp, text, day("2021-06-09"))
    found = [t.text for t in find_times(doc)]
    assert found == ["May"]
    t = find_times(doc)[0]
    assert text[t.start:t.end] == "May" and t.start > text.index("pupils") - 40
    assert (t.earliest, t.latest) == ("2021-05-01", "2021-05-31")


def test_find_times_future_sentence(times_nlp):
    text = "The Houthi delegation will travel to Muscat on Thursday, a spokesman said on Sunday."
    doc = make_doc(times_nlp, text, day("2017-08-15"))       # a Tuesday
    found = {t.text: (t.earliest, t.latest) for t in find_times(doc)}
    assert found["Thursday"] == ("2017-08-17", "2017-08-17")
    assert found["Sunday"] == ("2017-08-13", "2017-08-13")


def test_find_times_odd_input(times_nlp):
    for text in ["", "   \n\n", "\u0642\u0635\u0641 \u0639\u0644\u0649 \u062d\u0644\u0628 \u064a\u0648\u0645 \u0627\u0644\u062b\u0644\u0627\u062b\u0627\u0621",
                 "Tuesday " * 2000, "1999 2000 2001 2002"]:
        doc = make_doc(times_nlp, text, day("2020-01-01"))
        for t in find_times(doc):
            assert text[t.start:t.end] == t.text


def test_find_times_without_spacy_uses_patterns():
    doc = Document(id="x", doc="x", text="Fighting resumed in late March after a lull.", published=day("2022-04-20"))
    found = find_times(doc)
    assert [(t.text, t.earliest, t.latest) for t in found] == [("late March", "2022-03-20", "2022-03-31")]


# ---- publication windows inferred from the text -----------------------------------------------

def test_infer_syria_2013(times_nlp):
    text = ("Rebels seized the Menagh airbase in Aleppo province in August 2013 after a long siege. "
            "On Tuesday, government jets bombed a bakery in a nearby town, a monitoring group said.")
    w = infer_publication(make_doc(times_nlp, text))
    # lower bound: the start of the latest dated event; nothing bounds it from above
    assert (w.earliest, w.latest) == ("2013-08-01", None)
    assert w.source == "inferred" and "August 2013" in w.evidence


def test_infer_nigeria_2021_current_year(times_nlp):
    text = ("Boko Haram fighters have killed more than 300 civilians in 2021, officials say. "
            "In early March, gunmen abducted dozens of students from a school in Kaduna.")
    w = infer_publication(make_doc(times_nlp, text))
    # "have killed ... in 2021": 2021 is the current year; early March is then March 2021
    assert (w.earliest, w.latest) == ("2021-03-01", "2021-12-31")
    assert "early March" in w.evidence and "2021" in w.evidence


def test_infer_ukraine_2023_since(times_nlp):
    text = ("The full-scale invasion began in February 2022. Since the start of 2023, Russian forces have "
            "pressed on Bakhmut. In late May, drones struck residential buildings in Kyiv.")
    w = infer_publication(make_doc(times_nlp, text))
    # since the start of 2023 -> after 2023-03-31; late May -> its first occurrence after that
    assert (w.earliest, w.latest) == ("2023-05-20", None)


def test_infer_yemen_2017_full_date(times_nlp):
    text = ("The war escalated in March 2015 when a Saudi-led coalition intervened. "
            "On 4 November 2017, a ballistic missile was fired from Yemen toward Riyadh.")
    w = infer_publication(make_doc(times_nlp, text))
    assert (w.earliest, w.latest) == ("2017-11-04", None)


def test_infer_ignores_future_years(times_nlp):
    text = ("Clashes broke out in Gao in March 2021. The junta says elections will be held in 2026.")
    w = infer_publication(make_doc(times_nlp, text))
    assert w.earliest == "2021-03-01"


def test_infer_no_dates_leaves_unknown(times_nlp):
    text = "Militants attacked an army post on Tuesday and the fighting continued into last week."
    w = infer_publication(make_doc(times_nlp, text))
    assert w.earliest is None and w.latest is None and "no dated reference" in w.evidence


def test_infer_from_dated_names_when_no_explicit_date(times_nlp):
    text = ("U.S. President Joe Biden said on Tuesday that Hayat Tahrir al-Sham fighters had shelled "
            "villages in Idlib in early March.")
    w = infer_publication(make_doc(times_nlp, text))
    # HTS exists from 2017-01-28; Biden in office 2021-01-20 .. 2025-01-20: the later start wins
    assert (w.earliest, w.latest) == ("2021-01-20", "2025-01-20")
    assert "Biden" in w.evidence


def test_infer_former_office_holder_does_not_date(times_nlp):
    text = "Former President Obama once called the Sahel a priority; militants attacked Menaka on Sunday."
    w = infer_publication(make_doc(times_nlp, text))
    assert w.earliest is None and w.latest is None


def test_name_era_raises_an_explicit_lower_bound(times_nlp):
    text = ("Fighters loyal to ISWAP, which split from Boko Haram, overran a base in Borno. "
            "The insurgency began in 2009.")
    w = infer_publication(make_doc(times_nlp, text))
    assert w.earliest == "2015-03-07"


def test_metadata_publication_is_kept(times_nlp, times_res):
    meta = DateWindow("2019-04-07", "2019-04-07", precision="day", source="metadata")
    doc = make_doc(times_nlp, "Shelling hit Tripoli in 2011 and again on Saturday.", meta)
    assert infer_publication(doc) is meta
    times([doc], res=times_res)
    assert doc.published == meta
    sat = [t for t in doc.times if t.text == "Saturday"][0]
    assert (sat.earliest, sat.latest) == ("2019-04-06", "2019-04-06")


SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="shared seeds not beside the work tree")
def test_seed_publication_windows_overlap_gold(times_nlp, times_res):
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        gold = json.loads((SHARED / "gold" / "seeds" / f"{path.stem}.json").read_text())["published"]
        doc = make_doc(times_nlp, path.read_text(encoding="utf-8"))
        times([doc], res=times_res)
        w = doc.published
        assert w.source == "inferred" and w.evidence
        assert w.earliest is None or w.earliest <= gold["latest"], (path.stem, w)
        assert w.latest is None or w.latest >= gold["earliest"], (path.stem, w)


# ---- the stage and window_for -------------------------------------------------------------------

def test_stage_is_registered_and_idempotent(times_nlp, times_res):
    st_ = registry()["times"]
    assert st_.func is times and set(st_.writes) == {"times", "published"}
    text = ("Al-Shabaab fighters overran a base near Kismayo in 2019. Overnight, they shelled Afmadow. "
            "In late August, troops retook the town.")
    doc = make_doc(times_nlp, text)
    times([doc], res=times_res)
    first = (doc.published, list(doc.times))
    assert doc.published.earliest == "2019-08-20"
    times([doc], res=times_res)
    assert (doc.published, doc.times) == first


def _window_doc(nlp):
    text = ("Drone strikes hit Kandahar on Monday, killing four. Officials blamed the Taliban.\n"
            "The previous day, a convoy was ambushed near Lashkar Gah. A bridge was also destroyed.\n"
            "Aid groups warned of displacement.")
    doc = make_doc(nlp, text, day("2009-06-24"))          # a Wednesday
    times([doc], res=None)
    return doc, text


def test_window_for_own_expression(times_nlp):
    doc, text = _window_doc(times_nlp)
    a = text.index("Drone")
    w = window_for(doc, a, text.index("four.") + 5)
    assert (w.earliest, w.latest, w.text, w.source) == ("2009-06-22", "2009-06-22", "Monday", "text")


def test_window_for_marker_binds_to_previous_time(times_nlp):
    doc, text = _window_doc(times_nlp)
    a = text.index("a convoy")
    w = window_for(doc, a, text.index("Gah.") + 4)
    assert (w.earliest, w.latest, w.text) == ("2009-06-21", "2009-06-21", "The previous day")


def test_window_for_paragraph_context_and_publication(times_nlp):
    doc, text = _window_doc(times_nlp)
    a = text.index("A bridge")
    w = window_for(doc, a, a + len("A bridge was also destroyed."))
    assert w.source == "context" and (w.earliest, w.latest) == ("2009-06-21", "2009-06-21")
    a = text.index("Aid groups")
    w = window_for(doc, a, len(text))
    assert w.source == "publication" and w.text is None
    assert (w.earliest, w.latest) == ("2009-06-24", "2009-06-24")


# ---- publication dates printed in the text (second round) ---------------------------------------
# Calendar facts used below, checked by hand: 2024-06-04 is a Tuesday (2024-06-01 a Saturday);
# 2023-03-01 is a Wednesday; 2024-03-01 a Friday.

@pytest.mark.parametrize("text, expected, where", [
    # wire dateline with the full date
    ("Glide bombs hit Kharkiv suburbs\n\nKHARKIV, 3 June 2024 (AFP) - Russian glide bombs struck two "
     "suburbs of Kharkiv on Monday, regional officials said.", "2024-06-03", "dateline"),
    # labelled lines of news sites
    ("Al-Shabaab fighters overrun base in Hiraan\nPublished 14 March 2023\n\nFighters stormed an army "
     "base near Beledweyne at dawn, residents said.", "2023-03-14", "label"),
    ("Houthi drone hits tanker off Hodeidah\nUpdated: Tue 4 Jun 2024 10:32 GMT\n\nA drone struck a "
     "tanker in the Red Sea on Monday, a maritime agency said.", "2024-06-04", "label"),
    ("Bandits abduct traders in Zamfara\nPosted on March 5, 2024 by Amina Yusuf\n\nGunmen seized "
     "at least 30 traders on a highway in Zamfara state, police said.", "2024-03-05", "label"),
    ("Taliban clash with IS-K near Jalalabad\nFirst published on Fri 7 Jul 2023 06.00 BST\n\nTaliban "
     "forces raided a hideout near Jalalabad, a spokesman said.", "2023-07-07", "label"),
    # a bare timestamp line under the headline
    ("Explosion at Idlib market\n12/03/2024 - 14:20\n\nA car bomb exploded at a crowded market, rescuers "
     "said.", "2024-03-12", "timestamp"),
    ("Clashes in Tillaberi leave soldiers dead\nSunday 10 September 2023\n\nSoldiers were killed in an "
     "ambush near the border with Mali, the defence ministry said.", "2023-09-10", "timestamp"),
    # a trailing 'Published' line
    ("Mortar rounds fall on Mogadishu port\n\nSeveral mortar rounds landed near the port, police said.\n\n"
     "Published: 2 October 2022", "2022-10-02", "label"),
])
def test_printed_publication_dates(times_nlp, text, expected, where):
    w = infer_publication(make_doc(times_nlp, text))
    assert (w.earliest, w.latest, w.precision, w.source) == (expected, expected, "day", "text")
    assert f"printed {where}" in w.evidence


def test_wire_dateline_without_year_takes_the_year_from_the_text(times_nlp):
    text = ("Gunmen attack market in Gao\n\nGAO, Mali, Feb 9 (Reuters) - Gunmen on motorbikes attacked a "
            "market in Gao on Wednesday, officials said. Attacks have grown since the junta seized power "
            "in 2021.")
    w = infer_publication(make_doc(times_nlp, text))
    # 2021 is the latest explicit year: the first 9 February from 2021-01-01 on
    assert (w.earliest, w.latest, w.source) == ("2021-02-09", "2021-02-09", "text")


def test_weekday_dateline_narrows_the_inferred_window(times_nlp):
    text = ("ADEN, Tuesday (AP) - Houthi rebels fired two missiles at a government base, officials said. "
            "The base was first hit in March 2023.")
    w = infer_publication(make_doc(times_nlp, text))
    # inferred from 2023-03-01 on (open): its first Tuesday
    assert (w.earliest, w.latest, w.source) == ("2023-03-07", None, "inferred")
    assert "weekday" in w.evidence


def test_published_line_ranks_above_updated_line(times_nlp):
    text = ("Sudan: shelling hits Omdurman\nLast updated 9 May 2024\nPublished 8 May 2024\n\n"
            "Artillery shells fell on a market in Omdurman, medics said.")
    w = infer_publication(make_doc(times_nlp, text))
    assert (w.earliest, w.latest) == ("2024-05-08", "2024-05-08")


def test_numeric_printed_date_read_month_first_when_day_first_is_too_early(times_nlp):
    text = ("Strike on fuel depot\n10/04/2024 - 09:15\n\nThe depot had already been hit on 1 September 2024, "
            "the governor said.")
    w = infer_publication(make_doc(times_nlp, text))
    # day first (10 April) is before a date the text reports: month first (4 October) it is
    assert (w.earliest, w.latest) == ("2024-10-04", "2024-10-04")


def test_printed_date_wins_over_later_yearless_months_and_names(times_nlp):
    text = ("ISWAP fighters attack Monguno\nPublished 2 May 2023\n\nISWAP fighters attacked a base in "
            "Monguno, the army said. The town was also raided in October.")
    w = infer_publication(make_doc(times_nlp, text))
    assert (w.earliest, w.latest, w.source) == ("2023-05-02", "2023-05-02", "text")


@pytest.mark.parametrize("text", [
    "On Tuesday - the day after the vote - soldiers fired on protesters in Khartoum, witnesses said.",
    "Residents fled Bakhmut. In 2019 - two years after the truce - fighting resumed, officials said.",
])
def test_sentences_with_dashes_are_not_datelines(times_nlp, text):
    w = infer_publication(make_doc(times_nlp, text))
    assert w.source == "inferred"
    assert w.precision != "day"


# ---- inference that holds with several years mentioned ------------------------------------------

def test_yearless_month_takes_the_year_beside_it_not_a_later_one(times_nlp):
    text = ("Government forces retook Palmyra in March 2016 after a long offensive.\n\n"
            "In 2015, the militants had blown up the temple of Bel in August, drawing worldwide condemnation.")
    w = infer_publication(make_doc(times_nlp, text))
    # August belongs to 2015 (stated beside it): it must not push the window past March 2016
    assert (w.earliest, w.latest) == ("2016-03-01", None)


def test_present_tense_yearless_month_does_not_date(times_nlp):
    text = ("Fighting escalated around Tillaberi in January 2024. "
            "The herding season usually starts in October.")
    w = infer_publication(make_doc(times_nlp, text))
    assert w.earliest == "2024-01-01"


def test_day_date_beside_weekday_reports_bounds_within_weeks(times_nlp):
    text = ("Al-Shabaab gunmen stormed a hotel in Kismayo on 12 August 2022. On Sunday, troops killed the "
            "last of the attackers, police said.")
    w = infer_publication(make_doc(times_nlp, text))
    # 2022-08-12 + 45 days = 2022-09-26
    assert (w.earliest, w.latest) == ("2022-08-12", "2022-09-26")


def test_background_day_date_in_another_paragraph_leaves_the_window_open(times_nlp):
    text = ("A jet bombed a village in Sagaing on Wednesday, a resistance group said.\n\n"
            "The military seized power on 1 February 2021.")
    w = infer_publication(make_doc(times_nlp, text))
    # the coup date is background: it says nothing of how long after it the text is
    assert (w.earliest, w.latest) == ("2021-02-01", None)


def test_since_month_still_running_caps_the_window(times_nlp):
    text = ("The war began in 2023. Paramilitaries have besieged the town since early March of that "
            "year, aid groups say, and since early March, aid has stopped.")
    w = infer_publication(make_doc(times_nlp, text))
    # early March of 2023 (the year before it in the paragraph) ends on 15 March; still
    # running: within a year of 1 March
    assert (w.earliest, w.latest) == ("2023-03-15", "2024-03-01")


def test_since_month_with_a_year_only_in_a_later_sentence_leaves_the_window_open(times_nlp):
    text = ("Paramilitaries have besieged the town since early March, aid groups say. "
            "The war began in 2023.")
    w = infer_publication(make_doc(times_nlp, text))
    # 2023 need not be the year of that March: a lower bound only
    assert (w.earliest, w.latest) == ("2023-03-15", None)


def test_relative_day_resolves_to_one_day_against_a_printed_date(times_nlp, times_res):
    text = ("Drones hit Zaporizhzhia depot\nPublished 4 June 2024\n\n"
            "Drones struck a fuel depot in Zaporizhzhia on Sunday, the governor said.")
    doc = make_doc(times_nlp, text)
    times([doc], res=times_res)
    assert doc.published.source == "text"
    start = text.index("Drones struck")
    w = window_for(doc, start, text.index(", the governor"))
    assert (w.earliest, w.latest) == ("2024-06-02", "2024-06-02")
    times([doc], res=times_res)     # rerun: same publication day
    assert (doc.published.earliest, doc.published.source) == ("2024-06-04", "text")


# ---- the per-pattern pre-check of detection is a pure speed-up -------------------------------

def _scan_without_prechecks(text: str) -> list[tuple[int, int]]:
    from sitrep.normalize import times as T
    return T._candidates(text, prechecks=False)


@pytest.mark.parametrize("text", [
    "Gunmen stormed a market in Maiduguri on Tues. 4 Sept. 2018, residents said.",
    "MOGADISHU, SEPTEMBER 3, 2021 - Al-Shabaab fighters shelled the base three weeks AGO.",
    "Fighting around Marib has continued In Recent Days, and for the past two Years aid has stalled.",
    "The militia, formed in the mid-1990s, returned in the fall of 2019 and again last Autumn.",
    "Drone strikes near Kharkiv this Week followed raids for many months; the 12/03/2022 truce failed.",
    "Residents of Idlib said the shelling started yesterday morning and went on overnight.",
    "No date here at all, only a road and a checkpoint.",
    "",
])
def test_detection_prechecks_change_nothing(text):
    from sitrep.normalize.times import _candidates
    assert _candidates(text) == _scan_without_prechecks(text)


@given(st.text(alphabet=st.sampled_from(list("0129 -/.,adeghiklmnorstuwyADJMNOSTWFfp'\n")), max_size=80))
@settings(max_examples=300, deadline=None)
def test_detection_prechecks_change_nothing_on_random_text(text):
    from sitrep.normalize.times import _candidates
    assert _candidates(text) == _scan_without_prechecks(text)
