"""Where and when: the event's place (its own clause first), one event per place of a
coordinated list, and the date window from the text or the publication."""
from __future__ import annotations

from collections import Counter
import re
from dataclasses import replace
from ...model import DateWindow, Document, Event, Location, Span
from .rules import Helpers, LOCATIVE_PREPS, PLACE_NOUNS, WORDS
from .candidate import Candidate
from .syntax import (
    _in_actor_name, char_span, clause_verb_at, head_of, kids, parse_of, per_call, place_location,
    sentence_places)
from .arguments import object_of, side_label


def to_events(doc: Document, c: Candidate, *, helpers: Helpers) -> list[Event]:
    main = c.spans[0]
    trig_start = min(t.idx for t in c.tokens)
    loc = location(doc, c, helpers=helpers)
    date = window(doc, trig_start, main, helpers=helpers)
    # the events of one sentence share their evidence span, so its source
    attributed = per_call(c.head.doc, ("attribution", main.start, main.end),
                          lambda: helpers.attribution_for(doc, main.start, main.end))
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
    skip = not_scenes(doc, c)
    own = [p for p in sentence_places(doc, c.sent) if p.start not in skip]
    if not any(p.precision in ("city", "near") for p in own):
        # "shelled the city", "in the north of the country": a place told before; a region the
        # sentence names ("... in Taiz governorate") does not say which town "the city" is,
        # so then only a town word is read
        regional = any(p.precision == "region" for p in own)
        loc = implied_scene(doc, c, towns_only=regional, gazetteer=helpers.gazetteer)
        if loc is not None:
            return loc
    if not own:
        # no place named in the sentence: "attacked an Egyptian border post" still says
        # which country, better than a town of an earlier sentence
        loc = demonym_location(c, gazetteer=helpers.gazetteer)
        if loc is not None:
            return loc
        branch = branch_town(doc, c, gazetteer=helpers.gazetteer)
        if branch is not None:
            return branch
        if follows_up(c):
            # "the gunmen later set fire to ...": the scene of the incident just told
            focus = focus_place(doc)
            prev = earlier_scene(doc, c.sent.start_char, iso=focus.iso if focus else None, within=FOLLOW_UP_CHARS)
            if prev is not None:
                return place_location(prev)
    # the trigger's own clause first: a sentence may tell of several places and events
    for start, end in (clause_span(c.head), (c.spans[0].start, c.spans[0].end)):
        loc = helpers.location_for(doc, start, end, skip=skip)
        if loc is not None and (loc.name or loc.country):
            return destination_town(doc, c, loc, skip=skip)
    if own:
        head = c.head.idx
        return place_location(min(own, key=lambda p: abs(p.start - head) + (0 if p.start > head else 5)))
    # every place of the story is someone's origin or a yardstick: the story's country still holds
    focus = focus_place(doc)
    return country_location(focus) if focus is not None else Location()


def branch_town(doc: Document, c: Candidate, *, gazetteer) -> Location | None:
    """'The Kandahar wing carried out the bombings': a local branch acts in its own town,
    the best scene when the sentence names no other place."""
    if gazetteer is None:
        return None
    lo, hi = c.sent.start_char, c.sent.end_char
    focus = focus_place(doc)
    for m in doc.mentions:
        if m.label != "ARMED_GROUP" or not (lo <= m.start < hi):
            continue
        words = m.text.split()
        at = next((i for i, w in enumerate(words) if w.lower() in BRANCH_WORDS), None)
        if not at:
            continue          # no branch noun, or nothing names the branch before it
        loc = gazetteer.resolve(" ".join(words[:at]).removeprefix("the ").removeprefix("The "),
                                focus=focus.iso if focus is not None else None)
        if loc is not None and loc.precision == "city" and (focus is None or loc.iso == focus.iso):
            return loc
    return None


# the nouns of a group's local unit (as in actors.json's branch rules)
BRANCH_WORDS = WORDS["branch_words"]


# verbs whose subject is where things happen, not who acts ("Idlib saw heavy fighting")
SCENE_SUBJECT_VERBS = WORDS["scene_subject_verbs"]
# movement: "to X" after them is a destination, "from X" an origin
MOTION_WORDS = WORDS["motion_words"]
TITLE_WORDS = WORDS["title_words"]
# water bodies: not the scene when the story names a town for it
WATER_WORDS = WORDS["water_words"]


