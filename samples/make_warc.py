"""Write kupiansk_pages.warc.gz, the illustrative WARC sample, with warcio.

Run from the repository root: ``python samples/make_warc.py``.  The page is invented
sample text (real places, invented incidents); the output is committed with the samples.
"""
from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).parent

PAGES = {
    "https://donbas-herald.example.org/2023/11/kupiansk-shelling": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Shelling of Kupiansk kills two, injures seven - Donbas Herald</title>
<meta property="og:site_name" content="Donbas Herald">
<meta property="article:published_time" content="2023-11-03T12:00:00+02:00">
</head><body>
<nav><a href="/">Home</a> <a href="/war">War</a></nav>
<article>
<h1>Shelling of Kupiansk kills two, injures seven</h1>
<p>KHARKIV, Ukraine - Russian artillery and guided aerial bombs hit the centre of Kupiansk on Thursday morning, killing two civilians and injuring seven, Kharkiv regional governor Oleh Syniehubov said.</p>
<p>The strikes damaged a school and several apartment blocks, he said on Telegram. Ukrainian forces have held the town since September 2022, when they pushed Russian troops back across the Oskil river.</p>
<p>A Ukrainian military spokesman said Russia had massed about 40,000 troops along the Kupiansk-Lyman axis and was attacking Ukrainian positions near Synkivka "dozens of times a day".</p>
<p><em>Note: this is an illustrative sample written for sitrep. Places are real; the incidents, names and figures are invented.</em></p>
</article>
<footer>Donbas Herald</footer>
</body></html>
""",
}


def write(path: Path) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, html in PAGES.items():
            body = html.encode("utf-8")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http))


if __name__ == "__main__":
    write(HERE / "kupiansk_pages.warc.gz")
