"""Reading the parse: sentences, trigger matching, clause structure, and the document's
annotations (places) as they fall in a sentence.  The parse is read through a per-document
table (:class:`Parse`), and results asked for again and again within one document are
memoised for the length of one :func:`extract_events` call."""
from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache, wraps

import numpy
from spacy.attrs import DEP, HEAD, IS_TITLE, LIKE_NUM, TAG

from ...model import Document, Location, Place
from ...nlp import token_table
from .rules import PLACE_ENTS, Rules


PARSE_KEY = "sitrep.tokens"
MEMO_KEY = "sitrep.events_memo"


class Parse:
    """A spaCy Doc's parse as plain lists indexed by token i, made once per document.

    The rules ask millions of times per batch for a token's lemma, head, children or
    sentence: each ``doc[i]``, ``tok.head``, ``tok.children`` or ``tok.sent`` makes new Token
    objects and each ``tok.lemma_`` is a string-store lookup; here they are list reads, and
    ``toks`` holds one Token per position for the code that still wants Token objects.
    """

    __slots__ = ("doc", "text", "toks", "lemma", "lower", "pos", "tag", "dep", "ent", "head", "like_num",
                 "is_title", "kids", "sent_start", "sent_end", "memo", "_subtrees", "_sents")

    def __init__(self, sdoc):
        self.doc = sdoc
        shared = token_table(sdoc)      # the lists the earlier stages already read
        self.text = shared.doc_text
        self.toks = list(sdoc)
        n = len(self.toks)
        self.lower, self.pos, self.ent = shared.lower, shared.pos, shared.ent
        self.lemma = [w.lower() for w in shared.lemma]
        arr = sdoc.to_array([TAG, DEP, LIKE_NUM, IS_TITLE])
        strings = sdoc.vocab.strings
        cols = arr.T.tolist() if n else [[] for _ in range(4)]

        def text_of(col):
            names = {h: strings[h] for h in set(col)}
            return [names[h] for h in col]
        self.tag = text_of(cols[0])
        self.dep = text_of(cols[1])
        self.like_num, self.is_title = cols[2], cols[3]        # 0 or 1
        # heads are stored relative to the token, as unsigned ints
        rel = sdoc.to_array([HEAD]).astype(numpy.int64).tolist() if n else []
        self.head = [i + r for i, r in enumerate(rel)]
        self.kids: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(self.head):
            if h != i:
                self.kids[h].append(i)      # ascending: the order of Token.children
        self.sent_start = [0] * n
        self.sent_end = [0] * n
        for sent in sdoc.sents:
            a, b = sent.start, sent.end
            self.sent_start[a:b] = [a] * (b - a)
            self.sent_end[a:b] = [b] * (b - a)
        self.memo: dict = {}           # results that depend on the parse alone (subjects, objects)
        self._subtrees: dict[int, frozenset[int]] = {}
        self._sents: dict[int, object] = {}

    def subtree(self, i: int) -> frozenset[int]:
        """Indices of ``Token.subtree`` of token i."""
        got = self._subtrees.get(i)
        if got is None:
            out, stack, kids = [i], [i], self.kids
            while stack:
                k = stack.pop()
                out.extend(kids[k])
                stack.extend(kids[k])
            got = self._subtrees[i] = frozenset(out)
        return got

    def sent(self, i: int):
        """spaCy's sentence of token i (``Token.sent`` walks the boundaries on every call)."""
        start = self.sent_start[i]
        got = self._sents.get(start)
        if got is None:
            got = self._sents[start] = self.doc[start:self.sent_end[i]]
        return got

    def ancestors(self, i: int) -> list[int]:
        """Indices of ``Token.ancestors`` of token i, nearest first."""
        out, head = [], self.head
        while head[i] != i:
            i = head[i]
            out.append(i)
        return out


def kids(tok) -> list:
    """``tok.children`` as a list of the document's :class:`Parse` Tokens."""
    p = parse_of(tok.doc)
    toks = p.toks
    return [toks[k] for k in p.kids[tok.i]]


def head_of(tok):
    """``tok.head``, the :class:`Parse`'s Token."""
    p = parse_of(tok.doc)
    return p.toks[p.head[tok.i]]


def parse_of(sdoc) -> Parse:
    """The document's :class:`Parse`, kept on ``Doc.user_data`` (it dies with the batch)."""
    p = sdoc.user_data.get(PARSE_KEY)
    if p is None:
        p = sdoc.user_data[PARSE_KEY] = Parse(sdoc)
    return p


