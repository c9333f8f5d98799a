"""Fatalities and injured: numbers next to casualty words, toll sentences that join the
event told before, the conservative choice among several tellings, and hedging."""
from __future__ import annotations

from dataclasses import dataclass
from ...model import Document
from .rules import Helpers, Rules, VIOLENT_TYPES
from .candidate import Candidate
from .syntax import clause_verb, linked_clauses, has_phrase, head_of, in_lex, kids, lemma, parse_of, per_call
from .filters import cumulative_toll, is_negated
from .arguments import is_person
from .rules import PLACE_NOUNS


def paragraph_hedged(doc: Document, sent, rules: Rules) -> bool:
    """'No group has claimed the attack' / 'could not be independently verified' later in the
    paragraph leaves the perpetrator or the occurrence unconfirmed; "neither side's reports
    could be verified" covers the reports of its whole section.  A party telling what its own
    forces did ("the ministry said its troops repelled ...") is a claim too."""
    # the same for every candidate of the sentence
    return per_call(sent.doc, ("paragraph_hedged", sent.start, sent.end),
                    lambda: _paragraph_hedged(doc, sent, rules))


def _paragraph_hedged(doc: Document, sent, rules: Rules) -> bool:
    text = doc.text
    start = text.rfind("\n\n", 0, sent.start_char)
    end = text.find("\n\n", sent.end_char)
    # the paragraph's cues and the section after it are the same for each of its sentences
    if per_call(sent.doc, ("paragraph_cue", start, end), lambda: _paragraph_cue(text, start, end, rules)):
        return True
    # a denial of verification speaks of what was just told: this sentence and the next
    after = text[sent.start_char:end if end >= 0 else len(text)]
    if verification_denied(". ".join(after.split(". ")[:2]), rules):
        return True
    if self_claim(sent, rules):
        return True
    return per_call(sent.doc, ("section_denied", end), lambda: any(
        verification_denied(p, rules, both_sides=True)
        for p in following_paragraphs(text, end if end >= 0 else len(text), limit=2)))


def _paragraph_cue(text: str, start: int, end: int, rules: Rules) -> bool:
    para = text[start + 1 if start >= 0 else 0:end if end >= 0 else len(text)].lower()
    return any(cue in para for cue in rules.lex["paragraph_hedges"])


def verification_denied(text: str, rules: Rules, *, both_sides: bool = False) -> bool:
    """'could not be independently verified', 'Neither side's reports could be verified'.

    With ``both_sides``, only a denial about both parties' reports ("neither side's
    reports", "claims by both sides") counts: it reaches back over the paragraphs before it."""
    low = text.lower()
    for sentence in low.replace("\n", " ").split(". "):
        if not any(p in sentence for p in rules.lex["verify_phrases"]):
            continue
        words = sentence.replace(",", " ").replace("'s", " ").split()
        if not any(w in rules.lex["verify_negators"] or w.endswith("n't") for w in words):
            continue
        if not both_sides or any(p in sentence for p in rules.lex["both_sides_words"]):
            return True
    return False


def following_paragraphs(text: str, pos: int, *, limit: int) -> list[str]:
    """Up to ``limit`` paragraphs after ``pos``, stopping at a subhead (a short line
    with no closing punctuation opens another section)."""
    out = []
    for para in _paragraphs_from(text, pos):
        para = para.strip()
        if not para:
            continue
        if len(para.split()) <= 6 and "\n" not in para and para[-1] not in ".!?\"\u201d":
            break
        out.append(para)
        if len(out) >= limit:
            break
    return out


def _paragraphs_from(text: str, pos: int):
    """``text[pos:].split("\\n\\n")`` one piece at a time: the caller wants the first few."""
    while True:
        end = text.find("\n\n", pos)
        if end < 0:
            yield text[pos:]
            return
        yield text[pos:end]
        pos = end + 2


def self_claim(sent, rules: Rules) -> bool:
    """'Ukraine's General Staff said its forces had repelled 23 assaults': a belligerent's
    word about its own forces' deeds, with the speech verb in the same sentence."""
    if not has_phrase(sent, rules.lex["own_forces"]):
        return False
    p = parse_of(sent.doc)
    verbs = rules.lex["claim_speech_verbs"]
    return any(p.lemma[i] in verbs and p.pos[i] == "VERB" for i in range(sent.start, sent.end))


