"""claims stage: numeric claims with what is counted, where, when, who says so.

Every number phrase of the article text (:func:`sitrep.extract.numbers.find_numbers`) becomes a
:class:`~sitrep.model.Claim` when it counts forces, casualties, populations, money, percentages,
distances, or units such as camps, bases, positions, provinces and nations.  What is counted comes
from the parse (the noun the number modifies, "dozens of X", "X percent of Y", the casualty verb
that governs it); the vocabulary is ``data/claim_nouns.tsv``.  Durations, ages, dates, numbers in
names, anaphoric counts ("these two countries") and the count of sources ("two officials said") are
not claims.  A figure restated about the same thing (headline, highlights, body) is kept once,
with every span.
"""
from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from ..model import Claim, DateWindow, Document, Span, Value
from ..pipeline import stage
from ..normalize.places import name_key, skeleton
from .attribution import SPEECH_VERBS, Context, context_for, hedge_cue, speaker_for
from .numbers import NumberMatch, find_numbers

log = logging.getLogger(__name__)

__all__ = ["claims", "claims_for", "counted_noun"]


@dataclass(frozen=True)
class NounInfo:
    unit: str          # people | other
    kind: str          # noun | casualty | verb | source
    participle: str    # for casualty nouns and verbs: "killed", "wounded" ...


