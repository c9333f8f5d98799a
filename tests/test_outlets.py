"""Outlet guessing for plain-text scrapes: only where the page signs itself."""
from sitrep.ingest.outlets import Outlets, guess_outlet

OUTLETS = Outlets.load()


def guess(text, furniture=()):
    return guess_outlet(text, outlets=OUTLETS, furniture_lines=list(furniture))


def test_dateline_agency_in_brackets():
    assert guess("Gunmen kill five in Zamfara\n\nGUSAU, Nigeria (AP) — Gunmen killed five farmers.") == "Associated Press"
    assert guess("(Reuters) - Fighting flared near Bakhmut on Friday.") == "Reuters"
    assert guess("MOGADISHU (AFP) - A car bomb exploded near a checkpoint.") == "Agence France-Presse"


def test_headline_suffix():
    assert guess("Houthis claim drone attack on tanker | Al Jazeera\nThe group said ...") == "Al Jazeera"
    assert guess("Sudan's RSF shells El Fasher - BBC News\nShelling resumed ...") == "BBC News"


def test_short_furniture_line_names_the_site():
    assert guess("Clashes in Idlib\nRebels attacked ...", ["Download the Sky News app"]) == "Sky News"


def test_an_outlet_quoted_in_the_story_is_not_the_publisher():
    text = ("Ambush in Mali\nSoldiers were killed near Gao, a local official told Reuters.\n"
            "\"We lost nine men,\" he told the BBC.")
    assert guess(text) is None
    # a long furniture line that happens to name an outlet is a sentence, not a site label
    assert guess("Ambush\nText.", ["Officials told CNN that the convoy was hit by two roadside bombs"]) is None


def test_no_partial_word_matches():
    assert guess("APC hit by mine (APTN footage) - nothing else") is None
