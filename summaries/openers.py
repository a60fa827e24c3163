"""How a brief may begin: never mid-thought.

A brief's first sentence is read with nothing before it, so it must not open with a
connective that joins it to an earlier sentence ("Also, the Security Council ...",
"Furthermore, Pakistani ...") or with a pronoun whose antecedent the reader never saw
("It came after ...", "He said ...", "They discussed ..."). A connective is simply dropped
(and the next word capitalised); a sentence that opens with a pronoun cannot open a brief:
the summarizer chooses another, or the digest puts the sentence it refers back to first.

The word lists are data (config/briefs.toml), general English. This module only reads a
sentence's first words: it never rewrites anything but a leading connective.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from config import load_table

# Opening quotes and brackets a sentence may start with before its first word.
_OPENING = "\"'“‘«([ "


@dataclass(frozen=True)
class _Tables:
    connective: re.Pattern[str]
    pronoun: re.Pattern[str]
    exception: re.Pattern[str]


def without_connective(sentence: str) -> str:
    """`sentence` with its leading connectives dropped and its next letter capitalised.

    "Also, the United Nations Security Council ..." -> "The United Nations Security Council
    ..."; a sentence that does not open with a connective is returned as it is.
    """
    tables = _tables()
    rest = sentence
    while (match := tables.connective.match(rest)) and match.end() < len(rest):
        rest = rest[match.end() :]
    if rest is sentence:
        return sentence
    return rest[:1].upper() + rest[1:]


def opens_with_connective(sentence: str) -> bool:
    """Whether the sentence starts with a connective such as "Also," or "Furthermore,"."""
    return without_connective(sentence) != sentence


def opens_with_pronoun(sentence: str) -> bool:
    """Whether the sentence (after any connective) starts with a pronoun that refers back,
    as in "It came after ..." but not "It is unclear whether ..."."""
    text = without_connective(sentence).lstrip(_OPENING)
    tables = _tables()
    return bool(tables.pronoun.match(text)) and not tables.exception.match(text)


def can_open(sentence: str) -> bool:
    """Whether the sentence can be a brief's first once its connective is dropped."""
    return not opens_with_pronoun(sentence)


def dangling(sentence: str) -> bool:
    """Whether a brief opening with this sentence, as it is, starts mid-thought."""
    return opens_with_connective(sentence) or opens_with_pronoun(sentence)


def _phrases(phrases: list[str]) -> str:
    """Whole-word alternation of phrases, longest first, any spacing between their words."""
    ordered = sorted({p.strip().casefold() for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in p.split()) for p in ordered)


@cache
def _tables() -> _Tables:
    """config/briefs.toml, compiled once."""
    data = load_table("briefs")
    connectives, pronouns = data["connectives"], data["pronouns"]
    apostrophes = "['’]"
    with_comma = _phrases(connectives["with_comma"])
    bare = _phrases(connectives["bare"])
    return _Tables(
        connective=re.compile(rf"(?:(?:{with_comma})\s*,|(?:{bare})(?=\s))\s*", re.IGNORECASE),
        pronoun=re.compile(
            rf"(?:{_phrases(pronouns['openers']).replace(chr(39), apostrophes)})\b(?![-'’])",
            re.IGNORECASE,
        ),
        exception=re.compile(rf"(?:{_phrases(pronouns['exceptions'])})\b", re.IGNORECASE),
    )
