"""Read-side views over a store shared by the exports, the brief and the web app.

Everything here is a plain function of an open :class:`~sitrep.store.db.Store` (or its
connection) returning dicts ready to render: events (fused events when the corpus stage
has fused them, else one record per event mention), their mentions with the evidence
sentence and the source document, estimate series, actors and sources.  Filters run in
SQL so that a large database is paged, not loaded whole.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass

from ..model import FusedEvent

_ENTITY_REF = re.compile(r"E\d+")


@dataclass(frozen=True)
class Filters:
    """Event filters; every one optional.  Dates are ISO ``YYYY-MM-DD`` (a window overlap test)."""
    date_from: str | None = None
    date_to: str | None = None
    country: str | None = None          # name or ISO alpha-2, case-insensitive
    type: str | None = None             # ACLED event type (exact, case-insensitive)
    actor: str | None = None            # substring of actor1 or actor2
    place: str | None = None            # substring of location or admin1
    doc: str | None = None              # only mentions from this document (name or id)

    def active(self) -> bool:
        return any(v for v in self.__dict__.values())


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(f: Filters, *, alias: str) -> tuple[str, list]:
    """SQL conditions for ``f`` on a table with the event columns (events or fused_events)."""
    a = alias
    conds, args = [], []
    if f.date_from:
        conds.append(f"COALESCE({a}.date_latest, {a}.date_earliest) >= ?")
        args.append(f.date_from)
    if f.date_to:
        conds.append(f"COALESCE({a}.date_earliest, {a}.date_latest) <= ?")
        args.append(f.date_to)
    if f.country:
        conds.append(f"(lower({a}.country) = lower(?) OR upper({a}.iso) = upper(?))")
        args += [f.country.strip(), f.country.strip()]
    if f.type:
        conds.append(f"lower({a}.type) = lower(?)")
        args.append(f.type.strip())
    if f.actor:
        conds.append(f"({a}.actor1 LIKE ? ESCAPE '\\' OR {a}.actor2 LIKE ? ESCAPE '\\')")
        args += [_like(f.actor.strip())] * 2
    if f.place:
        conds.append(f"({a}.location LIKE ? ESCAPE '\\' OR {a}.admin1 LIKE ? ESCAPE '\\')")
        args += [_like(f.place.strip())] * 2
    return (" AND ".join(conds) or "1=1"), args


def has_fused(conn) -> bool:
    return conn.execute("SELECT 1 FROM fused_events LIMIT 1").fetchone() is not None


# ---- documents ---------------------------------------------------------------------------

def sources(conn, names: list[str] | None = None) -> dict[str, dict]:
    """Document name -> {doc, id, title, outlet, url, source, published, ...} (no text)."""
    sql = ("SELECT rowid, id, doc, title, outlet, url, source, author, kind, language, published_earliest, "
           "published_latest, published_precision, flags, ingested_at FROM documents")
    rows = conn.execute(sql + " ORDER BY rowid").fetchall() if names is None else [
        r for chunk in _chunks(sorted(set(names)), 500)
        for r in conn.execute(sql + f" WHERE doc IN ({','.join('?' * len(chunk))}) ORDER BY rowid", chunk)]
    out = {}
    for r in rows:
        d = dict(r)
        d["flags"] = json.loads(d["flags"] or "[]")
        out.setdefault(d["doc"], d)
    return out


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def reuse_links(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT a.doc AS doc, b.doc AS other, r.relation AS relation, r.share AS share "
        "FROM reuses r JOIN documents a ON a.id=r.doc_id JOIN documents b ON b.id=r.other_id ORDER BY a.rowid")]


def entity_names(conn, doc_ids: list[str]) -> dict[tuple[str, str], str]:
    """(document id, entity id) -> canonical name, to show actors stored as entity refs."""
    out = {}
    for chunk in _chunks(sorted(set(doc_ids)), 500):
        for r in conn.execute(f"SELECT doc_id, id, name FROM entities WHERE doc_id IN ({','.join('?' * len(chunk))})",
                              chunk):
            out[(r["doc_id"], r["id"])] = r["name"]
    return out


def _actor(value, doc_id: str | None, names: dict) -> str | None:
    if isinstance(value, str) and _ENTITY_REF.fullmatch(value) and doc_id:
        return names.get((doc_id, value), value)
    return value


# ---- events ------------------------------------------------------------------------------

def _mention_rows(conn, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """(doc name, event id) -> the stored event mention with its document's metadata."""
    out: dict[tuple[str, str], dict] = {}
    by_doc = defaultdict(list)
    for doc, ev in keys:
        by_doc[doc].append(ev)
    docs = sorted(by_doc)
    for chunk in _chunks(docs, 300):
        rows = conn.execute(
            "SELECT e.*, d.doc AS docname, d.title, d.outlet, d.url, d.published_earliest FROM events e "
            f"JOIN documents d ON d.id=e.doc_id WHERE d.doc IN ({','.join('?' * len(chunk))})", chunk)
        for r in rows:
            if r["id"] in by_doc[r["docname"]]:
                out.setdefault((r["docname"], r["id"]), dict(r))
    return out


