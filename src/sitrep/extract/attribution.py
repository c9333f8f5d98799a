"""Who says so: the source given for a statement, and whether it is hedged.

:func:`attribution_for` reads the dependency parse around a piece of evidence and returns the
source chain as the gold format writes it ("Speaker (affiliation) via Outlet"), or None for the
narrator's own voice.  It understands "according to X", "X said", "..., said X", "X told AFP",
"the newspaper cited X as saying", quotations that run over several sentences, and speakers
referred to again by surname, pronoun ("he told the BBC") or a definite noun ("the report
said" after "a State Department report").  :func:`hedge_cue` finds the hedging word of a statement.

The word lists are data: ``data/speech_verbs.txt`` and ``data/hedges.txt``.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from importlib import resources

from ..nlp import doc_text, token_table

__all__ = ["Speaker", "Context", "context_for", "attribution_for", "speaker_for", "speakers_by_sentence",
           "hedge_cue", "SPEECH_VERBS"]


def _lines(name: str) -> tuple[str, ...]:
    text = resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8")
    return tuple(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))


SPEECH_VERBS = frozenset(_lines("speech_verbs.txt"))
OUTLET_WORDS = frozenset(_lines("outlet_words.txt"))
_HEDGE = re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in _lines("hedges.txt")) + r")\b", re.IGNORECASE)

_QUOTES_OPEN = "\"“«„"
_QUOTES_CLOSE = "\"”»“"
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_OTHER_PRONOUNS = frozenset({"it", "they", "them"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us"})
_DETS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
# verbs whose subject reports what someone else said ("the newspaper cited X as saying")
_CITE = frozenset({"cite", "quote"})
_TELL = frozenset({"tell", "brief", "inform"})
_OUTLET_NOUNS = frozenset({"newspaper", "paper", "daily", "publication", "agency", "outlet", "broadcaster",
                           "channel", "network", "magazine", "website", "station", "tabloid", "weekly"})
_NOT_OUTLETS = frozenset({"reporters", "journalists", "media", "press", "lawmakers", "parliament",
                          "congress", "audience", "crowd", "people", "us", "me", "him", "her", "them"})


@dataclass
class Speaker:
    name: str                      # "Maj. Gen. Sani Usman", "Somali sources", "the UN panel report"
    affiliation: str | None = None
    via: str | None = None         # the outlet it was told to or cited by
    start: int = 0                 # offsets of the speaker phrase in the document text
    end: int = 0

    def chain(self) -> str:
        name, role = _split_role(_tidy(self.name))
        affiliation = _short_affiliation(self.affiliation or role)
        # "via the Sahel Monitor website" -> "via Sahel Monitor"
        via = _OUTLET_TAIL.sub("", _tidy(self.via)) if self.via else None
        out = name
        if affiliation and affiliation.lower() not in name.lower():
            out += f" ({affiliation})"
        if via and via.lower() not in name.lower() and via.lower() != name.lower():
            out += f" via {via}"
        return out


# ---- reading well in a brief: one cleanup of every source string -----------------------------

_LEAD_DET = re.compile(r"^(?:[Aa]n?|[Tt]he)\s+(?=[a-z])")
_OUTLET_TAIL = re.compile(r"\s+(?:" + "|".join(sorted(_OUTLET_NOUNS)) + r")$")
_TRAIL_CLAUSE = re.compile(r",\s*(?:which|who|whose|that|where|a|an|the)\s.*$")
_ROLE_NAME = re.compile(r"^(?P<role>[a-z][^,]*?),\s+(?P<name>(?:[A-Z][\w.'’-]*\s*){2,5})$")
_AFFIL_CUT = re.compile(r"\s+(?:in|at|on|from|for|of)\s+(?:the\s+)?(?=[a-z])")


def _balance(text: str) -> str:
    """'the Tamu People's Militia (PPM' -> '... (PDF)'; a stray ')' goes."""
    if text.count("(") > text.count(")"):
        return text + ")"
    if text.count(")") > text.count("("):
        return text.replace(")", "")
    return text


