"""events stage: ACLED-coded events from the parsed article text.

Per sentence, trigger words and phrases (``data/event_rules.toml``) propose candidate
events; the parse decides whether each one is real (not negated, hypothetical, a threat
or a metaphor), what sub-type it gets (modifiers such as "suicide" or "drone", civilians
vs armed actors as targets, a place vs a person as the object of "capture"), who acted,
against whom, and the casualty counts.  Candidates describing one occurrence in one
clause merge; a following sentence that only gives the toll joins the event; a clause
naming several places ("in Iraq and Syria") gives one event per place; restatements of
the same occurrence in one document merge into one event with all their evidence.

The other normalize/extract modules provide places, times, actors, numbers and
attribution; their helpers are looked up through :class:`Helpers` so that this stage
degrades gracefully (publication window, sentence places, mention names) when one is missing.
"""
from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import PRECISION_RANK, DateWindow, Document, Event, Location, Span
from ..pipeline import stage

log = logging.getLogger(__name__)

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "event_rules.toml"
VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians",
                           "Protests", "Riots"})
ARMED_LABELS = frozenset({"ARMED_GROUP", "GOV_BODY"})
PLACE_NOUNS = frozenset({"town", "city", "village", "district", "territory", "area", "region",
                         "province", "state", "county", "neighbourhood", "neighborhood", "capital",
                         "port", "airport", "oilfield", "field", "base", "hill", "road", "highway",
                         "border", "crossing", "coast", "island", "valley", "camp", "enclave",
                         "stronghold", "settlement", "municipality", "locality", "suburb", "quarter",
                         "outskirts", "country", "zone", "front", "position", "refinery", "dam", "centre", "center",
                         "township", "governorate", "prefecture", "commune", "ward",
                         "bridge", "garrison", "airbase", "checkpoint", "compound", "headquarters"})
PERSON_ENTS = frozenset({"PERSON", "NORP"})
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
MAX_TRIGGERS = 24          # trigger phrases examined per sentence


# ---------------------------------------------------------------- rules (data)

@dataclass(frozen=True)
class Trigger:
    family: str
    type: str
    sub_type: str
    strength: str = "weak"
    priority: int = 0
    target_rule: bool = False
    civilian: str | None = None
    armed: str | None = None
    casualty: bool = False
    toll_only: bool = False
    territory: bool = False
    person_object: bool = False
    group_subject: bool = False
    needs: tuple[str, ...] = ()
    needs_event_verb: bool = False


@dataclass(frozen=True)
class Modifier:
    words: tuple[str, ...]
    families: tuple[str, ...]
    type: str
    sub_type: str
    priority: int
    actor_too: bool = False


@dataclass
class Rules:
    triggers: dict[str, Trigger]
    phrases: dict[str, list[tuple[tuple[str, ...], str]]]   # first word -> [(phrase words, family)]
    modifiers: list[Modifier]
    protest_outcomes: list[dict]
    lex: dict[str, frozenset[str]]
    conventions: dict