def not_scenes(doc: Document, c: Candidate) -> frozenset[int]:
    """Start offsets of the sentence's places that are not where the event happened.

    A place may be the actor ("Moscow and Damascus shelled ..."), a past elsewhere told
    of the actor ("militants who fought in Iraq"), an origin ("from Syria"), a modifier
    ("US-made", "US air power") or a title ("the governor of Borno").
    """
    # asked for the event's place and again for its split into places
    return per_call(c.head.doc, ("not_scenes", c.sent.start, c.sent.end, c.head.i),
                    lambda: _not_scenes(doc, c))


def _not_scenes(doc: Document, c: Candidate) -> frozenset[int]:
    sdoc = c.head.doc
    out = set()
    places = sentence_places(doc, c.sent)
    for p in places:
        span = char_span(sdoc, p.start, p.end)
        if span is None or not len(span):
            continue
        if place_role(span.root, c.head, precision=p.precision) != "scene" or _unknown_modifier(span, p):
            out.add(p.start)
    # a place inside a bracketed aside describes another one ("A (near the capital B)")
    outside = [p for p in places if p.start not in out and not in_aside(doc.text, p.start, lo=c.sent.start_char)]
    if outside:
        out |= {p.start for p in places if in_aside(doc.text, p.start, lo=c.sent.start_char)}
    # a river or lake is no scene when a town of the sentence is
    towns = [p for p in places if p.start not in out and p.precision in ("city", "near")]
    if towns:
        out |= {p.start for p in places if WATER_WORDS & set((p.name or p.text).lower().split())}
    return frozenset(out)


def place_role(tok, head, *, precision: str | None = None) -> str:
    """'scene', or what the place is instead: actor, elsewhere, origin, modifier, title."""
    p = parse_of(tok.doc)
    dep, up, low = p.dep, p.head, p.lower
    h = head.i
    top = tok.i
    for _ in range(6):        # "Damascus and Moscow": the list's first item carries the role
        if dep[top] != "conj" or up[top] == top:
            break
        top = up[top]
    trigger_clause = p.subtree(clause_verb_at(p, h))
    for anc in [top, *p.ancestors(top)]:
        if anc == h:
            break
        if _comparison(p, anc):
            return "elsewhere"    # "far fewer than in Syria and Iraq": a yardstick, not a scene
        # a relative or participial clause on the actor tells of another time or place
        if dep[anc] in ("relcl", "acl") and h not in p.subtree(anc) \
                and (dep[up[anc]] in ("nsubj", "nsubjpass") or up[anc] not in trigger_clause):
            return "elsewhere"
        # "..., worn down by air strikes in A and B, ...": a passive participle aside gives
        # a cause told of another place, whatever the parser hangs it on
        if dep[anc] in ("advcl", "acl") and p.tag[anc] == "VBN" and h not in p.subtree(anc) \
                and any(dep[ch] == "agent" for ch in p.kids[anc]):
            return "elsewhere"
    verb = up[top]
    if dep[top] == "nsubj" and p.lemma[verb] not in SCENE_SUBJECT_VERBS and h != top:
        return "actor"
    if dep[top] == "pobj":
        prep = up[top]
        word = low[prep]
        if dep[prep] == "agent":
            return "actor"
        if word == "from" and precision != "near":
            return "origin"      # "20 km from Menaka" is the town's vicinity (precision near)
        if word == "of" and low[up[prep]] in TITLE_WORDS:
            return "title"
    if dep[top] in ("compound", "nmod", "amod") and low[up[top]] not in PLACE_NOUNS \
            and (precision in ("country", None) or _adjective_form(p.toks[top])):
        return "modifier"     # "US air power", "allied Darfuri groups"
    if dep[top] == "pobj" and dep[up[up[top]]] == "prep" and low[up[up[top]]] == "from":
        return "origin"       # "fired from across the river"
    return "scene"


# words that open a comparison: the place after them is a yardstick ("as in Mali", "unlike Iraq")
COMPARISON_WORDS = WORDS["comparison_words"]


def _unknown_modifier(span, p) -> bool:
    """An unresolved name used before a noun ("allied Darfuri armed groups"): whose, not where."""
    if p.precision is not None or span.end >= len(span.doc):
        return False
    doc, nxt = span.doc, span.doc[span.end]
    after = doc[span.end + 1] if span.end + 1 < len(doc) else None
    # "armed groups", "militias": a noun phrase goes on; "killed five" is the clause's verb
    attributive = nxt.pos_ in ("NOUN", "ADJ") or (nxt.tag_ == "VBN" and after is not None and after.pos_ == "NOUN")
    return nxt.text[:1].islower() and attributive and nxt.lower_ not in PLACE_NOUNS