def _load_nouns() -> MappingProxyType:
    text = resources.files("sitrep.data").joinpath("claim_nouns.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        out[row["word"].lower()] = NounInfo(row["unit"], row["kind"], row.get("participle") or "")
    return MappingProxyType(out)


NOUNS = _load_nouns()      # read-only, loaded once at import
_VERBS = MappingProxyType({w: i for w, i in NOUNS.items() if i.kind == "verb"})
_NOT_CLAIM_UNITS = frozenset({"duration", "age"})
_ANAPHORIC = frozenset({"these", "those", "both"})
_SETTLEMENT = frozenset({"city", "town", "village", "settlement", "camp", "district", "region", "country",
                         "province", "state", "island", "enclave", "community", "municipality", "capital"})


# ---- what is counted ---------------------------------------------------------------------

def _noun_info(tok) -> NounInfo | None:
    keys = (tok.lower_, tok.lemma_.lower()) + ((f"{tok.lower_}s",) if tok.pos_ == "NOUN" else ())
    for key in keys:
        info = NOUNS.get(key)
        if info is not None and info.kind != "verb":
            return info
    # "21 Egyptian Christians", "300 Somalis": a plural demonym or group of people
    if tok.pos_ == "PROPN" and tok.text.endswith("s") and (tok.tag_ == "NNPS" or tok.ent_type_ == "NORP"):
        return NounInfo("people", "noun", "")
    if tok.ent_type_ == "NORP" and tok.text.endswith("s"):
        return NounInfo("people", "noun", "")
    return None


def _span_tokens(sdoc, m: NumberMatch):
    return sdoc.char_span(m.start, m.end, alignment_mode="expand")


def _is_casualty_word(tok) -> bool:
    """'dead', 'wounded', 'injured' used as nouns ("21 dead and 117 injured")."""
    info = NOUNS.get(tok.lower_)
    return info is not None and info.kind == "casualty"


def counted_noun(span):
    """The token counted by the number phrase ``span`` (a spaCy Span), or None.

    "800 fighters" -> fighters; "dozens of fighters" -> fighters; "a 23-nation conference" -> nation;
    '"a couple of hundred" fighters' -> fighters.
    """
    if span is None or not len(span):
        return None
    last = span[-1]
    if last.is_alpha and not last.like_num and last.pos_ in ("NOUN", "PROPN") and len(span) > 1 \
            and span[-2].text == "-":
        return last                               # "23-nation"
    root = span.root
    # "dozens of fighters", "70 percent of the fighters", "one of the soldiers"
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i >= span.end - 1:
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                    return obj
    if root.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod", "det") and root.head.i >= span.end:
        if root.head.pos_ in ("NOUN", "PROPN") or _is_casualty_word(root.head):
            return root.head
    # quotes or odd parses: the first noun right after the phrase
    doc = span.doc
    for tok in doc[span.end:min(len(doc), span.end + 5)]:
        if tok.pos_ in ("NOUN", "PROPN") or _is_casualty_word(tok):
            return tok
        if tok.dep_ in ("amod", "compound", "nmod") or tok.tag_ in ("VBN", "JJ") or tok.text in "\"“”'‘’":
            continue                              # "21 abducted Egyptian Christians"
        break
    return None


_AGGREGATES = frozenset({"number", "numbers", "estimate", "estimates", "total", "count", "strength", "size",
                         "figure", "figures", "tally", "toll", "ranks", "contingent", "force"})


def _noun_from_context(span, sent):
    """A counted noun stated elsewhere in the clause.

    "the number of fighters ranged from 1000 to 3000" -> fighters; "800 fighters ..., including up
    to 300 who fought in Syria" -> fighters; "dozens who were abducted" -> people.
    """
    root = span.root
    # "including up to 300": the set it is part of
    if root.dep_ == "pobj" and root.head.lower_ in ("including", "among", "of") and root.head.head.pos_ in ("NOUN", "PROPN"):
        info = _noun_info(root.head.head)
        if info is not None and info.unit == "people":
            return root.head.head
    verb = root
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX") or verb.dep_ == "ROOT":
            break
        verb = verb.head
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.lemma_.lower() in _AGGREGATES:
            if child.lemma_.lower() in ("toll", "tally") and _noun_info(child) is not None:
                return child
            for t in child.subtree:
                if t.i > child.i and t.pos_ in ("NOUN", "PROPN") and _noun_info(t) is not None:
                    return t
    # "including up to 300 who previously fought": the closest counted noun before it
    if root.dep_ == "pobj" and root.head.lower_ == "including":
        for t in reversed(span.doc[sent.start:span.start]):
            info = _noun_info(t) if t.pos_ in ("NOUN", "PROPN") else None
            if info is not None and info.unit == "people":
                return t
    return None


def _casualty_verb(tok):
    """The casualty verb that governs ``tok`` ("killing six fighters", "14 wounded"), or None."""
    cur = tok
    for _ in range(3):
        if cur.lemma_.lower() in _VERBS and cur.pos_ in ("VERB", "ADJ", "AUX"):
            return cur
        if cur.dep_ in ("ROOT",):
            break
        cur = cur.head
    for child in tok.children:
        if child.lemma_.lower() in _VERBS and child.dep_ in ("acl", "relcl", "amod"):
            return child
    return None


def _clean(text: str) -> str:
    return " ".join(text.replace("\n", " ").split()).strip(" ,;:-\"“”'")


def _noun_phrase(noun, *, exclude: set[int]) -> str:
    """The counted noun with its left modifiers and an 'of' complement, without the number itself."""
    doc = noun.doc
    left = []
    for child in noun.children:
        if child.i < noun.i and child.dep_ in ("compound", "amod", "nmod", "poss", "case") and child.i not in exclude:
            left.extend(t for t in child.subtree if t.i not in exclude)
    left = sorted({t.i for t in left})
    # keep only the contiguous run that ends at the noun
    words = []
    i = noun.i - 1
    ids = set(left)
    while i in ids:
        words.insert(0, doc[i].text_with_ws)
        i -= 1
    # "One person was killed": the counted set is people
    phrase = "".join(words) + ("people" if noun.lower_ == "person" else noun.text)
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "from") and child.i > noun.i \
                and not any(t.i in exclude for t in child.subtree):
            sub = doc[child.i:child.right_edge.i + 1]
            if len(sub) <= 6:
                phrase += " " + sub.text
    return _clean(phrase)


def _participle_phrase(noun) -> str | None:
    """'fighters undergoing training', 'fighters based in Idlib': a short participle clause."""
    for child in noun.children:
        if child.dep_ in ("acl", "relcl") and child.i > noun.i:
            sub = noun.doc[max(child.left_edge.i, noun.i + 1):child.right_edge.i + 1]
            if len(sub) <= 7:
                return _clean(sub.text)
    return None


