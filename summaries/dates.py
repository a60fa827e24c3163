"""Publication dates of scraped news articles, and the dates relative phrases point to.

A date is taken only where a page states it: the scraper's " date YYYY-MM-DD" header
(how="header") or a dateline at the very top of the page (how="dateline"). This module must
never guess: a date deep in the body is an event, not the publication date; "one year ago" is
not a date; an impossible date such as 2024-02-31 is refused. When unsure, the answer is None
and the article shows "date unknown".

`resolve_relative` turns phrases such as "on Saturday" into dates relative to a known
publication date; each kind of phrase is one small resolver in `_RESOLVERS`, so new kinds
("two days ago", "last week") can be added without touching the others.

The formats, month and weekday names and relative phrases live in config/dates.toml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from config import load_table

HEADER = "header"
DATELINE = "dateline"

_ORDINAL = r"(?:st|nd|rd|th)?"
_GROUP_NAME = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True)
class FoundDate:
    """A publication date, how it was found ("header", "dateline", "feed", "page-meta",
    "record"), and the full UTC time when the source stated one (feeds usually do).
    """

    value: date
    how: str
    at: datetime | None = None


@dataclass(frozen=True)
class _Tables:
    """The compiled date tables from config/dates.toml, built once per process."""

    header: re.Pattern[str]
    label: re.Pattern[str]
    time: re.Pattern[str]
    dateline_end: re.Pattern[str]
    formats: tuple[re.Pattern[str], ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    window_chars: int
    window_lines: int
    min_year: int
    max_year: int
    prefixes: tuple[tuple[str, ...], ...]
    day_parts: frozenset[str]
    offsets: dict[str, int]
    month_day: re.Pattern[str]


def find_date(raw: str) -> FoundDate | None:
    """The article's publication date from its header or top dateline; None when not stated.

    The header wins because the scraper wrote it from the page's metadata. An invalid header
    date (2024-02-31) is ignored rather than trusted, and the dateline is tried instead.
    """
    value, rest = split_header(raw)
    if value is not None:
        parsed = _iso_date(value)
        if parsed is not None:
            return FoundDate(parsed, HEADER)
    for line in _top_lines(rest):
        found = _dateline_date(line)
        if found is not None:
            return FoundDate(found, DATELINE)
    return None


def split_header(text: str) -> tuple[str | None, str]:
    """Split the scraper's " date YYYY-MM-DD" header off the text: (header value, the rest).

    The value is returned verbatim and unvalidated: the header is furniture to remove even
    when its date is impossible; `find_date` decides whether to trust it.
    """
    match = _tables().header.match(text)
    if match is None:
        return None, text
    return match["value"], text[match.end() :]


def is_dateline(line: str) -> bool:
    """True when the line is only a date (with optional weekday, label and time).

    Such a line is page furniture for the cleaner, whether or not its date is valid.
    """
    line = " ".join(line.split())
    if len(line) > _tables().window_chars:
        return False
    return _dateline_line().fullmatch(line) is not None


def dateline_pattern() -> str:
    """A regex source matching a whole dateline line, for use inside a larger pattern.

    The cleaner folds it into its one furniture regex, so a line costs one match. Named
    groups are dropped (the formats reuse names); the formats stay case-insensitive.
    """
    config = _config()
    month, weekday = _names(_months(config)), _names(_weekdays(config))
    formats = "|".join(
        "(?i:" + _GROUP_NAME.sub("(?:", _format_source(fmt, month, weekday)) + ")"
        for fmt in config["formats"]
    )
    return rf"(?:{config['label']})?(?:{formats})(?:{config['time']})?\s*"


@cache
def _dateline_line() -> re.Pattern[str]:
    return re.compile(dateline_pattern())


def resolve_relative(phrase: str, published: date) -> date | None:
    """The date a relative phrase ("on Saturday", "yesterday", "on January 3") refers to.

    Weekdays mean the most recent such day strictly before publication; a month and day
    without a year means the most recent one not after publication. None for anything
    not understood ("one year ago", "this Saturday"), because a wrong date is worse than none.
    """
    key = _relative_key(phrase)
    if not key:
        return None
    for resolver in _RESOLVERS:
        found = resolver(key, published)
        if found is not None:
            return found
    return None


def valid_date(year: int, month: int, day: int) -> date | None:
    """The date if it exists and its year is plausible for news, else None (never raises)."""
    tables = _tables()
    if not tables.min_year <= year <= tables.max_year:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _iso_date(value: str) -> date | None:
    """A header's YYYY-MM-DD value as a date, or None when it is not a real date."""
    parts = value.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    year, month, day = (int(part) for part in parts)
    return valid_date(year, month, day)


def _top_lines(text: str) -> list[str]:
    """The first few non-blank lines within the first few hundred characters of the text.

    Only the top of a page is searched, so a date mentioned in the story is never taken
    for the publication date.
    """
    tables = _tables()
    window = text.lstrip()[: tables.window_chars]
    lines = (" ".join(line.split()) for line in window.splitlines())
    return [line for line in lines if line][: tables.window_lines]


