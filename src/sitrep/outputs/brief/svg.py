"""SVG drawings shared by the brief and the web app: map, timeline, estimates.

Each function returns a :class:`markupsafe.Markup` string of one ``<svg>`` element with
every piece of text escaped (article text is untrusted).  Marks carry classes that tests
and style sheets use: ``ev-mark`` (map points), ``tl-event`` (timeline marks), ``est-range``
(estimate ranges).  No script, no external resource.
"""
from __future__ import annotations

import gzip
import json
import math
from datetime import date, timedelta
from importlib import resources as ilr
from urllib.parse import quote

from markupsafe import Markup, escape

from ...model import iso_day

TYPE_COLOURS = {
    "battles": "#c62828",
    "explosions/remote violence": "#ef6c00",
    "violence against civilians": "#6a1b9a",
    "protests": "#1565c0",
    "riots": "#b8860b",
    "strategic developments": "#2e7d32",
}
OTHER_COLOUR = "#546e7a"
SOURCE_COLOURS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#8d6e63", "#ad1457"]
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""


def type_colour(event_type: str | None) -> str:
    return TYPE_COLOURS.get((event_type or "").casefold(), OTHER_COLOUR)


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content, *, size: int = 11, anchor: str = "start", cls: str = "",
          fill: str = "#263238", weight: str = "normal") -> str:
    cls_attr = f' class="{cls}"' if cls else ""
    return (f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}"{cls_attr}>{escape(content)}</text>')


# ---- outlines ----------------------------------------------------------------------------

def load_outlines() -> list[dict]:
    """Country outlines from the packaged Natural Earth extract, each with its bounding box.

    Callers keep the result (the brief per call, the web app per app): no module cache.
    """
    raw = ilr.files("sitrep").joinpath("data/world_outlines.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw).decode("utf-8"))
    out = []
    for c in data["countries"]:
        lons = [p[0] for r in c["rings"] for p in r]
        lats = [p[1] for r in c["rings"] for p in r]
        out.append({**c, "bbox": (min(lons), min(lats), max(lons), max(lats))})
    return out


# ---- map ---------------------------------------------------------------------------------

class _View:
    """Equirectangular projection (x scaled by cos of the centre latitude) fitted to a box."""

    def __init__(self, lon0: float, lat0: float, lon1: float, lat1: float, width: int, height: int):
        self.k = max(0.2, math.cos(math.radians((lat0 + lat1) / 2)))
        du, dv = (lon1 - lon0) * self.k, lat1 - lat0
        self.scale = min(width / du, height / dv)
        self.cx, self.cy = (lon0 + lon1) / 2, (lat0 + lat1) / 2
        self.w, self.h = width, height
        # the lon/lat box actually visible once the aspect ratio is kept
        half_lon, half_lat = width / self.scale / self.k / 2, height / self.scale / 2
        self.box = (self.cx - half_lon, self.cy - half_lat, self.cx + half_lon, self.cy + half_lat)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.w / 2 + (lon - self.cx) * self.k * self.scale, self.h / 2 - (lat - self.cy) * self.scale)