def _about_count(noun, info: NounInfo, span) -> str:
    excl = {t.i for t in span}
    if info.kind == "casualty" and noun.lower_ in ("toll", "tally", "deaths", "fatalities", "casualties", "dead"):
        return f"people {info.participle}"
    if not (span.start <= noun.i + 1 and noun.i <= span.end + 3):
        # the noun was found in the clause: describe the counted set by the number's own clause
        extra = _participle_phrase(span.root)
        base = _noun_phrase(noun, exclude=excl)
        return f"{base} {extra}" if extra else base
    base = _noun_phrase(noun, exclude=excl)
    verb = _casualty_verb(noun)
    if info.kind == "casualty":
        return f"people {info.participle}".strip() if noun.lower_ in ("dead", "wounded", "injured", "toll",
                                                                      "deaths", "fatalities", "casualties") \
            else f"{base} {info.participle}".strip()
    if verb is not None:
        part = _VERBS[verb.lemma_.lower()].participle
        return f"{base} {part}"
    extra = _participle_phrase(noun)
    return f"{base} {extra}" if extra else base


def _about_implicit(span) -> tuple[str, str] | None:
    """A bare number governed by a casualty verb: 'killing four', '14 wounded' -> people killed."""
    root = span.root
    verb = _casualty_verb(root)
    if verb is None and root.dep_ == "conj":
        verb = _casualty_verb(root.head)
    if verb is None:
        # "One person was killed and 14 wounded": the verb may be a sibling
        for t in span.doc[span.end:min(len(span.doc), span.end + 2)]:
            if t.lemma_.lower() in _VERBS:
                verb = t
                break
    if verb is None:
        return None
    return f"people {_VERBS[verb.lemma_.lower()].participle}", "people"


def _population(span, where: str | None) -> str | None:
    """'population of about 100,000', 'a city of 100,000' -> population of <place>."""
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ == "of":
        owner = root.head.head
        if owner.lemma_.lower() in ("population", "populace") or owner.lemma_.lower() in _SETTLEMENT:
            return f"population of {where}" if where else "population"
    if root.dep_ in ("nummod", "appos") and root.head.lemma_.lower() in ("population",):
        return f"population of {where}" if where else "population"
    return None


def _about_unit(span, m: NumberMatch, where: str | None) -> str:
    """What a money, percentage or distance figure measures."""
    root = span.root
    doc = span.doc
    kind = m.kind
    if kind == "percent":
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                obj = doc[child.i + 1:child.right_edge.i + 1]
                return _clean(f"share of {obj.text}")
        if root.head.pos_ == "NOUN" and root.head.i > span.end - 1:
            return _clean(f"share of {root.head.text}")
        return "share"
    if kind == "distance":
        preps = [c for c in root.children if c.dep_ in ("prep", "advmod") and c.i >= span.end - 1]
        if preps:
            tail = doc[preps[0].i:preps[-1].right_edge.i + 1].text
            start = f"distance from {where} " if where and preps[0].lower_ not in ("from",) else "distance "
            return _clean(start + tail)
        return f"distance {root.head.lemma_}ed" if root.head.pos_ == "VERB" and root.head.lemma_.endswith("advance") else "distance"
    # money: "bonuses of $1,000", "$2 million in ransom", "a $5 million bounty"
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN":
        owner = root.head.head
        if owner.lemma_.lower() not in ("billion", "million", "dollar", "access"):
            return _noun_phrase(owner, exclude={t.i for t in span})
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "for", "of", "as") and child.i >= span.start:
            obj = [c for c in child.children if c.dep_ == "pobj"]
            if obj and obj[0].lower_ not in ("dollars", "euros", "pounds"):
                return _clean(doc[obj[0].left_edge.i:obj[0].right_edge.i + 1].text)
            for c in obj:
                for cc in c.children:
                    if cc.dep_ == "prep" and cc.lower_ in ("in", "for"):
                        return _clean(doc[cc.i + 1:cc.right_edge.i + 1].text)
    if root.dep_ in ("compound", "nummod", "amod") and root.head.pos_ == "NOUN" and root.head.i >= span.end:
        return _noun_phrase(root.head, exclude={t.i for t in span})
    return "money"


# ---- where, when, actor -----------------------------------------------------------------

# words around a place name as written that do not belong to its name ("Taiz city", "the Sinai")
_PLACE_TRIM_HEAD = frozenset({"the"})
_PLACE_TRIM_TAIL = frozenset({"city", "town", "village", "area", "areas"})
# a counted noun's own clauses that state something else: "800 fighters ... and camps near the town"
_NOT_OWN = frozenset({"conj", "cc", "parataxis", "appos"})
# a verb's dependents that say where the counted thing is
_VERB_PLACE_DEPS = frozenset({"prep", "advmod", "npadvmod", "agent", "dative", "oprd", "acomp"})


