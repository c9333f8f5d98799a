"""Reading the parse: sentences, trigger matching, clause structure, and the document's
annotations (places) as they fall in a sentence."""
from __future__ import annotations

from ...model import Document, Location, Place
from .rules import PLACE_ENTS, Rules


def text_sentences(sdoc):
    """spaCy's sentences, cut again at blank lines: a headline, byline or subhead with no
    full stop is not part of the paragraph after it."""
    for sent in sdoc.sents:
        start = sent.start
        for tok in sent:
            if tok.is_space and "\n\n" in tok.text.replace("\r", "") and tok.i > start:
                yield sdoc[start:tok.i]
                start = tok.i + 1
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
    toks = list(sent)
    found = []
    for i, tok in enumerate(toks):
        if tok.lower_ in rules.lex["never"] or tok.ent_type_ in ("DATE", "TIME"):
            continue         # "March 12" is a date, not a march
        for key in {lemma(tok), tok.lower_}:
            for words, fam in rules.phrases.get(key, ()):
                n = len(words)
                span = toks[i:i + n]
                if len(span) == n and all(w in _forms(t) for w, t in zip(words, span)):
                    found.append((tuple(span), fam))
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


def _forms(tok) -> tuple[str, ...]:
    # verbs match by lemma only ("found" is not "found a group"); nouns also by their text,
    # since the lemmatizer misses words like "airstrikes"
    if tok.pos_ in ("VERB", "AUX"):
        return (lemma(tok),)
    return (lemma(tok), tok.lower_)


def phrase_head(span):
    ids = {t.i for t in span}
    for t in span:
        if t.head.i not in ids or t.head.i == t.i:
            return t
    return span[0]


def in_lex(tok, lex: frozenset[str]) -> bool:
    if lemma(tok) in lex or tok.lower_ in lex:
        return True
    # a capitalised plural at a sentence start is tagged a proper noun and keeps its plural
    # as lemma ("Militiamen looted ..."): try the singular
    if tok.pos_ == "PROPN" and tok.is_title:
        low = tok.lower_
        return (low.endswith("men") and low[:-3] + "man" in lex) or (low.endswith("s") and low[:-1] in lex)
    return False


def has_phrase(sent, words: frozenset[str] | tuple[str, ...]) -> bool:
    """Whether any (possibly multi-word) entry occurs in the sentence, by lemma or text."""
    lem, low = _joined(sent)
    return any(f" {w} " in lem or f" {w} " in low for w in words)


def _joined(toks) -> tuple[str, str]:
    """' lemma lemma ... ' and ' word word ... ' of a span or token list.  A sentence's pair
    is asked for by many rules: it is kept on the spaCy Doc (it dies with the batch)."""
    key = ("sitrep.joined", toks.start, toks.end) if hasattr(toks, "start") and hasattr(toks, "doc") else None
    store = toks.doc.user_data if key is not None else None
    if key is not None and key in store:
        return store[key]
    pair = (" " + " ".join(lemma(t) for t in toks) + " ", " " + " ".join(t.lower_ for t in toks) + " ")
    if key is not None:
        store[key] = pair
    return pair


def clause_verb(tok):
    """The verb governing a token (itself when it is a verb)."""
    t = tok
    for _ in range(40):
        if t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            return t
        t = t.head
    return t


def ancestors_in_sentence(tok):
    sent = tok.sent       # once: Token.sent walks the sentence boundaries on every call
    return [a for a in tok.ancestors if sent.start <= a.i < sent.end]


def near_words(head, words, *, window: int = 3) -> bool:
    """One of the words depends on the trigger, governs it, or stands just before it."""
    toks = list(head.children) + [head.head] + list(head.head.children)
    sent = head.sent
    lo = max(sent.start, head.i - window)
    toks += [head.doc[i] for i in range(lo, min(sent.end, head.i + window + 1))]
    lemmas = {lemma(t) for t in toks} | {t.lower_ for t in toks}
    seq = head.doc[lo:min(sent.end, head.i + window + 1)]
    text = " ".join(t.lower_ for t in seq) + " | " + " ".join(lemma(t) for t in seq)
    return any(w in lemmas or (" " in w and w in text) for w in words)


def of_object(tok):
    for ch in tok.children:
        if ch.dep_ == "prep" and ch.lower_ in ("of", "over"):
            for g in ch.children:
                if g.dep_ == "pobj":
                    return g
    return None


def in_clause_of(x, y) -> bool:
    """Whether token x lies in the clause of token y (its verb's subtree)."""
    return x.i in {t.i for t in clause_verb(y).subtree} and clause_verb(x).i == clause_verb(y).i or \
        any(a.i == y.i for a in x.ancestors)


def lists_item(head, other) -> bool:
    for ch in head.children:
        if ch.dep_ == "prep" and ch.lower_ in ("including", "like") or ch.lower_ == "such":
            if any(t.i == other.i for t in ch.subtree):
                return True
    return False


def linked_clauses(x, y) -> bool:
    """Same clause, or one clause is a participle/complement/purpose of the other."""
    vx, vy = clause_verb(x), clause_verb(y)
    if vx.i == vy.i:
        return True
    for a, b in ((vx, vy), (vy, vx)):
        if b.dep_ in ("advcl", "xcomp", "pcomp", "acl", "relcl") and clause_verb(b.head).i == a.i:
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
    if doc.places:
        places = doc.places
        if len(places) <= 32:   # a short list: the scan is cheaper than the index
            return [p for p in places if sent.start_char <= p.start < sent.end_char and not _in_actor_name(doc, p)]
        from bisect import bisect_left
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


def _in_actor_name(doc: Document, p) -> bool:
    """A place inside a group's name ("Islamic State in Iraq and Syria") is no scene."""
    return any(m.label in ("ARMED_GROUP", "GOV_BODY", "ORG") and m.start <= p.start and p.end <= m.end
               and (m.end - m.start) > (p.end - p.start) for m in doc.mentions)
