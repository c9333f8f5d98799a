"""Reuse detection: duplicates, rewrites, credited quotes, independent stories, wire copies."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.model import DateWindow, Document, Span
from sitrep.reuse import MAX_CANDIDATES, MIN_HITS, ReuseIndex, align, find_reuse, source_groups, split_sentences

SEEDS = Path("/work/shared/seeds")
GOLD = Path("/work/shared/gold/seeds")

# ---- texts written for these tests ----------------------------------------------------------

BORNO = """Gunmen kill 14 farmers near Maiduguri
Suspected jihadists on motorcycles attacked farmers harvesting rice outside the village of Zabarmari on Saturday, killing at least 14 people, a local militia leader said.
The attackers rounded up the farmers in their fields and opened fire before setting the harvested crops alight, according to Babakura Kolo, who leads a vigilante group that helps the army.
Residents said the gunmen belonged to the Islamic State West Africa Province, which has stepped up raids on farming communities that it accuses of passing information to soldiers.
Five other farmers were missing after the raid and search parties were combing the bush along the road to Jere, Kolo added.
Borno state governor Babagana Zulum visited the village on Sunday and urged residents not to abandon their land despite the danger.
The insurgency in northeast Nigeria has killed more than 35,000 people since 2009 and forced about two million from their homes."""

HODEIDAH = """Houthi drone strike hits fuel depot in Yemen's Red Sea port
A drone launched by Houthi rebels struck a fuel storage site at the port of Hodeidah early on Tuesday, setting off a fire that burned for several hours, port officials said.
Three workers were killed and seven injured when the depot caught fire, said Ahmed al-Mutawakel, a manager at the port authority.
The coalition led by Saudi Arabia accused the rebels of trying to cripple fuel imports that are vital for the country's hospitals and water pumps.
The Houthis did not comment on the strike, but a spokesman for the group said on Monday that it would hit back at what he called economic warfare against Yemenis.
Humanitarian agencies have warned that fuel shortages in the north could shut down water pumping stations serving nearly a million people.
The port handles around 70 percent of Yemen's imports and is the main entry point for food aid."""

# A rewrite: sentences reordered, words swapped, attribution dropped, a line added.
HODEIDAH_REWRITE = """Drone attack sets Hodeidah fuel depot ablaze
Three port workers were killed and seven were injured when the fuel depot caught fire, Ahmed al-Mutawakel, a manager at the port authority, said.
A drone launched by the Houthi rebels hit a fuel storage facility in the port of Hodeidah early Tuesday, starting a fire that burned for many hours.
The Saudi-led coalition accused the rebels of trying to cripple fuel imports which are vital for hospitals and water pumps in the country.
Aid agencies have warned that the fuel shortages in the north could shut down pumping stations serving almost a million people.
Hodeidah is a lifeline for a country where most people depend on aid, and the strike drew condemnation from the United Nations envoy."""

KISMAYO = """Al-Shabaab fighters overran a military base near Kismayo on Wednesday after a car bomb blew open its gate, Somali officials said.
The militants seized weapons and vehicles before withdrawing into the forest along the Juba river, according to a regional security officer.
Jubaland forces later retook the base with support from Kenyan troops serving with the African Union mission.
Officials said eight soldiers were killed in the assault, while residents reported seeing more bodies at the scene.
Al-Shabaab said in a statement on its radio station that it had killed dozens of soldiers, a claim that could not be independently verified.
The group has carried out a series of attacks on bases in southern Somalia since the start of the year."""

# Another outlet's story, quoting two sentences of the one above with credit.
KISMAYO_QUOTE = """Somalia's government on Thursday vowed to hunt down the militants behind a raid on an army outpost in Jubaland.
Information minister Daud Aweis told a news conference in Mogadishu that reinforcements had been sent to the Lower Juba region and that the attackers would face justice.
"The militants seized weapons and vehicles before withdrawing into the forest along the Juba river, according to a regional security officer. Jubaland forces later retook the base with support from Kenyan troops serving with the African Union mission," the Kismayo Daily reported.
Analysts in Nairobi said the raid showed that the insurgents remain able to mass hundreds of fighters despite months of air strikes.
The African Union is due to hand over more bases to the Somali army by the end of the year, a schedule that several member states have questioned."""

