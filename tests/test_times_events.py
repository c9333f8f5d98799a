"""Dating events: months counted from the publication year, open publication windows,
and which time of a sentence dates an occurrence (sitrep.normalize.times).

Weekdays checked on a calendar: 2024-01-19 and 2024-05-10 are Fridays, 2022-11-20 is a
Sunday, 2021-07-08 a Thursday, 2023-09-15 a Friday.
"""
from __future__ import annotations

import pytest

from sitrep.model import DateWindow, Document, Span
from sitrep.normalize.times import find_times, infer_publication, resolve, times, window_for


def day(iso: str) -> DateWindow:
    return DateWindow(earliest=iso, latest=iso, source="metadata", precision="day")


def make_doc(nlp, text: str, published: DateWindow | None = None) -> Document:
    doc = Document(id="t", doc="t", text=text, published=published or DateWindow())
    doc.spacy = nlp(text)
    doc.sentences = [Span(s.start_char, s.end_char) for s in doc.spacy.sents]
    return doc


def dated(nlp, text: str, published: DateWindow) -> Document:
    doc = make_doc(nlp, text, published)
    times([doc], res=None)
    return doc


# ---- months counted from the publication year ------------------------------------------------

@pytest.mark.parametrize("expr, expected", [
    ("in May last year", ("2022-05-01", "2022-05-31")),
    ("October of last year", ("2022-10-01", "2022-10-31")),
    ("late March this year", ("2023-03-20", "2023-03-31")),
    ("last June", ("2023-06-01", "2023-06-30")),       # the latest June wholly before 15 Sep
    ("last November", ("2022-11-01", "2022-11-30")),
    ("in October next year", ("2024-10-01", "2024-10-31")),
])
def test_month_with_a_year_counted_from_publication(expr, expected):
    w = resolve(expr, anchor=day("2023-09-15"))
    assert (w.earliest, w.latest) == expected


def test_month_last_year_found_whole_in_running_text(nlp):
    text = ("A ceasefire brokered in Doha in May last year has largely held, but clashes flared "
            "near Kherson last October, the ministry said.")
    doc = dated(nlp, text, day("2023-09-15"))
    found = {t.text: (t.earliest, t.latest) for t in doc.times}
    assert found["May last year"] == ("2022-05-01", "2022-05-31")
    assert found["last October"] == ("2022-10-01", "2022-10-31")
    assert "last year" not in found


# ---- publication windows with no later evidence stay open ------------------------------------

def test_background_year_leaves_the_publication_open(nlp):
    text = ("The Taliban seized Kabul in August 2021. On Tuesday, a bomb tore through a mosque in "
            "Kunduz during Friday prayers, witnesses said.")
    w = infer_publication(make_doc(nlp, text))
    assert w.earliest == "2021-08-01"
    assert w.latest is None and "unknown" in w.evidence


def test_running_siege_without_a_year_gives_no_upper_bound(nlp):
    text = ("Troops have besieged the forest enclave since early March, the army said. "
            "The state's governor took office in 2019.")
    w = infer_publication(make_doc(nlp, text))
    # early March is placed no earlier than 2019 (1-15 March 2019): a lower bound only,
    # since nothing says which March it is
    assert w.earliest == "2019-03-15"
    assert w.latest is None


def test_events_resolved_against_an_open_window_stay_open(nlp):
    text = "Al-Shabaab took over the district in 2020.\n\nOn Sunday, fighters attacked an army base near Baidoa."
    doc = make_doc(nlp, text)
    times([doc], res=None)
    at = text.index("attacked")
    w = window_for(doc, at, text.index("Baidoa") + 6, at=at)
    # published on 1 January 2020 (a Wednesday) at the earliest: Sunday 29 December 2019 at
    # the earliest; no end known
    assert (w.earliest, w.latest, w.text) == ("2019-12-29", None, "Sunday")


# ---- which time of the sentence dates the occurrence ----------------------------------------

def test_reporting_verb_time_yields_to_the_reported_clause(nlp):
    text = ("The army said on Wednesday that it had killed a senior militant commander in a drone "
            "strike near Gao last week.")
    doc = dated(nlp, text, day("2024-01-19"))
    for trigger in ("killed", "strike"):
        at = text.index(trigger)
        w = window_for(doc, 0, len(text), at=at)
        # the calendar week before Friday 19 January 2024
        assert (w.earliest, w.latest, w.text) == ("2024-01-08", "2024-01-14", "last week"), trigger


def test_reporting_time_is_used_when_the_clause_has_none(nlp):
    text = "Police said on Wednesday that gunmen had kidnapped 20 pupils from a school in Kaduna."
    doc = dated(nlp, text, day("2024-01-19"))
    at = text.index("kidnapped")
    w = window_for(doc, 0, len(text), at=at)
    assert (w.earliest, w.latest) == ("2024-01-17", "2024-01-17")


