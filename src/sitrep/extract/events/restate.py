"""Restatements: headline, highlights and body telling one occurrence merge into one event."""
from __future__ import annotations

from datetime import date

from ...model import PRECISION_RANK, DateWindow, Event
from .rules import VIOLENT_TYPES, WEAPON_NOUNS
from .casualties import resolve_tolls


def merge_restatements(events: list[Event], *, meta: dict | None = None,
                       headline_end: int = 0) -> list[Event]:
    """Headline, highlights and body telling the same occurrence: one event, all spans.

    Besides identical place and date (``same_event``), a later mention joins an earlier
    one of the same sub-type when it is the headline's story told in the body, or when it
    only elaborates (no place of its own, or an actor referred back to: "the attackers
    ...", "they ..."): its place then refines the host's when it is more precise.
    """
    meta = meta or {}
    out: list[Event] = []
    for ev in events:
        if getattr(meta.get(id(ev)), "weapon_kind", False):
            out.append(ev)       # a salvo's weapon kinds are events of their own
            continue
        host = next((o for o in out if same_event(o, ev)), None)
        if host is None:
            host = next((o for o in reversed(out) if restates(o, ev, meta=meta, headline_end=headline_end)), None)
            if host is not None:
                refine_place(host, ev, headline=_in_headline(host, headline_end))
        if host is None:
            out.append(ev)
            continue
        for s in ev.spans:
            if all((s.start, s.end) != (h.start, h.end) for h in host.spans):
                host.spans.append(s)
        hc, ec = meta.get(id(host)), meta.get(id(ev))
        if hc is not None and ec is not None and hc is not ec:
            hc.tolls = hc.tolls + ec.tolls
            host.fatalities, host.injured = resolve_tolls(hc.tolls)
        else:
            host.fatalities = host.fatalities if host.fatalities is not None else ev.fatalities
            host.injured = host.injured if host.injured is not None else ev.injured
        host.actor1 = host.actor1 or ev.actor1
        host.actor2 = host.actor2 or ev.actor2
        # told plainly in the body once, the occurrence is not in doubt because another
        # telling hedges it; a headline drops the body's hedges, so it does not count
        host.hedged = (host.hedged or ev.hedged) if _in_headline(host, headline_end) else (host.hedged and ev.hedged)
    return out


def headline_end_of(text: str) -> int:
    """End offset of the headline: a first line with no closing full stop, else 0."""
    stripped = text.lstrip()
    start = len(text) - len(stripped)
    line = stripped.split("\n", 1)[0].rstrip()
    if not line or "\n" not in stripped or line[-1] in '.!?"\u201d':
        return 0
    return start + len(line)


def _in_headline(ev: Event, headline_end: int) -> bool:
    return bool(ev.spans) and ev.spans[0].start < headline_end


def restates(host: Event, ev: Event, *, meta: dict, headline_end: int) -> bool:
    """Whether ``ev`` tells the occurrence ``host`` told before (same sub-type, no clash)."""
    if not host.spans or not ev.spans:
        return False
    c = meta.get(id(ev))
    if host.spans[0].start == ev.spans[0].start or (c is not None and c.weapon_kind):
        return False    # split events of one sentence stay apart; a salvo's kinds are its own events
    if host.sub_type != ev.sub_type:
        # "the blast", "this attack": a definite singular names the occurrence just told
        return host.type == ev.type and c is not None and (
            definite_mention(c.head) or c.anaphoric_actor or told_event_subject(c.head)) and \
            ev.spans[0].start - host.spans[0].end <= 600 and ev.date.source != "text" and _country_ok(host, ev)
    if host.spans[0].start == ev.spans[0].start:
        return False                      # split events of one sentence stay apart
    headline_host = _in_headline(host, headline_end) and not _in_headline(ev, headline_end)
    # a headline names places loosely ("Burkina village"): its country may be misread
    if _country(host) and _country(ev) and _country(host) != _country(ev) and not headline_host:
        return False
    c = meta.get(id(ev))
    claimed = c is not None and c.toll_rank > 0     # a claim or a partial count may differ
    for x, y in ((host.fatalities, ev.fatalities), (host.injured, ev.injured)):
        if x is not None and y is not None and x != y and not _in_headline(host, headline_end) and not claimed:
            return False
    if host.date.source == "text" and ev.date.source == "text" and not _windows_overlap(host.date, ev.date) \
            and not (headline_host and _within_days(host.date, ev.date, days=3)):
        # a headline's present tense is read as the publication day; the body's "on Monday"
        # is the day before: still the headline's story
        return False
    if _far_apart(host.date, ev.date):
        return False    # "it briefly occupied Goma in 2012": an earlier occurrence in the same place
    c = meta.get(id(ev))
    if _in_headline(host, headline_end) and not _in_headline(ev, headline_end):
        # a headline words the actor loosely ("Gunmen"); the count and place tell the story
        return all(x is None or y is None or x == y
                   for x, y in ((host.fatalities, ev.fatalities), (host.injured, ev.injured)))
    if c is None or ev.type not in VIOLENT_TYPES:
        return False
    if c.anaphoric_actor or ((definite_mention(c.head) or told_event_subject(c.head)) and ev.date.source != "text"):
        return True
    # no place, no date and no count of its own, close after: a reminder of the told
    # occurrence (a plural noun, "mass abductions", speaks of many occurrences instead)
    if c.head.tag_ in ("NNS", "NNPS") or ev.spans[0].start - host.spans[0].end > 600:
        return False
    return not c.own_place and ev.date.source != "text" and ev.fatalities is None and ev.injured is None


