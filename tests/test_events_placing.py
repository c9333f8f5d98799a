"""Where events happened: scene vs actor/origin/modifier places, implied scenes, splits.

Texts are written for these tests (several regions and outlet styles); expected places
were decided by hand from the ACLED conventions in the gold README.
"""
from __future__ import annotations

import pytest

import sitrep
from sitrep.normalize.places import geo_precision


def analysed(res, tmp_path, text: str):
    path = tmp_path / "story.txt"
    path.write_text(text + "\n", encoding="utf-8")
    return sitrep.api.analyse_paths([str(path)], resources=res, reuse=False)[0]


def locations(doc):
    return [(e.location.name, e.location.iso, e.location.precision) for e in doc.events]


def test_a_past_elsewhere_of_the_actor_is_not_split(res, tmp_path):
    doc = analysed(res, tmp_path, "Security officials say militants who previously fought in Afghanistan or "
                                  "Pakistan carried out the bombing in Kabul on Friday.")
    assert doc.events and {loc[1] for loc in locations(doc)} == {"AF"}
    assert all(loc[0] == "Kabul" for loc in locations(doc))


def test_places_as_subjects_are_actors_and_the_region_is_implied(res, tmp_path):
    text = ("Syrian government forces pressed on in Idlib province last month.\n\n"
            "Russia and Iran have kept up bombardment of the region, killing dozens of civilians.")
    doc = analysed(res, tmp_path, text)
    second = [e for e in doc.events if e.spans[0].start >= text.index("Russia and Iran")]
    assert second and all(e.location.iso == "SY" for e in second)


def test_direction_of_the_focus_country(res, tmp_path):
    text = ("Fighting in Syria has eased. Moscow and Ankara agreed a ceasefire for the northwest "
            "in March, Syrian officials said.")
    doc = analysed(res, tmp_path, text)
    agreed = [e for e in doc.events if e.sub_type == "Agreement"]
    assert agreed and agreed[0].location.name == "northwest Syria"
    assert agreed[0].location.iso == "SY" and agreed[0].location.precision == "region"


def test_the_city_refers_back_to_the_town_named_before(res, tmp_path):
    doc = analysed(res, tmp_path, "Fighting raged in Hodeidah on Monday. Houthi fighters shelled the city again "
                                  "on Tuesday, killing four civilians.")
    shelling = [e for e in doc.events if "shelled" in doc.text[e.spans[0].start:e.spans[0].end]]
    assert shelling and all(e.location.name == "Hodeidah" for e in shelling)


def test_center_of_the_country_is_a_region_of_the_focus(res, tmp_path):
    doc = analysed(res, tmp_path, "KABUL, Afghanistan (AP) - A roadside bomb killed three policemen in the "
                                  "center of the country on Sunday, officials said.")
    assert locations(doc) and locations(doc)[0] == ("central Afghanistan", "AF", "region")
    assert geo_precision(doc.events[0].location.precision) == 3


def test_distance_from_a_town_is_near_the_town(res, tmp_path):
    doc = analysed(res, tmp_path, "Insurgents attacked an army base 20 km from Menaka on Monday, killing "
                                  "five soldiers.")
    assert doc.events and doc.events[0].location.name == "Menaka"
    assert doc.events[0].location.precision == "near" and geo_precision("near") == 2


def test_a_hospital_name_keeps_the_story_town(res, tmp_path):
    doc = analysed(res, tmp_path, "Gunmen shot dead a nurse at the Al-Noor hospital on Thursday, the Somali "
                                  "police said. The attack happened in Baidoa.")
    assert doc.events and all(loc[1] in ("SO", None) for loc in locations(doc))


@pytest.mark.parametrize("text,iso", [
    ("Bandits killed nine farmers in Zamfara state, Nigerian police said. In Borno, the Nigerian army said "
     "an airstrike destroyed a militant camp on an island in Lake Chad.", "NG"),
    ("Gunmen attacked a police post near Kismayo, killing two officers, with weapons smuggled from Yemen.",
     "SO"),
    ("Government troops, backed by US air power, recaptured several villages near Jowhar in Somalia.", "SO"),
    ("Police fired tear gas at protesters outside the US and French embassies in Kinshasa on Saturday.", "CD"),
])
def test_modifiers_origins_and_shared_lakes_keep_the_country(res, tmp_path, text, iso):
    doc = analysed(res, tmp_path, text)
    assert doc.events
    assert all(e.location.iso == iso for e in doc.events), locations(doc)


