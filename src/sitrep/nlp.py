"""nlp stage: sentences, tokens, entities and the dependency parse, by spaCy.

The pipeline is named by one setting (``SITREP_SPACY_MODEL``) and loaded once per
process through :class:`sitrep.pipeline.Resources`.  spaCy reads the *article text*
(furniture and comments blanked with spaces, see ``Document.article_text``), so every
token offset is also an offset into ``Document.text``.
"""
from __future__ import annotations

import importlib

from .errors import SitrepError
from .model import Span
from .pipeline import stage


def load_pipeline(name: str):
    """Load an installed spaCy pipeline package by import name; never downloads."""
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise SitrepError("E104", name=name) from exc
    nlp = module.load()
    return nlp


TRUNCATED_FLAG = "analysed-first-chars:{limit}"


@stage("nlp", reads=("text", "boilerplate", "comments_start"), writes=("spacy", "sentences", "flags"))
def analyse(docs, *, res):
    nlp = res.nlp
    limit = res.settings.max_doc_chars
    if nlp.max_length < limit + 1:
        nlp.max_length = limit + 1
    texts = [d.article_text()[:limit] for d in docs]
    flag = TRUNCATED_FLAG.format(limit=limit)
    for d in docs:  # say so when only the head of a huge text is analysed (idempotent)
        d.flags = [f for f in d.flags if not f.startswith("analysed-first-chars:")]
        if len(d.text) > limit:
            d.flags.append(flag)
    for d, sdoc in zip(docs, nlp.pipe(texts, batch_size=32)):
        d.spacy = sdoc
        d.sentences = [Span(s.start_char, s.end_char) for s in sdoc.sents if s.text.strip()]
