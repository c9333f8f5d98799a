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


# ---- plain views of the parse, shared by the stages after this one ----------------------------

def doc_text(sdoc) -> str:
    """``sdoc.text``, kept on the Doc: spaCy joins it from the tokens at every access."""
    text = sdoc.user_data.get("sitrep.text")
    if text is None:
        text = sdoc.user_data["sitrep.text"] = sdoc.text
    return text


class TokenTable:
    """Plain per-token lists of one Doc, built in one pass and kept on it (:func:`token_table`).

    Every ``sdoc[i]`` makes a new Token and every ``.lower_`` or ``.pos_`` is a string-store
    lookup; the rules of the later stages read each token many times over.
    """

    def __init__(self, sdoc):
        self.text: list[str] = []
        self.lower: list[str] = []
        self.idx: list[int] = []
        self.space: list[bool] = []
        self.punct: list[bool] = []
        self.alpha: list[bool] = []
        self.pos: list[str] = []
        self.lemma: list[str] = []
        self.ent: list[str] = []
        self.sent_start: list[bool | None] = []
        spaces: list[str] = []
        for t in sdoc:
            spaces.append(t.whitespace_)
            self.text.append(t.text)
            self.lower.append(t.lower_)
            self.idx.append(t.idx)
            self.space.append(t.is_space)
            self.punct.append(t.is_punct)
            self.alpha.append(t.is_alpha)
            self.pos.append(t.pos_)
            self.lemma.append(t.lemma_)
            self.ent.append(t.ent_type_)
            self.sent_start.append(t.is_sent_start)
        # the entities as (start, end, label): Doc.ents builds new Spans at each access
        self.ents: list[tuple[int, int, str]] = [(e.start, e.end, e.label_) for e in sdoc.ents]
        if "sitrep.text" not in sdoc.user_data:   # what Doc.text joins, without a second pass
            sdoc.user_data["sitrep.text"] = "".join(w + sp for w, sp in zip(self.text, spaces))
        self.doc_text: str = sdoc.user_data["sitrep.text"]

    def span_text(self, start: int, end: int) -> str:
        """``sdoc[start:end].text`` without building the Span."""
        if start >= end:
            return ""
        return self.doc_text[self.idx[start]:self.idx[end - 1] + len(self.text[end - 1])]


def token_table(sdoc) -> TokenTable:
    """The Doc's :class:`TokenTable`, built on first use and kept on it (it dies with the batch)."""
    toks = sdoc.user_data.get("sitrep.tokens_table")
    if toks is None:
        toks = sdoc.user_data["sitrep.tokens_table"] = TokenTable(sdoc)
    return toks
