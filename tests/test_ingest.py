"""Ingest: every input form, every kind of bad input, streaming and the incremental skip."""
from __future__ import annotations

import gzip
import io
import json
import os
import unicodedata
from pathlib import Path

import pytest

from sitrep.errors import SitrepError
from sitrep.ingest import Context, doc_id, fingerprint, iter_inputs
from sitrep.model import Document, Quarantined
from sitrep.settings import Settings

SAMPLES = Path(__file__).parents[1] / "samples"

ARTICLE = (
    "Militants attack police station in Borno\n"
    "\n"
    "MAIDUGURI, Nigeria - Militants attacked a police station in the town of Konduga on "
    "Wednesday night, killing three officers, a police spokesman said on Thursday.\n"
    "The attackers burned two patrol vehicles before withdrawing towards the Sambisa forest, "
    "residents said.\n"
)


@pytest.fixture(scope="session")
def settings():
    return Settings()


@pytest.fixture(scope="session")
def ctx(settings):
    # one language detector for the whole session
    return Context(settings)


def run(paths, *, settings, ctx, **kw):
    return list(iter_inputs([str(p) for p in paths], settings=settings, ctx=ctx, **kw))


def only(items, kind):
    assert len(items) == 1, items
    assert isinstance(items[0], kind), items[0]
    return items[0]


# ---- ids and fingerprints -----------------------------------------------------------

def test_doc_id_ignores_whitespace_and_unicode_composition():
    composed = "Attaque près de Gao"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert doc_id(composed) == doc_id(decomposed) == doc_id("  Attaque   près\nde Gao \n")
    assert len(doc_id(composed)) == 16 and int(doc_id(composed), 16) >= 0
    assert doc_id("Attack in Gao") != doc_id("Attack in Gao.")


