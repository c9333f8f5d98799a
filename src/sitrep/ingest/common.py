"""Helpers every input form shares: ids, bounded reading, decoding, dates, language.

Readers raise :class:`~sitrep.errors.InputError` for one bad file or record; the
dispatcher in :mod:`sitrep.ingest` turns it into a :class:`~sitrep.model.Quarantined`.
"""
from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import gzip
import hashlib
import logging
import os
import re
import unicodedata
import zlib

from ..errors import InputError
from ..model import DateWindow, Document
from ..settings import Settings

log = logging.getLogger(__name__)

_CHUNK = 1 << 16

# Leading bytes of common non-text formats (what we name in the quarantine reason).
_MAGIC = (
    (b"%PDF", "PDF"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"), (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX)"),
    (b"\x7fELF", "ELF executable"), (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0", "MS Office document"), (b"7z\xbc\xaf", "7z archive"),
    (b"Rar!", "RAR archive"), (b"\x1f\x8b", "gzip data"), (b"BZh", "bzip2 data"),
    (b"SQLite format 3", "SQLite database"), (b"OggS", "Ogg media"), (b"ID3", "MP3 audio"),
    (b"RIFF", "RIFF media"), (b"\x00\x00\x00\x18ftyp", "MP4 video"), (b"\x00\x00\x00\x20ftyp", "MP4 video"),
)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WS = re.compile(r"\s+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def doc_id(text: str) -> str:
    """Stable id: sha256 of the NFC text with whitespace runs collapsed, first 16 hex chars."""
    # Hashed piece by piece: one re.sub over a 10 MB text holds a million pieces at once
    # (>100 MB).  Same digest as hashing _WS.sub(" ", nfc).strip() in one go.
    nfc = unicodedata.normalize("NFC", text)
    h = hashlib.sha256()
    started = pending = False
    for i in range(0, len(nfc), _CHUNK):
        piece = _WS.sub(" ", nfc[i:i + _CHUNK])
        core = piece.strip(" ")
        if not core:
            pending = pending or (started and bool(piece))
            continue
        if started and (pending or piece[0] == " "):
            h.update(b" ")
        h.update(core.encode("utf-8"))
        started, pending = True, piece[-1] == " "
    return h.hexdigest()[:16]


def fingerprint(path: str) -> tuple[int, int]:
    """(size, mtime_ns) of a file, for the store's "already ingested unchanged" check."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def base_name(path: str) -> str:
    """File name without directory and without its (possibly double) extension."""
    name = os.path.basename(path)
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, _ = os.path.splitext(name)
    if stem.lower().endswith(".warc"):
        stem = stem[:-5]
    return stem or name


# ---- bounded reading ------------------------------------------------------------------

def read_file(path: str, *, settings: Settings) -> bytes:
    """The bytes of ``path`` (already checked against the size limit), inflated when gzipped."""
    with open(path, "rb") as fh:
        data = fh.read(settings.max_bytes + 1)
    if path.lower().endswith(".gz") and data[:2] == b"\x1f\x8b":
        data = inflate(data, source=path, limit=settings.max_inflate)
    return data


def inflate(data: bytes, *, source: str, limit: int) -> bytes:
    """Gunzip in chunks, stopping as soon as the output passes ``limit`` (decompression bombs)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    try:
        for i in range(0, len(data), _CHUNK):
            out += d.decompress(data[i:i + _CHUNK], limit + 1 - len(out))
            while d.unconsumed_tail and len(out) <= limit:
                out += d.decompress(d.unconsumed_tail, limit + 1 - len(out))
            if len(out) > limit:
                raise InputError("E213", source=source, limit=limit)
            if d.eof:
                break
    except zlib.error as exc:
        raise InputError("E204", source=source, reason=f"corrupt gzip data ({exc})") from exc
    if not d.eof:  # zlib returns what it could without complaint: a cut file ends early
        raise InputError("E204", source=source, reason="truncated gzip data (the file ends inside the stream)")
    return bytes(out)


def open_gzip_limited(path: str, *, limit: int):
    """A file object over a gzip file that fails with E213 once ``limit`` bytes were read."""
    return _LimitedReader(gzip.open(path, "rb"), source=path, limit=limit)


class _LimitedReader:
    def __init__(self, raw, *, source: str, limit: int):
        self.raw, self.source, self.limit, self.count = raw, source, limit, 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n if n is not None and n >= 0 else self.limit + 1 - self.count)
        self.count += len(data)
        if self.count > self.limit:
            raise InputError("E213", source=self.source, limit=self.limit)
        return data

    def readline(self, n: int = -1) -> bytes:
        data = self.raw.readline(n if n is not None and n >= 0 else self.limit + 1 - self.count)
        self.count += len(data)
        if self.count > self.limit:
            raise InputError("E213", source=self.source, limit=self.limit)
        return data

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self) -> None:
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---- decoding ---------------------------------------------------------------------------

