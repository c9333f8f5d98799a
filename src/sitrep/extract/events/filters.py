"""What is not an event: negations, hypotheticals, threats, comparisons with history,
questions, descriptions of habits, evaluations, metaphors and sports talk."""
from __future__ import annotations

from ...model import Document
from .rules import ARMED_LABELS, Rules, Trigger
from .syntax import (
    _padded, any_in_lex, clause_verb_at, has_phrase, head_of, in_lex, in_lex_at, joined_range, kids,
    lemma, multiword, parse_of, per_call)
from .arguments import is_weapon


def is_irrealis(head, rules: Rules) -> bool:
    """Opinion, threat, plan, warning or hypothetical: not an event."""
    p = parse_of(head.doc)
    i = head.i
    dep, low, lem, children = p.dep, p.lower, p.lemma, p.kids
    aux, marks, heads = rules.lex["irrealis_aux"], rules.lex["irrealis_marks"], rules.lex["irrealis_heads"]
    for t in _chain(p, i):
        for ch in children[t]:
            if dep[ch] == "aux" and low[ch] in aux:
                return True
            if dep[ch] == "mark" and low[ch] in marks:
                return True
        if t != i and lem[t] in heads:
            return True
        if any(dep[ch] == "prep" and low[ch] == "in" and any(
                dep[g] == "pobj" and lem[g] in ("case", "event") for g in children[ch]) for ch in children[t]):
            return True      # "in case of an attack, troops would ...": a contingency
    if not_an_occurrence(head, rules):
        return True
    if any(dep[ch] in ("amod", "compound") and in_lex_at(p, ch, rules.lex["irrealis_modifiers"]) for ch in children[i]):
        return True          # "a possible offensive", "planned strikes"
    # "plans to attack", "ready to strike": infinitive under a noun/adjective of intent
    verb = clause_verb_at(p, i)
    if dep[verb] in ("xcomp", "acl") and lem[p.head[verb]] in heads:
        return True
    return False


def _chain(p, i: int) -> list[int]:
    """Token i and its ancestors in its sentence."""
    lo, hi = p.sent_start[i], p.sent_end[i]
    return [i] + [a for a in p.ancestors(i) if lo <= a < hi]


def not_an_occurrence(head, rules: Rules) -> bool:
    """A count of breaches ('committed 300 violations of the truce') or a state ('fighting
    has remained at a lower level') speaks of no one occurrence."""
    p = parse_of(head.doc)
    dep, up, lem = p.dep, p.head, p.lemma
    t = head.i
    for _ in range(3):
        if dep[t] == "pobj" and p.lower[up[t]] == "of" and lem[up[up[t]]] in rules.lex["breach_nouns"]:
            return True
        if up[t] == t:
            break
        t = up[t]
    if _under_breach_count(head, rules):
        return True
    verb = up[head.i]
    if dep[head.i] in ("nsubj", "nsubjpass") and lem[verb] in rules.lex["state_verbs"]:
        return any(p.tag[w] in ("JJR", "RBR") or lem[w] in rules.lex["level_words"]
                   for w in p.subtree(verb) if w > verb)
    return False


def is_negated(head) -> bool:
    p = parse_of(head.doc)
    dep, low = p.dep, p.lower
    for t in (head.i, clause_verb_at(p, head.i)):
        for ch in p.kids[t]:
            if dep[ch] == "neg" or (dep[ch] == "det" and low[ch] == "no"):
                return True
    return False


def in_comparison(head, rules: Rules) -> bool:
    """'the deadliest since the 2015 bombing', 'like the attack on ...': history, not news."""
    p = parse_of(head.doc)
    up = p.head
    t = head.i
    for _ in range(3):
        if p.dep[t] == "pobj" and p.lower[up[t]] in rules.lex["comparison_preps"]:
            return True
        if t != head.i and p.lemma[t] in rules.lex["comparison_verbs"]:
            return True      # "analysts compared the offensive to the 2015 siege"
        if up[t] == t:
            break
        t = up[t]
    return False


def armed_in_sentence(doc: Document, sent, rules: Rules) -> bool:
    # asked for every weak trigger of a sentence and of the two after it: once per sentence
    return per_call(sent.doc, ("armed", sent.start, sent.end), lambda: _armed_in_sentence(doc, sent, rules))


