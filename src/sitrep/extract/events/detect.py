"""Candidate events of a sentence: trigger matching checked by the parse, typing in the
ACLED taxonomy, merging of triggers that tell one occurrence, and argument filling."""
from __future__ import annotations

from ...model import Document, Span
from .rules import ACTOR_LABELS, Helpers, MAX_TRIGGERS, Rules, Trigger, VIOLENT_TYPES
from .candidate import Candidate
from .syntax import (
    clause_verb, has_phrase, in_clause_of, in_lex, lemma, linked_clauses, lists_item,
    match_triggers, near_words, of_object, phrase_head, sentence_places, trim_end)
from .filters import (
    conflict_context, figurative_explosion, in_comparison, is_anaphoric, is_evaluation,
    is_habitual_description, is_irrealis, is_negated, is_question, is_sports)
from .arguments import (
    actor_name, civilian_label, is_generic, is_person, is_place, is_state, is_weapon,
    mention_at, nominal_actor, object_of, owned_force, subject_of, token_class, victims)
from .casualties import casualties, claims_told_event, is_hedged, paragraph_hedged, toll_rank


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
            target = of_object(control)
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
        target = of_object(target) or target
    return target is not None and (in_lex(target, rules.lex["projectiles"]))


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
            return in_clause_of(b.head, a.head) or clause_verb(a.head).i == clause_verb(b.head).i
        # "seized the city, forcing the parliament to relocate": a second development
        return clause_verb(a.head).i == clause_verb(b.head).i
    if a.sub_type == b.sub_type:
        return True
    return linked_clauses(a.head, b.head)


def drop_summaries(cands: list[Candidate]) -> list[Candidate]:
    """'attacks, including a car bombing and a siege': the list items are the events."""
    out = []
    for c in cands:
        listed = [k for k in cands if k is not c and lists_item(c.head, k.head) and k.type in VIOLENT_TYPES]
        if not listed:
            out.append(c)
            continue
        for k in listed:    # "bombings, including an attack on X": the attack was a bombing
            if c.priority > k.priority and c.type in VIOLENT_TYPES:
                k.type, k.sub_type, k.priority = c.type, c.sub_type, c.priority
    return out


def fill_arguments(doc: Document, c: Candidate, *, rules: Rules, helpers: Helpers) -> None:
    subj, obj = subject_of(c.head), object_of(c.head)
    trigger_ids = {t.i for t in c.tokens}
    if subj is not None and subj.i in trigger_ids | {c.head.i}:
        subj = None          # "a roadside bomb struck ...": the weapon is not an actor
    if subj is not None and (subj.like_num or subj.pos_ == "NUM"):
        subj = None          # "14 wounded": a count, not an actor
    if subj is not None and subj.pos_ == "PRON" and subj.lower_ in ("they", "it", "he", "she"):
        c.pronoun_actor = True
    c.anaphoric_actor = subj is not None and (subj.pos_ == "PRON" or is_generic(subj, doc, rules))
    c.own_place = bool(sentence_places(doc, c.sent))
    c.generic_crowd = subj is None or mention_at(subj, doc) is None or \
        mention_at(subj, doc).label not in ACTOR_LABELS
    if subj is None:
        subj = nominal_actor(c, doc, rules)
    subj_class = token_class(subj, doc, rules) if subj is not None else None
    if subj is not None and (subj_class == "place" or is_weapon(subj, rules)):
        # "Russia launched drones", "Syrian artillery shelled": the state's force acted
        c.actor1 = owned_force(subj, doc, helpers) if c.type != "Protests" else None
    elif subj is not None:
        c.actor1 = actor_name(subj, doc, helpers, rules=rules)
        others = [t for t in subj.conjuncts if t.i > subj.i]
        if others and obj is None:
            obj = others[0]  # "the army and the rebels clashed / signed a truce"
    if obj is not None and is_weapon(obj, rules):
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
        if victim is not None and mention_at(victim, doc) is None:
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
    c.spans = [Span(c.sent.start_char, trim_end(doc.text, c.sent.start_char, c.sent.end_char))]