@dataclass
class _PlaceRef:
    lo: int                  # first and last token of the mention
    hi: int
    start: int               # character offsets
    text: str
    name: str | None = None  # the gazetteer name, when resolved


def place_display_name(text: str, name: str | None) -> str:
    """How a claim names a place: the gazetteer's name, except where that name is only another
    transliteration of the words in the text ("Darnah" for "Derna", "Ta‘izz" for "Taiz"): then
    the text's own spelling, which is the one readers know."""
    words = text.split()
    while len(words) > 1 and words[0].lower() in _PLACE_TRIM_HEAD:
        words = words[1:]
    while len(words) > 1 and words[-1].lower() in _PLACE_TRIM_TAIL:
        words = words[:-1]
    written = " ".join(words)
    if not name:
        return written
    if not name.isascii() or skeleton(name_key(written)) == skeleton(name_key(name)):
        return written
    return name


def _sentence_places(doc: Document, sent, *, ents) -> list[_PlaceRef]:
    sdoc = sent.doc
    out = []
    for p in doc.places:
        if sent.start_char <= p.start < sent.end_char:
            sp = sdoc.char_span(p.start, p.end, alignment_mode="expand")
            if sp is not None and len(sp):
                out.append(_PlaceRef(sp.start, sp.end - 1, p.start, p.text, p.name))
    if not out:
        out = [_PlaceRef(e.start, e.end - 1, e.start_char, e.text) for e in ents
               if e.label_ in ("GPE", "LOC", "FAC") and sent.start_char <= e.start_char < sent.end_char]
    return sorted(out, key=lambda r: r.start)


def _own_tokens(tok, *, skip: set[int]) -> set[int]:
    """The subtree of ``tok`` without conjoined or appended phrases (what it says about itself)."""
    out, todo = set(), [tok]
    while todo:
        t = todo.pop()
        if t.i in skip:
            continue
        out.add(t.i)
        todo.extend(c for c in t.children if c.dep_ not in _NOT_OWN)
    return out


def _first_place(ids: set[int], places: list[_PlaceRef]) -> _PlaceRef | None:
    return next((p for p in places if any(i in ids for i in range(p.lo, p.hi + 1))), None)


def _governing_verb(tok):
    cur = tok
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX") or cur.dep_ == "ROOT" or cur.head is cur:
            return cur
        cur = cur.head
    return None


def _place_from_parse(anchor, span, places: list[_PlaceRef]) -> _PlaceRef | None:
    """The place the counted thing is at: a place modifying the counted noun ("fighters in Sirte"),
    the aggregate it is counted by ("the number of fighters in Libya"), its verb ("were deployed to
    Kismayo"), or the subject's own place ("the Herat branch counts 300 fighters")."""
    skip = {t.i for t in span}
    found = _first_place(_own_tokens(anchor, skip=skip), places)
    if found is not None:
        return found
    # "the number of fighters in Libya": climb from the counted noun to the noun that frames it
    cur = anchor
    while cur.dep_ in ("pobj", "prep") and cur.head is not cur and cur.head.pos_ in ("NOUN", "PROPN", "ADP"):
        cur = cur.head
        if cur.pos_ in ("NOUN", "PROPN"):
            found = _first_place(_own_tokens(cur, skip=skip), places)
            if found is not None:
                return found
    verb = _governing_verb(cur)
    if verb is None:
        return None
    own = _own_tokens(cur, skip=set())
    for child in verb.children:
        if child.dep_ in _VERB_PLACE_DEPS and child.i not in own:
            found = _first_place(_own_tokens(child, skip=skip), places)
            if found is not None:
                return found
    if verb.lemma_.lower() in SPEECH_VERBS:
        return None                      # "officials in Kabul said": where the speakers are
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.i not in own:
            # the subject's own modifiers, not a relative clause about something else
            found = _first_place(_own_tokens(child, skip=skip | {c.i for c in child.children
                                                                 if c.dep_ in ("relcl", "acl")}), places)
            if found is not None:
                return found
    return None


