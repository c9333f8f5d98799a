"""Which outlet a plain-text scrape came from, when the scrape says so.

Only places where a page signs itself count: a dateline "(Reuters) -" or "KABUL (AP) —",
a headline suffix "... - CNN" / "... | BBC News", and short page-furniture lines naming the
site ("Watch CBSN Live", "CBS News App").  An outlet merely quoted in the story ("sources
told CNN") is not the publisher and is never used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources as ilr

_LINES = 12          # a page signs itself near the top
_FURNITURE_WORDS = 6  # furniture lines are short


@dataclass(frozen=True)
class Outlets:
    names: dict[str, str]          # any name (case kept) -> canonical name
    dateline: re.Pattern
    suffix: re.Pattern
    mention: re.Pattern

    @classmethod
    def load(cls) -> "Outlets":
        names: dict[str, str] = {}
        for line in (ilr.files("sitrep.data") / "outlets.tsv").read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            canonical, _, others = line.partition("\t")
            for n in [canonical, *others.split("|")]:
                if n.strip():
                    names[n.strip()] = canonical.strip()
        alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return cls(names=names,
                   dateline=re.compile(rf"(?:^|\s)\((?P<o>{alt})\)\s*(?:[-–—:]|$)"),
                   suffix=re.compile(rf"\s[-–—|]\s+(?P<o>{alt})\s*$"),
                   mention=re.compile(rf"(?<![\w-])(?P<o>{alt})(?![\w-])"))


def guess_outlet(text: str, *, outlets: Outlets, furniture_lines: list[str] = ()) -> str | None:
    """The outlet named by the page itself, or None."""
    for line in text.split("\n", _LINES)[:_LINES]:
        stripped = line.strip()
        m = outlets.dateline.search(stripped) or outlets.suffix.search(stripped)
        if m:
            return outlets.names[m.group("o")]
    for line in furniture_lines:
        if len(line.split()) <= _FURNITURE_WORDS:
            m = outlets.mention.search(line)
            if m:
                return outlets.names[m.group("o")]
    return None