def load_rules(path: Path = RULES_PATH) -> Rules:
    """Read ``event_rules.toml`` into lookup tables (done once per process via Resources)."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    triggers: dict[str, Trigger] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for t in raw.get("trigger", []):
        fam = t["name"]
        triggers[fam] = Trigger(
            family=fam, type=t["type"], sub_type=t["sub_type"], strength=t.get("strength", "weak"),
            priority=t.get("priority", 0), target_rule=t.get("target_rule", False),
            civilian=t.get("civilian"), armed=t.get("armed"), casualty=t.get("casualty", False),
            toll_only=t.get("toll_only", False), territory=t.get("territory", False),
            person_object=t.get("person_object", False), group_subject=t.get("group_subject", False),
            needs=tuple(t.get("needs", ())), needs_event_verb=t.get("needs_event_verb", False))
        for w in t["words"]:
            words = tuple(w.lower().split())
            phrases.setdefault(words[0], []).append((words, fam))
    for lst in phrases.values():
        lst.sort(key=lambda p: -len(p[0]))   # longest phrase first
    modifiers = [Modifier(words=tuple(m["words"]), families=tuple(m["families"]), type=m["type"],
                          sub_type=m["sub_type"], priority=m["priority"],
                          actor_too=m.get("actor_too", False)) for m in raw.get("modifier", [])]
    lex = {k: frozenset(w.lower() for w in v) for k, v in raw.get("lexicon", {}).items()}
    return Rules(triggers=triggers, phrases=phrases, modifiers=modifiers,
                 protest_outcomes=sorted(raw.get("protest_outcome", []), key=lambda o: -o["rank"]),
                 lex=lex, conventions=raw.get("conventions", {}))


# ---------------------------------------------------------------- helpers of other stages

class Helpers:
    """The normalize/extract helpers this stage uses (one object, so tests can swap one)."""

    def __init__(self, *, gazetteer=None):
        from ..normalize.actors import canonical_actor
        from ..normalize.places import location_for
        from ..normalize.times import window_for
        from .attribution import attribution_for, hedge_cue
        from .numbers import find_numbers
        self.gazetteer = gazetteer       # demonyms -> countries ("an Egyptian border post")
        self.location_for = location_for
        self.window_for = window_for
        self.canonical_actor = canonical_actor
        self.find_numbers = find_numbers
        self.attribution_for = attribution_for
        self.hedge_cue = hedge_cue


# ---------------------------------------------------------------- the stage

@stage("events", reads=("spacy", "mentions", "entities", "places", "times"), writes=("events",))
def events(docs, *, res):
    rules = res.get("event_rules", load_rules)
    helpers = res.get("event_helpers", lambda: Helpers(gazetteer=res.gazetteer))
    for doc in docs:
        doc.events = extract_events(doc, rules=rules, helpers=helpers)


@dataclass
class Candidate:
    trigger: Trigger
    head: object                     # spaCy token heading the trigger phrase
    tokens: tuple                    # trigger phrase tokens
    sent: object
    type: str
    sub_type: str
    priority: int
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int | None = None
    injured: int | None = None
    hedged: bool = False
    spans: list[Span] = field(default_factory=list)
    places: list = field(default_factory=list)   # split targets: Place records
    absorbed: bool = False
    pronoun_actor: bool = False      # "they struck ...": continues the previous sentence's event
    anaphoric_actor: bool = False    # "the attackers ...", "they ...": an actor told before
    own_place: bool = False          # the sentence names a place of its own
    civilian_target: str | None = None   # "" for civilians at large, else the victims' noun
    generic_crowd: bool = False      # the protest's subject is a crowd, not a named organiser
    toll_rank: int = 0               # 0 an overall toll, 1 a partial count, 2 the perpetrator's claim
    tolls: list = field(default_factory=list)    # (rank, fatalities, injured) of every telling
    claim_of_told: bool = False      # "X claimed responsibility for the bombing": a told event
    weapon_kind: bool = False        # one of several weapon kinds launched in one salvo


def extract_events(doc: Document, *, rules: Rules, helpers: Helpers | None = None) -> list[Event]:
    """All events of one document, ids V1, V2... in text order."""
    sdoc = doc.spacy
    if sdoc is None or not doc.text.strip():
        return []
    helpers = helpers or Helpers()
    per_sentence: list[list[Candidate]] = []
    skip = teaser_blocks(doc.text, rules=rules)
    for sent in text_sentences(sdoc):
        if not sent.text.strip() or any(a <= sent.start_char < b for a, b in skip):
            continue
        cands = sentence_candidates(doc, sent, rules=rules)
        cands = merge_in_sentence(cands)
        for c in cands:
            fill_arguments(doc, c, rules=rules, helpers=helpers)
        per_sentence.append(cands)
    attach_toll_sentences(per_sentence)
    out: list[Event] = []
    meta: dict[int, Candidate] = {}
    for cands in per_sentence:
        for c in cands:
            if not c.absorbed:
                for e in to_events(doc, c, helpers=helpers):
                    meta[id(e)] = c
                    out.append(e)
    headline_end = headline_end_of(doc.article_text())
    out = merge_restatements(out, meta=meta, headline_end=headline_end)
    out.sort(key=lambda e: (e.spans[0].start if e.spans else 0))
    for i, ev in enumerate(out, 1):
        ev.id = f"V{i}"
    return out


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


# ---------------------------------------------------------------- trigger matching

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
    return lemma(tok) in lex or tok.lower_ in lex


def has_phrase(sent, words: frozenset[str] | tuple[str, ...]) -> bool:
    """Whether any (possibly multi-word) entry occurs in the sentence, by lemma or text."""
    lem = " " + " ".join(lemma(t) for t in sent) + " "
    low = " " + " ".join(t.lower_ for t in sent) + " "
    return any(f" {w} " in lem or f" {w} " in low for w in words)


def clause_verb(tok):
    """The verb governing a token (itself when it is a verb)."""
    t = tok
    for _ in range(40):
        if t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            return t
        t = t.head
    return t


def ancestors_in_sentence(tok):
    return [a for a in tok.ancestors if a.sent.start == tok.sent.start]


# ---------------------------------------------------------------- filters

def is_irrealis(head, rules: Rules) -> bool:
    """Opinion, threat, plan, warning or hypothetical: not an event."""
    verb = clause_verb(head)
    chain = [head] + ancestors_in_sentence(head)
    for t in chain:
        for ch in t.children:
            if ch.dep_ == "aux" and ch.lower_ in rules.lex["irrealis_aux"]:
                return True
            if ch.dep_ == "mark" and ch.lower_ in rules.lex["irrealis_marks"]:
                return True
        if t is not head and lemma(t) in rules.lex["irrealis_heads"]:
            return True
        if any(ch.dep_ == "prep" and ch.lower_ == "in" and any(
                g.dep_ == "pobj" and lemma(g) in ("case", "event") for g in ch.children) for ch in t.children):
            return True      # "in case of an attack, troops would ...": a contingency
    if any(ch.dep_ in ("amod", "compound") and in_lex(ch, rules.lex["irrealis_modifiers"]) for ch in head.children):
        return True          # "a possible offensive", "planned strikes"
    # "plans to attack", "ready to strike": infinitive under a noun/adjective of intent
    if verb.dep_ in ("xcomp", "acl") and lemma(verb.head) in rules.lex["irrealis_heads"]:
        return True
    return False


def is_negated(head) -> bool:
    verb = clause_verb(head)
    for t in (head, verb):
        for ch in t.children:
            if ch.dep_ == "neg" or (ch.dep_ == "det" and ch.lower_ == "no"):
                return True
    return False


def in_comparison(head, rules: Rules) -> bool:
    """'the deadliest since the 2015 bombing', 'like the attack on ...': history, not news."""
    t = head
    for _ in range(3):
        if t.dep_ == "pobj" and t.head.lower_ in rules.lex["comparison_preps"]:
            return True
        if t.head.i == t.i:
            break
        t = t.head
    return False


def armed_in_sentence(doc: Document, sent, rules: Rules) -> bool:
    for m in doc.mentions:
        if m.label in ARMED_LABELS and sent.start_char <= m.start < sent.end_char:
            return True
    return any(in_lex(t, rules.lex["armed"]) for t in sent) or has_phrase(sent, rules.lex["armed"])


def conflict_context(doc: Document, sent, rules: Rules, *, skip: frozenset[int] = frozenset()) -> bool:
    """Armed actors, weapons or casualties in the sentence, besides the trigger itself."""
    if armed_in_sentence(doc, sent, rules):
        return True
    if any(in_lex(t, rules.lex["conflict"]) for t in sent if t.i not in skip):
        return True
    rest = [t for t in sent if t.i not in skip]
    return bool(rest) and has_phrase(rest, frozenset(w for w in rules.lex["conflict"] if " " in w))


def is_sports(sent, rules: Rules) -> bool:
    return any(in_lex(t, rules.lex["sports"]) for t in sent)


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


# ---------------------------------------------------------------- arguments from the parse

def subject_of(head):
    """The acting side: subject of the clause, agent of a passive, 'by' phrase or possessor."""
    listing = _listed_under(head)
    if listing is not None:
        # "carried out attacks, including a car bombing": the list's owner has the subject
        return subject_of(listing)
    verb = clause_verb(head)
    for t in (head, verb):
        for ch in t.children:
            if ch.dep_ == "agent":
                objs = [g for g in ch.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
            if ch.dep_ == "poss" and t is head and head.pos_ != "VERB":
                return ch
            if ch.dep_ == "prep" and ch.lower_ == "by" and t is head and head.pos_ == "NOUN":
                objs = [g for g in ch.children if g.dep_ == "pobj"]   # "an attack by ISWAP"
                if objs:
                    return objs[0]
    if head.pos_ == "VERB" or _under_light_verb(head, verb):
        for ch in verb.children:
            if ch.dep_ in ("nsubj",):
                return ch
    # participial clause ("..., killing four") or xcomp: the subject of the governing verb
    if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") and verb.head.i != verb.i:
        up = clause_verb(verb.head)
        for ch in up.children:
            if ch.dep_ == "nsubj":
                return ch
    # "X was the prime suspect in a bombing", "X is suspected of carrying out ..."
    for a in ancestors_in_sentence(head):
        if lemma(a) in ("suspect", "responsible", "blame", "claim"):
            for ch in a.children:
                if ch.dep_ in ("nsubj", "nsubjpass"):
                    return ch
            if a.dep_ == "attr":
                for ch in a.head.children:
                    if ch.dep_ == "nsubj":
                        return ch
    return None


def _listed_under(head):
    """The noun a trigger is listed under ('attacks, including a bombing'), else None."""
    if head.dep_ == "pobj" and head.head.lower_ in ("including", "like", "as") and head.head.head.i != head.head.i:
        owner = head.head.head
        if owner.lower_ == "such":
            owner = owner.head
        return owner if owner.pos_ in ("NOUN", "PROPN") else None
    return None


def _under_light_verb(head, verb) -> bool:
    """'ISIS carried out an attack': the noun's event is done by the verb's subject."""
    if head.i == verb.i:
        return True
    if head.dep_ == "prep" and head.head.i == verb.i:
        return True          # "(the militants) are in control of ...": a phrase of the verb
    if head.dep_ == "dobj" and head.head.i == verb.i:
        return lemma(verb) in LIGHT_VERBS_DEFAULT
    if head.dep_ == "pobj" and head.head.head.i == verb.i and lemma(verb) in ("responsible", "behind", "be"):
        return True
    return False


LIGHT_VERBS_DEFAULT = frozenset({
    "carry", "launch", "conduct", "stage", "mount", "claim", "unleash", "perpetrate", "commit",
    "order", "orchestrate", "execute", "organize", "organise", "lead", "hold", "make", "begin",
    "start", "continue", "intensify", "step", "resume", "sign", "reach", "set", "establish",
    "operate", "run", "build", "open", "declare", "pledge", "swear", "announce", "do", "take", "use"})


def object_of(head):
    """The side acted upon: direct object, passive subject, or an 'on'/'against' phrase."""
    verb = clause_verb(head)
    if head.pos_ == "VERB":
        for ch in head.children:
            if ch.dep_ in ("dobj", "nsubjpass"):
                return ch
    for t in (head, verb) if head.pos_ != "VERB" else (head,):
        for ch in t.children:
            if ch.dep_ == "prep" and ch.lower_ in ("on", "against", "of", "targeting"):
                objs = [g for g in ch.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
    if head.pos_ != "VERB" and head.dep_ == "nsubj" and verb.i != head.i:
        # "a roadside bomb struck a convoy": the verb's object was hit
        for ch in verb.children:
            if ch.dep_ == "dobj":
                return ch
    if head.pos_ != "VERB" and head.dep_ in ("dobj", "nsubj", "pobj"):
        # "attacks on X" handled above; "carried out attacks against X" on the verb
        for ch in verb.children:
            if ch.dep_ == "prep" and ch.lower_ in ("against", "on"):
                objs = [g for g in ch.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return None


def victims(head):
    """Who was killed/wounded in the sentence of the trigger (objects of casualty verbs)."""
    out = []
    for t in head.sent:
        if lemma(t) in ("kill", "wound", "injure", "behead", "execute", "murder", "shoot", "massacre"):
            for ch in t.children:
                if ch.dep_ in ("dobj", "nsubjpass"):
                    out.append(ch)
    return out


def token_class(tok, doc: Document, rules: Rules) -> str | None:
    """'armed', 'civilian', 'place' or None for an argument token (looking at its phrase)."""
    if tok is None:
        return None
    for m in doc.mentions:
        if m.start <= tok.idx < m.end:
            if m.label in ARMED_LABELS:
                return "armed"
            if m.label in ("GPE", "LOC", "FACILITY"):
                return "place"
            if m.label == "PERSON":
                return "civilian"
    if in_lex(tok, rules.lex["quantity"]):
        for ch in tok.children:
            if ch.dep_ == "prep" and ch.lower_ == "of":
                for g in ch.children:
                    if g.dep_ == "pobj":
                        return token_class(g, doc, rules)
    words = [tok] + [c for c in tok.children if c.dep_ in ("compound", "amod")]
    if any(in_lex(w, rules.lex["armed"]) for w in words):
        return "armed"
    if tok.ent_type_ in PLACE_ENTS or lemma(tok) in PLACE_NOUNS:
        return "place"
    if any(in_lex(w, rules.lex["civilian"]) for w in words) or tok.ent_type_ in PERSON_ENTS:
        return "civilian"
    # "killing four", "killed 12": bare numbers of people
    if tok.like_num or tok.ent_type_ == "CARDINAL":
        return "civilian"
    for ch in tok.children:   # "X of Y": class of Y ("the village of Kuda", "a group of soldiers")
        if ch.dep_ == "prep" and ch.lower_ == "of":
            for g in ch.children:
                if g.dep_ == "pobj":
                    return token_class(g, doc, rules)
    return None


def is_person(tok, doc: Document, rules: Rules) -> bool:
    if tok is None:
        return False
    if tok.ent_type_ == "PERSON" or tok.pos_ == "PRON" or tok.lower_ in ("many", "several", "some", "others", "dozens", "scores", "hundreds"):
        return True
    for m in doc.mentions:
        if m.start <= tok.idx < m.end and m.label in ("PERSON", "ARMED_GROUP"):
            return True
    cls = token_class(tok, doc, rules)
    if cls is None and tok.tag_ in ("NNS", "NNPS") and any(c.dep_ == "nummod" for c in tok.children):
        return True      # "killed seven miners": counted people of a trade the lexicon lacks
    return cls in ("civilian", "armed") and lemma(tok) not in PLACE_NOUNS


def is_place(tok, doc: Document, rules: Rules) -> bool:
    if tok is None:
        return False
    for p in doc.places:
        if p.start <= tok.idx < p.end:
            return True
    return token_class(tok, doc, rules) == "place"


def is_state(tok, doc: Document, rules: Rules) -> bool:
    if tok is None:
        return False
    for m in doc.mentions:
        if m.start <= tok.idx < m.end:
            return m.label == "GOV_BODY"
    span = tok.doc[tok.left_edge.i:tok.i + 1]
    return any(in_lex(w, rules.lex["state"]) for w in span) or has_phrase(span, rules.lex["state"])


def phrase_text(tok) -> str:
    """Short text of a noun phrase: its compounds and modifiers, not counts or clauses."""
    keep = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "poss", "nmod")
            and not c.like_num and c.lower_ not in ("dead", "wounded", "injured", "killed")]
    start = min([tok.i] + [c.left_edge.i for c in keep])
    return tok.doc[start:tok.i + 1].text


def actor_name(tok, doc: Document, helpers: Helpers, *, rules: Rules | None = None) -> str | None:
    """Canonical actor name for an argument token: entity name, else short phrase text.

    Pronouns and definite generic nouns ("the group", "the militants") are resolved to the
    nearest armed actor (or person, for he/she) named shortly before: news prose names an
    actor once and then refers back to it.
    """
    if tok is None:
        return None
    if tok.pos_ == "PRON":
        return refer_back(tok, doc, helpers, person=tok.lower_ in ("he", "she", "him", "her"))
    if _is_generic(tok, doc, rules):
        return refer_back(tok, doc, helpers) or phrase_text(tok)
    force = force_actor(tok, doc, helpers)
    if force is not None:
        return force
    if rules is not None and _mention_at(tok, doc) is None:
        owner = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ == "PRON"
                      and c.lower_ in ("its", "their")), None)
        if owner is not None and in_lex(tok, rules.lex["armed"]):
            # "its fighters", "their troops": the group named before
            return refer_back(owner, doc, helpers) or phrase_text(tok)
        force = _force_modifier(tok, doc, rules)
        if force is not None:
            # "a military column", "army positions": the force, not its formation
            return mention_name(force, doc, helpers, places=False) or force_actor(force, doc, helpers) \
                or force.text
    # "gunmen suspected of being part of X", "fighters loyal to X": X is the actor
    for ch in tok.children:
        if (ch.dep_ in ("acl", "relcl", "amod") and lemma(ch) in AFFILIATION_WORDS) or (
                ch.dep_ == "prep" and ch.lower_ in ("loyal", "linked", "affiliated")):
            for g in ch.subtree:
                name = mention_name(g, doc, helpers, places=False)
                if name:
                    return name
    if rules is not None and in_lex(tok, rules.lex["unit"]) and not _mention_at(tok, doc):
        # "the Kandahar wing of the movement": the unit is named by its whole phrase
        return unit_phrase(tok)
    span_tokens = list(tok.subtree) if tok.pos_ == "PROPN" else [tok] + [c for c in tok.lefts]
    for places in (False, True):
        # an armed group, agency or person in the phrase names the actor better than a
        # place modifying it ("Kano police"); a place heading the phrase ("Russia") is one
        if places and any(t.i != tok.i and mention_name(t, doc, helpers, places=True)
                          for t in span_tokens):
            break
        for t in [tok] + span_tokens:
            name = mention_name(t, doc, helpers, places=places)
            if name:
                return name
    # "X of Y" ("fighters of al-Shabaab"): the owner names the actor
    for ch in tok.children:
        if ch.dep_ == "prep" and ch.lower_ in ("of", "from", "loyal"):
            for g in ch.subtree:
                name = mention_name(g, doc, helpers, places=False)
                if name:
                    return name
    text = phrase_text(tok)
    return text if len(text) <= 60 else tok.text


def _force_modifier(tok, doc: Document, rules: Rules):
    """The force word modifying a formation or installation noun ('army' in 'army convoy')."""
    if not in_lex(tok, rules.lex["formation"]):
        return None
    for c in tok.lefts:
        if c.dep_ in ("compound", "amod", "nmod") and (
                in_lex(c, rules.lex["force"]) or (_mention_at(c, doc) is not None
                                                  and _mention_at(c, doc).label in ARMED_LABELS)):
            return c
    return None


# Nouns that name a state's armed force or its means when a country owns them
# ("Russian artillery", "Ukraine's troops", "air defences").
FORCE_NOUNS = frozenset({"troop", "force", "soldier", "army", "military", "artillery", "warplane", "jet",
                         "aircraft", "defence", "defense", "gunship", "helicopter", "navy", "missile",
                         "drone", "airstrike", "strike", "shelling", "bomber", "tank"})
AERIAL_NOUNS = frozenset({"warplane", "jet", "aircraft", "defence", "defense", "gunship", "helicopter",
                          "drone", "airstrike", "bomber"})
# Words of an entity name that make it a state's fighting force rather than a ministry.
FORCE_NAME = re.compile(r"\b(armed forces|army|military|air force|defen[cs]e forces?|national guard)\b", re.I)
UNOWNED_FORCES = frozenset({"troop", "force", "soldier", "army", "military", "defence", "defense", "navy"})
# Modifiers that leave a force unnamed ("government forces", "security forces").
UNOWNED_MODIFIERS = frozenset({"government", "security", "air", "state", "regular", "national", "ground",
                               "special", "allied", "pro-government", "federal"})


def force_actor(tok, doc: Document, helpers: Helpers) -> str | None:
    """The state force a force noun or a country stands for, if the document names it.

    "Russian artillery", "Ukraine's air defences", a demonym on its own ("Syrian" in "Syrian
    airstrikes") or a country acting with arms: the country's armed force entity, else the
    country.  A force with no owner ("air defences", "government troops") is the force of the
    country where the sentence is set, when the document names that force.
    """
    gaz = helpers.gazetteer
    if gaz is None or tok is None:
        return None
    mention = _mention_at(tok, doc)
    if mention is not None and mention.label not in ("NORP", "GPE"):
        return None
    if tok.ent_type_ == "NORP" or (mention is not None and tok.dep_ in ("amod", "compound", "nsubj")):
        iso = _country_iso(tok, doc, gaz)
        return state_force(iso, doc, gaz, aerial=lemma(tok.head) in AERIAL_NOUNS) if iso else None
    if lemma(tok) not in FORCE_NOUNS:
        return None
    mods = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "poss", "nmod")]
    aerial = lemma(tok) in AERIAL_NOUNS or any(c.lower_ == "air" for c in mods)
    for c in mods:
        iso = _country_iso(c, doc, gaz)
        if iso:
            return state_force(iso, doc, gaz, aerial=aerial)
    if lemma(tok) not in UNOWNED_FORCES or any(c.lower_ not in UNOWNED_MODIFIERS for c in mods) \
            or any(c.dep_ == "prep" for c in tok.rights):
        return None     # a missile or jet with no owner is not the force of the place it hit
    isos = {p.iso for p in sentence_places(doc, tok.sent) if p.iso}
    if len(isos) == 1:
        return state_force(isos.pop(), doc, gaz, aerial=aerial, named_only=True)
    return None


def owned_force(tok, doc: Document, helpers: Helpers) -> str | None:
    """The state force behind a country acting or a weapon a country owns, else None."""
    gaz = helpers.gazetteer
    if gaz is None:
        return None
    m = _mention_at(tok, doc)
    if m is not None and m.label == "GPE" and tok.dep_ in ("nsubj", "nsubjpass", "pobj"):
        iso = _country_iso(tok, doc, gaz)
        return state_force(iso, doc, gaz) if iso and gaz.country_names.get(iso) else None
    for c in tok.lefts:
        if c.dep_ in ("amod", "compound", "poss", "nmod"):
            iso = _country_iso(c, doc, gaz)
            if iso:
                return state_force(iso, doc, gaz, aerial=lemma(tok) in AERIAL_NOUNS)
    return None


def _country_iso(tok, doc: Document, gaz) -> str | None:
    """ISO2 of the country a token names or qualifies ("Russia", "Russian", "Burkina Faso's")."""
    if tok.pos_ == "PRON":
        return None
    m = _mention_at(tok, doc)
    text = m.text if m is not None and m.label in ("GPE", "NORP") else tok.text
    text = re.sub(r"['’]s$", "", text.strip())
    return gaz.country_of(text) if text else None


def state_force(iso: str, doc: Document, gaz, *, aerial: bool = False, named_only: bool = False) -> str | None:
    """Name of the document's armed force of a country (its air force first for aerial means),
    else (unless ``named_only``) the country's entity or name: "Washington" stands for the state."""
    country = gaz.country_names.get(iso)
    forces = [e for e in doc.entities if e.type == "GOV_BODY" and FORCE_NAME.search(e.name)
              and _names_country(e, iso, country, gaz)]
    if forces:
        best = min(forces, key=lambda e: (("air force" in e.name.lower()) != aerial, len(e.name)))
        return best.name
    if named_only:
        return None
    own = next((e for e in doc.entities if e.type == "GPE" and gaz.country_of(e.name) == iso), None)
    return own.name if own is not None else country


def _names_country(ent, iso: str, country: str | None, gaz) -> bool:
    for form in [ent.name, *ent.aliases]:
        if country and country.lower() in form.lower():
            return True
        if any(gaz.country_of(w) == iso for w in re.findall(r"[A-Z][\w'-]+", form)):
            return True
    return False


AFFILIATION_WORDS = frozenset({"suspect", "believe", "link", "loyal", "affiliate", "allied", "ally",
                               "tie", "connect", "belong"})
ACTOR_LABELS = ("ARMED_GROUP", "GOV_BODY", "ORG", "PERSON")


def _mention_at(tok, doc: Document):
    return next((m for m in doc.mentions if m.start <= tok.idx < m.end), None)


def _is_generic(tok, doc: Document, rules: Rules | None) -> bool:
    """'the group', 'the militants', 'these fighters': a definite noun naming no one."""
    if rules is None or tok.pos_ != "NOUN" or _mention_at(tok, doc) is not None:
        return False
    if not in_lex(tok, rules.lex["generic_actor"]):
        return False
    if any(c.dep_ in ("compound", "poss") or c.ent_type_ for c in tok.children):
        return False
    if any(c.dep_ == "prep" and c.lower_ in ("of", "from") for c in tok.children):
        return False
    return any(c.dep_ == "det" and c.lower_ in ("the", "these", "those", "this", "that")
               for c in tok.children)


def refer_back(tok, doc: Document, helpers: Helpers, *, person: bool = False,
               reach: int = 600) -> str | None:
    """The nearest actor named before ``tok`` within ``reach`` characters (or None)."""
    labels = ("PERSON",) if person else ("ARMED_GROUP", "GOV_BODY")
    before = [m for m in doc.mentions if m.label in labels and m.end <= tok.idx
              and tok.idx - m.end <= reach and m.entity]
    if not before:
        return None
    m = max(before, key=lambda m: m.start)
    return doc.entity_name(m.entity)


def unit_phrase(tok) -> str:
    """'Kandahar wing of the movement' without determiners or clauses after it."""
    left = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod", "poss")])
    right = tok.i
    for ch in tok.rights:
        if ch.dep_ == "prep" and ch.lower_ in ("of", "in"):
            right = max(right, ch.right_edge.i)
            break
    text = tok.doc[left:right + 1].text
    return text if len(text) <= 80 else tok.doc[left:tok.i + 1].text


def mention_name(tok, doc: Document, helpers: Helpers, *, places: bool = True) -> str | None:
    labels = ACTOR_LABELS + (("GPE",) if places else ())
    for m in doc.mentions:
        if m.start <= tok.idx < m.end and m.label in labels:
            ent = helpers.canonical_actor(doc, m.start, m.end, max_distance=0)
            if ent is not None:
                return ent.name
            return doc.entity_name(m.entity) if m.entity else m.text
    return None


# ---------------------------------------------------------------- candidates

def sentence_candidates(doc: Document, sent, *, rules: Rules) -> list[Candidate]:
    out = []
    if is_sports(sent, rules):      # sports and markets talk in fighting words
        return out
    # a run-on "sentence" of hundreds of triggers is not prose (lists, spam): bound the work
    for span, fam in sorted(match_triggers(sent, rules), key=lambda m: m[0][0].i)[:MAX_TRIGGERS]:
        trig = rules.triggers[fam]
        head = phrase_head(span)
        if is_negated(head) or is_irrealis(head, rules) or in_comparison(head, rules):
            continue
        if trig.strength != "strong":
            if not conflict_context(doc, sent, rules, skip=frozenset(t.i for t in span)):
                continue
        if is_anaphoric(head, trig) or is_question(head) or is_habitual_description(head):
            continue
        if is_evaluation(head) or figurative_explosion(head, trig, rules):
            continue
        cand = classify(doc, trig, head, span, sent, rules=rules)
        if cand is not None:
            out.append(cand)
    return projectile_launches(sent, out, rules=rules)


def projectile_launches(sent, cands: list[Candidate], *, rules: Rules) -> list[Candidate]:
    """'launched 24 drones and six missiles at X': one strike per kind of weapon.

    Drones give an Air/drone strike, missiles, rockets and shells a Shelling/missile attack;
    trigger words inside the weapon list ("attack drones") are part of it, not events.
    """
    for verb in sent:
        if verb.pos_ != "VERB" or lemma(verb) not in ("launch", "fire") or is_negated(verb) \
                or is_irrealis(verb, rules):
            continue
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is None:
            continue
        kinds: dict[str, object] = {}
        for item in [obj] + list(obj.conjuncts):
            fam = "airstrike" if lemma(item) in ("drone", "uav") else \
                "shelling" if lemma(item) in ("missile", "rocket", "shell", "mortar") else None
            if fam is not None:
                kinds.setdefault(fam, item)
        if len(kinds) < 2:
            continue
        inside = {t.i for t in obj.subtree}
        cands = [c for c in cands if c.head.i not in inside and c.head.i != verb.i]
        for fam, item in kinds.items():
            trig = rules.triggers[fam]
            cands.append(Candidate(trigger=trig, head=item, tokens=(item,), sent=sent, type=trig.type,
                                   sub_type=trig.sub_type, priority=trig.priority, weapon_kind=True))
    return cands


def is_anaphoric(head, trig: Trigger) -> bool:
    """'the attacks', 'these killings' with no target of their own refer back to told events."""
    if trig.strength == "strong" or head.pos_ != "NOUN" or head.tag_ not in ("NNS", "NNPS"):
        return False
    dets = {c.lower_ for c in head.children if c.dep_ in ("det", "poss")}
    own = any(c.dep_ in ("prep", "compound", "amod", "nummod") for c in head.children)
    # "the attacks", "their attacks": events told before, or a habit of the group
    return bool(dets & {"the", "these", "those", "such", "their", "its"}) and not own


def is_evaluation(head) -> bool:
    """'Monday's strikes were the deadliest raids this year': a judgement of a told event;
    '..., in the latest attack on the city': the clause's own event, characterised again."""
    if head.pos_ == "NOUN" and head.dep_ == "pobj" and head.head.lower_ == "in" and any(
            c.dep_ == "amod" and c.lower_ in ("latest", "newest", "most recent") for c in head.children):
        return True
    return head.dep_ == "attr" and any(c.tag_ == "JJS" or (c.dep_ == "amod" and c.lower_.endswith("est"))
                                       for c in head.children)


def figurative_explosion(head, trig: Trigger, rules: Rules) -> bool:
    """'Their rivalry exploded into open war': only a device, vehicle or shell explodes."""
    if trig.family != "ied" or head.pos_ != "VERB" or lemma(head) not in ("explode", "erupt", "blow"):
        return False
    subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return False
    return not (_is_weapon(subj, rules) or in_lex(subj, rules.lex["explodes"])
                or in_lex(subj, rules.lex["armed"]))


def is_habitual_description(head) -> bool:
    """'a militia that fights alongside the army': a simple-present relative clause
    describes what someone is, not something that happened."""
    if head.pos_ != "VERB" or head.dep_ not in ("relcl", "acl") or head.tag_ not in ("VBZ", "VBP"):
        return False
    return not any(c.dep_ in ("aux", "auxpass") for c in head.children)


def is_question(head) -> bool:
    """'how many camps are operating' asks; it does not report."""
    return any(c.lower_ in ("many", "much") and any(g.lower_ == "how" for g in c.children)
               for c in head.children)


def classify(doc: Document, trig: Trigger, head, span, sent, *, rules: Rules) -> Candidate | None:
    """Decide whether a trigger makes an event here, and its type and sub-type."""
    type_, sub, prio = trig.type, trig.sub_type, trig.priority
    subj, obj = subject_of(head), object_of(head)
    if trig.needs and not near_words(head, trig.needs, window=4):
        return None
    if trig.needs_event_verb and head.pos_ == "NOUN" and not _weapon_used(head):
        return None
    if trig.territory:
        target = obj if head.pos_ == "VERB" else None
        control = next((t for t in list(span) + list(head.children) if lemma(t) == "control"), None)
        if control is not None:
            # "(seized / in complete) control of X": X must be a place
            target = _of_object(control)
        if not is_place(target, doc, rules) and lemma(head) != "fall":
            return None
        if lemma(head) == "fall" and not any(c.lower_ == "to" for c in head.children):
            return None
        if trig.family == "overtake" and is_state(subj, doc, rules):
            type_, sub = "Battles", "Government regains territory"
    if trig.person_object:
        if not is_person(obj, doc, rules) or is_place(obj, doc, rules):
            return None
        if subj is not None and not is_state(subj, doc, rules) and token_class(subj, doc, rules) == "armed":
            type_, sub = "Violence against civilians", "Abduction/forced disappearance"
    if trig.group_subject:
        if not (_armed_arg(subj, doc, rules) or _armed_arg(obj, doc, rules) or _group_word(head, doc, rules)):
            return None
        if lemma(head) in ("name", "form", "found", "launch", "announce", "train", "visit", "return",
                           "move", "send", "supply", "arm", "ship", "join", "travel", "arrive"):
            if not (_armed_arg(subj, doc, rules) or _armed_arg(obj, doc, rules)):
                return None
    if trig.family in ("kill", "die", "attack", "execution") and head.pos_ == "VERB":
        victim = obj
        if lemma(head) in ("die",):
            victim = subj
        if trig.family in ("kill", "execution") and victim is not None and not is_person(victim, doc, rules):
            return None
        if lemma(head) == "shoot" and victim is None:
            return None
    if trig.family == "die" and not _toll_number_near(head):
        if lemma(head) not in ("die",) or subj is None or not is_person(subj, doc, rules):
            return None
    if trig.target_rule:
        cls = target_class(head, doc, rules, obj)
        if cls == "armed" and trig.armed:
            type_, sub = _type_of(trig.armed, trig.type), trig.armed
            if sub == "Armed clash":
                type_ = "Battles"
        elif cls == "civilian" and trig.civilian:
            type_, sub = "Violence against civilians", trig.civilian
        elif trig.family == "clash":
            type_, sub = "Battles", "Armed clash"
        elif trig.family == "attack" and cls == "place":
            type_, sub = "Battles", "Armed clash"
    if trig.family in ("kill", "die", "attack") and subj is not None and type_ != "Battles" \
            and (in_lex(subj, rules.lex["conflict_subjects"]) or has_phrase([subj], rules.lex["conflict_subjects"])):
        type_, sub = "Battles", "Armed clash"   # "the insurgency has killed 40,000 people"
    for mod in rules.modifiers:
        if trig.family not in mod.families or mod.priority < prio - 10:
            continue
        hit = near_words(head, mod.words, window=2)
        if not hit and mod.actor_too and subj is not None:
            hit = any(in_lex(t, rules.lex["air"]) for t in subj.subtree)
        if hit:
            type_, sub, prio = mod.type, mod.sub_type, max(prio, mod.priority)
            break
    if interception(head, subj, obj, rules):
        type_, sub, prio = "Strategic developments", "Disrupted weapons use", 12
    if trig.family == "protest":
        for outcome in rules.protest_outcomes:
            if has_phrase(sent, tuple(outcome["words"])):
                type_, sub = outcome["type"], outcome["sub_type"]
                break
    cand = Candidate(trigger=trig, head=head, tokens=tuple(span), sent=sent, type=type_,
                     sub_type=sub, priority=prio)
    return cand


def interception(head, subj, obj, rules: Rules) -> bool:
    """'Air defences shot down / destroyed 19 drones', 'two missiles were intercepted':
    the weapon never struck, so this is a disrupted weapons use, not a strike."""
    if head.pos_ != "VERB" or lemma(head) not in rules.lex["intercept_verbs"]:
        return False
    if subj is not None and any(in_lex(t, rules.lex["air_defence"]) or has_phrase([t, t.head], rules.lex["air_defence"])
                                for t in subj.subtree):
        return True
    target = obj
    if target is not None and in_lex(target, rules.lex["quantity"] | frozenset({"one", "most", "all", "some"})) \
            or (target is not None and target.like_num):
        target = _of_object(target) or target
    return target is not None and (in_lex(target, rules.lex["projectiles"]))


def _of_object(tok):
    for ch in tok.children:
        if ch.dep_ == "prep" and ch.lower_ in ("of", "over"):
            for g in ch.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _type_of(sub: str, default: str) -> str:
    return {"Armed clash": "Battles", "Attack": "Violence against civilians"}.get(sub, default)


def _weapon_used(head) -> bool:
    """A weapon noun ('rockets') is an event only when something is done with it."""
    verbs = {"fire", "launch", "hit", "strike", "land", "kill", "wound", "injure", "shell", "pound",
             "rain", "target", "fall", "slam", "explode", "attack", "use", "destroy", "damage", "intercept"}
    t = head
    for _ in range(3):
        if lemma(t) in verbs:
            return True
        if t.head.i == t.i:
            break
        t = t.head
    if lemma(head) in ("shelling", "bombardment", "barrage"):
        return True
    return any(lemma(c) in ("attack", "strike", "fire", "barrage", "salvo") for c in head.children)


def _armed_arg(tok, doc: Document, rules: Rules) -> bool:
    return tok is not None and token_class(tok, doc, rules) == "armed"


def _group_word(head, doc: Document, rules: Rules) -> bool:
    # "pledged allegiance", "recruitment of fighters": the armed word hangs off the trigger
    return any(token_class(t, doc, rules) == "armed" for t in head.subtree if t.pos_ in ("NOUN", "PROPN"))


def _toll_number_near(head) -> bool:
    sent = head.sent
    lo, hi = max(sent.start, head.i - 6), min(sent.end, head.i + 6)
    return any(t.like_num or t.ent_type_ == "CARDINAL" or t.lower_ in ("dozens", "scores", "hundreds")
               for t in head.doc[lo:hi])


def target_class(head, doc: Document, rules: Rules, obj) -> str | None:
    """Who was hit: 'armed' or 'civilian' (or 'place'), from the object and the victims."""
    classes = []
    if obj is not None:
        classes.append(token_class(obj, doc, rules))
    for v in victims(head):
        classes.append(token_class(v, doc, rules))
    for c in ("armed", "civilian", "place"):
        if c in classes:
            # an armed object beats civilian victims counted as bare numbers
            return c
    subj = subject_of(head)
    if lemma(head) in ("clash", "fight", "battle", "firefight", "gunfight", "skirmish", "fighting"):
        return "armed"
    if subj is not None and token_class(subj, doc, rules) == "civilian":
        return "civilian"
    return None


def merge_in_sentence(cands: list[Candidate]) -> list[Candidate]:
    """Triggers describing one occurrence in one clause become one candidate."""
    if len(cands) <= 1:
        return cands
    cands = sorted(drop_summaries(cands), key=lambda c: -c.priority)
    kept: list[Candidate] = []
    for c in cands:
        host = next((k for k in kept if same_occurrence(k, c)), None)
        if host is None:
            kept.append(c)
            continue
        host.tokens = host.tokens + c.tokens
        if c.trigger.family == "protest" and host.sub_type == "Attack":
            # force that kills or wounds protesters is its own protest sub-type
            host.type, host.sub_type = "Protests", "Excessive force against protesters"
    kept.sort(key=lambda c: c.head.i)
    return kept


def same_occurrence(a: Candidate, b: Candidate) -> bool:
    if a.weapon_kind and b.weapon_kind:
        return False          # "24 drones and six missiles": a drone strike and a missile attack
    if a.head.i in {t.i for t in b.head.conjuncts} and b.sub_type != "Looting/property destruction":
        return False          # "a twin attack on X and an attack on Y": two occurrences
    if a.type in VIOLENT_TYPES and b.sub_type == "Looting/property destruction":
        return True           # "stormed the village, ... setting fire to homes": one attack
    if b.trigger.casualty and a.type in VIOLENT_TYPES:
        return True
    if a.type in VIOLENT_TYPES and b.type not in VIOLENT_TYPES:
        if b.head.pos_ != "VERB":
            # "bombed a training camp": the camp is the target, not news
            return _inside(b.head, a.head) or clause_verb(a.head).i == clause_verb(b.head).i
        # "seized the city, forcing the parliament to relocate": a second development
        return clause_verb(a.head).i == clause_verb(b.head).i
    if a.sub_type == b.sub_type:
        return True
    return _linked(a.head, b.head)


def _inside(x, y) -> bool:
    """Whether token x lies in the clause of token y (its verb's subtree)."""
    return x.i in {t.i for t in clause_verb(y).subtree} and clause_verb(x).i == clause_verb(y).i or \
        any(a.i == y.i for a in x.ancestors)


def drop_summaries(cands: list[Candidate]) -> list[Candidate]:
    """'attacks, including a car bombing and a siege': the list items are the events."""
    out = []
    for c in cands:
        listed = [k for k in cands if k is not c and _lists(c.head, k.head) and k.type in VIOLENT_TYPES]
        if not listed:
            out.append(c)
            continue
        for k in listed:    # "bombings, including an attack on X": the attack was a bombing
            if c.priority > k.priority and c.type in VIOLENT_TYPES:
                k.type, k.sub_type, k.priority = c.type, c.sub_type, c.priority
    return out


def _lists(head, other) -> bool:
    for ch in head.children:
        if ch.dep_ == "prep" and ch.lower_ in ("including", "like") or ch.lower_ == "such":
            if any(t.i == other.i for t in ch.subtree):
                return True
    return False


def _linked(x, y) -> bool:
    """Same clause, or one clause is a participle/complement/purpose of the other."""
    vx, vy = clause_verb(x), clause_verb(y)
    if vx.i == vy.i:
        return True
    for a, b in ((vx, vy), (vy, vx)):
        if b.dep_ in ("advcl", "xcomp", "pcomp", "acl", "relcl") and clause_verb(b.head).i == a.i:
            return True
    return False


# ---------------------------------------------------------------- arguments and numbers

def fill_arguments(doc: Document, c: Candidate, *, rules: Rules, helpers: Helpers) -> None:
    subj, obj = subject_of(c.head), object_of(c.head)
    trigger_ids = {t.i for t in c.tokens}
    if subj is not None and subj.i in trigger_ids | {c.head.i}:
        subj = None          # "a roadside bomb struck ...": the weapon is not an actor
    if subj is not None and (subj.like_num or subj.pos_ == "NUM"):
        subj = None          # "14 wounded": a count, not an actor
    if subj is not None and subj.pos_ == "PRON" and subj.lower_ in ("they", "it", "he", "she"):
        c.pronoun_actor = True
    c.anaphoric_actor = subj is not None and (subj.pos_ == "PRON" or _is_generic(subj, doc, rules))
    c.own_place = bool(sentence_places(doc, c.sent))
    c.generic_crowd = subj is None or _mention_at(subj, doc) is None or \
        _mention_at(subj, doc).label not in ACTOR_LABELS
    if subj is None:
        subj = nominal_actor(c, doc, rules)
    subj_class = token_class(subj, doc, rules) if subj is not None else None
    if subj is not None and (subj_class == "place" or _is_weapon(subj, rules)):
        # "Russia launched drones", "Syrian artillery shelled": the state's force acted
        c.actor1 = owned_force(subj, doc, helpers) if c.type != "Protests" else None
    elif subj is not None:
        c.actor1 = actor_name(subj, doc, helpers, rules=rules)
        others = [t for t in subj.conjuncts if t.i > subj.i]
        if others and obj is None:
            obj = others[0]  # "the army and the rebels clashed / signed a truce"
    if obj is not None and _is_weapon(obj, rules):
        obj = None
    c.actor2, c.civilian_target = None, None
    obj_class = token_class(obj, doc, rules) if obj is not None else None
    if obj_class == "armed" and not (c.trigger.territory or c.trigger.group_subject):
        c.actor2 = actor_name(obj, doc, helpers, rules=rules)
    elif c.type in ("Violence against civilians", "Explosions/Remote violence"):
        # civilians are coded as a side named by country ("Civilians (Yemen)"), filled in
        # once the place is known; a facility or a count hit is no actor
        victim = obj if obj_class == "civilian" else next(
            (v for v in victims(c.head) if token_class(v, doc, rules) == "civilian"), None)
        if victim is not None and _mention_at(victim, doc) is None:
            c.civilian_target = civilian_label(victim, rules)
        elif victim is not None:
            c.actor2 = actor_name(victim, doc, helpers, rules=rules)
    if c.actor1 and c.actor2 and c.actor1 == c.actor2:
        c.actor2 = None
    non_lethal = c.type == "Strategic developments" or c.sub_type == "Abduction/forced disappearance"
    c.fatalities, c.injured = casualties(doc, c.sent, rules=rules, helpers=helpers,
                                         linked_to=c.head if non_lethal else None)
    c.hedged = is_hedged(doc, c, helpers=helpers) or paragraph_hedged(doc, c.sent, rules)
    c.toll_rank = toll_rank(c.sent, rules)
    c.tolls = [(c.toll_rank, c.fatalities, c.injured)]
    c.claim_of_told = claims_told_event(c.sent, rules)
    c.spans = [Span(c.sent.start_char, _trim_end(doc.text, c.sent.start_char, c.sent.end_char))]


def paragraph_hedged(doc: Document, sent, rules: Rules) -> bool:
    """'No group has claimed the attack' / 'could not be independently verified' later in the
    paragraph leaves the perpetrator or the occurrence unconfirmed."""
    text = doc.text
    start = text.rfind("\n\n", 0, sent.start_char)
    end = text.find("\n\n", sent.end_char)
    para = text[start + 1 if start >= 0 else 0:end if end >= 0 else len(text)].lower()
    return any(cue in para for cue in rules.lex["paragraph_hedges"])


def toll_rank(sent, rules: Rules) -> int:
    """How far a sentence's casualty figures stand from the overall toll ACLED wants.

    A perpetrator's claim (2) and one facility's or witness's count of bodies (1) give way
    to an overall figure (0) told of the same event.
    """
    if has_phrase(sent, rules.lex["claim_cues"]):
        return 2
    if has_phrase(sent, rules.lex["partial_toll_cues"]):
        return 1
    return 0


def claims_told_event(sent, rules: Rules) -> bool:
    """'claimed responsibility for the bombing': the definite noun points at a told event."""
    for tok in sent:
        if lemma(tok) != "responsibility" or not any(lemma(a) in ("claim", "admit") for a in tok.ancestors):
            continue
        preps = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "for"]
        if not preps:
            return True          # "claimed responsibility in a statement": for what was told
        for prep in preps:
            for obj in (g for g in prep.children if g.dep_ == "pobj"):
                if any(d.lower_ in ("the", "this", "that", "monday", "tuesday", "wednesday", "thursday",
                                    "friday", "saturday", "sunday") or d.dep_ == "poss" for d in obj.children):
                    return True
    return False