def _armed_in_sentence(doc: Document, sent, rules: Rules) -> bool:
    for m in doc.mentions:
        if m.label in ARMED_LABELS and sent.start_char <= m.start < sent.end_char:
            return True
    return any_in_lex(parse_of(sent.doc), sent.start, sent.end, rules.lex["armed"]) \
        or has_phrase(sent, rules.lex["armed"])


def conflict_context(doc: Document, sent, rules: Rules, *, skip: frozenset[int] = frozenset()) -> bool:
    """Armed actors, weapons or casualties in the sentence, besides the trigger itself."""
    if armed_in_sentence(doc, sent, rules):
        return True
    p = parse_of(sent.doc)
    if any_in_lex(p, sent.start, sent.end, rules.lex["conflict"], skip):
        return True
    if any(i not in skip for i in range(sent.start, sent.end)):
        lem, low = joined_range(p, sent.start, sent.end, skip)
        if any(w in lem or w in low for w in _padded(multiword(rules.lex["conflict"]))):
            return True
    return toll_after_conflict(doc, sent, rules)


def toll_after_conflict(doc: Document, sent, rules: Rules) -> bool:
    """'About 30 people were wounded.' right after a strike told in one of the two sentences
    before: the toll of that event (its context is the sentences before)."""
    # a verb or adjective of casualties ("were wounded", "dead"), not "bodies" seen by a witness,
    # and no war's running total
    p = parse_of(sent.doc)
    lem, pos = p.lemma, p.pos
    injure, kill = rules.lex["injure_words"], rules.lex["kill_words"]
    tolls = [p.toks[i] for i in range(sent.start, sent.end)
             if (lem[i] in injure or lem[i] in kill) and pos[i] in ("VERB", "ADJ")]
    if not tolls or any(cumulative_toll(t, rules) for t in tolls):
        return False
    start = sent.start
    for _ in range(2):
        if start == 0:
            return False
        prev = p.sent(start - 1)
        if armed_in_sentence(doc, prev, rules) or any_in_lex(p, prev.start, prev.end, rules.lex["conflict"]):
            return True
        start = prev.start
    return False


def is_sports(sent, rules: Rules) -> bool:
    return any_in_lex(parse_of(sent.doc), sent.start, sent.end, rules.lex["sports"])


def is_anaphoric(head, trig: Trigger) -> bool:
    """'the attacks', 'these killings' with no target of their own refer back to told events."""
    p = parse_of(head.doc)
    i = head.i
    if trig.strength == "strong" or p.pos[i] != "NOUN" or p.tag[i] not in ("NNS", "NNPS"):
        return False
    dets = {p.lower[c] for c in p.kids[i] if p.dep[c] in ("det", "poss")}
    own = any(p.dep[c] in ("prep", "compound", "amod", "nummod") for c in p.kids[i])
    # "the attacks", "their attacks": events told before, or a habit of the group
    return bool(dets & {"the", "these", "those", "such", "their", "its"}) and not own


def is_evaluation(head) -> bool:
    """'Monday's strikes were the deadliest raids this year': a judgement of a told event;
    '..., in the latest attack on the city': the clause's own event, characterised again."""
    p = parse_of(head.doc)
    i, dep, low = head.i, p.dep, p.lower
    if p.pos[i] == "NOUN" and dep[i] == "pobj" and low[p.head[i]] == "in" and any(
            dep[c] == "amod" and low[c] in ("latest", "newest", "most recent") for c in p.kids[i]):
        return True
    return dep[i] == "attr" and any(p.tag[c] == "JJS" or (dep[c] == "amod" and low[c].endswith("est"))
                                    for c in p.kids[i])


def figurative_explosion(head, trig: Trigger, rules: Rules) -> bool:
    """'Their rivalry exploded into open war': only a device, vehicle or shell explodes."""
    if trig.family != "ied" or head.pos_ != "VERB" or lemma(head) not in ("explode", "erupt", "blow"):
        return False
    subj = next((c for c in kids(head) if c.dep_ == "nsubj"), None)
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
    p = parse_of(head.doc)
    i = head.i
    if p.pos[i] != "VERB" or p.dep[i] not in ("relcl", "acl") or p.tag[i] not in ("VBZ", "VBP"):
        return False
    if any(p.lower[c] == "where" for c in p.kids[i]):
        # "the northwest, where armed gangs raid villages": a habit of violence in a place
        # is one event with wide dates (gold README), not a description of someone
        return False
    return not any(p.dep[c] in ("aux", "auxpass") for c in p.kids[i])


