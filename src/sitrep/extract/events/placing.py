"""Where and when: the event's place (its own clause first), one event per place of a
coordinated list, and the date window from the text or the publication."""
from __future__ import annotations

from dataclasses import replace
from ...model import DateWindow, Document, Event, Location, Span
from .rules import Helpers, LOCATIVE_PREPS
from .candidate import Candidate
from .syntax import clause_verb, place_location, sentence_places
from .arguments import object_of, side_label


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


def _locative(tok) -> bool:
    """The place list says where it happened ('in A and B'), not where from or to."""
    # "over the Odesa, Mykolaiv and Kherson regions": the list names the pobj noun
    for _ in range(6):
        if tok.dep_ not in ("conj", "nmod", "compound", "appos") or tok.head.i == tok.i:
            break
        tok = tok.head
    return tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS
