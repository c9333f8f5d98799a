"""Across documents: event fusion, estimate series, contradictions, timeline.

Event fusion
    Mentions of one real event (``(doc name, Event)`` pairs) become one
    :class:`~sitrep.model.FusedEvent`.

    1. *Blocking* (:func:`blocking_keys`): ``country|event type|YYYY-MM`` for every month the
       date window touches (at most :data:`MAX_MONTHS`); wider windows get year keys
       (at most two), wider still one ``wide`` key; undated mentions an ``undated`` key and
       are never fused.  Only mentions sharing a key are compared, and inside a block only
       those whose date windows overlap (a sweep over window starts).
    2. *Hard compatibility* (:func:`compatible`), which no score can override: different
       documents; same country and type; date windows that intersect; places within
       :data:`CITY_KM` when both are at city precision (:data:`REGION_KM` when one is a
       region); same perpetrator (actor1) unless one side only suspects or claims it.
    3. *Score* (:func:`score`, 0..1): 0.35 place closeness + 0.30 date agreement + 0.20 actors
       + 0.15 casualty figures, times 0.8 when sub-event types differ.  Pairs at or above
       :data:`THRESHOLD` are merge candidates.
    4. *Clustering*: candidates in order of decreasing score merge two clusters only when
       every pair across them is compatible (complete linkage on the hard constraints), so
       A~B and B~C never drag A and C together when A and C are 80 km or two days apart.

    A fused event's id is a hash of its sorted mention keys, so the same mentions give
    the same id in an incremental run and a full rebuild (:func:`fuse_incremental`).
    Fatalities follow ACLED's conservative rule: each independent source (a reuse group)
    counts once with the highest figure it gives (its latest, fullest toll), and the event
    takes the lowest of these per-source figures.  Every figure reported is kept.

Estimate series, contradictions and the timeline are plain functions over the results.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources as importlib_resources

import numpy as np

from .model import PRECISION_RANK, Claim, DateWindow, Event, FusedEvent, Location, iso_day
from .normalize.places import name_key, skeleton

MAX_MONTHS = 3
MAX_YEARS = 2
CITY_KM = 50.0
REGION_KM = 150.0
THRESHOLD = 0.55
PLACE_DISAGREE_KM = 10.0       # two independent sources placing one event this far apart disagree
FATALITY_TOLERANCE = (2, 0.25)  # figures differing by more than max(2, 25%) disagree
ESTIMATE_TOLERANCE = 0.10      # point estimates ("about 800") widened by 10% before comparing

Mention = tuple[str, Event]


# ---- small helpers ---------------------------------------------------------------------

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))




def _window(dw: DateWindow) -> tuple[date, date] | None:
    a, b = iso_day(dw.earliest), iso_day(dw.latest)
    if a is None and b is None:
        return None
    a, b = a or b, b or a
    return (a, b) if a <= b else (b, a)


def _norm(s: str | None) -> str:
    return " ".join(re.findall(r"\w+", (s or "").casefold()))


def _country(loc: Location) -> str:
    return (loc.iso or "").upper() or _norm(loc.country) or "unknown"


def _key(m: Mention) -> str:
    return f"{m[0]}#{m[1].id}"


# ---- blocking ----------------------------------------------------------------------------

def blocking_keys(event: Event, *, max_months: int = MAX_MONTHS) -> list[str]:
    """Blocking keys ``country|type|period`` of an event mention (see the module docstring)."""
    base = f"{_country(event.location)}|{_norm(event.type) or 'unknown'}"
    win = _window(event.date)
    if win is None:
        return [f"{base}|undated"]
    (a, b) = win
    months = (b.year - a.year) * 12 + b.month - a.month + 1
    if months <= max_months:
        out, y, m = [], a.year, a.month
        for _ in range(months):
            out.append(f"{base}|{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    if b.year - a.year + 1 <= MAX_YEARS:
        return [f"{base}|Y{y:04d}" for y in range(a.year, b.year + 1)]
    return [f"{base}|wide"]


# ---- pairwise compatibility and score ------------------------------------------------------

class _Feat:
    """What the pairwise tests read from a mention, normalised once (fusion compares many pairs)."""
    __slots__ = ("doc", "key", "type", "sub", "actor1", "actor2", "hedged", "win", "country", "lat", "lon",
                 "rank", "name", "gaz", "fatalities", "keys")

    def __init__(self, m: Mention):
        doc, ev = m
        loc = ev.location
        self.doc, self.key = doc, _key(m)
        self.type, self.sub = _norm(ev.type), _norm(ev.sub_type)
        self.actor1, self.actor2, self.hedged = _norm(ev.actor1), _norm(ev.actor2), ev.hedged
        w = _window(ev.date)
        self.win = (w[0].toordinal(), w[1].toordinal()) if w else None
        self.country = _country(loc)
        has_coords = loc.lat is not None and loc.lon is not None
        self.lat, self.lon = (loc.lat, loc.lon) if has_coords else (None, None)
        self.rank = PRECISION_RANK.get(loc.precision or "", 3)
        self.name, self.gaz = _norm(loc.name), loc.gazetteer_id
        self.fatalities = ev.fatalities
        self.keys = blocking_keys(ev)


def _distance(a: _Feat, b: _Feat) -> float | None:
    if a.lat is None or b.lat is None:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def _distance_limit(a: _Feat, b: _Feat) -> float | None:
    worst = max(a.rank, b.rank)
    if worst <= 1:
        return CITY_KM
    if worst == 2:
        return REGION_KM
    return None          # a country-wide place is consistent with any place in the country


def _same_place_name(a: _Feat, b: _Feat) -> bool:
    if a.gaz and b.gaz:
        return a.gaz == b.gaz
    return bool(a.name) and a.name == b.name


def _places_compatible(a: _Feat, b: _Feat) -> bool:
    if a.country != b.country and "unknown" not in (a.country, b.country):
        return False
    limit = _distance_limit(a, b)
    if limit is None:
        return True
    d = _distance(a, b)
    if d is not None:
        return d <= limit
    if limit == CITY_KM and a.name and b.name:     # no coordinates: two named towns must be one
        return _same_place_name(a, b)
    return True


def _compatible(a: _Feat, b: _Feat) -> bool:
    if a.doc == b.doc or a.type != b.type:
        return False
    if a.win is None or b.win is None or a.win[0] > b.win[1] or b.win[0] > a.win[1]:
        return False     # disjoint windows, or undated: an undated mention is never fused
    if a.actor1 and b.actor1 and a.actor1 != b.actor1 and not (a.hedged or b.hedged):
        return False     # a suspected or claimed perpetrator may differ: flagged as a contradiction
    return _places_compatible(a, b)


def compatible(a: Mention, b: Mention) -> bool:
    """Hard constraints: can these two mentions be one real event at all?"""
    return _compatible(_Feat(a), _Feat(b))


def _figures_agree(x: int | None, y: int | None) -> bool | None:
    if x is None or y is None:
        return None
    tol_abs, tol_rel = FATALITY_TOLERANCE
    return abs(x - y) <= max(tol_abs, tol_rel * max(x, y))


def _place_score(a: _Feat, b: _Feat) -> float:
    if _same_place_name(a, b) and a.rank <= 1:
        return 1.0
    d, limit = _distance(a, b), _distance_limit(a, b)
    if d is not None and limit is not None:
        return max(0.0, 1.0 - d / limit)
    if limit is None and (a.name or b.name):
        return 0.4       # one side only says the country
    return 0.3


def _date_score(a: _Feat, b: _Feat) -> float:
    if a.win is None or b.win is None:
        return 0.0
    inter = min(a.win[1], b.win[1]) - max(a.win[0], b.win[0]) + 1
    if inter <= 0:
        return 0.0
    la, lb = a.win[1] - a.win[0] + 1, b.win[1] - b.win[0] + 1
    # overlap of the narrower window, discounted when one window is much vaguer
    return inter / min(la, lb) * (0.5 + 0.5 * min(la, lb) / max(la, lb))


def _actor_score(a: _Feat, b: _Feat) -> float:
    s1 = 0.5 if not a.actor1 or not b.actor1 else (1.0 if a.actor1 == b.actor1 else 0.1)
    if a.actor2 and b.actor2 and a.actor2 != b.actor2:
        s1 *= 0.7
    return s1


def _number_score(a: _Feat, b: _Feat) -> float:
    agree = _figures_agree(a.fatalities, b.fatalities)
    return 0.5 if agree is None else (1.0 if agree else 0.2)


def _score(a: _Feat, b: _Feat) -> float:
    s = 0.35 * _place_score(a, b) + 0.30 * _date_score(a, b) + 0.20 * _actor_score(a, b) + 0.15 * _number_score(a, b)
    return s * 0.8 if a.sub != b.sub else s


def score(a: Mention, b: Mention) -> float:
    """How alike two mentions are, in [0, 1] (weights in the module docstring)."""
    return _score(_Feat(a), _Feat(b))


# ---- clustering ------------------------------------------------------------------------------

def _candidate_pairs(feats: list[_Feat]) -> set[tuple[int, int]]:
    """Index pairs sharing a block and an overlapping date window (sweep per block)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        if f.win is not None:
            for k in f.keys:
                blocks[k].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        order = sorted(members, key=lambda i: feats[i].win)
        active: list[int] = []       # members whose windows are still open
        for i in order:
            start = feats[i].win[0]
            active = [j for j in active if feats[j].win[1] >= start]
            for j in active:
                pairs.add((j, i) if j < i else (i, j))
            active.append(i)
    return pairs


