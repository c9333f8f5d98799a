"""Who acted and against whom: subjects and objects from the parse, the class of an
argument (armed, civilian, place), and the actor names given to them."""
from __future__ import annotations

import re

from ...model import Document, Location
from ...normalize.actors import actor_key
from .rules import (
    ACTOR_LABELS, AFFILIATION_WORDS, ARMED_LABELS, Helpers, LIGHT_VERBS_DEFAULT,
    PERSON_ENTS, PLACE_ENTS, PLACE_NOUNS, Rules, VAGUE_MODIFIERS, WEAPON_NOUNS, WORDS)
from .candidate import Candidate
from .syntax import (
    ancestors_in_sentence, clause_verb, has_phrase, head_of, in_lex, kids, lemma, of_object, parse_of,
    per_call, per_parse, per_token, sentence_places)


@per_parse("subject")       # asked by classify, the filters and fill_arguments alike
def subject_of(head):
    """The acting side: subject of the clause, agent of a passive, 'by' phrase or possessor."""
    listing = _listed_under(head)
    if listing is not None:
        # "carried out attacks, including a car bombing": the list's owner has the subject
        return subject_of(listing)
    verb = clause_verb(head)
    if repelled(head):
        # "troops repelled an attack by X": the attacker is X, never the defender
        return _attacker_of_repelled(head)
    pair = _between(head)
    if pair is not None:
        return pair[0]
    side = _side_killed_in(head)
    if side is not None:
        return side
    for t in (head, verb):
        for ch in kids(t):
            if ch.dep_ == "agent":
                objs = [g for g in kids(ch) if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
            if ch.dep_ == "poss" and t is head and head.pos_ != "VERB":
                return ch
            if ch.dep_ == "prep" and ch.lower_ == "by" and t is head and head.pos_ == "NOUN":
                objs = [g for g in kids(ch) if g.dep_ == "pobj"]   # "an attack by ISWAP"
                if objs:
                    return objs[0]
    by = _by_of_modified_noun(head)
    if by is not None:
        return by
    killer = _verb_of_means(head)
    if killer is not None:
        return next((c for c in kids(killer) if c.dep_ == "nsubj"), None)
    if head.pos_ == "VERB" or _under_light_verb(head, verb):
        for ch in kids(verb):
            if ch.dep_ in ("nsubj",):
                return ch
    # participial clause ("..., killing four") or xcomp: the subject of the governing verb
    if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") and head_of(verb).i != verb.i:
        up = clause_verb(head_of(verb))
        for ch in kids(up):
            if ch.dep_ == "nsubj":
                return ch
    # "X was the prime suspect in a bombing", "X is suspected of carrying out ..."
    for a in ancestors_in_sentence(head):
        if lemma(a) in ("suspect", "responsible", "blame", "claim"):
            for ch in kids(a):
                if ch.dep_ in ("nsubj", "nsubjpass"):
                    return ch
            if a.dep_ == "attr":
                for ch in kids(head_of(a)):
                    if ch.dep_ == "nsubj":
                        return ch
    return None


# Verbs by which the side attacked fends off an attack: their subject is the defender.
DEFENCE_VERBS = WORDS["defence_verbs"]
PHRASAL_DEFENCE = WORDS["phrasal_defence"]

# Nouns of an attack a defender can beat back.
ATTACK_NOUNS = WORDS["attack_nouns"]

# Nouns of fighting between two sides ("clashes with X", "fighting between X and Y").
CLASH_WORDS = WORDS["clash_words"]


def repelled(head) -> bool:
    """'repelled an attack', 'fought off assaults', 'an attack ... was repulsed': the trigger
    (the attack noun or the verb beating it back) tells of an attack a defending side beat back."""
    return _repelling_verb(head) is not None


def _repelling_verb(head):
    """The verb that beat back the attack a trigger tells of, else None."""
    if head.pos_ == "VERB":
        verb = head
    elif head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("dobj", "nsubjpass"):
        verb = head_of(head)
    elif head.pos_ in ("NOUN", "PROPN") and head.dep_ == "pobj" and head_of(head).dep_ in ("prep", "prt"):
        verb = head_of(head_of(head))      # "fought off attacks" parsed with "off" over the noun
    else:
        return None
    if verb.pos_ not in ("VERB", "AUX") or lemma(verb) not in DEFENCE_VERBS:
        return None
    if lemma(verb) in PHRASAL_DEFENCE and not any(t.lower_ in ("off", "back") for t in kids(verb)):
        return None               # "fought the rebels" is fighting, "fought off" is fending off
    return verb if _attack_noun(verb) is not None else None


def _attack_noun(verb):
    """The object of a verb of defence: the attack it beat back ('an attack', 'assaults')."""
    for ch in kids(verb):
        cands = [ch] if ch.dep_ in ("dobj", "nsubjpass") else \
            [g for g in kids(ch) if g.dep_ == "pobj"] if ch.dep_ in ("prt", "prep") and ch.lower_ in ("off", "back") else []
        for g in cands:
            if g.pos_ in ("NOUN", "PROPN") and lemma(g) in ATTACK_NOUNS:
                return g
    return None


def _attacker_of_repelled(head):
    """'an attack by ISWAP', 'ISWAP's attack', '23 Russian assaults': the attacker, else None."""
    verb = _repelling_verb(head)
    noun = _attack_noun(verb) if verb is not None else None
    if noun is None:
        return None
    for ch in kids(noun):
        if ch.dep_ == "prep" and ch.lower_ in ("by", "from"):
            objs = [g for g in kids(ch) if g.dep_ == "pobj"]
            if objs:
                return objs[0]
        if ch.dep_ == "poss" and ch.pos_ != "PRON":
            return ch
    for ch in kids(noun):
        if ch.dep_ in ("amod", "compound", "nmod") and (ch.ent_type_ in ("NORP", "ORG", "GPE")
                                                        or ch.pos_ == "PROPN"):
            return ch
    return None


def _defender_of_repelled(head):
    """The subject of the verb that beat the attack back (or the agent of its passive)."""
    verb = _repelling_verb(head)
    if verb is None:
        return None
    for ch in kids(verb):
        if ch.dep_ == "nsubj":
            return ch
        if ch.dep_ == "agent":
            objs = [g for g in kids(ch) if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _side_killed_in(head):
    """'four fighters were killed in clashes with X': the fallen are the other side of X."""
    if lemma(head) not in CLASH_WORDS or head.dep_ != "pobj" or head_of(head).lower_ not in ("in", "during"):
        return None
    verb = head_of(head_of(head))
    if verb.pos_ != "VERB" or lemma(verb) not in ("kill", "wound", "injure", "die"):
        return None
    return next((c for c in kids(verb) if c.dep_ == "nsubjpass"), None)


def _between(head):
    """'clashes between X and Y', 'fighting between X and Y': (X, Y), else None."""
    if lemma(head) not in CLASH_WORDS:
        return None
    for ch in kids(head):
        if ch.dep_ == "prep" and ch.lower_ == "between":
            objs = [g for g in kids(ch) if g.dep_ == "pobj"]
            if objs and objs[0].conjuncts:
                return objs[0], objs[0].conjuncts[0]
    return None


def _noun_modified(head):
    """The noun a trigger word modifies or is listed with ('shelling' in 'sniper and shelling
    attacks'), else None."""
    t = head
    for _ in range(4):
        if t.dep_ == "conj" and head_of(t).pos_ in ("NOUN", "PROPN", "ADJ"):
            t = head_of(t)
        elif t.dep_ in ("compound", "amod", "nmod") and head_of(t).pos_ in ("NOUN", "PROPN"):
            return head_of(t)
        else:
            return None
    return None


def _by_of_modified_noun(head):
    """'mortar and drone attacks by the Houthis': the 'by' phrase of the noun modified."""
    noun = _noun_modified(head) or (head if head.dep_ == "conj" else None)
    if noun is None or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    # the parser hangs a by-phrase shared by a list on one of its items
    for item in [noun, *noun.conjuncts]:
        for ch in kids(item):
            if ch.dep_ == "prep" and ch.lower_ == "by":
                return next((g for g in kids(ch) if g.dep_ == "pobj"), None)
    return None


# Verbs that tell what a strike or clash did to people: "killed 14 fighters in an air strike".
MEANS_VERBS = WORDS["means_verbs"]


def _verb_of_means(head):
    """'X killed Y in an air strike': the verb whose means the noun trigger is, else None."""
    if head.pos_ not in ("NOUN", "PROPN") or head.dep_ != "pobj" \
            or head_of(head).lower_ not in ("in", "with", "by", "during"):
        return None
    verb = head_of(head_of(head))
    if verb.dep_ == "dobj" and verb.pos_ in ("NOUN", "PROPN"):
        verb = head_of(verb)     # the parser often hangs "in an air strike" on the object
    if verb.pos_ != "VERB" or lemma(verb) not in MEANS_VERBS or lemma(head) in CLASH_WORDS:
        return None
    if not any(c.dep_ == "nsubj" for c in kids(verb)):
        return None
    return verb


def _listed_under(head):
    """The noun a trigger is listed under ('attacks, including a bombing'), else None."""
    prep = head_of(head)
    if head.dep_ == "pobj" and prep.lower_ in ("including", "like", "as") and head_of(prep).i != prep.i:
        owner = head_of(prep)
        if owner.lower_ == "such":
            owner = head_of(owner)
        return owner if owner.pos_ in ("NOUN", "PROPN") else None
    return None


def _under_light_verb(head, verb) -> bool:
    """'ISIS carried out an attack': the noun's event is done by the verb's subject."""
    if head.i == verb.i:
        return True
    if head.dep_ == "prep" and head_of(head).i == verb.i:
        return True          # "(the militants) are in control of ...": a phrase of the verb
    obj = head
    while obj.dep_ == "conj" and head_of(obj).i != obj.i and head_of(obj).pos_ in ("NOUN", "PROPN"):
        obj = head_of(obj)      # "launched drones and missiles": the listed noun is an object too
    if obj.dep_ == "dobj" and head_of(obj).i == verb.i:
        return lemma(verb) in LIGHT_VERBS_DEFAULT or lemma(verb) in AIMING_VERBS
    if head.dep_ == "pobj" and head_of(head_of(head)).i == verb.i and lemma(verb) in ("responsible", "behind", "be"):
        return True
    return False


@per_parse("object")
def object_of(head):
    """The side acted upon: direct object, passive subject, or an 'on'/'against' phrase."""
    verb = clause_verb(head)
    if repelled(head):
        return _defender_of_repelled(head)
    pair = _between(head)
    if pair is not None:
        return pair[1]
    if _side_killed_in(head) is None and lemma(head) in CLASH_WORDS and head.dep_ == "pobj" \
            and head_of(head).lower_ in ("in", "during") and lemma(verb) in ("kill", "wound", "injure"):
        # "soldiers killed 12 militants in clashes": the fallen are the other side
        fallen = next((c for c in kids(verb) if c.dep_ == "dobj"), None)
        if fallen is not None:
            return fallen
    means = _verb_of_means(head)
    if means is not None:
        # "killed 14 fighters in an air strike": the fighters were the side struck
        hit = next((c for c in kids(means) if c.dep_ == "dobj"), None)
        if hit is not None:
            return hit
    aimed = _aimed_at(head, verb)
    if aimed is not None:
        return aimed
    if lemma(head) in CLASH_WORDS:
        # "clashed with X", "clashes with X": the other side
        for t in (head, verb) if head.pos_ != "VERB" else (head,):
            for ch in kids(t):
                if ch.dep_ == "prep" and ch.lower_ in ("with", "against"):
                    objs = [g for g in kids(ch) if g.dep_ == "pobj"]
                    if objs:
                        return objs[0]
    if head.pos_ == "VERB":
        for ch in kids(head):
            if ch.dep_ in ("dobj", "nsubjpass"):
                return ch
    for t in (head, verb) if head.pos_ != "VERB" else (head,):
        # on the governing verb "on" is mostly a place ("destroyed a depot on an island")
        preps = ("on", "against", "of", "targeting") if t is head else ("against", "targeting")
        for ch in kids(t):
            if ch.dep_ == "prep" and ch.lower_ in preps:
                objs = [g for g in kids(ch) if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
    if head.pos_ != "VERB" and head.dep_ == "nsubj" and verb.i != head.i:
        # "a roadside bomb struck a convoy": the verb's object was hit
        for ch in kids(verb):
            if ch.dep_ == "dobj":
                return ch
    if head.pos_ != "VERB" and head.dep_ in ("dobj", "nsubj", "pobj"):
        # "attacks on X" handled above; "carried out attacks against X" on the verb
        for ch in kids(verb):
            if ch.dep_ == "prep" and ch.lower_ in ("against", "on"):
                objs = [g for g in kids(ch) if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")]
                if objs:
                    return objs[0]
    return None


# Verbs of sending fire at someone: "fired rockets at Israel", "launched drones at Kyiv".
AIMING_VERBS = WORDS["aiming_verbs"]


def _aimed_at(head, verb):
    """'launched drones and missiles at Ukraine': the side aimed at, else None."""
    if lemma(verb) not in AIMING_VERBS:
        return None
    for ch in [*kids(head), *kids(verb)]:   # "at" hangs on the missile or on the verb
        if ch.dep_ == "prep" and ch.lower_ == "at":
            objs = [g for g in kids(ch) if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")]
            if objs:
                return objs[0]
    return None


def victims(head):
    """Who was killed/wounded in the sentence of the trigger (objects of casualty verbs)."""
    p = parse_of(head.doc)
    start = p.sent_start[head.i]
    key = ("victims", start)
    if key not in p.memo:        # the same for every trigger of the sentence
        p.memo[key] = [p.toks[ch] for t in range(start, p.sent_end[head.i]) if p.lemma[t] in CASUALTY_VERBS
                       for ch in p.kids[t] if p.dep[ch] in ("dobj", "nsubjpass")]
    return list(p.memo[key])


CASUALTY_VERBS = frozenset({"kill", "wound", "injure", "behead", "execute", "murder", "shoot", "massacre"})


@per_token("token_class")
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
        for ch in kids(tok):
            if ch.dep_ == "prep" and ch.lower_ == "of":
                for g in kids(ch):
                    if g.dep_ == "pobj":
                        return token_class(g, doc, rules)
    words = [tok] + [c for c in kids(tok) if c.dep_ in ("compound", "amod")]
    if any(in_lex(w, rules.lex["armed"]) for w in words):
        return "armed"
    if tok.ent_type_ in PLACE_ENTS or lemma(tok) in PLACE_NOUNS:
        return "place"
    if any(in_lex(w, rules.lex["civilian"]) for w in words) or tok.ent_type_ in PERSON_ENTS:
        return "civilian"
    # "killing four", "killed 12": bare numbers of people
    if tok.like_num or tok.ent_type_ == "CARDINAL":
        return "civilian"
    for ch in kids(tok):   # "X of Y": class of Y ("the village of Kuda", "a group of soldiers")
        if ch.dep_ == "prep" and ch.lower_ == "of":
            for g in kids(ch):
                if g.dep_ == "pobj":
                    return token_class(g, doc, rules)
    return None


@per_token("is_person")
def is_person(tok, doc: Document, rules: Rules) -> bool:
    if tok is None:
        return False
    if tok.ent_type_ == "PERSON" or tok.pos_ == "PRON" or tok.lower_ in ("many", "several", "some", "others", "dozens", "scores", "hundreds"):
        return True
    for m in doc.mentions:
        if m.start <= tok.idx < m.end and m.label in ("PERSON", "ARMED_GROUP"):
            return True
    cls = token_class(tok, doc, rules)
    if cls is None and tok.tag_ in ("NNS", "NNPS") and any(c.dep_ == "nummod" for c in kids(tok)):
        return True      # "killed seven miners": counted people of a trade the lexicon lacks
    return cls in ("civilian", "armed") and lemma(tok) not in PLACE_NOUNS


@per_token("is_place")
def is_place(tok, doc: Document, rules: Rules) -> bool:
    if tok is None:
        return False
    for p in doc.places:
        if p.start <= tok.idx < p.end:
            return True
    if tok.pos_ == "NOUN" and lemma(tok) in PLACE_NOUNS and lemma(tok) not in ("position", "front"):
        return True       # "the garrison town of X", "an army base": a place whoever holds it
    return token_class(tok, doc, rules) == "place"


@per_token("is_state")
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
    return clean_text(tok.doc[start:tok.i + 1].text)


def clean_text(text: str) -> str:
    """One line of single-spaced words: a phrase that runs over a line break keeps its
    last line ("Odesa\\n\\nFalling debris" -> "Falling debris")."""
    text = text.strip()
    if "\n" in text:
        text = text.rsplit("\n", 1)[1]
    words = text.split()
    while len(words) > 1 and words[0].lower() in ("a", "an", "the", "this", "that", "these", "those"):
        words = words[1:]
    return " ".join(words)


def actor_name(tok, doc: Document, helpers: Helpers, *, rules: Rules | None = None) -> str | None:
    """Canonical actor name for an argument token (see :func:`_actor_name`), given as the
    name of the document's entity that has it as a name or alias, so the actor can be
    matched through that entity."""
    if tok is None:
        return None
    # the subject of a sentence is named again for each of its events
    return per_call(tok.doc, ("actor_name", tok.i, rules is None),
                    lambda: _named_actor(tok, doc, helpers, rules=rules))


def _named_actor(tok, doc: Document, helpers: Helpers, *, rules: Rules | None = None) -> str | None:
    name = _actor_name(tok, doc, helpers, rules=rules)
    if not name:
        return name
    name = entity_named(name, doc) or name
    return acting_branch(name, tok, doc, helpers) or name


def acting_branch(name: str, tok, doc: Document, helpers: Helpers) -> str | None:
    """The branch of group ``name`` that the sentence places it in, if the document names one.

    "Fighters loyal to ISIS took the town of X" in a report that names "the X wing of
    ISIS": the wing acted, and coding keeps the branch as the actor.  Branch entities carry
    ``actor_id`` "PARENT/QUALIFIER" (see sitrep.normalize.actors); the qualifier must be
    named in the sentence, and a town beats a country when both are.
    """
    parent = next((e for e in doc.entities if e.name == name and e.type == "ARMED_GROUP"), None)
    if parent is None or not parent.actor_id or "/" in parent.actor_id:
        return None
    branches = [e for e in doc.entities if e.actor_id and e.actor_id.startswith(parent.actor_id + "/")]
    if not branches:
        return None
    keys = _sentence_name_keys(parse_of(tok.doc).sent(tok.i))
    hits = [b for b in branches if all(w in keys for w in b.actor_id.split("/", 1)[1].split())]
    if len(hits) > 1:
        gaz = helpers.gazetteer
        countries = {actor_key(n) for n in getattr(gaz, "country_names", {}).values()} if gaz else set()
        hits = [b for b in hits if b.actor_id.split("/", 1)[1] not in countries] or hits
    return hits[0].name if len(hits) == 1 else None


def _sentence_name_keys(sent) -> set[str]:
    """Keys of the capitalised words of a sentence, demonyms also as their country ("Somali")."""
    keys = set()
    for t in sent:
        if t.is_alpha and t.text[:1].isupper():
            keys.add(actor_key(t.text))
            for cut in (1, 2):
                if t.text.endswith(("n", "i")) and len(t.text) - cut > 3:
                    keys.add(actor_key(t.text[:-cut]))
    return keys


def entity_named(text: str, doc: Document) -> str | None:
    """The name of the document's entity whose name or an alias is ``text`` (case and
    leading article aside), else None."""
    key = _name_key(text)
    if not key:
        return None
    if doc.spacy is not None:
        # the keys of every entity's names, once per call: each actor named would scan them all
        return per_call(doc.spacy, ("entity_keys",), lambda: _entity_keys(doc)).get(key)
    for e in doc.entities:
        if e.type in ACTOR_LABELS and any(_name_key(a) == key for a in [e.name, *e.aliases]):
            return e.name
    return None


def _entity_keys(doc: Document) -> dict[str, str]:
    """Name key -> name of the first actor entity (in list order) with that name or alias."""
    out: dict[str, str] = {}
    for e in doc.entities:
        if e.type in ACTOR_LABELS:
            for a in [e.name, *e.aliases]:
                out.setdefault(_name_key(a), e.name)
    return out


_POSSESSIVE = re.compile(r"['’]s\b")


def _name_key(text: str) -> str:
    words = _POSSESSIVE.sub("", text or "").casefold().split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _actor_name(tok, doc: Document, helpers: Helpers, *, rules: Rules | None = None) -> str | None:
    """Canonical actor name for an argument token: entity name, else short phrase text.

    Pronouns and definite generic nouns ("the group", "the militants") are resolved to the
    nearest armed actor (or person, for he/she) named shortly before: news prose names an
    actor once and then refers back to it.
    """
    if tok is None:
        return None
    if rules is not None and in_lex(tok, rules.lex["quantity"]) and of_object(tok) is not None:
        # "dozens of terrorists" (a count the parser tags as a number): the people counted
        return actor_name(of_object(tok), doc, helpers, rules=rules)
    if not_an_actor(tok):
        return None
    if tok.pos_ == "PRON":
        speaker = reporting_subject(tok)
        if speaker is not None:
            # "the army said it had killed ...": the one reporting is the one who acted
            return actor_name(speaker, doc, helpers, rules=rules)
        return refer_back(tok, doc, helpers, person=tok.lower_ in ("he", "she", "him", "her"))
    if is_generic(tok, doc, rules):
        # "the group", "the militants": armed-group words refer back to an armed group,
        # never to the ministry or police quoted in between
        return refer_back(tok, doc, helpers, labels=("ARMED_GROUP",)) or phrase_text(tok)
    force = force_actor(tok, doc, helpers)
    if force is not None:
        return force
    if mention_at(tok, doc) is None and (lemma(tok) in AERIAL_NOUNS or lemma(tok) in WEAPON_NOUNS):
        return None      # "a fighter jet" with no owner names a weapon, not a side
    if rules is not None and mention_at(tok, doc) is None:
        owner = next((c for c in kids(tok) if c.dep_ == "poss" and c.pos_ == "PRON"
                      and c.lower_ in ("its", "their")), None)
        if owner is not None and in_lex(tok, rules.lex["armed"]):
            # "its fighters", "their troops": the group named before, else the state force
            # of the country where the sentence is set ("the ministry said its forces ...")
            return _force_of_referent(owner, tok, doc, helpers) or _force_of_setting(tok, doc, helpers) \
                or phrase_text(tok)
        force = _force_modifier(tok, doc, rules)
        if force is not None:
            # "a military column", "army positions": the force, not its formation
            return mention_name(force, doc, helpers, places=False) or force_actor(force, doc, helpers) \
                or force.text
    # "gunmen suspected of being part of X", "fighters loyal to X": X is the actor
    for ch in kids(tok):
        if (ch.dep_ in ("acl", "relcl", "amod") and lemma(ch) in AFFILIATION_WORDS) or (
                ch.dep_ == "prep" and ch.lower_ in ("loyal", "linked", "affiliated")):
            for g in ch.subtree:
                name = mention_name(g, doc, helpers, places=False)
                if name:
                    return name
    if rules is not None and in_lex(tok, rules.lex["unit"]) and not mention_at(tok, doc):
        # "the Kandahar wing of the movement": the unit is named by its whole phrase, or by
        # the branch entity named in it ("Islamic State's Khorasan branch")
        return _branch_entity(tok, doc) or unit_phrase(tok)
    named = _appositive_name(tok, doc, helpers)
    if named is not None:
        return named
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
    for ch in kids(tok):
        if ch.dep_ == "prep" and ch.lower_ in ("of", "from", "loyal"):
            for g in ch.subtree:
                name = mention_name(g, doc, helpers, places=False)
                if name:
                    return name
    owner = of_object(tok)
    if rules is not None and owner is not None and not _people_word(tok, rules) \
            and actor_like(owner, doc, rules):
        return actor_name(owner, doc, helpers, rules=rules)   # "a depot of the rebels": the rebels
    if rules is not None and not actor_like(tok, doc, rules):
        return None      # "violence", "a truce", "the logistics hub": no one acted
    text = phrase_text(tok)
    return text if len(text) <= 60 else tok.text


def _appositive_name(tok, doc: Document, helpers: Helpers) -> str | None:
    """'The regional mission, ATMIS, ...': a common noun glossed by a name is that name."""
    if tok.pos_ != "NOUN":
        return None
    for ch in kids(tok):
        mention = mention_at(ch, doc) if ch.dep_ == "appos" and ch.pos_ == "PROPN" and ch.i > tok.i else None
        if mention is not None and mention.label in ("ARMED_GROUP", "GOV_BODY", "ORG"):
            # a person glossing a title ("the army chief, Gen X") is not the body acting
            name = mention_name(ch, doc, helpers, places=False)
            if name:
                return name
    return None


# Entity types that never act: "Monday's strikes", "2014 attacks", "half the raids".
NON_ACTOR_ENTS = frozenset({"DATE", "TIME", "ORDINAL", "PERCENT", "MONEY", "QUANTITY", "CARDINAL"})

# Verbs whose subject is who suffered: "the boy, aged 11, died" names a victim.
SUFFER_VERBS = WORDS["suffer_verbs"]

# Words too general to name a side even when they are people ("several", "others").
VAGUE_PEOPLE = WORDS["vague_people"]


def _people_word(tok, rules: Rules) -> bool:
    """'fighters', 'residents', 'police': the noun itself names people, not a thing they own."""
    return (in_lex(tok, rules.lex["armed"]) or in_lex(tok, rules.lex["civilian"])) \
        and not in_lex(tok, rules.lex["formation"]) and lemma(tok) not in PLACE_NOUNS


def not_an_actor(tok) -> bool:
    """A date, a count, or the victim subject of a verb of dying: no actor at all."""
    if tok.ent_type_ in NON_ACTOR_ENTS or tok.like_num:
        return True
    if tok.lower_ in VAGUE_PEOPLE and not any(c.dep_ == "prep" for c in kids(tok)):
        return True
    verb = head_of(tok)
    return tok.dep_ in ("nsubj", "nsubjpass") and lemma(verb) in SUFFER_VERBS


def actor_like(tok, doc: Document, rules: Rules) -> bool:
    """Whether a phrase with no entity in it can still name a side: armed men, a crowd or a
    state body ("gunmen", "security forces", "residents"), not a thing or an abstraction."""
    if tok.pos_ == "PROPN" or tok.ent_type_ in ("PERSON", "NORP", "ORG", "GPE"):
        return True
    if token_class(tok, doc, rules) in ("armed", "civilian"):
        return not (lemma(tok) in PLACE_NOUNS and in_lex(tok, rules.lex["formation"]))
    return is_state(tok, doc, rules)


def _force_of_setting(tok, doc: Document, helpers: Helpers) -> str | None:
    """The document's state force of the one country the sentence is set in, if named."""
    if helpers.gazetteer is None or lemma(tok) not in FORCE_NOUNS:
        return None
    isos = {p.iso for p in sentence_places(doc, parse_of(tok.doc).sent(tok.i)) if p.iso}
    if len(isos) != 1:
        return None
    return state_force(isos.pop(), doc, helpers.gazetteer, named_only=True)


def _force_modifier(tok, doc: Document, rules: Rules):
    """The force word modifying a formation or installation noun ('army' in 'army convoy')."""
    if not in_lex(tok, rules.lex["formation"]):
        return None
    for c in tok.lefts:
        if c.dep_ in ("compound", "amod", "nmod") and (
                in_lex(c, rules.lex["force"]) or (mention_at(c, doc) is not None
                                                  and mention_at(c, doc).label in ARMED_LABELS)):
            return c
    return None


# Nouns that name a state's armed force or its means when a country owns them
# ("Russian artillery", "Ukraine's troops", "air defences").
FORCE_NOUNS = WORDS["force_nouns"]

AERIAL_NOUNS = WORDS["aerial_nouns"]


# Words of an entity name that make it a state's fighting force rather than a ministry.
FORCE_NAME = re.compile(r"\b(armed forces|army|military|air force|defen[cs]e forces?|national guard)\b", re.I)

UNOWNED_FORCES = WORDS["unowned_forces"]


# Modifiers that leave a force unnamed ("government forces", "security forces").
UNOWNED_MODIFIERS = WORDS["unowned_modifiers"]

# Modifiers that give any weapon or force to the state ("government artillery", "regime jets").
STATE_OWNERS = WORDS["state_owners"]


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
    mention = mention_at(tok, doc)
    if mention is not None and mention.label not in ("NORP", "GPE"):
        return None
    if tok.ent_type_ == "NORP" or (mention is not None and tok.dep_ in ("amod", "compound", "nsubj")):
        iso = _country_iso(tok, doc, gaz)
        return state_force(iso, doc, gaz, aerial=lemma(head_of(tok)) in AERIAL_NOUNS) if iso else None
    if lemma(tok) not in FORCE_NOUNS:
        return None
    mods = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "poss", "nmod")]
    aerial = lemma(tok) in AERIAL_NOUNS or any(c.lower_ == "air" for c in mods)
    for c in mods:
        iso = _country_iso(c, doc, gaz)
        if iso:
            # the document's force entity, else the phrase itself: "Russian warplanes" is
            # how the text names that side (a country name would be a different actor)
            return state_force(iso, doc, gaz, aerial=aerial, named_only=True) or phrase_text(tok)
    state_owned = any(c.lower_ in STATE_OWNERS for c in mods)
    if (lemma(tok) not in UNOWNED_FORCES and not state_owned) \
            or any(c.lower_ not in UNOWNED_MODIFIERS for c in mods) \
            or any(c.dep_ == "prep" for c in tok.rights):
        return None     # a missile or jet with no owner is not the force of the place it hit
    isos = {p.iso for p in sentence_places(doc, parse_of(tok.doc).sent(tok.i)) if p.iso}
    named = state_force(isos.pop(), doc, gaz, aerial=aerial, named_only=True) if len(isos) == 1 else None
    # "government air defences" with no air force named: the one state force there is
    ground_defence = lemma(tok) in ("defence", "defense")
    return named or sole_force(doc, aerial=aerial) or (sole_force(doc) if ground_defence else None)


def sole_force(doc: Document, *, aerial: bool = False) -> str | None:
    """The document's one state force of a kind ("the army", "the air force"), if only one:
    unowned "troops" or "soldiers" are then that force."""
    forces = [e for e in doc.entities if e.type == "GOV_BODY"
              and any(FORCE_NAME.search(a) for a in [e.name, *e.aliases])]
    kind = [e for e in forces if any("air force" in a.lower() for a in [e.name, *e.aliases]) == aerial]
    return kind[0].name if len(kind) == 1 else None


def owned_force(tok, doc: Document, helpers: Helpers) -> str | None:
    """The state force behind a country acting or a weapon a country owns, else None."""
    gaz = helpers.gazetteer
    if gaz is None:
        return None
    m = mention_at(tok, doc)
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
    m = mention_at(tok, doc)
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


def mention_at(tok, doc: Document):
    """The first of ``doc.mentions`` (in list order) that covers the token, or None."""
    mentions = doc.mentions
    if len(mentions) <= 32:   # a short list: the scan is cheaper than the index
        return next((m for m in mentions if m.start <= tok.idx < m.end), None)
    from bisect import bisect_left, bisect_right
    # A scan of every mention per token is quadratic on long documents: an index by start,
    # built once per mention list and kept on the spaCy Doc (it dies with the batch).
    user_data = tok.doc.user_data
    cached = user_data.get("sitrep.mention_index")
    if cached is None or cached[0] is not mentions or cached[1] != len(mentions):
        order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        longest = max(m.end - m.start for m in mentions)
        cached = (mentions, len(mentions), [mentions[i].start for i in order], order, longest)
        user_data["sitrep.mention_index"] = cached
    _, _, starts, order, longest = cached
    idx = tok.idx
    # a mention covering idx starts in (idx - longest, idx]
    hits = [order[k] for k in range(bisect_left(starts, idx - longest + 1), bisect_right(starts, idx))
            if idx < mentions[order[k]].end]
    return mentions[min(hits)] if hits else None


def is_generic(tok, doc: Document, rules: Rules | None) -> bool:
    """'the group', 'the militants', 'these fighters': a definite noun naming no one."""
    if rules is None or tok.pos_ != "NOUN" or mention_at(tok, doc) is not None:
        return False
    if not in_lex(tok, rules.lex["generic_actor"]):
        return False
    if any(c.dep_ in ("compound", "poss") or c.ent_type_ for c in kids(tok)):
        return False
    if any(c.dep_ == "prep" and c.lower_ in ("of", "from") for c in kids(tok)):
        return False
    return any(c.dep_ == "det" and c.lower_ in ("the", "these", "those", "this", "that")
               for c in kids(tok))


# Verbs by which a side reports what it did: "the army said it killed ...".
REPORTING_VERBS = WORDS["reporting_verbs"]


def reporting_subject(pron):
    """'X said it had carried out a strike': X, for a pronoun subject of a reported clause."""
    if pron.lower_ not in ("it", "they", "we") or pron.dep_ not in ("nsubj", "nsubjpass"):
        return None
    verb = head_of(pron)
    if verb.dep_ not in ("ccomp", "conj") or head_of(verb).pos_ not in ("VERB", "AUX") \
            or lemma(head_of(verb)) not in REPORTING_VERBS:
        return None
    speaker = next((c for c in kids(head_of(verb)) if c.dep_ == "nsubj"), None)
    if speaker is None or speaker.pos_ == "PRON" or speaker.ent_type_ == "PERSON":
        return None
    return speaker


def _force_of_referent(owner, tok, doc: Document, helpers: Helpers) -> str | None:
    """'its forces' after 'the defence ministry said': the country's armed force named in the
    document when the one referred back to is a ministry or staff, else the one referred to."""
    m = _referent(owner, doc, labels=("ARMED_GROUP", "GOV_BODY"))
    if m is None:
        return None
    ent = next((e for e in doc.entities if e.id == m.entity), None)
    gaz = helpers.gazetteer
    if ent is not None and ent.type == "GOV_BODY" and gaz is not None and lemma(tok) in FORCE_NOUNS \
            and not any(FORCE_NAME.search(a) and not re.search(r"\bstaff\b", a, re.I)
                        for a in [ent.name, *ent.aliases]):
        for iso in {gaz.country_of(w) for w in re.findall(r"[A-Z][\w'-]+", " ".join([ent.name, *ent.aliases]))} - {None}:
            force = state_force(iso, doc, gaz, named_only=True)
            if force is not None and force != ent.name:
                return force
    return doc.entity_name(m.entity)


def _referent(tok, doc: Document, *, labels, reach: int = 600):
    before = [m for m in doc.mentions if m.label in labels and m.end <= tok.idx
              and tok.idx - m.end <= reach and m.entity]
    return max(before, key=lambda m: m.start) if before else None


def refer_back(tok, doc: Document, helpers: Helpers, *, person: bool = False,
               reach: int = 600, labels: tuple[str, ...] | None = None) -> str | None:
    """The nearest actor named before ``tok`` within ``reach`` characters (or None)."""
    labels = labels or (("PERSON",) if person else ("ARMED_GROUP", "GOV_BODY"))
    m = _referent(tok, doc, labels=labels, reach=reach)
    return doc.entity_name(m.entity) if m is not None else None


# Words that make an entity name a branch of a larger group ("... Province", "... Wing").
BRANCH_NAME = re.compile(r"\b(province|wing|branch|chapter|division|affiliate)\b", re.I)


def _branch_entity(tok, doc: Document) -> str | None:
    """A branch entity named inside a unit phrase, else None."""
    left = min([tok.i] + [c.left_edge.i for c in tok.lefts])
    start, end = tok.doc[left].idx, tok.idx
    for m in doc.mentions:
        if start <= m.start and m.end <= end and m.label == "ARMED_GROUP" and m.entity:
            name = doc.entity_name(m.entity)
            if name and BRANCH_NAME.search(name):
                return name
    return None


def unit_phrase(tok) -> str:
    """'Kandahar wing of the movement' without determiners or clauses after it."""
    left = min([tok.i] + [c.left_edge.i for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod", "poss")])
    right = tok.i
    for ch in tok.rights:
        if ch.dep_ == "prep" and ch.lower_ in ("of", "in"):
            right = max(right, ch.right_edge.i)
            break
    text = clean_text(tok.doc[left:right + 1].text)
    return text if len(text) <= 80 else clean_text(tok.doc[left:tok.i + 1].text)


def mention_name(tok, doc: Document, helpers: Helpers, *, places: bool = True) -> str | None:
    # asked for every word of every actor phrase, each time it is named
    return per_call(tok.doc, ("mention_name", tok.i, places),
                    lambda: _mention_name(tok, doc, helpers, places=places))


def _mention_name(tok, doc: Document, helpers: Helpers, *, places: bool = True) -> str | None:
    labels = ACTOR_LABELS + (("GPE",) if places else ())
    for m in doc.mentions:
        if m.start <= tok.idx < m.end and m.label in labels:
            ent = helpers.canonical_actor(doc, m.start, m.end, max_distance=0)
            if ent is not None:
                return ent.name
            return doc.entity_name(m.entity) if m.entity else m.text
    return None


def nominal_actor(c: Candidate, doc: Document, rules: Rules):
    """Who did a noun event with no subject of its own.

    A modifier naming an armed actor ("coalition airstrikes", "Houthi missile attacks"),
    else the armed subject of the sentence's main verb ("the militants posted images of
    the beheading"): reporting on an event names its author in the same breath.
    """
    trigger_ids = {t.i for t in c.tokens}
    nouns = [t for t in c.tokens if t.pos_ in ("NOUN", "PROPN")]
    for ch in (ch for t in nouns for ch in kids(t)):
        if ch.dep_ in ("compound", "amod", "nmod") and ch.i not in trigger_ids and not is_weapon(ch, rules) \
                and (mention_at(ch, doc) is not None or in_lex(ch, rules.lex["armed"])) \
                and token_class(ch, doc, rules) == "armed":
            return ch
    for ch in (ch for t in nouns for ch in kids(t)):
        if ch.dep_ in ("amod", "compound") and ch.ent_type_ == "NORP" and ch.i not in trigger_ids:
            return ch    # "Russian artillery shelled", "Turkish drone strikes": the state's force
    if repelled(c.head):
        return None      # "X repelled an attack": X defended
    if c.head.pos_ not in ("NOUN", "PROPN"):
        return None
    # the nearest governing verb with an armed subject: "the militants posted images of the
    # beheading, the police said" is the militants', not the police's
    for a in ancestors_in_sentence(c.head):
        if a.pos_ not in ("VERB", "AUX"):
            continue
        for ch in kids(a):
            if ch.dep_ == "nsubj" and ch.pos_ != "PRON" and token_class(ch, doc, rules) == "armed":
                return ch
    return None


def civilian_label(tok, rules: Rules) -> str:
    """'' for people at large ("12 people", "villagers"), else the victims' noun ("children")."""
    if tok.like_num or tok.pos_ in ("NUM", "PRON"):
        return ""
    if in_lex(tok, rules.lex["quantity"]):
        of = of_object(tok)
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


def side_label(kind: str, loc: Location, *, detail: str = "") -> str:
    """ACLED-style label of an unnamed side: 'Civilians (Sudan)', 'Protesters (Syria): students'."""
    label = f"{kind} ({loc.country})" if loc.country else kind
    return f"{label}: {detail}" if detail else label


def is_weapon(tok, rules: Rules) -> bool:
    return lemma(tok) in WEAPON_NOUNS