def _dateline_date(line: str) -> date | None:
    """The date a line starts with, when the line is a dateline and the date is valid.

    A dateline is a date at the start of the line (after an optional "Published:" label and
    before an optional time) followed by nothing or a dash: "On April 17, 2024, ..." is a
    sentence, not a dateline, and is refused.
    """
    tables = _tables()
    start = _after_label(line)
    for pattern in tables.formats:
        match = pattern.match(line, start)
        if match is None:
            continue
        end = _after_time(line, match.end())
        if tables.dateline_end.match(line, end):
            return _match_date(match)
    return None


def _after_label(line: str) -> int:
    """Where the text after an optional "Published:"-style label starts."""
    match = _tables().label.match(line)
    return match.end() if match else 0


def _after_time(line: str, start: int) -> int:
    """Where the text after an optional clock time at `start` starts."""
    match = _tables().time.match(line, start)
    return match.end() if match else start


def _match_date(match: re.Match[str]) -> date | None:
    """The date named by a format's groups (year, day, month or month_num), if valid."""
    groups = match.groupdict()
    if groups.get("month"):
        month = _tables().months.get(groups["month"].lower(), 0)
    else:
        month = int(groups.get("month_num") or 0)
    return valid_date(int(groups["year"]), month, int(groups["day"]))


def _relative_key(phrase: str) -> str:
    """The phrase lower-cased as plain words: "On Saturday," -> "on saturday"."""
    return " ".join(re.findall(r"[a-z0-9]+", phrase.casefold()))


def _strip_words(key: str) -> str:
    """The key without the leading filler words and trailing part of the day.

    "last saturday evening" -> "saturday", so each resolver sees only the core phrase.
    """
    tables = _tables()
    words = key.split()
    for prefix in tables.prefixes:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            words = words[len(prefix) :]
            break
    if len(words) > 1 and words[-1] in tables.day_parts:
        words = words[:-1]
    return " ".join(words)


def _by_offset(key: str, published: date) -> date | None:
    """ "today", "yesterday", "last night": a fixed number of days from publication."""
    offsets = _tables().offsets
    for candidate in (key, _strip_words(key)):
        if candidate in offsets:
            return published + timedelta(days=offsets[candidate])
    return None


def _by_weekday(key: str, published: date) -> date | None:
    """ "on Saturday": the most recent Saturday strictly before the publication date."""
    weekday = _tables().weekdays.get(_strip_words(key))
    if weekday is None:
        return None
    days_back = (published.weekday() - weekday) % 7 or 7
    return published - timedelta(days=days_back)


def _by_month_day(key: str, published: date) -> date | None:
    """ "on January 3" (or "3 January"): that day in the publication year, or the year before
    when it would otherwise be after publication. An explicit year is used as given.
    """
    tables = _tables()
    match = tables.month_day.fullmatch(_strip_words(key))
    if match is None:
        return None
    month = tables.months[match["month"] or match["month2"]]
    day = int(match["day"] or match["day2"])
    if match["year"]:
        return valid_date(int(match["year"]), month, day)
    found = valid_date(published.year, month, day)
    if found is not None and found > published:
        found = valid_date(published.year - 1, month, day)
    return found


_RESOLVERS: tuple[Callable[[str, date], date | None], ...] = (
    _by_offset,
    _by_weekday,
    _by_month_day,
)


def _names(table: dict[str, int]) -> str:
    """A regex alternation of the names, longest first so "sept" wins over "sep"."""
    names = sorted(table, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(name) for name in names) + r")\b"


@cache
def _config() -> dict[str, Any]:
    return load_table("dates")


def _months(config: dict[str, Any]) -> dict[str, int]:
    return {name.lower(): int(number) for name, number in config["months"].items()}


def _weekdays(config: dict[str, Any]) -> dict[str, int]:
    return {name.lower(): int(number) for name, number in config["weekdays"].items()}


def _format_source(fmt: str, month: str, weekday: str) -> str:
    return fmt.replace("{month}", month).replace("{weekday}", weekday)


@cache
def _tables() -> _Tables:
    """Load and compile config/dates.toml's tables once."""
    config = _config()
    months, weekdays = _months(config), _weekdays(config)
    month, weekday = _names(months), _names(weekdays)
    formats = tuple(
        re.compile(_format_source(fmt, month, weekday), re.IGNORECASE) for fmt in config["formats"]
    )
    relative = config["relative"]
    month_day = re.compile(
        rf"(?:(?P<month>{month}) (?P<day>\d{{1,2}}){_ORDINAL}"
        rf"|(?P<day2>\d{{1,2}}){_ORDINAL} (?:of )?(?P<month2>{month}))(?: (?P<year>\d{{4}}))?"
    )
    return _Tables(
        header=re.compile(config["header"]),
        label=re.compile(config["label"]),
        time=re.compile(config["time"]),
        dateline_end=re.compile(config["dateline_end"]),
        formats=formats,
        months=months,
        weekdays=weekdays,
        window_chars=int(config["window_chars"]),
        window_lines=int(config["window_lines"]),
        min_year=int(config["min_year"]),
        max_year=int(config["max_year"]),
        prefixes=tuple(tuple(p.split()) for p in relative["prefixes"]),
        day_parts=frozenset(relative["day_parts"]),
        offsets={phrase: int(days) for phrase, days in relative["offsets"].items()},
        month_day=month_day,
    )