KHARKIV_A = """Russian missile strike on Kharkiv kills four
A Russian missile struck a residential district of Kharkiv on Thursday evening, killing four people and wounding at least 20, regional governor Oleh Syniehubov said.
The missile hit a five-storey apartment building in the Kyivskyi district, collapsing part of the roof and setting cars ablaze in the courtyard.
Rescuers were still searching the rubble overnight for people who might be trapped, the State Emergency Service said.
Kharkiv, Ukraine's second-largest city, lies about 30 kilometres from the Russian border and has been shelled repeatedly since the invasion began.
Mayor Ihor Terekhov urged residents to stay in shelters as air raid sirens sounded again after midnight."""

# The same event told independently: shared names, place and numbers, no shared wording.
KHARKIV_B = """Four dead as missile slams into Kharkiv apartment block
Emergency crews in Kharkiv worked through the night after a missile tore into a block of flats, leaving four people dead and 20 or more injured, according to Oleh Syniehubov, who heads the regional administration.
Photographs released by the authorities showed a gaping hole in the upper floors of the building and burnt-out vehicles outside.
"We heard a whistle and then the windows came in," said Natalia, a 62-year-old resident who was treated for cuts to her face.
The attack came hours after Ukrainian officials reported a build-up of Russian forces near the border north of the city.
Ihor Terekhov, the mayor, told people to remain underground while the sirens continued."""

WIRE_MALI = """BAMAKO (AFP) - Jihadists killed at least 20 soldiers in an attack on an army camp in central Mali, the armed forces said on Monday.
The assault on the camp at Boulkessi, near the border with Burkina Faso, began at dawn on Sunday when dozens of fighters arrived on motorbikes and in pickup trucks.
The army said it had killed 15 of the attackers and recovered weapons, and that air support was sent from the town of Sevare.
No group immediately claimed responsibility, but the region is a stronghold of the Group to Support Islam and Muslims, which is linked to Al-Qaeda.
Mali has been battling a jihadist insurgency since 2012 that has spread to neighbouring Burkina Faso and Niger and killed thousands of civilians and soldiers.
The ruling junta, which seized power in 2020, has turned to Russian military contractors after the departure of French troops."""


def make_doc(name: str, text: str, *, furniture_before: list[str] = (), furniture_after: list[str] = (),
             published: tuple[str, str] | None = None, outlet: str | None = None) -> Document:
    """A document whose furniture lines are marked as boilerplate (what the clean stage does)."""
    lines = list(furniture_before) + text.split("\n") + list(furniture_after)
    full = "\n".join(lines)
    doc = Document(id=name, doc=name, text=full, outlet=outlet)
    pos = 0
    for line in list(furniture_before) + list(furniture_after):
        i = full.find(line, pos if line in furniture_after else 0)
        doc.boilerplate.append(Span(i, i + len(line)))
        pos = i + len(line)
    if published:
        doc.published = DateWindow(earliest=published[0], latest=published[1])
    return doc


def relations(found: dict) -> set[tuple[str, str, str]]:
    return {(k, r.other, r.relation) for k, rs in found.items() for r in rs}


# ---- sentence splitting and alignment ----------------------------------------------------------

def test_split_sentences_keeps_abbreviations_together():
    text = "U.S. Army Gen. Stephen Townsend said strikes would go on. The group denied it."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["U.S. Army Gen. Stephen Townsend said strikes would go on.",
                                             "The group denied it."]


def test_align_finds_reordered_and_garbled_sentences():
    passages = align(HODEIDAH_REWRITE, HODEIDAH)
    # four of the rewrite's body sentences come from the original, each out of order
    assert sum(p["sentences"] for p in passages) == 4
    for p in passages:
        assert 0.5 <= p["similarity"] <= 1.0
        assert HODEIDAH_REWRITE[p["a_start"]:p["a_end"]].strip()
        assert HODEIDAH[p["b_start"]:p["b_end"]].strip()
    firsts = {HODEIDAH_REWRITE[p["a_start"]:p["a_end"]].split()[0] for p in passages}
    assert firsts == {"Three", "A", "The", "Aid"}


