"""The local web app: search, events, map, timeline, estimates, documents, and a JSON API.

``create_app(db_path)`` returns a FastAPI application that reads the database through
:class:`~sitrep.store.Store` only, opening one read-only connection per request (SQLite
connections are not shared across threads; WAL readers never wait for the writer, so
``sitrep run`` may write while this serves).  Pages are server-rendered with Jinja2,
autoescape on: article text is untrusted and is only ever shown as text.  The drawings
are those of the brief (:mod:`sitrep.outputs.brief.svg`).
"""
from __future__ import annotations

import json
import logging
import math
import sqlite3
from collections.abc import Iterator
from importlib import resources as ilr
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from ..errors import SitrepError, message
from ..outputs import records
from ..outputs.brief import svg
from ..outputs.prose import describe
from ..outputs.records import Filters
from ..store import Store

log = logging.getLogger(__name__)

PER_PAGE = 50
MAX_PER_PAGE = 200


# ---- text helpers --------------------------------------------------------------------------

def highlight(text: str, marks: list[tuple[int, int]], *, start: int = 0, end: int | None = None,
              mark_id: str | None = None) -> Markup:
    """``text[start:end]`` escaped, with ``<mark>`` around each (non-overlapping) mark span.

    ``mark_id`` gives the first mark an id, so that a link can jump to it.
    """
    end = len(text) if end is None else end
    out, pos = [], start
    for a, b in sorted(marks):
        a, b = max(a, pos), min(b, end)
        if a >= b:
            continue
        out.append(str(escape(text[pos:a])))
        ident = f' id="{escape(mark_id)}"' if mark_id else ""
        mark_id = None
        out.append(f'<mark class="evidence"{ident}>{escape(text[a:b])}</mark>')
        pos = b
    out.append(str(escape(text[pos:end])))
    return Markup("".join(out))


def snippet(raw: str | None) -> Markup:
    """An FTS5 snippet whose match markers are \\x02 and \\x03: escaped, matches in ``<mark>``."""
    text = str(escape(raw or ""))
    return Markup(text.replace("\x02", "<mark>").replace("\x03", "</mark>"))


def _text_block(text: str, marks: list[tuple[int, int]], start: int, end: int) -> dict:
    # blank lines at the edges of a block only pad the box
    while start < end and text[start] in "\r\n":
        start += 1
    while end > start and text[end - 1] in "\r\n ":
        end -= 1
    return {"kind": "text", "html": highlight(text, marks, start=start, end=end)}


def article_blocks(text: str, boilerplate: list[tuple[int, int]], comments_start: int | None,
                   marks: list[tuple[int, int]]) -> list[dict]:
    """The document as blocks: article text, folded furniture lines, folded comments."""
    cut = len(text) if comments_start is None else min(comments_start, len(text))
    blocks: list[dict] = []
    pos = 0
    for a, b in sorted(boilerplate):
        a, b = max(a, pos), min(b, cut)
        if a >= b:
            continue
        gap = text[pos:a]
        if gap.strip():
            blocks.append(_text_block(text, marks, pos, a))
        if blocks and blocks[-1]["kind"] == "furniture":    # furniture lines apart only by blank lines: one fold
            blocks[-1]["html"] = Markup(blocks[-1]["html"] + Markup("\n") + escape(text[a:b]))
            blocks[-1]["lines"] += 1
        else:
            blocks.append({"kind": "furniture", "html": escape(text[a:b]), "lines": 1})
        pos = b
    if text[pos:cut].strip():
        blocks.append(_text_block(text, marks, pos, cut))
    if cut < len(text):
        blocks.append({"kind": "comments", "html": escape(text[cut:])})
    return blocks


# ---- the app -------------------------------------------------------------------------------