def toll_rank(sent, rules: Rules) -> int:
    """How far a sentence's casualty figures stand from the overall toll ACLED wants.

    A perpetrator's claim (2) and one facility's or witness's count of bodies (1) give way
    to an overall figure (0) told of the same event.
    """
    return per_call(sent.doc, ("toll_rank", sent.start, sent.end), lambda: _toll_rank(sent, rules))


def _toll_rank(sent, rules: Rules) -> int:
    if has_phrase(sent, rules.lex["claim_cues"]):
        return 2
    if has_phrase(sent, rules.lex["partial_toll_cues"]):
        return 1
    return 0


def claims_told_event(sent, rules: Rules) -> bool:
    """'claimed responsibility for the bombing': the definite noun points at a told event."""
    p = parse_of(sent.doc)
    for i in range(sent.start, sent.end):
        if p.lemma[i] != "responsibility":
            continue
        tok = p.toks[i]
        if not any(lemma(a) in ("claim", "admit") for a in tok.ancestors):
            continue
        preps = [c for c in kids(tok) if c.dep_ == "prep" and c.lower_ == "for"]
        if not preps:
            return True          # "claimed responsibility in a statement": for what was told
        for prep in preps:
            for obj in (g for g in kids(prep) if g.dep_ == "pobj"):
                if any(d.lower_ in ("the", "this", "that", "monday", "tuesday", "wednesday", "thursday",
                                    "friday", "saturday", "sunday") or d.dep_ == "poss" for d in kids(obj)):
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
    """A hedging cue in the sentence, unless it only qualifies the victims or the detainees
    ('arrested three men suspected of ...', 'killed 20 alleged militants') or is the
    'claimed the lives of' of a toll."""
    # Span.text, without making the sentence's Tokens
    text = parse_of(c.sent.doc).text[c.sent.start_char:c.sent.end_char]
    masked = text
    for _ in range(6):
        cue = helpers.hedge_cue(masked)
        if not cue:
            return False
        at = masked.lower().find(cue.lower())
        if at < 0:
            return True
        if not _cue_off_event(c, c.sent.start_char + at):
            return True
        masked = masked[:at] + " " * len(cue) + masked[at + len(cue):]
    return False


def _cue_off_event(c: Candidate, char: int) -> bool:
    """Whether the hedging word at ``char`` qualifies someone other than the perpetrator,
    or adds a side claim, rather than the occurrence itself."""
    sent = c.sent
    toks = parse_of(sent.doc).toks[sent.start:sent.end]
    tok = next((t for t in toks if t.idx <= char < t.idx + len(t.text)), None)
    if tok is None or tok.i == c.head.i:
        return False
    if lemma(tok) == "claim" and any(lemma(ch) == "life" for ch in kids(tok) if ch.dep_ == "dobj"):
        return True         # "the blast claimed the lives of six people": a toll, not a claim
    verb = clause_verb(c.head)
    verbs = [verb] + ([head_of(verb)] if verb.dep_ == "conj" else [])   # "killed 12 and abducted 40"
    subjects = [ch for v in verbs for ch in kids(v) if ch.dep_ in ("nsubj", "nsubjpass", "agent")]
    in_subject = any(tok in s.subtree for s in subjects) or any(
        tok in ch.subtree for ch in c.head.children if ch.dep_ in ("poss", "compound", "amod") or (
            ch.dep_ == "prep" and ch.lower_ == "by"))
    if in_subject:
        return False        # "suspected jihadists killed", "an attack by alleged militants"
    # "arrested two men suspected of ...", "captured X, an alleged ringleader": the victims' label
    gov = head_of(tok)
    if tok.dep_ in ("amod", "acl", "appos") and gov.pos_ in ("NOUN", "PROPN") and gov.i != c.head.i:
        return True
    if any(tok in ch.subtree for ch in c.head.children if ch.dep_ in ("dobj", "pobj", "dative")):
        return True
    # "declared allegiance ..., claiming it had ten branches": a side claim in a participle
    return tok.tag_ == "VBG" and tok.dep_ in ("advcl", "xcomp") and gov.i == verb.i and lemma(tok) == "claim"


def casualties(doc: Document, sent, *, rules: Rules, helpers: Helpers,
               linked_to=None) -> tuple[int | None, int | None]:
    """Fatalities and injured stated in the sentence, from numbers next to casualty words.

    With ``linked_to``, only casualty words in that trigger's clause (or one depending
    on it) count: "killed 12 and abducted 40" kills no one in the abduction.  A cumulative
    toll ("the war has killed 40,000 since 2015") is background, not this event's count.
    """
    # the same for every candidate of the sentence (or every one of the clause's trigger)
    key = ("casualties", sent.start, sent.end, None if linked_to is None else linked_to.i)
    return per_call(sent.doc, key, lambda: _casualties(doc, sent, rules=rules, helpers=helpers,
                                                        linked_to=linked_to))


