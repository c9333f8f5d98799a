"""The web app in-process: pages, escaping, filters, paging, bad queries, 404s, the JSON API."""
from __future__ import annotations

import re
import threading
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

import corpus_outputs as corpus
from sitrep.errors import SitrepError
from sitrep.web.app import article_blocks, create_app, highlight


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "web.db"
    corpus.build(path).close()
    return str(path)


@pytest.fixture(scope="module")
def client(db):
    return TestClient(create_app(db))


def test_home(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "7 documents" in r.text and 'name="q"' in r.text


def test_search_finds_and_marks(client):
    r = client.get("/search", params={"q": "drone"})
    assert r.status_code == 200
    assert "Drone strike hits Idlib market" in r.text
    assert re.search(r"<mark>drone</mark>", r.text, re.I)


def test_search_syntax_error_is_a_message(client):
    r = client.get("/search", params={"q": '"unbalanced AND ('})
    assert r.status_code == 400
    assert "not valid full-text query syntax" in r.text and 'role="alert"' in r.text
    assert "&#34;unbalanced" in r.text or "&quot;unbalanced" in r.text   # the query echoed, escaped


def test_search_hostile_query_is_escaped(client):
    r = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in r.text


def test_search_hits_hostile_article_escaped(client):
    r = client.get("/search", params={"q": "checkpoint"})
    assert r.status_code == 200
    assert corpus.SCRIPT not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Blast at Mogadishu" in r.text


def test_events_list_and_filters(client):
    r = client.get("/events")
    assert r.text.count('class="event-row"') == corpus.EXPECTED_FUSED
    r = client.get("/events", params={"type": "Battles"})
    assert r.text.count('class="event-row"') == 1 and "Marib" in r.text
    r = client.get("/events", params={"country": "Nigeria"})
    assert r.text.count('class="event-row"') == 1 and "Kawuri" in r.text
    r = client.get("/events", params={"country": "UA"})
    assert r.text.count('class="event-row"') == 1 and "Kharkiv" in r.text
    r = client.get("/events", params={"from": "2021-01-01", "to": "2021-12-31"})
    assert r.text.count('class="event-row"') == 2
    r = client.get("/events", params={"actor": "houthi"})
    assert r.text.count('class="event-row"') == 1
    r = client.get("/events", params={"place": "idlib"})                 # admin1 matches
    assert r.text.count('class="event-row"') == 1 and "Maarat al-Numan" in r.text
    r = client.get("/events", params={"place": "100%_"})                  # LIKE wildcards taken literally
    assert r.text.count('class="event-row"') == 0


def test_events_paging(client):
    seen = []
    for page in (1, 2, 3):
        r = client.get("/events", params={"view": "mentions", "per_page": 3, "page": page})
        assert r.status_code == 200
        seen += re.findall(r'class="event-link" href="/events/([^"]+)"', r.text)
        if page == 1:
            assert 'rel="next"' in r.text and 'rel="prev"' not in r.text and "Page 1 of 3" in r.text
        if page == 3:
            assert 'rel="next"' not in r.text and 'rel="prev"' in r.text
    assert len(seen) == len(set(seen)) == corpus.EXPECTED_MENTIONS
    r = client.get("/events", params={"view": "mentions", "per_page": 3, "page": 2, "type": "Battles"})
    assert 'class="event-row"' not in r.text                                # page 2 of 1 result


def test_event_page_marks_evidence(client):
    r = client.get("/events/F-kawuri")
    assert r.status_code == 200
    marks = re.findall(r'<mark class="evidence"[^>]*>(.*?)</mark>', r.text, re.S)
    assert len(marks) == 3
    first_line = corpus.NGA1.splitlines()[0]
    assert first_line in marks
    assert "Daily Trust" in r.text and "Premium Times" in r.text and "Borno Watch" in r.text
    assert "Reader comments" in r.text          # the repost's comment thread is folded
    assert 'href="#mark-1"' in r.text and '<mark class="evidence" id="mark-1">' in r.text


def test_event_page_of_a_single_mention_and_hostile_text(client):
    r = client.get("/events/" + quote("som_hostile#V1", safe=""))
    assert r.status_code == 200
    assert corpus.SCRIPT not in r.text and "<img src=x" not in r.text
    mark = re.search(r'<mark class="evidence"[^>]*>(.*?)</mark>', r.text, re.S).group(1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mark


def test_404s(client):
    assert client.get("/events/F-nothing").status_code == 404
    assert client.get("/documents/nothing-here").status_code == 404
    r = client.get("/api/events/F-nothing")
    assert r.status_code == 404 and "No event" in r.json()["detail"]
    assert client.get("/api/documents/none").status_code == 404


def test_document_page_folds_furniture_and_comments(client):
    r = client.get("/documents/borno_watch_repost")
    assert r.status_code == 200
    furniture = re.search(r'<details class="furniture">.*?<div class="text">(.*?)</div>', r.text, re.S).group(1)
    assert furniture == "Share this story"
    comments = re.search(r'<details class="comments">.*?<div class="text">(.*?)</div>', r.text, re.S).group(1)
    assert comments.startswith("Comments (3)")
    assert "copies with edits" in r.text


def test_document_page_escapes(client):
    r = client.get("/documents/som_hostile")
    assert corpus.SCRIPT not in r.text and "<img src=x" not in r.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert 'script-src \'none\'' in r.text      # a CSP as a second line of defence


def test_map_and_timeline_pages(client):
    r = client.get("/map")
    assert r.text.count('class="ev-mark"') == corpus.EXPECTED_FUSED
    assert 'href="/events/F-kawuri"' in r.text
    r = client.get("/map", params={"country": "Somalia"})
    assert r.text.count('class="ev-mark"') == 1
    r = client.get("/timeline")
    assert r.text.count('class="tl-event') == corpus.EXPECTED_FUSED


def test_estimates_page(client):
    r = client.get("/estimates")
    assert r.text.count('class="sitrep-estimates"') == 3
    assert "no fewer than 500" in r.text and "between 2,000 and 3,000" in r.text


def test_api(client):
    r = client.get("/api/fused-events", params={"country": "NG"})
    data = r.json()
    assert data["total"] == 1 and data["items"][0]["fatalities"] == 12
    assert len(data["items"][0]["mentions"]) == 3
    r = client.get("/api/events", params={"per_page": 2, "page": 4})
    data = r.json()
    assert data["total"] == corpus.EXPECTED_MENTIONS and len(data["items"]) == 1
    doc = client.get("/api/documents/syr_idlib_market").json()
    assert doc["doc"] == "syr_idlib_market" and doc["events"][0]["evidence"] in doc["text"]
    assert client.get("/api/documents").json()["total"] == 7
    claims = client.get("/api/claims").json()
    assert claims["total"] == 4 and {c["value"]["text"] for c in claims["items"]} >= {"at least 5,000"}
    series = client.get("/api/series").json()["items"]
    assert len(series) == 3 and all(p["evidence_text"] for s in series for p in s["points"])
    hits = client.get("/api/search", params={"q": "Kharkiv"}).json()["items"]
    assert [h["doc"] for h in hits] == ["ukr_kharkiv_week"]
    bad = client.get("/api/search", params={"q": "AND OR"})
    assert bad.status_code == 400
    ev = client.get("/api/events/" + quote("yem_marib_clashes#V1", safe="")).json()
    assert ev["summary"].startswith("On 20 Feb 2021, an armed clash in Marib, Yemen killed 30")


def test_no_cdn_pages(client):
    # Swagger UI and ReDoc load scripts from a CDN: not served, the app works offline
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    for path in ("/", "/events", "/map", "/events/F-kawuri", "/documents/som_hostile", "/estimates"):
        html = client.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', html), path
        assert "<script" not in html, path


def test_openapi(client):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/documents", "/api/events", "/api/fused-events", "/api/claims", "/api/series",
                 "/api/search"):
        assert path in spec["paths"]


def test_missing_database(tmp_path):
    with pytest.raises(SitrepError) as err:
        create_app(str(tmp_path / "none.db"))
    assert err.value.code == "E106"


def test_reads_while_a_writer_holds_a_transaction(db):
    """WAL: a long write transaction never blocks readers (no 'database is locked')."""
    from sitrep.store import Store
    writer = Store(db)
    client = TestClient(create_app(db))
    writer.conn.execute("BEGIN IMMEDIATE")
    writer.conn.execute("UPDATE documents SET title='changing' WHERE doc='nga_daily_trust'")
    try:
        results = []

        def read():
            results.append(client.get("/events").status_code)
            results.append(client.get("/documents/nga_daily_trust").status_code)
        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        assert results == [200] * 8
        assert "changing" not in client.get("/documents").text       # uncommitted writes stay invisible
    finally:
        writer.conn.execute("ROLLBACK")
        writer.close()


def test_highlight_and_blocks():
    text = "a <b> c\nFURNITURE\nbody <i>x</i>\nComments\nspam <script>"
    assert highlight(text, [(2, 5)], end=7) == "a <mark class=\"evidence\">&lt;b&gt;</mark> c"
    f0 = text.index("FURNITURE")
    body = text.index("body")
    blocks = article_blocks(text, [(f0, f0 + 9)], text.index("Comments"), [(body, body + 4)])
    assert [b["kind"] for b in blocks] == ["text", "furniture", "text", "comments"]
    assert "<mark class=\"evidence\">body</mark> &lt;i&gt;" in blocks[2]["html"]
    assert blocks[3]["html"].endswith("&lt;script&gt;")


def test_empty_database(tmp_path):
    from sitrep.store import Store
    path = tmp_path / "empty.db"
    Store(path).migrate()
    c = TestClient(create_app(str(path)))
    for url in ("/", "/events", "/map", "/timeline", "/estimates", "/documents", "/search?q=anything",
                "/api/events", "/api/fused-events", "/api/series"):
        assert c.get(url).status_code == 200, url
    assert "No event stored yet." in c.get("/").text