def resolve_tolls(tolls: list) -> tuple[int | None, int | None]:
    """ACLED's conservative toll: the lowest figure among the most credible tellings."""
    out = []
    for k in (1, 2):
        vals = [(r, t[k]) for t in tolls if t[k] is not None for r in (t[0],)]
        if not vals:
            out.append(None)
            continue
        best = min(r for r, _ in vals)
        out.append(min(v for r, v in vals if r == best))
    return out[0], out[1]


def nominal_actor(c: Candidate, doc: Document, rules: Rules):
    """Who did a noun event with no subject of its own.

    A modifier naming an armed actor ("coalition airstrikes", "Houthi missile attacks"),
    else the armed subject of the sentence's main verb ("the militants posted images of
    the beheading"): reporting on an event names its author in the same breath.
    """
    trigger_ids = {t.i for t in c.tokens}
    nouns = [t for t in c.tokens if t.pos_ in ("NOUN", "PROPN")]
    for ch in (ch for t in nouns for ch in t.children):
        if ch.dep_ in ("compound", "amod", "nmod") and ch.i not in trigger_ids and not _is_weapon(ch, rules) \
                and (_mention_at(ch, doc) is not None or in_lex(ch, rules.lex["armed"])) \
                and token_class(ch, doc, rules) == "armed":
            return ch
    for ch in (ch for t in nouns for ch in t.children):
        if ch.dep_ in ("amod", "compound") and ch.ent_type_ == "NORP" and ch.i not in trigger_ids:
            return ch    # "Russian artillery shelled", "Turkish drone strikes": the state's force
    root = c.sent.root
    if c.head.pos_ in ("NOUN", "PROPN") and any(a.i == root.i for a in c.head.ancestors):
        for ch in root.children:
            if ch.dep_ == "nsubj" and ch.pos_ != "PRON" and token_class(ch, doc, rules) == "armed":
                return ch
    return None


