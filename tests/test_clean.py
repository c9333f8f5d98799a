"""clean: page furniture and reader-comment threads in other outlets' layouts, and the seeds."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sitrep.clean import Vocabulary, clean, find_furniture
from sitrep.model import Document
from sitrep.pipeline import Resources

DATA = Path(__file__).parent / "data" / "clean"
SHARED = Path(__file__).parents[2] / "shared"


@pytest.fixture(scope="session")
def vocab():
    return Vocabulary.load()


def furniture(text, vocab):
    spans, start = find_furniture(text, vocab=vocab)
    lines = [text[s.start:s.end] for s in spans]
    first = None
    if start is not None:
        end = text.find("\n", start)
        first = text[start:end if end >= 0 else len(text)]
    return lines, first


# Each case: the file, furniture that must be found (in order), lines that must NOT be
# flagged, and the first line of the comment thread.  All checked by hand.
CASES = [
    ("bbc_style_kherson.txt",
     ["Share", "Save", "Media playback is unsupported on your device", "Image source, Getty Images",
      "More on this story", "Related Topics"],
     ["Kherson: Russian strikes hit market and bus stop", "Media caption, Firefighters work at the scene of the strike",
      "Image caption, A damaged bus stop in the city centre", "Fears on the right bank",
      "\"We heard the whistle and then everything was glass,\" one trader said."],
     None),
    ("aljazeera_style_marib.txt",
     ["Skip links", "Skip to Content", "Live", "Listen to this article", "Share", "Advertisement",
      "Follow Al Jazeera English:", "Facebook", "Twitter", "Instagram"],
     ["Yemen’s war: Houthis launch fresh push towards Marib", "...",
      "“They are attacking from three directions,” a government commander said.",
      "Fighting has killed dozens of troops on both sides, according to military sources."],
     None),
    ("reuters_ap_negatives.txt",
     ["Story highlights"],
     ["Troops retake town in northeast Nigeria after heavy fighting", "By Ahmed Salkida and Musa Bello",
      "• Army says 31 insurgents killed in two-day battle", "• Thousands of residents fled toward Maiduguri",
      " (AP)", "Fears in the south", "\"We will not leave,\" he said.", "\"They came at night...\"", "...",
      "Shelling resumed at dawn."],
     None),
    ("wordpress_blog_zamfara.txt",
     ["Share this:", "Twitter", "Facebook", "Like this:", "Like Loading...", "Related"],
     ["Bandits abduct students in Zamfara again", "Posted on February 13, 2024 by naijasecuritywatch",
      "The police said a rescue operation was under way."],
     "6 thoughts on “Bandits abduct students in Zamfara again”"),
    ("disqus_ukraine.txt",
     ["Share on Facebook", "Share on Twitter"],
     ["Drone attack on Odesa port injures four", "Air defences destroyed 19 of 25 drones, the Ukrainian air force said."],
     "14 Comments"),
    ("facebook_forum_somalia.txt",
     [],
     ["Al-Shabaab attack on Mogadishu hotel: what we know"],
     "Add a comment..."),
    ("forum_idlib.txt",
     [],
     ["Re: Shelling in Jabal al-Zawiya"],
     "Posted by levant_observer on 10 June 2021, 14:02"),
    # Portal layouts: breadcrumbs, read-also teasers, share rows, related headline lists
    # (blank-separated), tags and copyright footers.
    ("nigeria_portal_kaduna.txt",
     ["Home / News / Metro", "READ ALSO: Senate urges FG to recruit more forest guards",
      "Subscribe to our newsletter for daily security updates", "Facebook Twitter WhatsApp Email",
      "Related Articles", "Troops rescue 12 kidnapped travellers on Abuja-Kaduna highway",
      "Bandits abduct village head in Zamfara community",
      "Why rural banditry persists in the North-West, by analysts",
      "Tags: Kaduna, Kauru, banditry, mosque attack", "© 2024 Northern Daily Herald. All rights reserved."],
     ["Gunmen kill 7 worshippers in Kaduna mosque attack", "By Halima Bello", "Published 4 June 2024 | 9:12 am",
      "\"We are tracking them,\" the police spokesman said."],
     None),
    ("somalia_portal_baidoa.txt",
     ["Home › Somalia › Bay", "Loading...", "Listen to this article", "3 min read", "(Photo: AFP/File)",
      "Advertisement", "Story continues below advertisement", "Click here to join our WhatsApp channel",
      "Follow us on X @hornwire", "More from Horn Wire",
      "Somali forces retake town in Hiiraan after overnight battle",
      "Kenyan police say explosive device hit patrol near Mandera", "About the author",
      "Abdi Nur is a Horn Wire correspondent based in Baidoa. He covers security and humanitarian affairs "
      "in South West State."],
     ["Mortar shells hit Baidoa market, killing four", "Residents gather at the scene of an earlier blast in Baidoa.",
      "Displaced again"],
     None),
    ("ukraine_news_zaporizhzhia.txt",
     ["News > Ukraine > Zaporizhzhia",
      "We use cookies to improve your experience. By continuing to browse this site you agree to our use of cookies.",
      "Accept all", "Manage cookie preferences", "(Getty Images)", "Recommended",
      "Kyiv says it downed 30 drones overnight", "What we know about the frontline near Robotyne"],
     ["Russian guided bombs strike Zaporizhzhia industrial area",
      "Air-raid alerts sounded across eastern regions for several hours, the air force said."],
     "Comments (12)"),
    # Ordinary article lines that look a little like furniture: a section label, a timestamp,
    # a caption, a place pair with a slash, a question subhead, short quotes, a "related" sentence.
    ("portal_negatives_sahel.txt", [],
     ["Sahel | Security", "Updated 11/05/2024 at 18:20", "Photo: Soldiers patrol a road near Boulkessi",
      "Niger/Mali border", "What happened at Boulkessi?", "Home guards joined the fight."],
     None),
]


@pytest.mark.parametrize("name,flagged,kept,comments", CASES, ids=[c[0] for c in CASES])
def test_layouts(vocab, name, flagged, kept, comments):
    text = (DATA / name).read_text(encoding="utf-8")
    lines, first = furniture(text, vocab)
    assert lines == flagged
    assert not set(kept) & set(lines)
    assert first == comments


def test_video_widget_block_and_truncated_titles(vocab):
    text = ("Militants overrun outpost in Cabo Delgado\n"
            "\n"
            "Insurgents overran a military outpost near Mocimboa da Praia on Sunday, a local source said.\n"
            "\n"
            "JUST WATCHED\n"
            "Inside the insurgency in northern Mozambique\n"
            "Replay\n"
            "MUST WATCH\n"
            " 04:05\n"
            "Displaced families describe the attack on Palma and the days hid... 03:31\n"
            "\n"
            "The attack was the third this month, officials said.\n")
    lines, first = furniture(text, vocab)
    assert lines == ["JUST WATCHED", "Inside the insurgency in northern Mozambique", "Replay", "MUST WATCH",
                     " 04:05", "Displaced families describe the attack on Palma and the days hid... 03:31"]
    assert first is None


def test_subhead_after_a_related_box_stays(vocab):
    # A related box in the middle of the article, then the article's own subhead and prose.
    text = ("Airstrike hits fuel depot in Hodeidah\n\n"
            "An airstrike hit a fuel depot in the port city of Hodeidah late on Tuesday, port workers said.\n\n"
            "Related stories\n\n"
            "Aid ships wait off the Red Sea coast\n\n"
            "Damage to the port\n\n"
            "Workers said two storage tanks were burning on Wednesday morning and the fire had spread to a pier.\n")
    lines, _ = furniture(text, vocab)
    assert lines == ["Related stories", "Aid ships wait off the Red Sea coast"]


@pytest.mark.parametrize("line,flagged", [
    ("Home » World » Middle East", True), ("Home > Africa", True), ("Start / Nachrichten / Welt", True),
    ("News | Asia | Afghanistan", True), ("Afghanistan | Taliban seize district", False),
    ("Kabul/Islamabad", False), ("Tags: Afghanistan, Taliban, Kandahar", True),
    ("Topics: Sudan war", True), ("Filed under: Yemen", True), ("© Kabul Ledger 2023", True),
    ("Copyright © 2022 Sahara Times", True), ("Follow us on Telegram for breaking updates", True),
    ("Join our Telegram channel", True), ("Advertisement - Scroll to continue", True),
    ("(Getty Images)", True), ("(AFP via Getty Images)", True), ("(AP)", False),
    ("Photo credit: Reuters/Stringer", True), ("5 min read", True),
    ("Taliban fighters at a checkpoint in Kandahar in 2021.", False),
    ("Updated on 03/02/2023 at 11:45", False), ("The road to Kandahar 12:30", True),
    ("\"We have nothing left,\" she said.", False), ("KANDAHAR, Afghanistan (AP) -", False),
])
def test_single_lines(vocab, line, flagged):
    text = f"Taliban tighten grip on southern province\n\n{line}\n\nThe fighting continued into the night, officials said.\n"
    lines, _ = furniture(text, vocab)
    assert (line in lines) is flagged


def test_closing_app_banner_block(vocab):
    text = ("Shelling hits Donetsk suburb\n\n"
            "Shelling hit a suburb of Donetsk on Friday, killing one man, local officials said.\n\n"
            "Read the full story in the\n"
            "Daily Courier App Open\n"
            "Firefox Chrome Continue\n"
            "Never miss a story\n"
            "Enable push notifications for the latest headlines and live coverage.\n")
    lines, _ = furniture(text, vocab)
    assert lines == ["Read the full story in the", "Daily Courier App Open", "Firefox Chrome Continue",
                     "Never miss a story", "Enable push notifications for the latest headlines and live coverage."]


def test_bullet_lists_are_not_a_comment_thread(vocab):
    text = ("Towns retaken by the army this year:\n"
            "  • Kidal\n"
            "  • Anefis\n"
            "  • Tessalit\n"
            "  • Aguelhok\n"
            "The army said the operation would continue.\n")
    lines, first = furniture(text, vocab)
    assert first is None and lines == []


def test_indented_bullet_thread(vocab):
    text = ("Drone strike kills commander in Kurdistan region\n\n"
            "A drone strike killed a commander near Sulaymaniyah on Monday, officials said.\n\n"
            "  • kurd_reader\n\n"
            "    Third strike this month near the city.\n\n"
            "    • Aras\n\n"
            "      And nobody claims them.\n\n"
            "  • observer99\n\n"
            "    Who operates these drones?\n")
    _, first = furniture(text, vocab)
    assert first == "  • kurd_reader"


def test_crlf_lines_exclude_carriage_return(vocab):
    text = "Headline of the day\r\nAdvertisement\r\nFighting continued near Bakhmut, officials said.\r\n"
    lines, _ = furniture(text, vocab)
    assert lines == ["Advertisement"]


@pytest.mark.parametrize("text", ["", "\n\n\n", "x" * 200_000, "قصف مدفعي على مدينة مأرب\nإعلان\n",
                                  "\x00\x01\x02", "  •  \n    \n", "..." * 1000])
def test_odd_text_never_raises(vocab, text):
    spans, start = find_furniture(text, vocab=vocab)
    assert all(0 <= s.start <= s.end <= len(text) for s in spans)
    assert start is None or 0 <= start <= len(text)


def test_stage_sets_fields_and_is_idempotent():
    text = (DATA / "disqus_ukraine.txt").read_text(encoding="utf-8")
    doc = Document(id="x", doc="disqus_ukraine", text=text)
    res = Resources()
    clean([doc], res=res)
    first = (list(doc.boilerplate), doc.comments_start)
    clean([doc], res=res)
    assert (doc.boilerplate, doc.comments_start) == first
    assert doc.boilerplate_lines() == ["Share on Facebook", "Share on Twitter"]
    assert doc.comments_begin() == "14 Comments"
    assert "Taras_K" not in doc.article_text() and len(doc.article_text()) == doc.comments_start


# ---- the seed measurement -------------------------------------------------------------

@pytest.mark.skipif(not (SHARED / "gold" / "seeds").is_dir(), reason="shared seed gold not available")
def test_seed_gold_precision_recall_and_comment_start(vocab):
    tp = fp = fn = 0
    starts = []
    for gold_path in sorted((SHARED / "gold" / "seeds").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (SHARED / "seeds" / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        lines, first = furniture(text, vocab)
        got, want = Counter(lines), Counter(gold["boilerplate"])
        hit = sum((got & want).values())
        tp, fp, fn = tp + hit, fp + sum(got.values()) - hit, fn + sum(want.values()) - hit
        starts.append(first == gold["comments_begin"])
    assert tp / (tp + fp) >= 0.95
    assert tp / (tp + fn) >= 0.95
    assert all(starts)


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_LINE = st.one_of(st.text(max_size=60), st.sampled_from(["", "  • someone", "    reply text", "Replay",
                                                          "3 hours ago", "12 Comments", "01:02", "..."]))


@hsettings(max_examples=200, deadline=None)
@given(lines=st.lists(_LINE, max_size=40))
def test_furniture_spans_are_whole_lines(lines):
    text = "\n".join(lines)
    spans, start = find_furniture(text)
    all_lines = text.split("\n")
    for s in spans:
        assert text[s.start:s.end].rstrip("\r") in all_lines
        assert s.start == 0 or text[s.start - 1] == "\n"
    assert start is None or start == 0 or text[start - 1] == "\n"
