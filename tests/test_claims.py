"""The claims stage on the real spaCy pipeline, with texts in several outlets' styles and regions."""
import pytest

from sitrep.extract.claims import claims, claims_for
from sitrep.model import DateWindow, Document, Entity, Mention, Place, Span, TimeMention
from sitrep.pipeline import Resources


@pytest.fixture(scope="session")
def res(request):
    cached = getattr(request.config, "_sitrep_res", None)
    if cached is None:
        cached = Resources()
        request.config._sitrep_res = cached
    return cached


def make(res, text, **fields):
    doc = Document(id="t", doc="t", text=text, **fields)
    doc.spacy = res.nlp(doc.article_text())
    return doc


def values(cs):
    return [(c.value.low, c.value.high) for c in cs]


def test_casualty_figure_with_source(res):
    text = "At least 40 people were killed in the market attack in Maiduguri, the health ministry said."
    (c,) = claims_for(make(res, text))
    assert (c.value.low, c.value.high, c.value.text) == (40, None, "At least 40")
    assert c.unit == "people" and "people" in c.about and "killed" in c.about
    assert "health ministry" in c.attributed_to
    assert text[c.spans[0].start:c.spans[0].end] == text.rstrip()
    assert c.id == "C1"


def test_force_size_range_and_vague(res):
    text = ("The militia, estimated at between 800 and 1,200 fighters, attacked Baga on Friday. "
            "Rebels number some 5,000, according to a UN panel of experts. "
            "The army says al-Shabaab still has several thousand fighters in Jubaland.")
    cs = claims_for(make(res, text))
    assert values(cs) == [(800, 1200), (3000, 9999)]  # "Rebels number some 5,000": no counted noun
    assert cs[0].about.endswith("fighters") and cs[0].attributed_to is None
    assert "fighters" in cs[1].about and cs[1].attributed_to == "army"


def test_counted_noun_from_the_clause(res):
    text = ("A UN report said estimates of the number of Wagner mercenaries in Mali ranged from "
            "1,000 to 1,500.")
    (c,) = claims_for(make(res, text))
    assert (c.value.low, c.value.high) == (1000, 1500)
    assert "mercenaries" in c.about and c.unit == "people"
    assert "UN report" in c.attributed_to


def test_implicit_casualties(res):
    text = ("A car bomb exploded outside a checkpoint in Mogadishu, killing four. "
            "One person was killed and 14 wounded in a second blast.")
    cs = claims_for(make(res, text))
    assert values(cs) == [(4, 4), (1, 1), (14, 14)]
    assert cs[0].about == "people killed"
    assert "wounded" in cs[2].about


def test_money_percent_distance(res):
    text = ("The group offers bonuses of $500 to new recruits in Kunduz. "
            "As many as 60 percent of the fighters in Idlib are foreign, a commander said. "
            "The front line is less than 30 kilometres from Zaporizhzhia.")
    cs = claims_for(make(res, text))
    assert [(c.unit, c.value.low, c.value.high) for c in cs] == [
        ("USD", 500, 500), ("percent", None, 60), ("km", None, 30)]
    assert "bonuses" in cs[0].about
    assert cs[1].about.startswith("share of") and "fighters" in cs[1].about
    assert cs[2].about.startswith("distance")


def test_counts_of_units_and_nations(res):
    text = ("Delegates from a 30-nation coalition met in Amman. "
            "The insurgents run three camps near Jilib and hold two bases in Lower Shabelle.")
    cs = claims_for(make(res, text))
    assert values(cs) == [(30, 30), (3, 3), (2, 2)]
    assert [c.unit for c in cs] == ["other", "other", "other"]
    assert "nation" in cs[0].about and "camps" in cs[1].about and "bases" in cs[2].about


def test_exclusions(res):
    text = ("More than four years after the uprising, Sudan remains divided. "
            "In 2014 the 23rd Brigade moved to Zawiya on July 23 at 10:30 a.m. "
            "No one was hurt, two officials said. "
            "A 25-year-old man was arrested. Fighting in these two countries continues. "
            "Call +234 803 555 0199 for details.")
    assert claims_for(make(res, text)) == []


def test_population(res):
    text = "Beledweyne, a town of about 60,000 on the Shabelle river, was flooded."
    doc = make(res, text)
    doc.places = [Place(0, 10, "Beledweyne", name="Beledweyne", country="Somalia")]
    (c,) = claims_for(doc)
    assert c.about == "population of Beledweyne" and c.where == "Beledweyne"
    assert (c.value.low, c.value.high) == (60000, 60000)


def test_restatement_is_kept_once_with_both_spans(res):
    text = ("Militants seize Palmyra; 2,000 fighters involved\n"
            "Islamic State sent about 2,000 fighters to Palmyra, monitors said.")
    cs = claims_for(make(res, text))
    assert len(cs) == 1 and len(cs[0].spans) == 2


def test_actor_where_and_when_from_other_stages(res):
    text = "On Tuesday the Houthis deployed 3,000 fighters to Marib, officials said."
    doc = make(res, text, published=DateWindow("2021-02-10", "2021-02-10", "day"))
    i = text.index("Houthis")
    doc.entities = [Entity("E1", "Ansar Allah", "ARMED_GROUP")]
    doc.mentions = [Mention(i, i + 7, "Houthis", "ARMED_GROUP", "E1")]
    j = text.index("Marib")
    doc.places = [Place(j, j + 5, "Marib", name="Ma'rib", country="Yemen")]
    doc.times = [TimeMention(3, 10, "Tuesday", "2021-02-09", "2021-02-09", "day", True)]
    (c,) = claims_for(doc)
    assert c.actor == "Ansar Allah" and c.where == "Marib"  # the text's spelling of a transliterated name
    assert (c.when.earliest, c.when.text) == ("2021-02-09", "Tuesday")
    assert c.attributed_to == "officials"


