"""Numbers as written, read right.

:func:`find_numbers` finds every quantity in a text ("at least 25", "between 2,000 and 5,000",
"a couple of hundred", "$2.5 million", "70 per cent", "30km") with its offsets, a low/high
reading and a unit; :func:`read_number` reads one number phrase into a :class:`~sitrep.model.Value`.

The vocabulary is data: ``data/number_words.toml`` (number words, bound modifiers, units, the
contexts that make a digit string a date, a time or a name) and ``data/vague_numbers.tsv`` (the
one table that maps vague quantities to bounds).  Years, dates, times of day, ordinals, phone
numbers, model names ("F-16", "G7") and the pronoun "one" ("no one", "one of the") are not numbers.
A value that does not fit a float (``1e400`` written out) is kept as a match with null bounds.
"""
from __future__ import annotations

import csv
import math
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from ..model import Value

__all__ = ["NumberMatch", "find_numbers", "read_number", "VAGUE", "unit_kind"]


@dataclass
class NumberMatch:
    start: int
    end: int
    text: str
    low: float | None
    high: float | None
    unit: str | None
    kind: str            # exact | range | lower | upper | approx | vague | money | percent | distance


# ---- data ------------------------------------------------------------------------------------

def _load_words() -> dict:
    with resources.files("sitrep.data").joinpath("number_words.toml").open("rb") as fh:
        return tomllib.load(fh)


