"""Short plain sentences about events, shared by the brief, the CSV notes and the web app.

"On 12 Mar 2021, an attack in Konduga, Nigeria killed 12 and wounded 5; perpetrator:
ISWAP (suspected)."  The words come from the ACLED sub-event type; no article text is
copied into them except names the pipeline resolved (places, actors).
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date

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


def _day(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def format_day(s: str | None) -> str:
    d = _day(s)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}" if d else (s or "")


def when_phrase(dw: dict) -> str:
    """'On 3 Mar 2021', 'In Mar 2021', 'In 2021', 'Between 1 and 9 Mar 2021', 'At an unknown date'."""
    a, b = _day(dw.get("earliest")), _day(dw.get("latest"))
    a, b = a or b, b or a
    if a is None:
        return "At an unknown date"
    if a == b:
        return f"On {format_day(a.isoformat())}"
    if a.day == 1 and a.year == b.year and a.month == 1 and (b.month, b.day) == (12, 31):
        return f"In {a.year}"
    if a.day == 1 and (a.year, a.month) == (b.year, b.month) and b.day == monthrange(b.year, b.month)[1]:
        return f"In {_MONTHS[a.month - 1]} {a.year}"
    if (a.year, a.month) == (b.year, b.month):
        return f"Between {a.day} and {b.day} {_MONTHS[a.month - 1]} {a.year}"
    return f"Between {format_day(a.isoformat())} and {format_day(b.isoformat())}"


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
    if ev.get("actor1"):
        extras.append(f"perpetrator: {ev['actor1']}" + (" (suspected)" if ev.get("hedged") else ""))
    if ev.get("actor2"):
        extras.append(f"opponent or target: {ev['actor2']}")
    reported = sorted({x for x in ev.get("fatalities_reported") or [] if isinstance(x, int)})
    if len(reported) > 1:
        extras.append("tolls reported: " + ", ".join(str(x) for x in reported))
    if ev.get("attributed_to"):
        names = ev["attributed_to"] if isinstance(ev["attributed_to"], list) else [ev["attributed_to"]]
        extras.append("according to " + "; ".join(names))
    if extras:
        text += "; " + "; ".join(extras)
    elif ev.get("hedged"):
        text += " (unconfirmed)"
    return text + "."