def test_fingerprint_is_size_and_mtime(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    st = os.stat(p)
    assert fingerprint(str(p)) == (st.st_size, st.st_mtime_ns)


# ---- plain text ---------------------------------------------------------------------

def test_txt_text_is_file_content_exactly(tmp_path, settings, ctx):
    p = tmp_path / "borno_attack.txt"
    p.write_bytes(ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    d = only(run([p], settings=settings, ctx=ctx), Document)
    assert d.text == ARTICLE.replace("\n", "\r\n")      # not even line endings change
    assert d.doc == "borno_attack"
    assert d.form == "txt" and d.outlet is None and d.source == d.path == str(p)
    assert d.title == "Militants attack police station in Borno"
    assert d.id == doc_id(d.text)
    assert d.language == "en" and "not-analysed" not in d.flags
    assert d.published.earliest is None        # the times stage infers it later


def test_txt_title_only_when_first_line_reads_as_headline(tmp_path, settings, ctx):
    p = tmp_path / "no_headline.txt"
    p.write_text("(Reuters) - Two soldiers were killed when their vehicle hit a mine near Kidal, "
                 "the army said on Monday.\nThe army blamed jihadists.\n", encoding="utf-8")
    assert only(run([p], settings=settings, ctx=ctx), Document).title is None
    q = tmp_path / "furniture_first.txt"
    q.write_text("Skip to content\nWatch Live\nTwo soldiers killed by mine near Kidal\n\n"
                 "Two soldiers were killed when their vehicle hit a mine near Kidal, the army said.\n",
                 encoding="utf-8")
    d = only(run([q], settings=settings, ctx=ctx), Document)
    assert d.title == "Two soldiers killed by mine near Kidal"
    assert d.text.startswith("Skip to content\n")


def test_folder_recursive_sorted_hidden_skipped_and_globs(tmp_path, settings, ctx):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Clashes in Kismayo\n\nFighting broke out in Kismayo on Friday.\n")
    (tmp_path / "a.txt").write_text("Strike in Idlib\n\nAn airstrike hit a market in Idlib on Monday.\n")
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nThis file must not be read at all.\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Also hidden\n\nNot read either, it is inside a hidden folder.\n")
    docs = run([tmp_path], settings=settings, ctx=ctx)
    assert [d.doc for d in docs] == ["a", "z"]
    globbed = run([tmp_path / "**" / "*.txt"], settings=settings, ctx=ctx)
    assert sorted(d.doc for d in globbed) == ["a", "z"]


def test_missing_top_level_path_is_a_usage_error(tmp_path, settings, ctx):
    (tmp_path / "a.txt").write_text(ARTICLE)
    with pytest.raises(SitrepError) as err:
        iter_inputs([str(tmp_path / "a.txt"), str(tmp_path / "missing.txt")], settings=settings, ctx=ctx)
    assert err.value.code == "E101" and "missing.txt" in str(err.value)
    with pytest.raises(SitrepError):
        run([tmp_path / "nothing-*.txt"], settings=settings, ctx=ctx)


def test_skip_callback_means_file_is_not_read(tmp_path, settings, ctx):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(ARTICLE.replace("three", "four"))
    seen = []

    def skip(path, size, mtime_ns):
        seen.append((path, size, mtime_ns))
        return path.endswith("a.txt")

    docs = run([tmp_path], settings=settings, ctx=ctx, skip=skip)
    assert [d.doc for d in docs] == ["b"]
    assert seen[0] == (str(p), *fingerprint(str(p)))


def test_streaming_yields_before_reading_later_files(tmp_path, settings, ctx):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(ARTICLE + f"\nUpdate number {i}.\n")
    it = iter_inputs([str(tmp_path)], settings=settings, ctx=ctx)
    first = next(it)
    (tmp_path / "2.txt").unlink()   # not read yet: its loss is reported when reached
    rest = list(it)
    assert first.doc == "0" and rest[0].doc == "1"
    assert isinstance(rest[1], Quarantined) and rest[1].source.endswith("2.txt")


def test_odd_filenames(tmp_path, settings, ctx):
    p = tmp_path / "line\nbreak — قصف «1».txt"
    p.write_text(ARTICLE)
    d = only(run([p], settings=settings, ctx=ctx), Document)
    assert d.doc == "line\nbreak — قصف «1»"


def test_stdin_text_and_sniffed_forms(settings, ctx):
    d = only(list(iter_inputs(["-"], settings=settings, ctx=ctx, stdin=io.StringIO(ARTICLE))), Document)
    assert d.text == ARTICLE and d.form == "stdin" and d.doc == d.id and d.path == "-"
    feed = (SAMPLES / "nigeria_feed.rss").read_bytes()
    docs = list(iter_inputs(["-"], settings=settings, ctx=ctx, stdin=io.BytesIO(feed)))
    assert [d.form for d in docs] == ["feed", "feed"]
    empty = list(iter_inputs(["-"], settings=settings, ctx=ctx, stdin=io.BytesIO(b"")))
    assert only(empty, Quarantined).code == "E202"


# ---- encodings and binary -------------------------------------------------------------

ENGLISH = "Soldiers said the convoy was attacked near the village before dawn, and that two trucks burned."


@pytest.mark.parametrize("name,data", [
    ("bom8", b"\xef\xbb\xbf" + ENGLISH.encode("utf-8")),
    ("utf16bom", ENGLISH.encode("utf-16")),
    ("utf16le", ENGLISH.encode("utf-16-le")),
    ("utf16be", ENGLISH.encode("utf-16-be")),
])
def test_unicode_encodings(tmp_path, settings, ctx, name, data):
    p = tmp_path / f"{name}.txt"
    p.write_bytes(data)
    d = only(run([p], settings=settings, ctx=ctx), Document)
    assert d.text.lstrip("\ufeff") == ENGLISH


def test_legacy_encodings(tmp_path, settings, ctx):
    cp1252 = "The minister said the “ceasefire” in Goma — agreed on Monday — was holding, résumé of talks."
    latin1 = "Les soldats ont été déployés à Ménaka après l'attaque, a déclaré le porte-parole de l'armée."
    arabic = "قال مسؤولون محليون إن غارة جوية استهدفت سوقا شعبيا في مدينة مأرب صباح اليوم وأسفرت عن مقتل مدنيين."
    (tmp_path / "a.txt").write_bytes(cp1252.encode("cp1252"))
    (tmp_path / "b.txt").write_bytes(latin1.encode("latin-1"))
    (tmp_path / "c.txt").write_bytes(arabic.encode("cp1256"))
    a, b, c = run([tmp_path], settings=settings, ctx=ctx)
    assert a.text == cp1252 and a.language == "en"
    assert b.text == latin1 and b.language == "fr" and {"not-analysed", "language:fr"} <= set(b.flags)
    assert c.text == arabic and c.language == "ar" and "not-analysed" in c.flags
    assert all(any(f.startswith("encoding:") for f in d.flags) for d in (a, b, c))


@pytest.mark.parametrize("data,what", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"\x7fELF\x02\x01\x01\x00" + bytes(64), "ELF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (bytes(range(0, 32)) * 20, "control bytes"),
])
def test_binary_is_quarantined(tmp_path, settings, ctx, data, what):
    p = tmp_path / "report.txt"
    p.write_bytes(data)
    q = only(run([p], settings=settings, ctx=ctx), Quarantined)
    assert q.code == "E203" and what in q.reason and q.source == str(p)


def test_nul_bytes_in_text_are_removed_and_flagged(tmp_path, settings, ctx):
    p = tmp_path / "nul.txt"
    p.write_bytes(ARTICLE.encode("utf-8").replace(b"Wednesday", b"Wed\x00nesday"))
    d = only(run([p], settings=settings, ctx=ctx), Document)
    assert d.text == ARTICLE and "nul-bytes-removed" in d.flags


def test_undecodable_bytes_are_quarantined(tmp_path, settings, ctx):
    p = tmp_path / "garbage.txt"
    p.write_bytes(bytes(range(128, 256)) * 4)
    q = only(run([p], settings=settings, ctx=ctx), Quarantined)
    assert q.code == "E204" and "decode" in q.reason


# ---- size, empty, unreadable ------------------------------------------------------------

def test_empty_and_blank_files(tmp_path, settings, ctx):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_text("\n   \n\t\n")
    a, b = run([tmp_path], settings=settings, ctx=ctx)
    assert a.code == "E202" and a.source.endswith("a.txt")
    assert b.code == "E205" and b.source.endswith("b.txt")


def test_file_over_size_limit_is_not_read(tmp_path, ctx):
    small = Settings(max_bytes=1000)
    big = tmp_path / "big.txt"
    big.write_text("Shelling continued overnight in the city. " * 100)
    (tmp_path / "ok.txt").write_text(ARTICLE)
    q, d = run([tmp_path], settings=small, ctx=ctx)
    assert q.code == "E212" and "4200 > 1000" in q.reason
    assert isinstance(d, Document)


def test_gzip_is_read_and_bombs_refused(tmp_path, ctx):
    s = Settings(max_inflate=50_000)
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(ARTICLE.encode("utf-8")))
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"A" * 5_000_000))
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(
        (json.dumps({"text": "x" * 1000}) + "\n").encode() * 2000))
    a, *streamed, bomb = run([tmp_path], settings=s, ctx=ctx)   # sorted: a, bomb.jsonl, bomb.txt
    assert a.text == ARTICLE and a.doc == "a"
    assert bomb.code == "E213" and bomb.source.endswith("bomb.txt.gz")
    # JSON Lines are streamed: the records read before the limit are kept, then one E213
    *records, jbomb = streamed
    assert records and all(isinstance(r, Document) for r in records) and len(records) < 50
    assert jbomb.code == "E213" and jbomb.source.endswith("bomb.jsonl.gz")


