"""Reuse across documents: duplicates, rewrites, credited quotations, retold reports.

Two steps, as in near-duplicate detection at scale:

1. **Candidates** (:class:`ReuseIndex`): every sentence of a document gets a MinHash
   signature over shingles of 5 normalised words; a MinHashLSH index over the sentence
   signatures finds documents that share at least one near-identical sentence, without
   comparing every pair.  Sentence-level keys (not whole-document ones) are what let a
   two-sentence quotation inside a long story surface as a candidate.
2. **Alignment** (:func:`align`): sentences of the two texts are matched by word and
   word-bigram overlap (order inside a sentence and across the text may change, words may
   be swapped), and runs of matched sentences become passages.  The relation is decided
   from how much of each text the passages cover, how close they are, and whether the
   copier credits the passage (:func:`classify`).

Only ``Document.article_text()`` is read: furniture and reader comments never make two
documents look alike.  Offsets in passages index ``Document.text``.

Signatures equal datasketch 2.0.0's MinHash (scheme "affine32", seed 1); its LSH band
choice is kept too (:func:`lsh_params`), so candidates are those its index would give.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources as importlib_resources

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from .model import DateWindow, Document, Reuse

log = logging.getLogger(__name__)

NUM_PERM = 128
SHINGLE = 5
SCHEME = "affine32"          # datasketch 2.x permutation scheme; stored so old state is never mixed
LSH_THRESHOLD = 0.3          # Jaccard of sentence shingle sets that makes a candidate
WORD_LSH_THRESHOLD = 0.5     # Jaccard of sentence content-word sets that makes a candidate
MIN_CONTENT_WORDS = 5
MIN_INDEXED_WORDS = 8        # shorter sentences are too generic to be evidence of copying
MAX_CANDIDATES = 10          # per new document: the documents sharing the most sentences
MIN_HITS = 2                 # LSH hits (sentence x table) a candidate needs before it is aligned:
                             # one sentence found by both tables, or two sentences by one
MIN_SIMILARITY = 0.5         # sentence pairs below this do not align
STRONG = 0.7                 # an aligned sentence this close counts as copied, not merely alike

RELATIONS = ("duplicate", "copies_with_edits", "quotes", "same_underlying_report")


def _load_words() -> dict:
    raw = importlib_resources.files("sitrep").joinpath("data/reuse.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    credit = tuple(data["credit_cues"]["phrases"])
    return {
        "credit": credit,
        # one compiled pattern per phrase, not a fresh compile per passage checked
        "credit_res": tuple((c, re.compile(r"\b" + re.escape(c) + r"\b")) for c in credit),
        # any of them: one search rules out most passages before the phrase-by-phrase one
        "credit_any": re.compile(r"\b(?:" + "|".join(re.escape(c) for c in credit) + r")\b") if credit else None,
        "open": frozenset(data["quote_marks"]["open"]),
        "close": frozenset(data["quote_marks"]["close"]),
    }


_WORDS = _load_words()   # read-only tables, loaded once at import
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote; line breaks always end one.
_SENT_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
# Not a sentence end: a title or initial before the period ("Gen.", "Mr.", "U.S.", "J.").
_ABBREV_RE = re.compile(r"(?:\b[A-Z][a-z]{0,2}|\b(?:[A-Za-z]\.)+[A-Za-z]?)\.$")


# ---- text units ------------------------------------------------------------------------

def normalise(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def words(text: str) -> list[tuple[str, int, int]]:
    """Normalised words with their offsets."""
    return [(normalise(m.group()), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


def shingles(tokens: list[str], *, size: int = SHINGLE) -> set[str]:
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


@dataclass
class Sentence:
    start: int
    end: int
    tokens: tuple[str, ...]
    uni: frozenset = field(repr=False, default=frozenset())
    bi: frozenset = field(repr=False, default=frozenset())

    @classmethod
    def make(cls, text: str, start: int, end: int) -> "Sentence":
        piece = text[start:end]
        if piece.isascii():   # NFKC leaves ASCII alone and casefold is lower: one call, not one a word
            toks = tuple(_WORD_RE.findall(piece.lower()))
        else:
            toks = tuple(w for w, _, _ in words(piece))
        return cls(start, end, toks, frozenset(toks), frozenset(zip(toks, toks[1:])))


def split_sentences(text: str, *, min_words: int = 4) -> list[tuple[int, int]]:
    """Sentence spans by punctuation and line breaks; fragments under ``min_words`` join the next.

    Abbreviations ("Gen.", "U.S.") may cut a sentence in two; the short piece is merged
    back, and both texts of a pair are cut the same way, which is what alignment needs.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        pos = line.start()
        cuts = [m.end() for m in _SENT_END_RE.finditer(line.group())
                if not _ABBREV_RE.search(line.group()[:m.end()])]
        pending: int | None = None
        for cut in cuts + [len(line.group())]:
            s, e = pos, line.start() + cut
            pos = e
            seg = text[s:e]
            if not seg.strip():
                continue
            begin = pending if pending is not None else s
            if len(_WORD_RE.findall(text[begin:e])) < min_words:
                pending = begin
                continue
            spans.append(_trim(text, begin, e))
            pending = None
        if pending is not None and text[pending:line.end()].strip():
            spans.append(_trim(text, pending, line.end()))
    return spans


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def sentences(text: str) -> list[Sentence]:
    return [Sentence.make(text, s, e) for s, e in split_sentences(text)]


