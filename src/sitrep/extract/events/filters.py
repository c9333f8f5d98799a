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
    if not_an_occurrence(head, rules):
        return True
    if any(ch.dep_ in ("amod", "compound") and in_lex(ch, rules.lex["irrealis_modifiers"]) for ch in head.children):
        return True          # "a possible offensive", "planned strikes"
    # "plans to attack", "ready to strike": infinitive under a noun/adjective of intent
    if verb.dep_ in ("xcomp", "acl") and lemma(verb.head) in rules.lex["irrealis_heads"]:
        return True
    return False


def not_an_occurrence(head, rules: Rules) -> bool:
    """A count of breaches ('committed 300 violations of the truce') or a state ('fighting
    has remained at a lower level') speaks of no one occurrence."""
    t = head
    for _ in range(3):
        if t.dep_ == "pobj" and t.head.lower_ == "of" and lemma(t.head.head) in rules.lex["breach_nouns"]:
            return True
        if t.head.i == t.i:
            break
        t = t.head
    if _under_breach_count(head, rules):
        return True
    if head.dep_ in ("nsubj", "nsubjpass") and lemma(head.head) in rules.lex["state_verbs"]:
        verb = head.head
        return any(w.tag_ in ("JJR", "RBR") or lemma(w) in rules.lex["level_words"]
                   for w in verb.subtree if w.i > verb.i)
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
        if t is not head and lemma(t) in rules.lex["comparison_verbs"]:
            return True      # "analysts compared the offensive to the 2015 siege"
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
    if bool(rest) and has_phrase(rest, frozenset(w for w in rules.lex["conflict"] if " " in w)):
        return True
    return toll_after_conflict(doc, sent, rules)


def toll_after_conflict(doc: Document, sent, rules: Rules) -> bool:
    """'About 30 people were wounded.' right after a strike told in one of the two sentences
    before: the toll of that event (its context is the sentences before)."""
    # a verb or adjective of casualties ("were wounded", "dead"), not "bodies" seen by a witness,
    # and no war's running total
    tolls = [t for t in sent if (lemma(t) in rules.lex["injure_words"] or lemma(t) in rules.lex["kill_words"])
             and t.pos_ in ("VERB", "ADJ")]
    if not tolls or any(cumulative_toll(t, rules) for t in tolls):
        return False
    start = sent.start
    for _ in range(2):
        if start == 0:
            return False
        prev = sent.doc[start - 1].sent
        if armed_in_sentence(doc, prev, rules) or any(in_lex(t, rules.lex["conflict"]) for t in prev):
            return True
        start = prev.start
    return False


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
    describes what someone is, not something that happened; so does a simple present
    inside a quotation ('"they kill us and nobody helps," said a student'): a complaint."""
    if quoted_present(head):
        return True
    if head.pos_ != "VERB" or head.dep_ not in ("relcl", "acl") or head.tag_ not in ("VBZ", "VBP"):
        return False
    if any(c.lower_ == "where" for c in head.children):
        # "the northwest, where armed gangs raid villages": a habit of violence in a place
        # is one event with wide dates (gold README), not a description of someone
        return False
    return not any(c.dep_ in ("aux", "auxpass") for c in head.children)


def is_question(head) -> bool:
    """'how many camps are operating' asks; it does not report."""
    return any(c.lower_ in ("many", "much") and any(g.lower_ == "how" for g in c.children)
               for c in head.children)


def quoted_present(head) -> bool:
    """A simple-present verb in direct speech: an opinion or a complaint, not a report."""
    if head.pos_ != "VERB" or head.tag_ not in ("VBZ", "VBP"):
        return False
    if any(c.dep_ in ("aux", "auxpass") for c in head.children):
        return False         # "they have killed", "we are being shelled": something happened
    before = head.doc.text[head.sent.start_char:head.idx]
    straight = before.count('"')
    curly = before.count("\u201c") - before.count("\u201d")
    return straight % 2 == 1 or curly > 0


def cumulative_toll(tok, rules: Rules) -> bool:
    """'The insurgency has killed more than 40,000 people since 2009', 'more than 10,000
    civilians have been killed since the invasion began': a war's running total."""
    clause = tok
    while clause.dep_ in ("amod", "acomp", "oprd", "attr", "dobj", "pobj", "prep", "compound") \
            and clause.head.i != clause.i:
        clause = clause.head
    for ch in clause.children:
        if ch.dep_ in ("nsubj", "nsubjpass") and (in_lex(ch, rules.lex["running_total_subjects"])
                                                   or has_phrase([ch], rules.lex["running_total_subjects"])):
            return True
    for t in clause.subtree:
        # "since 2009", "since the war began", "since the start of the year", "to date"
        if t.lower_ == "since" and (t.head.i == clause.i or t.head.head.i == clause.i):
            scope = list(t.subtree)[1:] if t.n_rights else [w for w in t.head.subtree if w.i != t.i]
            if any(_long_ago(w, rules) for w in scope):
                return True
        if t.lower_ == "date" and t.head.lower_ == "to" and t.head.head.i == clause.i:
            return True
    return False


def _long_ago(tok, rules: Rules) -> bool:
    """A year, or an onset word: the span since it is a war's, not one day's."""
    return (tok.shape_ == "dddd" and tok.text[:2] in ("19", "20")) or lemma(tok) in rules.lex["onset_words"]


def _under_breach_count(head, rules: Rules) -> bool:
    """'committed 120 violations of the truce, using artillery and drones': the weapons
    are the means of a count of breaches, not one strike."""
    for t in [head] + ancestors_in_sentence(head)[:4]:
        if any(c.dep_ == "dobj" and lemma(c) in rules.lex["breach_nouns"] for c in t.children):
            return True
    return False


def is_past_biography(head, rules: Rules) -> bool:
    """'including 300 who previously fought in Syria': a relative clause on people telling
    their past, with no target of its own, describes them; it codes no event."""
    verb = clause_verb(head)
    if verb.dep_ not in ("relcl", "acl"):
        return False
    if not any(c.dep_ == "advmod" and c.lower_ in rules.lex["past_biography"] for c in verb.children):
        return False
    return not any(c.dep_ in ("dobj", "nsubjpass") for c in verb.children)


def is_trend(head, rules: Rules) -> bool:
    """'are beginning to strike back', 'is starting to shell': a trend told in the present
    progressive, not one occurrence ('began shelling the town on Monday' is one)."""
    verb = clause_verb(head)
    gov = verb.head if verb.dep_ == "xcomp" else None
    if gov is None or lemma(gov) not in rules.lex["inchoative_verbs"] or gov.tag_ != "VBG":
        return False
    return any(c.dep_ == "aux" and c.lower_ in ("is", "are", "'re", "'s", "am") for c in gov.children)
