"""Publication dates: the header, top datelines, refusals, and relative phrases."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from summaries.dates import FoundDate, find_date, is_dateline, resolve_relative, split_header

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BODY = "The ministers met in Tehran on Monday."


def seed(prefix: str) -> str:
    """The raw text of the seed article whose file name starts with `prefix`."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text("utf-8")


# --- the seed articles -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("000", FoundDate(date(2024, 1, 7), "header")),
        ("001", FoundDate(date(2024, 4, 17), "dateline")),
        ("002", None),
        ("003", None),
        ("004", FoundDate(date(2024, 12, 1), "header")),
    ],
)
def test_seed_publication_date_is_found_or_left_unknown(prefix, expected):
    assert find_date(seed(prefix)) == expected


# --- header and datelines -----------------------------------------------------------------


def test_header_date_is_split_off_verbatim():
    assert split_header(" date 2024-01-07 Islam Times - The") == ("2024-01-07", "Islam Times - The")
    assert split_header(BODY) == (None, BODY)


def test_header_wins_over_a_dateline():
    found = find_date(" date 2024-01-07\nApril 17, 2024\n\n" + BODY)
    assert found == FoundDate(date(2024, 1, 7), "header")


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("Wednesday 17 April 2024 - 09:29", date(2024, 4, 17)),
        ("Wednesday, 17 April 2024", date(2024, 4, 17)),
        ("April 17, 2024", date(2024, 4, 17)),
        ("Apr. 17, 2024", date(2024, 4, 17)),
        ("Wednesday, April 17, 2024 9:29 am GMT", date(2024, 4, 17)),
        ("17 Apr 2024", date(2024, 4, 17)),
        ("17th of April, 2024", date(2024, 4, 17)),
        ("2024-04-17", date(2024, 4, 17)),
        ("2024/4/7", date(2024, 4, 7)),
        ("Published: 17 September 2024", date(2024, 9, 17)),
        ("Updated on Sept 17, 2024 - 10:15", date(2024, 9, 17)),
        ("29 February 2024", date(2024, 2, 29)),
        ("APRIL 17, 2024", date(2024, 4, 17)),
    ],
)
def test_dateline_formats_at_the_top_are_recognised(dateline, expected):
    assert find_date(f"{dateline}\n\n{BODY}") == FoundDate(expected, "dateline")


def test_dateline_followed_by_a_dash_and_the_lead_is_recognised():
    found = find_date(f"April 17, 2024 - {BODY}")
    assert found == FoundDate(date(2024, 4, 17), "dateline")


def test_dateline_may_follow_the_headline():
    raw = f"Iran Asks Japan to Push for Truce\n17 Apr 2024\n\n{BODY}"
    assert find_date(raw) == FoundDate(date(2024, 4, 17), "dateline")


@pytest.mark.parametrize(
    "raw",
    [
        " date 2024-02-31 " + BODY,
        "2024-02-31\n\n" + BODY,
        "31 February 2024\n\n" + BODY,
        "April 31, 2024\n\n" + BODY,
        "29 February 2023\n\n" + BODY,
        "2024-13-01\n\n" + BODY,
        "2024-00-10\n\n" + BODY,
        "17 April 0024\n\n" + BODY,
        "17 Smarch 2024\n\n" + BODY,
    ],
)
def test_impossible_dates_are_refused(raw):
    assert find_date(raw) is None


def test_invalid_header_falls_back_to_a_valid_dateline():
    found = find_date(" date 2024-02-31\nApril 17, 2024\n\n" + BODY)
    assert found == FoundDate(date(2024, 4, 17), "dateline")


