"""Benchmark: event fusion cost as the number of event mentions grows (1k, 10k, 100k).

Run: ``.venv/bin/python bench/fuse_bench.py [--sizes 1000 10000 100000] [--seed 7]``

Synthetic mentions model a growing news corpus: underlying events happen at a fixed
rate (``--per-day`` across a dozen countries), so a corpus ten times larger covers ten
times more days, as it does when news keeps arriving.  Each event is told by 1-5
documents with jittered coordinates, varying date precision (mostly the day, some
a few days, some a month, a few undated), some missing actors and differing tolls.
The script prints wall times and the growth factor per tenfold step; the target is
<= 12x time for 10x mentions.
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from sitrep.fuse import fuse
from sitrep.model import DateWindow, Event, Location

COUNTRIES = [("NG", 11.8, 13.1), ("ML", 14.5, -4.0), ("BF", 12.3, -1.5), ("SO", 2.0, 45.3), ("YE", 15.4, 44.2),
             ("SY", 35.9, 36.6), ("UA", 48.5, 37.5), ("AF", 34.5, 69.2), ("LY", 32.0, 15.0), ("SD", 13.6, 25.3),
             ("CD", -1.7, 29.2), ("MZ", -12.3, 40.3)]
TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"),
         ("Strategic developments", "Looting/property destruction")]
ACTORS = ["Military Forces", "Rebel Group A", "Rebel Group B", "Militia C", "Islamist Group D", None]
START = date(2020, 1, 1)


def towns(rng: random.Random) -> dict[str, list[tuple[str, float, float]]]:
    out = {}
    for iso, lat, lon in COUNTRIES:
        out[iso] = [(f"{iso}-town{i}", lat + rng.uniform(-3, 3), lon + rng.uniform(-3, 3)) for i in range(40)]
    return out


def synthetic(n: int, *, seed: int, per_day: int) -> list[tuple[str, Event]]:
    rng = random.Random(seed)
    places = towns(rng)
    mentions: list[tuple[str, Event]] = []
    doc_no = 0
    days = max(1, n // (3 * per_day))
    while len(mentions) < n:
        iso = rng.choice(COUNTRIES)[0]
        town, lat, lon = rng.choice(places[iso])
        etype, sub = rng.choice(TYPES)
        day = START + timedelta(days=rng.randrange(days))
        actor = rng.choice(ACTORS)
        toll = rng.choice([None, 0, 1, 2, 3, 5, 8, 12, 20, 35])
        for _ in range(rng.randint(1, 5)):
            doc_no += 1
            r = rng.random()
            if r < 0.80:
                a = b = day
                precision = "day"
            elif r < 0.90:
                a, b, precision = day - timedelta(days=rng.randint(0, 3)), day + timedelta(days=rng.randint(0, 3)), "week"
            elif r < 0.97:
                a, b, precision = day.replace(day=1), (day.replace(day=28)), "month"
            else:
                a = b = None
                precision = None
            p = rng.random()
            if p < 0.85:
                loc = Location(name=town, country=iso, iso=iso, lat=lat + rng.uniform(-0.05, 0.05),
                               lon=lon + rng.uniform(-0.05, 0.05), precision="city")
            elif p < 0.95:
                loc = Location(name=f"{iso}-region", country=iso, iso=iso, lat=lat, lon=lon, precision="region")
            else:
                loc = Location(name=iso, country=iso, iso=iso, precision="country")
            fat = None if toll is None or rng.random() < 0.3 else toll + rng.choice([0, 0, 0, 1, -1 if toll else 0])
            ev = Event(id=f"V{doc_no}", type=etype, sub_type=sub,
                       date=DateWindow(a and a.isoformat(), b and b.isoformat(), precision),
                       location=loc, actor1=actor if rng.random() < 0.7 else None, fatalities=fat)
            mentions.append((f"doc{doc_no}", ev))
            if len(mentions) >= n:
                break
    return mentions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-day", type=int, default=40, help="underlying events per day across all countries")
    args = ap.parse_args()
    previous = None
    for n in args.sizes:
        mentions = synthetic(n, seed=args.seed, per_day=args.per_day)
        groups = {f"doc{i}": f"doc{i - i % 10}" for i in range(0, n, 7)}   # some reuse links
        t0 = time.perf_counter()
        fused = fuse(mentions, groups=groups)
        spent = time.perf_counter() - t0
        multi = sum(1 for f in fused if len(f.mentions) > 1)
        growth = f"  x{spent / previous[1]:.1f} time for x{n / previous[0]:.0f} mentions" if previous else ""
        print(f"{n:>8} mentions -> {len(fused):>7} fused events ({multi} from several mentions): "
              f"{spent:8.2f} s{growth}", flush=True)
        previous = (n, spent)


if __name__ == "__main__":
    main()
