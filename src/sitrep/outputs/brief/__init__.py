"""The situation brief: one self-contained HTML file (or Markdown) from a sitrep database.

Sections: scope, key developments (one sentence per event, each fact citing the
sentences that state it as ``[n]``), a map, a timeline, estimate series, actors with
their aliases, contradictions and hedged reports, the sources with their reuse links, and
the evidence appendix the citations point to.  The HTML has its CSS and SVG inline, no
script and no external resource; all article text is escaped (Jinja2 autoescape).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from ...errors import SitrepError
from .. import records
from ..prose import describe, format_day
from ..records import Filters
from . import svg

log = logging.getLogger(__name__)

MAX_DEVELOPMENTS = 30
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Citations:
    """Numbered evidence: the same sentence of the same document gets one number."""
    items: list[dict] = field(default_factory=list)
    index: dict[tuple, int] = field(default_factory=dict)

    def add(self, *, doc: str, ref: str, evidence: str, source: dict | None, kind: str) -> int:
        key = (doc, ref)
        if key not in self.index:
            src = source or {}
            self.items.append({"n": len(self.items) + 1, "doc": doc, "ref": ref, "kind": kind,
                               "evidence": evidence or "", "title": src.get("title"), "outlet": src.get("outlet"),
                               "published": src.get("published_earliest"), "url": src.get("url")})
            self.index[key] = len(self.items)
        return self.index[key]


def _check_day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not _ISO_DAY.fullmatch(value):
        raise SitrepError("E112", option=option, reason=f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise SitrepError("E112", option=option, reason=f"{value!r}: {exc}") from exc
    return value


def _window_overlaps(when: dict, f: Filters) -> bool:
    a, b = (when or {}).get("earliest"), (when or {}).get("latest")
    a, b = a or b, b or a
    if a is None:
        return not (f.date_from or f.date_to)
    return not ((f.date_from and b < f.date_from) or (f.date_to and a > f.date_to))


def _country_docs(conn, country: str) -> set[str]:
    c = country.strip()
    rows = conn.execute(
        "SELECT DISTINCT d.doc FROM places p JOIN documents d ON d.id=p.doc_id "
        "WHERE lower(p.country)=lower(?) OR upper(p.iso)=upper(?) "
        "UNION SELECT DISTINCT d.doc FROM events e JOIN documents d ON d.id=e.doc_id "
        "WHERE lower(e.country)=lower(?) OR upper(e.iso)=upper(?)", (c, c, c, c))
    return {r[0] for r in rows}


def _series_in_scope(conn, f: Filters) -> list[dict]:
    docs = _country_docs(conn, f.country) if f.country else None
    out = []
    for s in records.series(conn):
        pts = [p for p in s.get("points", []) if _window_overlaps(p.get("when"), f)
               and (docs is None or p.get("doc") in docs)]
        if pts:
            out.append({**s, "points": pts})
    return out


def _period(evs: list[dict], series: list[dict]) -> tuple[str | None, str | None]:
    days = [d for e in evs for d in (e["date"].get("earliest"), e["date"].get("latest")) if d]
    days += [d for s in series for p in s["points"] for d in ((p.get("when") or {}).get("earliest"),
                                                                (p.get("when") or {}).get("latest")) if d]
    return (min(days), max(days)) if days else (None, None)


def _reuse_text(links: list[dict], doc: str) -> list[str]:
    out = []
    for r in links:
        if r["doc"] == doc:
            out.append(f"{r['relation'].replace('_', ' ')} {r['other']}")
        elif r["other"] == doc:
            out.append(f"reused by {r['doc']} ({r['relation'].replace('_', ' ')})")
    return out


def collect(conn, *, filters: Filters = Filters(), outlines: list[dict] | None = None) -> dict:
    """Everything the brief shows, as plain data (the templates only lay it out)."""
    evs, total = records.events(conn, filters)
    series = sorted(_series_in_scope(conn, filters),
                    key=lambda s: (-len(s["points"]), (s.get("about") or "").casefold()))
    scope_docs = {m["doc"] for e in evs for m in e["mentions"]} | {p["doc"] for s in series for p in s["points"]}
    if not filters.active():
        scope_docs |= {r[0] for r in conn.execute("SELECT doc FROM documents")}
    srcs = records.sources(conn, sorted(scope_docs))
    cites = Citations()

    def cite_event(e: dict) -> list[int]:
        return sorted({cites.add(doc=m["doc"], ref=f"event:{m['event']}", evidence=m["evidence"],
                                 source=srcs.get(m["doc"]), kind="event") for m in e["mentions"]})

    def cite_point(p: dict) -> int:
        return cites.add(doc=p["doc"], ref=f"claim:{p.get('claim')}", evidence=p.get("evidence_text", ""),
                         source=srcs.get(p["doc"]), kind="claim")

    ranked = sorted(evs, key=lambda e: (-(e["fatalities"] or 0), -len(e["sources"])))[:MAX_DEVELOPMENTS]
    keep = {id(e) for e in ranked}
    developments = [{"text": describe(e), "cites": cite_event(e), "event": e} for e in evs if id(e) in keep]
    for s in series:
        for p in s["points"]:
            p["cite"] = cite_point(p)
    kept_ids = {e["id"] for e in evs} | {s["key"] for s in series}
    contradictions = []
    for c in records.contradictions(conn):
        if c.get("subject") not in kept_ids:
            continue
        sides = []
        for side in (c.get("a") or {}, c.get("b") or {}):
            sides.append(_contradiction_side(conn, side, cites, srcs))
        contradictions.append({**c, "sides": sides})
    # a hedged report is told as that one document tells it: its own toll, its own source
    hedged = [{"event": e, "mention": m, "text": describe({**e, "fatalities": m["fatalities"], "injured": m["injured"],
                                                           "actor1": m["actor1"], "hedged": True,
                                                           "fatalities_reported": [],
                                                           "attributed_to": m["attributed_to"]}),
               "cite": cites.add(doc=m["doc"], ref=f"event:{m['event']}", evidence=m["evidence"],
                                 source=srcs.get(m["doc"]), kind="event")}
              for e in evs for m in e["mentions"] if m["hedged"]]
    hedged_claims = [{"series": s, "point": p} for s in series for p in s["points"] if p.get("hedged")]
    links = records.reuse_links(conn)
    sources = [{**src, "reuse": _reuse_text(links, name),
                "events": sum(1 for e in evs for m in e["mentions"] if m["doc"] == name)}
               for name, src in sorted(srcs.items(), key=lambda kv: (kv[1].get("published_earliest") or "~", kv[0]))]
    period = _period(evs, series)
    outlines = outlines if outlines is not None else svg.load_outlines()
    return {
        "filters": filters,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "scope": {"documents": len(srcs), "outlets": sorted({s["outlet"] for s in srcs.values() if s.get("outlet")},
                                                            key=str.casefold),
                  "period": period, "period_text": (f"{format_day(period[0])} to {format_day(period[1])}"
                                                    if period[0] else "no dated report"),
                  "events": total, "mentions": sum(len(e["mentions"]) for e in evs),
                  "series": len(series), "claims": sum(len(s["points"]) for s in series),
                  "fused": bool(evs) and evs[0]["kind"] == "fused",
                  "located": sum(1 for e in evs if e["location"].get("lat") is not None),
                  "quarantined": conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]},
        "developments": developments,
        "more_events": max(0, len(evs) - len(developments)),
        "events": evs,
        "map": svg.map_svg(evs, outlines),
        "timeline": svg.timeline_svg(evs),
        "series": [{"series": s, "svg": svg.estimates_svg(s, uid=f"est{i}")}
                   for i, s in enumerate(series) if len(s["points"]) > 1],
        "single_figures": [{"series": s, "point": s["points"][0]} for s in series if len(s["points"]) == 1],
        "actors": records.actors(conn, doc_names=sorted(scope_docs)),
        "contradictions": contradictions,
        "hedged": hedged,
        "hedged_claims": hedged_claims,
        "sources": sources,
        "citations": cites.items,
        "colour": svg.type_colour,
    }


def _contradiction_side(conn, side: dict, cites: Citations, srcs: dict) -> dict:
    doc = side.get("doc")
    if not doc:
        return {"text": str(side), "cite": None}
    if "claim" in side:
        row = conn.execute("SELECT c.evidence FROM claims c JOIN documents d ON d.id=c.doc_id WHERE d.doc=? "
                           "AND c.id=?", (doc, side["claim"])).fetchone()
        label, ref = side.get("text") or f"{side.get('low')}-{side.get('high')}", f"claim:{side['claim']}"
        kind = "claim"
    else:
        row = conn.execute("SELECT e.evidence FROM events e JOIN documents d ON d.id=e.doc_id WHERE d.doc=? "
                           "AND e.id=?", (doc, side.get("event"))).fetchone()
        parts = [f"{side.get('fatalities')} killed" if side.get("fatalities") is not None else None,
                 f"perpetrator {side['actor1']}" if side.get("actor1") else None,
                 f"at {side['location']}" if side.get("location") else None]
        label, ref, kind = ", ".join(p for p in parts if p), f"event:{side.get('event')}", "event"
    src = srcs.get(doc) or records.sources(conn, [doc]).get(doc)
    n = cites.add(doc=doc, ref=ref, evidence=(row[0] if row else "") or "", source=src, kind=kind)
    return {"text": label, "outlet": (src or {}).get("outlet") or doc, "cite": n}


# ---- rendering -----------------------------------------------------------------------------

def _md_escape(value) -> str:
    """Markdown text: HTML markup shown as text, Markdown punctuation taken literally."""
    if value is None:
        return ""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]|#])", r"\\\1", text)
    return " ".join(text.split())


def _environment(fmt: str) -> Environment:
    env = Environment(loader=PackageLoader("sitrep.outputs.brief", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["day"] = format_day
    env.filters["md"] = _md_escape
    return env


def _css() -> str:
    from importlib import resources as ilr
    return ilr.files("sitrep.outputs.brief").joinpath("templates/brief.css").read_text(encoding="utf-8")


def render(ctx: dict, *, fmt: str = "html") -> str:
    env = _environment(fmt)
    if fmt == "md":
        return env.get_template("brief.md.j2").render(**ctx)
    return env.get_template("brief.html").render(css=_css(), **ctx)


def build_brief(db: str, *, out: str, fmt: str = "html", date_from: str | None = None, date_to: str | None = None,
                country: str | None = None) -> str:
    """Write the brief of database ``db`` to ``out``; returns the path written."""
    if fmt not in ("html", "md"):
        raise SitrepError("E112", option="--format", reason=f"{fmt!r}: the brief is 'html' or 'md'")
    filters = Filters(date_from=_check_day(date_from, "--from"), date_to=_check_day(date_to, "--to"),
                      country=(country or "").strip() or None)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise SitrepError("E112", option="--from/--to", reason="the start date is after the end date")
    from ...store import Store
    if not Path(db).exists():
        raise SitrepError("E106", path=db, reason="no such file")
    with Store(db, readonly=True) as store:
        ctx = collect(store.conn, filters=filters)
    text = render(ctx, fmt=fmt)
    Path(out).write_text(text, encoding="utf-8")
    log.info("brief written to %s (%d events, %d citations)", out, ctx["scope"]["events"], len(ctx["citations"]))
    return str(out)
