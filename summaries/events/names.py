"""People's names in a story's sentences: what counts as a name, and a name read beside a
title ("Foreign Minister Hakan Fidan", "Hakan Fidan, Turkey's foreign minister").

Kept apart from mentions.py, which reads where states and officials stand in a sentence;
this module only knows names and the officials they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summaries import countries
from summaries.events.tables import Tables

if TYPE_CHECKING:
    from summaries.events.mentions import Story

# A person's name: up to five capitalised words, with particles ("Mohammed bin Salman",
# "Haider al-Abadi") and middle initials ("Clayton K. Yeutter").
# Capitals of the Latin alphabets news spells names in ("Çavuşoğlu", "Šefčovič", "Ólafur").
_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
NAME = re.compile(
    rf"[{_UPPER}][\w'.-]{{0,40}}(?:\s+(?:[{_UPPER}]\.){{1,2}}(?=\s+[{_UPPER}])"
    rf"|\s+(?:(?:al|bin|bint|ibn|de|da|van|von|der|el|du|la|Al|El)\s+)?"
    rf"(?:(?:al|el|ad|as|at|an|ar|az|ash)-)?[{_UPPER}][\w'-]{{0,40}}){{0,4}}"
)
_WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
_MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
}  # fmt: skip
STOP_NAMES = frozenset(
    {
        "The", "In", "On", "At", "For", "But", "And", "He", "She", "It", "They", "We", "His",
        "Her", "Their", "A", "An", "During", "After", "Also", "Meanwhile", "Furthermore", "As",
        "If", "When", "While", "With", "By", "From", "To", "Of", "This", "That", "These",
        "Those", "Under", "According", "Before", "Since", "Although", "Its", "Our", "Mr",
        "Mrs", "Ms", "I", "You", "Asked", "Speaking", "Earlier", "Later", "Last", "Next",
        "Today", "Yesterday", "Tomorrow", "Officials", "Sources", "Diplomats", "Western",
        "All", "Some", "Many", "Both", "Each", "Every", "Most", "Only", "Even", "Just", "So",
        "Then", "Now", "Yet", "Still", "Such", "What", "Why", "How", "Who", "Which", "Where",
        "Here", "There", "Other", "Another", "Former", "First", "Not", "No", "Neither",
    }
    | _WEEKDAYS
    | _MONTHS
)  # fmt: skip


@dataclass
class Person:
    """An official the story names, with the side and title it gives them."""

    name: str
    side: str | None
    title: str | None


def name_after(
    sentence: str, end: int, title: str, side: str | None, story: Story, t: Tables
) -> Person | None:
    named = re.match(r",?\s+", sentence[end:])
    if not named:
        return None
    match = NAME.match(sentence, end + named.end())
    if not match:
        return None
    name = clean_name(before_country(match.group()))
    if not is_name(name, t):
        return None
    return story.register(Person(name, side, title))


def before_country(name: str) -> str:
    """A name cut where a country starts: "George Shultz China's recent troubles"."""
    for found in countries.mentions(name):
        if found.start > 0:
            return name[: found.start].strip()
    return name


# "Hakan Fidan, Turkey's foreign minister", "Lukman, who is also Nigerian oil minister".
_NAME_THEN_TITLE = re.compile(
    r"([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3}),\s+(?:who\s+is\s+(?:also\s+)?|now\s+)?"
    r"(?:the\s+|a\s+)?$"
)


def name_before(
    sentence: str, start: int, title: str, side: str | None, story: Story, t: Tables
) -> Person | None:
    """ "Hakan Fidan, Turkey's foreign minister": a name, a comma, then the title."""
    match = _NAME_THEN_TITLE.search(sentence[:start])
    if not match or side is None:
        return None
    name = clean_name(match.group(1))
    if not is_name(name, t):
        return None
    return story.register(Person(name, side, title))


def is_name(text: str, t: Tables) -> bool:
    words = text.split()
    if not words or words[0] in STOP_NAMES:
        return False
    if t.title_pattern.fullmatch(text) or any(countries.resolve(w) for w in words[:1]):
        return False
    return sum(ch.isalpha() for ch in text) > 1


# Honorifics before a name ("Datuk Seri Ismail Sabri Yaakob", "Sheikh Tamim", "Dr. Abiy"):
# not part of how tables and later mentions name the person.
_HONORIFIC = re.compile(
    r"^(?:(?:Datuk|Dato'?|Tan\s+Sri|Tun|Seri|Sheikh|Sir|Dame|Dr\.?|Mr\.?|Mrs\.?|Ms\.?"
    r"|Madam|Mme\.?|Shri|Hon\.?|Honourable|Alhaji|Haji)\s+)+(?=\S+\s+\S)"
)


# Abbreviated titles: "FM Qureshi", "PM Modi".
_TITLE_ABBREVIATION = re.compile(r"^(?:FM|PM|Pres\.)\s+(?=\S)")


def clean_name(name: str) -> str:
    name = re.sub(r"'s?$", "", name.strip().rstrip(".,"))
    return _TITLE_ABBREVIATION.sub("", _HONORIFIC.sub("", name))
