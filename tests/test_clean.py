"""Cleaning scraped pages: furniture, headlines, glued sentences, white space, robustness."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from summaries.clean import CleanArticle, clean
from summaries.tokenize import unglue as split_glued_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

BODY_1 = "The ministers met in Tehran on Monday."
BODY_2 = "They agreed to meet again next month."

# Every furniture string the seeds show; none may survive cleaning.
SEED_FURNITURE = [
    "Please Wait",
    "Back to top",
    "Related Articles",
    "Story Code",
    "folder_open",
    "access_time",
    "Add to favorites",
    "EastWorld News",
    "Ramadan 2025",
    "By Staff",
    "Islam Times",
    "date 2024-",
    "Wednesday 17 April 2024",
]


def seed(prefix: str) -> str:
    """The raw text of the seed article whose file name starts with `prefix`."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text("utf-8")


def all_seeds() -> list[str]:
    return [path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt"))]


# --- the seed articles -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("000", None),
        ("001", "Iran Asks Japan, G7 to Push for Gaza Truce"),
        ("002", "Iran to Turkey: ‘Maximum efforts’ needed to stop Gaza genocide, provide aid"),
        (
            "003",
            "World Leaders, Int’l Bodies Send Condolences to Iran After Kerman Terror Attacks",
        ),
        ("004", None),
    ],
)
def test_seed_headline_is_found_and_never_invented(prefix, title):
    assert clean(seed(prefix)).title == title


@pytest.mark.parametrize(
    ("prefix", "header_date"),
    [("000", "2024-01-07"), ("001", None), ("002", None), ("003", None), ("004", "2024-12-01")],
)
def test_seed_date_header_is_reported_and_removed(prefix, header_date):
    article = clean(seed(prefix))
    assert article.header_date == header_date
    assert not article.text.lstrip().startswith("date")


@pytest.mark.parametrize(
    ("prefix", "count"), [("000", 2), ("001", 10), ("002", 13), ("003", 16), ("004", 9)]
)
def test_seed_paragraph_boundaries_are_kept(prefix, count):
    assert len(clean(seed(prefix)).paragraphs) == count


@pytest.mark.parametrize("raw", all_seeds())
def test_no_seed_furniture_remains_in_any_paragraph(raw):
    article = clean(raw)
    for paragraph in article.paragraphs:
        for furniture in SEED_FURNITURE:
            assert furniture not in paragraph
        assert paragraph not in {"Comments", "4194", "Middle EastWorld News"}
        assert paragraph == paragraph.strip()
        assert "\u00a0" not in paragraph


def test_seed_body_ends_before_the_trailing_furniture():
    assert clean(seed("002")).paragraphs[-1].endswith("“complete siege” by Israel.")
    assert clean(seed("003")).paragraphs[-1].endswith("responsibility for the atrocity.")
    assert clean(seed("004")).paragraphs[-1].endswith("he added.")


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_repeated_headline_is_kept_once_and_not_in_the_body(prefix):
    article = clean(seed(prefix))
    assert article.title is not None
    assert all(article.title not in paragraph for paragraph in article.paragraphs)


def test_seed_lead_loses_the_outlet_prefix():
    assert clean(seed("000")).paragraphs[0].startswith("The foreign minister of France condemned")


def test_seed_glued_sentences_are_split():
    text = clean(seed("000")).text
    for joined in [
        "of Kerman. Expressing concern",
        "the hostilities. For his part",
        "Palestinians themselves. The only way",
        "website reported. Deploring",
        "in the enclave. \"You can't ignore",
        "he added. Amirabdollahian noted",
    ]:
        assert joined in text
    assert "Kerman.Expressing" not in text


def test_seed_military_rank_abbreviation_stays_intact():
    assert "Lt. General Qassem Soleimani" in clean(seed("003")).text


def test_seed_body_starts_with_the_first_sentence_after_the_byline():
    assert clean(seed("003")).paragraphs[0].startswith("World leaders extended their")


# --- furniture, one kind at a time ---------------------------------------------------------


