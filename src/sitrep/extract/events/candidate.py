"""A candidate event: one trigger in one sentence, with what the rules found out about it."""
from __future__ import annotations

from dataclasses import dataclass, field
from ...model import Span
from .rules import Trigger


@dataclass
class Candidate:
    trigger: Trigger
    head: object                     # spaCy token heading the trigger phrase
    tokens: tuple                    # trigger phrase tokens
    sent: object
    type: str
    sub_type: str
    priority: int
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int | None = None
    injured: int | None = None
    hedged: bool = False
    spans: list[Span] = field(default_factory=list)
    places: list = field(default_factory=list)   # split targets: Place records
    absorbed: bool = False
    pronoun_actor: bool = False      # "they struck ...": continues the previous sentence's event
    anaphoric_actor: bool = False    # "the attackers ...", "they ...": an actor told before
    own_place: bool = False          # the sentence names a place of its own
    civilian_target: str | None = None   # "" for civilians at large, else the victims' noun
    generic_crowd: bool = False      # the protest's subject is a crowd, not a named organiser
    toll_rank: int = 0               # 0 an overall toll, 1 a partial count, 2 the perpetrator's claim
    tolls: list = field(default_factory=list)    # (rank, fatalities, injured) of every telling
    claim_of_told: bool = False      # "X claimed responsibility for the bombing": a told event
    weapon_kind: bool = False        # one of several weapon kinds launched in one salvo