def _clusters(mentions: list[Mention]) -> list[list[int]]:
    feats = [_Feat(m) for m in mentions]
    edges = []
    for i, j in _candidate_pairs(feats):
        if _compatible(feats[i], feats[j]):
            s = _score(feats[i], feats[j])
            if s >= THRESHOLD:
                edges.append((-round(s, 9), feats[i].key, feats[j].key, i, j))
    edges.sort()
    owner = list(range(len(mentions)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(mentions))}
    for _, _, _, i, j in edges:
        ci, cj = owner[i], owner[j]
        if ci == cj:
            continue
        # complete linkage on the hard constraints: every pair across the two must be compatible
        if all(_compatible(feats[x], feats[y]) for x in members[ci] for y in members[cj]):
            keep, drop = min(ci, cj), max(ci, cj)
            for x in members[drop]:
                owner[x] = keep
            members[keep].extend(members.pop(drop))
    return [sorted(m) for m in members.values()]


def _dedupe(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per (doc, event id), later ones winning; sorted so results never depend on order."""
    by_key = {_key(m): m for m in mentions}
    return [by_key[k] for k in sorted(by_key)]


def fuse(mentions: list[Mention], *, groups: dict[str, str]) -> list[FusedEvent]:
    """Fuse event mentions across documents into events (see the module docstring).

    ``groups`` maps a document name to its reuse group (:func:`sitrep.reuse.source_groups`);
    documents missing from it are their own group.
    """
    ms = _dedupe(mentions)
    out = [_assemble([ms[i] for i in cluster], groups=groups) for cluster in _clusters(ms)]
    return sorted(out, key=lambda f: f.id)


def fuse_incremental(new_mentions: list[Mention], *, existing_by_block: Callable[[str], list[Mention]],
                     groups: dict[str, str]) -> tuple[list[FusedEvent], list[str]]:
    """Re-fuse only what new mentions can reach; the result equals a full rebuild there.

    Starting from the new mentions' blocking keys, existing mentions are fetched block by
    block, and the blocks those mentions also belong to are followed in turn, until no
    new key appears: clusters never cross that closure, so fusing it alone gives what
    :func:`fuse` over everything gives for these blocks.  Existing mentions of a document
    that appears in ``new_mentions`` are replaced by the new ones (a reprocessed document).

    Returns (fused events of the touched blocks, touched keys).  The caller deletes its
    stored fused events whose ``blocking_key`` is among the touched keys and stores these.
    """
    new = _dedupe(new_mentions)
    replaced = {doc for doc, _ in new}
    todo = sorted({k for _, ev in new for k in blocking_keys(ev)})
    touched: set[str] = set()
    found: list[Mention] = []
    while todo:
        key = todo.pop()
        if key in touched:
            continue
        touched.add(key)
        for doc, ev in existing_by_block(key):
            if doc in replaced:
                continue
            found.append((doc, ev))
            todo.extend(k for k in blocking_keys(ev) if k not in touched)
    return fuse(found + new, groups=groups), sorted(touched)


# ---- assembling one fused event --------------------------------------------------------------

def fused_id(keys: Iterable[str]) -> str:
    return "F" + hashlib.sha1("\n".join(sorted(keys)).encode("utf-8")).hexdigest()[:16]


def _group(doc: str, groups: dict[str, str]) -> str:
    return groups.get(doc, doc)


def _conservative(figures: list[tuple[str, int | None]]) -> int | None:
    """ACLED: the lowest of the per-source figures, a source's figure being its highest."""
    per_group: dict[str, int] = {}
    for group, n in figures:
        if n is not None:
            per_group[group] = max(n, per_group.get(group, n))
    return min(per_group.values()) if per_group else None


def _tightest_date(events: list[Event]) -> DateWindow:
    wins = [(_window(e.date), e) for e in events]
    wins = [(w, e) for w, e in wins if w is not None]
    if not wins:
        return DateWindow()
    lo = max(w[0] for w, _ in wins)
    hi = min(w[1] for w, _ in wins)
    if lo > hi:      # cannot happen for pairwise-overlapping intervals; keep the union honest
        lo, hi = min(w[0] for w, _ in wins), max(w[1] for w, _ in wins)
    exact = [e for w, e in wins if w == (lo, hi)]
    precision = "day" if lo == hi else (exact[0].date.precision if exact else "range")
    text = next((e.date.text for e in exact if e.date.text), None)
    return DateWindow(earliest=lo.isoformat(), latest=hi.isoformat(), precision=precision, text=text,
                      source="fused")


def _best_location(events: list[Event]) -> Location:
    names = Counter(_norm(e.location.name) for e in events)
    ranked = sorted(events, key=lambda e: (PRECISION_RANK.get(e.location.precision or "", 4),
                                           e.location.lat is None, -names[_norm(e.location.name)],
                                           e.location.name or ""))
    return ranked[0].location


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _mention_record(doc: str, ev: Event, groups: dict[str, str]) -> dict:
    loc = ev.location
    return {"doc": doc, "event": ev.id,
            "evidence": {"start": ev.spans[0].start, "end": ev.spans[0].end} if ev.spans else None,
            "source_group": _group(doc, groups), "fatalities": ev.fatalities, "injured": ev.injured,
            "location": loc.name, "lat": loc.lat, "lon": loc.lon, "precision": loc.precision,
            "actor1": ev.actor1, "hedged": ev.hedged, "attributed_to": ev.attributed_to}


def _assemble(cluster: list[Mention], *, groups: dict[str, str]) -> FusedEvent:
    events = [ev for _, ev in cluster]
    sources: dict[str, str] = {}
    for doc, _ in cluster:
        g = _group(doc, groups)
        sources[g] = min(doc, sources.get(g, doc))
    # the perpetrator an unhedged report gives wins over a suspected one
    firm = [e.actor1 for e in events if e.actor1 and not e.hedged]
    return FusedEvent(
        id=fused_id(_key(m) for m in cluster),
        type=events[0].type,
        sub_type=_most_common(e.sub_type for e in events) or events[0].sub_type,
        date=_tightest_date(events),
        location=_best_location(events),
        actor1=_most_common(firm) or _most_common(e.actor1 for e in events),
        actor2=_most_common(e.actor2 for e in events),
        fatalities=_conservative([(_group(d, groups), e.fatalities) for d, e in cluster]),
        injured=_conservative([(_group(d, groups), e.injured) for d, e in cluster]),
        fatalities_reported=sorted(e.fatalities for e in events if e.fatalities is not None),
        mentions=[_mention_record(d, e, groups) for d, e in cluster],
        sources=sorted(sources.values()),
        hedged=all(e.hedged for e in events),
        blocking_key=min(k for e in events for k in blocking_keys(e)),
    )


# ---- estimate series -------------------------------------------------------------------------

def _load_series_words() -> dict:
    raw = importlib_resources.files("sitrep").joinpath("data/series.json").read_text(encoding="utf-8")
    data = json.loads(raw)

    def invert(table: dict) -> dict[str, str]:
        return {w: head for head, ws in table.items() if not head.startswith("_") for w in ws}

    return {"quantity": invert(data["quantities"]), "qualifier": invert(data["qualifiers"]),
            "noise": frozenset(data["place_noise"]["words"])}


_SERIES_WORDS = _load_series_words()    # read-only tables, loaded once at import


@dataclass
class Series:
    """Claims about one quantity (what is counted, by whom, where, in what unit) over time."""
    key: str
    about: str
    actor: str | None
    where: str | None
    unit: str
    quantity: str = ""
    qualifier: str | None = None
    points: list[dict] = field(default_factory=list)


def quantity_of(about: str) -> tuple[str, str | None]:
    """(head of what is counted, narrowing qualifier) from a claim's ``about`` text.

    "Taliban fighters based in the Kunduz area" -> ("fighters", None);
    "militants killed in the raid" -> ("fighters", "killed").  Without a known head noun
    the content words themselves are the head, so unrelated claims never share a key.
    """
    toks = re.findall(r"\w+", (about or "").casefold())
    head = next((_SERIES_WORDS["quantity"][t] for t in toks if t in _SERIES_WORDS["quantity"]), None)
    quals = sorted({_SERIES_WORDS["qualifier"][t] for t in toks if t in _SERIES_WORDS["qualifier"]} - {head})
    if head is None:
        head = " ".join(t for t in toks if t not in _SERIES_WORDS["noise"])[:80] or "unknown"
    return head, ("+".join(quals) or None)


def place_name(where: str | None) -> str | None:
    """The first place a free-text ``where`` names, without words like "area" or "outskirts of"."""
    if not where:
        return None
    text = re.sub(r"\([^)]*\)", " ", where)
    for chunk in re.split(r"\band\b|/|,|;|\bto\b", text):
        kept = [w for w in re.findall(r"[\w'’.-]+", chunk) if w.casefold() not in _SERIES_WORDS["noise"]]
        if kept:
            return " ".join(kept)
    return None


def place_identity(name: str | None) -> str:
    """One key for every spelling of a place: Derna/Darnah/Darna, Idlib/Idleb, Misrata/Misurata.

    The loose transliteration skeleton of the gazetteer is used only for names long enough not to
    collide by chance; shorter names keep their folded spelling.
    """
    if not name:
        return ""
    key = name_key(name)
    sk = skeleton(key)
    return f"~{sk}" if len(sk) >= 3 else key


def series_key(claim: Claim, *, place_key: Callable[[str | None], str | None] = place_name) -> str:
    """The key a claim's series is stored under (stable, so the store can look series up).

    What is counted (normalised head noun and qualifier), the canonical actor, the place's
    identity across spellings, and the unit."""
    quantity, qualifier = quantity_of(claim.about)
    return "|".join([quantity, qualifier or "", _norm(claim.actor), place_identity(place_key(claim.where)),
                     _norm(claim.unit) or "people"])


def series(claims: list[tuple[str, Claim]], *, groups: dict[str, str],
           place_key: Callable[[str | None], str | None] = place_name) -> list[Series]:
    """Group numeric claims into estimate series, points ordered by time then source.

    ``place_key`` turns a claim's ``where`` into a canonical place (pass the gazetteer's
    resolver to merge spelling variants); the default keeps the first place named.
    """
    out: dict[str, Series] = {}
    for doc, cl in sorted(claims, key=lambda dc: (dc[0], dc[1].id)):
        key = series_key(cl, place_key=place_key)
        quantity, qualifier = quantity_of(cl.about)
        s = out.get(key)
        if s is None:
            s = out[key] = Series(key=key, about=cl.about, actor=cl.actor, where=place_key(cl.where),
                                  unit=cl.unit or "people", quantity=quantity, qualifier=qualifier)
        s.points.append({
            "doc": doc, "claim": cl.id, "low": cl.value.low, "high": cl.value.high, "text": cl.value.text,
            "when": {"earliest": cl.when.earliest, "latest": cl.when.latest, "text": cl.when.text},
            "attributed_to": cl.attributed_to, "hedged": cl.hedged, "source_group": _group(doc, groups),
            "evidence": {"start": cl.spans[0].start, "end": cl.spans[0].end} if cl.spans else None,
        })
    for s in out.values():
        s.points.sort(key=lambda p: (p["when"]["earliest"] or "", p["when"]["latest"] or "", p["doc"], p["claim"]))
    return sorted(out.values(), key=lambda s: s.key)


# ---- contradictions --------------------------------------------------------------------------

def _range(p: dict) -> tuple[float, float] | None:
    lo, hi = p["low"], p["high"]
    if lo is None and hi is None:
        return None
    if lo is not None and hi is not None and lo == hi:
        return lo * (1 - ESTIMATE_TOLERANCE), hi * (1 + ESTIMATE_TOLERANCE)
    return (lo if lo is not None else 0.0), (hi if hi is not None else math.inf)


def _times_overlap(a: dict, b: dict) -> bool:
    wa = _window(DateWindow(a.get("earliest"), a.get("latest")))
    wb = _window(DateWindow(b.get("earliest"), b.get("latest")))
    if wa is None or wb is None:
        return True       # a figure with no time is taken as current: compared with everything
    return wa[0] <= wb[1] and wb[0] <= wa[1]


def _cross_source_pairs(items: list[dict], group_of: Callable[[dict], str]):
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if group_of(a) != group_of(b):
                yield a, b


def _point_window(p: dict) -> tuple[date, date] | None:
    return _window(DateWindow(p["when"].get("earliest"), p["when"].get("latest")))


def _estimate_conflicts(s: Series) -> list[dict]:
    """Each figure of the series against the first independent figure it disagrees with.

    A series that names neither an actor nor a place ("wounded people") gathers counts of
    unrelated incidents, not estimates of one quantity: it yields none.  Otherwise every
    figure that disagrees with some other is shown once, beside the first such figure in
    the series' order, so a long series gives at most one record per figure instead of
    one per pair (thousands of points would be millions of pairs).
    """
    if not (s.actor or s.where) or len(s.points) < 2:
        return []
    n = len(s.points)
    ranges = [_range(p) for p in s.points]
    wins = [_point_window(p) for p in s.points]
    group_ids: dict[str, int] = {}
    has = np.array([r is not None for r in ranges])
    lo = np.array([r[0] if r else 0.0 for r in ranges], dtype=float)
    hi = np.array([r[1] if r else 0.0 for r in ranges], dtype=float)
    # a figure with no time is taken as current: its window spans everything
    ws = np.array([w[0].toordinal() if w else -1 for w in wins], dtype=np.int64)
    we = np.array([w[1].toordinal() if w else 1 << 40 for w in wins], dtype=np.int64)
    grp = np.array([group_ids.setdefault(p["source_group"], len(group_ids)) for p in s.points])
    pairs = set()
    for i in np.flatnonzero(has):
        hit = has & (grp != grp[i]) & (ws <= we[i]) & (ws[i] <= we) & ((hi < lo[i]) | (hi[i] < lo))
        js = np.flatnonzero(hit)
        if len(js):
            j = int(js[0])
            pairs.add((min(int(i), j), max(int(i), j)))
    out = []
    for i, j in sorted(pairs):
        a, b = s.points[i], s.points[j]
        out.append({"kind": "estimate", "subject": s.key, "about": s.about,
                    "detail": f"{a['text'] or a['low']} vs {b['text'] or b['low']}", "a": a, "b": b})
    return out


def _event_conflicts(fe: FusedEvent) -> list[dict]:
    out = []
    for a, b in _cross_source_pairs(fe.mentions, lambda m: m["source_group"]):
        for kind in ("fatalities", "injured"):
            if _figures_agree(a[kind], b[kind]) is False:
                out.append({"kind": kind, "subject": fe.id, "detail": f"{a[kind]} vs {b[kind]}", "a": a, "b": b})
        if a["actor1"] and b["actor1"] and _norm(a["actor1"]) != _norm(b["actor1"]):
            out.append({"kind": "perpetrator", "subject": fe.id, "detail": f"{a['actor1']} vs {b['actor1']}",
                        "a": a, "b": b})
        if _places_disagree(a, b):
            out.append({"kind": "place", "subject": fe.id, "detail": f"{a['location']} vs {b['location']}",
                        "a": a, "b": b})
    return out


def _places_disagree(a: dict, b: dict) -> bool:
    if a["precision"] not in ("city", "near") or b["precision"] not in ("city", "near"):
        return False
    if _norm(a["location"]) == _norm(b["location"]):
        return False
    if None in (a["lat"], a["lon"], b["lat"], b["lon"]):
        return True
    return haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]) > PLACE_DISAGREE_KM