def _comparison(p, i: int) -> bool:
    word, dep = p.lower[i], p.dep[i]
    if word in COMPARISON_WORDS and dep in ("prep", "mark", "cc", "advmod"):
        return True
    if word == "as" and dep in ("prep", "mark", "advmod") \
            and any(p.dep[ch] in ("prep", "pobj") for ch in p.kids[i]):
        return True       # "as in these two countries"; not "as the town fell"
    if word in ("compared", "similar", "comparable") and any(p.lower[ch] in ("to", "with") for ch in p.kids[i]):
        return True
    return False


def _adjective_form(tok) -> bool:
    """"Darfuri", "Sahelian": a place word written as an adjective, not the place's name."""
    return tok.ent_type_ == "NORP" or (tok.pos_ == "ADJ" and tok.dep_ == "amod")


def in_aside(text: str, pos: int, *, lo: int = 0) -> bool:
    """``pos`` sits inside an open bracket: "(where the group ...)", "(near the capital ...)"."""
    depth = 0
    for ch in reversed(text[lo:pos]):
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return True
            depth -= 1
    return False


def destination_town(doc: Document, c: Candidate, loc: Location, *, skip) -> Location:
    """"the return to Libya of 300 fighters": a country reached is told at country level; the
    paragraph's one town in that country says where they went."""
    if loc.precision != "country" or loc.iso is None:
        return loc
    sdoc = c.head.doc
    for p in sentence_places(doc, c.sent):
        span = char_span(sdoc, p.start, p.end)
        if span is None or p.iso != loc.iso or span.root.dep_ != "pobj":
            continue
        prep = span.root.head
        if prep.lower_ in ("to", "into") and head_of(prep).lemma_.lower() in MOTION_WORDS:
            town = paragraph_town(doc, c, iso=loc.iso, skip=skip)
            return town or loc
    return loc


def paragraph_town(doc: Document, c: Candidate, *, iso: str, skip) -> Location | None:
    text = doc.text
    p0 = text.rfind("\n\n", 0, c.sent.start_char)
    p1 = text.find("\n\n", c.sent.end_char)
    lo, hi = (0 if p0 < 0 else p0), (len(text) if p1 < 0 else p1)
    towns = {p.gazetteer_id or p.name: p for p in doc.places
             if lo <= p.start < hi and p.start not in skip and p.iso == iso and p.precision in ("city", "near")}
    return place_location(next(iter(towns.values()))) if len(towns) == 1 else None


# "the city", "the capital": a town told before; "the region", "the area": a region told before
TOWN_ANAPHORS = WORDS["town_anaphors"]
REGION_ANAPHORS = WORDS["region_anaphors"]
# "cordoned off the area", "at the scene": where the event just told happened, town or region
AREA_ANAPHORS = WORDS["area_anaphors"]
DIRECTIONS = WORDS["directions"]


