"""The web app and the brief in real Chromium (Debian's /usr/bin/chromium through Playwright).

A uvicorn server runs on 127.0.0.1 at a free port in a background thread.  Skipped, with
the reason, only when /usr/bin/chromium is absent.
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

import corpus_outputs as corpus

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "web.db"
    corpus.build(path).close()
    return str(path)


@pytest.fixture(scope="module")
def server(db):
    import uvicorn

    from sitrep.web.app import create_app
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    ctx.close()


def test_search_then_open_document(server, page):
    page.goto(server + "/")
    page.fill("form.search.big input[name=q]", "motorcycles")
    page.click("form.search.big button")
    page.wait_for_selector("li.result")
    results = page.locator("li.result")
    assert results.count() == 1
    assert page.locator("li.result mark").first.inner_text().lower() == "motorcycles"
    results.locator("a").first.click()
    assert page.locator("h1.doc-title").inner_text() == "Gunmen kill 12 in Borno village raid"


def test_bad_query_shows_message(server, page):
    response = page.goto(server + "/search?q=%22open+AND+(")
    assert response.status == 400
    assert "not valid full-text query syntax" in page.locator("p.error").inner_text()


def test_filter_then_open_event_with_highlighted_evidence(server, page):
    page.goto(server + "/events")
    assert page.locator("tr.event-row").count() == corpus.EXPECTED_FUSED
    page.select_option("select[name=country]", "Nigeria")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/events?*country=Nigeria*")
    assert page.locator("tr.event-row").count() == 1
    page.click("a.event-link")
    page.wait_for_selector("article.mention")
    assert page.locator("article.mention").count() == 3
    first = page.locator("article.mention").first
    first.locator("details.doctext summary").click()
    mark = first.locator("mark.evidence")
    assert mark.is_visible()
    assert mark.inner_text() == corpus.NGA1.splitlines()[0]
    assert mark.inner_text() == first.locator("blockquote.evidence-quote").inner_text()


def test_map_and_timeline_draw_every_event(server, page):
    page.goto(server + "/map")
    assert page.locator("svg.sitrep-map circle.ev-mark").count() == corpus.EXPECTED_FUSED
    assert page.locator("svg.sitrep-map path.land").count() > 10
    box = page.locator("svg.sitrep-map").bounding_box()
    assert box["width"] > 600 and box["height"] > 300
    page.goto(server + "/map?type=Battles")
    assert page.locator("svg.sitrep-map circle.ev-mark").count() == 1
    page.goto(server + "/timeline")
    assert page.locator("svg.sitrep-timeline .tl-event").count() == corpus.EXPECTED_FUSED
    assert page.locator("svg.sitrep-timeline rect.tl-window").count() == 1
    page.locator("svg.sitrep-timeline rect.tl-window").click()
    page.wait_for_selector("article.mention")
    assert "Kharkiv" in page.locator("dl.facts").inner_text()


def test_hostile_article_is_text_in_the_app(server, page):
    page.goto(server + "/documents/som_hostile")
    assert page.locator("h1.doc-title").inner_text() == corpus.HOSTILE_TITLE
    body = page.locator("article.article").inner_text()
    assert corpus.SCRIPT in body and corpus.IMG in body
    assert page.locator("main img").count() == 0 and page.locator("main script").count() == 0
    page.goto(server + "/events/som_hostile%23V1")
    page.locator("details.doctext summary").click()
    assert corpus.SCRIPT in page.locator("mark.evidence").inner_text()
    page.goto(server + "/search?q=checkpoint")
    assert corpus.SCRIPT in page.locator("li.result a").first.inner_text()
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_brief_in_chromium(db, page, tmp_path):
    from sitrep.outputs.brief import build_brief
    out = tmp_path / "brief.html"
    build_brief(db, out=str(out))
    page.goto(out.as_uri())
    assert page.locator("svg.sitrep-map circle.ev-mark").count() == corpus.EXPECTED_FUSED
    assert page.locator("svg.sitrep-timeline .tl-event").count() == corpus.EXPECTED_FUSED
    assert page.locator("svg.sitrep-estimates .est-range").count() == 2
    assert page.locator("table.single tbody tr").count() == 2
    sources = page.locator("#sources").inner_text()
    assert corpus.HOSTILE_TITLE in sources
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    # a citation jumps to its evidence
    page.locator("#developments a.cite").first.click()
    target = page.evaluate("location.hash")
    assert target.startswith("#ev-") and page.locator(target + " blockquote").is_visible()
    page.wait_for_timeout(300)
    assert page.dialogs == []