def test_align_independent_reports_share_no_passage():
    assert align(KHARKIV_A, KHARKIV_B) == []


def test_align_odd_text_does_not_raise():
    assert align("", HODEIDAH) == []
    assert align("\n\n\n", "   ") == []
    assert align("Сильный обстрел Харькова. " * 50, "Сильный обстрел Харькова. " * 50) != []
    assert align("x" * 100_000, HODEIDAH) == []


# ---- relations ---------------------------------------------------------------------------------

def test_exact_duplicate_with_different_furniture():
    a = make_doc("nigeria_a", BORNO, furniture_before=["Home | World | Africa", "Share on WhatsApp"],
                 published=("2021-03-01", "2021-03-01"))
    b = make_doc("nigeria_b", BORNO, furniture_before=["Skip to main content"],
                 furniture_after=["Related: Army says it repelled attack on Monguno", "Newsletter sign-up"],
                 published=("2021-03-02", "2021-03-02"))
    found = find_reuse([a, b])
    assert relations(found) == {("nigeria_b", "nigeria_a", "duplicate")}   # the later one copies
    r = found["nigeria_b"][0]
    assert r.share > 0.95 and r.passages and "duplicate" in r.evidence


def test_rewrite_with_reordered_and_garbled_sentences():
    orig = make_doc("yemen_orig", HODEIDAH, outlet="Port News")
    rewrite = make_doc("yemen_rewrite", HODEIDAH_REWRITE)
    found = find_reuse([orig, rewrite])
    # no dates: the rewrite is the copier because most of it is found in the original
    assert relations(found) == {("yemen_rewrite", "yemen_orig", "copies_with_edits")}
    r = found["yemen_rewrite"][0]
    assert 0.5 < r.share < 0.95
    for p in r.passages:  # offsets point into each document's text
        assert rewrite.text[p["a_start"]:p["a_end"]] in HODEIDAH_REWRITE
        assert orig.text[p["b_start"]:p["b_end"]] in HODEIDAH


def test_dates_decide_direction_over_shares():
    orig = make_doc("yemen_orig", HODEIDAH, published=("2022-05-10", "2022-05-10"))
    rewrite = make_doc("yemen_rewrite", HODEIDAH_REWRITE, published=("2022-05-03", "2022-05-04"))
    found = find_reuse([orig, rewrite])
    assert relations(found) == {("yemen_orig", "yemen_rewrite", "copies_with_edits")}


def test_credited_quotation():
    source = make_doc("somalia_local", KISMAYO, outlet="Kismayo Daily")
    quoting = make_doc("somalia_wire", KISMAYO_QUOTE)
    found = find_reuse([source, quoting])
    assert relations(found) == {("somalia_wire", "somalia_local", "quotes")}
    p = found["somalia_wire"][0].passages[0]
    assert quoting.text[p["a_start"]:p["a_end"]].startswith('"The militants seized weapons') or \
        quoting.text[p["a_start"]:p["a_end"]].startswith("The militants seized weapons")


def test_independent_stories_on_the_same_event_do_not_pair():
    found = find_reuse([make_doc("kharkiv_a", KHARKIV_A), make_doc("kharkiv_b", KHARKIV_B)])
    assert relations(found) == set()


def test_wire_story_republished_by_two_outlets_forms_one_source():
    one = make_doc("mali_outlet1", "Mali: 20 soldiers killed in jihadist attack\n" + WIRE_MALI,
                   furniture_before=["Africa News Online", "Listen to this article"])
    # the second outlet trims the last paragraph and changes the headline
    trimmed = "\n".join(WIRE_MALI.split("\n")[:-1])
    two = make_doc("mali_outlet2", "Attack on army camp in Mali\n" + trimmed,
                   furniture_after=["Comments are closed."])
    other = make_doc("kharkiv_a", KHARKIV_A)
    found = find_reuse([one, two, other])
    rels = relations(found)
    assert len(rels) == 1
    (copier, src, rel), = rels
    assert {copier, src} == {"mali_outlet1", "mali_outlet2"} and rel in ("duplicate", "copies_with_edits")
    groups = source_groups(found, docs=["mali_outlet1", "mali_outlet2", "kharkiv_a"])
    assert groups["mali_outlet1"] == groups["mali_outlet2"] != groups["kharkiv_a"]