def _mention_view(row: dict, names: dict, extra: dict | None = None) -> dict:
    spans = json.loads(row.get("spans") or "[]")
    start, end = (spans[0] if spans else (None, None))
    m = {"doc": row["docname"], "doc_id": row["doc_id"], "event": row["id"], "title": row.get("title"),
         "outlet": row.get("outlet"), "url": row.get("url"), "published": row.get("published_earliest"),
         "evidence": row.get("evidence") or "", "start": start, "end": end,
         "type": row["type"], "sub_type": row["sub_type"],
         "date": {"earliest": row["date_earliest"], "latest": row["date_latest"],
                  "precision": row["date_precision"], "text": row["date_text"]},
         "location": row["location"], "fatalities": row["fatalities"], "injured": row["injured"],
         "actor1": _actor(row["actor1"], row["doc_id"], names), "actor2": _actor(row["actor2"], row["doc_id"], names),
         "attributed_to": row["attributed_to"], "hedged": bool(row["hedged"]), "source_group": row["docname"]}
    if extra:
        m["source_group"] = extra.get("source_group") or m["source_group"]
    return m


def _location(d: dict) -> dict:
    return {"name": d.get("location"), "admin1": d.get("admin1"), "country": d.get("country"), "iso": d.get("iso"),
            "lat": d.get("lat"), "lon": d.get("lon"), "precision": d.get("geo_precision")}


def _fused_view(fe: FusedEvent, mentions: dict, names: dict) -> dict:
    loc = fe.location
    ms = []
    for m in fe.mentions:
        row = mentions.get((m.get("doc"), m.get("event")))
        if row is not None:
            ms.append(_mention_view(row, names, m))
    first = ms[0] if ms else {}
    return {"id": fe.id, "kind": "fused", "type": fe.type, "sub_type": fe.sub_type,
            "date": {"earliest": fe.date.earliest, "latest": fe.date.latest, "precision": fe.date.precision,
                     "text": fe.date.text},
            "location": {"name": loc.name, "admin1": loc.admin1, "country": loc.country, "iso": loc.iso,
                         "lat": loc.lat, "lon": loc.lon, "precision": loc.precision},
            "actor1": _actor(fe.actor1, first.get("doc_id"), names),
            "actor2": _actor(fe.actor2, first.get("doc_id"), names),
            "fatalities": fe.fatalities, "injured": fe.injured, "fatalities_reported": list(fe.fatalities_reported),
            "hedged": bool(fe.hedged), "sources": list(fe.sources),
            "attributed_to": sorted({m["attributed_to"] for m in ms if m["attributed_to"]}),
            "mentions": ms}


def _single_view(row: dict, names: dict) -> dict:
    m = _mention_view(row, names)
    return {"id": f"{row['docname']}#{row['id']}", "kind": "mention", "type": row["type"], "sub_type": row["sub_type"],
            "date": m["date"], "location": _location(row), "actor1": m["actor1"], "actor2": m["actor2"],
            "fatalities": row["fatalities"], "injured": row["injured"],
            "fatalities_reported": [row["fatalities"]] if row["fatalities"] is not None else [],
            "hedged": bool(row["hedged"]), "sources": [row["docname"]],
            "attributed_to": [row["attributed_to"]] if row["attributed_to"] else [], "mentions": [m]}