def _tidy(name: str | None) -> str:
    """A source phrase as a brief shows it: no leading article before a common noun, no trailing
    relative clause or apposition, balanced brackets, an outlet's leading 'the' capitalised."""
    if not name:
        return ""
    text = " ".join(name.split()).strip(" ,;:")
    text = _TRAIL_CLAUSE.sub("", text) if len(text.split()) > 3 else text
    text = _LEAD_DET.sub("", text)
    if text[:4] == "the " and set(re.findall(r"[a-z]+", text.lower())) & OUTLET_WORDS:
        text = "The " + text[4:]                  # "the Wall Street Journal" is named "The ..."
    text = _balance(text)
    return text


def _split_role(name: str) -> tuple[str, str | None]:
    """'commander of the vigilante force, Ali Musa' -> ('Ali Musa', 'commander of the vigilante force')."""
    m = _ROLE_NAME.match(name)
    if m:
        return m.group("name").strip(), m.group("role")
    return name, None


def _short_affiliation(text: str | None) -> str | None:
    """The part of a role that says whom the speaker speaks for, short enough for a bracket:
    'spokesman for the Kachin Independence Army' -> 'Kachin Independence Army';
    'the commander of a militia that fights with the army' -> 'commander of a militia'."""
    if not text:
        return None
    text = _tidy(text)
    # "spokesman for X", "head of the X Agency": the named body is what a reader needs
    text = re.sub(r"^[Tt]he\s+", "", text)
    m = re.search(r"\b(?:of|for|at|with)\s+(?:the\s+)?((?:[A-Z][\w'’.-]*|of|for|and|the|de|al)"
                  r"(?:\s+(?:[A-Z][\w'’.-]*|of|for|and|the|de|al|\([A-Z]+\)))*)", text)
    if m:
        body = _balance(m.group(1).rstrip(" ,"))
        # a body's name: two capitalised words or more, or an acronym ("Madina" alone is a place)
        if body[:1].isupper() and (len(re.findall(r"\b[A-Z]", body)) >= 2 or body.isupper()):
            return body
    words = text.split()
    if len(words) > 5 and any(w[:1].islower() for w in words):
        text = _AFFIL_CUT.split(text, maxsplit=1)[0] if _AFFIL_CUT.search(text) else " ".join(words[:5])
    return text


@dataclass
class Context:
    """What attribution needs from one document, computed once: its sentences and named speakers."""
    sents: list = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    speakers: list[tuple[int, Speaker]] = field(default_factory=list)
    text: str = ""            # the parsed text (spaCy's ``doc.text`` rebuilds it on every call)

    def sent_of(self, tok):
        """The sentence of a token (spaCy's ``token.sent`` rescans the document each time)."""
        i = bisect_right(self.starts, tok.i) - 1
        return self.sents[i] if i >= 0 else tok.sent


def context_for(doc) -> Context:
    sdoc = getattr(doc, "spacy", None)
    if sdoc is None:
        return Context()
    # Callers that ask span by span without passing a context would rebuild it every time
    # (quadratic on long documents): keep it on the spaCy Doc, which dies with the batch.
    ctx = sdoc.user_data.get("sitrep.attribution_context")
    if ctx is None:
        sents = list(sdoc.sents)
        ctx = Context(sents, [s.start for s in sents], speakers_by_sentence(doc, sents=sents), doc_text(sdoc))
        sdoc.user_data["sitrep.attribution_context"] = ctx
    return ctx


# ---- hedges --------------------------------------------------------------------------------

def hedge_cue(text: str) -> str | None:
    """The hedging word or phrase of ``text`` ("suspected", "could not be independently verified"), or None."""
    if not text:
        return None
    # the most specific cue wins ("could not be independently verified" over "claims")
    found = [m.group(0) for m in _HEDGE.finditer(text)]
    return max(found, key=len) if found else None


# ---- phrases from the parse --------------------------------------------------------------

