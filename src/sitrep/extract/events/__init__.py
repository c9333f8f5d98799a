"""events stage: ACLED-coded events from the parsed article text.

Per sentence, trigger words and phrases (``data/event_rules.toml``) propose candidate
events; the parse decides whether each one is real (not negated, hypothetical, a threat
or a metaphor), what sub-type it gets (modifiers such as "suicide" or "drone", civilians
vs armed actors as targets, a place vs a person as the object of "capture"), who acted,
against whom, and the casualty counts.  Candidates describing one occurrence in one
clause merge; a following sentence that only gives the toll joins the event; a clause
naming several places ("in Iraq and Syria") gives one event per place; restatements of
the same occurrence in one document merge into one event with all their evidence.

The other normalize/extract modules provide places, times, actors, numbers and
attribution; their helpers are looked up through :class:`Helpers` so that this stage
degrades gracefully (publication window, sentence places, mention names) when one is missing."""
from __future__ import annotations

import logging

from ...model import Document, Event
from ...pipeline import stage
from .rules import Helpers, Rules, load_rules
from .candidate import Candidate
from .syntax import MEMO_KEY, PARSE_KEY, parse_of, teaser_blocks, text_sentences
from .detect import fill_arguments, merge_in_sentence, sentence_candidates
from .casualties import attach_toll_sentences, resolve_tolls
from .placing import to_events
from .restate import headline_end_of, merge_restatements


log = logging.getLogger(__name__)


@stage("events", reads=("spacy", "mentions", "entities", "places", "times"), writes=("events",))
def events(docs, *, res):
    rules = res.get("event_rules", load_rules)
    helpers = res.get("event_helpers", lambda: Helpers(gazetteer=res.gazetteer))
    for doc in docs:
        doc.events = extract_events(doc, rules=rules, helpers=helpers)


def extract_events(doc: Document, *, rules: Rules, helpers: Helpers | None = None) -> list[Event]:
    """All events of one document, ids V1, V2... in text order."""
    sdoc = doc.spacy
    if sdoc is None or not doc.text.strip():
        return []
    helpers = helpers or Helpers()
    # the parse table and this call's memo live on the spaCy Doc while the call runs; they
    # go at its end (the table's Tokens would tie the Doc into a reference cycle, and the
    # memo holds results of these rules on these annotations)
    sdoc.user_data[MEMO_KEY] = {}
    try:
        return _extract_events(doc, sdoc, rules=rules, helpers=helpers)
    finally:
        sdoc.user_data.pop(MEMO_KEY, None)
        sdoc.user_data.pop(PARSE_KEY, None)


def _extract_events(doc: Document, sdoc, *, rules: Rules, helpers: Helpers) -> list[Event]:
    per_sentence: list[list[Candidate]] = []
    skip = teaser_blocks(doc.text, rules=rules)
    text = parse_of(sdoc).text
    for sent in text_sentences(sdoc):
        if not text[sent.start_char:sent.end_char].strip() or any(a <= sent.start_char < b for a, b in skip):
            continue
        cands = sentence_candidates(doc, sent, rules=rules)
        cands = merge_in_sentence(cands)
        for c in cands:
            fill_arguments(doc, c, rules=rules, helpers=helpers)
        per_sentence.append(cands)
    attach_toll_sentences(per_sentence)
    out: list[Event] = []
    meta: dict[int, Candidate] = {}
    for cands in per_sentence:
        for c in cands:
            if not c.absorbed:
                for e in to_events(doc, c, helpers=helpers):
                    meta[id(e)] = c
                    out.append(e)
    headline_end = headline_end_of(doc.article_text())
    out = merge_restatements(out, meta=meta, headline_end=headline_end)
    out.sort(key=lambda e: (e.spans[0].start if e.spans else 0))
    for i, ev in enumerate(out, 1):
        ev.id = f"V{i}"
    return out


# what tests and other modules use from the stage
__all__ = ["Candidate", "Helpers", "Rules", "events", "extract_events", "load_rules", "resolve_tolls"]