def binary_kind(data: bytes) -> str | None:
    """Name of the binary format ``data`` looks like, or None if it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if any(data.startswith(bom) for bom, _ in _BOMS) or _utf16_guess(data):
        return None
    head = data[:4096]
    if not head:
        return None
    nuls = head.count(0)
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    # A few stray NULs are repaired; many control bytes mean the file is not text.
    if nuls > len(head) * 0.1 or controls > len(head) * 0.3:
        return "binary data (control bytes)"
    return None


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM: text in Latin script leaves NULs in every other byte."""
    head = data[:2048]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.6 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.6 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def decode(data: bytes, *, source: str, record: str | None = None) -> tuple[str, list[str]]:
    """Bytes to text, with the flags that say what was repaired.

    UTF-8 first (with or without BOM), then BOMs and BOM-less UTF-16, then
    charset-normalizer's best guess (Latin-1, Windows-1252, Windows-1256 ...).
    """
    what = binary_kind(data)
    if what:
        raise InputError("E203", source=source, record=record, what=what)
    flags: list[str] = []
    text = _decode_known(data)
    if text is None:
        text, enc = _decode_guess(data, source=source, record=record)
        flags.append(f"encoding:{enc}")
    if "\x00" in text:
        text = text.replace("\x00", "")
        flags.append("nul-bytes-removed")
    return text, flags


def _decode_known(data: bytes) -> str | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    enc16 = _utf16_guess(data)
    if enc16:
        return data.decode(enc16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode_guess(data: bytes, *, source: str, record: str | None) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("E204", source=source, record=record,
                         reason="not valid UTF-8 and no other encoding fits")
    return str(best), best.encoding


# ---- dates --------------------------------------------------------------------------------

def parse_date(value) -> str | None:
    """An ISO date (YYYY-MM-DD) from a metadata date value, or None."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, str) or not value.strip():
        return None
    m = _ISO_DATE.search(value)
    if m and _valid(*map(int, m.groups())):
        return m.group(0)
    parsed = email.utils.parsedate_tz(value)       # RFC 822, as in RSS
    if parsed and _valid(*parsed[:3]):
        return f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}"
    import dateparser  # slow to import: only for the odd formats

    got = dateparser.parse(value, settings={"STRICT_PARSING": True})
    return got.strftime("%Y-%m-%d") if got else None


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return 1900 <= y <= 2100


def published(value, *, evidence: str) -> DateWindow:
    day = parse_date(value)
    if day is None:
        return DateWindow()
    return DateWindow(earliest=day, latest=day, precision="day", source="metadata", evidence=evidence)


# ---- language ----------------------------------------------------------------------------

class Context:
    """What one ingest run shares: settings, the language detector and the furniture
    vocabulary, each built on first use (one per process, never a module global)."""

    SAMPLE = 2000
    MIN_CONFIDENCE = 0.5

    def __init__(self, settings: Settings):
        self.settings = settings
        self._detector = None
        self._vocabulary = None
        self._outlets = None

    @property
    def outlets(self):
        if self._outlets is None:
            from .outlets import Outlets
            self._outlets = Outlets.load()
        return self._outlets

    @property
    def vocabulary(self):
        if self._vocabulary is None:
            from ..clean import Vocabulary
            self._vocabulary = Vocabulary.load()
        return self._vocabulary

    def _build_detector(self):
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, c.upper()) for c in self.settings.languages
                 if hasattr(IsoCode639_1, c.upper())]
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def language(self, text: str) -> str | None:
        """ISO 639-1 code of the text's language (first ~2000 chars); None when too short or unsure."""
        sample = text[: self.SAMPLE]
        if sum(ch.isalpha() for ch in sample) < 20:
            return None
        if self._detector is None:
            self._detector = self._build_detector()
        ranked = self._detector.compute_language_confidence_values(sample)
        if not ranked or ranked[0].value < self.MIN_CONFIDENCE:
            return None
        return ranked[0].language.iso_code_639_1.name.lower()


# ---- building documents -----------------------------------------------------------------

def make_document(text: str, *, doc: str | None, source: str | None, form: str, ctx: Context,
                  flags: list[str] | None = None, record: str | None = None, **meta) -> Document:
    """A Document with id, language and flags set; raises E205 when there is no text."""
    if not text.strip():
        raise InputError("E205", source=source or "-", record=record)
    flags = list(flags or [])
    if _SURROGATE.search(text):  # JSON "\ud800" escapes: not encodable, SQLite would refuse them
        text = without_surrogates(text)
        flags.append("surrogates-replaced")
    meta = {k: without_surrogates(v) if isinstance(v, str) else v for k, v in meta.items()}
    ident = doc_id(text)
    d = Document(id=ident, doc=doc or ident, text=text, source=source, form=form, **meta)
    d.flags = flags
    d.language = ctx.language(text)
    if d.language and d.language != "en":
        d.flags += ["not-analysed", f"language:{d.language}"]
    return d


def clean_str(value) -> str | None:
    """A metadata string stripped, or None when missing/empty/not a string."""
    if isinstance(value, str) and value.strip():
        return without_surrogates(value.strip())
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Lone UTF-16 surrogates (from JSON escapes) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