def _phrase(tok, *, drop=("relcl", "acl", "appos", "punct", "advcl", "cc", "conj", "parataxis")) -> tuple[str, int, int] | None:
    """The noun phrase headed by ``tok``, without clauses and appositions; leading determiner kept off
    for definite common nouns only when a proper noun follows."""
    keep = [tok]
    for child in tok.children:
        if child.dep_ in drop:
            continue
        keep.extend(child.subtree)
    keep.sort(key=lambda t: t.i)
    # keep a contiguous run around the head (the parse can attach far-away tokens)
    idx = [t.i for t in keep]
    lo, hi = tok.i, tok.i
    s = set(idx)
    while lo - 1 in s:
        lo -= 1
    while hi + 1 in s:
        hi += 1
    doc = tok.doc
    # a heading line above the sentence is not part of the phrase ("Odesa\nFalling debris ...")
    while lo < tok.i and "\n" in doc[lo:tok.i + 1].text:
        lo += 1
    while hi > tok.i and "\n" in doc[tok.i:hi + 1].text:
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].lower_ in _DETS and doc[lo + 1].pos_ == "PROPN"):
        lo += 1
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    span = doc[lo:hi + 1]
    text = " ".join(span.text.split())
    return (text, span.start_char, span.end_char) if text else None


def _appos_name(tok):
    """'the head of intelligence, Col. X' -> (Col. X, head of intelligence)."""
    for child in tok.children:
        if child.dep_ == "appos":
            if child.pos_ == "PROPN" and tok.pos_ != "PROPN":
                return child, tok
            if tok.pos_ == "PROPN":
                return tok, child
    return tok, None


def _affiliation_of(tok) -> str | None:
    """An organisation named in the speaker's relative clause or apposition ("who heads X")."""
    for child in tok.children:
        if child.dep_ in ("relcl", "acl", "appos"):
            ents = [e for e in tok.doc.ents if e.label_ in ("ORG", "NORP", "GPE", "FAC")
                    and child.left_edge.i <= e.start and e.end <= child.right_edge.i + 1]
            for e in ents:
                if e.label_ == "ORG":
                    return " ".join(e.text.split())
            if child.dep_ == "appos" and child.pos_ != "PROPN":
                ph = _phrase(child)
                if ph:
                    return re.sub(r"^(?:a|an|the)\s+", "", ph[0], flags=re.IGNORECASE)
    return None


def _subject(verb):
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
            return child
    # "..., said the minister" can attach the subject as dobj/attr after the verb
    for child in verb.children:
        if child.dep_ in ("attr", "dobj") and child.i > verb.i and verb.lemma_ == "say" and child.pos_ in ("PROPN", "NOUN"):
            return child
    # a conjoined verb or a participle clause shares its subject ("X arrived and said", "..., claiming")
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX") and verb.head is not verb:
        return _subject(verb.head)
    return None


def _via(verb) -> str | None:
    """The outlet a statement was given to: 'told AFP', 'said in an interview with Reuters'."""
    if verb.lemma_ in _TELL:
        for child in verb.children:
            if child.dep_ in ("dobj", "dative", "iobj"):
                ph = _phrase(child)
                bare = re.sub(r"^(?:the|a|an)\s+", "", ph[0].lower()) if ph else ""
                # "told reporters", "told the press" name no outlet; "told The Associated Press" does
                if ph and bare not in _NOT_OUTLETS and (any(t.pos_ == "PROPN" for t in child.subtree)
                                                       or child.text[:1].isupper()):
                    return ph[0]
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("to", "in", "with"):
            for t in child.subtree:
                if t.pos_ == "PROPN" and t.ent_type_ == "ORG" and t.lower_ not in _NOT_OUTLETS:
                    ent = next((e for e in t.doc.ents if e.start <= t.i < e.end), None)
                    if ent is not None and child.lower_ != "in" or any(w.lower_ in ("interview", "statement") for w in child.subtree):
                        return " ".join((ent.text if ent is not None else t.text).split())
    return None


# ---- resolving pronouns, surnames and definite nouns -----------------------------------------