def per_call(sdoc, key, compute):
    """``compute()``, once per :func:`extract_events` call for ``key`` (every time outside one)."""
    memo = sdoc.user_data.get(MEMO_KEY)
    if memo is None:
        return compute()
    if key in memo:
        return memo[key]
    got = memo[key] = compute()
    return got


def per_token(name: str):
    """Memoise ``f(tok, doc, rules)`` by token for one :func:`extract_events` call (the
    rules and the document's annotations stay the same through a call)."""
    def deco(f):
        @wraps(f)
        def memoised(tok, *args, **kwargs):
            if tok is None:
                return f(tok, *args, **kwargs)
            return per_call(tok.doc, (name, tok.i), lambda: f(tok, *args, **kwargs))
        return memoised
    return deco


def per_parse(name: str):
    """Memoise ``f(tok)``, a function of the parse alone, by token on the :class:`Parse`."""
    def deco(f):
        @wraps(f)
        def memoised(tok):
            memo = parse_of(tok.doc).memo
            key = (name, tok.i)
            if key in memo:
                return memo[key]
            got = memo[key] = f(tok)
            return got
        return memoised
    return deco


def text_sentences(sdoc):
    """spaCy's sentences, cut again at blank lines: a headline, byline or subhead with no
    full stop is not part of the paragraph after it."""
    breaks = [t.i for t in parse_of(sdoc).toks if t.is_space and "\n\n" in t.text.replace("\r", "")]
    for sent in sdoc.sents:
        start = sent.start
        for i in breaks[bisect_left(breaks, sent.start):bisect_left(breaks, sent.end)]:
            if i > start:
                yield sdoc[start:i]
                start = i + 1
        if start < sent.end:
            yield sdoc[start:sent.end]


def teaser_blocks(text: str, *, rules: Rules) -> list[tuple[int, int]]:
    """Character ranges of 'Related posts' / 'Read also' blocks: other stories' headlines."""
    out, pos = [], 0
    heads = rules.lex["teaser_heads"]
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        bare = line.strip().rstrip(":").lower()
        if bare in heads or any(bare.startswith(h + ":") for h in heads):
            start = pos
            end = pos + len(line)
            if bare in heads:        # a heading: the headlines follow, one a line, until a gap
                j = i + 1
                while j < len(lines) and lines[j].strip() and len(lines[j]) < 160:
                    end += len(lines[j])
                    j += 1
                pos, i = end, j
            else:
                pos, i = end, i + 1
            out.append((start, end))
            continue
        pos += len(line)
        i += 1
    return out


def lemma(tok) -> str:
    return tok.lemma_.lower()


def match_triggers(sent, rules: Rules) -> list[tuple[tuple, str]]:
    """(phrase tokens, family) for every trigger phrase in the sentence; longest match wins."""
    p = parse_of(sent.doc)
    lem, low, ent = p.lemma, p.lower, p.ent
    never, phrases = rules.lex["never"], rules.phrases
    end = sent.end
    found = []
    for i in range(sent.start, end):
        if (lem[i] not in phrases and low[i] not in phrases) or low[i] in never or ent[i] in ("DATE", "TIME"):
            continue         # no phrase starts here; "March 12" is a date, not a march
        for key in {lem[i], low[i]}:
            for words, fam in phrases.get(key, ()):
                n = len(words)
                if i + n <= end and all(_has_form(p, j, w) for j, w in enumerate(words, i)):
                    found.append((tuple(p.toks[i:i + n]), fam))
    # a token inside a longer phrase does not trigger on its own for a shorter phrase
    found.sort(key=lambda f: -len(f[0]))
    kept, covered = [], {}
    for span, fam in found:
        ids = {t.i for t in span}
        if any(covered.get(i, 0) > len(span) for i in ids):
            continue
        for i in ids:
            covered[i] = max(covered.get(i, 0), len(span))
        kept.append((span, fam))
    return kept


def _has_form(p: Parse, i: int, word: str) -> bool:
    # verbs match by lemma only ("found" is not "found a group"); nouns also by their text,
    # since the lemmatizer misses words like "airstrikes"
    return word == p.lemma[i] or (word == p.lower[i] and p.pos[i] not in ("VERB", "AUX"))


def phrase_head(span):
    heads = parse_of(span[0].doc).head
    ids = {t.i for t in span}
    for t in span:
        if heads[t.i] not in ids or heads[t.i] == t.i:
            return t
    return span[0]


def in_lex(tok, lex: frozenset[str]) -> bool:
    return in_lex_at(parse_of(tok.doc), tok.i, lex)