def test_relative_clause_date_is_the_onset_of_an_ongoing_state(nlp):
    text = ("The UN mission, which took over from a regional force in March 2021, has begun pulling "
            "out its troops from the north.")
    doc = dated(nlp, text, day("2024-05-10"))
    at = text.index("pulling")
    w = window_for(doc, 0, len(text), at=at)
    assert (w.earliest, w.latest) == ("2021-03-01", "2024-05-10")


def test_relative_clause_date_still_dates_a_past_event_with_no_other_time(nlp):
    text = "Gunmen shot dead five men who were returning from a cattle market on Saturday in Zamfara state."
    doc = dated(nlp, text, day("2022-11-20"))
    at = text.index("shot")
    w = window_for(doc, 0, len(text), at=at)
    assert (w.earliest, w.latest) == ("2022-11-19", "2022-11-19")


def test_future_time_never_dates_a_reported_event(nlp):
    text = "French troops left the base at Menaka and are due to quit the country by the end of next year."
    doc = dated(nlp, text, day("2024-05-10"))
    at = text.index("left")
    w = window_for(doc, 0, len(text), at=at)
    assert (w.earliest, w.latest, w.source) == ("2024-05-10", "2024-05-10", "publication")


def test_days_after_counts_back_from_the_previous_time(nlp):
    text = ("Militants stormed a police post in Kandahar on Monday. The assault came two days after a "
            "roadside bomb killed three soldiers near Spin Boldak.")
    doc = dated(nlp, text, day("2021-07-08"))
    second = text.index("The assault")
    at = text.index("killed")
    w = window_for(doc, second, len(text), at=at)
    # Monday 5 July 2021, two days earlier
    assert (w.earliest, w.latest, w.precision) == ("2021-07-03", "2021-07-03", "day")


def test_days_after_without_an_earlier_time_counts_from_publication(nlp):
    text = "The raid came a day after jets bombed a fuel depot outside Hodeidah, residents said."
    doc = dated(nlp, text, day("2022-11-20"))
    at = text.index("bombed")
    w = window_for(doc, 0, len(text), at=at)
    assert (w.earliest, w.latest) == ("2022-11-19", "2022-11-19")


@pytest.mark.parametrize("text", ["", "   \n", "قتل خمسة مدنيين في غارة جوية", "x" * 5000])
def test_odd_text_never_raises(nlp, text):
    doc = dated(nlp, text, DateWindow())
    w = window_for(doc, 0, len(text), at=0 if text else None)
    assert w.source == "publication" and w.earliest is None


# ---- years counted from a stated onset ---------------------------------------------------------

def test_years_since_a_stated_onset_bound_the_publication(nlp):
    text = ("Yemenis marked nine years since the start of the Saudi-led intervention with rallies in Sanaa. "
            "The coalition's air campaign began in March 2015.\n\n"
            "On Tuesday, jets struck a market in Saada, medics said.")
    w = infer_publication(make_doc(nlp, text))
    # 2015 + 9 = 2024, or 2025 when "nine years" is rounded down
    assert (w.earliest, w.latest) == ("2024-01-01", "2025-12-31")
    assert "nine years since the start" in w.evidence


def test_anniversary_ordinal_and_n_year_war(nlp):
    text = ("Afghans mark the tenth anniversary of the outbreak of fighting in Helmand, "
            "which broke out in 2006, with little to celebrate.")
    w = infer_publication(make_doc(nlp, text))
    assert (w.earliest, w.latest) == ("2016-01-01", "2017-12-31")
    text = "The 12-year insurgency, which erupted in 2009 in Maiduguri, has displaced millions."
    w = infer_publication(make_doc(nlp, text))
    assert (w.earliest, w.latest) == ("2021-01-01", "2022-12-31")


@pytest.mark.parametrize("text", [
    # no onset year stated: the count gives nothing
    "It has been ten years since the start of the war in Tigray, though the town fell in 2019.",
    # a vague count gives nothing
    "Several years since the start of the siege, which began in 2016, the town is in ruins.",
])
def test_years_since_needs_an_exact_count_and_an_onset(nlp, text):
    w = infer_publication(make_doc(nlp, text))
    assert w.latest is None


def test_days_before_never_dates_past_the_publication(nlp):
    text = "The shelling came a day before envoys meet in Geneva to discuss a truce for Aleppo."
    doc = dated(nlp, text, day("2022-11-20"))
    at = text.index("meet")
    w = window_for(doc, 0, len(text), at=at)
    assert (w.earliest, w.latest, w.source) == ("2022-11-20", "2022-11-20", "publication")