def _environment() -> Environment:
    env = Environment(loader=PackageLoader("sitrep.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["q"] = lambda v: quote(str(v), safe="")
    env.filters["describe"] = describe
    env.globals["colour"] = svg.type_colour
    env.globals["css"] = Markup(ilr.files("sitrep.web").joinpath("templates/style.css").read_text(encoding="utf-8"))
    return env


def _page_args(page: int, per_page: int) -> tuple[int, int, int]:
    per = max(1, min(MAX_PER_PAGE, per_page))
    page = max(1, page)
    return page, per, (page - 1) * per


def _pager(request: Request, page: int, per: int, total: int) -> dict:
    pages = max(1, math.ceil(total / per))
    params = {k: v for k, v in request.query_params.items() if k != "page" and v != ""}

    def url(n: int) -> str:
        return f"{request.url.path}?{urlencode({**params, 'page': n})}"
    return {"page": page, "pages": pages, "total": total, "per_page": per,
            "prev": url(page - 1) if page > 1 else None, "next": url(page + 1) if page < pages else None}


def _filters(date_from: str | None, date_to: str | None, country: str | None, type_: str | None,
             actor: str | None, place: str | None, doc: str | None = None) -> Filters:
    def clean(v):
        return (v or "").strip() or None
    return Filters(date_from=clean(date_from), date_to=clean(date_to), country=clean(country), type=clean(type_),
                   actor=clean(actor), place=clean(place), doc=clean(doc))


def create_app(db_path: str) -> FastAPI:
    """The web app over database ``db_path`` (opened read-only per request)."""
    path = str(db_path)
    if not Path(path).exists():
        raise SitrepError("E106", path=path, reason="no such file")
    with Store(path, readonly=True) as probe:   # fail now, not at the first request
        probe.stats()
    env = _environment()
    outlines = svg.load_outlines()
    # no /docs or /redoc: their pages load scripts from a CDN, and the app works offline
    app = FastAPI(title="sitrep", description="Events, claims and sources from conflict news, with evidence.",
                  version="1", docs_url=None, redoc_url=None)

    def store() -> Iterator[Store]:
        s = Store(path, readonly=True)
        try:
            yield s
        finally:
            s.close()

    def page(name: str, status: int = 200, **ctx) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status)

    def not_found(what: str, ident: str) -> HTMLResponse:
        return page("error.html", 404, title="Not found", message=message("E115", what=what, id=ident))

    # ---- pages --------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def home(s: Store = Depends(store)):
        evs, _ = records.events(s.conn, limit=8)
        return page("home.html", title="sitrep", stats=s.stats(), recent=evs, types=records.event_types(s.conn))

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = "", page_: int = Query(1, alias="page"), s: Store = Depends(store)):
        q = q.strip()
        if not q:
            return page("search.html", title="Search", q="", results=[], pager=None, error=None)
        p, per, off = _page_args(page_, PER_PAGE)
        try:
            results = s.search(q, limit=per + 1, offset=off)
        except sqlite3.OperationalError as exc:
            return page("search.html", 400, title="Search", q=q, results=[], pager=None,
                        error=message("E114", query=q, reason=str(exc)))
        more = len(results) > per
        results = results[:per]
        for r in results:
            r["snippet_html"] = snippet(r.get("snippet"))
        pager = {"page": p, "prev": f"/search?{urlencode({'q': q, 'page': p - 1})}" if p > 1 else None,
                 "next": f"/search?{urlencode({'q': q, 'page': p + 1})}" if more else None}
        return page("search.html", title=f"Search: {q}", q=q, results=results, pager=pager, error=None)

    @app.get("/events", response_class=HTMLResponse)
    def events_page(request: Request, date_from: str | None = Query(None, alias="from"),
                    date_to: str | None = Query(None, alias="to"), type: str | None = None,
                    actor: str | None = None, place: str | None = None, country: str | None = None,
                    doc: str | None = None, view: str = "auto", page_: int = Query(1, alias="page"),
                    per_page: int = PER_PAGE, s: Store = Depends(store)):
        f = _filters(date_from, date_to, country, type, actor, place, doc)
        p, per, off = _page_args(page_, per_page)
        fused = None if view not in ("fused", "mentions") else view == "fused"
        if fused and f.doc:
            fused = False
        evs, total = records.events(s.conn, f, fused=fused, limit=per, offset=off)
        return page("events.html", title="Events", events=evs, pager=_pager(request, p, per, total), f=f,
                    view=view, types=records.event_types(s.conn), countries=records.countries(s.conn),
                    fused_available=records.has_fused(s.conn))

    @app.get("/events/{event_id:path}", response_class=HTMLResponse)
    def event_page(event_id: str, s: Store = Depends(store)):
        ev = records.event(s.conn, event_id)
        if ev is None:
            return not_found("event", event_id)
        shown = []
        for m in ev["mentions"]:
            row = s.conn.execute("SELECT text, comments_start FROM documents WHERE doc=? OR id=? LIMIT 1",
                                 (m["doc"], m["doc_id"])).fetchone()
            if row is None:
                continue
            text = row["text"]
            marks = [(m["start"], m["end"])] if m["start"] is not None else []
            cut = len(text) if row["comments_start"] is None else row["comments_start"]
            shown.append({"m": m, "html": highlight(text, marks, start=0, end=cut, mark_id=f"mark-{len(shown) + 1}"),
                          "comments": escape(text[cut:]) if cut < len(text) else None})
        return page("event.html", title=describe(ev), ev=ev, shown=shown,
                    map=svg.map_svg([ev], outlines, width=900, height=360))

    @app.get("/map", response_class=HTMLResponse)
    def map_page(request: Request, date_from: str | None = Query(None, alias="from"),
                 date_to: str | None = Query(None, alias="to"), type: str | None = None, actor: str | None = None,
                 place: str | None = None, country: str | None = None, s: Store = Depends(store)):
        f = _filters(date_from, date_to, country, type, actor, place)
        evs, total = records.events(s.conn, f, limit=2000)
        return page("chart.html", title="Map", heading="Map of events", f=f, total=total, shown=len(evs),
                    svg=svg.map_svg(evs, outlines, link="/events/{id}"), action="/map",
                    types=records.event_types(s.conn), countries=records.countries(s.conn))

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline_page(request: Request, date_from: str | None = Query(None, alias="from"),
                      date_to: str | None = Query(None, alias="to"), type: str | None = None,
                      actor: str | None = None, place: str | None = None, country: str | None = None,
                      s: Store = Depends(store)):
        f = _filters(date_from, date_to, country, type, actor, place)
        evs, total = records.events(s.conn, f, limit=400)
        return page("chart.html", title="Timeline", heading="Timeline", f=f, total=total, shown=len(evs),
                    svg=svg.timeline_svg(evs, link="/events/{id}"), action="/timeline",
                    types=records.event_types(s.conn), countries=records.countries(s.conn))

    @app.get("/estimates", response_class=HTMLResponse)
    def estimates_page(s: Store = Depends(store)):
        items = [{"series": x, "svg": svg.estimates_svg(x, uid=f"est{i}")}
                 for i, x in enumerate(records.series(s.conn))]
        return page("estimates.html", title="Estimates", items=items)

    @app.get("/documents", response_class=HTMLResponse)
    def documents_page(request: Request, page_: int = Query(1, alias="page"), s: Store = Depends(store)):
        p, per, off = _page_args(page_, PER_PAGE)
        total = s.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        rows = [dict(r) for r in s.conn.execute(
            "SELECT d.doc, d.id, d.title, d.outlet, d.published_earliest, d.language, d.flags, "
            "(SELECT count(*) FROM events e WHERE e.doc_id=d.id) AS events, "
            "(SELECT count(*) FROM claims c WHERE c.doc_id=d.id) AS claims FROM documents d "
            "ORDER BY d.rowid LIMIT ? OFFSET ?", (per, off))]
        return page("documents.html", title="Documents", docs=rows, pager=_pager(request, p, per, total))

    @app.get("/documents/{doc_id:path}", response_class=HTMLResponse)
    def document_page(doc_id: str, s: Store = Depends(store)):
        doc = s.document(doc_id)
        if doc is None:
            return not_found("document", doc_id)
        marks = _merge([(sp.start, sp.end) for e in doc.events for sp in e.spans[:1]])
        blocks = article_blocks(doc.text, [(b.start, b.end) for b in doc.boilerplate], doc.comments_start, marks)
        reuse = [r for r in records.reuse_links(s.conn) if doc.doc in (r["doc"], r["other"])]
        claims, _ = records.claims(s.conn, doc=doc.id)
        evs, _ = records.events(s.conn, Filters(doc=doc.id), fused=False)
        return page("document.html", title=doc.title or doc.doc, doc=doc, blocks=blocks, reuse=reuse,
                    claims=claims, events=evs)

    # ---- JSON API -----------------------------------------------------------------------
    @app.get("/api/documents")
    def api_documents(page_: int = Query(1, alias="page"), per_page: int = PER_PAGE, s: Store = Depends(store)):
        p, per, off = _page_args(page_, per_page)
        total = s.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        rows = [dict(r) for r in s.conn.execute(
            "SELECT id, doc, title, outlet, url, source, language, kind, published_earliest, published_latest, "
            "flags FROM documents ORDER BY rowid LIMIT ? OFFSET ?", (per, off))]
        for r in rows:
            r["flags"] = json.loads(r["flags"] or "[]")
        return {"total": total, "page": p, "per_page": per, "items": rows}

    @app.get("/api/documents/{doc_id:path}")
    def api_document(doc_id: str, s: Store = Depends(store)):
        doc = s.document(doc_id)
        if doc is None:
            raise HTTPException(404, message("E115", what="document", id=doc_id))
        return doc.to_json()

    def _api_events(f: Filters, fused: bool | None, page_: int, per_page: int, s: Store) -> dict:
        p, per, off = _page_args(page_, per_page)
        evs, total = records.events(s.conn, f, fused=fused, limit=per, offset=off)
        return {"total": total, "page": p, "per_page": per,
                "items": [{**e, "summary": describe(e)} for e in evs]}

    @app.get("/api/events")
    def api_events(date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                   type: str | None = None, actor: str | None = None, place: str | None = None,
                   country: str | None = None, doc: str | None = None, page_: int = Query(1, alias="page"),
                   per_page: int = PER_PAGE, s: Store = Depends(store)):
        """Event mentions (one per document event), filtered and paged."""
        return _api_events(_filters(date_from, date_to, country, type, actor, place, doc), False, page_, per_page, s)

    @app.get("/api/fused-events")
    def api_fused(date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                  type: str | None = None, actor: str | None = None, place: str | None = None,
                  country: str | None = None, page_: int = Query(1, alias="page"), per_page: int = PER_PAGE,
                  s: Store = Depends(store)):
        """Events fused across documents, with their mentions and evidence."""
        return _api_events(_filters(date_from, date_to, country, type, actor, place), True, page_, per_page, s)

    @app.get("/api/events/{event_id:path}")
    def api_event(event_id: str, s: Store = Depends(store)):
        ev = records.event(s.conn, event_id)
        if ev is None:
            raise HTTPException(404, message("E115", what="event", id=event_id))
        return {**ev, "summary": describe(ev)}

    @app.get("/api/claims")
    def api_claims(doc: str | None = None, page_: int = Query(1, alias="page"), per_page: int = PER_PAGE,
                   s: Store = Depends(store)):
        p, per, off = _page_args(page_, per_page)
        items, total = records.claims(s.conn, doc=doc, limit=per, offset=off)
        return {"total": total, "page": p, "per_page": per, "items": items}

    @app.get("/api/series")
    def api_series(s: Store = Depends(store)):
        return {"items": records.series(s.conn)}

    @app.get("/api/search")
    def api_search(q: str, page_: int = Query(1, alias="page"), per_page: int = PER_PAGE, s: Store = Depends(store)):
        p, per, off = _page_args(page_, per_page)
        try:
            rows = s.search(q, limit=per, offset=off)
        except sqlite3.OperationalError as exc:
            return JSONResponse({"detail": message("E114", query=q, reason=str(exc))}, status_code=400)
        for r in rows:
            r["snippet"] = (r.get("snippet") or "").replace("\x02", "").replace("\x03", "")
        return {"page": p, "per_page": per, "items": rows}

    @app.get("/api/stats")
    def api_stats(s: Store = Depends(store)):
        return s.stats()

    return app


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