def in_lex_at(p: Parse, i: int, lex: frozenset[str]) -> bool:
    """:func:`in_lex` of token i."""
    low = p.lower[i]
    if p.lemma[i] in lex or low in lex:
        return True
    # a capitalised plural at a sentence start is tagged a proper noun and keeps its plural
    # as lemma ("Militiamen looted ..."): try the singular
    if p.pos[i] == "PROPN" and p.is_title[i]:
        return (low.endswith("men") and low[:-3] + "man" in lex) or (low.endswith("s") and low[:-1] in lex)
    return False


def any_in_lex(p: Parse, start: int, end: int, lex: frozenset[str], skip=()) -> bool:
    """Whether a token in [start, end) outside ``skip`` is in the lexicon."""
    if skip:
        return any(in_lex_at(p, i, lex) for i in range(start, end) if i not in skip)
    # by lemma or text: set operations over the whole range; then the capitalised plurals
    if not (lex.isdisjoint(p.lemma[start:end]) and lex.isdisjoint(p.lower[start:end])):
        return True
    pos, title = p.pos, p.is_title
    return any(in_lex_at(p, i, lex) for i in range(start, end) if title[i] and pos[i] == "PROPN")


def has_phrase(sent, words: frozenset[str] | tuple[str, ...]) -> bool:
    """Whether any (possibly multi-word) entry occurs in the sentence, by lemma or text."""
    lem, low = _joined(sent)
    single, padded = _split_entries(words)
    if single and not (single.isdisjoint(lem.split(" ")) and single.isdisjoint(low.split(" "))):
        return True
    return any(w in lem or w in low for w in padded)