def test_broken_links_and_loops(tmp_path, settings, ctx):
    (tmp_path / "good.txt").write_text(ARTICLE)
    os.symlink(tmp_path / "gone.txt", tmp_path / "broken.txt")
    os.symlink(tmp_path / "loop_b", tmp_path / "loop_a")
    os.symlink(tmp_path / "loop_a", tmp_path / "loop_b")
    os.symlink(tmp_path, tmp_path / "sub")          # a folder linking to itself
    out = run([tmp_path], settings=settings, ctx=ctx)
    by_name = {Path(x.source).name: x for x in out}
    assert by_name["broken.txt"].code == "E217"
    assert by_name["loop_a"].code == "E217" and by_name["loop_b"].code == "E217"
    assert by_name["sub"].code == "E217"
    assert isinstance(by_name["good.txt"], Document)
    # a top-level broken link exists as a path: it is quarantined, not a usage error
    assert only(run([tmp_path / "broken.txt"], settings=settings, ctx=ctx), Quarantined).code == "E217"


def test_unreadable_special_files(tmp_path, settings, ctx):
    import socket

    os.mkfifo(tmp_path / "c.fifo")             # reading it would block the whole run
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "a.sock"))        # a path that exists but cannot be opened, even by root
    try:
        (tmp_path / "b.txt").write_text(ARTICLE)
        q, d, fifo = run([tmp_path], settings=settings, ctx=ctx)
    finally:
        sock.close()
    assert fifo.code == "E201" and fifo.source.endswith("c.fifo")
    assert q.source.endswith("a.sock") and q.code == "E201" and "not a regular file" in q.reason
    assert isinstance(d, Document)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of permissions")
