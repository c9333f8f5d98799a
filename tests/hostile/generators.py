"""Hostile inputs, generated on the spot (nothing big is kept in the repository).

Each :class:`Case` writes its input under a folder and says what a run must do with it:
quarantine it with one of ``codes`` (the reason naming the file), or store it as documents
(``codes`` empty), or either (``either=True``: both are clean outcomes for that input).
The article texts are written for these tests (invented incidents in real places).
"""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

# Plain English prose in several house styles, used as the payload of the hostile wrappers.
PROSE = [
    "Gunmen on motorcycles attacked a livestock market outside Gusau in Zamfara state on Friday, "
    "killing at least nine traders, a local official told reporters. Police said four attackers were arrested.",
    "Shelling struck a residential block in Kharkiv overnight, regional governor's office said, wounding six "
    "civilians including a child. Emergency crews worked through the morning to clear the debris.",
    "Al-Shabaab fighters briefly seized the town of Bulo Burte in Hiiraan region before withdrawing on Sunday, "
    "according to residents reached by phone. No casualty figures were given.",
    "An airstrike hit a fuel depot near Hodeidah port on Wednesday, the Houthi-run health ministry said, "
    "adding that three workers were killed. The coalition did not comment on the report.",
    "Hundreds of demonstrators marched in Idlib city on Saturday to protest against rising bread prices; "
    "the rally ended peacefully, organisers said.",
]


@dataclass
class Case:
    name: str
    build: Callable[[str], list[str]]          # folder -> input paths to run
    codes: frozenset[str] = frozenset()        # expected quarantine codes; empty: documents expected
    either: bool = False                       # a clean quarantine or documents: both acceptable
    settings: dict = field(default_factory=dict)  # Settings fields for this case (SITREP_* in a subprocess)
    check_text: str | None = None              # a phrase the stored text must contain
    flags: tuple[str, ...] = ()                # flags a stored document must carry (prefix match)


def _write(folder: str, name: str, data: bytes | str) -> str:
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _rng(name: str) -> random.Random:
    return random.Random(f"sitrep-hostile-{name}")


# ---- the cases -------------------------------------------------------------------------------

def png_named_txt(d):
    return [_write(d, "photo.txt", b"\x89PNG\r\n\x1a\n" + _rng("png").randbytes(3000))]


def random_bytes(d):
    return [_write(d, "noise.txt", _rng("noise").randbytes(20000))]


def elf_without_suffix(d):
    return [_write(d, "report", b"\x7fELF\x02\x01\x01" + bytes(64) + _rng("elf").randbytes(2000))]


def sqlite_named_html(d):
    return [_write(d, "page.html", b"SQLite format 3\x00" + bytes(4000))]


def zero_bytes_txt(d):
    return [_write(d, "empty.txt", b"")]


def zero_bytes_json(d):
    return [_write(d, "empty.json", b"")]


def blank_text(d):
    return [_write(d, "blank.txt", " \n\t\n\r\n" * 500)]


def sparse_200mb(d):
    path = os.path.join(d, "huge.txt")
    with open(path, "wb") as fh:   # a hole: 200 MB on paper, nothing written
        fh.truncate(200 * 1024 * 1024)
    return [path]


def single_line_10mb(d):
    words = " ".join(PROSE).replace(".", "").split()
    r = _rng("line")
    out, n = [], 0
    while n < 10_000_000:
        w = r.choice(words)
        out.append(w)
        n += len(w) + 1
    return [_write(d, "one_line.txt", " ".join(out))]


def utf16_without_bom(d):
    return [_write(d, "utf16.txt", PROSE[0].encode("utf-16-le"))]


def utf16_be_without_bom(d):
    return [_write(d, "utf16be.txt", PROSE[2].encode("utf-16-be"))]


def latin1(d):
    text = "Réfugiés à Ménaka: " + PROSE[2] + " Le préfet a confirmé les chiffres à l'agence."
    return [_write(d, "latin1.txt", text.encode("latin-1"))]


