"""entities stage: entity mentions and canonical actors.

spaCy's small English pipeline finds most names in conflict news but mislabels many
(armed groups as PERSON, towns as ORG, page furniture as GPE) and misses others.  This
stage gathers candidate mentions from four sources, in decreasing order of trust:

1. the shipped actor table (``data/actors.json``), matched on tokens through a
   transliteration-tolerant key (:func:`actor_key`);
2. naming patterns of armed groups ("Ansar ...", "... Brigade") and of state forces
   ("Libyan security forces", "Yemen's army");
3. spaCy's entities, relabelled with the table, the gazetteer and the patterns;
4. acronyms the text defines ("the Libyan National Army (LNA)").

Mentions are then grouped into per-document entities (table id, same key, surname,
acronym), each with a canonical name that depends only on the names themselves, so
that two documents naming the same actor get the same ``name`` and ``actor_id``.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..memo import BoundedMemo
from ..nlp import doc_text, token_table
from ..model import Document, Entity, Mention
from ..pipeline import stage

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "actors.json"

LABELS = ("PERSON", "ARMED_GROUP", "GOV_BODY", "ORG", "GPE", "LOC", "FACILITY")
# spaCy labels worth a look; others (DATE, CARDINAL, ...) are never entities here.
_SPACY_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FACILITY",
                 "NORP": "NORP", "WORK_OF_ART": "OTHER", "PRODUCT": "OTHER", "EVENT": "OTHER",
                 "LAW": "OTHER"}
# Labels that may name the same thing, for merging.
_FAMILY = {"PERSON": "person", "ARMED_GROUP": "org", "GOV_BODY": "org", "ORG": "org",
           "GPE": "place", "LOC": "place", "FACILITY": "place"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
_HYPHENS = {"-", "–", "—", "‐"}
_APOSTROPHES = {"'", "’", "‘", "`"}
_ARTICLES = {"al", "el", "ul"}  # Arabic article, written attached or not: ignored in keys

# ---------------------------------------------------------------------------------------
# the normalisation key


def _fold(text: str) -> str:
    """Lowercase ASCII: accents stripped, curly apostrophes straightened."""
    if text.isascii():   # most words: nothing to decompose (a hot path, called per token)
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").replace("‘", "'").lower()


_CONSONANTS = (("sh", "$"), ("ch", "$"), ("kh", "k"), ("gh", "k"), ("ph", "f"), ("dh", "d"),
               ("th", "t"), ("dj", "j"), ("ck", "k"), ("q", "k"), ("c", "k"), ("g", "k"), ("x", "ks"))
_VOWELS = set("aeiouy")
_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]")
_DOUBLED_RE = re.compile(r"(.)\1+")
_RUNS_RE = re.compile(r"[aeiouy]+|[^aeiouy]+")


def _vowel_class(run: str) -> str:
    # a | i (e, i, y) | u (o, u): the vowel letters transliterations swap freely
    first = run[0]
    return "a" if first == "a" else "u" if first in "ou" else "i"


def word_key(word: str) -> str:
    """Transliteration-tolerant key of one word.

    Consonant digraphs are unified (q/k/g/kh/gh -> k, sh/ch, dh -> d ...), doubled
    letters collapsed, and of the vowels only the first and the last run are kept,
    as a class (a, i, u): Gadhafi, Qaddafi, Khadafi -> ``kadfi``; Misrata, Misurata ->
    ``misrta``; Hassan ``hasn`` stays apart from Hussein ``husn``.
    """
    w = _NOT_ALNUM_RE.sub("", _fold(word))
    if not w or w.isdigit():
        return w
    for a, b in _CONSONANTS:
        w = w.replace(a, b)
    if len(w) > 3 and w.endswith("h") and w[-2] in _VOWELS:
        w = w[:-1]  # Abdullah / Abdulla, Fatah / Fata
    if len(w) > 3 and w.endswith("e") and w[-2] not in _VOWELS:
        w = w[:-1]  # silent final e: Sirte / Sirt
    w = _DOUBLED_RE.sub(r"\1", w)
    runs = _RUNS_RE.findall(w)
    out = []
    first_vowel_seen = False
    for i, run in enumerate(runs):
        if run[0] in _VOWELS and not (i == 0 and run[0] == "y" and len(runs) > 1):
            if not first_vowel_seen or i == len(runs) - 1:
                out.append(_vowel_class(run))
            first_vowel_seen = True
        else:
            out.append(run)
    return "".join(out)


def _words(name: str) -> list[str]:
    text = _fold(name).strip()
    text = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", ""), text)  # U.S. -> us
    text = re.sub(r"'s\b|'$", "", text)
    return [w for w in re.split(r"[\s\-–—_./,()']+", text) if w]


def actor_key(name: str) -> str:
    """The deterministic key under which two spellings of one name meet.

    Leading "the", possessives, the Arabic article (al-, al , el-) and punctuation are
    dropped, and each word goes through :func:`word_key`:
    ``actor_key("Abu Bakr al-Baghdadi") == actor_key("Abou Bakr al Baghdadi")``.
    """
    words = _words(name)
    while words and words[0] in _DETERMINERS:
        words = words[1:]
    keys = [word_key(w) for w in words if w not in _ARTICLES]
    return " ".join(k for k in keys if k)


def _token_key(text: str) -> str:
    return "" if _fold(text) in _ARTICLES else word_key(text)


# ---------------------------------------------------------------------------------------
# the actor table

_KEY_MEMO_SIZE = 50_000


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    country: str | None = None
    source: str = ""
    case_sensitive: frozenset[str] = frozenset()
    metonyms: tuple[str, ...] = ()


@dataclass
class ActorTable:
    """Canonical actors and their aliases, plus the word lists behind the entity rules."""
    actors: dict[str, Actor]
    rules: dict[str, frozenset[str]]
    by_key: dict[str, str] = field(default_factory=dict)          # actor_key(alias) -> id
    by_exact: dict[str, str] = field(default_factory=dict)        # case-sensitive alias -> id
    # actor_key and _token_key by spelling: names and words recur across documents, and the
    # key is a pure function of the text.  Bounded (cleared when full), owned by the table.
    _keys: BoundedMemo[str, str] = field(default_factory=lambda: BoundedMemo(actor_key, size=_KEY_MEMO_SIZE),
                                         repr=False, compare=False)
    _token_keys: BoundedMemo[str, str] = field(default_factory=lambda: BoundedMemo(_token_key, size=_KEY_MEMO_SIZE),
                                               repr=False, compare=False)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ActorTable":
        raw = json.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))
        actors = {}
        for row in raw["actors"]:
            actors[row["id"]] = Actor(id=row["id"], name=row["name"], type=row["type"],
                                      aliases=tuple(row["aliases"]), country=row.get("country"),
                                      source=row.get("source", ""),
                                      case_sensitive=frozenset(row.get("case_sensitive", ())),
                                      metonyms=tuple(row.get("metonyms", ())))
        rules = {k: frozenset(v) for k, v in raw.get("rules", {}).items() if isinstance(v, list)}
        table = cls(actors=actors, rules=rules)
        for actor in actors.values():
            for alias in (actor.name, *actor.aliases):
                if alias in actor.case_sensitive or _is_acronym(alias):
                    table.by_exact[alias] = actor.id
                else:
                    table.by_key.setdefault(actor_key(alias), actor.id)
        return table

    def rule(self, name: str) -> frozenset[str]:
        return self.rules.get(name, frozenset())

    def key(self, text: str) -> str:
        """:func:`actor_key` of ``text``, memoised."""
        return self._keys(text)

    def token_key(self, text: str) -> str:
        """The key of one token's text (:func:`_token_key`), memoised."""
        return self._token_keys(text)

    def lookup(self, text: str) -> Actor | None:
        """The actor a surface form names, if the table knows it."""
        text = text.strip()
        if text in self.by_exact:
            return self.actors[self.by_exact[text]]
        ref = self.by_key.get(self.key(text))
        return self.actors[ref] if ref else None

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)