def civilian_label(tok, rules: Rules) -> str:
    """'' for people at large ("12 people", "villagers"), else the victims' noun ("children")."""
    if tok.like_num or tok.pos_ in ("NUM", "PRON"):
        return ""
    if in_lex(tok, rules.lex["quantity"]):
        of = _of_object(tok)
        return civilian_label(of, rules) if of is not None else ""
    parts = [_victim_noun(t, rules) for t in [tok] + [c for c in tok.conjuncts if c.i > tok.i]]
    if not parts[1:] and (tok.tag_ not in ("NNS", "NNPS") or not parts[0]):
        return ""        # "a woman", "villagers": civilians at large
    text = " and ".join(p or t.lower_ for p, t in zip(parts, [tok] + list(tok.conjuncts)))
    return text if len(text) <= 40 else ""


def _victim_noun(tok, rules: Rules) -> str:
    """'port workers', 'displaced people'; '' for a noun of people at large with no modifier."""
    mods = [c for c in tok.lefts if c.dep_ in ("compound", "amod") and not c.like_num
            and c.lower_ not in VAGUE_MODIFIERS]
    if not mods and in_lex(tok, rules.lex["civilians_at_large"]):
        return ""
    return " ".join(t.lower_ for t in mods + [tok])


VAGUE_MODIFIERS = frozenset({"other", "several", "many", "innocent", "unarmed", "local", "more", "least"})