def _says_the_country(anchor, span) -> bool:
    """'displaced across the country', 'killed in the country': the article's own country."""
    ids = _own_tokens(anchor, skip={t.i for t in span})
    verb = _governing_verb(anchor)
    if verb is not None:
        ids |= {t.i for c in verb.children if c.dep_ == "prep" for t in c.subtree}
    doc = anchor.doc
    return any(doc[i].lower_ == "country" and i > 0 and doc[i - 1].lower_ == "the" for i in ids)


def _main_country(doc: Document) -> str | None:
    counts: dict[str, int] = {}
    for p in doc.places:
        if p.country:
            counts[p.country] = counts.get(p.country, 0) + 1
    return max(counts, key=lambda c: (counts[c], c)) if counts else None


def _where(doc: Document, sent, span, anchor, *, ents) -> str | None:
    places = _sentence_places(doc, sent, ents=ents)
    best = _place_from_parse(anchor, span, places) if anchor is not None and places else None
    if best is None and anchor is not None and _says_the_country(anchor, span):
        return _main_country(doc)
    if not places:
        return None
    if best is None:
        names = {p.name or p.text for p in places}
        if len(names) != 1:
            return None                  # several places and none attached to the figure
        best = places[0]
    return place_display_name(best.text, best.name)


def _window_fn():
    try:
        from ..normalize import times as times_mod
    except ImportError:
        return None
    return getattr(times_mod, "window_for", None)


def _when(doc: Document, sent, m: NumberMatch, *, window_for) -> DateWindow:
    if window_for is not None:
        try:
            w = window_for(doc, sent.start_char, sent.end_char, at=m.start)
        except Exception:  # noqa: BLE001 - another stage's helper must not sink the claim
            log.debug("window_for failed", exc_info=True)
            w = None
        if isinstance(w, DateWindow):
            return w
    times = [t for t in doc.times if sent.start_char <= t.start < sent.end_char]
    if times:
        t = min(times, key=lambda t: abs(t.start - m.start))
        return DateWindow(t.earliest, t.latest, t.precision, t.text, source="text")
    p = doc.published
    return DateWindow(p.earliest, p.latest, p.precision, None, source="publication")


def _actor(doc: Document, noun, span, *, ents) -> str | None:
    """The canonical actor the figure is about: a mention inside the counted phrase, else the clause subject."""
    if noun is None:
        return None
    lo, hi = noun.left_edge.idx, noun.right_edge.idx + len(noun.right_edge)
    ranges = [(lo, hi)]
    verb = noun.head if noun.dep_ in ("dobj", "attr") else None
    if verb is not None:
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                ranges.append((c.left_edge.idx, c.right_edge.idx + len(c.right_edge)))
    for a, b in ranges:
        for mt in doc.mentions:
            if a <= mt.start < b and mt.label in ("ARMED_GROUP", "GOV_BODY", "ORG", "NORP"):
                return doc.entity_name(mt.entity) if mt.entity else mt.text
        if not doc.mentions:
            for e in ents:
                if a <= e.start_char < b and e.label_ in ("ORG", "NORP"):
                    return e.text
    return None


# ---- filters -----------------------------------------------------------------------------

def _anaphoric(span) -> bool:
    """'these two countries', 'both', 'the two groups', '87 of them': a set counted before."""
    doc = span.doc
    if span.end + 1 < len(doc) and doc[span.end].lower_ == "of" and doc[span.end + 1].lower_ in ("them", "those", "these", "whom", "which"):
        return True
    if span.start == 0:
        return False
    prev = doc[span.start - 1]
    if prev.lower_ in _ANAPHORIC:
        return True
    return prev.lower_ == "the" and span[0].is_alpha and len(span) == 1 and span[0].lower_ in (
        "two", "three", "four", "five", "six")


def _in_name(doc: Document, m: NumberMatch) -> bool:
    for mt in doc.mentions:
        if mt.start <= m.start and m.end <= mt.end and mt.label not in ("GPE", "LOC"):
            return True
    return False


# ---- one document ----------------------------------------------------------------------