def test_unreadable_file_and_folder(tmp_path, settings, ctx):
    f = tmp_path / "secret.txt"
    f.write_text(ARTICLE)
    f.chmod(0)
    d = tmp_path / "locked"
    d.mkdir()
    d.chmod(0)
    try:
        out = run([tmp_path], settings=settings, ctx=ctx)
    finally:
        f.chmod(0o644)
        d.chmod(0o755)
    assert sorted(q.code for q in out) == ["E201", "E201"]


# ---- HTML ---------------------------------------------------------------------------

def test_html_page_with_metadata_and_comments(settings, ctx):
    d = only(run([SAMPLES / "marib_airstrike.html"], settings=settings, ctx=ctx), Document)
    assert d.form == "html" and d.doc == "marib_airstrike"
    assert d.title == "Airstrikes hit Houthi positions west of Marib"
    assert d.text.split("\n", 1)[0] == d.title
    assert d.outlet == "Gulf Observer" and d.author == "Salma Al-Haidari"
    assert (d.published.earliest, d.published.latest, d.published.precision, d.published.source) == \
        ("2022-02-09", "2022-02-09", "day", "metadata")
    assert "killing 23 Houthi fighters" in d.text
    assert "Praying for the people of Marib" in d.comments and "Praying" not in d.text
    assert "Home | Yemen" not in d.text


def test_html_malformed_and_empty(tmp_path, settings, ctx):
    (tmp_path / "a_broken.html").write_text(
        "<html><body><div><p>Gunmen killed four soldiers at a checkpoint near Menaka on Friday, "
        "the army said, in the latest of a series of attacks in the region<p>Residents fled <b>towards "
        "the border</div></span></td>", encoding="utf-8")
    (tmp_path / "b_empty.html").write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>")
    (tmp_path / "c_nomarkup.html").write_text("just some words, no tags at all")
    a, b, c = run([tmp_path], settings=settings, ctx=ctx)
    assert isinstance(a, Document) and "four soldiers" in a.text
    assert b.code == "E205" and b.source.endswith("b_empty.html")
    assert c.code == "E206"


# ---- JSON -------------------------------------------------------------------------

def test_jsonl_sample_plain_and_news_please_records(settings, ctx):
    docs = run([SAMPLES / "records.jsonl"], settings=settings, ctx=ctx)
    assert [d.doc for d in docs] == ["records-1", "records-2", "records-3", "records-4"]
    somalia, _, _, kharkiv = docs
    assert somalia.outlet == "Horn Dispatch" and somalia.url.startswith("https://")
    assert somalia.published.earliest == "2023-08-20" and somalia.published.evidence == "record field: date"
    assert kharkiv.outlet == "kyiv-ledger.example.org" and kharkiv.author == "Olena Kovalenko"
    assert kharkiv.published.earliest == "2023-05-17"
    assert kharkiv.text.startswith("Russian drones struck")