def test_locative_lists_split_but_origins_do_not(res, tmp_path):
    doc = analysed(res, tmp_path, "Bombs exploded in Maiduguri, Damaturu and Yola on Sunday, killing 20 people.")
    assert sorted(loc[0] for loc in locations(doc)) == ["Damaturu", "Maiduguri", "Yola"]
    doc2 = analysed(res, tmp_path, "Hundreds of fighters arrived from Raqqa and Deir ez-Zor and attacked "
                                   "Kurdish positions in Hasakah on Monday.")
    assert doc2.events and all(loc[0] != "Raqqa" for loc in locations(doc2))


def test_odd_text_does_not_raise(res, tmp_path):
    for text in ("", "???", "Атака в Киеве. 攻击", "in the city " * 500):
        path = tmp_path / "odd.txt"
        path.write_text(text + "\n", encoding="utf-8")
        docs = sitrep.api.analyse_paths([str(path)], resources=res, reuse=False)
        assert all(isinstance(d.events, list) for d in docs)


# ---- round 2: asides, comparisons, appositions, follow-ups ---------------------------------

def test_a_list_interrupted_by_an_aside_splits_per_town(res, tmp_path):
    doc = analysed(res, tmp_path, "Fighters loyal to the group have been forming cells in Maiduguri, Damaturu "
                                  "(where the army keeps a large garrison), Yola and Gombe, officials said.")
    names = sorted(loc[0] for loc in locations(doc))
    assert names == ["Damaturu", "Gombe", "Maiduguri", "Yola"]


def test_a_place_inside_an_aside_is_not_a_scene(res, tmp_path):
    doc = analysed(res, tmp_path, "Rebels took up positions in the cities of Marib (near the capital Sanaa, "
                                  "in the north) and Taiz.")
    assert sorted(loc[0] for loc in locations(doc)) == ["Marib", "Taiz"]


def test_a_town_and_its_country_are_one_place(res, tmp_path):
    doc = analysed(res, tmp_path, "A car bomb exploded at a checkpoint in Kandahar, Afghanistan, on Sunday, "
                                  "killing six people, officials said.")
    assert locations(doc) == [("Kandahar", "AF", "city")]


@pytest.mark.parametrize("text,town", [
    ("At least nine people were killed when a suicide bomber rammed a car into a checkpoint near a busy "
     "junction in the Afghan capital Kabul on Saturday, police said.", "Kabul"),
    ("Gunmen stormed a hotel in the Somali capital Mogadishu on Friday, killing five guests.", "Mogadishu"),
])
def test_a_capital_named_in_apposition_beats_the_demonym(res, tmp_path, text, town):
    doc = analysed(res, tmp_path, text)
    assert doc.events and all(loc[0] == town for loc in locations(doc))


def test_comparison_places_are_not_scenes(res, tmp_path):
    doc = analysed(res, tmp_path, "Armed men attacked the town of Kidal, as in Gao and Mopti last year, "
                                  "killing four civilians.")
    assert locations(doc) and all(loc[0] == "Kidal" for loc in locations(doc))


def test_an_adjective_of_a_region_does_not_beat_the_town(res, tmp_path):
    doc = analysed(res, tmp_path, "Fighters from allied Darfuri militias stormed Nyala on Sunday and looted the market.")
    assert locations(doc) and all(loc[0] == "Nyala" for loc in locations(doc))


def test_a_follow_up_in_the_area_takes_the_town_of_the_event(res, tmp_path):
    text = ("A car bomb exploded at a checkpoint in Kandahar, Afghanistan, on Sunday, killing six people.\n\n"
            "Witnesses said the blast shattered windows across the street.\n\n"
            "Security forces later cordoned off the area and arrested three men suspected of helping the bomber.")
    doc = analysed(res, tmp_path, text)
    arrests = [e for e in doc.events if e.sub_type == "Arrests"]
    assert arrests and arrests[0].location.name == "Kandahar"


