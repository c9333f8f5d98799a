"""Build ``sitrep/data/world_outlines.json.gz``: simplified country outlines for the offline maps.

Run once by a maintainer, never at run time::

    python -m sitrep.outputs.brief.build_outlines PATH/naturalearth_lowres.shp

Source: Natural Earth "Admin 0 - Countries" at 1:110m (public domain, naturalearthdata.com),
as shipped in the ``naturalearth_lowres`` folder of the PyPI package geopandas 0.14.4
(``geopandas/datasets/naturalearth_lowres``).  Reading it needs pyshp (``shapefile``), a
build-time tool only.  Coordinates are rounded to 0.01 degree and rings are thinned by
dropping points closer than :data:`MIN_STEP` degrees to the previous one kept.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

MIN_STEP = 0.08
OUT = Path(__file__).resolve().parents[2] / "data" / "world_outlines.json.gz"


def _thin(ring: list[tuple[float, float]]) -> list[list[float]]:
    kept: list[list[float]] = []
    for lon, lat in ring:
        pt = [round(lon, 2), round(lat, 2)]
        if kept and abs(pt[0] - kept[-1][0]) < MIN_STEP and abs(pt[1] - kept[-1][1]) < MIN_STEP:
            continue
        kept.append(pt)
    return kept


def _rings(shape) -> list[list[tuple[float, float]]]:
    parts = list(shape.parts) + [len(shape.points)]
    return [shape.points[a:b] for a, b in zip(parts, parts[1:])]


def build(shp: Path, out: Path = OUT) -> int:
    import shapefile  # build-time only

    reader = shapefile.Reader(str(shp), encoding="latin-1")
    fields = [f[0] for f in reader.fields[1:]]
    countries = []
    for rec, shape in zip(reader.records(), reader.shapes()):
        row = dict(zip(fields, rec))
        rings = [r for r in (_thin(ring) for ring in _rings(shape)) if len(r) >= 4]
        if rings:
            countries.append({"name": row["name"], "iso_a3": row["iso_a3"], "rings": rings})
    data = {
        "source": "Natural Earth Admin 0 Countries 1:110m, via geopandas 0.14.4 datasets/naturalearth_lowres",
        "licence": "public domain (Natural Earth terms of use)",
        "countries": sorted(countries, key=lambda c: c["name"]),
    }
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        json.dump(data, fh, separators=(",", ":"))
    return len(countries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shp", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    n = build(args.shp, args.out)
    print(f"wrote {n} countries to {args.out}")  # a build script, not library code


if __name__ == "__main__":
    main()