@lru_cache(maxsize=256)
def _split_entries(words: frozenset[str] | tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The one-word entries, and the others padded.  ' w ' occurs in ' a b c ' exactly when
    w, with no space in it, is one of a, b, c: a set lookup instead of a search per entry."""
    single = frozenset(w for w in words if w and " " not in w)
    return single, tuple(f" {w} " for w in words if w not in single)


@lru_cache(maxsize=256)
def _padded(words: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    # the word lists are immutable rule data: pad each entry once, not per sentence
    return tuple(f" {w} " for w in words)


@lru_cache(maxsize=64)
def multiword(words: frozenset[str]) -> frozenset[str]:
    """The entries of a word list that have several words."""
    return frozenset(w for w in words if " " in w)


def _joined(toks) -> tuple[str, str]:
    """' lemma lemma ... ' and ' word word ... ' of a span or token list.  A sentence's pair
    is asked for by many rules: it is kept on the spaCy Doc (it dies with the batch)."""
    if not hasattr(toks, "doc"):         # a token list
        if not toks:
            return "  ", "  "
        p = parse_of(toks[0].doc)
        ids = [t.i for t in toks]
        return (" " + " ".join([p.lemma[i] for i in ids]) + " ", " " + " ".join([p.lower[i] for i in ids]) + " ")
    key = ("sitrep.joined", toks.start, toks.end)
    store = toks.doc.user_data
    pair = store.get(key)
    if pair is None:
        pair = store[key] = joined_range(parse_of(toks.doc), toks.start, toks.end)
    return pair


def joined_range(p: Parse, start: int, end: int, skip=()) -> tuple[str, str]:
    """:func:`_joined` of the tokens in [start, end) outside ``skip``."""
    if skip:
        ids = [i for i in range(start, end) if i not in skip]
        lem, low = [p.lemma[i] for i in ids], [p.lower[i] for i in ids]
    else:
        lem, low = p.lemma[start:end], p.lower[start:end]
    return " " + " ".join(lem) + " ", " " + " ".join(low) + " "


def clause_verb(tok):
    """The verb governing a token (itself when it is a verb)."""
    p = parse_of(tok.doc)
    i = clause_verb_at(p, tok.i)
    return tok if i == tok.i else p.toks[i]


def clause_verb_at(p: Parse, i: int) -> int:
    """:func:`clause_verb` of token i, as an index."""
    pos, head = p.pos, p.head
    for _ in range(40):
        if pos[i] in ("VERB", "AUX") or head[i] == i:
            return i
        i = head[i]
    return i


def ancestors_in_sentence(tok):
    p = parse_of(tok.doc)
    lo, hi, toks = p.sent_start[tok.i], p.sent_end[tok.i], p.toks
    return [toks[a] for a in p.ancestors(tok.i) if lo <= a < hi]


def near_words(head, words, *, window: int = 3) -> bool:
    """One of the words depends on the trigger, governs it, or stands just before it."""
    p = parse_of(head.doc)
    i = head.i
    h = p.head[i]
    lo = max(p.sent_start[i], i - window)
    hi = min(p.sent_end[i], i + window + 1)
    ids = [*p.kids[i], h, *p.kids[h], *range(lo, hi)]
    lemmas = {p.lemma[k] for k in ids} | {p.lower[k] for k in ids}
    text = None
    for w in words:
        if w in lemmas:
            return True
        if " " in w:
            if text is None:
                text = " ".join(p.lower[lo:hi]) + " | " + " ".join(p.lemma[lo:hi])
            if w in text:
                return True
    return False


def of_object(tok):
    p = parse_of(tok.doc)
    g = of_object_at(p, tok.i)
    return p.toks[g] if g is not None else None


def of_object_at(p: Parse, i: int) -> int | None:
    dep, low = p.dep, p.lower
    for ch in p.kids[i]:
        if dep[ch] == "prep" and low[ch] in ("of", "over"):
            for g in p.kids[ch]:
                if dep[g] == "pobj":
                    return g
    return None


def in_clause_of(x, y) -> bool:
    """Whether token x lies in the clause of token y (its verb's subtree)."""
    p = parse_of(x.doc)
    vy = clause_verb_at(p, y.i)
    return x.i in p.subtree(vy) and clause_verb_at(p, x.i) == vy or y.i in p.ancestors(x.i)


def lists_item(head, other) -> bool:
    p = parse_of(head.doc)
    for ch in p.kids[head.i]:
        if p.dep[ch] == "prep" and p.lower[ch] in ("including", "like") or p.lower[ch] == "such":
            if other.i in p.subtree(ch):
                return True
    return False


def linked_clauses(x, y) -> bool:
    """Same clause, or one clause is a participle/complement/purpose of the other."""
    p = parse_of(x.doc)
    vx, vy = clause_verb_at(p, x.i), clause_verb_at(p, y.i)
    if vx == vy:
        return True
    for a, b in ((vx, vy), (vy, vx)):
        if p.dep[b] in ("advcl", "xcomp", "pcomp", "acl", "relcl") and clause_verb_at(p, p.head[b]) == a:
            return True
    return False


def trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def place_location(p) -> Location:
    return Location(name=p.name or p.text, admin1=p.admin1, country=p.country, iso=p.iso,
                    lat=p.lat, lon=p.lon, precision=p.precision, gazetteer_id=p.gazetteer_id)


def sentence_places(doc: Document, sent) -> list:
    """Resolved places of the sentence; spaCy's place entities while the places stage is absent."""
    # asked for by each event of the sentence, several times
    return list(per_call(sent.doc, ("sentence_places", sent.start_char, sent.end_char),
                         lambda: _sentence_places(doc, sent)))


def _sentence_places(doc: Document, sent) -> list:
    if doc.places:
        places = doc.places
        if len(places) <= 32:   # a short list: the scan is cheaper than the index
            return [p for p in places if sent.start_char <= p.start < sent.end_char and not _in_actor_name(doc, p)]
        # A scan of every place per sentence is quadratic on long documents: an index by
        # start, built once per place list and kept on the spaCy Doc (it dies with the batch).
        user_data = sent.doc.user_data
        cached = user_data.get("sitrep.place_index")
        if cached is None or cached[0] is not places or cached[1] != len(places):
            order = sorted(range(len(places)), key=lambda i: places[i].start)
            cached = (places, len(places), [places[i].start for i in order], order)
            user_data["sitrep.place_index"] = cached
        _, _, starts, order = cached
        inside = sorted(order[bisect_left(starts, sent.start_char):bisect_left(starts, sent.end_char)])
        return [places[i] for i in inside if not _in_actor_name(doc, places[i])]
    return [Place(start=e.start_char, end=e.end_char, text=e.text, name=e.text)
            for e in sent.ents if e.label_ in PLACE_ENTS]


def char_span(sdoc, start: int, end: int):
    """``sdoc.char_span(start, end, alignment_mode="expand")``, once per document and range."""
    memo = parse_of(sdoc).memo
    key = ("char_span", start, end)
    if key not in memo:
        memo[key] = sdoc.char_span(start, end, alignment_mode="expand")
    return memo[key]


def _in_actor_name(doc: Document, p) -> bool:
    """A place inside a group's name ("Islamic State in Iraq and Syria") is no scene."""
    sdoc = doc.spacy
    if sdoc is None:
        return _in_actor_name_scan(doc, p)
    # asked for every place of a sentence by every event of it, and of the document by each
    return per_call(sdoc, ("in_actor_name", p.start, p.end), lambda: _in_actor_name_scan(doc, p))


def _in_actor_name_scan(doc: Document, p) -> bool:
    return any(m.label in ("ARMED_GROUP", "GOV_BODY", "ORG") and m.start <= p.start and p.end <= m.end
               and (m.end - m.start) > (p.end - p.start) for m in doc.mentions)
