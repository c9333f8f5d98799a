"""The situation brief: self-contained, sections present, citations resolve, filters, escaping, md."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import corpus_outputs as corpus
from sitrep.errors import SitrepError
from sitrep.outputs.brief import build_brief
from sitrep.outputs.brief import svg as drawing


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("brief") / "brief.db"
    corpus.build(path).close()
    return str(path)


@pytest.fixture(scope="module")
def html(db, tmp_path_factory):
    out = tmp_path_factory.mktemp("brief_out") / "brief.html"
    assert build_brief(db, out=str(out)) == str(out)
    return out.read_text(encoding="utf-8")


class _Collect(HTMLParser):
    """Every tag with its attributes, and the text outside <style>."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.text.append(data)


def _parse(html: str) -> _Collect:
    p = _Collect()
    p.feed(html)
    return p


def test_self_contained(html):
    p = _parse(html)
    names = [t for t, _ in p.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names and "img" not in names
    for tag, attrs in p.tags:
        for key in ("src", "href", "xlink:href", "action"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, key, value)
            if key == "href" and tag == "a":
                assert value.startswith("#"), value
    assert "@import" not in html and "url(http" not in html
    # the citation's article URLs are shown as text only
    assert "https://news.example/nga/borno-raid" in "".join(p.text)


def test_sections_present(html):
    for anchor in ("scope", "developments", "map", "timeline", "estimates", "actors", "contradictions",
                   "sources", "evidence"):
        assert f'id="{anchor}"' in html
    p = _parse(html)
    text = " ".join(p.text)
    assert "7 documents from 7 outlets" in text
    assert "28 Dec 2019 to 20 May 2022" in text


def test_key_developments_cite_the_evidence(html):
    p = _parse(html)
    ids = {a.get("id") for _, a in p.tags if a.get("id")}
    cites = [a["href"] for t, a in p.tags if t == "a" and "cite" in (a.get("class") or "")]
    assert cites and all(c[1:] in ids for c in cites)     # every [n] points at an evidence item
    m = re.search(r"On 3 Mar 2021, an attack in Kawuri, Nigeria killed 12 and wounded 5;[^<]*"
                  r"((?:<a class=\"cite\" href=\"#ev-\d+\">\[\d+\]</a>)+)", html)
    assert m, "the Kawuri development with its citations"
    numbers = re.findall(r"#ev-(\d+)", m.group(1))
    assert len(numbers) == 3               # three documents mention it
    for n in numbers:
        item = re.search(rf'<li id="ev-{n}"[^>]*><blockquote>(.*?)</blockquote>', html, re.S).group(1)
        assert "Kawuri" in item


def test_map_timeline_estimates_marks(html):
    assert html.count('class="ev-mark"') == corpus.EXPECTED_FUSED
    assert html.count('class="tl-event') == corpus.EXPECTED_FUSED
    assert html.count('class="tl-event tl-window"') == 1          # Kharkiv: a week
    # one series with two sources is drawn ("as many as 300" open below, "no fewer than 500" open above);
    # the two single-source figures are listed in a table
    assert html.count('class="est-range') == 2
    assert 'class="est-range est-open-high"' in html and 'class="est-range est-open-low"' in html
    single = html[html.index("Figures given by one source only"):html.index('id="actors"')]
    assert "at least 5,000" in single and "between 2,000 and 3,000" in single
    assert 'class="land"' in html                                   # the offline basemap


def test_contradictions_and_hedged(html):
    section = html[html.index('id="contradictions"'):html.index('id="sources"')]
    assert "12 vs 14" in section and "as many as 300 vs no fewer than 500" in section
    assert "Premium Times" in section and "Al-Masdar Online" in section    # a hedged claim


def test_sources_show_reuse(html):
    section = html[html.index('id="sources"'):html.index('id="evidence"')]
    assert "copies with edits nga_daily_trust" in section
    assert "reused by borno_watch_repost" in section


def test_escapes_hostile_article(html):
    assert corpus.SCRIPT not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    p = _parse(html)
    assert corpus.HOSTILE_TITLE in "".join(p.text)        # shown, as text


def test_filters(db, tmp_path):
    out = tmp_path / "ng.html"
    build_brief(db, out=str(out), country="ng")
    text = out.read_text(encoding="utf-8")
    assert text.count('class="ev-mark"') == 1 and "Kawuri" in text and "Mogadishu" not in text
    assert "Sambisa" in text and "Izium" not in text          # series follow the country's documents
    out = tmp_path / "dates.html"
    build_brief(db, out=str(out), date_from="2021-01-01", date_to="2021-12-31")
    text = out.read_text(encoding="utf-8")
    assert text.count('class="ev-mark"') == 2                  # Marib and Kawuri
    assert "Kharkiv" not in text.split('id="sources"')[0]
    out = tmp_path / "none.html"
    build_brief(db, out=str(out), country="Chile")
    text = out.read_text(encoding="utf-8")
    assert "No event in this selection." in text and "No event has coordinates" in text


def test_bad_options(db, tmp_path):
    for kwargs in ({"date_from": "March 2021"}, {"date_to": "2021-02-30"}, {"fmt": "pdf"},
                   {"date_from": "2022-01-01", "date_to": "2021-01-01"}):
        with pytest.raises(SitrepError) as err:
            build_brief(db, out=str(tmp_path / "x"), **kwargs)
        assert err.value.code == "E112"
    with pytest.raises(SitrepError) as err:
        build_brief(str(tmp_path / "missing.db"), out=str(tmp_path / "x"))
    assert err.value.code == "E106"


def test_markdown(db, tmp_path):
    out = tmp_path / "brief.md"
    build_brief(db, out=str(out), fmt="md")
    md = out.read_text(encoding="utf-8")
    for heading in ("# Situation brief", "## Key developments", "## Timeline", "## Estimates", "## Actors",
                    "## Contradictions and hedged reports", "## Sources", "## Evidence"):
        assert heading in md
    assert re.search(r"On 11 Feb 2020, an air/drone strike in Maarat al-Numan, Syria killed 4.*"
                     r"\[\[\d+\]\]\(#ev-\d+\)", md)
    assert "<script>" not in md and "<img" not in md and "&lt;script&gt;" in md
    assert '<a id="ev-1"></a>' in md


def test_drawings_on_empty_and_odd_input():
    assert "No dated event" in drawing.timeline_svg([])
    assert "No figure" in drawing.estimates_svg({"points": []})
    odd = {"id": "x", "type": "<b>Riots</b>", "sub_type": "Mob violence", "fatalities": None,
           "date": {"earliest": "2023-06-01", "latest": None},
           "location": {"name": "<i>Gao</i>", "country": "Mali", "lat": 16.27, "lon": -0.04}}
    out = drawing.map_svg([odd], drawing.load_outlines())
    assert "<i>Gao" not in out and "&lt;i&gt;Gao&lt;/i&gt;" in out and out.count('class="ev-mark"') == 1
    assert drawing.timeline_svg([odd]).count('class="tl-event tl-day"') == 1


def test_outlines_data():
    outlines = drawing.load_outlines()
    assert len(outlines) > 150
    names = {c["name"] for c in outlines}
    assert {"Nigeria", "Syria", "Yemen", "Ukraine", "Somalia", "Afghanistan", "Mali"} <= names
    mali = next(c for c in outlines if c["name"] == "Mali")
    lon0, lat0, lon1, lat1 = mali["bbox"]
    assert lon0 < -4 < lon1 and lat0 < 16.3 < lat1          # Gao and Timbuktu lie inside Mali's box


def test_empty_database_and_odd_records(tmp_path):
    from sitrep.model import DateWindow, Document, Event, Location, Span
    from sitrep.store import Store
    empty = tmp_path / "empty.db"
    Store(empty).migrate()
    for fmt in ("html", "md"):
        out = tmp_path / f"empty.{fmt}"
        build_brief(str(empty), out=str(out), fmt=fmt)
        assert "No event in this selection." in out.read_text(encoding="utf-8")
    # non-Latin text, a date that is not a day, no coordinates, an empty sub-type
    text = "قتل خمسة أشخاص في غارة جوية على مدينة إدلب يوم الثلاثاء.\n"
    doc = Document(id="ar-1", doc="ar_idlib", text=text, title="غارة على إدلب", outlet="عنب بلدي")
    doc.events = [Event("V1", "Explosions/Remote violence", "", DateWindow("2020", None),
                        Location(None, None, "Syria", "SY"), fatalities=5, spans=[Span(0, len(text) - 1)]),
                  Event("V2", "Battles", "Armed clash", DateWindow(None, None), Location("إدلب", None, None, None,
                                                                                        35.93, 36.63, "city"))]
    odd = tmp_path / "odd.db"
    store = Store(odd)
    store.migrate()
    store.write_batch([doc])
    store.close()
    out = tmp_path / "odd.html"
    build_brief(str(odd), out=str(out))
    html = out.read_text(encoding="utf-8")
    assert "غارة على إدلب" in html and "عنب بلدي" in html
    assert html.count('class="ev-mark"') == 1 and "No dated event" in html


def test_brief_before_fusion_uses_mentions_and_claims(tmp_path):
    db = tmp_path / "unfused.db"
    corpus.build(db, fused=False).close()
    out = tmp_path / "unfused.html"
    build_brief(str(db), out=str(out))
    html = out.read_text(encoding="utf-8")
    assert html.count('class="ev-mark"') == corpus.EXPECTED_MENTIONS      # one per event report
    assert "7 event reports" in html
    # estimate series grouped from the stored claims (the corpus stage has not run)
    assert "no fewer than 500" in html and "at least 5,000" in html


def test_when_phrase_says_a_date_or_a_coarse_period():
    from sitrep.outputs.prose import when_phrase
    assert when_phrase({"earliest": "2019-07-14", "latest": "2019-07-14"}) == "On 14 Jul 2019"
    assert when_phrase({"earliest": "2019-07-01", "latest": "2019-07-10"}) == "In early Jul 2019"
    assert when_phrase({"earliest": "2019-07-21", "latest": "2019-07-31"}) == "In late Jul 2019"
    assert when_phrase({"earliest": "2019-07-01", "latest": "2019-07-31"}) == "In Jul 2019"
    assert when_phrase({"earliest": "2019-01-01", "latest": "2019-12-31"}) == "In 2019"
    assert when_phrase({"earliest": "2019-07-08", "latest": "2019-07-14"}) == "Between 8 and 14 Jul 2019"
    assert when_phrase({}) == "At an unknown date"


def test_describe_names_only_real_actors_and_marks_hedged_reports():
    from sitrep.outputs.prose import actor_name, describe
    ev = {"date": {"earliest": "2022-03-05", "latest": "2022-03-05"}, "sub_type": "Armed clash",
          "location": {"name": "Kidal", "country": "Mali"}, "fatalities": 7,
          "actor1": "group", "actor2": "their positions", "hedged": True}
    text = describe(ev)
    assert text == "On 5 Mar 2022, an armed clash in Kidal, Mali killed 7 (unconfirmed)."
    ev.update(actor1="Ansarul Islam", actor2="Military Forces of Burkina Faso")
    assert describe(ev).endswith("perpetrator: Ansarul Islam (suspected); target: Military Forces of Burkina Faso.")
    assert [actor_name(x) for x in ("21", "Several", "police", "the group", "its fighters", "Taliban")] == [
        None, None, "police", None, None, "Taliban"]
