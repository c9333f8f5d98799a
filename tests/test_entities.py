"""The entities stage on the real spaCy pipeline and the real gazetteer.

Texts are written for these tests in the styles of several outlets and regions.
"""
import pytest

from sitrep import nlp as nlp_stage
from sitrep.model import Document
from sitrep.normalize.actors import canonical_actor, entities
from sitrep.pipeline import Resources


@pytest.fixture(scope="session")
def res():
    res = Resources()
    res.nlp  # load spaCy once for the session
    return res


def run(res, text, doc_id="t"):
    doc = Document(id=doc_id, doc=doc_id, text=text)
    nlp_stage.analyse([doc], res=res)
    entities([doc], res=res)
    return doc


def entity_of(doc, surface):
    """The entity that has ``surface`` among its aliases (exactly one)."""
    found = [e for e in doc.entities if surface in e.aliases]
    assert len(found) == 1, (surface, [(e.name, e.aliases) for e in doc.entities])
    return found[0]


def mention_texts(doc):
    return [m.text for m in doc.mentions]


def test_offsets_point_into_the_text_and_ids_resolve(res):
    doc = run(res, "Al-Shabaab fighters attacked an AMISOM base near Baidoa, Somali officials said.")
    ids = {e.id for e in doc.entities}
    assert doc.mentions
    for m in doc.mentions:
        assert doc.text[m.start:m.end] == m.text
        assert m.entity in ids
        assert m.label in {"PERSON", "ARMED_GROUP", "GOV_BODY", "ORG", "GPE", "LOC", "FACILITY"}
    assert entity_of(doc, "Al-Shabaab").type == "ARMED_GROUP"
    assert entity_of(doc, "AMISOM").name == "AMISOM"
    assert entity_of(doc, "Baidoa").type == "GPE"
    assert "Somali" not in mention_texts(doc)  # a bare demonym is not an entity


def test_pro_and_anti_prefixes_and_possessives_yield_the_group(res):
    doc = run(res, "Pro-ISIS channels celebrated the ambush, while anti-ISIS militias in Deir ez-Zor vowed "
                   "revenge. ISIS' media wing said ISIS's fighters had withdrawn. Analysts say the Islamic "
                   "State group is regrouping.")
    isis = [m for m in doc.mentions if m.text.startswith("ISIS")]
    assert [m.text for m in isis] == ["ISIS"] * 4
    starts = {m.start for m in isis}
    assert doc.text.index("ISIS channels") in starts
    assert doc.text.index("ISIS militias") in starts
    ent = entity_of(doc, "ISIS")
    assert ent.name == "Islamic State" and ent.actor_id == "islamic-state"
    assert "Islamic State group" in ent.aliases
    assert not any(m.text.startswith(("Pro", "anti", "the")) for m in doc.mentions)


def test_table_aliases_merge_into_one_canonical_actor(res):
    doc = run(res, "Houthi rebels fired drones at shipping in the Red Sea, and Ansar Allah said more would "
                   "follow. The Houthis also claimed a strike on Eilat.")
    ent = entity_of(doc, "Ansar Allah")
    assert ent.name == "Houthis (Ansar Allah)" and ent.type == "ARMED_GROUP"
    assert {"Houthi rebels", "Ansar Allah", "Houthis"} <= set(ent.aliases)


def test_same_actor_same_name_and_key_across_documents(res):
    a = run(res, "Nigerian troops repelled an attack by Boko Haram near Maiduguri, the army said.", "a")
    b = run(res, "Jihadists from Jama'atu Ahlis Sunna Lidda'awati wal-Jihad, better known as Boko Haram, "
                 "raided a village in Borno.", "b")
    ea, eb = entity_of(a, "Boko Haram"), entity_of(b, "Boko Haram")
    assert (ea.name, ea.actor_id) == (eb.name, eb.actor_id) == ("Boko Haram", "boko-haram")
    # a name outside the table gets the same key from the same spelling, with no shared state
    c = run(res, "Commander Abdirahman Gedi of the Danab brigade said the town was retaken.", "c")
    d = run(res, "Abdirahman Gedi denied the report.", "d")
    assert entity_of(c, "Abdirahman Gedi").actor_id == entity_of(d, "Abdirahman Gedi").actor_id


def test_transliterations_of_a_table_person_meet(res):
    a = run(res, "Forces loyal to Khadafi shelled the port in 2011.", "a")
    b = run(res, "Qadhafi's former compound was looted.", "b")
    assert entity_of(a, "Khadafi").name == entity_of(b, "Qadhafi").name == "Muammar Gaddafi"


