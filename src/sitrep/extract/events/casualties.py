"""Fatalities and injured: numbers next to casualty words, toll sentences that join the
event told before, the conservative choice among several tellings, and hedging."""
from __future__ import annotations

from dataclasses import dataclass
from ...model import Document
from .rules import Helpers, Rules, VIOLENT_TYPES
from .candidate import Candidate
from .syntax import linked_clauses, has_phrase, lemma
from .filters import is_negated


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
        if linked_to is not None and not (linked_clauses(tok, linked_to) or linked_to in tok.ancestors):
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