def _person_mentions(doc) -> list[tuple[int, int, str]]:
    """PERSON mentions as (start, end, name), from the normalised mentions or spaCy's entities."""
    out = []
    for m in getattr(doc, "mentions", None) or []:
        if m.label == "PERSON":
            out.append((m.start, m.end, m.text))
    if not out and doc.spacy is not None:
        out = [(e.start_char, e.end_char, e.text) for e in doc.spacy.ents if e.label_ == "PERSON"]
    return sorted(out)


def _full_name(doc, name: str, before: int) -> str:
    """'Zelensky' -> 'Volodymyr Zelensky' when the fuller name appeared earlier."""
    last = name.split()[-1] if name.split() else name
    for s, e, text in _person_mentions(doc):
        if s >= before:
            break
        if len(text.split()) > len(name.split()) and text.split()[-1] == last:
            return " ".join(text.split())
    return name


def _last_person(doc, before: int) -> str | None:
    found = None
    for s, e, text in _person_mentions(doc):
        if s >= before:
            break
        found = text
    return _full_name(doc, found, before) if found else None


# ---- finding the speaker of a sentence ---------------------------------------------------

def _is_passive(verb) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _speaker_of_verb(doc, verb, *, earlier) -> Speaker | None:
    if _is_passive(verb):
        # "It is estimated to have...", "800 were reported killed": no speaker unless "by X"
        for c in verb.children:
            if c.dep_ == "agent":
                for obj in c.children:
                    if obj.dep_ == "pobj":
                        return _speaker_from_token(doc, obj, verb=None, earlier=earlier)
        return None
    subj = _subject(verb)
    if subj is not None and subj.dep_ == "expl":
        return None
    if verb.lemma_ in _CITE and subj is not None and _cites_a_source(verb):
        # "the newspaper cited X as saying": X speaks, the subject is the outlet
        for child in verb.children:
            if child.dep_ == "dobj":
                sp = _speaker_from_token(doc, child, verb=verb, earlier=earlier)
                outlet = _speaker_from_token(doc, subj, verb=verb, earlier=earlier)
                if outlet is not None and subj.lemma_.lower() in _OUTLET_NOUNS and subj.pos_ == "NOUN":
                    outlet.name = _outlet_before(doc, subj) or outlet.name
                if sp is not None:
                    sp.via = outlet.name if outlet else None
                return sp
    if subj is None:
        subj = _detached_subject(verb)
    if subj is None:
        return None
    return _speaker_from_token(doc, subj, verb=verb, earlier=earlier)


_SOURCE_NOUNS = frozenset({"source", "official", "officer", "spokesman", "spokeswoman", "spokesperson", "witness",
                           "resident", "commander", "minister", "diplomat", "analyst", "expert", "doctor", "medic"})


def _cites_a_source(verb) -> bool:
    """'the paper cited officials as saying' names who spoke; 'he cited a November raid' does not."""
    for child in verb.children:
        if child.dep_ in ("advcl", "prep", "xcomp") and (child.lower_ == "as" or child.lemma_ in SPEECH_VERBS):
            return True
        if child.dep_ == "dobj" and (child.ent_type_ in ("PERSON", "ORG", "NORP")
                                     or child.lemma_.lower() in _SOURCE_NOUNS):
            return True
    return False


def _detached_subject(verb):
    """'..., the ministry's spokesman, Col. X, said.': the parser can hang the speaker as an
    apposition of the last noun of the statement; take the outermost apposition before the verb."""
    doc = verb.doc
    i = verb.i - 1
    while i >= 0 and doc[i].is_punct:
        i -= 1
    if i < 0 or i == verb.i - 1:
        return None                                # no comma between speaker and verb: not this case
    tok = doc[i]
    found = None
    while tok.dep_ in ("appos", "compound", "flat") and tok.head.i < tok.i:
        if tok.dep_ == "appos":
            found = tok
        tok = tok.head
    return found