def _claim_for(doc: Document, m: NumberMatch, *, window_for, ctx: Context, ents: list,
               hedges: dict[int, str | None] | None = None) -> Claim | None:
    if m.unit in _NOT_CLAIM_UNITS or (m.low is None and m.high is None):
        return None
    sdoc = doc.spacy
    span = _span_tokens(sdoc, m)
    if span is None or not len(span) or _anaphoric(span) or _in_name(doc, m):
        return None
    sent = ctx.sent_of(span[0])
    noun = None
    if m.kind in ("money", "percent", "distance"):
        where = _where(doc, sent, span, span.root, ents=ents)
        about, unit = _about_unit(span, m, where), m.unit
    elif _population(span, None) is not None:
        owner = span.root.head.head if span.root.dep_ == "pobj" else span.root.head
        where = _where(doc, sent, span, owner, ents=ents)
        about, unit = _population(span, where), "people"
    else:
        noun = counted_noun(span)
        info = _noun_info(noun) if noun is not None else None
        if info is None:
            noun = _noun_from_context(span, sent)
            info = _noun_info(noun) if noun is not None else None
        if info is not None and info.kind == "source":
            return None
        if info is not None:
            about, unit = _about_count(noun, info, span), info.unit
        else:
            implicit = _about_implicit(span)
            if implicit is None:
                return None
            about, unit = implicit
            noun = None
        where = _where(doc, sent, span, noun if noun is not None else span.root, ents=ents)
    sp = speaker_for(doc, m.start, m.end, context=ctx)
    evidence = _evidence(ctx.text, sent, m)
    return Claim(
        id="",
        about=about,
        value=Value(m.low, m.high, m.text),
        unit=unit,
        actor=_actor(doc, noun, span, ents=ents),
        where=where,
        when=_when(doc, sent, m, window_for=window_for),
        attributed_to=sp.chain() if sp is not None else None,
        hedged=_hedge_of(ctx.text, sent, hedges) is not None,
        spans=[evidence],
    )


def _hedge_of(text: str, sent, memo: dict[int, str | None] | None) -> str | None:
    """The hedge cue of a sentence, once per sentence (``memo``: sentence start -> cue)."""
    if memo is not None and sent.start_char in memo:
        return memo[sent.start_char]
    cue = hedge_cue(text[sent.start_char:sent.end_char])   # (Span.text would join its tokens)
    if memo is not None:
        memo[sent.start_char] = cue
    return cue


def _evidence(text: str, sent, m: NumberMatch) -> Span:
    """The sentence stating the figure, cut to its line (headlines and bullets have no full stop)."""
    lo = max(sent.start_char, text.rfind("\n", 0, m.start) + 1)
    nl = text.find("\n", m.end)
    hi = min(sent.end_char, nl if nl >= 0 else len(text))
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    while lo < hi and text[lo].isspace():
        lo += 1
    return Span(lo, hi)


def _head_word(about: str) -> str:
    words = about.lower().split()
    for w in words:
        if w in NOUNS or w.rstrip("s") in NOUNS:
            return w.rstrip("s")
    return words[0] if words else ""


def _dedupe(found: list[Claim]) -> list[Claim]:
    """One claim per figure about the same thing: restatements add their spans to the first."""
    out: list[Claim] = []
    for c in found:
        key = (c.value.low, c.value.high, c.unit, _head_word(c.about))
        same = next((o for o in out if (o.value.low, o.value.high, o.unit, _head_word(o.about)) == key), None)
        if same is None:
            out.append(c)
            continue
        same.spans.extend(s for s in c.spans if s not in same.spans)
        same.attributed_to = same.attributed_to or c.attributed_to
    return out


def claims_for(doc: Document, *, window_for=None) -> list[Claim]:
    """The numeric claims of one analysed document (``doc.spacy`` set), ids C1, C2 ... in text order."""
    sdoc = doc.spacy
    if sdoc is None or not len(sdoc):
        return []
    ctx = context_for(doc)
    ents = list(sdoc.ents)
    found = []
    hedges: dict[int, str | None] = {}   # several figures share a sentence
    for m in find_numbers(ctx.text):
        c = _claim_for(doc, m, window_for=window_for, ctx=ctx, ents=ents, hedges=hedges)
        if c is not None:
            found.append(c)
    out = _dedupe(found)
    for i, c in enumerate(out, 1):
        c.id = f"C{i}"
    return out


@stage("claims", reads=("spacy", "mentions", "entities", "places", "times"), writes=("claims",))
def claims(docs, *, res):
    window_for = _window_fn()
    for doc in docs:
        doc.claims = claims_for(doc, window_for=window_for)