def test_spelling_variants_merge_within_a_document(res):
    doc = run(res, "Residents said Mogadishu was calm on Friday. In Muqdisho, mortars later hit the port.")
    ent = entity_of(doc, "Mogadishu")
    assert "Muqdisho" in ent.aliases


def test_acronym_defined_in_the_text(res):
    doc = run(res, "Gunmen from the Movement for the Salvation of Azawad (MSA) ambushed a convoy near "
                   "Menaka on Tuesday. The MSA said three of its men died.")
    ent = entity_of(doc, "MSA")
    assert ent.name == "Movement for the Salvation of Azawad"
    assert sum(1 for m in doc.mentions if m.entity == ent.id) == 3


def test_acronym_matching_initials(res):
    doc = run(res, "The National Resistance Front denied it had fighters in Panjshir, an NRF spokesman said.")
    assert entity_of(doc, "NRF").name == "National Resistance Front"


def test_surnames_and_titles_link_to_the_full_name(res):
    doc = run(res, "Maj. Gen. Christopher Musa, the chief of defence staff, told reporters in Abuja that "
                   "ISWAP had lost ground. Musa said the Islamic State West Africa Province still held "
                   "islands in Lake Chad.")
    musa = entity_of(doc, "Musa")
    assert musa.name == "Christopher Musa" and musa.type == "PERSON"
    assert "Maj. Gen. Christopher Musa" not in musa.aliases  # titles stripped
    assert musa.role == "chief of defence staff"
    iswap = entity_of(doc, "ISWAP")
    assert "Islamic State West Africa Province" in iswap.aliases


def test_courtesy_title_and_office_as_role(res):
    doc = run(res, "U.S. Secretary of State Antony Blinken arrived in Kyiv. Mr. Blinken pledged more air "
                   "defence systems.")
    ent = entity_of(doc, "Antony Blinken")
    assert "Blinken" in ent.aliases
    assert ent.role == "U.S. Secretary of State"


def test_relative_clause_role(res):
    doc = run(res, "Gen. Michael Langley, who heads U.S. Africa Command, said the strike near Jilib killed "
                   "three militants.")
    ent = entity_of(doc, "Michael Langley")
    assert ent.role is not None and "Africa Command" in ent.role
    assert entity_of(doc, "U.S. Africa Command").type == "GOV_BODY"


def test_distinct_people_with_shared_names_stay_apart(res):
    doc = run(res, "Ali Abdullah Saleh and Ali Mohsen al-Ahmar met in Sanaa. Hassan Nasrallah praised "
                   "Hussein al-Houthi.")
    names = {e.name for e in doc.entities if e.type == "PERSON"}
    assert {"Ali Abdullah Saleh", "Ali Mohsen al-Ahmar", "Hussein al-Houthi"} <= names
    assert entity_of(doc, "Ali Abdullah Saleh").id != entity_of(doc, "Ali Mohsen al-Ahmar").id
    assert entity_of(doc, "Hussein al-Houthi").id != entity_of(doc, "Hassan Nasrallah").id


def test_armed_groups_tagged_person_are_fixed(res):
    # spaCy labels these Arabic group names PERSON
    doc = run(res, "Fighters loyal to Jaish al-Adl attacked a border post near Saravan. Harakat Hezbollah "
                   "al-Nujaba said its men were not involved.")
    assert entity_of(doc, "Jaish al-Adl").type == "ARMED_GROUP"
    assert entity_of(doc, "Harakat Hezbollah al-Nujaba").type == "ARMED_GROUP"


def test_group_names_spacy_misses_are_found_by_pattern(res):
    doc = run(res, "The Liwa Fatemiyoun and the Abu Fadl al-Abbas Brigade deployed near Palmyra.")
    assert entity_of(doc, "Liwa Fatemiyoun").type == "ARMED_GROUP"
    assert entity_of(doc, "Abu Fadl al-Abbas Brigade").type == "ARMED_GROUP"


def test_town_tagged_person_or_org_becomes_a_place(res):
    # spaCy tags "Jowhar" and "Sanaa" PERSON and "Al-Bayda" ORG here; the gazetteer knows them
    doc = run(res, "Gunmen stormed Beledweyne on Friday. Beledweyne residents fled to Jowhar.")
    assert entity_of(doc, "Jowhar").type == "GPE"
    doc = run(res, "Al-Bayda residents said Houthi shelling hit the market. Russian missiles struck the city, "
                   "regional governor Oleh Syniehubov said. The Houthis in Sanaa condemned it.")
    assert entity_of(doc, "Al-Bayda").type == "GPE"
    assert entity_of(doc, "Sanaa").type == "GPE"
    assert entity_of(doc, "Oleh Syniehubov").type == "PERSON"
    assert entity_of(doc, "Houthis").type == "ARMED_GROUP"