def side_label(kind: str, loc: Location, *, detail: str = "") -> str:
    """ACLED-style label of an unnamed side: 'Civilians (Sudan)', 'Protesters (Syria): students'."""
    label = f"{kind} ({loc.country})" if loc.country else kind
    return f"{label}: {detail}" if detail else label


def _is_weapon(tok, rules: Rules) -> bool:
    return lemma(tok) in WEAPON_NOUNS


WEAPON_NOUNS = frozenset({"bomb", "missile", "rocket", "shell", "mortar", "drone", "explosion", "blast",
                          "ied", "device", "landmine", "mine", "grenade", "strike", "airstrike", "bullet",
                          "artillery", "attack", "toll", "fire", "explosive"})


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def is_hedged(doc: Document, c: Candidate, *, helpers: Helpers) -> bool:
    return bool(helpers.hedge_cue(c.sent.text))


def casualties(doc: Document, sent, *, rules: Rules, helpers: Helpers,
               linked_to=None) -> tuple[int | None, int | None]:
    """Fatalities and injured stated in the sentence, from numbers next to casualty words.

    With ``linked_to``, only casualty words in that trigger's clause (or one depending
    on it) count: "killed 12 and abducted 40" kills no one in the abduction.
    """
    numbers = sentence_numbers(doc, sent, helpers=helpers)
    killed = injured = None
    for tok in sent:
        kind = casualty_kind(tok, rules)
        if kind is None:
            continue
        if linked_to is not None and not (_linked(tok, linked_to) or linked_to in tok.ancestors):
            continue
        value = 0 if _none_subject(tok) else None if is_negated(tok) else count_for(tok, numbers, rules)
        if value is None:
            continue
        if kind == "killed":
            killed = value if killed is None else killed + value if _distinct_groups(tok) else max(killed, value)
        else:
            injured = value if injured is None else max(injured, value)
    return killed, injured


