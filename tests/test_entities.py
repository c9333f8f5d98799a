"""The entities stage on the real spaCy pipeline and the real gazetteer.

Texts are written for these tests in the styles of several outlets and regions.
"""
import pytest

from sitrep import nlp as nlp_stage
from sitrep.model import Document
from sitrep.normalize.actors import canonical_actor, entities


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


# ---------------------------------------------------------------------------------------
# branches, wings and affiliates of a group (round 3)


def test_a_wing_named_by_its_town_is_its_own_group(res):
    doc = run(res, "Commanders of the Kandahar wing of the Taliban met in Quetta last week. The Taliban "
                   "leadership denied any rift, but the Kandahar wing has since ignored orders.")
    wing = entity_of(doc, "Kandahar wing")
    assert wing.type == "ARMED_GROUP"
    assert "Kandahar wing of the Taliban" in wing.aliases
    parent = entity_of(doc, "Taliban")
    assert parent.id != wing.id
    # a branch is keyed by its parent and qualifier, so other wordings meet it across documents
    assert wing.actor_id.split("/")[0] == parent.actor_id


def test_a_demonym_branch_meets_the_branch_named_by_its_country(res):
    doc = run(res, "Al-Qaeda's Yemeni affiliate said it carried out the raid in Shabwa. Analysts say "
                   "al-Qaeda in Yemen has lost ground since 2016.")
    branch = entity_of(doc, "Al-Qaeda's Yemeni affiliate")
    assert "al-Qaeda in Yemen" in branch.aliases
    assert branch.type == "ARMED_GROUP"
    assert "/" in branch.actor_id


def test_a_province_of_the_group_is_a_branch_but_a_bare_province_is_a_place(res):
    doc = run(res, "The Sahel province of the Islamic State has pushed toward Menaka. JNIM fighters "
                   "were also seen in Mopti province.")
    branch = entity_of(doc, "Sahel province of the Islamic State")
    assert branch.type == "ARMED_GROUP"
    assert not any("Mopti province" in a for e in doc.entities for a in e.aliases if e.type == "ARMED_GROUP")


def test_branch_words_of_non_armed_bodies_make_no_group(res):
    doc = run(res, "Boko Haram gunmen killed a lawyer in Maiduguri, and the Kano branch of the Nigerian "
                   "Bar Association called for a strike.")
    assert not any(e.type == "ARMED_GROUP" and "branch" in " ".join(e.aliases) for e in doc.entities)
    assert entity_of(doc, "Boko Haram").type == "ARMED_GROUP"


def test_a_description_in_apposition_is_not_another_group(res):
    doc = run(res, "Al-Shabaab, al-Qaeda's affiliate in East Africa, claimed the attack on the base.")
    assert not any("affiliate" in a for e in doc.entities for a in e.aliases)
    assert entity_of(doc, "Al-Shabaab").type == "ARMED_GROUP"


def test_a_named_regional_group_stays_the_table_actor(res):
    doc = run(res, "The Islamic State's West Africa branch overran a base near Lake Chad.")
    ent = next(e for e in doc.entities if e.type == "ARMED_GROUP")
    assert ent.actor_id == "iswap"


def test_names_stop_at_an_unclosed_bracket(res):
    for text in ("Fighters of Hayat Tahrir al-Sham (HTS) shelled Saraqib, while the Syrian Democratic "
                 "Forces (SDF held the east) stayed out.",
                 "A spokesman for the Rapid Support Forces (RSF) said the Sudanese Armed Forces (SAF) "
                 "had bombed Nyala."):
        doc = run(res, text)
        for m in doc.mentions:
            assert m.text.count("(") <= m.text.count(")"), m.text


def test_generic_group_noun_after_a_name_is_not_part_of_the_alias(res):
    doc = run(res, "The Houthi group said it fired drones at Marib, and Ansar Allah media showed the launch.")
    houthi = entity_of(doc, "Houthi")
    assert houthi.type == "ARMED_GROUP"
    assert not any(a.endswith(" group") for a in houthi.aliases)


def test_general_staff_and_ministries_are_state_bodies_kept_apart(res):
    doc = run(res, "Ukraine's General Staff said 40 drones were downed overnight. The General Staff added "
                   "that the Interior Ministry had evacuated Sumy, while the Defence Ministry in Moscow "
                   "claimed the opposite.")
    staff = entity_of(doc, "General Staff")
    assert staff.type == "GOV_BODY"
    interior, defence = entity_of(doc, "Interior Ministry"), entity_of(doc, "Defence Ministry")
    assert interior.type == defence.type == "GOV_BODY"
    assert interior.id != defence.id


def test_a_name_in_brackets_after_a_group_is_another_name_of_it(res):
    doc = run(res, "Drone fire claimed by the Houthis (Ansar Allah) hit a tanker off Hodeidah on Tuesday.")
    houthis = entity_of(doc, "Houthis")
    assert "Ansar Allah" in houthis.aliases and houthis.type == "ARMED_GROUP"


def test_two_known_actors_in_brackets_stay_apart(res):
    doc = run(res, "Fighters of JNIM (al-Qaeda) attacked Djibo, and al-Qaeda praised them.")
    assert entity_of(doc, "JNIM").id != entity_of(doc, "al-Qaeda").id


def test_an_office_after_a_country_possessive_is_named_without_it(res):
    doc = run(res, "Israel's Defence Ministry said the strike hit a depot, and Lebanon's health ministry "
                   "said three people died. Israel's army did not comment.")
    defence = entity_of(doc, "Defence Ministry")
    health = entity_of(doc, "health ministry")
    assert defence.type == health.type == "GOV_BODY"
    assert defence.id != health.id
    assert entity_of(doc, "Israel's army").type == "GOV_BODY"   # a force keeps its country
    assert "Lebanon" in mention_texts(doc)


def test_two_countries_offices_of_the_same_words_stay_apart(res):
    doc = run(res, "Armenia's Foreign Ministry accused Baku of shelling, and Azerbaijan's Foreign Ministry "
                   "denied it.")
    ents = [e for e in doc.entities if "Foreign Ministry" in e.aliases]
    assert len(ents) == 2 and ents[0].name != ents[1].name


def test_a_town_police_command_is_a_state_body(res):
    doc = run(res, "Gunmen abducted 14 passengers near Katsina, and Zamfara police said a rescue operation "
                   "was under way.")
    assert entity_of(doc, "Zamfara police").type == "GOV_BODY"


def test_numbered_army_formations_are_state_bodies(res):
    doc = run(res, "Troops shelled Daraa, while the 5th Army Corps moved north of Hama on Sunday.")
    assert entity_of(doc, "5th Army Corps").type == "GOV_BODY"
