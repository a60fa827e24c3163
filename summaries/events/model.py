"""What the event extractor hands out: `Event` and `Actor`, and the spelling-tolerant keys
that make "Amirabdollahian", "Amir-Abdollahian" and "Amir Abdollahian" one person.

Plain data only: nothing here reads a table or a text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

SOURCE, TARGET, BOTH = "source", "target", "both"
_CURLY = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sheikh", "sir", "lt", "gen", "general"})


@dataclass(frozen=True)
class Actor:
    """One side of an event as the story names it.

    `side` is an ISO alpha-2 code (historic SU, DD, YU, CS for stories of their time) or an
    organisation code (UN, UNSC, EU, EC, NATO ...); `person` the name as introduced in the
    story (None for "his Iranian counterpart" when the story never names them); `person_key`
    its spelling-tolerant key; `title` as reported ("Foreign Minister", "spokesman"); `role`
    "source" (who acted), "target" (on whom) or "both" (a call, a meeting, talks).
    """

    side: str
    person: str | None = None
    person_key: str | None = None
    title: str | None = None
    role: str = BOTH

    def as_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "person": self.person,
            "person_key": self.person_key,
            "title": self.title,
            "role": self.role,
        }


@dataclass(frozen=True)
class Event:
    """A diplomatic interaction reported by one story.

    `date` is when it happened or is planned (None when the text does not fix a day);
    `date_how` says where the date came from: "text" (a phrase in the supporting sentence),
    "published" (current news with no time phrase takes the story's date) or None. `type` is
    one of `event_types()`, `cameo` its CAMEO 1.1b3 code. `actors` has one entry per side,
    sources first; `sentences` are the supporting sentences in story order.
    """

    date: date | None
    date_how: str | None
    type: str
    cameo: str
    actors: tuple[Actor, ...]
    topics: tuple[str, ...]
    sentences: tuple[str, ...]

    @property
    def sides(self) -> tuple[str, ...]:
        """The sorted side codes, the form the gold files use."""
        return tuple(sorted({a.side for a in self.actors}))

    @property
    def people(self) -> tuple[str, ...]:
        """The named people, in actor order."""
        return tuple(a.person for a in self.actors if a.person)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "date_how": self.date_how,
            "type": self.type,
            "cameo": self.cameo,
            "sides": list(self.sides),
            "people": list(self.people),
            "actors": [a.as_dict() for a in self.actors],
            "topics": list(self.topics),
            "sentences": list(self.sentences),
        }


def person_key(name: str) -> str:
    """A spelling-tolerant key for a person's name: accents, case, hyphens, spaces, honorifics,
    vowels and doubled letters dropped. "Amir-Abdollahian" and "Amirabdollahian" -> "mrbdlhn";
    "Raeisi" and "Raisi" -> "rs"."""
    return "".join(token_keys(name))


def same_person(a: str, b: str) -> bool:
    """True when two names are spelling variants of one person, or one is the other's surname
    (or, for names written surname first such as "Xi Jinping", its first word)."""
    ka, kb = token_keys(a), token_keys(b)
    if not ka or not kb:
        return False
    if "".join(ka) == "".join(kb):
        return True
    short, long = (ka, kb) if len("".join(ka)) <= len("".join(kb)) else (kb, ka)
    joined = "".join(short)
    if any("".join(long[i:]) == joined for i in range(1, len(long))):
        return True
    if len(short) != 1 or long[0] != joined or len(long) not in (2, 3):
        return False
    # Surname first ("Xi Jinping" is "Xi"); a skeleton of one letter is too little to go
    # on ("Lee" and "Ali" are both "l"), so such a word must be spelled the same.
    return len(joined) > 1 or _first_word(a if ka is short else b) == _first_word(
        b if ka is short else a
    )


def _first_word(name: str) -> str:
    words = fold(name).casefold().split()
    return words[0] if words else ""


def token_keys(name: str) -> list[str]:
    """Each word of a name as its consonant skeleton (honorifics dropped)."""
    return list(_token_keys(name))


@functools.lru_cache(maxsize=4096)
def _token_keys(name: str) -> tuple[str, ...]:
    words = fold(name.translate(_CURLY)).casefold().removesuffix("'s").split()
    keys = []
    for word in words:
        word = _ARTICLE.sub("", word)  # "al-Sisi" is "Sisi", "el-Sisi" too
        letters = "".join(ch for ch in word if ch.isalpha())
        if not letters or letters in _HONORIFICS:
            continue
        skeleton = "".join(ch for ch in letters if ch not in "aeiou")
        skeleton = re.sub(r"(.)\1+", r"\1", skeleton) or letters[:1]
        keys.append(skeleton)
    return tuple(keys)


_ARTICLE = re.compile(r"^(?:al|el|ad|as|at|an|ar|az|ash)-(?=\w)")


def fold(text: str) -> str:
    """Accents removed ("Sejourné" -> "Sejourne")."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def straighten_quotes(text: str) -> str:
    """Curly apostrophes as straight ones, so "Iran’s" reads as "Iran's"."""
    return text.translate(_CURLY)
