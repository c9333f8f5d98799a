"""The actor table and the cross-document normalisation key (no spaCy needed)."""
import json

import pytest

from sitrep.normalize.actors import DATA_FILE, ActorTable, actor_key, word_key


@pytest.fixture(scope="module")
def table():
    return ActorTable.load()


def test_every_table_entry_has_a_source_type_and_aliases():
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    ids = set()
    for row in raw["actors"]:
        assert row["id"] not in ids, row["id"]
        ids.add(row["id"])
        assert row["type"] in {"ARMED_GROUP", "GOV_BODY", "ORG", "GPE", "PERSON"}, row
        assert row["source"].strip(), row["id"]
        assert row["aliases"], row["id"]


@pytest.mark.parametrize("alias", ["ISIS", "ISIL", "Isil", "Daesh", "Islamic State of Iraq and the Levant",
                                   "Islamic State in Iraq and Syria", "the Islamic State", "Islamic State's"])
def test_islamic_state_aliases_share_one_actor(table, alias):
    actor = table.lookup(alias)
    assert actor is not None and actor.id == "islamic-state"
    assert actor.name == "Islamic State"


@pytest.mark.parametrize("alias,actor_id", [
    ("al-Shabab", "al-shabaab"), ("Al Shabaab", "al-shabaab"), ("JNIM", "jnim"), ("Ansarallah", "houthis"),
    ("Hizbollah", "hezbollah"), ("Hay'at Tahrir al-Sham", "hts"), ("Nusra Front", "al-nusra"),
    ("ISWAP", "iswap"), ("Rapid Support Forces", "rsf"), ("AMISOM", "amisom"), ("Pentagon", "us-dod"),
    ("Israel Defence Forces", "israel-forces"), ("al-Qa'ida", "al-qaeda"), ("Taleban", "taliban"),
])
def test_aliases_from_several_regions_resolve(table, alias, actor_id):
    actor = table.lookup(alias)
    assert actor is not None and actor.id == actor_id


def test_short_acronyms_match_only_as_written(table):
    # "IS" is the Islamic State only in capitals; "is", "us" and "Is" are words
    assert table.lookup("IS").id == "islamic-state"
    assert table.lookup("is") is None
    assert table.lookup("US").id == "united-states"
    assert table.lookup("us") is None
    # an acronym's transliteration key must not capture a country: IRGC vs Iraq
    assert table.lookup("Iraq") is None


@pytest.mark.parametrize("variants", [
    ["Gadhafi", "Qaddafi", "Khadafi", "Gaddafi", "Kadhafi", "Qadhafi"],
    ["Misrata", "Misurata"],
    ["al-Baghdadi", "al Baghdadi", "Baghdadi"],
    ["Abu Bakr al-Baghdadi", "Abu Bakr al Baghdadi", "Abou Bakr el-Baghdadi"],
    ["Mogadishu", "Muqdisho"],
    ["Mohammed", "Muhammad", "Mohamed"],
    ["Zelensky", "Zelenskyy", "Zelenskiy"],
])
def test_transliteration_variants_share_a_key(variants):
    keys = {actor_key(v) for v in variants}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("a,b", [
    ("Hassan", "Hussein"), ("Ahmed", "Mahmoud"), ("Ali Abdullah Saleh", "Ali Mohsen"), ("Sirte", "Sabha"),
    ("Abu Bakr al-Baghdadi", "Abu Bakr Shekau"), ("Tripoli", "Tripolis"), ("Omar", "Amer"),
    ("Iran", "Iraq"), ("Baghdad", "Baghdadi"), ("Niger", "Nigeria"),
])
def test_distinct_names_keep_distinct_keys(a, b):
    assert actor_key(a) != actor_key(b)


def test_key_ignores_leading_the_possessive_and_case():
    assert actor_key("the Syrian Observatory") == actor_key("Syrian Observatory")
    assert actor_key("Wagner's") == actor_key("WAGNER")
    assert actor_key("U.S.") == actor_key("US")


def test_word_key_is_deterministic_and_handles_odd_input():
    assert word_key("") == ""
    assert word_key("2014") == "2014"
    assert actor_key("") == ""
    assert actor_key("داعش") == ""  # non-Latin script has no Latin key; never raises


def test_rules_are_loaded_from_the_data_file(table):
    assert "Ansar" in table.rule("group_prefixes")
    assert "Brigade" in table.rule("group_heads_strong")
    assert "Gen." in table.rule("titles")


@pytest.mark.parametrize("word, folded", [("Baghdadi", "baghdadi"), ("ABU", "abu"), ("Café", "cafe"),
                                          ("Sana’a", "sana'a"), ("Şanlıurfa", "sanlıurfa"), ("", "")])
def test_fold_fast_ascii_path_and_accented_path(word, folded):
    from sitrep.normalize.actors import _fold
    assert _fold(word) == folded


def test_word_key_equal_for_accented_and_plain_spellings():
    # the ASCII shortcut in _fold must not separate a spelling from its accented form
    assert word_key("Séléka") == word_key("Seleka")
    assert word_key("Ménaka") == word_key("Menaka")