def windows1256_arabic(d):
    text = ("قالت مصادر محلية إن اشتباكات عنيفة اندلعت صباح اليوم في مدينة تعز بين القوات الحكومية "
            "ومسلحين، ما أسفر عن مقتل خمسة أشخاص وإصابة آخرين، وفق ما أفاد به شهود عيان للصحفيين.") * 3
    return [_write(d, "arabic.txt", text.encode("cp1256"))]


def mixed_encodings(d):
    data = (PROSE[1] + " ").encode("utf-8") + "Café Ménaka, préfet, élus: déplacés.".encode("latin-1") \
        + (" " + PROSE[3]).encode("utf-8")
    return [_write(d, "mixed.txt", data)]


def nul_bytes(d):
    text = PROSE[3]
    data = b"\x00".join(text[i:i + 40].encode() for i in range(0, len(text), 40))
    return [_write(d, "nuls.txt", data)]


def rtl_and_mixed_script(d):
    text = ("\u202eThis line is reversed by an override\u202c. " + PROSE[4] + "\n"
            "قال مسؤول في إدلب إن 12 شخصاً أصيبوا. \u200f\u200e\u2066isolate\u2069 "
            "Офіційні особи повідомили про обстріл. 消息人士称 \u05d3\u05d9\u05d5\u05d5\u05d7 "
            "e\u0301\u0301\u0301 zero\u200bwidth \U0001F4A5 \ufeffmid-BOM\n" + PROSE[0])
    return [_write(d, "rtl.txt", text)]


def control_characters(d):
    text = "\x1b[31mALERT\x1b[0m " + PROSE[1] + "\x07\x08\r\x0b\x0c " + PROSE[3] + "\x1b]0;pwned\x07"
    return [_write(d, "controls.txt", text)]


def crlf_and_cr_only(d):
    text = "\r".join(PROSE[:3]) + "\r\n" + "\r\n".join(PROSE[3:]) + "\u2028\u2029\x85end"
    return [_write(d, "crlf.txt", text)]


def deep_html(d):
    depth = 10_000
    html = "<html><body>" + "<div>" * depth + "<p>" + PROSE[0] + "</p>" + "</div>" * depth + "</body></html>"
    return [_write(d, "deep.html", html)]


def script_only_html(d):
    html = ("<html><head><script>" + "var a = 1;" * 2000 + "</script></head><body>"
            "<script>document.write('" + "x" * 5000 + "')</script><style>p{}</style></body></html>")
    return [_write(d, "scripts.html", html)]


def html_without_markup(d):
    return [_write(d, "plain.html", "No markup here at all, only words. " * 20)]