def _order(a: str, tiebreak: str) -> str:
    return f"{a}.date_earliest IS NULL, {a}.date_earliest, {a}.date_latest, {tiebreak}"


def events(conn, filters: Filters = Filters(), *, fused: bool | None = None, limit: int | None = None,
           offset: int = 0) -> tuple[list[dict], int]:
    """Event records matching ``filters`` in date order, and how many match in all.

    ``fused`` None: fused events when the store has any, else event mentions.
    """
    if fused is None:
        fused = has_fused(conn) and not filters.doc
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    if fused:
        where, args = _where(filters, alias="f")
        total = conn.execute(f"SELECT count(*) FROM fused_events f WHERE {where}", args).fetchone()[0]
        rows = conn.execute(f"SELECT f.data FROM fused_events f WHERE {where} ORDER BY "
                            + _order("f", "f.id") + page, args).fetchall()
        fes = [_fused_from_json(r[0]) for r in rows]
        keys = [(m.get("doc"), m.get("event")) for fe in fes for m in fe.mentions]
        mentions = _mention_rows(conn, keys)
        names = entity_names(conn, [m["doc_id"] for m in mentions.values()])
        return [_fused_view(fe, mentions, names) for fe in fes], total
    where, args = _where(filters, alias="e")
    if filters.doc:
        where += " AND (d.doc = ? OR d.id = ?)"
        args += [filters.doc, filters.doc]
    base = f"FROM events e JOIN documents d ON d.id=e.doc_id WHERE {where}"
    total = conn.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    rows = [dict(r) for r in conn.execute(
        f"SELECT e.*, d.doc AS docname, d.title, d.outlet, d.url, d.published_earliest {base} ORDER BY "
        + _order("e", "d.rowid, e.rowid") + page, args)]
    names = entity_names(conn, [r["doc_id"] for r in rows])
    return [_single_view(r, names) for r in rows], total


def event(conn, event_id: str) -> dict | None:
    """One event record by fused id, or by ``doc#event`` for a single mention."""
    row = conn.execute("SELECT data FROM fused_events WHERE id=?", (event_id,)).fetchone()
    if row is not None:
        fe = _fused_from_json(row[0])
        mentions = _mention_rows(conn, [(m.get("doc"), m.get("event")) for m in fe.mentions])
        return _fused_view(fe, mentions, entity_names(conn, [m["doc_id"] for m in mentions.values()]))
    doc, sep, ev = event_id.rpartition("#")
    if not sep:
        return None
    rows = [dict(r) for r in conn.execute(
        "SELECT e.*, d.doc AS docname, d.title, d.outlet, d.url, d.published_earliest FROM events e "
        "JOIN documents d ON d.id=e.doc_id WHERE (d.doc=? OR d.id=?) AND e.id=? LIMIT 1", (doc, doc, ev))]
    if not rows:
        return None
    return _single_view(rows[0], entity_names(conn, [rows[0]["doc_id"]]))


def _fused_from_json(raw: str) -> FusedEvent:
    from ..model import DateWindow, Location
    d = json.loads(raw)
    d["date"] = DateWindow(**d["date"])
    d["location"] = Location(**d["location"])
    return FusedEvent(**d)


def event_types(conn) -> list[str]:
    table = "fused_events" if has_fused(conn) else "events"
    return [r[0] for r in conn.execute(f"SELECT DISTINCT type FROM {table} ORDER BY type")]


def countries(conn) -> list[str]:
    table = "fused_events" if has_fused(conn) else "events"
    return [r[0] for r in conn.execute(f"SELECT DISTINCT country FROM {table} WHERE country IS NOT NULL "
                                       "ORDER BY country")]


# ---- claims and series -------------------------------------------------------------------