def _casualties(doc: Document, sent, *, rules: Rules, helpers: Helpers,
                linked_to=None) -> tuple[int | None, int | None]:
    numbers = None
    killed = injured = None
    p = parse_of(sent.doc)
    for i in range(sent.start, sent.end):
        if not _casualty_word(p, i, rules):
            continue
        tok = p.toks[i]
        kind = casualty_kind(tok, rules, doc=doc)
        if kind is None:
            continue
        if linked_to is not None and not (linked_clauses(tok, linked_to) or linked_to in tok.ancestors):
            continue
        if cumulative_toll(tok, rules):
            continue
        if numbers is None:
            numbers = sentence_numbers(doc, sent, helpers=helpers)
        value = 0 if _none_subject(tok) else None if is_negated(tok) else count_for(tok, numbers, rules)
        if value is None:
            continue
        if kind == "killed":
            killed = value if killed is None else max(killed, value)
        else:
            injured = value if injured is None else max(injured, value)
    return killed, injured


KILL_LEMMAS = frozenset({"kill", "die", "dead", "behead", "lynch", "execute", "slay", "massacre", "murder",
                         "slaughter", "fatality", "death", "toll", "life", "beheading", "execution", "killing",
                         "assassinate", "body", "corpse"})
INJURE_LEMMAS = frozenset({"wound", "injure", "hurt", "injury", "maim"})
CASUALTY_FORMS = frozenset({"dead", "killed", "bodies", "wounded", "injured"})


def _casualty_word(p, i: int, rules: Rules) -> bool:
    """Whether :func:`casualty_kind` can give token i a kind (a cheap test by its words)."""
    lem = p.lemma[i]
    return lem in KILL_LEMMAS or lem in INJURE_LEMMAS or p.lower[i] in CASUALTY_FORMS \
        or lem in rules.lex["kill_claim_verbs"]


def casualty_kind(tok, rules: Rules, *, doc: Document | None = None) -> str | None:
    lem = lemma(tok)
    if lem in rules.lex["kill_claim_verbs"] and tok.pos_ == "VERB":
        # "neutralised dozens of terrorists": a force's word for killing, said of people only
        obj = next((c for c in kids(tok) if c.dep_ in ("dobj", "nsubjpass")), None)
        return "killed" if obj is not None and doc is not None and is_person(obj, doc, rules) else None
    if lem in KILL_LEMMAS or tok.lower_ in ("dead", "killed", "bodies"):
        if lem == "life" and not any(lemma(a) in ("claim", "lose", "take") for a in [head_of(tok)]):
            return None
        if lem == "death" and not any(c.lower_ == "toll" for c in kids(head_of(tok))) and head_of(tok).lower_ != "toll":
            if not any(c.lower_ == "toll" for c in kids(tok)):
                return None
        return "killed"
    if lem in INJURE_LEMMAS or tok.lower_ in ("wounded", "injured"):
        return "injured"
    return None


def _none_subject(tok) -> bool:
    """'no one was hurt', 'nobody was killed', 'there were no casualties'."""
    for ch in kids(tok):
        if ch.dep_ in ("nsubj", "nsubjpass") and (ch.lower_ in ("nobody", "none") or (
                ch.lower_ == "one" and any(g.lower_ == "no" for g in kids(ch)))):
            return True
    return tok.lower_ in ("casualties", "deaths", "injuries") and any(
        c.dep_ == "det" and c.lower_ == "no" for c in kids(tok))


@dataclass
class Num:
    start: int
    end: int
    low: float | None
    high: float | None


def sentence_numbers(doc: Document, sent, *, helpers: Helpers) -> list[Num]:
    return per_call(sent.doc, ("numbers", sent.start_char, sent.end_char),
                    lambda: _sentence_numbers(doc, sent, helpers=helpers))