def truncated_gzip(d):
    blob = gzip.compress((" ".join(PROSE) * 40).encode())
    return [_write(d, "cut.txt.gz", blob[: len(blob) // 2])]


def gzip_bomb_txt(d):
    # about 40 kB on disk, 40 MB inflated; the case sets the inflate limit to 1 MB
    return [_write(d, "bomb.txt.gz", gzip.compress(b"A" * 40_000_000, compresslevel=9))]


def gzip_bomb_jsonl(d):
    line = json.dumps({"title": "t", "text": "B" * 1000}).encode() + b"\n"
    return [_write(d, "bomb.jsonl.gz", gzip.compress(line * 40_000, compresslevel=9))]


def _warc_bytes(body: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789abc>\r\n"
            b"WARC-Target-URI: http://example.org/news/1\r\nWARC-Date: 2021-03-04T05:06:07Z\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
            + str(len(http)).encode() + b"\r\n\r\n")
    return head + http + b"\r\n\r\n"


def truncated_warc_gz(d):
    page = f"<html><body><article><h1>Market attack</h1><p>{PROSE[0]}</p><p>{PROSE[1]}</p></article></body></html>"
    rec = gzip.compress(_warc_bytes(page.encode()))
    return [_write(d, "cut.warc.gz", rec[: len(rec) * 2 // 3])]


def garbage_warc(d):
    return [_write(d, "junk.warc", b"WARC/1.0\r\nthis is not a header\r\n\r\n" + _rng("warc").randbytes(500))]


def json_wrong_types(d):
    recs = [{"text": 123}, {"text": ["a", "b"]}, {"title": {"x": 1}, "text": PROSE[2]}, 42, None, "text",
            {"maintext": None, "body": False}, {"text": PROSE[4], "date": 1e308, "url": 7}]
    return [_write(d, "types.json", json.dumps(recs))]


def json_huge_numbers(d):
    body = ('[{"text": "' + PROSE[3] + '", "date": 1e309, "date_publish": -1e400, "title": "Depot strike",'
            ' "id": 99999999999999999999999999999999999999}]')
    return [_write(d, "numbers.json", body)]


def json_deeply_nested(d):
    return [_write(d, "nested.json", "[" * 200_000 + "]" * 200_000)]


def jsonl_good_and_bad(d):
    lines = [json.dumps({"title": "A", "text": PROSE[0]}), "{not json", "", json.dumps([1, 2]),
             '{"text": "\\ud800 lone surrogate ' + PROSE[1][:60] + '"}', json.dumps({"text": PROSE[4]}),
             "\xff\xfe garbage".encode("latin-1").decode("latin-1")]
    return [_write(d, "mixed.jsonl", "\n".join(lines))]


def lone_surrogate_json(d):
    return [_write(d, "surrogate.json", '{"title": "\\udc00", "text": "' + PROSE[2] + ' \\ud83d end"}')]


def billion_laughs_feed(d):
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]><rss version="2.0"><channel><title>x</title>'
           "<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>")
    return [_write(d, "laughs.rss", xml)]


def external_entity_feed(d):
    xml = ('<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>&xxe;</title>'
           "<content>&xxe;</content></entry></feed>")
    return [_write(d, "xxe.xml", xml)]


def symlink_loop(d):
    a, b = os.path.join(d, "a.txt"), os.path.join(d, "b.txt")
    os.symlink(b, a)
    os.symlink(a, b)
    return [a]


def folder_symlink_loop(d):
    sub = os.path.join(d, "tree")
    os.makedirs(os.path.join(sub, "inner"))
    _write(os.path.join(sub, "inner"), "story.txt", PROSE[4])
    os.symlink(sub, os.path.join(sub, "inner", "up"))
    return [sub]


def dangling_symlink(d):
    path = os.path.join(d, "gone.txt")
    os.symlink(os.path.join(d, "never-existed.txt"), path)
    return [path]


def fifo(d):
    path = os.path.join(d, "pipe.txt")
    os.mkfifo(path)
    return [path]


def char_device_link(d):
    path = os.path.join(d, "zeros.txt")
    os.symlink("/dev/zero", path)
    return [path]


def directory_named_like_file(d):
    path = os.path.join(d, "story.txt")
    os.makedirs(path)
    _write(path, "inside.txt", PROSE[3])
    return [path]


def unreadable_permissions(d):
    path = _write(d, "secret.txt", PROSE[0])
    os.chmod(path, 0)
    return [path]


def newline_in_filename(d):
    return [_write(d, "two\nlines.txt", PROSE[1])]


def escapes_in_filename(d):
    return [_write(d, "\x1b[2Jcleared\x07.txt", b"")]


def absurd_numbers(d):
    text = ("Officials said 1e309 fighters had massed near Kunduz, while a rival estimate put the force at "
            "99999999999999999999 fighters. A third source spoke of 10^400 people displaced and "
            "123456789012345678901234567890 casualties, and of -5 wounded and 0x1F militants. "
            "Another report claimed 1.7976931348623157e+308 dead in Herat province on Monday.")
    return [_write(d, "numbers.txt", text)]


def many_empty_lines(d):
    return [_write(d, "lines.txt", "\n" * 300_000 + PROSE[2] + "\n" * 300_000)]


CASES: list[Case] = [
    Case("png_named_txt", png_named_txt, frozenset({"E203"})),
    Case("random_bytes", random_bytes, frozenset({"E203", "E204"})),
    Case("elf_without_suffix", elf_without_suffix, frozenset({"E203"})),
    Case("sqlite_named_html", sqlite_named_html, frozenset({"E203"})),
    Case("zero_bytes_txt", zero_bytes_txt, frozenset({"E202"})),
    Case("zero_bytes_json", zero_bytes_json, frozenset({"E202"})),
    Case("blank_text", blank_text, frozenset({"E205"})),
    Case("sparse_200mb", sparse_200mb, frozenset({"E212"})),
    Case("single_line_10mb", single_line_10mb, settings={"max_doc_chars": 20_000},
         flags=("analysed-first-chars:20000",)),
    Case("utf16_without_bom", utf16_without_bom, check_text="livestock market outside Gusau"),
    Case("utf16_be_without_bom", utf16_be_without_bom, check_text="Bulo Burte"),
    Case("latin1", latin1, check_text="Bulo Burte", flags=("encoding:",)),
    Case("windows1256_arabic", windows1256_arabic, check_text="مدينة تعز", flags=("not-analysed",)),
    Case("mixed_encodings", mixed_encodings, frozenset({"E204"}), either=True),
    Case("nul_bytes", nul_bytes, check_text="fuel depot", flags=("nul-bytes-removed",)),
    Case("rtl_and_mixed_script", rtl_and_mixed_script, check_text="Офіційні"),
    Case("control_characters", control_characters, check_text="Emergency crews"),
    Case("crlf_and_cr_only", crlf_and_cr_only, check_text="Bulo Burte"),
    Case("deep_html", deep_html, frozenset({"E205", "E206"}), either=True),
    Case("script_only_html", script_only_html, frozenset({"E205"})),
    Case("html_without_markup", html_without_markup, frozenset({"E206"})),
    Case("truncated_gzip", truncated_gzip, frozenset({"E204"})),
    Case("gzip_bomb_txt", gzip_bomb_txt, frozenset({"E213"}), settings={"max_inflate": 1 << 20}),
    Case("gzip_bomb_jsonl", gzip_bomb_jsonl, frozenset({"E213"}), settings={"max_inflate": 1 << 20}),
    Case("truncated_warc_gz", truncated_warc_gz, frozenset({"E209"}), either=True),  # keeps what was read
    Case("garbage_warc", garbage_warc, frozenset({"E209"})),
    Case("json_wrong_types", json_wrong_types, frozenset({"E216", "E208"}), either=True),
    Case("json_huge_numbers", json_huge_numbers, check_text="fuel depot"),
    Case("json_deeply_nested", json_deeply_nested, frozenset({"E207"})),
    Case("jsonl_good_and_bad", jsonl_good_and_bad, frozenset({"E207", "E216"}), either=True),
    Case("lone_surrogate_json", lone_surrogate_json, frozenset({"E204", "E216"}), either=True),
    Case("billion_laughs_feed", billion_laughs_feed, frozenset({"E215"})),
    Case("external_entity_feed", external_entity_feed, frozenset({"E215"})),
    Case("symlink_loop", symlink_loop, frozenset({"E217"})),
    Case("folder_symlink_loop", folder_symlink_loop, frozenset({"E217"}), either=True),
    Case("dangling_symlink", dangling_symlink, frozenset({"E217"})),
    Case("fifo", fifo, frozenset({"E201"})),
    Case("char_device_link", char_device_link, frozenset({"E201"})),
    Case("directory_named_like_file", directory_named_like_file, check_text="Hodeidah"),
    Case("unreadable_permissions", unreadable_permissions, frozenset({"E201"}), either=True),
    Case("newline_in_filename", newline_in_filename, check_text="Kharkiv"),
    Case("escapes_in_filename", escapes_in_filename, frozenset({"E202"})),
    Case("absurd_numbers", absurd_numbers, check_text="Kunduz"),
    Case("many_empty_lines", many_empty_lines, check_text="Hiiraan"),
]
BY_NAME = {c.name: c for c in CASES}
