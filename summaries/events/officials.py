"""Which state a leader acts for, from config/officeholders.toml and the story's date.

News names heads of state, heads of government and foreign ministers without their country
("President Obama said", "Netanyahu told reporters"); a story's own introductions do not
always help. The table holds who held those offices when (1981 on, the countries that make
most diplomatic news); `side_of(name, on)` answers only when the name fits one holder whose
term covers the story's date -- or, for an undated story, when every holder of that name
acts for one and the same side. It never guesses between two.

A name matches a holder by its whole spelling, letters only ("Amir-Abdollahian" is
"Hossein Amirabdollahian"), or by its last words ("Obama", "Amir Abdollahian"); for names
written surname first (China and the Koreas) also by the family name ("Xi", "Kim"). Titles
and regnal numbers in the table ("King Abdullah II") are not part of the name. The match is
on letters, not on the looser consonant keys that join a story's own spellings: a table of
hundreds of names would match "Both" to "Botha".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from config import load_table
from summaries.events.model import fold

_SURNAME_FIRST = frozenset({"CN", "KR", "KP", "TW", "VN"})
_OFFICES = frozenset({"head", "gov", "fm"})
_NOT_NAMES = frozenset(
    {"king", "queen", "emir", "sheikh", "lord", "ii", "iii", "jr", "sr", "president",
     "premier", "chancellor", "ayatollah", "mr", "mrs", "ms", "dr"}
)  # fmt: skip


_INITIALS = re.compile(r"(?:[a-z]\.)+")


@dataclass(frozen=True)
class _Term:
    side: str
    office: str
    keys: tuple[str, ...]
    family: str  # the first word, lowercased, for surname-first names ("xi")
    start: date
    end: date | None

    def covers(self, day: date | None) -> bool:
        return day is None or (self.start <= day and (self.end is None or day < self.end))


@functools.lru_cache(maxsize=4096)
def side_of(name: str, on: date | None) -> str | None:
    """The side the holder called `name` acted for on `on` (any time when None), or None
    when no holder, or holders of different sides, fit."""
    keys = _words(name)
    if not keys:
        return None
    sides = {term.side for term in _candidates(keys) if term.covers(on) and _fits(term, keys)}
    return sides.pop() if len(sides) == 1 else None


@functools.lru_cache(maxsize=4096)
def side_of_variant(name: str, on: date | None) -> str | None:
    """The side for a long name spelt otherwise than the table ("Abd Rabbu Mansour Hadi" for
    "Abdrabbuh Mansour Hadi"): its surname fits, and another of its words is in the
    holder's name -- "Omar Trevino Morales" is not "Evo Morales"."""
    keys = _words(name)
    if len(keys) < 2:
        return None
    sides = {
        term.side
        for term in _candidates(keys[-1:])
        if term.covers(on) and _fits(term, keys[-1:]) and set(keys[:-1]) & set(term.keys[:-1])
    }
    return sides.pop() if len(sides) == 1 else None


def _words(name: str) -> tuple[str, ...]:
    """A name as lowercase letter-only words, titles and regnal numbers left out."""
    # middle initials left out too: "James A. Baker", "George H.W. Bush" are "James Baker",
    # "George Bush"
    tokens = [w for w in fold(name).casefold().split() if not _INITIALS.fullmatch(w)]
    words = ("".join(ch for ch in w if ch.isalpha()) for w in tokens)
    return tuple(w for w in words if w and w not in _NOT_NAMES)


def _fits(term: _Term, keys: tuple[str, ...]) -> bool:
    if "".join(keys) == "".join(term.keys):
        return True
    tail = "".join(keys)
    if len(tail) >= 3 and any("".join(term.keys[i:]) == tail for i in range(1, len(term.keys))):
        return True  # the surname, or the last names of a longer name
    return term.side in _SURNAME_FIRST and len(keys) == 1 and keys[0] == term.family


def _candidates(keys: tuple[str, ...]) -> list[_Term]:
    index = _index()
    found = list(index.get("".join(keys), ()))
    found.extend(index.get("family:" + keys[0], ()))
    return found


@functools.cache
def _index() -> dict[str, list[_Term]]:
    """Every term under its whole key, each tail of it, and (surname-first names) the family
    name."""
    index: dict[str, list[_Term]] = {}
    for term in _terms():
        for i in range(len(term.keys)):
            index.setdefault("".join(term.keys[i:]), []).append(term)
        if term.side in _SURNAME_FIRST:
            index.setdefault("family:" + term.family, []).append(term)
    return index


@functools.cache
def _terms() -> tuple[_Term, ...]:
    raw = load_table("officeholders")
    terms = []
    for side, offices in raw.items():
        for office, holders in offices.items():
            if office not in _OFFICES:
                raise ValueError(f"officeholders.toml: [{side}] has unknown office {office!r}")
            for entry in holders:
                terms.append(_term(side, office, entry))
    return tuple(terms)


def _term(side: str, office: str, entry: str) -> _Term:
    try:
        name, start, end = entry.split("|")
        keys = _words(name)
        return _Term(
            side=side,
            office=office,
            keys=keys,
            family=keys[0],
            start=date.fromisoformat(start),
            end=date.fromisoformat(end) if end else None,
        )
    except ValueError as exc:
        raise ValueError(f"officeholders.toml: [{side}] {office}: bad entry {entry!r}") from exc