@pytest.mark.parametrize(
    "furniture",
    [
        "Please Wait...",
        "Loading…",
        "Back to top button",
        "Back to top",
        "Story Code : 1129250",
        "News ID: 42",
        "folder_openIran access_timeone year ago",
        "access_time2024-01-07",
        "starAdd to favorites",
        "Add to favourites",
        "By Staff, Agencies",
        "By Press TV Staff",
        "4194",
        "Middle EastWorld News",
        "World NewsPolitics",
        "Wednesday 17 April 2024 - 09:29",
        "April 17, 2024",
        "Share",
    ],
)
def test_furniture_line_is_removed_before_and_inside_the_body(furniture):
    raw = f"{furniture}\n\n{BODY_1}\n{furniture}\n{BODY_2}\n\n{furniture}"
    assert clean(raw).paragraphs == [BODY_1, BODY_2]


@pytest.mark.parametrize("marker", ["Related Articles", "Related News", "Comments", "3 Comments"])
def test_related_links_and_comments_end_the_article(marker):
    raw = f"{BODY_1}\n\n{marker}\n\nIran and Iraq Sign Deal\n\nGreat article, thanks."
    assert clean(raw).paragraphs == [BODY_1]


def test_tail_marker_before_any_body_is_dropped_without_cutting_the_body():
    assert clean(f"Comments\n\n{BODY_1}\n\n{BODY_2}").paragraphs == [BODY_1, BODY_2]


def test_date_header_on_the_lead_line_is_removed_and_reported():
    article = clean(f" date 2024-01-07 {BODY_1}\n\n{BODY_2}")
    assert article.header_date == "2024-01-07"
    assert article.paragraphs == [BODY_1, BODY_2]


def test_date_header_with_an_impossible_date_is_still_removed():
    article = clean(f" date 2024-02-31 {BODY_1}")
    assert article.header_date == "2024-02-31"
    assert article.paragraphs == [BODY_1]


@pytest.mark.parametrize(
    "prefix", ["Islam Times - ", "Islam Times – ", "TEHRAN (IRNA) - ", "ANKARA (Anadolu) – "]
)
def test_outlet_and_agency_prefix_is_removed_from_the_lead_only(prefix):
    article = clean(f"{prefix}{BODY_1}\n\n{prefix}{BODY_2}")
    assert article.paragraphs == [BODY_1, f"{prefix}{BODY_2}"]


def test_site_banner_before_the_headline_is_dropped():
    raw = f"Ramadan 2025\n\nIran and Oman Discuss Regional Security\n\n{BODY_1}"
    article = clean(raw)
    assert article.title == "Iran and Oman Discuss Regional Security"
    assert article.paragraphs == [BODY_1]


@pytest.mark.parametrize(
    "prose",
    [
        "By contrast, the talks in Geneva failed.",
        "By 2025, the two countries hope to double trade.",
        "Comments made by the envoy on Monday angered Baku.",
        "Please wait for the official statement, the spokesman said.",
        "The deal was worth 4194 million dollars.",
    ],
)
def test_prose_that_resembles_furniture_is_kept(prose):
    assert clean(f"{BODY_1}\n\n{prose}").paragraphs == [BODY_1, prose]


# --- glued sentences ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glued", "split"),
    [
        ("in Kerman.Expressing concern", "in Kerman. Expressing concern"),
        ("the talks.”The minister", "the talks.” The minister"),
        ('the enclave."You cannot', 'the enclave. "You cannot'),
        ('He said "stop."The talks', 'He said "stop." The talks'),
        ("the talks.“We will", "the talks. “We will"),
        ("an attack?The minister", "an attack? The minister"),
        ("Never again!The crowd", "Never again! The crowd"),
        ("killed over 90.Expressing", "killed over 90. Expressing"),
        ("(in Gaza).The talks", "(in Gaza). The talks"),
        ("one.Two.Three", "one. Two. Three"),
    ],
)
def test_glued_sentences_are_split(glued, split):
    assert split_glued_sentences(glued) == split


@pytest.mark.parametrize(
    "text",
    [
        "the U.S. and the U.K.",
        "the U.S.Army said",
        "e.g.The example",
        "growth of 1.2 percent",
        "a 1.2Million budget",
        "visit example.com today",
        "J.R.R.Tolkien wrote",
        "ranked No.1 in the world",
        "Lt.General Soleimani",
        "Dr.Smith and Mr.Jones",
        "see https://www.Example.Com/News.Html now",
        "write to press@Example.Com today",
        "Lt. General Qassem Soleimani",
        "",
    ],
)
def test_glued_sentences_are_split_but_abbreviations_are_not(text):
    assert split_glued_sentences(text) == text