def test_trafilatura_json_array_and_single_object(tmp_path, settings, ctx):
    record = {"title": "Clashes in Tillaberi", "text": "Soldiers and jihadists clashed near Tillaberi on Sunday, "
              "leaving at least ten dead, the defence ministry said.", "date": "2022-11-06",
              "sitename": "Niger Today", "source": "https://niger-today.example.org/a", "author": "I. Moussa",
              "comments": "Reader: terrible news."}
    (tmp_path / "one.json").write_text(json.dumps(record))
    (tmp_path / "two.json").write_text(json.dumps([record, dict(record, title="Second")]))
    docs = run([tmp_path], settings=settings, ctx=ctx)
    assert [d.doc for d in docs] == ["one-1", "two-1", "two-2"]
    d = docs[0]
    assert d.outlet == "Niger Today" and d.url == "https://niger-today.example.org/a"
    assert d.comments == "Reader: terrible news." and d.author == "I. Moussa"


def test_bad_json_records_are_quarantined_and_the_rest_go_on(tmp_path, settings, ctx):
    good = json.dumps({"text": "An IED killed two soldiers in Helmand province on Tuesday, officials said."})
    lines = [good, "{not json", json.dumps({"text": 42}), json.dumps({"title": "no text"}),
             json.dumps(["a", "list"]), json.dumps({"text": ["a", "b"]}), "", good]
    p = tmp_path / "feed.jsonl"
    p.write_text("\n".join(lines) + "\n")
    out = run([p], settings=settings, ctx=ctx)
    kinds = [(type(x).__name__, getattr(x, "record", None), getattr(x, "code", None)) for x in out]
    assert kinds == [("Document", None, None), ("Quarantined", "line 2", "E207"),
                     ("Quarantined", "line 3", "E216"), ("Quarantined", "line 4", "E208"),
                     ("Quarantined", "line 5", "E216"), ("Quarantined", "line 6", "E216"),
                     ("Document", None, None)]
    assert "'text'" in out[2].reason and "int" in out[2].reason and "list" in out[5].reason
    assert all(q.source == str(p) for q in out if isinstance(q, Quarantined))
    assert [d.doc for d in out if isinstance(d, Document)] == ["feed-1", "feed-8"]


def test_malformed_json_file(tmp_path, settings, ctx):
    p = tmp_path / "bad.json"
    p.write_text('{"text": "unterminated')
    q = only(run([p], settings=settings, ctx=ctx), Quarantined)
    assert q.code == "E207" and "line 1" in q.reason


# ---- WARC --------------------------------------------------------------------------

def test_warc_sample(settings, ctx):
    d = only(run([SAMPLES / "kupiansk_pages.warc.gz"], settings=settings, ctx=ctx), Document)
    assert d.form == "warc" and d.source == d.url == "https://donbas-herald.example.org/2023/11/kupiansk-shelling"
    assert d.path == str(SAMPLES / "kupiansk_pages.warc.gz")
    assert d.outlet == "Donbas Herald" and d.published.earliest == "2023-11-03"
    assert "killing two civilians" in d.text


def _warc(tmp_path, pages):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    for url, ctype, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return buf.getvalue()


PAGE = (b"<html><head><title>Raid in %s</title></head><body><article><p>Security forces raided a "
        b"compound in %s on Saturday and arrested six suspects, a police statement said, adding that "
        b"weapons and explosives were seized.</p></article></body></html>")


def test_warc_truncated_keeps_what_was_read(tmp_path, settings, ctx):
    data = _warc(tmp_path, [("https://a.example/1", "text/html", PAGE % (b"Kano", b"Kano")),
                            ("https://a.example/img", "image/png", b"\x89PNG...."),
                            ("https://a.example/2", "text/html; charset=utf-8", PAGE % (b"Jos", b"Jos"))])
    whole = tmp_path / "whole.warc"
    whole.write_bytes(data)
    assert [d.url for d in run([whole], settings=settings, ctx=ctx)] == ["https://a.example/1", "https://a.example/2"]
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: len(data) - 200] + b"\x00garbage")
    out = run([cut], settings=settings, ctx=ctx)
    assert isinstance(out[0], Document) and out[0].url == "https://a.example/1"
    assert all(isinstance(x, Quarantined) for x in out[1:]) and len(out) >= 2
    assert out[-1].source == str(cut) and out[-1].record