def implied_scene(doc: Document, c: Candidate, *, towns_only: bool = False, gazetteer=None) -> Location | None:
    """A place the sentence names only by a definite noun ("shelled the city", "in the north
    of the country"), resolved against the places told before and the focus country."""
    focus = focus_place(doc)
    own = clause_tokens(c)
    # "cordoned off the area and arrested ...": the area of a coordinated verb is ours too;
    # "encircled the city ... and its fighters have been battling": so is the town
    own_ids = {t.i for t in own}
    extra = [t for t in _sentence_tokens(c) if t.i not in own_ids and (t.lower_ in AREA_ANAPHORS or (
        t.lower_ in TOWN_ANAPHORS and t.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj")))]
    for tok in own + extra:
        word = tok.lower_
        if towns_only and word not in TOWN_ANAPHORS:
            continue
        if not _definite(tok) or any(ch.dep_ == "prep" and ch.lower_ == "of" and not _of_country(ch)
                                     for ch in kids(tok)):
            continue
        if word == "capital" and gazetteer is not None and focus is not None \
                and not any(ch.dep_ in ("amod", "compound") for ch in kids(tok)):
            # "the capital" (not "the provincial capital"): the focus country's capital city
            cap = gazetteer.capital(focus.iso)
            if cap is not None:
                return cap
        if word in TOWN_ANAPHORS:
            prev = earlier_place(doc, c.sent.start_char, ("city", "near"), iso=focus.iso if focus else None)
            if prev is not None:
                return town_of(prev, word)
        elif word in AREA_ANAPHORS:
            prev = earlier_scene(doc, c.sent.start_char, iso=focus.iso if focus else None)
            if prev is not None:
                return place_location(prev)
            if focus is not None:
                return country_location(focus)
        elif word in REGION_ANAPHORS:
            prev = earlier_place(doc, c.sent.start_char, ("region",), iso=focus.iso if focus else None)
            if prev is not None:
                return place_location(prev)
            if focus is not None:
                return country_location(focus)
        elif word == "country" and focus is not None:
            return country_location(focus)
        elif word in DIRECTIONS and focus is not None and tok.dep_ == "pobj" \
                and head_of(tok).lower_ in LOCATIVE_PREPS | {"for", "across"}:
            name = f"{DIRECTIONS[word]} {focus.country}"      # "northwest Syria", "central Mali"
            return Location(name=name, country=focus.country, iso=focus.iso, precision="region")
    return None


def town_of(p, word: str) -> Location:
    """"the city" after "the X neighbourhood of Y city" is Y: a quarter placed at its town's
    point (see the places stage) is named "X neighbourhood, Y"."""
    loc = place_location(p)
    if word != "village" and (p.gazetteer_id or "").startswith("local:") and ", " in (p.name or ""):
        return replace(loc, name=p.name.split(", ", 1)[1], gazetteer_id=None)
    return loc


def clause_tokens(c: Candidate) -> list:
    start, end = clause_span(c.head)
    toks = _sentence_tokens(c)
    return [t for t in toks if start <= t.idx < end] or toks


def _sentence_tokens(c: Candidate) -> list:
    return parse_of(c.sent.doc).toks[c.sent.start:c.sent.end]


def _definite(tok) -> bool:
    return any(ch.dep_ in ("det", "poss") and ch.lower_ in ("the", "its", "their", "this", "that")
               for ch in kids(tok))


def _of_country(prep) -> bool:
    """"the north of the country": still the focus country."""
    return any(g.dep_ == "pobj" and g.lower_ == "country" for g in kids(prep))


def focus_place(doc: Document):
    """The document's most named country (a Place of it), ignoring places inside group names."""
    if doc.spacy is not None:     # asked for by most events of the document
        return per_call(doc.spacy, ("focus_place",), lambda: _focus_place(doc))
    return _focus_place(doc)


def _focus_place(doc: Document):
    votes = Counter(p.iso for p in doc.places if p.iso and not _in_actor_name(doc, p))
    if not votes:
        return None
    iso = votes.most_common(1)[0][0]
    return next(p for p in doc.places if p.iso == iso)


def country_location(p) -> Location:
    return Location(name=p.country, country=p.country, iso=p.iso, precision="country")


def earlier_place(doc: Document, before: int, precisions: tuple[str, ...], *, iso: str | None,
                  within: int | None = None):
    """The last place of one of these precisions told before ``before`` (in the focus country)."""
    found = [p for p in doc.places if p.end <= before and p.precision in precisions
             and (iso is None or p.iso == iso) and not _in_actor_name(doc, p) and p.text[:1].isupper()
             and (within is None or before - p.start <= within)]
    return found[-1] if found else None


# how far back a follow-up sentence may look for its incident's place (about three paragraphs)
FOLLOW_UP_CHARS = 900
# words that tie a sentence to the incident told just before it
FOLLOW_UP_ADVERBS = WORDS["follow_up_adverbs"]
# nouns of the incident itself, not of the group behind it ("the militants" may be anywhere)
FOLLOW_UP_NOUNS = WORDS["follow_up_nouns"]


def follows_up(c: Candidate) -> bool:
    """The clause refers back to an incident just told ("later", "the attackers", "detonated it")."""
    for tok in _sentence_tokens(c):   # the sentence names no place, so any of its clauses may tie it back
        if tok.lower_ in FOLLOW_UP_ADVERBS and tok.dep_ == "advmod":
            return True
        if tok.lower_ in FOLLOW_UP_NOUNS and _definite(tok):
            return True
        if tok.lower_ in ("it", "them") and tok.dep_ == "dobj" and head_of(tok).pos_ == "VERB":
            return True
    return False


def earlier_scene(doc: Document, before: int, *, iso: str | None, within: int | None = None):
    """The last town or region told before ``before`` as a scene ("in X", "stormed X"), not as
    an actor ("Damascus and Moscow shelled ...") or a modifier."""
    sdoc = doc.spacy
    if sdoc is None:
        return None
    for p in reversed([p for p in doc.places if p.end <= before and p.precision in ("city", "near", "region")
                       and (iso is None or p.iso == iso) and not _in_actor_name(doc, p)
                       and (within is None or before - p.start <= within)]):
        span = char_span(sdoc, p.start, p.end)
        if span is None or not len(span) or in_aside(doc.text, p.start):
            continue
        root = span.root
        while root.dep_ in ("conj", "appos", "compound") and head_of(root).i != root.i:
            root = head_of(root)
        if (root.dep_ == "pobj" and head_of(root).lower_ not in ("from", "by")) or root.dep_ in ("dobj", "nsubjpass"):
            # "in Gusau, Zamfara state": the town, not the state that locates it
            towns = [q for q in doc.places if p.start - 80 <= q.start < p.start and _contains(p, q)]
            return towns[-1] if towns else p
    return None


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
    p = parse_of(head.doc)
    key = ("clause_span", head.i)
    if key not in p.memo:
        p.memo[key] = _clause_span(p, head)
    return p.memo[key]


def _clause_span(p, head) -> tuple[int, int]:
    verb = clause_verb_at(p, head.i)
    skip = set()
    for ch in p.kids[verb]:
        if p.dep[ch] in ("conj", "ccomp", "parataxis") and p.pos[ch] in ("VERB", "AUX") and ch != head.i \
                and head.i not in p.subtree(ch):
            skip |= p.subtree(ch)
    toks = [p.toks[i] for i in p.subtree(verb) if i not in skip] or [head]
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
    scope = parse_of(sdoc).subtree(clause_verb_at(parse_of(sdoc), c.head.i))
    # a coordinated list attached to another event's clause of the same sentence is not ours
    found = []
    skip = not_scenes(doc, c)
    for p in sentence_places(doc, c.sent):
        if p.start in skip:
            continue
        span = char_span(sdoc, p.start, p.end)
        if span is None:
            continue
        # an aside may make the parser hang the list's tail on its own clause
        chained = bool(found) and listed_after(doc.text, found[-1][1].end, p.start)
        if span.root.i not in scope and not chained:
            continue
        found.append((span.root, p))
    if len(found) < 2:
        return []
    # keep the largest group of places joined by conj (including appositions of lists)
    groups: list[list] = []
    found.sort(key=lambda tp: tp[1].start)
    for k, (tok, p) in enumerate(found):
        conj_ids = {t.i for t in tok.conjuncts} | {tok.i}
        prev = found[k - 1][1] if k else None
        # "A, B (where ...), C and D": an aside breaks the parse's chain, not the list
        listed = prev is not None and listed_after(doc.text, prev.end, p.start)
        for g in groups:
            if any(t.i in conj_ids for t, _ in g) or (listed and any(q is prev for _, q in g)):
                g.append((tok, p))
                break
        else:
            groups.append([(tok, p)])
    best = [(t, p) for t, p in max(groups, key=len)
            if not any(q is not p and _contains(p, q) for _, q in max(groups, key=len))]
    if len(best) < 2 or not any(_locative(t) for t, _ in best):
        return []
    return [p for _, p in sorted(best, key=lambda tp: tp[1].start)]


_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|as well as\s+)(?:the\s+(?:town|city|village)\s+of\s+)?$")


def _contains(outer, inner) -> bool:
    """"Kandahar, Afghanistan", "Marib, Marib governorate": the second names where the first is."""
    if outer.iso is None or outer.iso != inner.iso or outer.start == inner.start:
        return False
    if outer.precision == "country":
        return inner.precision != "country"
    return outer.precision == "region" and inner.precision in ("city", "near") \
        and outer.admin1 is not None and outer.admin1 == inner.admin1


def listed_after(text: str, end: int, start: int) -> bool:
    """Only a list separator lies between two places, once bracketed asides are dropped."""
    gap = text[end:start]
    if len(gap) > 300:
        return False
    for _ in range(3):        # nested asides
        gap = re.sub(r"\([^()]*\)", " ", gap)
    return "(" not in gap and ")" not in gap and _LIST_GAP.match(gap) is not None


def _locative(tok) -> bool:
    """The place list says where it happened ('in A and B'), not where from or to."""
    # "over the Odesa, Mykolaiv and Kherson regions": the list names the pobj noun
    for _ in range(6):
        if tok.dep_ not in ("conj", "nmod", "compound", "appos") or head_of(tok).i == tok.i:
            break
        tok = head_of(tok)
    prep = head_of(tok)
    if tok.dep_ == "pobj" and prep.lower_ == "of" and head_of(prep).lemma_.lower() in PLACE_NOUNS:
        tok = head_of(prep)       # "in the towns of A and B", "in the cities of A (...) and B"
    return tok.dep_ == "pobj" and head_of(tok).lower_ in LOCATIVE_PREPS