def claims(conn, *, doc: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[list[dict], int]:
    where, args = ("1=1", []) if not doc else ("(d.doc=? OR d.id=?)", [doc, doc])
    base = f"FROM claims c JOIN documents d ON d.id=c.doc_id WHERE {where}"
    total = conn.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    out = []
    for r in conn.execute(f"SELECT c.*, d.doc AS docname, d.outlet {base} ORDER BY d.rowid, c.rowid" + page, args):
        spans = json.loads(r["spans"] or "[]")
        out.append({"doc": r["docname"], "id": r["id"], "about": r["about"], "actor": r["actor"], "where": r["place"],
                    "when": {"earliest": r["when_earliest"], "latest": r["when_latest"], "text": r["when_text"]},
                    "value": {"low": r["low"], "high": r["high"], "text": r["value_text"]}, "unit": r["unit"],
                    "attributed_to": r["attributed_to"], "hedged": bool(r["hedged"]), "evidence": r["evidence"] or "",
                    "start": spans[0][0] if spans else None, "end": spans[0][1] if spans else None,
                    "outlet": r["outlet"], "series": r["series_key"]})
    return out, total


def series(conn) -> list[dict]:
    """Estimate series with each point's evidence sentence, outlet and publication date.

    Falls back to grouping the stored claims (:func:`sitrep.fuse.series`) when the corpus
    stage has not written series yet.
    """
    rows = [json.loads(r[0]) for r in conn.execute("SELECT data FROM series ORDER BY key")]
    if not rows:
        rows = _series_from_claims(conn)
    evidence = {(r["docname"], r["id"]): r for r in conn.execute(
        "SELECT c.id, c.evidence, d.doc AS docname, d.outlet, d.title, d.published_earliest "
        "FROM claims c JOIN documents d ON d.id=c.doc_id")}
    for s in rows:
        for p in s.get("points", []):
            r = evidence.get((p.get("doc"), p.get("claim")))
            p["evidence_text"] = (r["evidence"] if r else "") or ""
            p["outlet"] = r["outlet"] if r else None
            p["published"] = r["published_earliest"] if r else None
    return rows


def _series_from_claims(conn) -> list[dict]:
    import dataclasses

    from .. import fuse
    from ..store.db import _claim_from_row
    items = [(r["docname"], _claim_from_row(r)) for r in conn.execute(
        "SELECT c.*, d.doc AS docname FROM claims c JOIN documents d ON d.id=c.doc_id ORDER BY d.rowid, c.rowid")]
    if not items:
        return []
    return [dataclasses.asdict(s) for s in fuse.series(items, groups={})]


def contradictions(conn) -> list[dict]:
    return [json.loads(r[0]) for r in conn.execute("SELECT data FROM contradictions ORDER BY id")]


def actors(conn, *, doc_names: list[str] | None = None, limit: int = 40) -> list[dict]:
    """Named actors (not places) with every alias seen and how many documents name them."""
    where, args = "e.type NOT IN ('GPE', 'LOC', 'FACILITY')", []
    if doc_names is not None:
        if not doc_names:
            return []
        where += f" AND d.doc IN ({','.join('?' * len(doc_names))})"
        args = list(doc_names)
    acc: dict[str, dict] = {}
    for r in conn.execute(f"SELECT e.name, e.type, e.aliases, d.doc FROM entities e JOIN documents d "
                          f"ON d.id=e.doc_id WHERE {where}", args):
        a = acc.setdefault(r["name"], {"name": r["name"], "types": set(), "aliases": set(), "docs": set()})
        a["types"].add(r["type"] or "")
        a["aliases"].update(x for x in json.loads(r["aliases"] or "[]") if x and x != r["name"])
        a["docs"].add(r["doc"])
    out = [{"name": a["name"], "type": "/".join(sorted(t for t in a["types"] if t)),
            "aliases": sorted(a["aliases"], key=str.casefold), "documents": len(a["docs"])} for a in acc.values()]
    out.sort(key=lambda a: (-a["documents"], a["name"].casefold()))
    return out[:limit]


def actor_types(conn) -> dict[str, str]:
    """Canonical actor name -> its most frequent entity type (for ACLED inter codes)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in conn.execute("SELECT name, type, count(*) AS n FROM entities GROUP BY name, type"):
        counts[r["name"]][r["type"] or ""] += r["n"]
    return {name: max(types.items(), key=lambda kv: (kv[1], kv[0]))[0] for name, types in counts.items()}