def test_comments_and_furniture_never_make_a_pair():
    # two unrelated stories carrying the same long widget text and comment thread
    widget = "Sign up for our daily briefing on the war and get the latest updates delivered to your inbox every morning"
    a = make_doc("a", KHARKIV_A, furniture_after=[widget])
    b = make_doc("b", BORNO, furniture_after=[widget])
    thread = "\nComments\nThis is exactly what everyone said would happen and nobody in the government listened to the warnings."
    a.text += thread
    a.comments_start = a.text.index("\nComments") + 1
    b.text += thread
    b.comments_start = b.text.index("\nComments") + 1
    assert relations(find_reuse([a, b])) == set()


# ---- incremental use and persistence ---------------------------------------------------------

def test_incremental_index_with_persistence_finds_later_copy():
    orig = make_doc("yemen_orig", HODEIDAH)
    other = make_doc("kharkiv_a", KHARKIV_A)
    index = ReuseIndex()
    assert relations(find_reuse([orig, other], index=index)) == set()
    restored = ReuseIndex.from_bytes(index.to_bytes())
    assert len(restored) == 2 and "yemen_orig" in restored
    stored = {d.doc: d for d in (orig, other)}
    rewrite = make_doc("yemen_rewrite", HODEIDAH_REWRITE)
    found = find_reuse([rewrite], index=restored, fetch=stored.get)
    assert relations(found) == {("yemen_rewrite", "yemen_orig", "copies_with_edits")}
    # without access to earlier texts the candidate is known but cannot be aligned: nothing claimed
    again = ReuseIndex.from_bytes(index.to_bytes())
    assert relations(find_reuse([rewrite], index=again)) == set()


def test_readding_a_document_replaces_it():
    index = ReuseIndex()
    index.add("x", HODEIDAH)
    index.add("x", HODEIDAH)                 # a reprocessed document is not its own copy
    assert index.add("y", HODEIDAH) == [("x", 14)]   # 7 sentences, hit in both tables


def test_source_groups_union_find():
    groups = source_groups([("c", "b"), ("b", "a"), ("e", "d")], docs=["f"])
    assert groups == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d", "f": "f"}


def test_odd_documents_do_not_raise():
    docs = [make_doc("empty", ""), make_doc("arabic", "قتل عشرة مدنيين في غارة جوية على إدلب يوم الأحد. " * 20),
            make_doc("huge", (BORNO + "\n") * 200)]
    found = find_reuse(docs)
    assert set(found) >= {"empty", "arabic", "huge"}


# ---- the seed articles -------------------------------------------------------------------------

def seed_documents() -> list[Document]:
    docs = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        gold = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))
        doc = Document(id=path.stem, doc=path.stem, text=text)
        pos = 0
        for line in gold["boilerplate"]:            # as the clean stage would mark them
            i = text.find(line, pos)
            if i >= 0:
                doc.boilerplate.append(Span(i, i + len(line)))
                pos = i + len(line)
        if gold["comments_begin"]:
            doc.comments_start = text.find(gold["comments_begin"])
        docs.append(doc)
    return docs


@pytest.mark.skipif(not SEEDS.is_dir() or not GOLD.is_dir(), reason="/work/shared seeds not available")
@pytest.mark.parametrize("cleaned", [True, False])
def test_seed_reuse_matches_gold(cleaned):
    docs = seed_documents()
    if not cleaned:   # also without the clean stage: furniture must not create or hide the link
        for d in docs:
            d.boilerplate, d.comments_start = [], None
    found = find_reuse(docs)
    expected = set()
    for d in docs:
        gold = json.loads((GOLD / f"{d.doc}.json").read_text(encoding="utf-8"))
        expected |= {(d.doc, r["other"], r["relation"]) for r in gold["reuses"]}
    assert relations(found) == expected


# ---- speed: candidate filter, cap, shared permutations ------------------------------------------

_STOCK = ("Aid agencies say the fighting has displaced tens of thousands of families from the district "
          "since the start of the rainy season.")


