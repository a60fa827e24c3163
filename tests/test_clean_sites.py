"""Cleaning pages from eight news sites the cleaning tables were not written from.

Each case names the furniture its page carries (none may survive) and the article sentences
(all must be kept, in order). The pages are in tests/data/pages (see its README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summaries.clean import CleanArticle, clean

PAGES = Path(__file__).resolve().parent / "data" / "pages"

# file -> (headline, furniture fragments, first words of each body paragraph)
CASES: dict[str, tuple[str | None, list[str], list[str]]] = {
    "anews": (
        "Turkish FM talks to his US counterpart on phone",
        ["- World", "Anadolu Agency", "Published Date", "Modified Date"],
        ["Turkey's foreign minister spoke", "The source, who could not"],
    ),
    "urdupoint": (
        "Saudi Foreign Minister Receives Phone Call From US Secretary Of State",
        ["Sumaira FH", "minutes ago", "UrduPoint /", "WAM -", "12:15 PM"],
        ["The Saudi foreign minister took", "The two men talked"],
    ),
    "indianexpress": (
        None,
        ["January 4, 2022", "5:50:06", "now on Telegram", "Click here", "download", "Newsguard"],
        ["India's external affairs minister", "The minister said the call"],
    ),
    "firstindia": (
        "WORLD SEES INDIA’S GLORY!",
        ["Latest News", "Share on", "Related News", "Brazil agree"],
        ["New Delhi: The prime minister", "He told the first session"],
    ),
    "mbs": (
        "Russian Foreign Ministry vows to respond to US sanctions",
        ["Source link", "Please enter your"],
        ["The Russian Foreign Ministry said", "The ministry described"],
    ),
    "tass": (
        None,  # the headline and the standfirst are both head lines; either may be taken
        ["All news", "Updated at", "/TASS/", "MOSCOW, December 4"],
        ["Moscow rejects the sanctions", "She said the restrictions"],
    ),
    "mehrnews": (
        "Venezuela condemns Western sanctions against Russia",
        ["1. Politics", "Mar 14, 2022", "6:30 PM", "(MNA)", "TEHRAN"],
        ["Venezuela's foreign minister condemned", "He spoke on the sidelines"],
    ),
    "scoop": (
        "Goff to Visit Europe",
        ["Ethical Paywall", "Learn More", "Parliament TV", "Questions Of the Day"],
        ["The foreign minister will travel", "He will attend"],
    ),
}


def cleaned(name: str) -> CleanArticle:
    """The cleaned page tests/data/pages/<name>.txt."""
    return clean((PAGES / f"{name}.txt").read_text("utf-8"))


def test_every_page_in_the_folder_has_a_case() -> None:
    assert {path.stem for path in PAGES.glob("*.txt")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_furniture_survives(name: str) -> None:
    article = cleaned(name)
    _, furniture, _ = CASES[name]
    for paragraph in article.paragraphs:
        for fragment in furniture:
            assert fragment not in paragraph, (name, fragment, paragraph)


@pytest.mark.parametrize("name", sorted(CASES))
def test_article_paragraphs_are_kept_whole_and_in_order(name: str) -> None:
    article = cleaned(name)
    _, _, starts = CASES[name]
    assert len(article.paragraphs) == len(starts), article.paragraphs
    for paragraph, start in zip(article.paragraphs, starts, strict=True):
        assert paragraph.startswith(start)
        assert paragraph.endswith((".", ".”", '."'))


@pytest.mark.parametrize("name", sorted(CASES))
def test_headline_is_the_article_title_or_none(name: str) -> None:
    title, furniture, _ = CASES[name]
    found = cleaned(name).title
    if title is not None:
        assert found == title
    assert found is None or not any(fragment in found for fragment in furniture)