def _distinct_groups(tok) -> bool:
    return False   # several victim groups of one verb are summed in count_for, not here


def casualty_kind(tok, rules: Rules) -> str | None:
    lem = lemma(tok)
    if lem in ("kill", "die", "dead", "behead", "execute", "slay", "massacre", "murder", "slaughter",
               "fatality", "death", "toll", "life", "beheading", "execution", "killing", "assassinate",
               "body", "corpse") or tok.lower_ in ("dead", "killed", "bodies"):
        if lem == "life" and not any(lemma(a) in ("claim", "lose", "take") for a in [tok.head]):
            return None
        if lem == "death" and not any(c.lower_ == "toll" for c in tok.head.children) and tok.head.lower_ != "toll":
            if not any(c.lower_ == "toll" for c in tok.children):
                return None
        return "killed"
    if lem in ("wound", "injure", "hurt", "injury", "maim") or tok.lower_ in ("wounded", "injured"):
        return "injured"
    return None


def _none_subject(tok) -> bool:
    """'no one was hurt', 'nobody was killed', 'there were no casualties'."""
    for ch in tok.children:
        if ch.dep_ in ("nsubj", "nsubjpass") and (ch.lower_ in ("nobody", "none") or (
                ch.lower_ == "one" and any(g.lower_ == "no" for g in ch.children))):
            return True
    return tok.lower_ in ("casualties", "deaths", "injuries") and any(
        c.dep_ == "det" and c.lower_ == "no" for c in tok.children)