def _fit(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    if not points:
        return (-170.0, -58.0, 190.0, 80.0)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    pad_lon, pad_lat = max(3.0, (lon1 - lon0) * 0.15), max(3.0, (lat1 - lat0) * 0.15)
    return (max(-180.0, lon0 - pad_lon), max(-85.0, lat0 - pad_lat), min(180.0, lon1 + pad_lon),
            min(85.0, lat1 + pad_lat))


def _focus(points: list[tuple[float, float]]) -> list[bool]:
    """Which points the view keeps: all, except far outliers that would shrink the main cluster.

    A point more than max(8 degrees, 4 x the median distance) from the median position is
    left out of the view (and named in a note), so that one report from Washington does
    not turn a map of Libya into a map of the Atlantic.
    """
    if len(points) < 4:
        return [True] * len(points)
    lons, lats = sorted(p[0] for p in points), sorted(p[1] for p in points)
    mlon, mlat = lons[len(lons) // 2], lats[len(lats) // 2]
    k = math.cos(math.radians(mlat))
    dist = [math.hypot((lon - mlon) * k, lat - mlat) for lon, lat in points]
    limit = max(8.0, 4 * sorted(dist)[len(dist) // 2])
    return [d <= limit for d in dist]


def _ring_path(ring: list[list[float]], view: _View) -> str:
    pts = [view.xy(lon, lat) for lon, lat in ring]
    return "M" + "L".join(f"{_num(x)},{_num(y)}" for x, y in pts) + "Z"


def _visible(bbox, box) -> bool:
    return not (bbox[2] < box[0] or bbox[0] > box[2] or bbox[3] < box[1] or bbox[1] > box[3])


def _graticule(view: _View) -> list[str]:
    lon0, lat0, lon1, lat1 = view.box
    span = max(lon1 - lon0, lat1 - lat0)
    step = next(s for s in (1, 2, 5, 10, 20, 30, 60) if span / s <= 8)
    out = []
    lon = math.ceil(lon0 / step) * step
    while lon <= lon1:
        x, _ = view.xy(lon, 0)
        out.append(f'<line x1="{_num(x)}" y1="0" x2="{_num(x)}" y2="{view.h}" class="grid"/>')
        out.append(_text(x + 2, view.h - 4, f"{abs(lon)}°{'E' if lon >= 0 else 'W'}", size=9, fill="#78909c"))
        lon += step
    lat = math.ceil(lat0 / step) * step
    while lat <= lat1:
        _, y = view.xy(0, lat)
        out.append(f'<line x1="0" y1="{_num(y)}" x2="{view.w}" y2="{_num(y)}" class="grid"/>')
        out.append(_text(3, y - 2, f"{abs(lat)}°{'N' if lat >= 0 else 'S'}", size=9, fill="#78909c"))
        lat += step
    return out


def radius(fatalities: int | None) -> float:
    """Point radius: area grows with the toll; an unknown toll gets the smallest mark."""
    return min(26.0, 4.5 + 2.2 * math.sqrt(max(0, fatalities or 0)))


def map_svg(events: list[dict], outlines: list[dict], *, width: int = 900, height: int = 520,
            link: str | None = None) -> Markup:
    """Events (records of :mod:`sitrep.outputs.records`) as points on country outlines.

    ``link``: a URL pattern with ``{id}`` to make each point a link (the web app).
    """
    located = [e for e in events if e["location"].get("lat") is not None and e["location"].get("lon") is not None]
    keep = _focus([(e["location"]["lon"], e["location"]["lat"]) for e in located])
    outside = [e for e, k in zip(located, keep) if not k]
    view = _View(*_fit([(e["location"]["lon"], e["location"]["lat"]) for e, k in zip(located, keep) if k]),
                 width, height)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sitrep-map" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="Map of events" {FONT}>',
             '<style>.grid{stroke:#b0bec5;stroke-width:.5;stroke-dasharray:2 3}'
             '.land{fill:#eceff1;stroke:#90a4ae;stroke-width:.7}'
             '.ev-mark{stroke:#fff;stroke-width:1.2;fill-opacity:.78}</style>',
             f'<rect width="{width}" height="{height}" fill="#dceaf5"/>']
    for c in outlines:
        if _visible(c["bbox"], view.box):
            d = "".join(_ring_path(r, view) for r in c["rings"])
            parts.append(f'<path class="land" d="{d}"><title>{escape(c["name"])}</title></path>')
    parts += _graticule(view)
    labelled: set[str] = set()
    boxes: list[tuple[float, float, float, float]] = []
    for e in sorted(located, key=lambda e: -radius(e.get("fatalities"))):
        if e in outside:
            continue
        x, y = view.xy(e["location"]["lon"], e["location"]["lat"])
        r = radius(e.get("fatalities"))
        tip = _tooltip(e)
        circle = (f'<circle class="ev-mark" data-type="{escape(e["type"])}" cx="{_num(x)}" cy="{_num(y)}" '
                  f'r="{_num(r)}" fill="{type_colour(e["type"])}"><title>{escape(tip)}</title></circle>')
        if link:
            circle = f'<a href="{escape(link.format(id=quote(e["id"], safe="")))}">{circle}</a>'
        parts.append(circle)
        name = e["location"].get("name")
        if name and name not in labelled:
            label = name if len(name) <= 26 else name[:25] + "…"
            box = (x + r + 2, y - 8, x + r + 4 + 6.6 * len(label), y + 6)
            if box[2] < width and not any(_overlap(box, b) for b in boxes):
                labelled.add(name)
                boxes.append(box)
                parts.append(_text(x + r + 3, y + 4, label, size=11, weight="600", cls="map-label"))
    parts += _map_legend([e["type"] for e in located], height)
    if outside:
        names = sorted({e["location"].get("name") or e["location"].get("country") or "?" for e in outside})
        note = f"Outside this view: {len(outside)} event(s) in " + "; ".join(names)
        parts.append(f'<rect x="{width - 8 - min(width - 16, 6 * len(note[:120]) + 12)}" y="8" '
                     f'width="{min(width - 16, 6 * len(note[:120]) + 12)}" height="20" rx="3" fill="#fff" '
                     'fill-opacity=".9"/>')
        parts.append(_text(width - 14, 22, note[:120], size=11, anchor="end", cls="map-outside"))
    if not located:
        parts.append(_text(width / 2, height / 2, "No event has coordinates in this selection.", size=14,
                           anchor="middle"))
    parts.append("</svg>")
    return Markup("".join(parts))


def _overlap(a: tuple, b: tuple) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def _tooltip(e: dict) -> str:
    d = e["date"]
    when = d.get("earliest") or "undated"
    if d.get("latest") and d.get("latest") != d.get("earliest"):
        when += f" to {d['latest']}"
    toll = f", {e['fatalities']} killed" if e.get("fatalities") is not None else ""
    return f"{when}: {e['sub_type']} in {e['location'].get('name') or e['location'].get('country') or '?'}{toll}"


def _map_legend(types: list[str], height: int) -> list[str]:
    kinds = sorted(set(types), key=str.casefold)
    if not kinds:
        return []
    box_h = 22 + 16 * len(kinds) + 22
    y0 = height - box_h - 8
    out = [f'<g class="legend"><rect x="8" y="{y0}" width="250" height="{box_h}" rx="4" fill="#fff" '
           'fill-opacity=".9" stroke="#b0bec5"/>', _text(16, y0 + 16, "Event type", size=11, weight="600")]
    for i, k in enumerate(kinds):
        y = y0 + 32 + 16 * i
        out.append(f'<circle cx="22" cy="{y - 4}" r="5" fill="{type_colour(k)}"/>')
        out.append(_text(32, y, k, size=11))
    out.append(_text(16, y0 + box_h - 8, "Circle area grows with fatalities", size=10, fill="#546e7a"))
    out.append("</g>")
    return out


# ---- timeline ----------------------------------------------------------------------------



def _window(d: dict) -> tuple[date, date] | None:
    a, b = iso_day(d.get("earliest")), iso_day(d.get("latest"))
    if a is None and b is None:
        return None
    a, b = a or b, b or a
    return (a, b) if a <= b else (b, a)


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def _ticks(a: date, b: date) -> list[tuple[date, str]]:
    days = (b - a).days
    if days <= 70:
        step = next(s for s in (1, 2, 7, 14) if days / s <= 10)
        start = a if step < 7 else a - timedelta(days=a.weekday())
        out, d = [], start
        while d <= b:
            if d >= a:
                out.append((d, d.strftime("%d %b %Y")))
            d += timedelta(days=step)
        return out
    months = days / 30.4
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120) if months / s <= 9)
    d = date(a.year, a.month, 1)
    if step >= 12:
        d = date(a.year - a.year % (step // 12), 1, 1)
    out = []
    while d <= b:
        if d >= a:
            out.append((d, d.strftime("%Y") if step >= 12 else d.strftime("%b %Y")))
        d = _add_months(d, step)
    return out


def timeline_svg(events: list[dict], *, width: int = 900, link: str | None = None, max_rows: int = 400) -> Markup:
    """Events on a date axis: a bar for a date window, a dot for a single day."""
    dated = [(w, e) for e in events if (w := _window(e["date"])) is not None][:max_rows]
    undated = len(events) - len([e for e in events if _window(e["date"]) is not None])
    row_h, top, label_w = 20, 40, 300
    height = top + row_h * max(1, len(dated)) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sitrep-timeline" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="Timeline of events" {FONT}>',
             '<style>.axis{stroke:#90a4ae}.tick{stroke:#cfd8dc}.row:nth-child(odd){fill:#f5f7f8}</style>']
    if not dated:
        parts.append(_text(width / 2, top + 10, "No dated event in this selection.", size=13, anchor="middle"))
        parts.append("</svg>")
        return Markup("".join(parts))
    a = min(w[0] for w, _ in dated)
    b = max(w[1] for w, _ in dated)
    pad = max(1, (b - a).days // 20)
    a, b = a - timedelta(days=pad), b + timedelta(days=pad + 1)
    span = max(1, (b - a).days)
    x0, x1 = label_w + 10, width - 15

    def x(d: date) -> float:
        return x0 + (d - a).days / span * (x1 - x0)

    for d, label in _ticks(a, b):
        parts.append(f'<line class="tick" x1="{_num(x(d))}" y1="{top - 8}" x2="{_num(x(d))}" '
                     f'y2="{top + row_h * len(dated)}"/>')
        parts.append(_text(x(d), top - 14, label, size=10, anchor="middle", fill="#546e7a"))
    parts.append(f'<line class="axis" x1="{x0}" y1="{top - 8}" x2="{x1}" y2="{top - 8}"/>')
    for i, (w, e) in enumerate(dated):
        y = top + i * row_h
        if i % 2 == 0:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{row_h}" fill="#f5f7f8"/>')
        sub = e.get("sub_type") or e.get("type") or "event"
        sub = sub if len(sub) <= 22 else sub[:21] + "…"
        place = e["location"].get("name") or e["location"].get("country") or "?"
        parts.append(_text(6, y + 14, f"{w[0].isoformat()}  {sub} · {place}"[:50], size=11))
        colour, tip = type_colour(e["type"]), escape(_tooltip(e))
        if w[1] > w[0]:
            xa, xb = x(w[0]), x(w[1] + timedelta(days=1))
            mark = (f'<rect class="tl-event tl-window" data-type="{escape(e["type"])}" x="{_num(xa)}" '
                    f'y="{y + 5}" width="{_num(max(3.0, xb - xa))}" height="{row_h - 10}" rx="3" fill="{colour}" '
                    f'fill-opacity=".75"><title>{tip}</title></rect>')
        else:
            mark = (f'<circle class="tl-event tl-day" data-type="{escape(e["type"])}" '
                    f'cx="{_num(x(w[0]) + (x1 - x0) / span / 2)}" cy="{y + row_h / 2}" r="5.5" fill="{colour}">'
                    f'<title>{tip}</title></circle>')
        if link:
            mark = f'<a href="{escape(link.format(id=quote(e["id"], safe="")))}">{mark}</a>'
        parts.append(mark)
    note = f"{undated} undated event(s) not shown. " if undated else ""
    parts.append(_text(6, height - 14, note + "Bars: date windows; dots: single days.", size=10, fill="#546e7a"))
    parts.append("</svg>")
    return Markup("".join(parts))


# ---- estimates ---------------------------------------------------------------------------

def _nice_max(v: float) -> float:
    """An axis top that splits into four round steps (1, 2, 2.5 or 5 times a power of ten)."""
    if v <= 0:
        return 4.0
    raw = v / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return 4 * step


def _when(p: dict) -> date | None:
    w = _window(p.get("when") or {})
    if w is None:
        return iso_day(p.get("published"))
    return w[0] + (w[1] - w[0]) / 2


def _fmt(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.1f}"


def estimates_svg(series: dict, *, width: int = 900, height: int = 220, uid: str = "s") -> Markup:
    """One estimate series: per source and time a vertical bar from low to high.

    An open upper bound ("at least N") fades upwards to an arrow; an open lower bound
    ("up to N") fades downwards to zero.  Colours tell sources apart.
    """
    pts = [p for p in series.get("points", []) if p.get("low") is not None or p.get("high") is not None]
    left, right, top, bottom = 70, 20, 18, 46
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sitrep-estimates" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="Estimates" {FONT}>']
    if not pts:
        parts.append(_text(width / 2, height / 2, "No figure in this series.", anchor="middle"))
        parts.append("</svg>")
        return Markup("".join(parts))
    finite = [v for p in pts for v in (p.get("low"), p.get("high")) if v is not None]
    ymax = _nice_max(max(finite) * 1.25)
    plot_h = height - top - bottom

    def y(v: float) -> float:
        return top + plot_h * (1 - v / ymax)

    for i in range(5):
        v = ymax * i / 4
        parts.append(f'<line x1="{left}" y1="{_num(y(v))}" x2="{width - right}" y2="{_num(y(v))}" '
                     'stroke="#eceff1"/>')
        parts.append(_text(left - 6, y(v) + 4, _fmt(v), size=10, anchor="end", fill="#546e7a"))
    times = [t for t in (_when(p) for p in pts) if t is not None]
    t0, t1 = (min(times), max(times)) if times else (None, None)
    groups = sorted({p.get("source_group") or p.get("doc") or "" for p in pts})
    parts.append(_gradients(uid, len(groups)))
    slot = (width - left - right) / (len(pts) + 1)
    for i, p in enumerate(sorted(pts, key=lambda p: (_when(p) or date.max, p.get("doc") or ""))):
        t = _when(p)
        if t0 and t1 and t1 > t0 and t is not None:
            cx = left + 110 + (t - t0).days / (t1 - t0).days * (width - left - right - 220)
            cx += (i % 3 - 1) * 10      # sources on one date sit side by side
        else:
            cx = left + slot * (i + 1)
        k = groups.index(p.get("source_group") or p.get("doc") or "") % len(SOURCE_COLOURS)
        parts.append(_range_mark(p, cx, y, top, SOURCE_COLOURS[k], f"{uid}-{k}"))
        colour = SOURCE_COLOURS[k]
        src = p.get("outlet") or p.get("doc") or ""
        parts.append(_text(cx, height - bottom + 16, (t.isoformat() if t else "undated"), size=10, anchor="middle",
                           fill="#546e7a"))
        parts.append(_text(cx, height - bottom + 30, src[:28], size=10, anchor="middle", fill=colour))
    parts.append(f'<line x1="{left}" y1="{_num(y(0))}" x2="{width - right}" y2="{_num(y(0))}" stroke="#90a4ae"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _gradients(uid: str, n: int) -> str:
    """Fades for open-ended ranges, one pair per source colour (gradients do not inherit colour)."""
    out = ["<defs>"]
    for k in range(min(n, len(SOURCE_COLOURS))):
        c = SOURCE_COLOURS[k]
        for name, (y1, y2) in (("up", (1, 0)), ("down", (0, 1))):
            out.append(f'<linearGradient id="{uid}-{k}-{name}" x1="0" y1="{y1}" x2="0" y2="{y2}">'
                       f'<stop offset="0" stop-color="{c}" stop-opacity=".85"/>'
                       f'<stop offset="1" stop-color="{c}" stop-opacity=".04"/></linearGradient>')
    out.append("</defs>")
    return "".join(out)


def _range_mark(p: dict, cx: float, y, top: float, colour: str, uid: str) -> str:
    lo, hi = p.get("low"), p.get("high")
    w = 12
    tip = escape(f"{p.get('text') or ''} ({p.get('outlet') or p.get('doc') or ''})")
    label = escape(p.get("text") or "")
    g = f'<g class="est-point" style="color:{colour}"><title>{tip}</title>'
    if lo is not None and hi is not None and y(lo) - y(hi) < 4:     # a point figure: a dot
        body = (f'<circle class="est-range est-point" cx="{_num(cx)}" cy="{_num(y(hi))}" r="5" fill="{colour}"/>')
        text_y = y(hi) - 8
    elif lo is not None and hi is not None:
        ya, yb = y(hi), y(lo)
        h = max(3.0, yb - ya)
        y_top = ya if yb - ya >= 3 else (ya + yb) / 2 - 1.5     # a point estimate: a short bar
        body = (f'<rect class="est-range" x="{_num(cx - w / 2)}" y="{_num(y_top)}" '
                f'width="{w}" height="{_num(h)}" rx="2" fill="{colour}" fill-opacity=".8"/>')
        text_y = ya - 6
    elif lo is not None:        # "at least": open upwards
        ya = top + 10
        body = (f'<rect class="est-range est-open-high" x="{_num(cx - w / 2)}" y="{_num(ya)}" width="{w}" '
                f'height="{_num(y(lo) - ya)}" fill="url(#{uid}-up)"/>'
                f'<line x1="{_num(cx - w / 2 - 3)}" y1="{_num(y(lo))}" x2="{_num(cx + w / 2 + 3)}" y2="{_num(y(lo))}" '
                f'stroke="{colour}" stroke-width="2.5"/>'
                f'<path class="est-open" d="M{_num(cx - 7)},{_num(ya + 2)}L{_num(cx)},{_num(ya - 8)}'
                f'L{_num(cx + 7)},{_num(ya + 2)}Z" fill="{colour}"/>')
        text_y = y(lo) + 14
    else:                       # "up to": open downwards to zero
        yb = y(0)
        body = (f'<rect class="est-range est-open-low" x="{_num(cx - w / 2)}" y="{_num(y(hi))}" width="{w}" '
                f'height="{_num(yb - y(hi))}" fill="url(#{uid}-down)"/>'
                f'<line x1="{_num(cx - w / 2 - 3)}" y1="{_num(y(hi))}" x2="{_num(cx + w / 2 + 3)}" '
                f'y2="{_num(y(hi))}" stroke="{colour}" stroke-width="2.5"/>')
        text_y = y(hi) - 6
    return (g + body + f'<text x="{_num(cx + w / 2 + 4)}" y="{_num(text_y)}" font-size="10" fill="{colour}">'
            f'{label}</text></g>')