_OUTLET_NOUN_RE = "|".join(sorted(_OUTLET_NOUNS))
# "the Telegraph newspaper", "the Hiiraan Online website": a name given with its kind of outlet
_NAMED_OUTLET = re.compile(r"\b[Tt]he\s+((?:[A-Z][\w'’&-]*\s+){0,3}[A-Z][\w'’&-]*)\s+(?:" + _OUTLET_NOUN_RE + r")s?\b")


def _outlet_before(doc, tok) -> str | None:
    """'the newspaper' -> the last outlet-like organisation named before it."""
    best, at = None, -1
    for e in tok.doc.ents:
        if e.end_char > tok.idx:
            break
        if e.label_ in ("ORG", "WORK_OF_ART", "PERSON") and set(re.findall(r"[a-z]+", e.text.lower())) & OUTLET_WORDS:
            best, at = " ".join(e.text.split()), e.start_char
    for m in _NAMED_OUTLET.finditer(tok.doc.text, 0, tok.idx):
        if m.start() > at:
            best, at = "The " + " ".join(m.group(1).split()), m.start()
    return best if best is not None else getattr(doc, "outlet", None)


# a document speaks for its publisher: "a report in the Daily Trust", "an article by Al-Monitor"
_DOCUMENT_NOUNS = frozenset({"report", "article", "story", "investigation", "editorial", "dispatch", "broadcast",
                             "bulletin", "documentary"})
# definite nouns that point back at a named body ("the group said", "the ministry added")
_BACK_NOUNS = {
    "group": ("ARMED_GROUP",), "militia": ("ARMED_GROUP",), "movement": ("ARMED_GROUP",),
    "militants": ("ARMED_GROUP",), "insurgents": ("ARMED_GROUP",), "rebels": ("ARMED_GROUP",),
    "ministry": ("GOV_BODY",), "army": ("GOV_BODY",), "military": ("GOV_BODY",), "government": ("GOV_BODY",),
    "monitor": ("ORG",), "observatory": ("ORG",), "agency": ("ORG", "GOV_BODY"), "organisation": ("ORG",),
    "organization": ("ORG",), "charity": ("ORG",), "office": ("ORG", "GOV_BODY"),
}


def _outlet_of_document(doc, head) -> str | None:
    """'a report Monday in the Guardian newspaper of Britain' -> 'The Guardian'."""
    if head.lemma_.lower() not in _DOCUMENT_NOUNS:
        return None
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("in", "by", "from", "on"):
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            if obj.lemma_.lower() in _OUTLET_NOUNS:
                # the capitalised words right before the noun: "the Daily Trust newspaper"
                names, i = [], obj.i - 1
                while i >= 0 and obj.doc[i].text[:1].isupper() and obj.doc[i].is_alpha:
                    names.insert(0, obj.doc[i].text)
                    i -= 1
                if names:
                    lead = "The " if i >= 0 and obj.doc[i].lower_ == "the" else ""
                    return lead + " ".join(names)
            if obj.pos_ == "PROPN" and obj.ent_type_ in ("ORG", "WORK_OF_ART"):
                ent = next((e for e in obj.doc.ents if e.start <= obj.i < e.end), None)
                if ent is not None:
                    return " ".join(ent.text.split())
    return None