def contradictions(series_list: list[Series], fused_events: list[FusedEvent], *,
                   groups: dict[str, str] | None = None) -> list[dict]:
    """Disagreements between independent sources, each with both sides' evidence.

    Estimates: ranges for one series that do not overlap at overlapping times (point
    figures widened by :data:`ESTIMATE_TOLERANCE`).  Fused events: casualty figures apart
    by more than :data:`FATALITY_TOLERANCE`, perpetrators that differ, or places more than
    :data:`PLACE_DISAGREE_KM` apart.  Two documents of one reuse group are one source and
    never contradict each other.  ``groups``, when given, overrides the groups recorded at
    fusion time (links found since).
    """
    if groups is not None:
        series_list = [_regroup_series(s, groups) for s in series_list]
        fused_events = [_regroup_event(f, groups) for f in fused_events]
    out = []
    for s in series_list:
        out.extend(_estimate_conflicts(s))
    for fe in fused_events:
        out.extend(_event_conflicts(fe))
    return out


def _regroup_series(s: Series, groups: dict[str, str]) -> Series:
    pts = [{**p, "source_group": _group(p["doc"], groups)} for p in s.points]
    return Series(s.key, s.about, s.actor, s.where, s.unit, s.quantity, s.qualifier, pts)


def _regroup_event(fe: FusedEvent, groups: dict[str, str]) -> FusedEvent:
    ms = [{**m, "source_group": _group(m["doc"], groups)} for m in fe.mentions]
    return FusedEvent(**{**fe.__dict__, "mentions": ms})


# ---- timeline --------------------------------------------------------------------------------

def timeline(fused_events: list[FusedEvent]) -> list[dict]:
    """Fused events in date order (undated last), each with its date precision."""
    def order(fe: FusedEvent):
        return (fe.date.earliest is None, fe.date.earliest or "", fe.date.latest or "", fe.id)

    return [{"id": fe.id, "earliest": fe.date.earliest, "latest": fe.date.latest,
             "precision": fe.date.precision or ("day" if fe.date.earliest and fe.date.earliest == fe.date.latest
                                                else None),
             "type": fe.type, "sub_type": fe.sub_type, "location": fe.location.name,
             "country": fe.location.country, "actor1": fe.actor1, "actor2": fe.actor2,
             "fatalities": fe.fatalities, "sources": len(fe.sources), "hedged": fe.hedged}
            for fe in sorted(fused_events, key=order)]