def test_present_tense_figure_takes_the_publication_window(res):
    text = "ISWAP has roughly 5,000 fighters around Lake Chad."
    doc = make(res, text, published=DateWindow("2023-05-01", "2023-05-03", "range"))
    (c,) = claims_for(doc)
    assert (c.when.earliest, c.when.latest, c.when.text) == ("2023-05-01", "2023-05-03", None)


def test_hedged_claim(res):
    text = "The group reportedly has up to 700 fighters in Cabo Delgado."
    (c,) = claims_for(make(res, text))
    assert c.hedged and (c.value.low, c.value.high) == (None, 700)


def test_furniture_and_comments_are_not_analysed(res):
    text = ("JUST WATCHED 300 troops 02:47\n"
            "Forty soldiers were killed near Diffa.\n"
            "Comments\n"
            "I think 5,000 people will die.\n")
    doc = Document(id="t", doc="t", text=text, boilerplate=[Span(0, text.index("\n"))],
                   comments_start=text.index("Comments"))
    doc.spacy = res.nlp(doc.article_text())
    (c,) = claims_for(doc)
    assert (c.value.low, c.value.text) == (40, "Forty")


def test_stage_is_idempotent_and_never_raises_on_odd_text(res):
    texts = ["", "   \n\n ", "قُتل ٤٠ شخصاً في الهجوم على القرية", "数字 1000 人",
             "1e309 9" + "9" * 400 + " fighters", "x " * 5000 + "at least 25 soldiers died"]
    docs = [make(res, t) for t in texts]
    claims(docs, res=res)
    first = [list(d.claims) for d in docs]
    claims(docs, res=res)
    assert [d.claims for d in docs] == first
    assert values(docs[-1].claims) == [(25, None)]
    assert docs[0].claims == [] and docs[1].claims == []


def test_document_without_parse_has_no_claims(res):
    doc = Document(id="t", doc="t", text="At least 40 people were killed.")
    claims([doc], res=res)
    assert doc.claims == []


def test_stage_is_registered_with_its_fields():
    from sitrep.pipeline import registry
    st = registry()["claims"]
    assert st.func is claims
    assert st.reads == ("spacy", "mentions", "entities", "places", "times") and st.writes == ("claims",)


def test_casualty_adjectives_count_people(res):
    text = '"We have confirmed 21 dead and 117 injured," the health minister told the BBC in Mogadishu.'
    cs = claims_for(make(res, text))
    assert [(c.value.low, c.about) for c in cs] == [(21, "people killed"), (117, "people injured")]
    assert all(c.attributed_to == "health minister via BBC" for c in cs), [c.attributed_to for c in cs]


def _with_places(res, text, names):
    """A document whose place mentions are given (name as written -> gazetteer name)."""
    doc = make(res, text)
    doc.places = []
    for written, canonical in names.items():
        i = text.index(written)
        doc.places.append(Place(i, i + len(written), written, name=canonical, country="X"))
    doc.places.sort(key=lambda p: p.start)
    return doc


def test_where_is_the_place_of_the_counted_thing_not_the_nearest(res):
    # the place attached to the counted noun, although another place comes right after the number
    text = ("The Kunduz branch of the Taliban counts 1,500 fighters, and bases near the town as well as "
            "depots in the hills of Badakhshan.")
    doc = _with_places(res, text, {"Kunduz": "Kunduz", "Badakhshan": "Badakhshan"})
    (c,) = [c for c in claims_for(doc) if c.value.low == 1500]
    assert c.where == "Kunduz"
    # "the number of X in P": the frame noun's place
    text = "Analysts said the number of al-Shabaab militants in Somalia ranged from 5,000 to 7,000 last year."
    doc = _with_places(res, text, {"Somalia": "Somalia"})
    (c,) = claims_for(doc)
    assert (c.value.low, c.value.high, c.where) == (5000, 7000, "Somalia")


def test_where_from_the_verb_and_spelling_as_written(res):
    text = "Officials in Aden said the Houthis had deployed about 2,000 fighters to Hodeidah."
    doc = _with_places(res, text, {"Aden": "‘Adan", "Hodeidah": "Al Ḩudaydah"})
    (c,) = claims_for(doc)
    # the speakers' city is not where the fighters are; the gazetteer's diacritics are not shown
    assert c.where == "Hodeidah"


def test_no_where_when_several_places_and_none_attached(res):
    # the places belong to another clause: no place is guessed for the figure
    text = "More than 30 trucks were burnt, a driver said after the convoy from Gao reached Menaka."
    doc = _with_places(res, text, {"Gao": "Gao", "Menaka": "Ménaka"})
    cs = claims_for(doc)
    assert [(c.value.low, c.where) for c in cs] == [(30, None)]


def test_place_display_name_rule():
    from sitrep.extract.claims import place_display_name
    assert place_display_name("Darna", "Darnah") == "Darna"           # a transliteration: as written
    assert place_display_name("Taiz city", "Ta‘izz") == "Taiz"        # diacritics in the gazetteer name
    assert place_display_name("DRC", "Democratic Republic of the Congo") == "Democratic Republic of the Congo"
    assert place_display_name("the Sinai", None) == "Sinai"