@dataclass
class Num:
    start: int
    end: int
    low: float | None
    high: float | None


def sentence_numbers(doc: Document, sent, *, helpers: Helpers) -> list[Num]:
    text = doc.text[sent.start_char:sent.end_char]
    return [Num(m.start, m.end, m.low, m.high) for m in helpers.find_numbers(text, offset=sent.start_char)
            if m.kind not in ("percent", "money", "distance")]


def count_for(tok, numbers: list[Num], rules: Rules) -> int | None:
    """The number of people a casualty word counts, read from the parse, else adjacency."""
    cands = []
    heads = [tok]
    if tok.dep_ in ("amod", "acomp", "oprd") or lemma(tok) in ("dead",):
        heads.append(tok.head)
    if lemma(tok) in ("toll", "death", "life") or tok.dep_ in ("oprd", "acomp"):
        heads.append(tok.head)
    for h in heads:
        for ch in h.children:
            if ch.dep_ in ("dobj", "nsubjpass", "nsubj", "pobj", "attr", "nummod", "npadvmod", "prep", "oprd", "dative"):
                cands.extend(_numbers_in_phrase(ch))
    if lemma(tok) in ("toll", "death", "life"):
        for ch in tok.subtree:
            if ch.like_num:
                cands.append(ch)
    # "14 wounded", "12 dead", "six fighters ... killed": number just before
    for t in tok.doc[max(tok.sent.start, tok.i - 3):tok.i]:
        if t.like_num and t.dep_ in ("nsubj", "nsubjpass", "nummod", "dobj", "npadvmod", "conj", "appos"):
            cands.append(t)
    for t in cands:
        for n in numbers:
            if n.start <= t.idx < n.end:
                v = n.low if n.low is not None else n.high
                if v is not None and v < 1e6:
                    return int(v)
    if _named_victim(tok):
        return 1
    return None


def _named_victim(tok) -> bool:
    """'an airstrike that killed Abu Nabil': a named person killed counts one."""
    if lemma(tok) not in ("kill", "behead", "execute", "assassinate", "murder", "slay", "shoot"):
        return False
    return any(ch.dep_ in ("dobj", "nsubjpass") and ch.ent_type_ == "PERSON" and not any(
        g.like_num for g in ch.children) for ch in tok.children)


def _numbers_in_phrase(tok) -> list:
    """Number tokens of a noun phrase: itself, its nummod, or 'X of them'."""
    if tok.like_num:
        return [tok]
    out = [c for c in tok.children if c.dep_ == "nummod" or (c.like_num and c.dep_ in ("amod", "quantmod"))]
    if tok.dep_ == "prep":
        for g in tok.children:
            if g.dep_ == "pobj":
                out += _numbers_in_phrase(g)
    return out


def attach_toll_sentences(per_sentence: list[list[Candidate]], *, lookback: int = 5) -> None:
    """'... a suicide bombing in X. One person was killed and 14 wounded.': one event.

    A sentence that only gives a toll, carries on with "they ...", or claims responsibility
    for "the bombing" tells the nearest violent event of the last few sentences; its figures
    join that event's tellings (the conservative one is chosen in the end).
    """
    for i in range(1, len(per_sentence)):
        cur = per_sentence[i]
        if not cur:
            continue
        toll_only = all(c.trigger.casualty and c.actor1 is None for c in cur)
        # "Jets bombed X. ... they struck five positions, killing six": the same strike
        follow_up = all(c.pronoun_actor and c.type in VIOLENT_TYPES for c in cur)
        claim = any(c.claim_of_told for c in cur) and all(c.type in VIOLENT_TYPES for c in cur)
        if not (toll_only or follow_up or claim):
            continue
        window = toll_only or claim
        host = None
        for prev in reversed(per_sentence[max(0, i - (lookback if window else 1)):i]):
            host = next((p for p in reversed(prev) if p.type in VIOLENT_TYPES and not p.absorbed), None)
            if host is not None:
                break
        if host is None:
            continue
        if follow_up and not (toll_only or claim) and (host.fatalities is not None or host.injured is not None):
            continue
        for c in cur:
            host.tolls.extend(c.tolls)
            host.hedged = host.hedged or (claim and c.hedged and host.actor1 is None)
            if all((s.start, s.end) != (c.spans[0].start, c.spans[0].end) for s in host.spans):
                host.spans.append(c.spans[0])
            c.absorbed = True
        host.fatalities, host.injured = resolve_tolls(host.tolls)


# ---------------------------------------------------------------- events: place, date, split

def to_events(doc: Document, c: Candidate, *, helpers: Helpers) -> list[Event]:
    main = c.spans[0]
    trig_start = min(t.idx for t in c.tokens)
    loc = location(doc, c, helpers=helpers)
    date = window(doc, trig_start, main, helpers=helpers)
    attributed = helpers.attribution_for(doc, main.start, main.end)
    actor1, actor2 = c.actor1, c.actor2
    if c.civilian_target is not None and actor2 is None:
        actor2 = side_label("Civilians", loc, detail=c.civilian_target)
    if c.type in ("Protests", "Riots") and (actor1 is None or c.generic_crowd):
        actor1 = side_label("Protesters" if c.type == "Protests" else "Rioters", loc)
    base = Event(id="", type=c.type, sub_type=c.sub_type, date=date, location=loc,
                 actor1=actor1, actor2=actor2, fatalities=c.fatalities, injured=c.injured,
                 attributed_to=attributed, hedged=c.hedged, spans=list(c.spans),
                 trigger=" ".join(t.text for t in c.tokens))
    split = split_places(doc, c)
    if len(split) <= 1:
        return [base]
    return [replace(base, location=place_location(p), spans=list(c.spans)) for p in split]


def location(doc: Document, c: Candidate, *, helpers: Helpers) -> Location:
    if not sentence_places(doc, c.sent):
        # no place named in the sentence: "attacked an Egyptian border post" still says
        # which country, better than a town of an earlier sentence
        loc = demonym_location(c, gazetteer=helpers.gazetteer)
        if loc is not None:
            return loc
    # the trigger's own clause first: a sentence may tell of several places and events
    for start, end in (clause_span(c.head), (c.spans[0].start, c.spans[0].end)):
        loc = helpers.location_for(doc, start, end)
        if loc is not None and (loc.name or loc.country):
            return loc
    places = sentence_places(doc, c.sent)
    if places:
        head = c.head.idx
        return place_location(min(places, key=lambda p: abs(p.start - head) + (0 if p.start > head else 5)))
    return Location()


def demonym_location(c: Candidate, *, gazetteer) -> Location | None:
    """Country of a demonym on the target or the scene of the event ('a Nigerian army base').

    The subject's nationality ("Egyptian jets struck ...") says who acted, not where.
    """
    if gazetteer is None:
        return None
    obj = object_of(c.head)
    scope = list(obj.subtree) if obj is not None else []
    for t in [c.head] + list(c.head.children):
        if t.dep_ == "prep" and t.lower_ in LOCATIVE_PREPS:
            scope += list(t.subtree)
    for ch in c.head.children:
        if ch.dep_ == "prep" and ch.lower_ in LOCATIVE_PREPS:
            scope += list(ch.subtree)
    for tok in scope:
        if tok.dep_ not in ("amod", "compound") or tok.ent_type_ != "NORP":
            continue
        iso = gazetteer.country_of(tok.text)
        name = gazetteer.country_names.get(iso) if iso else None
        if name:
            return Location(name=name, country=name, iso=iso, precision="country")
    return None


def clause_span(head) -> tuple[int, int]:
    """Character range of the trigger's clause, without coordinated clauses of other verbs."""
    verb = clause_verb(head)
    skip = set()
    for ch in verb.children:
        if ch.dep_ in ("conj", "ccomp", "parataxis") and ch.pos_ in ("VERB", "AUX") and ch.i != head.i \
                and head.i not in {t.i for t in ch.subtree}:
            skip |= {t.i for t in ch.subtree}
    toks = [t for t in verb.subtree if t.i not in skip] or [head]
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)


def place_location(p) -> Location:
    return Location(name=p.name or p.text, admin1=p.admin1, country=p.country, iso=p.iso,
                    lat=p.lat, lon=p.lon, precision=p.precision, gazetteer_id=p.gazetteer_id)


def window(doc: Document, start: int, main: Span, *, helpers: Helpers) -> DateWindow:
    w = helpers.window_for(doc, main.start, main.end, at=start)
    if w is not None:
        return w
    times = [t for t in doc.times if main.start <= t.start < main.end]
    if times:
        t = min(times, key=lambda t: abs(t.start - start))
        return DateWindow(earliest=t.earliest, latest=t.latest, precision=t.precision, text=t.text,
                          source="text")
    p = doc.published
    return DateWindow(earliest=p.earliest, latest=p.latest, precision=p.precision, source="publication")


