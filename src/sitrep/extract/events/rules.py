"""The stage's data: trigger and modifier rules read from ``data/event_rules.toml``, word
classes used by the parse rules, and the helpers borrowed from the other stages."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType


RULES_PATH = Path(__file__).resolve().parents[2] / "data" / "event_rules.toml"
WORDS_PATH = Path(__file__).resolve().parents[2] / "data" / "event_words.toml"


def load_words(path: Path = WORDS_PATH) -> MappingProxyType:
    """The word lists of the parse rules (``data/event_words.toml``) as immutable sets
    (a table becomes a read-only mapping); read once, at import."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return MappingProxyType({k: MappingProxyType(v) if isinstance(v, dict) else frozenset(v)
                             for k, v in raw.items()})


WORDS = load_words()

VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians",
                           "Protests", "Riots"})

ARMED_LABELS = frozenset({"ARMED_GROUP", "GOV_BODY"})

PLACE_NOUNS = WORDS["place_nouns"]

PERSON_ENTS = frozenset({"PERSON", "NORP"})

PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})

MAX_TRIGGERS = 24          # trigger phrases examined per sentence


@dataclass(frozen=True)
class Trigger:
    family: str
    type: str
    sub_type: str
    strength: str = "weak"
    priority: int = 0
    target_rule: bool = False
    civilian: str | None = None
    armed: str | None = None
    casualty: bool = False
    toll_only: bool = False
    territory: bool = False
    person_object: bool = False
    group_subject: bool = False
    needs: tuple[str, ...] = ()
    needs_event_verb: bool = False


@dataclass(frozen=True)
class Modifier:
    words: tuple[str, ...]
    families: tuple[str, ...]
    type: str
    sub_type: str
    priority: int
    actor_too: bool = False


@dataclass
class Rules:
    triggers: dict[str, Trigger]
    phrases: dict[str, list[tuple[tuple[str, ...], str]]]   # first word -> [(phrase words, family)]
    modifiers: list[Modifier]
    protest_outcomes: list[dict]
    lex: dict[str, frozenset[str]]
    conventions: dict


def load_rules(path: Path = RULES_PATH) -> Rules:
    """Read ``event_rules.toml`` into lookup tables (done once per process via Resources)."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    triggers: dict[str, Trigger] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for t in raw.get("trigger", []):
        fam = t["name"]
        triggers[fam] = Trigger(
            family=fam, type=t["type"], sub_type=t["sub_type"], strength=t.get("strength", "weak"),
            priority=t.get("priority", 0), target_rule=t.get("target_rule", False),
            civilian=t.get("civilian"), armed=t.get("armed"), casualty=t.get("casualty", False),
            toll_only=t.get("toll_only", False), territory=t.get("territory", False),
            person_object=t.get("person_object", False), group_subject=t.get("group_subject", False),
            needs=tuple(t.get("needs", ())), needs_event_verb=t.get("needs_event_verb", False))
        for w in t["words"]:
            words = tuple(w.lower().split())
            phrases.setdefault(words[0], []).append((words, fam))
    for lst in phrases.values():
        lst.sort(key=lambda p: -len(p[0]))   # longest phrase first
    modifiers = [Modifier(words=tuple(m["words"]), families=tuple(m["families"]), type=m["type"],
                          sub_type=m["sub_type"], priority=m["priority"],
                          actor_too=m.get("actor_too", False)) for m in raw.get("modifier", [])]
    lex = {k: frozenset(w.lower() for w in v) for k, v in raw.get("lexicon", {}).items()}
    return Rules(triggers=triggers, phrases=phrases, modifiers=modifiers,
                 protest_outcomes=sorted(raw.get("protest_outcome", []), key=lambda o: -o["rank"]),
                 lex=lex, conventions=raw.get("conventions", {}))


class Helpers:
    """The normalize/extract helpers this stage uses (one object, so tests can swap one)."""

    def __init__(self, *, gazetteer=None):
        from ...normalize.actors import canonical_actor
        from ...normalize.places import location_for
        from ...normalize.times import window_for
        from ..attribution import attribution_for, hedge_cue
        from ..numbers import find_numbers
        self.gazetteer = gazetteer       # demonyms -> countries ("an Egyptian border post")
        self.location_for = location_for
        self.window_for = window_for
        self.canonical_actor = canonical_actor
        self.find_numbers = find_numbers
        self.attribution_for = attribution_for
        self.hedge_cue = hedge_cue


LIGHT_VERBS_DEFAULT = WORDS["light_verbs_default"]

AFFILIATION_WORDS = WORDS["affiliation_words"]

ACTOR_LABELS = ("ARMED_GROUP", "GOV_BODY", "ORG", "PERSON")

VAGUE_MODIFIERS = WORDS["vague_modifiers"]

WEAPON_NOUNS = WORDS["weapon_nouns"]

LOCATIVE_PREPS = WORDS["locative_preps"]