def test_a_follow_up_with_no_place_takes_the_town_not_its_state(res, tmp_path):
    text = ("Gunmen on motorcycles attacked a market in Gusau, Zamfara state, on Tuesday, killing eight traders, "
            "police said.\n\nResidents said the attackers later set fire to shops and abducted at least 15 people.")
    doc = analysed(res, tmp_path, text)
    later = [e for e in doc.events if e.spans[0].start >= text.index("Residents")]
    assert later and all(e.location.name == "Gusau" for e in later)


def test_the_area_is_the_last_scene_not_the_last_actor_place(res, tmp_path):
    text = ("Syrian forces shelled villages in Idlib province on Monday.\n\n"
            "But Damascus and Moscow have kept up regular air raids on the region.\n\n"
            "The area has also been rocked by weeks of protests against the local authorities.")
    doc = analysed(res, tmp_path, text)
    protests = [e for e in doc.events if e.type == "Protests"]
    assert protests and protests[0].location.name == "Idlib" and protests[0].location.precision == "region"


@pytest.mark.parametrize("text,scene", [
    ("Jihadists killed 12 soldiers in an ambush in central Mali on Tuesday, far more than in Kidal last year, "
     "the army said.", "central Mali"),   # a part of the country, as ACLED names it
    ("Suspected al-Shabaab fighters raided a police station in Garissa on Monday; the attack was deadlier "
     "than in Mandera or Wajir.", "Garissa"),
    ("MOPTI, Mali - Jihadists killed 12 soldiers in an ambush on Tuesday, far more than in Kidal last year, "
     "the army said.", "Mali"),
])
def test_places_of_a_comparison_are_yardsticks(res, tmp_path, text, scene):
    doc = analysed(res, tmp_path, text)
    assert doc.events and all(loc[0] == scene for loc in locations(doc))


def test_an_unknown_name_before_a_noun_is_a_modifier(res, tmp_path):
    doc = analysed(res, tmp_path, "Fighting in Sudan goes on. The RSF has encircled the city of El Fasher since "
                                  "early May, and its fighters have been battling the army and allied Darfuri "
                                  "armed groups on its eastern and northern edges.")
    assert locations(doc) and all(loc[0] == "El Fasher" for loc in locations(doc))


def test_places_in_a_participle_aside_are_not_the_scene(res, tmp_path):
    # the aside tells why fighters move; the takeover happened in the story's country
    text = ("MOGADISHU, Somalia - Al-Shabaab has seized territory in the south of the country and "
            "recruits, hardened by years of fighting in Kenya and Ethiopia, are joining its ranks.")
    doc = analysed(res, tmp_path, text)
    seized = [e for e in doc.events if e.trigger == "seized"]
    assert len(seized) == 1 and seized[0].location.iso == "SO"


# ---- villages, neighbourhoods, regions (names of villages invented for the tests) -----------

def test_village_in_a_local_government_area_is_the_scene(res, tmp_path):
    text = ("Gunmen on motorcycles stormed Bulakumri village in Dikwa Local Government Area of Borno State "
            "late on Sunday, killing nine farmers, police said.")
    doc = analysed(res, tmp_path, text)
    assert doc.events
    loc = doc.events[0].location
    assert loc.name == "Bulakumri, Dikwa" and loc.iso == "NG" and loc.admin1 == "Borno"
    assert loc.lat is not None and abs(loc.lat - 12.04) < 0.1      # Dikwa's point, not Borno's centre


def test_neighbourhood_of_a_city_keeps_the_city_point(res, tmp_path):
    text = ("A woman was killed when a Houthi sniper opened fire in the Shuhada neighbourhood in the west of "
            "Taiz city on Saturday, medics said.")
    doc = analysed(res, tmp_path, text)
    assert doc.events
    loc = doc.events[0].location
    assert loc.name == "Shuhada neighbourhood, Taiz city" and loc.iso == "YE"
    assert loc.lat is not None and abs(loc.lat - 13.58) < 0.1