def _filler(k: int) -> str:
    """A distinct made-up report: words vary with k so that no two share a sentence."""
    towns = ["Beledweyne", "Jowhar", "Baidoa", "Kismayo", "Galkayo", "Dhusamareb", "Garowe", "Bosaso",
             "Hudur", "Luuq", "Marka", "Afgooye", "Wanlaweyn", "Balcad", "Adale", "Eyl"]
    return (f"Clan militias clashed for the {k}th time near {towns[k % 16]} over grazing land, elders in "
            f"district number {k} reported after a night of gunfire.\n"
            f"Traders in {towns[(k + 5) % 16]} shut {k + 3} shops and {2 * k + 7} lorries waited at the checkpoint "
            f"on the road to {towns[(k + 9) % 16]} until the morning curfew was lifted.")


def test_candidates_are_capped_and_ranked_by_shared_sentences():
    index = ReuseIndex()
    for k in range(MAX_CANDIDATES + 5):
        index.add(f"d{k:02d}", _filler(k) + "\n" + _STOCK)
    # one shared sentence reaches every earlier document: only MAX_CANDIDATES of them are kept
    hits = index.add("new", _filler(99) + "\n" + _STOCK)
    assert len(hits) <= MAX_CANDIDATES
    assert all(n >= MIN_HITS for _, n in hits)
    # a document sharing two whole sentences with one earlier document finds that one first
    copy = _filler(3) + "\n" + "A new closing line about the talks, which resumed in the capital on Sunday."
    best = index.add("copy", copy)[0]
    assert best[0] == "d03" and best[1] >= 2 * MIN_HITS


def test_signatures_with_shared_permutations_equal_fresh_ones():
    # the persisted index holds signatures made both ways; they must be the same numbers
    from datasketch import MinHash

    from sitrep.reuse import NUM_PERM, SCHEME, _permutations, _signature
    items = ["clan militias clashed near", "militias clashed near the", "clashed near the river"]
    fresh = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    fresh.update_batch([s.encode("utf-8") for s in items])
    assert (_signature(items, _permutations()) == fresh.hashvalues).all()


def test_find_reuse_cuts_each_text_once_however_many_pairs(monkeypatch):
    import sitrep.reuse as reuse
    calls = []
    real = reuse.sentences
    monkeypatch.setattr(reuse, "sentences", lambda text: calls.append(1) or real(text))
    docs = [make_doc("yemen_orig", HODEIDAH), make_doc("yemen_rewrite", HODEIDAH_REWRITE),
            make_doc("yemen_again", HODEIDAH_REWRITE.replace("Three", "Four"))]
    found = find_reuse(docs)
    assert ("yemen_rewrite", "yemen_orig", "copies_with_edits") in relations(found)
    assert len(calls) <= len(docs)   # three pairs aligned, each text split once


def test_band_table_finds_exactly_the_rows_sharing_a_band():
    # checked against brute force over random signatures, across the unsorted tail and merges
    import numpy as np

    from sitrep.reuse import _BandTable
    rng = np.random.RandomState(3)
    table = _BandTable(8, 2)
    stored = []
    for owner in range(300):
        sigs = rng.randint(0, 4, size=(rng.randint(0, 30), 128)).astype(np.uint64)   # few values: many collisions
        keys = table.hashes(sigs)
        query = rng.randint(0, 4, size=(5, 128)).astype(np.uint64)
        qkeys = table.hashes(query)
        got = table.query(qkeys)
        for i, row in enumerate(query):
            want = {o for o, s in stored for r in s
                    if any((r[j * 2:j * 2 + 2] == row[j * 2:j * 2 + 2]).all() for j in range(8))}
            assert got[i] == want
        table.add(keys, owner)
        stored.append((owner, sigs))


def test_signatures_of_several_sets_equal_one_by_one():
    from sitrep.reuse import _permutations, _signature, signatures
    sets = [{"a b c d e", "b c d e f"}, set(), {"x"}, {"militias clashed near the river"} | {str(i) for i in range(5000)}]
    perms = _permutations()
    together = signatures(sets, perms)
    for s, row in zip(sets, together):
        assert (row == _signature(s, perms)).all()