# ---------------------------------------------------------------------------------------
# token-level alias index, built once per process


@dataclass(frozen=True)
class _Alias:
    keys: tuple[str, ...]
    orth: tuple[str, ...] | None      # exact tokens for case-sensitive aliases
    first_upper: bool                 # first word of the alias is capitalised
    caps: tuple[bool, ...]            # which alias words are capitalised
    actor_id: str
    metonym: bool = False


@dataclass
class EntityMatcher:
    """The actor table compiled against the spaCy tokenizer, plus the rule word lists."""
    table: ActorTable
    by_first: dict[str, list[_Alias]]
    stop_words: frozenset[str]
    english: Callable[[str], bool]
    english_noun: Callable[[str], bool]
    # word lists derived from a rule list, built on first use (the rules never change)
    _derived: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, nlp, table: ActorTable) -> "EntityMatcher":
        by_first: dict[str, list[_Alias]] = defaultdict(list)
        for actor in table.actors.values():
            forms = [(a, False) for a in (actor.name, *actor.aliases)] + [(m, True) for m in actor.metonyms]
            for alias, metonym in forms:
                toks = [t.text for t in nlp.tokenizer(alias) if not _skippable(t.text)]
                keys = tuple(_token_key(t) for t in toks)
                pairs = [(k, t) for k, t in zip(keys, toks) if k]
                if not pairs:
                    continue
                exact = alias in actor.case_sensitive or metonym or _is_acronym(alias)
                item = _Alias(keys=tuple(k for k, _ in pairs),
                              orth=tuple(t for _, t in pairs) if exact else None,
                              first_upper=pairs[0][1][:1].isupper(), caps=tuple(t[:1].isupper() for _, t in pairs),
                              actor_id=actor.id, metonym=metonym)
                if item not in by_first[item.keys[0]]:
                    by_first[item.keys[0]].append(item)
        for items in by_first.values():
            items.sort(key=lambda a: -len(a.keys))
        return cls(table=table, by_first=dict(by_first), stop_words=frozenset(nlp.Defaults.stop_words),
                   english=_english_words(nlp, ("verb", "adj", "adv")),
                   english_noun=_english_words(nlp, ("noun",)))

    def rule(self, name: str) -> frozenset[str]:
        return self.table.rule(name)

    def derived(self, name: str, build: Callable):
        """``build(self.rule(name))``, computed once per matcher."""
        key = (name, build)
        if key not in self._derived:
            self._derived[key] = build(self.rule(name))
        return self._derived[key]


def _english_words(nlp, parts: tuple[str, ...]) -> Callable[[str], bool]:
    """A test for English words of the given parts of speech, from the lemmatizer's tables.

    WordNet's noun list also holds place names: callers use nouns only with a gazetteer.
    """
    words: set[str] = set()
    if "lemmatizer" in nlp.pipe_names:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            for pos in parts:
                if pos in index:
                    words.update(index[pos])
    frozen = frozenset(words)

    def is_english(word: str) -> bool:
        w = word.lower()
        forms = {w, w[:-1] if w.endswith("s") else w, w[:-2] if w.endswith("es") else w,
                 w[:-2] if w.endswith("ed") else w, w[:-1] if w.endswith("ed") else w,
                 w[:-3] if w.endswith("ing") else w, w[:-3] + "y" if w.endswith("ies") else w}
        return any(f in frozen for f in forms if len(f) > 2)
    return is_english