def test_unknown_village_with_only_the_country_known_keeps_its_name(res, tmp_path):
    text = ("Somali troops said on Tuesday they had repelled an al-Shabaab attack on the village of Ceel "
            "Xaarey in Somalia, killing 12 militants.")
    doc = analysed(res, tmp_path, text)
    assert doc.events
    loc = doc.events[0].location
    assert loc.name == "Ceel Xaarey" and loc.iso == "SO" and loc.precision == "region"


@pytest.mark.parametrize("text,name,iso", [
    ("Bandits abducted 40 pupils from a boarding school in northwest Nigeria on Friday, police said.",
     "northwest Nigeria", "NG"),
    ("Rival armed groups clashed in the east of Libya on Sunday, killing six fighters.", "eastern Libya", "LY"),
    ("Government forces and clan militias recaptured three villages from al-Shabaab in central Somalia "
     "last week.", "central Somalia", "SO"),
])
def test_direction_regions_are_the_scene(res, tmp_path, text, name, iso):
    doc = analysed(res, tmp_path, text)
    assert doc.events and (doc.events[0].location.name, doc.events[0].location.iso) == (name, iso)
    assert doc.events[0].location.precision == "region"


def test_oblast_is_the_region_entry(res, tmp_path):
    doc = analysed(res, tmp_path, "Russian drones struck energy facilities in the Kharkiv region overnight, "
                                  "injuring two workers, Ukrainian officials said.")
    assert doc.events
    loc = doc.events[0].location
    assert loc.iso == "UA" and loc.precision == "region" and loc.admin1 and loc.admin1.startswith("Khark")


def test_the_town_told_before_despite_a_region_in_the_sentence(res, tmp_path):
    text = ("Syrian government forces closed in on Saraqib on Sunday.\n\n"
            "They have encircled the town since January, and their artillery shelled rebel positions on "
            "Monday, killing three fighters in Idlib province, the monitor said.")
    doc = analysed(res, tmp_path, text)
    shelled = [e for e in doc.events if "shelled" in e.trigger]
    assert shelled and all(e.location.name == "Saraqib" for e in shelled)


def test_the_city_after_a_neighbourhood_is_its_town(res, tmp_path):
    text = ("Gunmen killed a trader in the Hodan district of Mogadishu on Monday, police said.\n\n"
            "The city has seen a string of grenade attacks on shops this month, killing at least five people.")
    doc = analysed(res, tmp_path, text)
    later = [e for e in doc.events if e.spans[0].start >= text.index("The city")]
    assert later and all(e.location.name == "Mogadishu" for e in later)


def test_a_local_wing_acts_in_its_own_town(res, tmp_path):
    text = ("Militants loyal to the Islamic State have spread across Afghanistan. A statement said the "
            "Jalalabad wing of Islamic State was behind two car bombs outside government offices last week.")
    doc = analysed(res, tmp_path, text)
    bombs = [e for e in doc.events if e.spans[0].start >= text.index("A statement")]
    assert bombs and all(e.location.name == "Jalalabad" for e in bombs), locations(doc)


def test_the_capital_is_the_focus_countrys_capital(res, tmp_path):
    text = ("Fighting flared near Kismayo on Monday, officials in Somalia said.\n\n"
            "On Tuesday a car bomb exploded outside a hotel in the capital, killing six people.")
    doc = analysed(res, tmp_path, text)
    bomb = [e for e in doc.events if e.spans[0].start >= text.index("On Tuesday")]
    assert bomb and bomb[0].location.name == "Mogadishu", locations(doc)


def test_a_provincial_capital_is_not_the_national_one(res, tmp_path):
    text = ("Clashes were reported in Kandahar province, Afghanistan, on Monday.\n\n"
            "Gunmen attacked a police post in the provincial capital overnight, killing two officers.")
    doc = analysed(res, tmp_path, text)
    raid = [e for e in doc.events if e.spans[0].start >= text.index("Gunmen")]
    assert raid and raid[0].location.name != "Kabul", locations(doc)