def test_warc_garbage(tmp_path, settings, ctx):
    p = tmp_path / "junk.warc"
    p.write_text("this is not a web archive at all\n" * 5)
    q = only(run([p], settings=settings, ctx=ctx), Quarantined)
    assert q.code == "E209" and q.source == str(p)


# ---- feeds ---------------------------------------------------------------------------

def test_rss_sample(settings, ctx):
    a, b = run([SAMPLES / "nigeria_feed.rss"], settings=settings, ctx=ctx)
    assert a.form == "feed" and a.outlet == "Savannah Times" and a.author == "Aisha Bello"
    assert a.title == "Gunmen abduct 27 villagers in Zamfara" and a.text.startswith(a.title + "\nGUSAU")
    assert "<p>" not in a.text and a.url.endswith("zamfara-abduction")
    assert a.published.earliest == "2024-02-12" and b.published.earliest == "2024-02-14"


def test_atom_feed_sniffed_from_xml_suffix(tmp_path, settings, ctx):
    body = ("Fighters from a jihadist group attacked an army base near Djibo at dawn on Thursday. "
            "The army said 12 soldiers were killed and that reinforcements had been sent from Ouahigouya. ") * 3
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Burkina Watch</title>
<entry><title>Attack on army base near Djibo</title><link href="https://bw.example/djibo"/>
<updated>2023-06-02T08:00:00Z</updated><content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry>
<entry><title>Short teaser only</title><link href="https://bw.example/teaser"/><summary>Too short.</summary></entry>
</feed>"""
    p = tmp_path / "burkina.xml"
    p.write_text(atom)
    d = only(run([p], settings=settings, ctx=ctx), Document)
    assert d.outlet == "Burkina Watch" and d.published.earliest == "2023-06-02"
    assert "12 soldiers were killed" in d.text and "&lt;" not in d.text


def test_feed_refusals(tmp_path, settings, ctx):
    (tmp_path / "a_laughs.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        '<rss><channel><title>&lol2;</title><item><title>x</title></item></channel></rss>')
    (tmp_path / "b_empty.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Nothing</title></channel></rss>')
    (tmp_path / "c_broken.rss").write_text('<?xml version="1.0"?><rss><chan')
    (tmp_path / "d_utf16_laughs.xml").write_bytes(
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE feed [<!ENTITY a "aaaa">]><feed>&a;</feed>'
        .encode("utf-16"))
    a, b, c, d = run([tmp_path], settings=settings, ctx=ctx)
    assert a.code == "E215" and "DTD" in a.reason
    assert d.code == "E215"                  # a declaration hidden from byte scans by UTF-16
    assert b.code == "E211" and b.reason == "feed has no entries with content"
    assert c.code in ("E210", "E211") and c.source.endswith("c_broken.rss")


# ---- the samples as a whole ---------------------------------------------------------------

def test_samples_folder_ingests_without_quarantine(settings, ctx):
    out = run([SAMPLES], settings=settings, ctx=ctx)
    assert not [q for q in out if isinstance(q, Quarantined)]
    assert len(out) == 10                   # README.md and make_warc.py are not articles
    assert len({d.id for d in out}) == 10
    assert all(d.language == "en" for d in out)


# ---- fuzz: any bytes give exactly one result per plain file, and never an exception ------

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".json", ".xml", ".dat"]))
def test_any_bytes_give_documents_or_quarantines(tmp_path, settings, ctx, data, suffix):
    p = tmp_path / f"fuzz{suffix}"
    p.write_bytes(data)
    out = run([p], settings=settings, ctx=ctx)
    assert out and all(isinstance(x, (Document, Quarantined)) for x in out)
    assert all(x.code != "E218" for x in out if isinstance(x, Quarantined))   # no reader bug