def _is_acronym(text: str) -> bool:
    """All-capital short forms (ISIS, U.N., IRGC) are matched only as written: their keys collide."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def _skippable(text: str) -> bool:
    return text in _HYPHENS or text in _APOSTROPHES or text == "'s"


def _matcher(res) -> EntityMatcher:
    return res.get("entity_matcher", lambda: EntityMatcher.build(res.nlp, res.actors))


# ---------------------------------------------------------------------------------------
# candidate mentions


@dataclass
class _Cand:
    start: int          # token indices into the spaCy Doc
    end: int
    label: str
    source: str         # table | pattern | spacy | acronym
    actor_id: str | None = None
    priority: int = 0
    branch: str | None = None   # a branch of a group: key of what qualifies it ("" if nothing)
    parent: str | None = None   # a branch's parent group: its table id, if known
    owner: str | None = None    # the country a state body belongs to, written before it ("X's army")


def _line_is_caps(tok) -> bool:
    """True when the token sits on a line written all in capitals (a heading or widget)."""
    return _caps_at(tok.doc, tok.idx)


def _caps_at(sdoc, idx: int) -> bool:
    """Whether the line around character ``idx`` of ``sdoc`` is written all in capitals."""
    # Doc.text is rebuilt from the tokens on every access, and a line is rescanned for every
    # token on it: both made long documents quadratic.  Memoise per Doc (dies with it).
    memo = sdoc.user_data.get("sitrep.caps_lines")
    if memo is None:
        memo = sdoc.user_data["sitrep.caps_lines"] = {"": doc_text(sdoc)}
    text = memo[""]
    a = text.rfind("\n", 0, idx) + 1
    if a not in memo:
        b = text.find("\n", idx)
        line = text[a:b if b >= 0 else len(text)]
        letters = [c for c in line if c.isalpha()]
        memo[a] = len(letters) >= 4 and all(c.isupper() for c in letters)
    return memo[a]


def _table_matches(sdoc, m: EntityMatcher) -> list[_Cand]:
    tk = token_table(sdoc)
    text = tk.text
    # the words that can make up a name: token indices, and their texts
    toks = [i for i, (w, sp) in enumerate(zip(text, tk.space)) if not sp and not _skippable(w)]
    words = [text[i] for i in toks]
    token_key = m.table.token_key
    keys = [token_key(w) for w in words]
    sent_ids = _sentence_ids(sdoc)
    by_first = m.by_first
    out: list[_Cand] = []
    i = 0
    while i < len(toks):
        if keys[i] not in by_first:   # (no alias begins with this word, nor with "")
            i += 1
            continue
        hit = _match_at(sdoc, toks, words, keys, i, m, sent_ids)
        if hit is None:
            i += 1
            continue
        n, alias = hit
        start, end = toks[i], toks[i + n - 1] + 1
        # take in an Arabic article written before the name ("al-Shabaab")
        j = start - 1
        while j >= 0 and text[j] in _HYPHENS:
            j -= 1
        if j >= 0 and _fold(text[j]) in _ARTICLES and tk.idx[j] + len(text[j]) >= tk.idx[start] - 1:
            start = j
        actor = m.table.actors[alias.actor_id]
        if actor.type == "GOV_BODY":
            # "Russia's Defence Ministry": the body is named after the possessive, and the
            # country stays a mention of its own (as annotators list it)
            poss = [k for k in range(start + 1, end - 1) if text[k] in ("'s", "’s")]
            if poss and _split_from_owner(sdoc[poss[-1] + 1:end], m):
                start = poss[-1] + 1
        if actor.type == "ARMED_GROUP" and end < len(text) and tk.lower[end] in m.rule("generic_after_actor") \
                and text[end - 1][:1].isupper():
            end += 1  # "the Islamic State group"
        out.append(_Cand(start, end, actor.type, "table", alias.actor_id, priority=3))
        i += n
    return out


def _sentence_ids(sdoc) -> list[int]:
    """Sentence number of every token (``Token.sent`` builds a new Span at each call)."""
    ids = [0] * len(sdoc)
    for n, sent in enumerate(sdoc.sents):
        ids[sent.start:sent.end] = [n] * (sent.end - sent.start)
    return ids


def _match_at(sdoc, toks: list[int], words: list[str], keys, i, m: EntityMatcher, sent_ids: list[int]):
    """The longest alias at word ``i`` (``toks`` are the words' token indices, ``words`` their texts)."""
    k = keys[i]
    if not k or k not in m.by_first:
        return None
    for alias in m.by_first[k]:
        n = _alias_len_match(toks, words, keys, i, alias, sent_ids)
        if n and _alias_ok([sdoc[t] for t in toks[i:i + n]], keys[i:i + n], alias, m):
            return n, alias
    return None


def _alias_len_match(toks: list[int], words: list[str], keys, i, alias: _Alias, sent_ids: list[int]) -> int:
    j, consumed = i, 0
    for ak in alias.keys:
        while j < len(toks) and keys[j] == "" and consumed:  # articles inside names
            j += 1
        if j >= len(toks) or keys[j] != ak:
            return 0
        if sent_ids[toks[j]] != sent_ids[toks[i]] and words[j] != words[i]:
            return 0
        j += 1
        consumed += 1
    return j - i


def _alias_ok(toks, keys, alias: _Alias, m: EntityMatcher) -> bool:
    """Whether the tokens ``toks`` (with their ``keys``) may be read as ``alias``."""
    words = [t for t, k in zip(toks, keys) if k]
    if alias.orth is not None:
        if tuple(t.text for t in words) != alias.orth:
            return False
        first = words[0]
        if first.lower_ in m.stop_words and _line_is_caps(first):
            return False  # "WHAT IS", "TELL US" in a heading
        if alias.metonym:
            prev = first.nbor(-1) if first.i > 0 else None
            nxt = words[-1].nbor(1) if words[-1].i + 1 < len(first.doc) else None
            if prev is not None and prev.lower_ in m.rule("locative_prepositions"):
                return False  # "in Washington" is the city
            if nxt is not None and (nxt.text == "," and nxt.i + 1 < len(first.doc)
                                    and first.doc[nxt.i + 1].ent_type_ == "GPE"):
                return False
        return True
    if alias.first_upper and not words[0].text[:1].isupper():
        return False
    if any(k and w.text[:1].islower() for k, w in zip(alias.caps, words)):
        # "Islamic emirate" is a description; accept only where spaCy saw a name
        return words[0].ent_type_ in ("ORG", "NORP", "PERSON", "GPE") and words[-1].ent_type_ == words[0].ent_type_
    return True


def _pattern_matches(sdoc, m: EntityMatcher) -> list[_Cand]:
    """Armed-group names by their shape: "Ansar/Jaish/Liwa ...", "... Brigade", "Army of ..."."""
    out = []
    prefixes = m.rule("group_prefixes")
    particles = m.rule("group_particles")
    connectors = m.rule("group_connectors")
    strong = m.rule("group_heads_strong")
    right_heads = m.rule("right_heads")
    tk = token_table(sdoc)
    text, lower, alpha, sent_start, ent = tk.text, tk.lower, tk.alpha, tk.sent_start, tk.ent
    n = len(text)

    def titled(k):
        w = text[k]
        return w[:1].isupper() and alpha[k] or (w[:1].isupper() and "'" in w)

    def extend_right(j, allow_connectors):
        # tokens j.. that continue a name: capitalised words, particles, connectors before a capital
        end = j
        k = j
        while k < n and not sent_start[k]:
            low = lower[k]
            if titled(k) and low not in m.stop_words:
                k += 1
                end = k
            elif low in particles or text[k] in _HYPHENS:
                k += 1
            elif allow_connectors and low in connectors:
                k += 1
            else:
                break
        return end

    i = 0
    while i < n:
        w = text[i]
        if w in prefixes and titled(i):
            end = extend_right(i + 1, allow_connectors=True)
            if end > i + 1:
                out.append(_Cand(i, end, "ARMED_GROUP", "pattern", priority=2))
                i = end
                continue
        if w in strong or w in right_heads:
            start = i
            k = i - 1
            while k >= 0 and not sent_start[k + 1]:
                if titled(k) and lower[k] not in m.stop_words and ent[k] not in ("NORP", "GPE"):
                    start = k
                elif _fold(text[k]) in particles or text[k] in _HYPHENS:
                    pass
                else:
                    break
                k -= 1
            lead = particles - _ARTICLES - {"abu", "abou", "bin", "ibn", "bint"}  # "Abu" begins names
            while start < i and (_fold(text[start]) in lead or text[start] in _HYPHENS):
                start += 1
            # take in a leading "al" that belongs to the name
            if start > 0 and _fold(text[start - 1]) in _ARTICLES:
                start -= 1
            end = i + 1
            if w in right_heads and i + 2 < n and lower[i + 1] in ("of", "for"):
                end = max(end, extend_right(i + 2, allow_connectors=True))
                if end == i + 2:
                    end = i + 1
            named = start < i or end > i + 1
            if named and (w in strong or end > i + 1):
                out.append(_Cand(start, end, "ARMED_GROUP", "pattern", priority=2))
                i = end
                continue
        i += 1
    return out


def _gov_matches(sdoc, m: EntityMatcher, is_place: Callable[[str], bool]) -> list[_Cand]:
    """State forces named by country: "Libyan security forces", "Yemen's army"."""
    nouns = m.derived("gov_nouns_after_country", _phrases_longest_first)
    local_nouns = m.derived("gov_nouns_after_place", _phrases_longest_first)
    tk = token_table(sdoc)
    lower = tk.lower
    out = []
    for start, j, label in tk.ents:
        place = label == "GPE" or label in ("PERSON", "ORG") and is_place(tk.span_text(start, j))
        if label != "NORP" and not place:
            continue
        words = lower[j:j + 3]
        if place and j < len(lower) and tk.text[j] in ("'s", "’s", "'"):
            words = lower[j + 1:j + 4]
            noun = next((n for n in nouns if tuple(words[:len(n)]) == n), None)
            if noun is None and len(words) > 1 and words[1] == "ministry" and tk.alpha[j + 1]:
                noun = tuple(words[:2])   # "Lebanon's health ministry": any one-word portfolio
            if noun is not None and not _split_from_owner(sdoc[j + 1:j + 1 + len(noun)], m):
                out.append(_Cand(start, j + 1 + len(noun), "GOV_BODY", "pattern", priority=2))
            elif noun is not None:
                # "Ukraine's General Staff": the body is named "General Staff", its country
                # stays a mention of its own, and the pair keys the entity
                out.append(_Cand(j + 1, j + 1 + len(noun), "GOV_BODY", "pattern", priority=2,
                                 owner=tk.span_text(start, j)))
            continue
        if place:
            # "Libya army" is rare and "Libya forces" often no name, but "Kano police" is one
            local = next((n for n in local_nouns if tuple(words[:len(n)]) == n), None)
            if local is not None:
                out.append(_Cand(start, j + len(local), "GOV_BODY", "pattern", priority=2))
            continue
        for noun in nouns:
            if tuple(words[:len(noun)]) == noun:
                out.append(_Cand(start, j + len(noun), "GOV_BODY", "pattern", priority=2))
                break
    return out


def _phrases_longest_first(phrases: frozenset[str]) -> list[tuple[str, ...]]:
    return sorted((tuple(p.split()) for p in phrases), key=len, reverse=True)


def _split_from_owner(span, m: EntityMatcher) -> bool:
    """Whether a body after "Country's" is named on its own: offices ("Defence Ministry",
    "General Staff") are; forces ("Libya's military", "Niger's army") are named with it."""
    words = {t.lower_ for t in span}
    return bool(words & m.rule("gov_nouns_split_from_owner"))


def _bare_force_matches(sdoc, m: EntityMatcher) -> list[_Cand]:
    """A state force named by its common noun: "the army", "the junta", "government forces".

    News names the national army once in full (or never) and then as "the army"; those
    mentions are the force, and an event's actor must be able to point at them.  A noun
    modifying another ("army officers", "military base") names no one on its own.
    """
    by_first = m.derived("bare_state_forces", _phrases_by_first_word)
    owners = m.rule("bare_force_owners")
    tk = token_table(sdoc)
    lower, pos = tk.lower, tk.pos
    n = len(lower)
    out = []
    for i, low in enumerate(lower):
        if low not in _DETERMINERS and low not in owners:
            continue
        start = i + 1 if low in _DETERMINERS else i
        if start >= n:
            continue
        for words in by_first.get(lower[start], ()):
            end = start + len(words)
            if end > n or tuple(lower[start:end]) != words:
                continue
            if pos[end - 1] not in ("NOUN", "PROPN") or sdoc[end - 1].dep_ in ("compound", "amod") \
                    or (end < n and pos[end] in ("NOUN", "PROPN")):
                break
            out.append(_Cand(start, end, "GOV_BODY", "bare-force", priority=1))
            break
    return out


def _phrases_by_first_word(phrases: frozenset[str]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases by first word, longest first: only those can start at a given token."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for words in _phrases_longest_first(phrases):
        by_first.setdefault(words[0], []).append(words)
    return by_first


def _force_word(text: str) -> str:
    """The kind of force a name is ('air force', 'police', 'army' for armies and militaries)."""
    low = text.lower()
    for kind in ("air force", "navy", "police", "gendarmerie", "junta"):
        if kind in low:
            return kind
    return "army" if re.search(r"\b(army|military|armed forces|forces|troops|defen[cs]e forces?)\b", low) else ""


def _link_bare_forces(cands, texts, uf: "_UnionFind") -> None:
    """'the army' joins the one named force of its kind in the document ('Nigerian Army'),
    else the other bare mentions of that kind."""
    named: dict[str, set[int]] = defaultdict(set)
    for j, d in enumerate(cands):
        if d.label == "GOV_BODY" and d.source != "bare-force":
            kind = _force_word(texts[j])
            if kind:
                named[kind].add(uf.find(j))
            named["words:" + actor_key(texts[j])].add(uf.find(j))   # "General Staff" twice
    first_bare: dict[str, int] = {}
    for i, c in enumerate(cands):
        if c.source != "bare-force":
            continue
        # a ministry or staff has no kind: only the same words name the same body
        kind = _force_word(texts[i]) or "words:" + actor_key(texts[i])
        roots = {uf.find(j) for j in named.get(kind, ())}
        if len(roots) == 1:
            uf.union(roots.pop(), i)
        elif kind in first_bare:
            uf.union(first_bare[kind], i)
        else:
            first_bare[kind] = i


# ---------------------------------------------------------------------------------------
# branches of a group: "the Kandahar wing", "ISIS's Somali affiliate"

_QUOTES = {'"', "“", "”", "'", "‘", "’"}


def _branch_matches(sdoc, m: EntityMatcher, groups: list[_Cand], is_place: Callable[[str], bool]) -> list[_Cand]:
    """A group's branch, wing or affiliate, named by where or what it is.

    The press names regional branches apart from their parent ("the Kunar wing of
    the Islamic State", "al-Qaeda's Yemeni affiliate", "Islamic State in Somalia")
    and they act as actors of their own.  Each match carries the key of its
    qualifier (the place), so "the Libyan branch" and "IS in Libya" meet.
    """
    nouns = m.rule("branch_nouns")
    by_start = {c.start: c for c in groups}
    by_end = {c.end: c for c in groups}
    out = [c for c in (_group_in_place(sdoc, g, m, is_place) for g in groups) if c is not None]
    taken = {i for c in out for i in range(c.start, c.end)}
    tk = token_table(sdoc)
    for i, low in enumerate(tk.lower):
        if low not in nouns or not tk.text[i].islower() or i in taken:
            continue
        cand = _branch_around(sdoc, sdoc[i], m, by_start, by_end, out, is_place, has_groups=bool(groups))
        if cand is not None:
            out.append(cand)
            taken.update(range(cand.start, cand.end))
    return out


def _group_in_place(sdoc, g: _Cand, m: EntityMatcher, is_place) -> _Cand | None:
    """"Islamic State in Somalia": a transnational group with its country after "in"."""
    actor = m.table.get(g.actor_id) if g.actor_id else None
    if actor is None or actor.country is not None or g.end + 1 >= len(sdoc) or sdoc[g.end].lower_ != "in":
        return None
    if sdoc[g.end - 1].lower_ in m.rule("generic_after_actor"):
        return None   # "the Islamic State group in Syria": where the group is, not a branch
    end = _place_end(sdoc, g.end + 1, is_place)
    if end is None:
        return None
    return _Cand(g.start, end, "ARMED_GROUP", "branch", priority=4,
                 branch=_qualifier_key([t.text for t in sdoc[g.end + 1:end]], is_place), parent=g.actor_id)


def _place_end(sdoc, i: int, is_place) -> int | None:
    """End of the capitalised place name starting at ``i``, if it is one."""
    j = i
    while j < len(sdoc) and j - i < 4 and sdoc[j].text[:1].isupper() and sdoc[j].is_alpha:
        j += 1
    if j == i:
        return None
    text = sdoc[i:j].text
    return j if sdoc[i].ent_type_ in ("GPE", "LOC") or is_place(text) else None


def _branch_around(sdoc, t, m: EntityMatcher, by_start, by_end, found, is_place, *, has_groups: bool) -> _Cand | None:
    parent: _Cand | None = None
    qual: list[str] = []
    # leftwards: qualifiers, adjectives, a possessive group ("ISIS's Libyan affiliate")
    start = t.i
    j = t.i - 1
    while j >= 0 and t.i - j <= 8:
        tok = sdoc[j]
        group = next((c for c in found if c.end == j + 1), None) or by_end.get(j + 1)
        if tok.text in ("'s", "’s") and (by_end.get(j) or next((c for c in found if c.end == j), None)):
            j -= 1
            continue
        if group is not None and parent is None:
            parent, start, j = group, group.start, group.start - 1
            continue
        if tok.text in _QUOTES:
            start, j = j, j - 1
            continue
        if tok.text[:1].isupper() and tok.is_alpha and tok.lower_ not in m.stop_words and tok.ent_type_ != "DATE":
            qual.insert(0, tok.text)
            start, j = j, j - 1
            continue
        if tok.pos_ == "ADJ" and tok.text.islower():
            start, j = j, j - 1
            continue
        break
    if parent is None and start > 0 and sdoc[start - 1].lower_ in ("its", "their"):
        parent = _group_before(sdoc, start, list(by_end.values()) + found)   # "ISIS and its Kunar wing"
    while start < t.i and sdoc[start].text in _QUOTES and not any(sdoc[k].text in _QUOTES for k in range(start + 1, t.i)):
        start += 1  # an unpaired quote mark
    # rightwards: "... of [the] GROUP", "... in PLACE"
    end = t.i + 1
    if end < len(sdoc) and sdoc[end].lower_ == "of":
        k = end + 1
        while k < len(sdoc) and sdoc[k].lower_ in ("the", "its", "their"):
            k += 1
        group = next((c for c in found if c.start == k), None) or by_start.get(k)
        if group is None:
            return None   # "the Kano branch of the bar association": not a group's
        parent, end = parent or group, group.end
    elif end + 1 < len(sdoc) and sdoc[end].lower_ == "in" and parent is not None:
        place_end = _place_end(sdoc, end + 1, is_place)
        if place_end is not None:
            qual, end = [x.text for x in sdoc[end + 1:place_end]], place_end
    if parent is None and not (qual and has_groups and t.lower_ in m.rule("branch_nouns_alone")):
        return None   # "Idlib province" is a place; "the Idlib wing" is a group's
    if _after_group_name(sdoc, start, by_end):
        return None   # "JNIM, al-Qaeda's affiliate ...": a description of the named group
    if parent is not None and parent.branch:
        qual = qual or [sdoc[parent.start:parent.end].text]
    parent_id = (parent.parent or parent.actor_id) if parent is not None else None
    known = _known_branch(m, parent_id, qual)
    if known is None and not qual and parent is not None and parent.actor_id:
        regional = m.table.get(parent.actor_id)
        # "ISWAP's faction", "the Islamic State's Khorasan branch" (table name): the group itself
        known = regional if regional is not None and regional.country is not None else None
    if known is not None:   # "IS's Khorasan branch" is the table's Islamic State Khorasan Province
        return _Cand(start, end, known.type, "branch", known.id, priority=4)
    return _Cand(start, end, "ARMED_GROUP", "branch", priority=4,
                 branch=_qualifier_key(qual, is_place) if qual else "", parent=parent_id)


def _known_branch(m: EntityMatcher, parent_id: str | None, qual: list[str]) -> Actor | None:
    """The table actor a parent's branch names ("Islamic State" + "Khorasan"), if any."""
    parent = m.table.get(parent_id) if parent_id else None
    if parent is None or not qual:
        return None
    words = " ".join(qual)
    for alias in (parent.name, *parent.aliases):
        for form in (f"{alias} {words}", f"{alias} in {words}", f"{alias} {words} Province"):
            found = m.table.lookup(form)
            if found is not None and found.id != parent.id:
                return found
    return None


def _group_before(sdoc, i: int, groups: list[_Cand], *, reach: int = 40) -> _Cand | None:
    """The group named last before token ``i``, within ``reach`` tokens (what "its" refers to)."""
    before = [c for c in groups if c.end <= i and i - c.end <= reach]
    return max(before, key=lambda c: c.end) if before else None


def _after_group_name(sdoc, start: int, by_end) -> bool:
    """Whether the words at ``start`` stand in apposition to a group named just before."""
    j = start - 1
    if j < 1 or sdoc[j].text not in (",", "(", "—", "–"):
        return False
    return j in by_end or (sdoc[j - 1].text == ")" and any(end < j and end >= j - 4 for end in by_end))


def _qualifier_key(words: list[str], is_place) -> str:
    """Key of a branch's qualifier; a demonym is keyed as its country ("Libyan" -> Libya)."""
    text = " ".join(words)
    if len(words) == 1 and not is_place(text):
        for cut in (1, 2):
            stem = text[:-cut]
            if text.endswith(("n", "i")) and len(stem) > 3 and is_place(stem):
                return actor_key(stem)
    return actor_key(text)


# ---------------------------------------------------------------------------------------
# spaCy's entities, corrected


@dataclass
class _Context:
    """What the label fixes need to know about the document and the world."""
    matcher: EntityMatcher
    is_place: Callable[[str], bool]
    surnames: set[str]
    place_texts: set[str]
    has_gazetteer: bool = False


def _trim(sdoc, start: int, end: int, m: EntityMatcher) -> tuple[int, int]:
    """Leading determiners and trailing possessives or punctuation off a span."""
    tk = token_table(sdoc)
    text, punct = tk.text, tk.punct
    while start < end and (tk.lower[start] in _DETERMINERS or punct[start] and text[start] not in "\"“"):
        start += 1
    while end > start and (text[end - 1] in ("'s", "’s", "'", "’") or punct[end - 1]
                           and text[end - 1] not in (".", ")")):
        end -= 1
    # a trailing abbreviation dot belongs to "U.S." but not to a sentence
    return start, end


def _strip_titles(sdoc, start: int, end: int, m: EntityMatcher) -> int:
    titles = m.rule("titles")
    text = token_table(sdoc).text
    while end - start > 1 and (text[start] in titles or text[start] == "."):
        start += 1
    return start


def _spacy_cands(sdoc, ctx: _Context) -> list[_Cand]:
    m = ctx.matcher
    tk = token_table(sdoc)
    out = []
    for ent_start, ent_end, ent_label in tk.ents:
        label = _SPACY_LABELS.get(ent_label)
        if label is None:
            continue
        start, end = _trim(sdoc, ent_start, ent_end, m)
        # a name never runs over a line break ("Odesa\n\nFalling debris"): keep the last line
        breaks = [i for i in range(start, end) if "\n" in tk.text[i]]
        if breaks:
            start, end = _trim(sdoc, breaks[-1] + 1, end, m)
        if start >= end:
            continue
        if label == "PERSON":
            start = _strip_titles(sdoc, start, end, m)
        elif _is_title_before_person(sdoc, start, end, m):
            continue  # "Army" in "Army Gen. Mark Milley", "Defense" in "Defense Minister X"
        text = tk.span_text(start, end)
        label = _fix_label(sdoc, start, end, label, text, ctx)
        if label is None:
            continue
        poss = [k for k in range(start + 1, end - 1) if tk.text[k] in ("'s", "’s")]
        if label == "GOV_BODY" and poss and _split_from_owner(sdoc[poss[-1] + 1:end], m):
            # "Armenia's Foreign Ministry" tagged whole: the office, owned by the country
            out.append(_Cand(poss[-1] + 1, end, label, "spacy", priority=1, owner=tk.span_text(start, poss[-1])))
            continue
        out.append(_Cand(start, end, label, "spacy", priority=1))
    return out


def _is_title_before_person(sdoc, start, end, m: EntityMatcher) -> bool:
    titles = m.rule("titles")
    tk = token_table(sdoc)
    text = tk.text
    j = start
    while j < len(text) and (text[j] in titles or text[j] == "."):
        j += 1
    return j >= end and j < len(text) and tk.ent[j] == "PERSON"


def _fix_label(sdoc, start, end, label, text, ctx: _Context) -> str | None:
    m = ctx.matcher
    if not any(c.isalpha() for c in text):
        return None
    if not (text[:1].isupper() or text[:1].isdigit() or _fold(text.split("-")[0].split()[0]) in _ARTICLES):
        return None  # lowercase: a common noun, not a name ("al-Khums" excepted)
    key = m.table.key(text)
    if key in ctx.surnames and label != "GPE":
        return "PERSON"
    if _is_page_word(sdoc, start, end, label, text, ctx):
        return None
    shape = _group_shape(sdoc[start:end], m)
    if label in ("PERSON", "NORP", "OTHER", "FACILITY") and shape:
        return "ARMED_GROUP"
    if label in ("ORG", "PERSON", "OTHER", "NORP", "FACILITY") and m.table.lookup(text) is None \
            and (key in ctx.place_texts or ctx.is_place(text) and _place_context(sdoc, start, end, label, m)):
        return "GPE"
    if label == "NORP":
        return "PERSON" if _norp_is_person(sdoc, start, end, text, m) else None
    if label == "OTHER":
        return None
    if label == "ORG":
        return _org_type(text, m) or ("ARMED_GROUP" if shape == "strong" else "ORG")
    return label


def _place_context(sdoc, start, end, label, m: EntityMatcher) -> bool:
    """Whether a gazetteer name spaCy did not call a place reads as one here.

    An ORG or FACILITY that is a one-word town is taken as the town.  A PERSON is
    taken as a town unless something marks a person: a title before it ("President
    Obama") or a speech verb it is the subject of.
    """
    if label in ("ORG", "FACILITY", "OTHER"):
        return sum(1 for t in sdoc[start:end] if t.is_alpha and _fold(t.text) not in _ARTICLES) <= 1
    if start > 0 and sdoc[start - 1].lower_ in m.rule("locative_prepositions"):
        return True
    if start > 0 and sdoc[start - 1].text in m.rule("titles"):
        return False
    root = sdoc[start:end].root
    return not (root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_ in m.rule("speech_verbs"))


def _is_page_word(sdoc, start, end, label, text, ctx: _Context) -> bool:
    """A single common English word tagged as a name: "WATCHED", "Concerns", "Replay"."""
    if end - start != 1 or label == "PERSON" and not _line_is_caps(sdoc[start]):
        return False
    if ctx.is_place(text) or ctx.matcher.table.lookup(text) is not None:
        return False
    word = sdoc[start]
    # only at the head of a sentence or line, or on a capitals line, where English
    # words are capitalised anyway: "the Mediterranean" mid-sentence is a name
    heading = word.is_sent_start or _line_is_caps(word) or word.i == 0 or "\n" in sdoc[word.i - 1].text
    if not heading:
        return False
    if ctx.matcher.english(word.text):
        return True
    if ctx.has_gazetteer and ctx.matcher.english_noun(word.text):
        return True
    return word.text.isupper() and _line_is_caps(word) and word.lower_ in ctx.matcher.stop_words


def _group_shape(span, m: EntityMatcher) -> str | None:
    words = [t.text for t in span]
    if not words:
        return None
    if words[0] in m.rule("group_prefixes"):
        return "strong"
    if any(w in m.rule("group_heads_strong") for w in words):
        return "strong"
    if any(w in m.rule("group_heads_weak") for w in words[1:]):
        return "weak"
    return None


_ORDINAL_UNIT_RE = re.compile(r"^\d+(st|nd|rd|th)\s+(\w+\s+)?(\w+)$", re.I)


def _org_type(text: str, m: EntityMatcher) -> str | None:
    unit = _ORDINAL_UNIT_RE.match(text.strip())
    if unit and unit.group(3) in m.rule("state_unit_heads"):
        return "GOV_BODY"   # "25th Division", "5th Army Corps": numbered formations of an army
    padded = f" {text} "
    for head in m.rule("gov_heads"):
        if f" {head} " in padded or padded.rstrip().endswith(f" {head}"):
            return "GOV_BODY"
    return None


def _norp_is_person(sdoc, start, end, text, m: EntityMatcher) -> bool:
    """spaCy tags some surnames NORP ("Guterres said"): a proper noun speaking is a person."""
    span = sdoc[start:end]
    if not all(t.pos_ == "PROPN" and t.tag_ != "NNPS" for t in span):
        return False
    if end - start >= 2:
        return True
    root = span.root
    return root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_ in m.rule("speech_verbs")


# ---------------------------------------------------------------------------------------
# choosing among overlapping candidates


def _resolve(cands: list[_Cand], sdoc, m: EntityMatcher) -> list[_Cand]:
    droppable = m.rule("generic_extras") | m.rule("droppable_prefixes") | _DETERMINERS
    strong = sorted((c for c in cands if c.priority > 1), key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    weak = [c for c in cands if c.priority <= 1]
    kept: list[_Cand] = []
    for c in strong:
        if not any(_overlap(c, k) for k in kept):
            kept.append(c)
    # A longer spaCy name around a table match wins unless what it adds is generic:
    # "Washington Institute for ..." keeps its name, "pro-ISIS" yields ISIS.
    for s in weak:
        inside = [k for k in kept if _overlap(s, k)]
        if not inside:
            kept.append(s)
            continue
        if all(s.start <= k.start and k.end <= s.end for k in inside) and (s.end - s.start) > max(k.end - k.start for k in inside):
            extra = [t for t in sdoc[s.start:s.end]
                     if not any(k.start <= t.i < k.end for k in inside)]
            if any(not (t.is_punct or t.lower_ in droppable) for t in extra):
                kept = [k for k in kept if k not in inside]
                if any(k.label == "ARMED_GROUP" and k.source == "pattern" for k in inside) \
                        and s.label in ("PERSON", "ORG", "FACILITY", "OTHER"):
                    s = _Cand(s.start, s.end, "ARMED_GROUP", s.source, s.actor_id, s.priority)
                kept.append(s)
    kept.sort(key=lambda c: c.start)
    return kept


def _overlap(a: _Cand, b: _Cand) -> bool:
    return a.start < b.end and b.start < a.end


# ---------------------------------------------------------------------------------------
# acronyms


def _initials(text: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", text) if w]
    skip = {"of", "the", "and", "for", "in", "al", "el", "de", "du", "la", "le", "des", "&"}
    return "".join(w[0] for w in words if w.lower() not in skip and w[:1].isalpha()).upper()


def _spelled_out(sdoc, end: int, acr: str) -> int | None:
    """Start of the capitalised words before ``end`` whose initials spell ``acr``, if any."""
    for start in range(end - 1, max(-1, end - 12), -1):
        tok = sdoc[start]
        if tok.is_sent_start and start < end - 1 and not tok.text[:1].isupper():
            break
        if tok.text[:1].isupper() and _initials(sdoc[start:end].text) == acr.upper():
            return start
    return None


def _name_type(span, m: EntityMatcher) -> str:
    shape = _group_shape(span, m)
    if shape == "strong":
        return "ARMED_GROUP"
    return _org_type(span.text, m) or "ORG"


def _acronym_cands(sdoc, kept: list[_Cand], m: EntityMatcher) -> tuple[list[_Cand], dict[str, int]]:
    """Acronyms defined after a name, "(LNA)", and their later uses; maps acronym -> index in kept."""
    defined: dict[str, int] = {}
    ends = {c.end: idx for idx, c in enumerate(kept)}
    text = token_table(sdoc).text
    for i, w in enumerate(text):
        if w != "(" or i + 2 >= len(text) or text[i + 2] != ")":
            continue
        acr = text[i + 1]
        if not (re.fullmatch(r"[A-Z][A-Za-z0-9]{1,7}", acr) and sum(ch.isupper() for ch in acr) >= 2):
            continue
        if i in ends:
            defined.setdefault(acr, ends[i])
            continue
        start = _spelled_out(sdoc, i, acr)
        if start is not None and not any(c.start < i and start < c.end for c in kept):
            kept.append(_Cand(start, i, _name_type(sdoc[start:i], m), "acronym-definition", priority=1))
            defined.setdefault(acr, len(kept) - 1)
    if not defined:
        return [], {}
    taken = {i for c in kept for i in range(c.start, c.end)}
    out = [_Cand(i, i + 1, kept[defined[w]].label, "acronym", kept[defined[w]].actor_id)
           for i, w in enumerate(text) if w in defined and i not in taken]
    return out, defined


# ---------------------------------------------------------------------------------------
# grouping mentions into entities


@dataclass
class _Group:
    label_votes: Counter = field(default_factory=Counter)
    forms: list[str] = field(default_factory=list)     # surface forms, in order of appearance
    mentions: list[int] = field(default_factory=list)  # indices into the candidate list
    actor_id: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _group(cands: list[_Cand], sdoc, acronyms: dict[str, int], kept_index: dict[int, int],
           m: EntityMatcher) -> list[list[int]]:
    n = len(cands)
    uf = _UnionFind(n)
    span_text = token_table(sdoc).span_text
    texts = [span_text(c.start, c.end) for c in cands]
    keys = [m.table.key(t) for t in texts]
    first: dict[tuple, int] = {}
    for i, c in enumerate(cands):
        if c.branch:
            ident = ("branch", c.branch)
        elif c.owner:
            ident = ("owned", m.table.key(c.owner), keys[i])   # Russia's and Ukraine's ministries differ
        else:
            ident = ("actor", c.actor_id) if c.actor_id else (_FAMILY.get(c.label, c.label), keys[i])
        if ident in first:
            uf.union(first[ident], i)
        else:
            first[ident] = i
    # acronym uses join the name that defined them
    for i, c in enumerate(cands):
        if c.source == "acronym" and texts[i] in acronyms:
            target = kept_index.get(acronyms[texts[i]])
            if target is not None:
                uf.union(target, i)
    # acronyms that spell the initials of a name in the same document
    for i, c in enumerate(cands):
        if texts[i].isupper() and 2 <= len(texts[i]) <= 6 and c.actor_id is None:
            for j, d in enumerate(cands):
                if j != i and len(texts[j].split()) >= 2 and _FAMILY.get(d.label) == _FAMILY.get(c.label, "org") \
                        and _initials(texts[j]) == texts[i]:
                    uf.union(j, i)
                    break
    _link_bracketed_names(cands, sdoc, uf)
    _link_surnames(cands, texts, keys, uf)
    _link_short_group_names(cands, texts, keys, uf, m)
    _link_bare_forces(cands, texts, uf)
    _link_bare_branches(cands, uf)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[uf.find(i)].append(i)
    return list(groups.values())


def _link_short_group_names(cands, texts, keys, uf: _UnionFind, m: EntityMatcher) -> None:
    """"Ansar al Beit" after "Ansar Beit al Maqdis": a group name cut short.

    Only for names built on an Arabic group word (Ansar, Jaish ...): English names
    ("Islamic State" / "Islamic State in Libya") are often distinct groups.
    """
    prefixes = m.derived("group_prefixes", _key_set)
    for i, c in enumerate(cands):
        words = keys[i].split()
        if c.label != "ARMED_GROUP" or c.actor_id or len(words) < 2 or words[0] not in prefixes:
            continue
        longer = {uf.find(j) for j, d in enumerate(cands)
                  if _FAMILY.get(d.label) == "org" and len(keys[j].split()) > len(words)
                  and keys[j].split()[0] == words[0] and set(words) <= set(keys[j].split())}
        if len(longer) == 1:
            uf.union(longer.pop(), i)


def _key_set(words: frozenset[str]) -> set[str]:
    return {actor_key(w) for w in words}


def _link_bracketed_names(cands, sdoc, uf: _UnionFind) -> None:
    """"Houthis (Ansar Allah)", "the VDP's full name (VDP)": a bracket right after a group's
    name that holds only another name gives a second name of the same group."""
    by_start = {c.start: j for j, c in enumerate(cands)}
    text = token_table(sdoc).text
    for i, c in enumerate(cands):
        if _FAMILY.get(c.label) != "org" or c.end + 2 >= len(text) or text[c.end] != "(":
            continue
        j = by_start.get(c.end + 1)
        if j is None:
            continue
        d = cands[j]
        if _FAMILY.get(d.label) != "org" or d.end >= len(text) or text[d.end] != ")":
            continue
        if c.actor_id and d.actor_id and c.actor_id != d.actor_id:
            continue   # two known actors: the bracket says who leads or backs whom
        uf.union(i, j)


def _link_bare_branches(cands, uf: _UnionFind) -> None:
    """"the affiliate", "ISIS affiliate": the one qualified branch the document names, if one."""
    roots = {uf.find(i) for i, c in enumerate(cands) if c.branch}
    if len(roots) != 1:
        return
    root = roots.pop()
    for i, c in enumerate(cands):
        if c.branch == "":
            uf.union(root, i)


def _name_parts(key: str) -> list[str]:
    return key.split()


def _link_surnames(cands, texts, keys, uf: _UnionFind) -> None:
    """A short person name joins the one longer person name it ends (or begins, for "Abu X")."""
    people = [i for i, c in enumerate(cands) if c.label == "PERSON"]
    full = [i for i in people if len(_name_parts(keys[i])) >= 2]
    for i in people:
        parts = _name_parts(keys[i])
        if not parts:
            continue
        matches = {uf.find(j) for j in full
                   if len(_name_parts(keys[j])) > len(parts)
                   and (_name_parts(keys[j])[-len(parts):] == parts
                        or (_fold(texts[i]).startswith(("abu ", "abou ", "umm "))
                            and _name_parts(keys[j])[:len(parts)] == parts))}
        if len(matches) == 1:
            uf.union(matches.pop(), i)


# ---------------------------------------------------------------------------------------
# roles


def _role(sdoc, c: _Cand, m: EntityMatcher) -> str | None:
    """The role a sentence gives a name: apposition, relative clause, or the title before it."""
    span = sdoc[c.start:c.end]
    root = span.root
    for child in root.children:
        # a common-noun apposition describes ("head of ..."); a proper noun is another name
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.left_edge.i in (c.end + 1, c.end + 2) \
                and sdoc[c.end].text in (",", "(", "—", "–"):
            return _clean_role(sdoc[child.left_edge.i:child.right_edge.i + 1].text)
    if root.dep_ == "appos" and root.head.i < c.start and root.head.pos_ == "NOUN":
        head = root.head
        left = head.left_edge.i
        stop = c.start
        while stop > left and (sdoc[stop - 1].is_punct):
            stop -= 1
        if stop > left and head.i < c.start and stop < c.start and sdoc[stop].text == ",":
            return _clean_role(sdoc[left:stop].text)
    if c.label in ("GPE", "LOC", "FACILITY"):
        return None  # "Italy, whose southern coast ..." is not a role
    for child in root.children:
        if child.dep_ == "relcl" and child.i >= c.end:
            words = [t for t in sdoc[child.left_edge.i:child.right_edge.i + 1]]
            while words and words[0].lower_ in ("who", "which", "that", ","):
                words = words[1:]
            if words:
                return _clean_role(sdoc[words[0].i:words[-1].i + 1].text)
    if c.label == "PERSON":
        left = root.left_edge.i
        if left < c.start:
            words = list(sdoc[left:c.start])
            while words and (words[0].lower_ in _DETERMINERS or words[0].is_punct):
                words = words[1:]
            if words and any(w.text not in m.rule("courtesy_titles") for w in words) \
                    and not any(w.is_punct and w.text not in "." for w in words):
                return _clean_role(sdoc[words[0].i:words[-1].i + 1].text)
    return None


def _clean_role(text: str) -> str | None:
    text = " ".join(text.split()).strip(" ,;:-")
    words = text.split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    while words and words[-1].lower() in _DETERMINERS | {",", "and"}:
        words = words[:-1]
    text = " ".join(words).strip(" ,;:-")
    if not text or len(text) > 160:
        return None
    return text


# ---------------------------------------------------------------------------------------
# canonical names


def _canonical(group: list[int], cands, texts, label: str, m: EntityMatcher) -> tuple[str, str]:
    branch = next((cands[i].branch for i in group if cands[i].branch), None)
    ids = [cands[i].actor_id for i in group if cands[i].actor_id]
    if branch:
        # a branch is known by its parent and its qualifier, whatever words name it
        parent = next((cands[i].parent for i in group if cands[i].parent), None) or "branch"
        forms = [texts[i] for i in group]
        best = sorted(Counter(forms), key=lambda f: (-len(m.table.key(f).split()), f))[0]
        return best, f"{parent}/{branch}"
    owner = next((cands[i].owner for i in group if cands[i].owner), None)
    if owner and not ids:
        forms = [texts[i] for i in group if cands[i].owner] or [texts[i] for i in group]
        best = sorted(Counter(forms), key=lambda f: (-len(m.table.key(f).split()), f))[0]
        name = f"{owner}'s {best}"   # named with its country, as it would be on its own
        return name, f"{label.lower()}:{m.table.key(name)}"
    if ids:
        actor = m.table.actors[Counter(ids).most_common(1)[0][0]]
        return actor.name, actor.id
    forms = [texts[i] for i in group]
    # the fullest written form: most words, then most frequent, then the
    # alphabetically first so that the choice does not depend on the document
    non_acr = [f for f in forms if not f.isupper() or len(f) > 6] or forms
    counts = Counter(non_acr)
    best = sorted(counts, key=lambda f: (-len(m.table.key(f).split()), -counts[f], f))[0]
    return best, f"{label.lower()}:{m.table.key(best)}"


# ---------------------------------------------------------------------------------------
# the stage


def _gazetteer(res):
    """The gazetteer if normalize.places is installed; entity fixes degrade without it."""
    def load():
        if importlib.util.find_spec("sitrep.normalize.places") is None:
            log.info("no gazetteer (sitrep.normalize.places missing): place fixes disabled")
            return None
        return res.gazetteer
    return res.get("entities_gazetteer", load)


def _place_test(gaz) -> Callable[[str], bool]:
    check = getattr(gaz, "is_place_name", None)
    if callable(check):
        return lambda text: bool(check(text))
    lookup = getattr(gaz, "lookup", None)
    if callable(lookup):
        return lambda text: bool(lookup(text))
    return lambda text: False


@stage("entities", reads=("spacy",), writes=("mentions", "entities"))
def entities(docs: Iterable[Document], *, res) -> None:
    """Fill ``doc.mentions`` and ``doc.entities`` from the spaCy analysis."""
    matcher = _matcher(res)
    gaz = _gazetteer(res)
    is_place = _place_test(gaz) if gaz is not None else None
    for doc in docs:
        doc.mentions, doc.entities = [], []
        if doc.spacy is None or not len(doc.spacy):
            continue
        doc.mentions, doc.entities = extract_entities(doc.spacy, matcher=matcher, is_place=is_place)


def extract_entities(sdoc, *, matcher: EntityMatcher, is_place: Callable[[str], bool] | None = None
                     ) -> tuple[list[Mention], list[Entity]]:
    """Mentions and entities of one spaCy Doc (offsets are the Doc's character offsets).

    ``is_place`` tells whether a name is a populated place in the gazetteer; without
    it the fixes that need a gazetteer are skipped.
    """
    m = matcher
    has_gazetteer = is_place is not None
    is_place = is_place or (lambda text: False)
    ctx = _Context(matcher=m, is_place=is_place, surnames=_surnames(sdoc, m), place_texts=set(),
                   has_gazetteer=has_gazetteer)
    ctx.place_texts = _place_votes(sdoc, m, is_place)
    table, shaped = _table_matches(sdoc, m), _pattern_matches(sdoc, m)
    branches = _branch_matches(sdoc, m, [c for c in table + shaped if c.label == "ARMED_GROUP"], is_place)
    cands = branches + table + _gov_matches(sdoc, m, is_place) + shaped + _spacy_cands(sdoc, ctx)
    # a bare "the army" only where no name was found on those words
    cands += [b for b in _bare_force_matches(sdoc, m) if not any(_overlap(b, c) for c in cands)]
    kept = _resolve([c for c in (_cut_at_bracket(sdoc, c, m) for c in cands) if c is not None], sdoc, m)
    kept = _relabel_surnames(kept, sdoc, m)
    acr, defined = _acronym_cands(sdoc, kept, m)
    kept_index = {i: i for i in range(len(kept))}
    allc = kept + acr
    order = sorted(range(len(allc)), key=lambda i: allc[i].start)
    allc = [allc[i] for i in order]
    remap = {old: new for new, old in enumerate(order)}
    kept_index = {old: remap[old] for old in kept_index}
    tk = token_table(sdoc)
    texts = [tk.span_text(c.start, c.end) for c in allc]
    groups = _group(allc, sdoc, defined, kept_index, m)
    groups.sort(key=lambda g: min(allc[i].start for i in g))
    mentions: list[Mention] = []
    ents: list[Entity] = []
    for n, group in enumerate(groups, 1):
        eid = f"E{n}"
        label = _group_label([allc[i] for i in group])
        name, actor_id = _canonical(group, allc, texts, label, m)
        aliases = list(dict.fromkeys(texts[i] for i in sorted(group, key=lambda i: allc[i].start)))
        role = next((r for r in (_role(sdoc, allc[i], m) for i in sorted(group)) if r), None)
        ents.append(Entity(id=eid, name=name, type=label, aliases=aliases, role=role, actor_id=actor_id))
        for i in group:
            c = allc[i]
            if c.start < c.end:   # offsets from the token table, without building the Span
                start, end = tk.idx[c.start], tk.idx[c.start] + len(texts[i])
            else:
                span = sdoc[c.start:c.end]
                start, end = span.start_char, span.end_char
            mentions.append(Mention(start=start, end=end, text=texts[i], label=label, entity=eid))
    mentions.sort(key=lambda x: x.start)
    return mentions, ents


def _cut_at_bracket(sdoc, c: _Cand, m: EntityMatcher) -> _Cand | None:
    """A name never runs into an unclosed bracket: "Houthis (Ansar Allah" is "Houthis"."""
    text = token_table(sdoc).text
    opens = [i for i in range(c.start + 1, c.end) if text[i] == "("]
    if not opens or any(text[i] == ")" for i in range(opens[-1], c.end)):
        return c
    start, end = _trim(sdoc, c.start, opens[0], m)
    if start >= end:
        return None
    return _Cand(start, end, c.label, c.source, c.actor_id, c.priority, c.branch, c.parent, c.owner)


def _group_label(members: list[_Cand]) -> str:
    for c in members:
        if c.actor_id:
            return c.label
    votes = Counter(c.label for c in members if c.label in LABELS)
    if not votes:
        return "ORG"
    for specific in ("ARMED_GROUP", "GOV_BODY"):
        if votes.get(specific):
            return specific
    return votes.most_common(1)[0][0]


def _relabel_surnames(kept: list[_Cand], sdoc, m: EntityMatcher) -> list[_Cand]:
    """Lone surnames of people named in full elsewhere in the document are people too.

    spaCy tags a repeated surname ORG or NORP, or misses it; both are fixed here:
    "Hans Grundberg ... Grundberg told Reuters".
    """
    tk = token_table(sdoc)
    key = m.table.key
    last: set[str] = set()
    for c in kept:
        if c.label != "PERSON":
            continue
        words = [w for w, punct in zip(tk.text[c.start:c.end], tk.punct[c.start:c.end]) if not punct]
        if len(words) >= 2:
            last.add(key(words[-1]))
    if not last:
        return kept
    out = []
    for c in kept:
        if c.label in ("ORG", "LOC", "FACILITY") and c.actor_id is None and c.end - c.start == 1 \
                and key(tk.span_text(c.start, c.end)) in last:
            c = _Cand(c.start, c.end, "PERSON", c.source, None, c.priority)
        out.append(c)
    taken = {i for c in out for i in range(c.start, c.end)}
    for i, w in enumerate(tk.text):
        if i not in taken and tk.pos[i] == "PROPN" and w[:1].isupper() and tk.alpha[i] \
                and not _caps_at(sdoc, tk.idx[i]) and key(w) in last:
            out.append(_Cand(i, i + 1, "PERSON", "surname", None, 1))
    out.sort(key=lambda c: c.start)
    return out


def _surnames(sdoc, m: EntityMatcher) -> set[str]:
    """Keys of the last names of multi-word PERSON entities, for relabelling lone surnames."""
    tk = token_table(sdoc)
    out = set()
    for ent_start, ent_end, label in tk.ents:
        if label == "PERSON" and ent_end - ent_start >= 2:
            start = _strip_titles(sdoc, *_trim(sdoc, ent_start, ent_end, m), m)
            end = _trim(sdoc, ent_start, ent_end, m)[1]
            words = [w for w, punct in zip(tk.text[start:end], tk.punct[start:end]) if not punct]
            if len(words) >= 2 and _group_shape(sdoc[start:end], m) is None:
                out.add(m.table.key(words[-1]))
                out.add(m.table.key(" ".join(words)))
    return out


def _place_votes(sdoc, m: EntityMatcher, is_place) -> set[str]:
    """Keys of names spaCy tags GPE/LOC somewhere in the document.

    spaCy labels one town GPE in one sentence and ORG or PERSON in the next; one
    document seldom uses a town's name for anything else.
    """
    out = set()
    tk = token_table(sdoc)
    for ent_start, ent_end, label in tk.ents:
        if label in ("GPE", "LOC"):
            start, end = _trim(sdoc, ent_start, ent_end, m)
            text = tk.span_text(start, end)
            if text and text[:1].isupper() and m.table.lookup(text) is None:
                out.add(m.table.key(text))
    return out


# ---------------------------------------------------------------------------------------
# helpers for the extract stages


def canonical_actor(doc: Document, start: int, end: int, *, max_distance: int = 200) -> Entity | None:
    """The entity whose mention overlaps ``[start, end)``, else the nearest one in reach.

    Nearest means by character distance, within the same sentence when sentences are
    known, and never further than ``max_distance`` characters.
    """
    if not doc.mentions:
        return None
    by_id = {e.id: e for e in doc.entities}
    overlapping = [mn for mn in doc.mentions if mn.start < end and start < mn.end]
    if overlapping:
        best = max(overlapping, key=lambda mn: min(end, mn.end) - max(start, mn.start))
        return by_id.get(best.entity)
    lo, hi = 0, len(doc.text)
    for s in doc.sentences:
        if s.start <= start < s.end:
            lo, hi = s.start, s.end
            break
    best, dist = None, max_distance + 1
    for mn in doc.mentions:
        if mn.start < lo or mn.end > hi:
            continue
        d = start - mn.end if mn.end <= start else mn.start - end
        if d < dist:
            best, dist = mn, d
    return by_id.get(best.entity) if best else None