def _sentence_numbers(doc: Document, sent, *, helpers: Helpers) -> list[Num]:
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
    victims_ = []
    for h in heads:
        for ch in h.children:
            if ch.dep_ in ("dobj", "nsubjpass", "nsubj", "pobj", "attr", "nummod", "npadvmod", "prep", "oprd", "dative"):
                cands.extend(_numbers_in_phrase(ch))
                if ch.dep_ in ("dobj", "nsubjpass") and h is tok:
                    victims_.append(ch)
    if lemma(tok) in ("toll", "death", "life"):
        for ch in tok.subtree:
            if ch.like_num:
                cands.append(ch)
    # "14 wounded", "12 dead", "six fighters ... killed": number just before
    p = parse_of(tok.doc)
    for t in p.toks[max(p.sent_start[tok.i], tok.i - 3):tok.i]:
        if t.like_num and t.dep_ in ("nsubj", "nsubjpass", "nummod", "dobj", "npadvmod", "conj", "appos"):
            cands.append(t)
    summed = conjunct_counts(victims_, numbers)
    if summed is not None:
        return summed
    for t in cands:
        v = _value_at(t, numbers)
        if v is not None:
            return v
    if _named_victim(tok):
        return 1
    singles = [single_victims(v, rules) for v in victims_]
    if singles and all(n is not None for n in singles):
        return sum(singles)
    return None


def _value_at(tok, numbers: list[Num]) -> int | None:
    for n in numbers:
        if n.start <= tok.idx < n.end:
            v = n.low if n.low is not None else n.high
            if v is not None and v < 1e6:
                return int(v)
    return None


def conjunct_counts(victims_: list, numbers: list[Num]) -> int | None:
    """'killed seven soldiers and four fighters': two counted groups of one verb add up
    ('five civilians including two children' is one group: no conjunct)."""
    for v in victims_:
        groups = [v] + list(v.conjuncts)
        if len(groups) < 2:
            continue
        values = []
        for g in groups:
            vals = [x for x in (_value_at(t, numbers) for t in _numbers_in_phrase(g)) if x is not None]
            values.append(vals[0] if vals else None)
        if all(x is not None for x in values):
            return sum(values)
    return None


def single_victims(tok, rules: Rules) -> int | None:
    """'a child was killed', 'killing a woman and her son', 'killed a senior commander':
    singular people counted one each; None when any of them is no countable person."""
    total = 0
    for t in [tok] + list(tok.conjuncts):
        if t.tag_ != "NN" or lemma(t) in rules.lex["quantity"] or not (
                in_lex(t, rules.lex["civilian"]) or in_lex(t, rules.lex["armed"]) or lemma(t) in rules.lex["person_nouns"]):
            return None
        if lemma(t) in PLACE_NOUNS or in_lex(t, rules.lex["formation"]) or lemma(t) in ("army", "military", "police", "force", "group"):
            return None      # "killed the army" is no count of one
        if not any(c.dep_ in ("det", "poss") for c in kids(t)):
            return None      # "civilian" as a mass or an adjective: no count
        total += 1
    return total or None


def _named_victim(tok) -> bool:
    """'a drone strike that killed Ahmed Diriye': a named person killed counts one."""
    if lemma(tok) not in ("kill", "behead", "execute", "assassinate", "murder", "slay", "shoot"):
        return False
    return any(ch.dep_ in ("dobj", "nsubjpass") and ch.ent_type_ == "PERSON" and not any(
        g.like_num for g in kids(ch)) for ch in kids(tok))


def _numbers_in_phrase(tok) -> list:
    """Number tokens of a noun phrase: itself, its nummod, or 'X of them'."""
    if tok.like_num:
        return [tok]
    # the head itself may be a vague number ("dozens of terrorists"): matched by offset later
    out = [tok] + [c for c in kids(tok) if c.dep_ == "nummod" or (c.like_num and c.dep_ in ("amod", "quantmod"))]
    if tok.dep_ == "prep":
        for g in kids(tok):
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
        if follow_up and not (toll_only or claim) and _other_year(cur[0].sent, host.sent):
            continue    # "It briefly occupied Goma in 2012.": the same actor, an earlier occurrence
        for c in cur:
            host.tolls.extend(c.tolls)
            # the perpetrator is known only from the claim when the narrator did not name one
            host.hedged = host.hedged or (claim and c.hedged and (host.actor1 is None or host.generic_crowd))
            if all((s.start, s.end) != (c.spans[0].start, c.spans[0].end) for s in host.spans):
                host.spans.append(c.spans[0])
            c.absorbed = True
        host.fatalities, host.injured = resolve_tolls(host.tolls)


def _other_year(sent, host_sent) -> bool:
    """The sentence dates itself by a year its host sentence does not name."""
    def years(span):
        return {t.text for t in span if t.shape_ == "dddd" and t.text[:2] in ("19", "20")
                and t.ent_type_ == "DATE"}
    mine = years(sent)
    return bool(mine) and not (mine & years(host_sent))