def test_person_named_like_a_town_stays_a_person(res):
    doc = run(res, "He said President Obama convened the National Security Council.")
    assert entity_of(doc, "Obama").type == "PERSON"


def test_page_words_are_not_entities(res):
    doc = run(res, "JUST WATCHED\nReplay\nConcerns grew in Kabul after the Taliban closed the border.")
    texts = mention_texts(doc)
    assert "WATCHED" not in texts and "Concerns" not in texts and "Replay" not in texts
    assert entity_of(doc, "Taliban").type == "ARMED_GROUP"
    assert entity_of(doc, "Kabul").type == "GPE"


def test_washington_as_government_and_as_city(res):
    doc = run(res, "Washington imposed new sanctions on Moscow. Diplomats met in Washington on Monday.")
    gov = [m for m in doc.mentions if m.text == "Washington" and doc.entity_name(m.entity) == "United States"]
    city = [m for m in doc.mentions if m.text == "Washington" and doc.entity_name(m.entity) != "United States"]
    assert len(gov) == 1 and gov[0].start == 0
    assert len(city) == 1


def test_state_forces_named_by_country(res):
    doc = run(res, "Malian security forces and Burkinabe troops pursued JNIM fighters. Niger's army "
                   "said it lost two soldiers.")
    assert entity_of(doc, "Malian security forces").type == "GOV_BODY"
    assert entity_of(doc, "Burkinabe troops").name == "Burkina Faso Armed Forces"
    assert entity_of(doc, "Niger's army").type == "GOV_BODY"
    assert entity_of(doc, "JNIM").type == "ARMED_GROUP"


def test_canonical_actor_overlap_and_nearest(res):
    text = "Ukrainian forces said Russian troops shelled Kherson overnight."
    doc = run(res, text)
    i = text.index("Russian troops")
    assert canonical_actor(doc, i, i + 7).name == "Russian Armed Forces"
    j = text.index("shelled")
    near = canonical_actor(doc, j, j + 7)
    assert near is not None and near.name in ("Russian Armed Forces", "Kherson")
    assert canonical_actor(Document(id="e", doc="e", text=""), 0, 0) is None


def test_stage_is_idempotent(res):
    doc = run(res, "Hamas said Israeli strikes killed 12 people in Rafah; the IDF said it hit militants.")
    first = ([(m.start, m.end, m.label, m.entity) for m in doc.mentions], list(doc.entities))
    entities([doc], res=res)
    assert ([(m.start, m.end, m.label, m.entity) for m in doc.mentions], list(doc.entities)) == first
    assert entity_of(doc, "IDF").name == "Israel Defense Forces"


@pytest.mark.parametrize("text", ["", "   \n\n ", "هاجم مسلحون من داعش قرية في دير الزور",
                                  "Обстріл Харкова триває", "ISIS " * 3000, "(((( )))) -- ' ' ''"])
def test_odd_text_never_raises(res, text):
    doc = run(res, text)
    for m in doc.mentions:
        assert doc.text[m.start:m.end] == m.text


def test_no_spacy_doc_means_no_entities(res):
    doc = Document(id="x", doc="x", text="Boko Haram attacked Maiduguri.")
    doc.mentions = ["stale"]
    entities([doc], res=res)
    assert doc.mentions == [] and doc.entities == []


def test_sentence_ids_agree_with_spacy_sentences(res):
    # the table matcher numbers sentences once per document instead of asking Token.sent per token
    from sitrep.normalize.actors import _sentence_ids
    sdoc = res.nlp("Fighters of al-Shabaab overran a base near Jowhar on Tuesday. The Somali army said "
                   "it retook it by nightfall.\nAMISOM troops were not involved, a spokesman added.")
    ids = _sentence_ids(sdoc)
    starts = [s.start for s in sdoc.sents]
    assert len(ids) == len(sdoc) and ids[0] == 0 and ids[-1] == len(starts) - 1
    for tok in sdoc:
        assert starts[ids[tok.i]] == tok.sent.start, tok.text


def test_a_name_split_across_two_sentences_is_not_one_table_match(res):
    # "... Boko." / "Haram ..." must not join into the table alias "Boko Haram"
    doc = run(res, "Herders fled towards Boko. Haram militants were not seen there, said officials in Maiduguri.")
    assert not any(e.actor_id == "boko-haram" for e in doc.entities), [(e.name, e.aliases) for e in doc.entities]
