"""What is not an event: negations, hypotheticals, threats, comparisons with history,
questions, descriptions of habits, evaluations, metaphors and sports talk."""
from __future__ import annotations

from ...model import Document
from .rules import ARMED_LABELS, Rules, Trigger
from .syntax import ancestors_in_sentence, clause_verb, has_phrase, in_lex, lemma
from .arguments import is_weapon


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
    return not (is_weapon(subj, rules) or in_lex(subj, rules.lex["explodes"])
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
