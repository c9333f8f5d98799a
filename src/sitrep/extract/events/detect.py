"""Candidate events of a sentence: trigger matching checked by the parse, typing in the
ACLED taxonomy, merging of triggers that tell one occurrence, and argument filling."""
from __future__ import annotations

from ...model import Document, Span
from .rules import ACTOR_LABELS, Helpers, MAX_TRIGGERS, Rules, Trigger, VIOLENT_TYPES, WORDS

from .candidate import Candidate
from .syntax import (
    any_in_lex, clause_verb, has_phrase, head_of, in_clause_of, in_lex, kids, lemma, linked_clauses,
    lists_item, match_triggers, near_words, of_object, parse_of, phrase_head, sentence_places, trim_end)
from .filters import (
    conflict_context, figurative_explosion, in_comparison, is_anaphoric, is_evaluation,
    is_habitual_description, is_irrealis, is_negated, is_past_biography, is_question, is_sports,
    is_trend)
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
        if is_negated(head) or _irrealis(head, trig, rules) or in_comparison(head, rules) or _without(head):
            continue
        if trig.strength != "strong" and not self_evident(doc, trig, head, span, rules=rules):
            if not conflict_context(doc, sent, rules, skip=frozenset(t.i for t in span)):
                continue
        if is_anaphoric(head, trig) or is_question(head) or is_habitual_description(head):
            continue
        if is_evaluation(head) or (figurative_explosion(head, trig, rules) and not war_breaks_out(head, rules)):
            continue
        if is_past_biography(head, rules) or is_trend(head, rules):
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
    p = parse_of(sent.doc)
    for i in range(sent.start, sent.end):
        if p.pos[i] != "VERB" or p.lemma[i] not in ("launch", "fire"):
            continue
        verb = p.toks[i]
        if is_negated(verb) or is_irrealis(verb, rules):
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
        if not kinds or (len(kinds) == 1 and not _launch_aimed(verb, rules)):
            continue
        inside = {t.i for t in obj.subtree}
        cands = [c for c in cands if c.head.i not in inside and c.head.i != verb.i]
        for fam, item in kinds.items():
            trig = rules.triggers[fam]
            cands.append(Candidate(trigger=trig, head=item, tokens=(item,), sent=sent, type=trig.type,
                                   sub_type=trig.sub_type, priority=trig.priority, weapon_kind=True))
    return cands