def is_question(head) -> bool:
    """'how many camps are operating' asks; it does not report."""
    p = parse_of(head.doc)
    low = p.lower
    return any(low[c] in ("many", "much") and any(low[g] == "how" for g in p.kids[c]) for c in p.kids[head.i])


def quoted_present(head) -> bool:
    """A simple-present verb in direct speech: an opinion or a complaint, not a report."""
    p = parse_of(head.doc)
    if p.pos[head.i] != "VERB" or p.tag[head.i] not in ("VBZ", "VBP"):
        return False
    if any(p.dep[c] in ("aux", "auxpass") for c in p.kids[head.i]):
        return False         # "they have killed", "we are being shelled": something happened
    before = p.text[p.sent(head.i).start_char:head.idx]
    straight = before.count('"')
    curly = before.count("\u201c") - before.count("\u201d")
    return straight % 2 == 1 or curly > 0


def cumulative_toll(tok, rules: Rules) -> bool:
    """'The insurgency has killed more than 40,000 people since 2009', 'more than 10,000
    civilians have been killed since the invasion began': a war's running total."""
    clause = tok
    while clause.dep_ in ("amod", "acomp", "oprd", "attr", "dobj", "pobj", "prep", "compound") \
            and head_of(clause).i != clause.i:
        clause = head_of(clause)
    for ch in kids(clause):
        if ch.dep_ in ("nsubj", "nsubjpass") and (in_lex(ch, rules.lex["running_total_subjects"])
                                                   or has_phrase([ch], rules.lex["running_total_subjects"])):
            return True
    for t in clause.subtree:
        # "since 2009", "since the war began", "since the start of the year", "to date"
        if t.lower_ == "since" and (head_of(t).i == clause.i or head_of(head_of(t)).i == clause.i):
            scope = list(t.subtree)[1:] if t.n_rights else [w for w in head_of(t).subtree if w.i != t.i]
            if any(_long_ago(w, rules) for w in scope):
                return True
        if t.lower_ == "date" and head_of(t).lower_ == "to" and head_of(head_of(t)).i == clause.i:
            return True
    return False


def _long_ago(tok, rules: Rules) -> bool:
    """A year, or an onset word: the span since it is a war's, not one day's."""
    return (tok.shape_ == "dddd" and tok.text[:2] in ("19", "20")) or lemma(tok) in rules.lex["onset_words"]


def _under_breach_count(head, rules: Rules) -> bool:
    """'committed 120 violations of the truce, using artillery and drones': the weapons
    are the means of a count of breaches, not one strike."""
    p = parse_of(head.doc)
    breach = rules.lex["breach_nouns"]
    for t in _chain(p, head.i)[:5]:
        if any(p.dep[c] == "dobj" and p.lemma[c] in breach for c in p.kids[t]):
            return True
    return False


def is_past_biography(head, rules: Rules) -> bool:
    """'including 300 who previously fought in Syria': a relative clause on people telling
    their past, with no target of its own, describes them; it codes no event."""
    p = parse_of(head.doc)
    verb = clause_verb_at(p, head.i)
    if p.dep[verb] not in ("relcl", "acl"):
        return False
    if not any(p.dep[c] == "advmod" and p.lower[c] in rules.lex["past_biography"] for c in p.kids[verb]):
        return False
    return not any(p.dep[c] in ("dobj", "nsubjpass") for c in p.kids[verb])


def is_trend(head, rules: Rules) -> bool:
    """'are beginning to strike back', 'is starting to shell': a trend told in the present
    progressive, not one occurrence ('began shelling the town on Monday' is one)."""
    p = parse_of(head.doc)
    verb = clause_verb_at(p, head.i)
    if p.dep[verb] != "xcomp":
        return False
    gov = p.head[verb]
    if p.lemma[gov] not in rules.lex["inchoative_verbs"] or p.tag[gov] != "VBG":
        return False
    return any(p.dep[c] == "aux" and p.lower[c] in ("is", "are", "'re", "'s", "am") for c in p.kids[gov])