def sentence_places(doc: Document, sent) -> list:
    """Resolved places of the sentence; spaCy's place entities while the places stage is absent."""
    if doc.places:
        return [p for p in doc.places if sent.start_char <= p.start < sent.end_char
                and not _in_actor_name(doc, p)]
    from ..model import Place
    return [Place(start=e.start_char, end=e.end_char, text=e.text, name=e.text)
            for e in sent.ents if e.label_ in PLACE_ENTS]


def _in_actor_name(doc: Document, p) -> bool:
    """A place inside a group's name ("Islamic State in Iraq and Syria") is no scene."""
    return any(m.label in ("ARMED_GROUP", "GOV_BODY", "ORG") and m.start <= p.start and p.end <= m.end
               and (m.end - m.start) > (p.end - p.start) for m in doc.mentions)


def split_places(doc: Document, c: Candidate) -> list:
    """Places coordinated in the trigger's clause ('in Iraq and Syria', 'in A, B and C')."""
    sdoc = c.head.doc
    verb = clause_verb(c.head)
    scope = {t.i for t in verb.subtree}
    # a coordinated list attached to another event's clause of the same sentence is not ours
    found = []
    for p in sentence_places(doc, c.sent):
        span = sdoc.char_span(p.start, p.end, alignment_mode="expand")
        if span is None or span.root.i not in scope:
            continue
        found.append((span.root, p))
    if len(found) < 2:
        return []
    # keep the largest group of places joined by conj (including appositions of lists)
    groups: list[list] = []
    for tok, p in found:
        conj_ids = {t.i for t in tok.conjuncts} | {tok.i}
        for g in groups:
            if any(t.i in conj_ids for t, _ in g):
                g.append((tok, p))
                break
        else:
            groups.append([(tok, p)])
    best = max(groups, key=len)
    if len(best) < 2 or not any(_locative(t) for t, _ in best):
        return []
    return [p for _, p in sorted(best, key=lambda tp: tp[1].start)]


LOCATIVE_PREPS = frozenset({"in", "at", "across", "near", "around", "outside", "throughout", "inside",
                            "on", "over", "within"})


def _locative(tok) -> bool:
    """The place list says where it happened ('in A and B'), not where from or to."""
    # "over the Odesa, Mykolaiv and Kherson regions": the list names the pobj noun
    for _ in range(6):
        if tok.dep_ not in ("conj", "nmod", "compound", "appos") or tok.head.i == tok.i:
            break
        tok = tok.head
    return tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS


# ---------------------------------------------------------------- restatements

def merge_restatements(events: list[Event], *, meta: dict | None = None,
                       headline_end: int = 0) -> list[Event]:
    """Headline, highlights and body telling the same occurrence: one event, all spans.

    Besides identical place and date (``same_event``), a later mention joins an earlier
    one of the same sub-type when it is the headline's story told in the body, or when it
    only elaborates (no place of its own, or an actor referred back to: "the attackers
    ...", "they ..."): its place then refines the host's when it is more precise.
    """
    meta = meta or {}
    out: list[Event] = []
    for ev in events:
        if getattr(meta.get(id(ev)), "weapon_kind", False):
            out.append(ev)       # a salvo's weapon kinds are events of their own
            continue
        host = next((o for o in out if same_event(o, ev)), None)
        if host is None:
            host = next((o for o in reversed(out) if restates(o, ev, meta=meta, headline_end=headline_end)), None)
            if host is not None:
                refine_place(host, ev, headline=_in_headline(host, headline_end))
        if host is None:
            out.append(ev)
            continue
        for s in ev.spans:
            if all((s.start, s.end) != (h.start, h.end) for h in host.spans):
                host.spans.append(s)
        hc, ec = meta.get(id(host)), meta.get(id(ev))
        if hc is not None and ec is not None and hc is not ec:
            hc.tolls = hc.tolls + ec.tolls
            host.fatalities, host.injured = resolve_tolls(hc.tolls)
        else:
            host.fatalities = host.fatalities if host.fatalities is not None else ev.fatalities
            host.injured = host.injured if host.injured is not None else ev.injured
        host.actor1 = host.actor1 or ev.actor1
        host.actor2 = host.actor2 or ev.actor2
        host.hedged = host.hedged or ev.hedged
    return out


def headline_end_of(text: str) -> int:
    """End offset of the headline: a first line with no closing full stop, else 0."""
    stripped = text.lstrip()
    start = len(text) - len(stripped)
    line = stripped.split("\n", 1)[0].rstrip()
    if not line or "\n" not in stripped or line[-1] in '.!?"\u201d':
        return 0
    return start + len(line)




def _in_headline(ev: Event, headline_end: int) -> bool:
    return bool(ev.spans) and ev.spans[0].start < headline_end


def restates(host: Event, ev: Event, *, meta: dict, headline_end: int) -> bool:
    """Whether ``ev`` tells the occurrence ``host`` told before (same sub-type, no clash)."""
    if not host.spans or not ev.spans:
        return False
    c = meta.get(id(ev))
    if host.spans[0].start == ev.spans[0].start or (c is not None and c.weapon_kind):
        return False    # split events of one sentence stay apart; a salvo's kinds are its own events
    if host.sub_type != ev.sub_type:
        # "the blast", "this attack": a definite singular names the occurrence just told
        return host.type == ev.type and c is not None and (definite_mention(c.head) or c.anaphoric_actor) and \
            ev.spans[0].start - host.spans[0].end <= 600 and ev.date.source != "text" and _country_ok(host, ev)
    if host.spans[0].start == ev.spans[0].start:
        return False                      # split events of one sentence stay apart
    headline_host = _in_headline(host, headline_end) and not _in_headline(ev, headline_end)
    # a headline names places loosely ("Burkina village"): its country may be misread
    if _country(host) and _country(ev) and _country(host) != _country(ev) and not headline_host:
        return False
    c = meta.get(id(ev))
    claimed = c is not None and c.toll_rank > 0     # a claim or a partial count may differ
    for x, y in ((host.fatalities, ev.fatalities), (host.injured, ev.injured)):
        if x is not None and y is not None and x != y and not _in_headline(host, headline_end) and not claimed:
            return False
    if host.date.source == "text" and ev.date.source == "text" and not _windows_overlap(host.date, ev.date):
        return False
    c = meta.get(id(ev))
    if _in_headline(host, headline_end) and not _in_headline(ev, headline_end):
        # a headline words the actor loosely ("Gunmen"); the count and place tell the story
        return all(x is None or y is None or x == y
                   for x, y in ((host.fatalities, ev.fatalities), (host.injured, ev.injured)))
    if c is None or ev.type not in VIOLENT_TYPES:
        return False
    if c.anaphoric_actor or (definite_mention(c.head) and ev.date.source != "text"):
        return True
    # no place, no date and no count of its own, close after: a reminder of the told
    # occurrence (a plural noun, "mass abductions", speaks of many occurrences instead)
    if c.head.tag_ in ("NNS", "NNPS") or ev.spans[0].start - host.spans[0].end > 600:
        return False
    return not c.own_place and ev.date.source != "text" and ev.fatalities is None and ev.injured is None


def definite_mention(head) -> bool:
    """'The blast', 'this attack', 'the raid': a singular noun pointing back at a told event."""
    return head.pos_ == "NOUN" and head.tag_ == "NN" and any(
        c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children) and not any(
        c.dep_ == "prep" and c.lower_ in ("on", "in", "at", "near") for c in head.children)


def _country_ok(host: Event, ev: Event) -> bool:
    return not (_country(host) and _country(ev) and _country(host) != _country(ev))


def _country(ev: Event) -> str | None:
    return ev.location.iso or ev.location.country


def refine_place(host: Event, ev: Event, *, headline: bool) -> None:
    """Take the restatement's place (and date) when it says more than the host's."""
    if headline:
        # a headline's place is often the dateline: the body's own place and date win
        if ev.location.name:
            host.location = ev.location
        if ev.date.source == "text":
            host.date = ev.date
        host.spans.sort(key=lambda s: s.start)
        return
    mine, theirs = PRECISION_RANK.get(host.location.precision or "", 4), PRECISION_RANK.get(ev.location.precision or "", 4)
    if theirs < mine and (not _country(host) or _country(host) == _country(ev)):
        host.location = ev.location


def same_event(a: Event, b: Event) -> bool:
    if a.sub_type != b.sub_type:
        return False
    if a.spans and b.spans and a.spans[0].start == b.spans[0].start:
        return a.location.name == b.location.name   # split events share evidence, not places
    if (a.location.name or "").lower() != (b.location.name or "").lower() or not a.location.name:
        return False
    if a.actor1 and b.actor1 and a.actor1 != b.actor1:
        return False
    for x, y in ((a.fatalities, b.fatalities), (a.injured, b.injured)):
        if x is not None and y is not None and x != y:
            return False
    return _windows_overlap(a.date, b.date) and _precise(a.date) and _precise(b.date)


def _windows_overlap(x: DateWindow, y: DateWindow) -> bool:
    if not (x.earliest and x.latest and y.earliest and y.latest):
        return False
    return x.earliest <= y.latest and y.earliest <= x.latest


def _precise(w: DateWindow) -> bool:
    # two undated mentions in one place are too weak a sign of one occurrence
    return w.source != "publication"