def _load_vague() -> MappingProxyType:
    rows = {}
    text = resources.files("sitrep.data").joinpath("vague_numbers.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        low = float(row["low"]) if row.get("low") else None
        high = float(row["high"]) if row.get("high") else None
        rows[" ".join(row["phrase"].lower().split())] = (low, high)
    return MappingProxyType(rows)


# Read-only tables, loaded once at import (the same on every worker; never mutated).
_W = _load_words()
VAGUE = _load_vague()
CARDINALS = MappingProxyType({k: float(v) for k, v in _W["cardinals"].items()})
SCALES = MappingProxyType({k: float(v) for k, v in _W["scales"].items()})
UNITS = MappingProxyType({" ".join(k.lower().split()): v for k, v in _W["units"].items()})
CURRENCY_SIGNS = MappingProxyType(dict(_W["currency_signs"]))
_MODS = {kind: tuple(_W["modifiers"][kind]) for kind in ("lower", "upper", "approx")}
MODIFIER_KIND = MappingProxyType({p: kind for kind, ps in _MODS.items() for p in ps})
_NOT = {k: frozenset(v) for k, v in _W["not_numbers"].items()}

MONEY_UNITS = frozenset(v for v in list(UNITS.values()) + list(CURRENCY_SIGNS.values())
                        if v.isupper() or v in {"dinar"})
DISTANCE_UNITS = frozenset({"miles", "km", "m", "km2", "miles2"})


def unit_kind(unit: str | None) -> str | None:
    """money | percent | distance for a unit, else None."""
    if unit is None:
        return None
    if unit in MONEY_UNITS:
        return "money"
    if unit == "percent":
        return "percent"
    if unit in DISTANCE_UNITS:
        return "distance"
    return None


# ---- the phrase grammar ----------------------------------------------------------------------

def _alt(phrases) -> str:
    """A regex alternation of phrases, longest first, spaces matching any whitespace."""
    parts = sorted({p for p in phrases if p}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)


_CARD = _alt(CARDINALS)
_BIG = _alt(k for k in SCALES if len(k) > 2)                 # hundred thousand million billion dozen
_WORD = rf"(?:{_CARD}|{_BIG})"
_WORDNUM = (rf"(?:(?:an?\s+)?(?:{_BIG})|{_CARD})(?!\w)"
            rf"(?:(?:\s*-\s*|\s+|\s+and\s+)(?:{_WORD})(?!\w))*")
_DIGITS = r"\d+(?:[.,]\d+)*"
_SCALE_AFTER = rf"(?:\s*(?:{_BIG}|bn|mn)(?!\w)|(?:bn|mn|m|k)(?!\w))"
_VAGUE = _alt(VAGUE)
_GLUED = _alt(k for k, v in UNITS.items() if v in {"km", "m", "percent"} and " " not in k)
_CUR = _alt(CURRENCY_SIGNS).replace(r"us\$", r"US\$")
_CORE = (rf"(?:(?P<{{n}}v>{_VAGUE})(?!\w)"
         rf"|(?P<{{n}}d>{_DIGITS})(?P<{{n}}s>{_SCALE_AFTER})?(?:(?!\w)|(?=(?:{_GLUED})(?!\w)))"
         rf"|(?P<{{n}}w>{_WORDNUM}))")
_MOD = _alt(MODIFIER_KIND)
_LEAD = _alt(_W["modifiers"]["range_lead"])
_UNIT = _alt(UNITS)



def _starts(phrases) -> str:
    """A regex for a text that begins with the first letters of one of ``phrases`` (three
    letters of the first word at most), as a letter trie: one test per letter at a position
    where the phrase grammar would try each of its hundreds of phrases in turn."""
    prefixes = {p.split()[0][:3] for p in phrases if p.strip()}
    prefixes = {p for p in prefixes if not any(p.startswith(q) and p != q for q in prefixes)}
    trie: dict = {}
    for p in prefixes:
        node = trie
        for ch in p:
            node = node.setdefault(ch, {})

    def render(node: dict) -> str:
        alts = [re.escape(ch) + render(child) for ch, child in sorted(node.items())]
        return "" if not alts else alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return render(trie)


# What a number phrase can begin with (a modifier, a range word, a currency sign, a vague
# quantity, digits, a number word, "a dozen"): tested first, so that the scan drops most
# words at once.  It admits every start the grammar admits.
_FIRST_WORDS = [*MODIFIER_KIND, *_W["modifiers"]["range_lead"], *CURRENCY_SIGNS, *VAGUE, *CARDINALS, *SCALES, "a"]
_AT_NUMBER = rf"(?=\d|{_starts(_FIRST_WORDS)})"

_PHRASE = re.compile(
    rf"(?<![\w.,:/$€£-])"
    + _AT_NUMBER +
    rf"(?:(?P<mod>{_MOD})\s+)?"
    rf"(?:(?P<lead>{_LEAD})\s+)?"
    rf"(?P<cura>(?:{_CUR})\s?)?" + _CORE.format(n="a") +
    rf"(?:(?P<sep>\s*(?:-|–|—)\s*|\s+(?:to|and|or)\s+)(?P<curb>(?:{_CUR})\s?)?" + _CORE.format(n="b") + ")?"
    rf"(?P<unit>(?:%|(?:\s+of)?(?:\s+|\s*-\s*)?(?:{_UNIT})(?!\w)))?"
    rf"(?P<noun>-[^\W\d_]+(?:-[^\W\d_]+)?)?",
    re.IGNORECASE,
)

_MONTHS = _alt(_NOT["months"])
_MONTH_BEFORE = re.compile(rf"(?:\b(?:{_MONTHS})\.?,?\s+(?:the\s+)?)$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTHS})\b", re.IGNORECASE)
_CLOCK_AFTER = re.compile(rf"^(?::\d|\s*(?:a\.m\.?|p\.m\.?|am\b|pm\b|gmt\b|utc\b|hrs\b|h\b|o'clock))",
                          re.IGNORECASE)
# (the lookaheads name the first characters, so that the scan skips other positions at once)
_PHONE = re.compile(r"(?=[+(]|\d)(?:\+\d[\d\s().-]{6,}\d|\(?\b\d{3}\)?[-.\s]\d{3}[-.]\d{4}\b|\b\d{2,4}(?:-\d{2,4}){2,}\b)")
_ISO_DATE = re.compile(r"(?=\d)(?:\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b)")
_PREV_WORD = re.compile(r"([^\W\d_]+)\W{0,2}$")
_NEXT_WORD = re.compile(r"^\W{0,2}?\s*([^\W\d_]+)")


# ---- reading one core --------------------------------------------------------------------

def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _digits_value(s: str, *, scaled: bool) -> float | None:
    """'2,000' 2000; '1.5' 1.5; '2.000' 2000 (European grouping, unless a scale word follows)."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s) and (s.count(".") > 1 or not scaled):
        return float(s.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+,\d{1,2}", s):
        return float(s.replace(",", "."))
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    return None


def _words_value(s: str) -> float | None:
    """'one hundred and twenty' 120; 'twenty-one' 21; 'a dozen' 12; 'two million' 2e6."""
    words = [w for w in re.split(r"[\s-]+", s.lower()) if w and w != "and"]
    if words and words[0] in ("a", "an"):
        words = words[1:]
    total, cur, seen = 0.0, 0.0, False
    for w in words:
        if w in CARDINALS:
            cur += CARDINALS[w]
            seen = True
        elif w in SCALES:
            scale = SCALES[w]
            if scale < 1000:                      # hundred, dozen multiply what came before
                cur = (cur or 1.0) * scale
            else:
                total += (cur or 1.0) * scale
                cur = 0.0
            seen = True
        else:
            return None
    return _finite(total + cur) if seen else None


def _core(m: re.Match, n: str) -> tuple[float | None, float | None, float | None, bool] | None:
    """(low, high, scale, vague) of core ``n`` ('a' or 'b'); None when there is none."""
    if m.group(n + "v"):
        low, high = VAGUE.get(" ".join(m.group(n + "v").lower().split()), (None, None))
        return low, high, None, True
    if m.group(n + "d"):
        scale_word = (m.group(n + "s") or "").strip().lower()
        scale = SCALES.get(scale_word) if scale_word else None
        v = _digits_value(m.group(n + "d"), scaled=scale is not None)
        if v is None:
            return None
        v = _finite(v * scale) if scale else _finite(v)
        return v, v, scale, False
    if m.group(n + "w"):
        v = _words_value(m.group(n + "w"))
        return (v, v, None, False) if v is not None else None
    return None


def _apply_modifier(kind: str | None, low, high, *, vague: bool):
    if kind == "lower":
        return low, None
    if kind == "upper":
        return None, high if high is not None else low
    return low, high


# ---- context checks: what looks like a number and is not ---------------------------------

def _prev_word(text: str, i: int) -> str:
    m = _PREV_WORD.search(text[max(0, i - 40):i])
    return m.group(1) if m else ""


def _next_word(text: str, j: int) -> str:
    m = _NEXT_WORD.match(text[j:j + 40])
    return m.group(1) if m else ""


def _is_year(m: re.Match, text: str) -> bool:
    s = m.group("ad") or ""
    if not re.fullmatch(r"\d{4}", s) or m.group("as") or m.group("cura") or m.group("unit"):
        return False
    if not 1800 <= int(s) <= 2100 or m.group("mod"):
        return False
    if m.group("bd") and not re.fullmatch(r"(?:18|19|20|21)\d\d|\d\d", m.group("bd")):
        return False                              # "1000-3000" is a range, "2014-2016" years
    prev = _prev_word(text, m.start()).lower()
    nxt = _next_word(text, m.end())
    if prev in _NOT["year_before"] or prev in _NOT["months"]:
        return True
    # "2000 fighters": a plural noun right after makes it a count
    return not (nxt.islower() and nxt.endswith("s") and len(nxt) > 2)


def _is_date_or_time(m: re.Match, text: str) -> bool:
    digits = m.group("ad")
    if not digits:
        return False
    if m.group("mod") or m.group("cura"):
        return False
    after = text[m.end("ad"):m.end("ad") + 30]
    if _CLOCK_AFTER.match(after):
        return True
    if re.fullmatch(r"\d{1,2}", digits) and not m.group("unit"):
        if _MONTH_BEFORE.search(text[max(0, m.start() - 20):m.start()]) or _MONTH_AFTER.match(after):
            return True
    return False


def _is_name_part(m: re.Match, text: str) -> bool:
    """'Brigade 166', 'Resolution 2254', '166 Brigade': a number inside a name."""
    if m.group("mod") or m.group("lead") or m.group("cura") or m.group("unit"):
        return False
    prev = _prev_word(text, m.start())
    if m.group("ad") and prev.lower() in _NOT["name_before"] and text[m.start() - 1:m.start()] == " ":
        return True
    nxt = _next_word(text, m.end())
    return bool(nxt[:1].isupper() and nxt.lower() in _NOT["name_after"])


def _is_pronoun_one(m: re.Match, text: str) -> bool:
    core = (m.group("aw") or "").lower()
    if core != "one" or m.group("mod") or m.group("bd") or m.group("bw"):
        return False
    if m.group("unit"):
        # "one day" (some day) is not a count; "one mile" is
        return m.group("unit").strip().lower() == "day"
    prev = _prev_word(text, m.start()).lower()
    nxt = _next_word(text, m.end()).lower()
    return prev in _NOT["before_one"] or nxt in _NOT["after_one"] or text[m.end():m.end() + 2] == "'s"


def _skip(m: re.Match, text: str, masked: list[tuple[int, int]]) -> bool:
    if any(a < m.end() and m.start() < b for a, b in masked):
        return True
    return (_is_year(m, text) or _is_date_or_time(m, text) or _is_name_part(m, text)
            or _is_pronoun_one(m, text))


# ---- public API ------------------------------------------------------------------------------

def _unit_of(m: re.Match) -> str | None:
    for g in ("cura", "curb"):
        sign = (m.group(g) or "").strip()
        if sign:
            return CURRENCY_SIGNS.get(sign, CURRENCY_SIGNS.get(sign.lower()))
    raw = (m.group("unit") or "").strip().lower()
    if not raw:
        return None
    if raw == "%":
        return "percent"
    raw = re.sub(r"^of\s+", "", raw).lstrip("-").strip()
    return UNITS.get(" ".join(raw.split()))


def _reading(m: re.Match) -> tuple[float | None, float | None, str] | None:
    a = _core(m, "a")
    if a is None:
        return None
    low, high, scale_a, vague = a
    b = _core(m, "b") if m.group("sep") else None
    mod = MODIFIER_KIND.get(" ".join((m.group("mod") or "").lower().split()))
    if b is not None:
        _, high_b, scale_b, _ = b
        low_b = b[0]
        # "2 to 3 million": the first number borrows the second's scale
        if scale_b and not scale_a and low is not None and low_b is not None and low * scale_b <= low_b:
            low = _finite(low * scale_b)
            high = low
        lo = min(x for x in (low, low_b) if x is not None) if low is not None or low_b is not None else None
        hi_candidates = [x for x in (high, high_b) if x is not None]
        hi = max(hi_candidates) if hi_candidates else None
        low, high = _apply_modifier(mod, lo, hi, vague=False)
        return low, high, "range" if mod in (None, "approx") else mod
    low, high = _apply_modifier(mod, low, high, vague=vague)
    kind = mod or ("vague" if vague else "exact")
    return low, high, kind


def _split_range(m: re.Match, text: str) -> bool:
    """Whether the second core is really a separate number ('killing two and wounding')."""
    sep = (m.group("sep") or "").strip().lower()
    if not sep:
        return False
    if sep == "and" and (m.group("lead") or "").lower().split()[-1:] != ["between"]:
        return True
    if sep == "or" and not (m.group("aw") and m.group("bw")) and not (m.group("ad") and m.group("bd")):
        return True
    return False


def _match_at(text: str, pos: int, end: int):
    return _PHRASE.search(text, pos, end)


def find_numbers(text: str, *, offset: int = 0) -> list[NumberMatch]:
    """Every number phrase in ``text``, with offsets shifted by ``offset``."""
    if not text:
        return []
    masked = [(x.start(), x.end()) for rx in (_PHONE, _ISO_DATE) for x in rx.finditer(text)]
    out: list[NumberMatch] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _match_at(text, pos, n)
        if m is None:
            break
        if m.end() == m.start():
            pos = m.end() + 1
            continue
        if _split_range(m, text):
            # reread with the first core only: cut the text right after it
            cut = m.end("aw") if m.group("aw") else m.end("ad") if m.group("ad") else m.end("av")
            m2 = _PHRASE.match(text, m.start(), cut)
            if m2 is None or m2.end() == m2.start():
                pos = m.end()
                continue
            m = m2
        if not _skip(m, text, masked):
            r = _reading(m)
            if r is not None:
                out.append(_to_match(m, r, offset=offset))
        pos = m.end()
    return out


def _to_match(m: re.Match, reading, *, offset: int) -> NumberMatch:
    low, high, kind = reading
    unit = _unit_of(m)
    end = m.end("unit") if m.group("unit") else m.end()
    noun = m.group("noun")
    if noun:
        # "three-day" is a duration, "23-nation" a count with its noun attached
        word = noun.lstrip("-").split("-")[0].lower()
        if word in UNITS and unit is None:
            unit = UNITS[word]
        end = m.end("noun")
    uk = unit_kind(unit)
    if uk:
        kind = uk
    start = m.start()
    if m.group("lead") and not m.group("sep"):
        # "down from 60 percent": a range word with no second number is not part of the number
        start = next(m.start(g) for g in ("cura", "av", "ad", "aw") if m.group(g))
        if m.group("mod"):
            start = m.start("mod")
    text = m.string[start:end]
    return NumberMatch(start + offset, end + offset, text, low, high, unit, kind)


def read_number(text: str) -> Value | None:
    """Read one number phrase as written ("about 100,000") into a Value; None if it has none."""
    if not text:
        return None
    found = find_numbers(text)
    if not found:
        return None
    best = max(found, key=lambda x: x.end - x.start)
    return Value(low=best.low, high=best.high, text=best.text)
