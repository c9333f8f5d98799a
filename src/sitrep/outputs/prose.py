"""Short plain sentences about events, shared by the brief, the CSV notes and the web app.

"On 12 Mar 2021, an attack in Konduga, Nigeria killed 12 and wounded 5; perpetrator:
ISWAP (suspected)."  The words come from the ACLED sub-event type; no article text is
copied into them except names the pipeline resolved (places, actors).
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date

from ..model import iso_day

# ACLED sub-event types as a noun phrase a sentence can carry ("a suicide bombing in ...").
SUB_TYPE_NOUNS = {
    "armed clash": "an armed clash",
    "government regains territory": "government forces regaining territory",
    "non-state actor overtakes territory": "a non-state group seizing territory",
    "chemical weapon": "a chemical weapon attack",
    "air/drone strike": "an air/drone strike",
    "suicide bomb": "a suicide bombing",
    "shelling/artillery/missile attack": "shelling",
    "remote explosive/landmine/ied": "a remote explosive (IED/landmine) attack",
    "grenade": "a grenade attack",
    "sexual violence": "sexual violence",
    "attack": "an attack",
    "abduction/forced disappearance": "an abduction",
    "peaceful protest": "a peaceful protest",
    "protest with intervention": "a protest met with intervention",
    "excessive force against protesters": "excessive force against protesters",
    "violent demonstration": "a violent demonstration",
    "mob violence": "mob violence",
    "agreement": "an agreement",
    "arrests": "arrests",
    "change to group/activity": "a change in group activity",
    "disrupted weapons use": "disrupted weapons use",
    "headquarters or base established": "a base being established",
    "looting/property destruction": "looting or property destruction",
    "non-violent transfer of territory": "a non-violent transfer of territory",
    "other": "a development",
}

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()




def format_day(s: str | None) -> str:
    d = iso_day(s)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}" if d else (s or "")


def _part_of_month(a: date, b: date) -> str | None:
    """'early' / 'mid' / 'late' when a window lies inside one third of a month, else None."""
    if (a.year, a.month) != (b.year, b.month):
        return None
    for part, lo, hi in (("early", 1, 10), ("mid", 11, 20), ("late", 21, 31)):
        if lo <= a.day and b.day <= hi:
            return part
    return None


def when_phrase(dw: dict) -> str:
    """'On 3 Mar 2021', 'In early Mar 2021', 'In Mar 2021', 'In 2021', 'Between 1 and 19 Mar 2021',
    'At an unknown date': a date when the window is one day, a coarse name when it is coarse."""
    a, b = iso_day(dw.get("earliest")), iso_day(dw.get("latest"))
    a, b = a or b, b or a
    if a is None:
        return "At an unknown date"
    if a > b:
        a, b = b, a
    if a == b:
        return f"On {format_day(a.isoformat())}"
    if a.day == 1 and a.year == b.year and a.month == 1 and (b.month, b.day) == (12, 31):
        return f"In {a.year}"
    if a.day == 1 and (a.year, a.month) == (b.year, b.month) and b.day == monthrange(b.year, b.month)[1]:
        return f"In {_MONTHS[a.month - 1]} {a.year}"
    part = _part_of_month(a, b)
    if part is not None and (b - a).days >= 3:
        return f"In {part} {_MONTHS[a.month - 1]} {a.year}"
    if (a.year, a.month) == (b.year, b.month):
        return f"Between {a.day} and {b.day} {_MONTHS[a.month - 1]} {a.year}"
    if a.year == b.year and a.day == 1 and b.day == monthrange(b.year, b.month)[1]:
        return f"Between {_MONTHS[a.month - 1]} and {_MONTHS[b.month - 1]} {a.year}"
    return f"Between {format_day(a.isoformat())} and {format_day(b.isoformat())}"


# words that name no one: a pronoun's phrase, a bare kind of group, a number left by the parser
_NOT_NAMES = frozenset({"group", "groups", "the group", "they", "them", "their", "its", "his", "her",
                        "unknown", "unidentified", "gunmen", "attackers", "assailants", "people", "civilians",
                        "several", "some", "many", "others", "dozens", "hundreds", "both", "all"})
_POSSESSIVE_START = ("their ", "its ", "his ", "her ", "our ", "this ", "that ", "these ", "those ")


def actor_name(name) -> str | None:
    """``name`` when it names an actor a reader can place ("ISWAP", "Ukrainian Air Force",
    "police"), else None ("group", "their positions", "21")."""
    if not isinstance(name, str):
        return None
    text = " ".join(name.split()).strip(" ,;:.")
    low = text.casefold()
    if not text or low in _NOT_NAMES or low.startswith(_POSSESSIVE_START) or len(text) > 80:
        return None
    if not any(c.isalpha() for c in text):
        return None                    # "21", "2,000"
    words = [w for w in text.split() if w.casefold() not in ("the", "a", "an")]
    # a proper name, or a state force named by its kind ("police", "army", "air force")
    if any(w[:1].isupper() for w in words) or low in _GENERIC_FORCES:
        return text
    return None


_GENERIC_FORCES = frozenset({"police", "army", "military", "air force", "navy", "security forces",
                             "government forces", "soldiers", "troops", "rebels", "militants", "protesters",
                             "protestors", "rioters", "civilians"})


def where_phrase(loc: dict) -> str:
    name, country = (loc.get("name") or "").strip(), (loc.get("country") or "").strip()
    if name[:3].casefold() in ("in ", "at ", "on ") or name[:5].casefold() == "near ":
        lead = ""          # the name already carries its preposition ("in and around X")
    else:
        lead = "in "
    if name and country and country.casefold() not in name.casefold():
        return f"{lead}{name}, {country}"
    if name or country:
        return f"{lead}{name or country}"
    return "at an unknown place"


def noun_phrase(ev: dict) -> str:
    sub = (ev.get("sub_type") or "").strip()
    noun = SUB_TYPE_NOUNS.get(sub.casefold())
    if noun and sub.casefold() != "other":
        return noun
    kind = (ev.get("type") or "").strip()
    if kind.casefold() == "strategic developments":
        return "a strategic development"
    if not sub or sub.casefold() == "other":
        return f"an event ({kind.lower() or 'type unknown'})"
    return f"an event ({sub.lower()})"


def casualty_phrase(ev: dict) -> str:
    parts = []
    if ev.get("fatalities") is not None:
        parts.append(f"killed {ev['fatalities']}")
    if ev.get("injured") is not None:
        parts.append(f"wounded {ev['injured']}")
    return " and ".join(parts)


def describe(ev: dict) -> str:
    """One sentence stating an event record (see :mod:`sitrep.outputs.records`)."""
    text = f"{when_phrase(ev.get('date') or {})}, {noun_phrase(ev)} {where_phrase(ev.get('location') or {})}"
    cas = casualty_phrase(ev)
    if cas:
        text += f" {cas}"
    extras = []
    hedged = bool(ev.get("hedged"))
    actor1, actor2 = actor_name(ev.get("actor1")), actor_name(ev.get("actor2"))
    if actor1:
        extras.append(f"perpetrator: {actor1}" + (" (suspected)" if hedged else ""))
    if actor2 and actor2 != actor1:
        extras.append(f"target: {actor2}")
    reported = sorted({x for x in ev.get("fatalities_reported") or [] if isinstance(x, int)})
    if len(reported) > 1:
        extras.append("tolls reported: " + ", ".join(str(x) for x in reported))
    if ev.get("attributed_to"):
        names = ev["attributed_to"] if isinstance(ev["attributed_to"], list) else [ev["attributed_to"]]
        extras.append("according to " + "; ".join(names))
    if hedged and not actor1:
        text += " (unconfirmed)"     # with a perpetrator, "(suspected)" already says so
    if extras:
        text += "; " + "; ".join(extras)
    return text + "."