def _issuer_of_document(head):
    """'a statement by the coalition', 'a video from the group' -> the token of who issued it."""
    if head.lemma_.lower() not in _DOCUMENT_NOUNS | {"statement", "communique", "video", "message", "post"}:
        return None
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("by", "from"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ in ("PROPN", "NOUN") and obj.lemma_.lower() not in _OUTLET_NOUNS:
                    return obj
    return None


def _named_body_before(doc, head) -> str | None:
    """'the group' / 'the ministry' / 'the Observatory' -> the last named body it can stand for."""
    word = head.lower_
    labels = _BACK_NOUNS.get(word) or _BACK_NOUNS.get(head.lemma_.lower())
    fallback = None
    mentions = [(m.start, m.label, doc.entity_name(m.entity) or m.text)
                for m in getattr(doc, "mentions", None) or [] if m.entity and m.label != "PERSON"]
    if not mentions:
        # before the actor stage: spaCy's organisations, matched by the word only (no kind known)
        mentions = [(e.start_char, "", e.text) for e in head.doc.ents if e.label_ == "ORG"]
    for start, label, name in sorted(mentions):
        if start >= head.idx:
            break
        if word in {w.lower() for w in re.findall(r"[\w'’-]+", name)}:
            fallback = ("word", name)
        elif labels and label in labels and (fallback is None or fallback[0] != "word"):
            fallback = ("label", name)
    return fallback[1] if fallback else None


def _entity_name_at(doc, start: int, end: int) -> str | None:
    for m in getattr(doc, "mentions", None) or []:
        if start <= m.start and m.end <= end and m.entity and m.label != "PERSON":
            if (m.end - m.start) >= 0.6 * (end - start):
                return doc.entity_name(m.entity)
    return None


def _speaker_from_token(doc, tok, *, verb, earlier) -> Speaker | None:
    low = tok.lower_
    via = _via(verb) if verb is not None else None
    if low in _FIRST_PERSON:
        return None
    if low in _PERSON_PRONOUNS:
        name = _last_person(doc, tok.idx)
        if name is None:
            return None
        prev = next((s for s in reversed(earlier) if s.name == name), None)
        return Speaker(name, prev.affiliation if prev else None, via, tok.idx, tok.idx + len(tok))
    if low in _OTHER_PRONOUNS:
        prev = earlier[-1] if earlier else None
        if prev is None or low == "it" and " " not in prev.name and prev.name[:1].isupper():
            return None
        return Speaker(prev.name, prev.affiliation, via or prev.via, tok.idx, tok.idx + len(tok))
    if tok.lower_ in ("that", "which", "who"):
        return None
    head, role = _appos_name(tok)
    ph = _phrase(head)
    if ph is None:
        return None
    name, s, e = ph
    affiliation = _affiliation_of(head)
    if role is not None and role is not head:
        rp = _phrase(role)
        if rp:
            affiliation = re.sub(r"^(?:a|an|the)\s+", "", rp[0], flags=re.IGNORECASE)
    if head.ent_type_ == "PERSON" or head.pos_ == "PROPN" and tok.ent_type_ == "PERSON":
        name = _full_name(doc, name, s)
    elif head.pos_ == "NOUN" and head.lemma_.lower() in _OUTLET_NOUNS and name.split()[0].lower() in _DETS:
        outlet = _outlet_before(doc, head)
        if outlet:
            return Speaker(outlet, None, via, s, e)
    elif head.pos_ == "NOUN" and name.split()[0].lower() in ("the", "this", "these", "those"):
        # "the report said" after "a State Department report": reuse the earlier, fuller chain
        for prev in reversed(earlier):
            if prev.name.split()[-1].lower() == head.lower_ and prev.name.lower() != name.lower():
                return Speaker(prev.name, prev.affiliation, via or prev.via, s, e)
        if len(name.split()) == 2:
            body = _named_body_before(doc, head)
            if body:
                return Speaker(body, None, via, s, e)
    elif head.pos_ == "PROPN" and len(name.split()) <= 2 and name.split()[0].lower() == "the" \
            and head.lower_ in _BACK_NOUNS:
        body = _named_body_before(doc, head)      # "the Observatory" after its full name
        if body:
            return Speaker(body, None, via, s, e)
    outlet = _outlet_of_document(doc, head)
    if outlet:
        return Speaker(outlet, None, via, s, e)
    issuer = _issuer_of_document(head)
    if issuer is not None:
        sp = _speaker_from_token(doc, issuer, verb=verb, earlier=earlier)
        if sp is not None:
            return sp
    canonical = _entity_name_at(doc, s, e)
    return Speaker(canonical or name, affiliation, via, s, e)


_ACCORDING_TO = re.compile(r"\baccording to\s+([^,.;:\n]+)", re.IGNORECASE)


def _according_to(doc, sent, *, earlier) -> Speaker | None:
    sdoc = sent.doc
    sent_text = doc_text(sdoc)[sent.start_char:sent.end_char]   # (Span.text joins its tokens)
    if "according" not in sent_text.lower():   # most sentences: skip the token walk and the regex
        return None
    lower = token_table(sdoc).lower
    for i in range(sent.start, sent.end):
        if lower[i] == "according":
            tok = sdoc[i]
            for prep in tok.children:
                if prep.lower_ == "to":
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            sp = _speaker_from_token(doc, obj, verb=None, earlier=earlier)
                            if sp is not None:
                                sp.affiliation = sp.affiliation or _affiliation_of(obj)
                                conj = [c for c in obj.children if c.dep_ == "conj"]
                                for c in conj:
                                    cp = _phrase(c)
                                    if cp:
                                        sp.name = f"{sp.name} and {cp[0]}"
                            return sp
    # the parser does not always attach "according to" as above: read the words after it
    m = _ACCORDING_TO.search(sent_text)
    if m:
        name = m.group(1).strip()
        start = sent.start_char + m.start(1)
        return Speaker(name, None, None, start, start + len(name))
    return None


def _speech_verbs(sent, *, exclude=None):
    sdoc = sent.doc
    at = _speech_verb_index(sdoc)
    for i in at[bisect_left(at, sent.start):bisect_left(at, sent.end)]:
        if exclude is None or i not in exclude:
            yield sdoc[i]


def _speech_verb_index(sdoc) -> list[int]:
    """Token indices of the document's speech verbs, found once per document (kept on the Doc)."""
    at = sdoc.user_data.get("sitrep.speech_verbs")
    if at is None:
        tk = token_table(sdoc)
        at = [i for i, (lemma, pos) in enumerate(zip(tk.lemma, tk.pos)) if lemma in SPEECH_VERBS and pos in ("VERB", "AUX")]
        sdoc.user_data["sitrep.speech_verbs"] = at
    return at


def _is_ancestor(verb, tok) -> bool:
    return tok is verb or any(a.i == verb.i for a in tok.ancestors)


_NOT_CONTENT = frozenset({"advcl", "prep", "npadvmod", "nsubj", "nsubjpass", "csubj", "agent", "mark"})


def _outside_content(verb, tok) -> bool:
    """Whether ``tok`` hangs off ``verb`` as circumstance ("Speaking at a 23-nation conference, X said")."""
    for child in verb.children:
        if child.dep_ == "advcl" and child.lemma_ in SPEECH_VERBS:
            continue                               # "cited X as saying ..." carries the content
        if child.dep_ == "prep" and (child.lower_ == "including" or any(g.lemma_ in SPEECH_VERBS for g in child.children)):
            continue
        if child.dep_ in _NOT_CONTENT and child.left_edge.i <= tok.i <= child.right_edge.i:
            return True
    return False


def _speaker_in_sentence(doc, sent, first, *, earlier, bounds=None) -> Speaker | None:
    """The speaker of the statement whose first token is ``first`` in ``sent``."""
    lo, hi = bounds or (sent.start_char, sent.end_char)
    sp = _according_to(doc, sent, earlier=earlier)
    if sp is not None and lo <= sp.start < hi:
        return sp
    verbs = [v for v in _speech_verbs(sent) if lo <= v.idx < hi and not _outside_content(v, first)]
    if not verbs:
        return None
    # the verb that governs the statement, else one that hangs off the same clause
    ranked = sorted(verbs, key=lambda v: (not _is_ancestor(v, first), abs(v.i - first.i)))
    for v in ranked:
        subj = _subject(v)
        # the statement is the subject of the verb ("800 fighters were reported..."): not a speaker
        if subj is not None and subj.left_edge.i <= first.i <= subj.right_edge.i:
            continue
        sp = _speaker_of_verb(doc, v, earlier=earlier)
        if sp is not None:
            return sp
    return None


# ---- quotations ------------------------------------------------------------------------------

_QUOTE_MARK = re.compile('[“«„”»"]')


def _quote_bounds(text: str, start: int) -> tuple[int, int] | None:
    """(open, close) of the quotation that contains ``start``, within its paragraph."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", start)
    para_end = len(text) if para_end < 0 else para_end
    inside, open_at = False, -1
    for q in _QUOTE_MARK.finditer(text, para_start, start):   # only the quote marks, in order
        i, ch = q.start(), q.group()
        if ch in "“«„":
            inside, open_at = True, i
        elif ch in "”»":
            inside = False
        elif ch == '"':
            inside = not inside
            open_at = i if inside else -1
    if not inside:
        return None
    for j in range(start, para_end):
        if text[j] in '"”»':
            return open_at, j
    return open_at, para_end


def _speaker_of_quote(doc, open_at: int, close_at: int, *, earlier, sents) -> Speaker | None:
    # after the quote: '"...," she told the BBC.'
    after = [s for s in sents if s.start_char <= close_at < s.end_char or close_at <= s.start_char < close_at + 3]
    for sent in after:
        for v in _speech_verbs(sent):
            if v.idx > close_at:
                sp = _speaker_of_verb(doc, v, earlier=earlier)
                if sp is not None:
                    return sp
    # before the quote: 'X said: "..."'
    before = [s for s in sents if s.start_char <= open_at < s.end_char or s.end_char <= open_at < s.end_char + 3]
    for sent in before:
        for v in _speech_verbs(sent):
            if v.idx < open_at:
                sp = _speaker_of_verb(doc, v, earlier=earlier)
                if sp is not None:
                    return sp
    return None


# ---- public API ---------------------------------------------------------------------------

def speakers_by_sentence(doc, *, before: int | None = None, sents=None) -> list[tuple[int, Speaker]]:
    """(sentence start, speaker) for every sentence that names a source, in text order.

    Compute it once per document and pass it to :func:`speaker_for` as ``earlier``.
    """
    out: list[tuple[int, Speaker]] = []
    sdoc = getattr(doc, "spacy", None)
    if sdoc is None:
        return out
    for sent in sents if sents is not None else sdoc.sents:
        if before is not None and sent.end_char > before:
            break
        prev = [s for _, s in out]
        sp = _according_to(doc, sent, earlier=prev)
        if sp is None:
            for v in _speech_verbs(sent):
                sp = _speaker_of_verb(doc, v, earlier=prev)
                if sp is not None:
                    break
        if sp is not None:
            out.append((sent.start_char, sp))
    return out


def speaker_for(doc, start: int, end: int, *, context: Context | None = None) -> Speaker | None:
    """The speaker of the statement ``doc.text[start:end]`` (None: the narrator's voice).

    ``context`` is :func:`context_for` of the document; pass it when asking about many spans.
    """
    sdoc = getattr(doc, "spacy", None)
    if sdoc is None or not len(sdoc) or end <= start:
        return None
    ctx = context if context is not None else context_for(doc)
    text = ctx.text
    if start >= len(text):
        return None
    span = sdoc.char_span(start, min(end, len(text)), alignment_mode="expand")
    if span is None or not len(span):
        return None
    first = span[0]
    sent = ctx.sent_of(first)
    earlier = [sp for s0, sp in ctx.speakers if s0 < sent.start_char]
    q = _quote_bounds(text, start)
    if q is not None:
        sp = _speaker_of_quote(doc, q[0], q[1], earlier=earlier, sents=ctx.sents)
        if sp is not None:
            return sp
    line = (text.rfind("\n", 0, start) + 1, (text.find("\n", start) + 1 or len(text) + 1) - 1)
    root = span.root if sent.start <= span.root.i < sent.end else first
    return _speaker_in_sentence(doc, sent, root, earlier=earlier, bounds=line)


def attribution_for(doc, start: int, end: int, *, context: Context | None = None) -> str | None:
    """The source chain of ``doc.text[start:end]`` ("Syrian sources via AFP"), or None (narrator)."""
    sp = speaker_for(doc, start, end, context=context)
    return sp.chain() if sp is not None else None