@pytest.mark.parametrize(
    "raw",
    [
        f"{BODY}\n\n{'x' * 400}\n\nApril 17, 2024",
        "One.\nTwo.\nThree.\nApril 17, 2024",
        f"On April 17, 2024, {BODY}",
        f"{BODY} It happened on 2024-04-17.",
        "folder_openIran access_timeone year ago\n\n" + BODY,
        "one year ago\n\n" + BODY,
        "Mayor 17 2024\n\n" + BODY,
        BODY,
    ],
)
def test_no_publication_date_is_invented(raw):
    assert find_date(raw) is None


@pytest.mark.parametrize(
    "raw", ["", "   ", "\x00\x01\ud800", "\n" * 500, "date", " date ", "2024-", "April"]
)
def test_empty_and_junk_input_has_no_date(raw):
    assert find_date(raw) is None


def test_huge_input_is_searched_only_at_the_top():
    raw = "April 17, 2024\n" + "a.B 2024-04-17 " * 140_000
    started = time.perf_counter()
    assert find_date(raw) == FoundDate(date(2024, 4, 17), "dateline")
    assert find_date(" " * 2_000_000) is None
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Wednesday 17 April 2024 - 09:29", True),
        ("April 17, 2024", True),
        ("2024-02-31", True),
        ("April 17, 2024 - Iran said it would respond.", False),
        ("Iran Asks Japan to Push for Truce", False),
        ("", False),
    ],
)
def test_a_line_that_is_only_a_date_is_a_dateline(line, expected):
    assert is_dateline(line) is expected


# --- relative phrases ---------------------------------------------------------------------

SUNDAY = date(2024, 1, 7)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("on Saturday", date(2024, 1, 6)),
        ("Saturday", date(2024, 1, 6)),
        ("last Saturday", date(2024, 1, 6)),
        ("on Saturday evening", date(2024, 1, 6)),
        ("on Thursday", date(2024, 1, 4)),
        ("on Monday", date(2024, 1, 1)),
        ("On Sunday,", date(2023, 12, 31)),
        ("today", SUNDAY),
        ("this morning", SUNDAY),
        ("yesterday", date(2024, 1, 6)),
        ("yesterday afternoon", date(2024, 1, 6)),
        ("last night", date(2024, 1, 6)),
        ("the day before yesterday", date(2024, 1, 5)),
    ],
)
def test_relative_days_and_weekdays_count_back_from_publication(phrase, expected):
    assert resolve_relative(phrase, SUNDAY) == expected


def test_weekday_is_the_most_recent_one_strictly_before_publication():
    # Seed 004 is dated Sunday 2024-12-01 and says "on Saturday evening".
    assert resolve_relative("on Saturday evening", date(2024, 12, 1)) == date(2024, 11, 30)
    assert resolve_relative("on Sunday", date(2024, 12, 1)) == date(2024, 11, 24)


@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        ("on January 3", SUNDAY, date(2024, 1, 3)),
        ("January 7", SUNDAY, date(2024, 1, 7)),
        ("3 January", SUNDAY, date(2024, 1, 3)),
        ("3rd of January", SUNDAY, date(2024, 1, 3)),
        ("Jan. 3", SUNDAY, date(2024, 1, 3)),
        ("on December 30", SUNDAY, date(2023, 12, 30)),
        ("on October 7", date(2024, 4, 17), date(2023, 10, 7)),
        ("on January 3, 2022", SUNDAY, date(2022, 1, 3)),
        ("February 29", date(2024, 3, 1), date(2024, 2, 29)),
        ("February 29", date(2024, 2, 28), None),
        ("February 30", SUNDAY, None),
        ("April 31", date(2024, 5, 1), None),
    ],
)
def test_month_and_day_is_in_the_publication_year_unless_that_is_later(phrase, published, expected):
    assert resolve_relative(phrase, published) == expected


@pytest.mark.parametrize(
    "phrase",
    ["one year ago", "this Saturday", "next Monday", "soon", "", "   ", "on", "Smarch 3", "\x00"],
)
def test_relative_phrases_not_understood_give_no_date(phrase):
    assert resolve_relative(phrase, SUNDAY) is None