def definite_mention(head) -> bool:
    """'The blast', 'this attack', 'the raid': a singular noun pointing back at a told event."""
    return head.pos_ == "NOUN" and head.tag_ == "NN" and any(
        c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children) and not any(
        c.dep_ == "prep" and c.lower_ in ("on", "in", "at", "near") for c in head.children)


# nouns of a strike or an attack: "the raids hit farmland" tells the raids told before
EVENT_NOUNS = WEAPON_NOUNS | frozenset({"raid", "airstrike", "bombing", "shelling", "assault", "ambush",
                                        "bombardment", "barrage", "strike", "attack", "blast"})


def told_event_subject(head) -> bool:
    """'The raids hit farmland', 'the blast destroyed shops': a definite event noun as the
    subject of the clause points back at the occurrence just told."""
    subj = next((ch for ch in head.children if ch.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.pos_ != "NOUN" or subj.lemma_.lower() not in EVENT_NOUNS:
        return False
    return any(ch.dep_ in ("det", "poss") and ch.lower_ in ("the", "this", "that", "these", "those")
               for ch in subj.children) and not any(ch.dep_ == "prep" for ch in subj.children)


def _country_ok(host: Event, ev: Event) -> bool:
    return not (_country(host) and _country(ev) and _country(host) != _country(ev))


def _country(ev: Event) -> str | None:
    return ev.location.iso or ev.location.country


def refine_place(host: Event, ev: Event, *, headline: bool) -> None:
    """Take the restatement's place (and date) when it says more than the host's."""
    if headline:
        # a headline's place is often the dateline: the body's own place and date win
        if ev.location.name:
            host.location = ev.location
        if ev.date.source == "text":
            host.date = ev.date
        host.spans.sort(key=lambda s: s.start)
        return
    mine, theirs = PRECISION_RANK.get(host.location.precision or "", 4), PRECISION_RANK.get(ev.location.precision or "", 4)
    if theirs < mine and (not _country(host) or _country(host) == _country(ev)):
        host.location = ev.location


def same_event(a: Event, b: Event) -> bool:
    if a.sub_type != b.sub_type:
        return False
    if a.spans and b.spans and a.spans[0].start == b.spans[0].start:
        return a.location.name == b.location.name   # split events share evidence, not places
    if (a.location.name or "").lower() != (b.location.name or "").lower() or not a.location.name:
        return False
    if a.actor1 and b.actor1 and a.actor1 != b.actor1:
        return False
    for x, y in ((a.fatalities, b.fatalities), (a.injured, b.injured)):
        if x is not None and y is not None and x != y:
            return False
    return _windows_overlap(a.date, b.date) and _precise(a.date) and _precise(b.date)


def _windows_overlap(x: DateWindow, y: DateWindow) -> bool:
    if not (x.earliest and x.latest and y.earliest and y.latest):
        return False
    return x.earliest <= y.latest and y.earliest <= x.latest


def _far_apart(x: DateWindow, y: DateWindow, *, days: int = 45) -> bool:
    """One window dated by the text ends well before the other begins: two occurrences,
    whatever the other's source (a dated background event vs today's news)."""
    if "text" not in (x.source, y.source):
        return False
    if not (x.earliest and x.latest and y.earliest and y.latest):
        return False
    return _gap_days(x.latest, y.earliest) > days or _gap_days(y.latest, x.earliest) > days


def _within_days(x: DateWindow, y: DateWindow, *, days: int) -> bool:
    """Both windows known and no more than ``days`` apart."""
    if not (x.earliest and x.latest and y.earliest and y.latest):
        return False
    return _gap_days(x.latest, y.earliest) <= days and _gap_days(y.latest, x.earliest) <= days


def _gap_days(end: str, start: str) -> int:
    """Days from ``end`` to a later ``start`` (ISO dates; negative when they overlap)."""
    a, b = _iso_day(end), _iso_day(start)
    return (b - a).days if a is not None and b is not None else 0


def _iso_day(text: str) -> date | None:
    # windows may hold a bare year or month ("2012", "2012-04"): read their first day
    parts = (text or "").split("-")[:3]
    if not parts or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    y, m, d = int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2][:2]) if len(parts) > 2 else 1
    if not (1 <= m <= 12 and 1 <= d <= 28 + 3):
        return None
    return date(y, m, min(d, 28)) if d > 28 else date(y, m, d)


def _precise(w: DateWindow) -> bool:
    # two undated mentions in one place are too weak a sign of one occurrence
    return w.source != "publication"