# ---- alignment -------------------------------------------------------------------------

def sentence_similarity(a: Sentence, b: Sentence) -> float:
    """Closeness of two sentences in [0, 1], robust to reordering and a few changed words.

    The mean of word Dice and word-bigram Dice: words alone make any two sentences on
    one topic look alike; bigrams alone punish every swapped word.  A sentence found
    whole inside a longer one (a quotation with "X said" around it) scores by
    containment.
    """
    if not a.uni or not b.uni:
        return 0.0
    uni = 2 * len(a.uni & b.uni) / (len(a.uni) + len(b.uni))
    if a.bi and b.bi:
        shared_bi = len(a.bi & b.bi)
        bi = 2 * shared_bi / (len(a.bi) + len(b.bi))
        small = min(len(a.bi), len(b.bi))
        contained = shared_bi / small if small >= 7 else 0.0
    else:
        bi, contained = uni, 0.0
    return max((uni + bi) / 2, 0.9 * contained)


def bigram_index(sents: list[Sentence]) -> dict[tuple, list[int]]:
    """Word bigram -> numbers of the sentences holding it."""
    index: dict[tuple, list[int]] = defaultdict(list)
    for j, s in enumerate(sents):
        for bg in s.bi:
            index[bg].append(j)
    return index


def _match_sentences(sa: list[Sentence], sb: list[Sentence], *, min_similarity: float,
                     b_index: dict[tuple, list[int]] | None = None) -> list[tuple[int, int, float]]:
    """One-to-one sentence matches (greedy by similarity), found through a bigram index.

    ``b_index`` is :func:`bigram_index` of ``sb`` when the caller keeps it (a text aligned
    with many others).
    """
    index = b_index if b_index is not None else bigram_index(sb)
    shared = index.keys()
    scored = []
    for i, s in enumerate(sa):
        hits: Counter = Counter()
        # only the bigrams the other text has (a set operation in C): most have none
        for bg in s.bi & shared:
            for j in index[bg]:
                hits[j] += 1
        for j, n in hits.items():
            if n < 3:
                continue
            sim = sentence_similarity(s, sb[j])
            if sim >= min_similarity:
                scored.append((sim, i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_a, used_b, out = set(), set(), []
    for sim, i, j in scored:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((i, j, sim))
    out.sort()
    return out


def _passages(sa, sb, matches) -> list[dict]:
    """Runs of matches consecutive in both texts become one passage."""
    out: list[dict] = []
    run: list[tuple[int, int, float]] = []

    def flush():
        if not run:
            return
        weights = [len(sa[i].tokens) for i, _, _ in run]
        sim = sum(w * s for w, (_, _, s) in zip(weights, run)) / max(1, sum(weights))
        bs = [j for _, j, _ in run]
        out.append({"a_start": sa[run[0][0]].start, "a_end": sa[run[-1][0]].end,
                    "b_start": sb[min(bs)].start, "b_end": sb[max(bs)].end,
                    "similarity": round(sim, 3), "sentences": len(run),
                    "strong": sum(1 for _, _, s in run if s >= STRONG),
                    "a_words": sum(weights), "b_words": sum(len(sb[j].tokens) for j in bs)})

    for m in matches:
        if run and m[0] == run[-1][0] + 1 and m[1] == run[-1][1] + 1:
            run.append(m)
        else:
            flush()
            run = [m]
    flush()
    return out


def align(a_text: str, b_text: str, *, min_similarity: float = MIN_SIMILARITY) -> list[dict]:
    """Passages of ``a_text`` found again in ``b_text``, in the order of ``a_text``.

    Each passage is ``{a_start, a_end, b_start, b_end, similarity}`` (offsets into the two
    texts; similarity is the word-weighted mean over its sentences) plus counts
    (``sentences``, ``strong``: sentences at or above :data:`STRONG`, ``a_words``, ``b_words``).
    """
    return align_sentences(sentences(a_text or ""), sentences(b_text or ""), min_similarity=min_similarity)


def align_sentences(sa: list[Sentence], sb: list[Sentence], *, min_similarity: float = MIN_SIMILARITY,
                    b_index: dict[tuple, list[int]] | None = None) -> list[dict]:
    """:func:`align` over texts already cut into sentences (a text aligned with many others is
    cut once, and its bigram index, ``b_index``, built once)."""
    if not sa or not sb:
        return []
    return _passages(sa, sb, _match_sentences(sa, sb, min_similarity=min_similarity, b_index=b_index))


# ---- candidates: MinHash LSH over sentences ----------------------------------------------

def _permutations() -> np.ndarray:
    """(a, b) of the NUM_PERM affine permutations h -> a*h + b mod 2^32 (odd a), drawn as
    datasketch 2.x's MinHash draws them for its "affine32" scheme with seed 1, so signatures
    equal that library's (tested) without importing it (it pulls in scipy: seconds)."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return np.array([a, b])


_SIGNATURE_CHUNK = 4096
_EMPTY = np.uint32(0xFFFFFFFF)


def _hash32(item: str) -> int:
    # the first 4 bytes of SHA-1, little-endian: datasketch's default hash of a shingle
    return int.from_bytes(hashlib.sha1(item.encode("utf-8")).digest()[:4], "little")


def _fmix32(hv: np.ndarray) -> np.ndarray:
    # MurmurHash3's finaliser: datasketch mixes every hash with it before permuting
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def signatures(item_sets: list[Iterable[str]], perms: np.ndarray) -> np.ndarray:
    """MinHash signatures ((sets, NUM_PERM) uint32) of several sets of strings at once.

    All items are hashed into one vector and permuted as one matrix, in chunks of
    :data:`_SIGNATURE_CHUNK` items (a sentence of a million words costs megabytes, not
    gigabytes); the minimum per set is taken with one ``reduceat`` per chunk.
    """
    out = np.full((len(item_sets), NUM_PERM), _EMPTY, dtype=np.uint32)
    owner: list[int] = []
    hashes: list[int] = []
    for i, items in enumerate(item_sets):
        for s in items:
            hashes.append(_hash32(s))
            owner.append(i)
    if not hashes:
        return out
    a, b = perms
    hv_all = np.array(hashes, dtype=np.uint32)
    owner_all = np.array(owner, dtype=np.int64)
    with np.errstate(over="ignore"):
        for lo in range(0, len(hv_all), _SIGNATURE_CHUNK):
            hv = _fmix32(hv_all[lo:lo + _SIGNATURE_CHUNK])
            own = owner_all[lo:lo + _SIGNATURE_CHUNK]
            phv = hv[:, None] * a[None, :] + b[None, :]
            starts = np.flatnonzero(np.r_[True, own[1:] != own[:-1]])
            mins = np.minimum.reduceat(phv, starts, axis=0)
            rows = own[starts]
            out[rows] = np.minimum(out[rows], mins)
    return out


def _signature(items: Iterable[str], perms: np.ndarray) -> np.ndarray:
    return signatures([list(items)], perms)[0]


def _indexable(text: str) -> list[list[str]]:
    out = []
    for s, e in split_sentences(text):
        toks = [w for w, _, _ in words(text[s:e])]
        if len(toks) >= MIN_INDEXED_WORDS:
            out.append(toks)
    return out


def _content_words(tokens: list[str]) -> set[str]:
    return {t for t in tokens if t not in STOP_WORDS and len(t) > 1}


def lsh_params(threshold: float, *, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) minimising the weighted false positive and negative areas.

    The same optimum as datasketch's MinHashLSH (equal weights), so candidates are those
    that index would give.
    """
    def area(f, lo, hi, n=200):
        step = (hi - lo) / n
        return sum(f(lo + (i + 0.5) * step) for i in range(n)) * step

    best, params = float("inf"), (1, 1)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = area(lambda s: 1 - (1 - s ** r) ** b, 0.0, threshold)
            fn = area(lambda s: 1 - (1 - (1 - s ** r) ** b), threshold, 1.0)
            err = 0.5 * fp + 0.5 * fn
            if err < best:
                best, params = err, (b, r)
    return params


_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)
_MERGE_MIN = 4096   # rows kept unsorted before they are merged into the sorted band arrays


class _BandTable:
    """The LSH tables of one signature kind as sorted numpy arrays (no Python object per row).

    Each row (one sentence) is cut into ``bands`` bands of ``rows`` signature values; a
    band is kept as one 64-bit hash of its values.  Two sentences are candidates when any
    band hash is equal (a 64-bit hash: an accidental equality is vanishingly rare, and
    alignment decides anyway).  Rows are appended to a small unsorted tail (looked up
    through dicts), merged into the sorted arrays when it outgrows a sixteenth of them;
    the merge sort runs over an already sorted prefix, so it is close to linear.
    """

    def __init__(self, bands: int, rows: int):
        self.bands, self.rows = bands, rows
        self._keys = np.empty((bands, 0), dtype=np.uint64)   # sorted per band
        self._owner = np.empty((bands, 0), dtype=np.int32)   # document number of each key
        self._tail_keys: list[np.ndarray] = []                # (n, bands) blocks
        self._tail_owner: list[np.ndarray] = []
        self._tail_len = 0
        # the unsorted tail is also kept as one dict per band (hash -> owners), so a query
        # looks it up instead of comparing against every tail row
        self._tail_maps: list[dict[int, list[int]]] = [{} for _ in range(bands)]

    def hashes(self, sigs: np.ndarray) -> np.ndarray:
        """(n, bands) uint64 band hashes of (n, NUM_PERM) signatures."""
        n = len(sigs)
        cut = sigs[:, :self.bands * self.rows].astype(np.uint64).reshape(n, self.bands, self.rows)
        h = np.zeros((n, self.bands), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(self.rows):
                h = (h ^ cut[:, :, k]) * _MIX
                h ^= h >> np.uint64(31)
            h = (h ^ (h >> np.uint64(29))) * _MIX2
        return h

    def add(self, keys: np.ndarray, owner: int) -> None:
        if not len(keys):
            return
        self._tail_keys.append(keys)
        self._tail_owner.append(np.full(len(keys), owner, dtype=np.int32))
        self._tail_len += len(keys)
        for j, col in enumerate(keys.T.tolist()):
            m = self._tail_maps[j]
            for h in col:
                m.setdefault(h, []).append(owner)
        if self._tail_len >= max(_MERGE_MIN, self._keys.shape[1] // 16):
            self._merge()

    def _merge(self) -> None:
        # band by band: the temporaries of one sort are one band's, not the whole table's
        tail_keys = np.concatenate(self._tail_keys)        # (rows, bands)
        tail_owner = np.concatenate(self._tail_owner)
        n = self._keys.shape[1] + len(tail_owner)
        keys = np.empty((self.bands, n), dtype=np.uint64)
        owner = np.empty((self.bands, n), dtype=np.int32)
        for j in range(self.bands):
            k = np.concatenate([self._keys[j], tail_keys[:, j]])
            o = np.concatenate([self._owner[j], tail_owner])
            order = np.argsort(k, kind="stable")
            keys[j], owner[j] = k[order], o[order]
        self._keys, self._owner = keys, owner
        self._tail_keys, self._tail_owner, self._tail_len = [], [], 0
        self._tail_maps = [{} for _ in range(self.bands)]

    def query(self, keys: np.ndarray) -> list[set[int]]:
        """For each row of ``keys``: the document numbers sharing a band hash with it."""
        out: list[set[int]] = [set() for _ in range(len(keys))]
        rows, owners = self.query_pairs(keys)
        for i, n in zip(rows.tolist(), owners.tolist()):
            out[i].add(n)
        return out

    def query_pairs(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row of ``keys``, document number) for every band hash shared, as two arrays
        (repeats possible).  Arrays, not a set per row: a sentence of a wire story carried
        by thousands of documents hits thousands of rows."""
        rows_l: list[np.ndarray] = []
        owners_l: list[np.ndarray] = []
        for j in range(self.bands if len(keys) else 0):
            col = self._keys[j]
            lo = np.searchsorted(col, keys[:, j], side="left")
            hi = np.searchsorted(col, keys[:, j], side="right")
            nz = np.flatnonzero(hi > lo)
            if not len(nz):
                continue
            reps = (hi - lo)[nz]
            # the index ranges lo..hi of every hit row, laid end to end
            offsets = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
            rows_l.append(np.repeat(nz, reps))
            owners_l.append(self._owner[j, np.repeat(lo[nz], reps) + offsets])
        if self._tail_len and len(keys):
            rows, owners = [], []
            for j, col in enumerate(keys.T.tolist()):
                m = self._tail_maps[j]
                for i, h in enumerate(col):
                    found = m.get(h)
                    if found:
                        rows.extend([i] * len(found))
                        owners.extend(found)
            rows_l.append(np.array(rows, dtype=np.int64))
            owners_l.append(np.array(owners, dtype=np.int32))
        if not rows_l:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
        return np.concatenate(rows_l).astype(np.int64), np.concatenate(owners_l).astype(np.int64)

    def nbytes(self) -> int:
        return self._keys.nbytes + self._owner.nbytes + sum(k.nbytes for k in self._tail_keys)


@dataclass
class _Entry:
    number: int                 # the document's number in the band tables
    published: tuple[str | None, str | None]
    bands: np.ndarray | None    # (sentences, bands) uint64: band hashes of 5-word shingle signatures
    wbands: np.ndarray | None   # (sentences, word bands) uint64: of content-word-set signatures
    # (None once released: the store keeps them, see ReuseIndex.entry)


INDEX_VERSION = 2


class ReuseIndex:
    """Sentence signatures of every document seen, and the LSH tables over them.

    Two signatures per sentence: over 5-word shingles (verbatim copying) and over the set
    of content words (a rewrite that swaps words and reorders clauses keeps most of them,
    while its shingles break).  Either table's hit makes a candidate; alignment decides.
    Only the band hashes of a signature are kept (``bands`` 64-bit values a sentence
    instead of 128), in numpy arrays: memory per document is a few kilobytes.
    Persist with :meth:`to_bytes` / :meth:`from_bytes`, or per document with
    :meth:`entry` / :meth:`add_entry` (what the corpus stage keeps in the store).
    """

    def __init__(self, *, threshold: float = LSH_THRESHOLD, word_threshold: float = WORD_LSH_THRESHOLD):
        self.threshold = threshold
        self.word_threshold = word_threshold
        self._table = _BandTable(*_params(threshold))
        self._wtable = _BandTable(*_params(word_threshold))
        self._docs: dict[str, _Entry] = {}
        self._names: list[str | None] = []     # document number -> name (None once removed)
        self._perms = _permutations()

    def __contains__(self, name: str) -> bool:
        return name in self._docs

    def __len__(self) -> int:
        return len(self._docs)

    def names(self) -> list[str]:
        return list(self._docs)

    def published(self, name: str) -> tuple[str | None, str | None]:
        return self._docs[name].published if name in self._docs else (None, None)

    def remove(self, name: str) -> None:
        # the rows stay in the band tables; a dead number is skipped by every query
        entry = self._docs.pop(name, None)
        if entry is not None:
            self._names[entry.number] = None

    def add(self, doc_name: str, text: str, published: DateWindow | tuple | None = None) -> list[tuple[str, int]]:
        """Index a document; return earlier documents sharing sentences, as (name, shared count).

        Re-adding a name replaces its earlier entry (a reprocessed document).
        """
        self.remove(doc_name)
        units = _indexable(text or "")
        sigs = signatures([shingles(toks) for toks in units], self._perms)
        wsets = [w for w in (_content_words(toks) for toks in units) if len(w) >= MIN_CONTENT_WORDS]
        wsigs = signatures(wsets, self._perms)
        bands, wbands = self._table.hashes(sigs), self._wtable.hashes(wsigs)
        # hits: the distinct (sentence x table) units of this text each earlier document shares;
        # counted in numpy, since a stock sentence can be shared by thousands of documents
        r1, o1 = self._table.query_pairs(bands)
        r2, o2 = self._wtable.query_pairs(wbands)
        units = np.concatenate([r1, len(bands) + r2])     # shingle rows, then word rows
        owners = np.concatenate([o1, o2])
        width = len(bands) + len(wbands) + 1
        numbers, counts = np.unique(np.unique(owners * width + units) // width, return_counts=True)
        self._insert(doc_name, _published_pair(published), bands, wbands)
        # Cheap filter before any alignment: a single weak hit is a shared stock phrase far
        # more often than copying; the cap keeps the cost per new document flat in corpus size.
        found = []
        for n, c in zip(numbers.tolist(), counts.tolist()):
            other = self._names[n] if c >= MIN_HITS else None
            if other is not None and other != doc_name:
                found.append((other, c))
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]

    def _insert(self, name: str, published, bands: np.ndarray, wbands: np.ndarray, *, keep: bool = True) -> None:
        self.remove(name)
        number = len(self._names)
        self._names.append(name)
        self._docs[name] = _Entry(number, tuple(published), bands if keep else None, wbands if keep else None)
        self._table.add(bands, number)
        self._wtable.add(wbands, number)

    # ---- persistence ------------------------------------------------------------------------
    def entry(self, name: str, *, release: bool = False) -> tuple[tuple[str | None, str | None], bytes, bytes]:
        """(published pair, band hashes, word band hashes) of one document, for the store.

        ``release``: the caller keeps the entry (the corpus step stores it as a row), so the
        index drops its copy of the band hashes (its tables still hold them for queries).
        """
        e = self._docs[name]
        if e.bands is None or e.wbands is None:
            raise ValueError(f"reuse index entry {name!r} was released to the store")
        out = e.published, e.bands.astype("<u8").tobytes(), e.wbands.astype("<u8").tobytes()
        if release:
            e.bands = e.wbands = None
        return out

    def add_entry(self, name: str, published, bands: bytes, wbands: bytes, *, keep: bool = True) -> None:
        """Put back a document stored with :meth:`entry` (no text needed); ``keep=False``
        when the store keeps the entry and the index only needs its tables."""
        self._insert(name, tuple(published), self._decode(bands, self._table.bands),
                     self._decode(wbands, self._wtable.bands), keep=keep)

    @staticmethod
    def _decode(raw: bytes, width: int) -> np.ndarray:
        return np.frombuffer(raw, dtype="<u8").astype(np.uint64).reshape(-1, width)

    def settings(self) -> dict:
        """What must match for stored entries to be comparable with this index's."""
        return {"version": INDEX_VERSION, "num_perm": NUM_PERM, "shingle": SHINGLE, "scheme": SCHEME,
                "threshold": self.threshold, "word_threshold": self.word_threshold}

    def to_bytes(self) -> bytes:
        def enc(arr: np.ndarray) -> str:
            return base64.b64encode(arr.astype("<u8").tobytes()).decode("ascii")

        if any(e.bands is None or e.wbands is None for e in self._docs.values()):
            raise ValueError("reuse index entries were released to the store; it cannot be saved whole")
        docs = {name: {"published": list(e.published), "bands": enc(e.bands), "wbands": enc(e.wbands)}
                for name, e in self._docs.items()}
        return json.dumps({**self.settings(), "docs": docs}).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> "ReuseIndex":
        raw = json.loads(data.decode("utf-8"))
        idx = cls(threshold=raw.get("threshold", LSH_THRESHOLD),
                  word_threshold=raw.get("word_threshold", WORD_LSH_THRESHOLD))
        if {k: raw.get(k) for k in idx.settings()} != idx.settings():
            # signatures made differently cannot be compared: start empty, the caller re-adds texts
            log.warning("reuse index state was built with other settings; rebuild it from stored texts")
            return idx
        for name, d in raw["docs"].items():
            idx.add_entry(name, d["published"], base64.b64decode(d["bands"]), base64.b64decode(d["wbands"]))
        return idx


def _params(threshold: float) -> tuple[int, int]:
    return _LSH_PARAMS.get(threshold) or lsh_params(threshold)


# (bands, rows) for the default thresholds, as lsh_params computes them (a second's search)
_LSH_PARAMS = {0.3: (37, 3), 0.5: (25, 5)}


def _published_pair(p) -> tuple[str | None, str | None]:
    if p is None:
        return (None, None)
    if isinstance(p, DateWindow):
        # A window inferred from the text's content is too loose to say who copied whom.
        if p.source == "inferred":
            return (None, None)
        return (p.earliest, p.latest)
    return (p[0], p[1])


# ---- deciding the relation -------------------------------------------------------------

@dataclass
class _Side:
    name: str
    text: str                   # article text (offsets as in Document.text)
    published: tuple[str | None, str | None]
    outlet: str | None = None

    @cached_property
    def sents(self) -> list[Sentence]:
        return sentences(self.text)

    @cached_property
    def bigrams(self) -> dict[tuple, list[int]]:
        return bigram_index(self.sents)

    @cached_property
    def n_words(self) -> int:
        return sum(len(s.tokens) for s in self.sents) or 1

    @cached_property
    def numbers(self) -> set[str]:
        return _numbers(self.text)

    @cached_property
    def sources(self) -> set[str]:
        return _sources(self.text)


_NUMBER_RE = re.compile(r"\b\d[\d,.]*\b")
_SOURCE_RE = re.compile(
    r"according to (?:the |a |an )?((?:[A-Z][\w'’.&-]*\s?){1,6})"
    r"|((?:[A-Z][\w'’.&-]*\s){1,5})(?:said|says|reported|reports|stated|told)\b")


def _numbers(text: str) -> set[str]:
    out = set()
    for m in _NUMBER_RE.finditer(text):
        n = m.group().rstrip(".,").replace(",", "")
        if len(n) >= 2 and not re.fullmatch(r"(19|20)\d\d", n):   # years are shared by any two stories
            out.add(n)
    return out


def _sources(text: str) -> set[str]:
    return {normalise((m.group(1) or m.group(2)).strip()) for m in _SOURCE_RE.finditer(text)}


def _cues(text: str) -> set[str]:
    text = normalise(text)
    if _WORDS["credit_any"] is None or _WORDS["credit_any"].search(text) is None:
        return set()
    return {c for c, rx in _WORDS["credit_res"] if rx.search(text)}


def _credited(side: _Side, start: int, end: int, source_passage: str, other_outlet: str | None) -> bool:
    """A passage is credited when it is quoted and a credit phrase stands beside it.

    The neighbourhood is the copier's paragraph around and inside the passage; a credit
    phrase that the source passage itself contains ("according to an officer") does not
    count, nor does a quotation mark copied with it.  Naming the other outlet with a
    reporting verb nearby also counts.
    """
    text = side.text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[max(line_start, start - 200):start]
    context = before + " " + text[start:min(line_end, end + 200)]
    lead = (before.rstrip()[-1:] or text[start:start + 1])
    opens = sum(ch in _WORDS["open"] for ch in before.replace("'", ""))
    quoted = (lead in _WORDS["open"] or opens % 2 == 1) and source_passage.lstrip()[:1] not in _WORDS["open"]
    if not quoted and not other_outlet:
        return False
    cues = _cues(context)
    if cues:   # the source passage's own cues are read only when the context has some
        cues -= _cues(source_passage)
    if not cues:
        return False
    return quoted or (normalise(other_outlet) in normalise(context)
                      and normalise(other_outlet) not in normalise(source_passage))


def _direction(a: _Side, b: _Side, share_a: float, share_b: float) -> tuple[_Side, _Side]:
    """(copier, source): the later one when dates tell, else the one mostly made of the other."""
    a_early, a_late = a.published
    b_early, b_late = b.published
    if a_early and b_late and a_early > b_late:
        return a, b
    if b_early and a_late and b_early > a_late:
        return b, a
    if abs(share_a - share_b) > 0.02:
        return (a, b) if share_a > share_b else (b, a)
    return (a, b) if a.name > b.name else (b, a)


def classify(a: _Side, b: _Side, passages: list[dict]) -> tuple[str, _Side, _Side, list[dict]] | None:
    """The relation between two texts from their aligned passages, or None.

    Returns (relation, copier, source, passages oriented copier -> source).
    Thresholds rest on copied text, never on shared topic or names:
      duplicate:          both texts >= 80% covered, mean similarity >= 0.85
      copies_with_edits:  >= 3 strongly aligned sentences covering >= 25% of the copier
                          (or >= 2 covering >= 50% of a short copier, or >= 150 copied words)
      quotes:             a credited aligned passage (quotation marks plus a credit phrase,
                          or the other outlet named with one)
      same_underlying_report: some aligned text, plus >= 2 shared distinctive numbers and a
                          shared named source ("according to X", "X said") — conservative.
    """
    if not passages:
        return None
    a_words = sum(p["a_words"] for p in passages)
    b_words = sum(p["b_words"] for p in passages)
    share_a, share_b = a_words / a.n_words, b_words / b.n_words
    copier, source = _direction(a, b, share_a, share_b)
    flipped = copier is b
    oriented = [_flip(p) for p in passages] if flipped else passages
    share = share_b if flipped else share_a
    strong = sum(p["strong"] for p in oriented)
    copied_words = sum(p["a_words"] for p in oriented)
    mean_sim = sum(p["similarity"] * p["a_words"] for p in oriented) / max(1, copied_words)

    if min(share_a, share_b) >= 0.8 and mean_sim >= 0.85:
        return "duplicate", copier, source, oriented
    if (strong >= 3 and share >= 0.25) or (strong >= 2 and share >= 0.5) or (strong >= 3 and copied_words >= 150):
        return "copies_with_edits", copier, source, oriented
    for quoter, other, ps in ((a, b, passages), (b, a, [_flip(p) for p in passages])):
        credited = [p for p in ps if p["a_words"] >= 8 and p["similarity"] >= STRONG
                    and _credited(quoter, p["a_start"], p["a_end"], other.text[p["b_start"]:p["b_end"]], other.outlet)]
        if credited:
            return "quotes", quoter, other, credited
    # numbers and named sources are read from the texts only when the aligned text could count
    if strong >= 1 and len(a.numbers & b.numbers) >= 2 and a.sources & b.sources:
        return "same_underlying_report", copier, source, oriented
    return None


def _flip(p: dict) -> dict:
    return {**p, "a_start": p["b_start"], "a_end": p["b_end"], "b_start": p["a_start"], "b_end": p["a_end"],
            "a_words": p["b_words"], "b_words": p["a_words"]}


def _evidence(relation: str, copier: _Side, source: _Side, passages: list[dict]) -> tuple[str, float]:
    copied = sum(p["a_words"] for p in passages)
    share = copied / copier.n_words
    best = max(passages, key=lambda p: (p["a_words"], p["similarity"]))
    sample = " ".join(copier.text[best["a_start"]:best["a_end"]].split())
    if len(sample) > 200:
        sample = sample[:197] + "..."
    mean = sum(p["similarity"] * p["a_words"] for p in passages) / max(1, copied)
    desc = (f"{relation}: {len(passages)} aligned passage(s), {sum(p['sentences'] for p in passages)} sentence(s), "
            f"{share:.0%} of this text found in {source.name} (mean similarity {mean:.2f}); e.g. \"{sample}\"")
    return desc, round(share, 3)


def reuse_between(a: _Side, b: _Side) -> tuple[str, Reuse] | None:
    """(copier name, Reuse pointing at the other) for two texts, or None."""
    res = classify(a, b, align_sentences(a.sents, b.sents, b_index=b.bigrams))
    if res is None:
        return None
    relation, copier, source, passages = res
    evidence, share = _evidence(relation, copier, source, passages)
    keep = [{k: p[k] for k in ("a_start", "a_end", "b_start", "b_end", "similarity")} for p in passages]
    return copier.name, Reuse(other=source.name, relation=relation, evidence=evidence, share=share, passages=keep)


# Reuse looks at the head of a huge text only (offsets stay valid): a 10 MB single line
# would otherwise cost gigabytes of shingles and word tuples.
MAX_REUSE_CHARS = 1_000_000


def _reuse_text(doc: Document) -> str:
    return doc.article_text()[:MAX_REUSE_CHARS]


def _side(doc: Document) -> _Side:
    return _Side(doc.doc, _reuse_text(doc), _published_pair(doc.published), doc.outlet)


def find_reuse(docs: list[Document], *, index: ReuseIndex | None = None,
               fetch: Callable[[str], Document | None] | None = None,
               sides: MutableMapping[str, "_Side | None"] | None = None) -> dict[str, list[Reuse]]:
    """Outgoing reuse links found for ``docs``, keyed by the copying document's name.

    New documents are checked against each other and against ``index`` (documents seen
    before, which the call extends).  Earlier documents are read back through ``fetch``
    (name -> Document) for alignment; without it only pairs inside ``docs`` are aligned.
    A key may be an earlier document: a new document can be the *source* of an earlier
    copy when its publication date is earlier.  Every name in ``docs`` is a key.
    ``sides`` keeps the cut texts of earlier documents between calls (the caller bounds it).
    """
    index = index if index is not None else ReuseIndex()
    batch = {d.doc: d for d in docs}
    pairs: set[tuple[str, str]] = set()
    for doc in sorted(docs, key=lambda d: d.doc):
        for other, _ in index.add(doc.doc, _reuse_text(doc), doc.published):
            pairs.add(tuple(sorted((doc.doc, other))))
    out: dict[str, list[Reuse]] = {name: [] for name in batch}
    mine: dict[str, _Side | None] = {}   # this call's documents: a text in many pairs is cut once
    earlier = sides if sides is not None else {}

    def side(name: str) -> _Side | None:
        if name in batch:
            if name not in mine:
                mine[name] = _side(batch[name])
            return mine[name]
        if name not in earlier:
            d = fetch(name) if fetch else None
            earlier[name] = _side(d) if d is not None else None
        return earlier[name]

    for x, y in sorted(pairs):
        sx, sy = side(x), side(y)
        if sx is None or sy is None:
            log.debug("reuse candidate %s~%s skipped: text of an earlier document not available", x, y)
            continue
        found = reuse_between(sx, sy)
        if found:
            copier, reuse = found
            out.setdefault(copier, []).append(reuse)
    if sides is not None:   # this call's documents are earlier ones for the next call
        for name, sd in mine.items():
            earlier[name] = sd
    return out


class DisjointSets:
    """Union-find over strings; each set is named by its smallest member (order-free)."""

    def __init__(self):
        self._parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self._parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self._parent[max(rx, ry)] = min(rx, ry)

    def mapping(self) -> dict[str, str]:
        """Every member seen -> the name of its set."""
        return {x: self.find(x) for x in list(self._parent)}


def source_groups(pairs: Mapping[str, Iterable[Reuse]] | Iterable[tuple[str, str]], *,
                  docs: Iterable[str] = ()) -> dict[str, str]:
    """Documents linked by reuse form one independent source: doc name -> group id.

    ``pairs`` is the output of :func:`find_reuse` (or all stored links), or (a, b) name
    pairs.  The group id is the smallest document name in the group, so it does not
    depend on the order links were found.  Names in ``docs`` without links get their own group.
    """
    sets = DisjointSets()
    if isinstance(pairs, Mapping):
        edges = [(k, r.other) for k, rs in pairs.items() for r in rs]
        for k in pairs:
            sets.find(k)
    else:
        edges = list(pairs)
    for x, y in edges:
        sets.union(x, y)
    for d in docs:
        sets.find(d)
    return sets.mapping()
