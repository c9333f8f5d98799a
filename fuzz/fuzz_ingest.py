"""Fuzz target for the ingest parsers: any bytes, in any input form, give Documents or
InputError (a quarantine) -- never another exception.

With atheris installed (``pip install atheris``) this is a coverage-guided libFuzzer target::

    python fuzz/fuzz_ingest.py -max_total_time=30 fuzz/corpus

Without it, the same check runs as a seeded random-bytes loop (mutations of small valid
inputs of every form)::

    python fuzz/fuzz_ingest.py --seconds 30
"""
from __future__ import annotations

import io
import logging
import random
import sys
import time

import os
from types import SimpleNamespace

FORMS = (None, "txt", "html", "json", "jsonl", "feed", "warc", "gz")


def load() -> SimpleNamespace:
    """The readers under test (imported here so that atheris can instrument them)."""
    from sitrep.errors import InputError
    from sitrep.ingest import _bytes_documents, sniff
    from sitrep.ingest.common import Context, decode, inflate
    from sitrep.ingest.warc import warc_documents
    from sitrep.model import Document, Quarantined
    from sitrep.settings import Settings

    settings = Settings(max_inflate=1 << 20)
    return SimpleNamespace(InputError=InputError, bytes_documents=_bytes_documents, sniff=sniff,
                           decode=decode, inflate=inflate, warc_documents=warc_documents, Document=Document,
                           Quarantined=Quarantined, settings=settings, ctx=Context(settings))

# Small valid inputs of every form, the seeds the fallback loop mutates.
SEEDS = [
    b"Troops shelled a village near Kidal on Monday, killing three people, officials said.\n",
    b"<html><head><title>Strike</title></head><body><article><p>An airstrike hit a market in Marib on "
    b"Sunday, residents said, and at least five people were wounded.</p></article></body></html>",
    b'{"title": "Clash", "text": "Fighting broke out in Idlib on Friday.", "date": "2021-05-07"}',
    b'{"text": "Gunmen attacked a convoy."}\n{"maintext": "Protest in Kano.", "source_domain": "x.example"}\n',
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Raid</title>'
    b"<description>Police raided a camp near Maiduguri.</description></item></channel></rss>",
    b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 80\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html"
    b"\r\n\r\n<html><body><p>Shelling in Kharkiv.</p></body></html>\r\n\r\n",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x0b\xc9\xc8\x2c\x56\x00\xa2\x44\x85\x92\xd4\x8a\x12\x00\x00\x00\xff\xff",
]


def check(data: bytes, r: SimpleNamespace) -> None:
    """Feed ``data`` to one reader chosen by its first byte; only InputError may come out."""
    if not data:
        return
    form = FORMS[data[0] % len(FORMS)]
    body = data[1:]
    try:
        if form == "gz":
            r.inflate(body, source="fuzz", limit=r.settings.max_inflate)
            return
        if form == "warc":
            items = list(r.warc_documents(io.BytesIO(body), source="fuzz", ctx=r.ctx, max_record=1 << 20))
        else:
            r.sniff(body)
            r.decode(body, source="fuzz")
            items = list(r.bytes_documents(body, form=form, base="fuzz", source="fuzz", ctx=r.ctx))
    except r.InputError:
        return
    for item in items:
        assert isinstance(item, (r.Document, r.Quarantined)), item
        if isinstance(item, r.Document):
            assert item.text.strip() and "\x00" not in item.text
            item.text.encode("utf-8")         # storable: no lone surrogates


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(5)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:
            buf[pos:pos] = rng.randbytes(rng.randint(1, 16))
        elif op == 2 and buf:
            del buf[pos:pos + rng.randint(1, 16)]
        elif op == 3:
            buf[pos:pos] = rng.choice([b"<", b">", b"&", b"\x00", b"\xff\xfe", b"{", b"]", b'"', b"\\u",
                                       b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"\r\n", b"WARC/1.0\r\n", b"1e309"])
        else:
            buf = buf[:pos]
    return bytes(buf)


def fallback_loop(seconds: float, *, seed: int = 0) -> int:
    """Random mutations of the seeds for ``seconds``; returns how many inputs were tried."""
    rng = random.Random(seed)
    readers = load()
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        form_byte = bytes([rng.randrange(256)])
        data = form_byte + (_mutate(rng, rng.choice(SEEDS)) if rng.random() < 0.8 else rng.randbytes(rng.randint(0, 300)))
        try:
            check(data, readers)
        except Exception:
            sys.stderr.write(f"crash on input {data!r}\n")
            raise
        n += 1
    return n


def write_seeds(folder: str) -> None:
    """The seeds, one per form, as a starting corpus for atheris."""
    os.makedirs(folder, exist_ok=True)
    for i, seed in enumerate(SEEDS):
        for k in range(len(FORMS)):
            with open(os.path.join(folder, f"seed{i}-{k}"), "wb") as fh:
                fh.write(bytes([k]) + seed)


def main(argv: list[str]) -> int:
    logging.disable(logging.WARNING)   # trafilatura and friends log about broken input: expected here
    if "--write-seeds" in argv:
        write_seeds(argv[argv.index("--write-seeds") + 1])
        return 0
    if "--seconds" in argv:
        seconds = float(argv[argv.index("--seconds") + 1])
        n = fallback_loop(seconds)
        print(f"fuzz_ingest (random-bytes fallback): {n} inputs, no crash")
        return 0
    import atheris

    with atheris.instrument_imports(include=["sitrep"]):
        readers = load()
    atheris.Setup(argv, lambda data: check(data, readers))
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
