"""An offline English sentence and word tokenizer that sumy's parsers can use.

sumy's own `Tokenizer("english")` needs NLTK's punkt data, which is not installed and cannot
be downloaded here, so constructing it raises LookupError. sumy only ever calls
`to_sentences(paragraph)` and `to_words(sentence)` on its tokenizer and reads `language`, so
this module provides an object with exactly that interface, built on one compiled regular
expression scan and the abbreviation tables in config/tokenizer.toml.

Sentence splitting looks at each run of final punctuation (". ! ? …", with any closing quotes
or brackets after it) and decides from a few characters on either side:

- a line break always ends a sentence: scraped pages put one block (headline, paragraph,
  caption) per line, and a headline has no final period to stop it running into the body;
- a lower-case next word never starts a sentence ("e.g. the", "“Why?” he asked");
- after a title ("Lt. General", "Amb. Smith") nothing splits; after another abbreviation,
  a dotted acronym ("U.S.") or an initial ("J. R. Smith") only a common sentence opener
  ("The", "He", ...) starts a new sentence, and a number never does ("Jan. 3", "No. 5");
- a period glued to a capitalised word ("in Kerman.Expressing") is a lost space and splits,
  but not inside "U.S.-led", "e.g.", "example.com", "ASP.NET" or "1.5";
- an ellipsis with a space before it marks an omission inside a quote and splits only before
  a sentence opener; one glued to its word ("stalled... Then") ends the sentence.

Every sentence returned is an exact slice of the input with its outer white space stripped,
so callers can find it again in the original text. The work is linear in the input length.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from config import load_table

# A run of final punctuation: a spaced or unspaced ellipsis, or any mix of . ! ? …
# followed by the closing quotes and brackets that belong to the sentence it ends.
_END = re.compile(r"(?P<punct>(?:\. ?){2,}\.|[.!?…]+)(?P<close>[\"'”’»)\]]*)")
# What follows a punctuation run: white space, opening quotes or brackets, the next word, and
# the character right after that word (a period there marks an initial such as "A.").
_NEXT = re.compile(r"(?P<space>\s*)(?P<open>[\"'“‘«(\[]*)(?P<word>[^\W_]+)?(?P<dot>\.)?")
# The token just before a punctuation run: a dotted acronym ("U.S", "e.g") or a plain word.
_PREV = re.compile(r"(?:(?<![^\W_])(?:[^\W\d_]\.)+[^\W\d_]|[^\W_]+)\Z")
# How far back to look for that token; words longer than this are not abbreviations anyway.
_PREV_WINDOW = 32
# How far back to look for the start of a token when deciding whether it is a URL.
_URL_LOOKBACK = 200
# A sentence needs a run of two letters; "1." or "a)" before a capital is a list marker.
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")
# Words for similarity: a dotted acronym without its last point ("U.S", "e.g"), or letters and
# digits (accented too) joined by internal apostrophes or hyphens ("Iran’s",
# "Amir-Abdollahian") or by a point or comma between digits ("9.7bn", "22,000").
_WORD = re.compile(
    r"[^\W\d_](?:\.[^\W\d_])+(?![^\W_])"
    r"|[^\W_]+(?:(?:['’\-]|(?<=\d)[.,](?=\d))[^\W_]+)*"
)
# What any glued sentence end contains: the cheap test that spares most lines the full scan.
_GLUE_HINT = re.compile(r"[.?!…][”’)\]\"']*[“‘(\"']?[^\W\d_]")
# A token that is a URL, a path or an e-mail address: a period inside it ends nothing.
_URLISH = re.compile(r"://|^www|[/@]", re.IGNORECASE)
# What the token before a period is; see `_previous_kind`.
_Kind = Literal["title", "abbreviation", "word"]
# Quotes that are written the same whether they open or close a quotation.
_STRAIGHT_QUOTES = "\"'"


@dataclass(frozen=True)
class _Tables:
    """The word tables from config/tokenizer.toml, loaded once per process."""

    titles: frozenset[str]
    common: frozenset[str]
    starters: frozenset[str]


@cache
def _tables() -> _Tables:
    """Load the tables lazily so importing this module costs nothing until it is used."""
    config = load_table("tokenizer")
    return _Tables(
        titles=frozenset(config["abbreviations"]["titles"]),
        common=frozenset(config["abbreviations"]["common"]),
        starters=frozenset(config["sentences"]["starters"]),
    )


class Tokenizer:
    """The tokenizer object sumy's parsers and summarizers expect, working fully offline."""

    def __init__(self, language: str = "english") -> None:
        if language.lower() != "english":
            raise ValueError(f"only English is supported, not {language!r}")
        self._language = "english"

    @property
    def language(self) -> str:
        """sumy reads this to pick a stemmer and stop words; it is always "english"."""
        return self._language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """The sentences of `paragraph`, each an exact stripped slice of it."""
        return tuple(iter_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """The words of `sentence` without punctuation: sumy only compares words."""
        return tuple(words(sentence))

    def __repr__(self) -> str:
        return f"Tokenizer({self._language!r})"


def split_sentences(text: str) -> list[str]:
    """All sentences of `text` in order; every line break is a hard boundary."""
    return list(iter_sentences(text))


def words(sentence: str) -> list[str]:
    """The words of `sentence`, punctuation dropped, case kept."""
    return _WORD.findall(sentence)


def iter_sentences(text: str) -> Iterator[str]:
    """Yield sentences lazily, so a caller that needs only the first few of a huge text stops
    early instead of splitting megabytes it will throw away.
    """
    for line in text.splitlines():
        yield from _line_sentences(line)


def _line_sentences(line: str) -> Iterator[str]:
    """Split one line (a paragraph without line breaks) at its sentence boundaries."""
    start = 0
    for cut in _cuts(line):
        sentence = line[start:cut].strip()
        if sentence:
            yield sentence
        start = cut
    rest = line[start:].strip()
    if rest:
        yield rest


def _cuts(line: str) -> Iterator[int]:
    """The offsets in `line` where one sentence ends and the next begins."""
    start = scanned = 0
    worded = False
    for match in _END.finditer(line):
        if not worded:
            # Resume where the last look stopped (one back, so a run split by it is found):
            # rescanning from `start` each time would be quadratic on "U.S. U.S. U.S. ...".
            worded = bool(_TWO_LETTERS.search(line, max(start, scanned - 1), match.start()))
            scanned = match.start()
        cut = _boundary(line, start, match) if worded else None
        if cut is None:
            continue
        yield cut
        start = scanned = cut
        worded = False


def unglue(text: str) -> str:
    """Put the missing space back between sentences glued together by a scraper.

    "in Kerman.Expressing" -> "in Kerman. Expressing": the space goes exactly where the
    splitter would cut, so the cleaner (summaries/clean.py) and the splitter keep one rule.
    """
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if _GLUE_HINT.search(line) is None:
            continue
        cuts = [c for c in _cuts(line) if c < len(line) and not line[c].isspace()]
        if cuts:
            bounds = [0, *cuts, len(line)]
            lines[n] = " ".join(line[a:b] for a, b in itertools.pairwise(bounds))
    return "\n".join(lines)


def _boundary(line: str, start: int, end: re.Match[str]) -> int | None:
    """Where the sentence ends if the punctuation run `end` closes it, else None.

    The caller has already checked that the sentence so far holds a word: "1." or "b)"
    before a capital is a list marker, not a sentence.
    """
    follow = _NEXT.match(line, end.end())
    assert follow is not None  # every group is optional, so the match always succeeds
    word = follow["word"]
    if not word or word[0].islower():
        return None  # the line's end, a dash or a lower-case word: the sentence goes on
    if follow["space"]:
        return end.end() if _spaced_break(line, end, follow) else None
    return _glued_cut(line, start, end) if _glued_break(line, end, follow) else None


def _spaced_break(line: str, end: re.Match[str], follow: re.Match[str]) -> bool:
    """Whether a punctuation run followed by white space and a word ends a sentence."""
    punct, word = end["punct"], follow["word"]
    if _is_ellipsis(punct):
        spaced_before = end.start() > 0 and line[end.start() - 1].isspace()
        return _is_starter(follow) if spaced_before else True
    if "." not in punct or "?" in punct or "!" in punct:
        return True
    kind = _previous_kind(line, end.start())
    if kind == "title":
        return False
    if kind == "word":
        return True
    return not word[0].isdigit() and _is_starter(follow)


def _glued_break(line: str, end: re.Match[str], follow: re.Match[str]) -> bool:
    """Whether punctuation with no space after it hides a lost space between two sentences.

    Only a capitalised word ("Expressing", "“We") after a real word counts: "U.S.-led" has
    no word next, "1.5" a digit, "example.com" a lower-case one, "ASP.NET" an all-caps one,
    and "J.R.Smith" a single letter before the period.
    """
    word = follow["word"]
    if word[0].isdigit() or _is_initial(follow):
        return False
    if len(word) > 1 and not word[1].islower():
        return False
    if _inside_url(line, end.start()):
        return False
    if "." in end["punct"] and not _is_ellipsis(end["punct"]):
        return _previous_kind(line, end.start()) == "word"
    return True


def _glued_cut(line: str, start: int, end: re.Match[str]) -> int:
    """Where to cut between glued sentences. A straight quote between the period and the next
    word opens the next sentence ('enclave."You can't') unless the current sentence has a
    quotation still open ('"We will win."The'), in which case it closes that one.
    """
    close = end["close"]
    trailing = len(close) - len(close.rstrip(_STRAIGHT_QUOTES))
    if trailing and not _quote_open(line[start : end.start()]):
        return end.end() - trailing
    return end.end()


def _inside_url(line: str, at: int) -> bool:
    """Whether the token ending at `at` is a URL, path or e-mail address."""
    before = line[max(0, at - _URL_LOOKBACK) : at].rsplit(maxsplit=1)
    return bool(before) and _URLISH.search(before[-1]) is not None


def _quote_open(text: str) -> bool:
    """Whether `text` has a double quotation that is still open at its end."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def _is_ellipsis(punct: str) -> bool:
    """An ellipsis is three points (spaced or not), "…", or a typist's ".." ."""
    return "…" in punct or punct.count(".") >= 2


def _is_starter(follow: re.Match[str]) -> bool:
    """Whether the next word is a common sentence opener (and not an initial like "A.")."""
    return not _is_initial(follow) and follow["word"] in _tables().starters


def _is_initial(follow: re.Match[str]) -> bool:
    """Whether the next word is a single letter with a period: "A." in "J. A. Smith"."""
    return bool(follow["dot"]) and len(follow["word"]) == 1


def _previous_kind(line: str, at: int) -> _Kind:
    """Classify the token before a period: "title", "abbreviation" (a known abbreviation,
    a dotted acronym or a single-letter initial), or "word" (anything that can end a sentence).
    """
    found = _PREV.search(line, max(0, at - _PREV_WINDOW), at)
    if found is None:
        return "word"  # a closing bracket or quote, or a symbol: "(AFP). The"
    token = found.group()
    tables = _tables()
    if token in tables.titles:
        return "title"
    if "." in token or token in tables.common:
        return "abbreviation"
    if len(token) == 1 and token.isalpha():
        return "abbreviation"
    return "word"