# --- headlines ----------------------------------------------------------------------------


def test_page_that_starts_with_the_body_has_no_headline():
    assert clean(f"{BODY_1}\n\n{BODY_2}").title is None


def test_short_head_lines_are_not_taken_for_a_headline():
    article = clean(f"Ramadan 2025\n\nIran\n\n{BODY_1}")
    assert article.title is None
    assert article.paragraphs == [BODY_1]


def test_headline_printed_twice_wins_over_a_longer_head_line():
    raw = "Iran Oman Talks\nIran Oman Talks\nAn Exclusive Report From Our Muscat Bureau Team\n"
    assert clean(raw + BODY_1).title == "Iran Oman Talks"


def test_hard_wrapped_lead_is_not_taken_for_a_headline():
    raw = "Iran and Oman Talks\n\nThe ministers of Iran and Oman met\nin Muscat on Monday.\n\nBye."
    article = clean(raw)
    assert article.title == "Iran and Oman Talks"
    assert article.paragraphs == ["The ministers of Iran and Oman met in Muscat on Monday.", "Bye."]


def test_page_without_any_sentence_keeps_its_lines_as_body():
    article = clean("Iran and Oman Hold Talks")
    assert article.title is None
    assert article.paragraphs == ["Iran and Oman Hold Talks"]


# --- white space --------------------------------------------------------------------------


def test_white_space_is_normalised_and_paragraphs_are_kept():
    raw = (
        "\ufeffThe\u00a0ministers\u2009met\t\tin  Tehran.\r\n \u00a0\r\n"
        "They\u200b agreed.\u2028Bye."
    )
    article = clean(raw)
    assert article.paragraphs == ["The ministers met in Tehran.", "They agreed.", "Bye."]
    assert article.text == "The ministers met in Tehran.\n\nThey agreed.\n\nBye."


def test_direction_marks_and_isolates_carry_no_text_and_are_dropped():
    raw = "\u200fThe ministers met in \u2067Tehran\u2069.\u200e Both sides spoke\u061c."
    assert clean(raw).text == "The ministers met in Tehran. Both sides spoke."


def test_lines_of_lone_spaces_separate_paragraphs_like_blank_lines():
    assert clean(f"{BODY_1}\n   \n\u00a0\n{BODY_2}").text == f"{BODY_1}\n\n{BODY_2}"


# --- robustness ---------------------------------------------------------------------------


def test_empty_input_gives_an_empty_article():
    assert clean("") == CleanArticle(title=None, paragraphs=[], header_date=None)
    assert clean("").text == ""


def test_input_of_only_furniture_gives_no_paragraphs():
    raw = "Please Wait...\n\nBack to top button\nStory Code : 1\nstarAdd to favorites\n\n4194"
    assert clean(raw).paragraphs == []


@pytest.mark.parametrize(
    "junk",
    [
        "\x00\x01\x02\x7f\x9b",
        "\ud800\udfff\ufffd",
        "".join(chr(code) for code in range(0, 0x800)),
        "\n" * 1000,
        ".?!" * 100,
        '"' * 100 + "A",
    ],
)
def test_binary_junk_never_raises_and_leaves_no_control_characters(junk):
    article = clean(junk)
    for paragraph in article.paragraphs:
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in paragraph)
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in paragraph)
        paragraph.encode("utf-8")


def test_random_text_never_raises():
    rng = random.Random(7)
    alphabet = 'aB .?!"”“\n\r\t\u00a0\u200b0123456789:-–/@'
    for _ in range(200):
        clean("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400))))


@pytest.mark.parametrize(
    "make",
    [
        lambda: "in Kerman.Expressing concern " * 75_000,
        lambda: "a.B" * 700_000,
        lambda: '"a.B' * 500_000,
        lambda: "a" * 2_000_000,
        lambda: ("x" * 199 + "\n") * 10_000,
        lambda: "World News " * 190_000,
        lambda: "By Staff, Agencies, " * 100_000,
        lambda: " date 2024-01-07" + " " * 2_000_000,
    ],
)
def test_huge_input_is_cleaned_in_linear_time(make):
    raw = make()
    started = time.perf_counter()
    clean(raw)
    # Linear cleaning of 2 MB takes about a second; a catastrophic regex would take hours.
    assert time.perf_counter() - started < 15