def _launch_aimed(verb, rules: Rules) -> bool:
    """One weapon launched is a strike when it has a target or a toll ('launched a drone at
    army positions, wounding two'); 'launched a surveillance drone' is not."""
    # "at army positions", "on Kyiv"; not "on Thursday"
    if any(c.dep_ == "prep" and c.lower_ in rules.lex["launch_targets"]
           and any(g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME") for g in kids(c))
           for c in kids(verb)):
        return True
    return any(c.dep_ in ("advcl", "conj") and (lemma(c) in rules.lex["kill_words"]
                                               or lemma(c) in rules.lex["injure_words"])
               for c in kids(verb))


def classify(doc: Document, trig: Trigger, head, span, sent, *, rules: Rules) -> Candidate | None:
    """Decide whether a trigger makes an event here, and its type and sub-type."""
    type_, sub, prio = trig.type, trig.sub_type, trig.priority
    subj, obj = subject_of(head), object_of(head)
    if trig.needs and not near_words(head, trig.needs, window=4):
        return None
    if trig.needs_event_verb and head.pos_ == "NOUN" and not _weapon_used(head, rules):
        return None
    if trig.territory:
        target = territory_target(head, span)
        if not is_territory(target, doc, rules) and lemma(head) != "fall":
            return None
        if lemma(head) == "fall" and not any(c.lower_ == "to" for c in kids(head)):
            return None
        type_, sub = territory_sub_type(trig, head, subj, target, doc, rules=rules) or (type_, sub)
    if trig.family in STRATEGIC_CHECKS and not STRATEGIC_CHECKS[trig.family](head, span, doc, rules):
        return None
    if trig.family == "agreement":
        if not agreement_realised(head, rules):
            return None
        if lapsed_agreement(head, rules):
            type_, sub = "Strategic developments", "Other"   # "the truce expired in October"
    if trig.person_object:
        if not is_person(obj, doc, rules) or is_place(obj, doc, rules):
            return None
        if subj is not None and not is_state(subj, doc, rules) and token_class(subj, doc, rules) == "armed":
            type_, sub = "Violence against civilians", "Abduction/forced disappearance"
    if trig.group_subject:
        if head.pos_ == "NOUN" and head.tag_ == "NNS" and lemma(head) in rules.lex["trigger_people_nouns"]:
            return None     # "recruits" are people; "recruitment" is the activity
        if lemma(head) in rules.lex["movement_verbs"] and not _has_destination(head, rules):
            return None     # "before police moved in": no force goes anywhere new
        if head.pos_ == "VERB" and lemma(head) in ("launch", "fire") and obj is not None \
                and is_weapon(obj, rules):
            return None     # "launched a drone": a strike (projectile_launches), not a new activity
        if _unit_of_other(obj, doc, rules):
            obj = None      # "the ruling party formed a youth wing": a wing is no force by itself
        elif not (_armed_arg(subj, doc, rules) or _armed_arg(obj, doc, rules) or _group_word(head, doc, rules)):
            return None
        if lemma(head) in ("name", "form", "found", "launch", "announce", "train", "visit", "return",
                           "move", "send", "supply", "arm", "ship", "join", "travel", "arrive"):
            if not (_armed_arg(subj, doc, rules) or _armed_arg(obj, doc, rules)):
                return None
    if trig.family in ("kill", "die", "attack", "execution") and head.pos_ == "VERB":
        victim = obj
        if lemma(head) in ("die",):
            victim = subj
        if head.dep_ in ("xcomp", "oprd", "acomp"):
            # "were found beheaded", "found the men executed": the victim hangs off the governor
            victim = next((c for c in kids(head_of(head)) if c.dep_ in ("nsubjpass", "dobj")), victim)
        if victim is not None and lemma(victim) in rules.lex["body_nouns"]:
            victim = of_object(victim) or victim   # "the bodies of four aid workers were found beheaded"
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
        hit = near_words(head, mod.words, window=2) and _own_modifier(head, mod.words)
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


def _own_modifier(head, words) -> bool:
    """'shelling and air raids': the 'air' belongs to the raids, not to the shelling."""
    conj = {t.i for c in head.conjuncts for t in c.subtree}
    if not conj and not any(c.dep_ == "cc" and c.i > head.i for c in kids(head)):
        return True
    p = parse_of(head.doc)
    start, end = p.sent_start[head.i], p.sent_end[head.i]
    cc = next((c.i for c in kids(head) if c.dep_ == "cc" and c.i > head.i), end)
    # 'shelling and air strikes' parsed with 'shelling' as a modifier: what follows the
    # 'and' is the next item's
    near = [t for t in p.toks[max(start, head.i - 2):min(end, head.i + 3, cc)] if t.i not in conj]
    near += [c for c in kids(head) if c.i not in conj] + [head_of(head)]
    text = " ".join(t.lower_ for t in near)
    return any(lemma(t) in words or t.lower_ in words for t in near) or \
        any(" " in w and w in text for w in words)


def interception(head, subj, obj, rules: Rules) -> bool:
    """'Air defences shot down / destroyed 19 drones', 'two missiles were intercepted':
    the weapon never struck, so this is a disrupted weapons use, not a strike."""
    if head.pos_ != "VERB" or lemma(head) not in rules.lex["intercept_verbs"]:
        return False
    if subj is not None and any(in_lex(t, rules.lex["air_defence"])
                                or has_phrase([t, head_of(t)], rules.lex["air_defence"])
                                for t in subj.subtree):
        return True
    target = obj
    if target is not None and in_lex(target, rules.lex["quantity"] | frozenset({"one", "most", "all", "some"})) \
            or (target is not None and target.like_num):
        target = of_object(target) or target
    return target is not None and (in_lex(target, rules.lex["projectiles"]))


def _type_of(sub: str, default: str) -> str:
    return {"Armed clash": "Battles", "Attack": "Violence against civilians"}.get(sub, default)


def _weapon_used(head, rules: Rules) -> bool:
    """A weapon noun ('rockets') is an event only when something is done with it."""
    verbs = {"fire", "launch", "hit", "strike", "land", "kill", "wound", "injure", "shell", "pound",
             "rain", "target", "fall", "slam", "explode", "attack", "use", "destroy", "damage", "intercept"}
    t = head
    for _ in range(3):
        if lemma(t) in verbs:
            return True
        if head_of(t).i == t.i:
            break
        t = head_of(t)
    if lemma(head) in ("shelling", "bombardment", "barrage"):
        return True
    if _bomb_set_off(head, rules):
        return True
    return any(lemma(c) in ("attack", "strike", "fire", "barrage", "salvo") for c in kids(head))


def _bomb_set_off(head, rules: Rules) -> bool:
    """'regularly set off bombs', 'planted a bomb', 'a bomb was detonated' (not 'set a bomb aside')."""
    verb = head_of(head)
    return head.pos_ == "NOUN" and head.dep_ in ("dobj", "nsubjpass") and lemma(verb) in rules.lex["bomb_use_verbs"] and (
        lemma(verb) != "set" or any(c.lower_ == "off" for c in kids(verb)))


def _has_destination(head, rules: Rules) -> bool:
    """'moved troops', 'moved into the town', 'moved to Goma': somewhere to go or something moved."""
    if any(c.dep_ == "dobj" for c in kids(head)):
        return True
    return any(c.dep_ in ("prep", "prt", "advmod") and c.lower_ in rules.lex["destination_preps"]
               and any(g.dep_ == "pobj" for g in kids(c)) for c in kids(head))


def _armed_arg(tok, doc: Document, rules: Rules) -> bool:
    # "sent reinforcements", "peacekeepers": force nouns the actor lexicon leaves out
    return tok is not None and (token_class(tok, doc, rules) == "armed" or in_lex(tok, rules.lex["force_nouns"]))


def _unit_of_other(obj, doc: Document, rules: Rules) -> bool:
    """A unit noun ('wing', 'cell', 'branch') whose owner is not an armed side."""
    if obj is None or not in_lex(obj, rules.lex["unit"]) or mention_at(obj, doc) is not None:
        return False
    owners = [c for c in kids(obj) if c.dep_ in ("compound", "amod", "poss", "nmod")]
    owners += [g for c in kids(obj) if c.dep_ == "prep" and c.lower_ == "of" for g in kids(c)]
    return not any(_armed_arg(o, doc, rules) or lemma(o) == "armed" for o in owners)


def _group_word(head, doc: Document, rules: Rules) -> bool:
    # "pledged allegiance", "recruitment of fighters": the armed word hangs off the trigger
    return any(token_class(t, doc, rules) == "armed" for t in head.subtree if t.pos_ in ("NOUN", "PROPN"))


def _toll_number_near(head) -> bool:
    p = parse_of(head.doc)
    lo, hi = max(p.sent_start[head.i], head.i - 6), min(p.sent_end[head.i], head.i + 6)
    return any(p.like_num[i] or p.ent[i] == "CARDINAL" or p.lower[i] in ("dozens", "scores", "hundreds")
               for i in range(lo, hi))


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
    if (a.trigger.territory or b.trigger.territory) and _in_aside(a.head) != _in_aside(b.head):
        return False          # "took territory, and fighters worn down by airstrikes ...": two stories
    if _coordinated(a.head, b.head) and b.sub_type != "Looting/property destruction":
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
    if _fight_behind_takeover(a, b) or _fight_behind_takeover(b, a):
        return True
    if a.type not in VIOLENT_TYPES and b.type not in VIOLENT_TYPES:
        # "left X under a plan agreed with Y", "left X after Y was captured": two occurrences;
        # but "in control of X after the army withdrew" tells one handover
        if clause_verb(a.head).i == clause_verb(b.head).i:
            return True
        if _describes(a, b) or _describes(b, a):
            return True       # "camps ..., where fighters are trained": the camps' activity
        handover = {a.trigger.family, b.trigger.family} == {"control", "change"} and any(
            lemma(c.head) in ("withdraw", "retreat", "pull", "leave") for c in (a, b))
        return handover and linked_clauses(a.head, b.head)
    return linked_clauses(a.head, b.head)


def _fight_behind_takeover(t: Candidate, o: Candidate) -> bool:
    """'recaptured X after two weeks of fighting': ACLED codes the fight that won territory
    as the territorial change itself, one event."""
    if not t.trigger.territory or o.sub_type != "Armed clash":
        return False
    for anc in o.head.ancestors:
        if anc.i == t.head.i:
            return False
        if anc.dep_ == "prep" and anc.lower_ in TAKEOVER_PREPS and anc.head.i == t.head.i:
            return True
    return False


# prepositions linking a territorial change to the fight that brought it
TAKEOVER_PREPS = WORDS["takeover_preps"]


def _coordinated(x, y) -> bool:
    """'X and Y' as two items, also when the parser hangs 'shelling' on 'air strikes' as
    a modifier ('shelling and air strikes': a cc right after the first item)."""
    if x.i in {t.i for t in y.conjuncts}:
        return True
    first, second = (x, y) if x.i < y.i else (y, x)
    cc = next((c for c in kids(first) if c.dep_ == "cc" and c.i > first.i), None)
    return cc is not None and second.i - cc.i <= 3 and head_of(first).i == second.i


def _describes(x: Candidate, y: Candidate) -> bool:
    """x's clause is a relative clause on y's trigger noun phrase."""
    cv = clause_verb(x.head)
    if cv.dep_ not in ("acl", "relcl") or y.head.pos_ == "VERB":
        return False
    return cv.head.i in {t.i for t in y.head.subtree}


def _in_aside(tok) -> bool:
    """Inside a past-participle aside on a noun ('fighters, worn down by airstrikes')."""
    t = tok
    for _ in range(12):
        if t.dep_ == "acl" and t.tag_ == "VBN":
            return True
        if t.dep_ == "advcl" and t.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass", "mark") for c in kids(t)):
            return True       # "..., worn down by drone strikes, ...": a bare participle aside
        if head_of(t).i == t.i or t.pos_ == "VERB":
            return False      # reached the clause's own verb: not an aside
        t = head_of(t)
    return False


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
    if c.trigger.territory:
        loser = territory_loser(c.head)
        obj = loser if loser is not None else obj
    obj_class = token_class(obj, doc, rules) if obj is not None else None
    if obj_class == "armed" and c.trigger.territory and obj is not None and obj.i != c.head.i \
            and not in_lex(obj, rules.lex["installations"]):
        c.actor2 = actor_name(obj, doc, helpers, rules=rules)   # the side that lost the place
    elif obj_class == "armed" and not (c.trigger.territory or c.trigger.group_subject):
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


# ---------------------------------------------------------------- strategic developments
# Territory, agreements, changes to a group and bases: what makes these trigger words an
# occurrence (a realising verb, a place taken, an armed owner) rather than talk about one.

def _irrealis(head, trig: Trigger, rules: Rules) -> bool:
    """Hypothetical or planned; but 'under a plan agreed with X' is an agreement made."""
    if trig.family == "agreement" and head.pos_ == "VERB" and head.dep_ == "acl" \
            and in_lex(head_of(head), rules.lex["agreement_nouns"]):
        return is_irrealis(head_of(head), rules)
    return is_irrealis(head, rules)


def _without(head) -> bool:
    """'withdrew without a fight', 'took the town without firing a shot': no such event."""
    p = parse_of(head.doc)
    t = head.i
    for _ in range(3):
        if p.lower[t] == "without":
            return True
        if p.head[t] == t:
            break
        t = p.head[t]
    return False


def self_evident(doc: Document, trig: Trigger, head, span, *, rules: Rules) -> bool:
    """Trigger phrases that are conflict news by themselves, without an armed word nearby:
    a town captured or overrun, a ceasefire or peace deal signed, a parliament relocating,
    anything done by peacekeepers or reinforcements."""
    if trig.family == "execution" and lemma(head) in rules.lex["manner_killings"]:
        return True         # "found beheaded": the manner says violence by itself
    p = parse_of(head.doc)
    if trig.type == "Strategic developments" and any_in_lex(
            p, p.sent_start[head.i], p.sent_end[head.i], rules.lex["force_nouns"], {s.i for s in span}):
        return True
    if trig.territory:
        if lemma(head) not in rules.lex["territory_verbs"] or has_phrase(p.sent(head.i), rules.lex["election_words"]):
            return False
        return is_territory(territory_target(head, span), doc, rules)
    if trig.family == "ied" and _bomb_set_off(head, rules):
        return True         # "regularly set off bombs in the capital": the use is the violence
    if trig.family == "agreement":
        if _alliance_pact(head, doc, rules):
            return True
        return any(in_lex(t, rules.lex["agreement_intrinsic"]) for t in list(span) + list(kids(head)))
    if trig.family in rules.lex["needs_suffice"]:
        return bool(trig.needs) and near_words(head, trig.needs, window=4)
    return False


def territory_target(head, span):
    """The place changing hands: object of the verb, 'control of X', 'capture of X',
    or 'driven out of / withdrew from X'."""
    # "seized control of X", "in full control of X" (not "... but still control swathes")
    control = next((t for t in list(span) + [c for c in kids(head) if c.pos_ == "NOUN"]
                    if lemma(t) == "control"), None)
    if control is not None:
        return of_object(control)
    if head.pos_ != "VERB":
        return of_object(head)
    for ch in kids(head):
        if ch.dep_ == "dobj":
            return ch
    # "the militants were driven out of X": X; "the town was retaken by the army": the town
    return _from_place(head) or next((c for c in kids(head) if c.dep_ == "nsubjpass"), None)


def _from_place(tok):
    """'driven out of X', 'withdrew from X', 'pulled out of X': X."""
    for ch in kids(tok):
        if ch.dep_ in ("prep", "prt", "advmod") and ch.lower_ in ("from", "of", "out"):
            for g in kids(ch):
                if g.dep_ == "pobj":
                    return g
            inner = _from_place(ch)
            if inner is not None:
                return inner
    return None


def is_territory(tok, doc: Document, rules: Rules) -> bool:
    """A place, or an installation held by a force ('an army post', 'a battalion headquarters')."""
    if tok is None:
        return False
    return is_place(tok, doc, rules) or in_lex(tok, rules.lex["installations"])


def territory_sub_type(trig: Trigger, head, subj, target, doc: Document, *, rules: Rules):
    """Who gains decides the sub-type: the state regains, a non-state actor overtakes.
    A passive ('X were driven out of Y') names the loser as subject."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in kids(head))
    loser = next((c for c in kids(head) if c.dep_ == "nsubjpass"), None) if passive else None
    if trig.family == "overtake" and _neutral_takeover(head, rules):
        # gold README: territory taken with no fighting reported is a non-violent transfer
        return "Strategic developments", "Non-violent transfer of territory"
    if trig.family in ("overtake", "regain"):
        if loser is not None and not _has_agent(head):
            # "the militants were driven out": the state took it back, and the reverse
            if is_state(loser, doc, rules):
                return "Battles", "Non-state actor overtakes territory"
            return "Battles", "Government regains territory"
        if subj is not None and is_state(subj, doc, rules):
            return "Battles", "Government regains territory"
        if subj is not None and token_class(subj, doc, rules) == "armed":
            return "Battles", "Non-state actor overtakes territory"
        return None
    if trig.family == "control" and lemma(head) in rules.lex["withdraw_verbs"]:
        mission = subj is not None and in_lex(subj, rules.lex["force_nouns"])
        if _begins(head) or mission or _is_country(target, doc):
            # a force starting to leave, a mission leaving, or troops leaving a country:
            # the force's activity changes; no town changes hands
            return "Strategic developments", "Change to group/activity"
    return None


def _neutral_takeover(head, rules: Rules) -> bool:
    """'took over X', 'the takeover of X', 'gained control of X' with no fighting in the
    sentence; 'seized', 'captured', 'overran' say force by themselves."""
    if lemma(head) not in rules.lex["neutral_takeover"]:
        return False
    if lemma(head) == "take" and not any(lemma(c) in ("over", "control") for c in kids(head)):
        return False        # "took the town": usually after fighting told elsewhere
    p = parse_of(head.doc)
    return not any_in_lex(p, p.sent_start[head.i], p.sent_end[head.i], rules.lex["fighting_words"])


def territory_loser(head):
    """The side losing the place: 'X were driven out of Y', 'retook Y from X'."""
    if any(c.dep_ == "auxpass" for c in kids(head)) and not _has_agent(head):
        loser = next((c for c in kids(head) if c.dep_ == "nsubjpass"), None)
        if loser is not None:
            return loser
    for ch in kids(head):
        if ch.dep_ == "prep" and ch.lower_ == "from":
            objs = [g for g in kids(ch) if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _has_agent(tok) -> bool:
    return any(c.dep_ == "agent" for c in kids(tok))


def _begins(head) -> bool:
    """'began withdrawing', 'started to pull out': a process begun, not a handover done."""
    return head.dep_ == "xcomp" and lemma(head_of(head)) in ("begin", "start", "commence", "continue")


def _is_country(tok, doc: Document) -> bool:
    if tok is None:
        return False
    return any(p.start <= tok.idx < p.end and getattr(p, "precision", None) == "country" for p in doc.places)


def agreement_realised(head, rules: Rules) -> bool:
    """An agreement made, not talked about: 'signed a truce', 'agreed a ceasefire',
    'a truce took effect', 'under a plan agreed with'; not 'talks on a truce', not
    'violations of the truce', not 'the council agreed a budget'."""
    verbs = rules.lex["agreement_verbs"]
    if head.pos_ == "VERB":
        if lemma(head) not in verbs:
            return False
        if head.dep_ == "acl" and in_lex(head_of(head), rules.lex["agreement_nouns"]):
            return True
        # an agreement noun as subject is a reduced relative the parser missed: "a truce
        # agreed in Jeddah collapsed" (a truce does not agree, it is agreed)
        things = [c for c in kids(head) if c.dep_ in ("dobj", "nsubjpass", "nsubj")]
        things += [g for c in kids(head) if c.dep_ == "prep" and c.lower_ in ("to", "on", "upon")
                   for g in kids(c) if g.dep_ == "pobj"]
        return any(in_lex(t, rules.lex["agreement_nouns"]) for t in things)
    noun = head
    if noun.dep_ == "compound":
        noun = head_of(noun)            # "ceasefire agreement", "truce deal"
    if noun.dep_ == "conj":
        noun = head_of(noun)
    gov = head_of(noun)
    if noun.dep_ in ("dobj", "nsubjpass") and lemma(gov) in verbs:
        return True
    if noun.dep_ == "pobj" and head_of(gov) is not None and lemma(head_of(gov)) in verbs:
        return True                 # "agreed to a ceasefire", "signed on to the deal"
    if noun.dep_ == "nsubj" and (lemma(gov) in rules.lex["agreement_onset"]
                                 or lapsed_agreement(head, rules)):
        return True                 # "a truce took effect", "the ceasefire collapsed"
    return False


def lapsed_agreement(head, rules: Rules) -> bool:
    noun = head_of(head) if head.dep_ == "compound" else head
    return head.pos_ != "VERB" and noun.dep_ == "nsubj" and lemma(head_of(noun)) in rules.lex["agreement_lapse"]


def _creates_unit(head, span, doc: Document, rules: Rules) -> bool:
    """'set up a new wing', 'formed cells', 'an Islamic State branch was established':
    a unit created by an armed group (not a bank's branch nor a party's youth wing)."""
    gov = head_of(head)
    if lemma(gov) not in rules.lex["unit_verbs"] or head.dep_ not in ("dobj", "nsubjpass", "pobj"):
        return False
    owners = [c for c in kids(head) if c.dep_ in ("compound", "poss", "amod", "nmod")]
    owners += [g for c in kids(head) if c.dep_ == "prep" and c.lower_ in ("of", "for")
               for g in kids(c) if g.dep_ == "pobj"]
    owners += [c for c in kids(gov) if c.dep_ == "nsubj"]
    owners += [g for c in kids(gov) if c.dep_ == "agent" for g in kids(c) if g.dep_ == "pobj"]
    return any(o.i != head.i and _armed_arg(o, doc, rules) for o in owners)


def _resumes_campaign(head, span, doc: Document, rules: Rules) -> bool:
    """'resumed its armed campaign', 'relaunched the insurgency': the noun is what the verb does."""
    return head.dep_ in ("dobj", "nsubjpass") and lemma(head_of(head)) in rules.lex["campaign_verbs"]


def _conscription_ordered(head, span, doc: Document, rules: Rules) -> bool:
    """'activated a conscription law', 'conscription came into force', 'ordered a call-up'."""
    noun = head_of(head) if head.dep_ in ("compound", "amod") else head
    gov = head_of(noun)
    if noun.dep_ in ("dobj", "nsubjpass") and lemma(gov) in rules.lex["conscription_verbs"]:
        return True
    return noun.dep_ == "nsubj" and lemma(gov) in rules.lex["agreement_onset"]


def _conflict_spreads(head, span, doc: Document, rules: Rules) -> bool:
    """'the violence spread to Burkina Faso', 'the insurgency spilled over into Niger'."""
    subj = next((c for c in kids(head) if c.dep_ == "nsubj"), None)
    if head.dep_ == "relcl" and (subj is None or subj.tag_ in ("WDT", "WP")):
        subj = head_of(head)            # "the violence, which spread to X
    if subj is None or not in_lex(subj, rules.lex["spreading"]):
        return False
    return any(c.dep_ == "prep" and c.lower_ in ("to", "into") for c in kids(head)) or \
        any(c.lower_ in ("over", "into") for c in kids(head))


def _leader_moves(head, span, doc: Document, rules: Rules) -> bool:
    """'the group's top envoy left X', 'its emir fled to Y': a leader relocating."""
    subj = subject_of(head)
    if subj is None or not in_lex(subj, rules.lex["leaders"]):
        return False
    # a group's leader ("Al Qaeda's envoy", "the emir of the group"), not a party leader
    kin = [c for c in kids(subj) if c.dep_ in ("poss", "compound", "amod", "nmod")]
    kin += [g for c in kids(subj) if c.dep_ == "prep" and c.lower_ == "of" for g in kids(c)]
    if lemma(subj) != "emir" and not any(_armed_arg(k, doc, rules) for k in kin):
        return False
    obj = next((c for c in kids(head) if c.dep_ == "dobj"), None)
    to = [g for c in kids(head) if c.dep_ == "prep" and c.lower_ in ("to", "for", "from", "into")
          for g in kids(c) if g.dep_ == "pobj"]
    return any(is_place(t, doc, rules) for t in [obj] + to if t is not None)


def _base_held(head, span, doc: Document, rules: Rules) -> bool:
    """A camp, base or position held by an armed side: 'took up positions on the issue'
    and 'camps for displaced people' are not bases."""
    subj = subject_of(head)
    if subj is not None and subj.i not in {t.i for t in span} and _armed_arg(subj, doc, rules):
        return True
    owners = [c for c in kids(head) if c.dep_ in ("compound", "amod", "poss", "nmod") and c.i not in {t.i for t in span}]
    owners += [g for c in kids(head) if c.dep_ == "prep" and c.lower_ in ("of", "for", "belonging")
               for g in kids(c) if g.dep_ == "pobj"]
    if any(in_lex(o, rules.lex["displacement_words"]) for o in owners):
        return False
    return any(_armed_arg(o, doc, rules) for o in owners)


def _gov_relocates(head, span, doc: Document, rules: Rules) -> bool:
    """'the cabinet relocated to Aden', 'forcing the government to move': not 'moved to ban'."""
    if any(c.dep_ in ("xcomp", "dobj") for c in kids(head)):
        return False
    subj = subject_of(head)
    if subj is None and head.dep_ in ("xcomp", "ccomp"):   # "forcing the parliament to relocate"
        subj = next((c for c in kids(head_of(head)) if c.dep_ in ("dobj", "nsubj")), None)
    return subj is not None and in_lex(subj, rules.lex["institutions"])


def _talks_held(head, span, doc: Document, rules: Rules) -> bool:
    """Talks or negotiations held between sides: 'held talks in Doha'; 'talks on a truce
    resumed' or 'calls for talks' report no occurrence of their own."""
    return head.dep_ in ("dobj",) and lemma(head_of(head)) in ("hold", "convene", "conclude", "open")


def _force_withdraws(head, span, doc: Document, rules: Rules) -> bool:
    """'the militia withdrew from X', 'peacekeepers left X': a force leaves, not residents."""
    if lemma(head) not in rules.lex["withdraw_verbs"]:
        return True
    subj = subject_of(head)
    if subj is not None and head.dep_ == "relcl" and subj.tag_ in ("WDT", "WP"):
        subj = head_of(head)            # "Russian forces, who withdrew from the city"
    if subj is None or in_lex(subj, rules.lex["leaders"]) or subj.ent_type_ == "PERSON":
        return False        # one person leaving moves, no place changes hands (leader_move)
    if _armed_arg(subj, doc, rules):
        return True
    # a named mission or organisation leaving, told among armed words ("MONUSCO began withdrawing")
    m = mention_at(subj, doc)
    return m is not None and m.label == "ORG" and conflict_context(doc, parse_of(head.doc).sent(head.i), rules)


def war_breaks_out(head, span=None, doc=None, rules: Rules | None = None) -> bool:
    """'their rivalry exploded into open warfare', 'the country descended into civil war',
    'plunged the region into conflict'; not 'a war of words', not 'prices exploded'."""
    if head.pos_ != "VERB" or rules is None:
        return False
    for prep in kids(head):
        if prep.dep_ != "prep" or prep.lower_ != "into":
            continue
        for noun in kids(prep):
            if noun.dep_ != "pobj" or not (in_lex(noun, rules.lex["war_words"])
                                           or has_phrase(list(noun.subtree), rules.lex["war_words"])):
                continue
            # "a war of words", "a war of nerves": a figure of speech
            if not any(c.dep_ == "prep" and c.lower_ == "of" for c in kids(noun)):
                return True
    return False


def _invasion_made(head, span, doc: Document, rules: Rules) -> bool:
    """An invasion by a state: 'launched its full-scale invasion', 'Russia's invasion of
    Ukraine', 'invaded Ukraine'; not 'locusts invaded the farms' nor 'an invasion of privacy'."""
    if head.pos_ == "VERB":
        obj = next((c for c in kids(head) if c.dep_ == "dobj"), None)
        subj = subject_of(head)
        return obj is not None and _is_country(obj, doc) and subj is not None and \
            (is_state(subj, doc, rules) or token_class(subj, doc, rules) in ("armed", "place"))
    if head.dep_ in ("dobj", "nsubjpass", "nsubj") and lemma(head_of(head)) in rules.lex["invasion_verbs"]:
        return True
    by = [c for c in kids(head) if c.dep_ == "poss"]
    of = [g for c in kids(head) if c.dep_ == "prep" and c.lower_ == "of" for g in kids(c) if g.dep_ == "pobj"]
    return any(is_state(t, doc, rules) or is_place(t, doc, rules) for t in by) and \
        (not of or any(is_place(t, doc, rules) for t in of))


def _stones_thrown(head, span, doc: Document, rules: Rules) -> bool:
    """Stones thrown or hurled by a crowd (youths, protesters, residents), or at the police,
    an embassy or a vehicle: not boys skimming stones on a river."""
    verb = head if head.pos_ == "VERB" else head_of(head)
    subj = subject_of(verb)
    if subj is not None and (in_lex(subj, rules.lex["crowd_words"]) or in_lex(subj, rules.lex["protesters"])):
        return True
    p = parse_of(head.doc)
    start = p.sent_start[head.i]
    if any_in_lex(p, start, p.sent_end[head.i], rules.lex["protesters"]):
        return True
    # the sentence before
    return start > 0 and any_in_lex(p, p.sent_start[start - 1], start, rules.lex["protesters"])


def _alliance_pact(head, doc: Document, rules: Rules) -> bool:
    """'signed a treaty creating a confederation', 'a mutual defence pact' between states
    (not two airlines signing an agreement creating an alliance)."""
    if lemma(head) not in ("treaty", "pact", "accord", "agreement", "charter"):
        return False
    if not any(in_lex(t, rules.lex["alliance_words"]) for t in head.subtree if t.i != head.i):
        return False
    signer = subject_of(head_of(head)) if head.dep_ in ("dobj", "nsubjpass") else None
    signers = [signer] + list(signer.conjuncts) if signer is not None else []
    return any(is_state(t, doc, rules) or is_place(t, doc, rules) or token_class(t, doc, rules) == "armed"
               for t in signers)


STRATEGIC_CHECKS = {
    "war_outbreak": lambda head, span, doc, rules: war_breaks_out(head, rules=rules),
    "invasion": _invasion_made,
    "riot_acts": _stones_thrown,
    "control": _force_withdraws,
    "unit_formed": _creates_unit,
    "campaign": _resumes_campaign,
    "conscription": _conscription_ordered,
    "spread": _conflict_spreads,
    "leader_move": _leader_moves,
    "base": _base_held,
    "gov_relocation": _gov_relocates,
    "talks": _talks_held,
}
