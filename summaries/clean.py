"""Turn a scraped news page into a headline and clean paragraphs for the later stages.

Scraped pages carry page furniture (loading overlays, share buttons, bylines, "Related
Articles", view counters), a " date YYYY-MM-DD" header, datelines, banners and repeated
headlines, and sentences glued together without a space ("in Kerman.Expressing"). `clean`
removes the furniture, finds the headline, restores the missing spaces and keeps the paragraph
boundaries; the furniture tables live in config/cleaning.toml.

This module must never invent text (no headline is made up when a page has none), never drop
a body paragraph it cannot prove is furniture, never raise on any `str` input, and never
take more than linear time: pages can be megabytes long and are untrusted.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from summaries import dates

# Closing quotes and brackets that may follow a sentence's final punctuation.
_CLOSERS = "\"'”’»)]"
# Punctuation that ends a sentence-like line (a headline never ends with one of these).
_SENTENCE_ENDS = ".,;:"
# A sentence end with no space after it: a word, its final punctuation, closing quotes, and
# an optional opening quote before the next word. The next word's first letter is only looked
# at, never consumed, so consecutive glued sentences are all found in one linear pass.
_GLUED = re.compile(
    r"(?P<word>\b\w+)(?P<close1>[”’)\]\"]*)(?P<punct>[.?!]+)"
    r"(?P<close2>[”’)\]\"]*)(?P<open>[“‘(]?)(?=[^\W\d_])"
)
# What any glued sentence end contains: the cheap test that spares most paragraphs the
# word-by-word `_GLUED` scan (it finds "U.S" too; `_GLUED` then decides).
_GLUE_HINT = re.compile(r"[.?!][”’)\]\"]*[“‘(]?[^\W\d_]")
_SPACE_RUN = re.compile(r" {2,}")
# What `_line_kind` calls a line that ends the article, and one that is furniture.
_TAIL, _FURNITURE = "tail", "furniture"
# How far back to look for the start of a token when deciding whether it is a URL.
_URL_LOOKBACK = 200
# Marks without which a text holds no URL, path or e-mail address, so no look-back is needed.
_URL_MARKS = re.compile(r"[/@]|www", re.IGNORECASE)


@dataclass(frozen=True)
class CleanArticle:
    """A cleaned article: its headline (None when the page has none), body paragraphs, the
    verbatim value of the scraper's " date" header (validated by `dates.find_date`), and the
    outlet the lead names before its first sentence ("Islam Times - ..."), if any.
    """

    title: str | None
    paragraphs: list[str]
    header_date: str | None = None
    outlet: str | None = None

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class _Tables:
    """The compiled cleaning tables from config/cleaning.toml, built once per process."""

    line_breaks: re.Pattern[str]
    invisible: re.Pattern[str]
    spaces: re.Pattern[str]
    needs_normalizing: re.Pattern[str]
    ascii_special: re.Pattern[str]
    max_line_chars: int
    line_kind: re.Pattern[str]
    lead_prefixes: tuple[re.Pattern[str], ...]
    max_title_words: int
    max_title_chars: int
    min_title_words: int
    abbreviations: frozenset[str]


def clean(raw: str) -> CleanArticle:
    """Clean one scraped page: strip furniture, find the headline, split glued sentences."""
    header_date, text = dates.split_header(normalize(raw))
    lines = _without_furniture(_squashed_lines(text))
    title, body_start = _headline(lines)
    paragraphs = _paragraphs(lines[body_start:])
    outlet, paragraphs = _without_lead_prefix(paragraphs)
    return CleanArticle(
        title=title, paragraphs=_unglued(paragraphs), header_date=header_date, outlet=outlet
    )


def _unglued(paragraphs: list[str]) -> list[str]:
    """`split_glued_sentences` on the paragraphs that may need it: one hint scan over the
    whole body finds them, instead of one scan per paragraph."""
    marks = [m.start() for m in _GLUE_HINT.finditer("\n".join(paragraphs))]
    if not marks:
        return paragraphs
    out, start, k = [], 0, 0
    for paragraph in paragraphs:
        end = start + len(paragraph)
        while k < len(marks) and marks[k] < start:
            k += 1
        hinted = k < len(marks) and marks[k] < end
        out.append(split_glued_sentences(paragraph) if hinted else paragraph)
        start = end + 1
    return out


def normalize(raw: str) -> str:
    """One kind of line break, one kind of space, and no invisible or control characters.

    Done first so every later pattern can assume plain "\\n" and " ".
    """
    tables = _tables()
    if _is_plain(raw, tables):
        return raw  # most text needs nothing: one cheap scan instead of three substitutions
    text = tables.invisible.sub("", raw)
    text = unicodedata.normalize("NFC", text)
    text = tables.line_breaks.sub("\n", text)
    return tables.spaces.sub(" ", text)


def _is_plain(text: str, tables: _Tables) -> bool:
    """Whether `normalize` would leave the text as it is.

    ASCII text is checked against the ASCII characters the patterns touch (derived from
    them; a single character class scans ~8x faster than the union of the three patterns),
    other text against that union.
    """
    if text.isascii():
        return tables.ascii_special.search(text) is None
    return tables.needs_normalizing.search(text) is None and unicodedata.is_normalized("NFC", text)


def split_glued_sentences(text: str) -> str:
    """Put the missing space back between sentences glued together by the scraper.

    "in Kerman.Expressing" -> "in Kerman. Expressing", also after closing quotes and "?"/"!".
    Left alone: single letters ("U.S.", "e.g.", "J.R.R."), known abbreviations ("Lt.General"),
    numbers ("1.2", "No.1"), lower-case continuations ("example.com") and URLs.
    """
    if _GLUE_HINT.search(text) is None:
        return text
    pieces: list[str] = []
    last = 0
    quotes = 0
    counted = 0
    urls = _URL_MARKS.search(text) is not None
    for match in _GLUED.finditer(text):
        quotes += text.count('"', counted, match.start("close2"))
        counted = match.start("close2")
        cut = _glue_cut(text, match, opening_straight_quote=quotes % 2 == 0, urls=urls)
        if cut is not None:
            pieces.append(text[last:cut])
            last = cut
    if not pieces:
        return text
    pieces.append(text[last:])
    return " ".join(pieces)


def _glue_cut(
    text: str, match: re.Match[str], *, opening_straight_quote: bool, urls: bool
) -> int | None:
    """Where to insert the space for one glued-sentence candidate, or None to leave it.

    `opening_straight_quote` says whether a straight quote right after the punctuation opens
    a new quotation (an even number of them came before), as in 'enclave."You can't'.
    `urls` says whether the text may hold URLs at all, sparing the look-back when not.
    """
    if not text[match.end()].isupper() or not _ends_sentence(match["word"], match["punct"]):
        return None
    if urls and _inside_url(text, match.end()):
        return None
    close2 = match["close2"]
    if match["open"]:
        return match.start("open")
    if close2.endswith('"') and opening_straight_quote:
        return match.end("close2") - 1
    return match.end("close2")


def _ends_sentence(word: str, punct: str) -> bool:
    """Whether `word` followed by `punct` can end a sentence (not an initial or abbreviation)."""
    if punct != ".":
        return True
    return len(word) >= 2 and word.casefold() not in _tables().abbreviations


def _inside_url(text: str, position: int) -> bool:
    """Whether the token ending at `position` is a URL, path or e-mail address."""
    before = text[max(0, position - _URL_LOOKBACK) : position].rsplit(maxsplit=1)
    token = before[-1].casefold() if before else ""
    return "://" in token or token.startswith("www") or "/" in token or "@" in token


def _squashed_lines(text: str) -> list[str]:
    """The lines with runs of spaces collapsed and no space at either end.

    After `normalize` a space is the only white space besides "\n", so two C-level passes
    do what splitting and joining every line did (a fifth of all cleaning time before).
    """
    return [line.strip(" ") for line in _SPACE_RUN.sub(" ", text).split("\n")]


def _without_furniture(lines: list[str]) -> list[str]:
    """The lines with furniture blanked (so it still separates paragraphs) and the tail cut.

    A tail marker ("Related Articles", "Comments") ends the article only after some body text
    has been seen; before that it is just a furniture line.
    """
    kept: list[str] = []
    for line in lines:
        kind = _line_kind(line) if line else None
        if kind is None:
            kept.append(line)
        elif kind is _TAIL and _has_body(kept):
            break
        else:
            kept.append("")
    return kept


def _has_body(lines: list[str]) -> bool:
    """Whether any line is body text rather than a headline-like line (asked only when a
    tail marker appears, which most articles never have)."""
    return any(line and not _title_like(line) for line in lines)


def _line_kind(line: str) -> str | None:
    """_TAIL for the start of a page's end matter (related links, comments), _FURNITURE for a
    whole line of page furniture (buttons, ids, bylines, menus, datelines), else None.

    Tail, furniture and dateline patterns are one regex: a line costs one match.
    """
    tables = _tables()
    if not line or len(line) > tables.max_line_chars:
        return None
    match = tables.line_kind.fullmatch(line)
    if match is None:
        return None
    return _TAIL if match.group(_TAIL) is not None else _FURNITURE


def _title_like(line: str) -> bool:
    """Whether a line could be a headline: short, with letters, not ending like a sentence."""
    tables = _tables()
    if not line or len(line) > tables.max_title_chars:
        return False
    if len(line.split()) > tables.max_title_words or not any(c.isalpha() for c in line):
        return False
    core = line.rstrip(_CLOSERS)
    return bool(core) and core[-1] not in _SENTENCE_ENDS


def _headline(lines: list[str]) -> tuple[str | None, int]:
    """The headline and the index where the body starts.

    Everything before the first sentence-like line is the page head: banners, section
    labels and the headline (often printed twice). A line printed twice wins; otherwise the
    longest line with enough words, because banners and labels are short. The other head
    lines are dropped. A page with no sentence-like line has no head: all of it is body.
    """
    first_body = next((i for i in range(len(lines)) if _starts_body(lines, i)), None)
    if first_body is None:
        return None, 0
    head = [line for line in lines[:first_body] if line]
    return _pick_title(head), first_body


def _starts_body(lines: list[str], index: int) -> bool:
    """Whether line `index` is prose: sentence-like, or the first line of a wrapped sentence
    (so a hard-wrapped lead is never mistaken for a headline).
    """
    line = lines[index]
    if not line:
        return False
    if not _title_like(line):
        return True
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return bool(following) and _wrapped(line, following)


def _pick_title(head: list[str]) -> str | None:
    """The headline among the page-head lines, or None when none is long enough."""
    min_words = _tables().min_title_words
    candidates = [line for line in head if len(line.split()) >= min_words]
    if not candidates:
        return None
    counts = Counter(line.casefold() for line in candidates)
    repeated = [line for line in candidates if counts[line.casefold()] > 1]
    if repeated:
        return repeated[0]
    return max(candidates, key=lambda line: len(line.split()))


def _paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs: blank lines separate them, and a line broken in the middle
    of a sentence (lower-case letter or comma, then a lower-case start) is joined back.
    """
    paragraphs: list[str] = []
    previous_blank = True
    for line in lines:
        if not line:
            previous_blank = True
            continue
        if not previous_blank and paragraphs and _wrapped(paragraphs[-1], line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        previous_blank = False
    return paragraphs


def _wrapped(previous: str, line: str) -> bool:
    """Whether `line` continues `previous` mid-sentence (a hard-wrapped paragraph)."""
    end = previous[-1]
    return (end.islower() or end == ",") and line[0].islower()


def _without_lead_prefix(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """(outlet, paragraphs): the outlet or agency prefix removed from the lead's start, and
    the name it gave (the pattern's `outlet` group), which is who published the story."""
    if not paragraphs:
        return None, paragraphs
    lead, outlet = paragraphs[0], None
    for pattern in _tables().lead_prefixes:
        match = pattern.match(lead)
        if match:
            lead = lead[match.end() :]
            outlet = match.groupdict().get("outlet")
            break
    return outlet, ([lead] if lead else []) + paragraphs[1:]


def _section_menu(names: list[str]) -> str:
    """A pattern for a line made only of section names, glued or spaced ("Middle EastWorld
    News"). Longest names first so "World News" is tried before "World"; the atomic group and
    possessive repeat stop the regex from retrying every way to split a long line into names.
    """
    ordered = sorted(names, key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in ordered)
    return rf"(?:(?>{alternation}) ?)++"


def _one_pattern(patterns: list[str]) -> str:
    """All patterns as one alternation: one regex pass per line instead of one per pattern."""
    return "|".join(f"(?:{pattern})" for pattern in patterns)


@cache
def _tables() -> _Tables:
    """Load and compile config/cleaning.toml's cleaning tables once."""
    text = resources.files("config").joinpath("cleaning.toml").read_text("utf-8")
    config: dict[str, Any] = tomllib.loads(text)
    norm, furniture, headline = config["normalize"], config["furniture"], config["headline"]
    needs_normalizing = re.compile(
        f"(?:{norm['line_breaks']})|(?:{norm['invisible']})|(?:{norm['spaces']})"
    )
    special = [chr(i) for i in range(128) if needs_normalizing.match(chr(i))]
    lines = [
        *furniture["lines"],
        _section_menu(furniture["section_names"]),
        dates.dateline_pattern(),
    ]
    return _Tables(
        line_breaks=re.compile(norm["line_breaks"]),
        invisible=re.compile(norm["invisible"]),
        spaces=re.compile(norm["spaces"]),
        needs_normalizing=needs_normalizing,
        ascii_special=re.compile(
            "[" + "".join(re.escape(c) for c in special) + "]" if special else "(?!)"
        ),
        max_line_chars=int(furniture["max_line_chars"]),
        line_kind=re.compile(
            rf"(?P<{_TAIL}>{_one_pattern(furniture['tail'])})"
            rf"|(?P<{_FURNITURE}>{_one_pattern(lines)})"
        ),
        lead_prefixes=tuple(re.compile(pattern) for pattern in furniture["lead_prefixes"]),
        max_title_words=int(headline["max_words"]),
        max_title_chars=int(headline["max_chars"]),
        min_title_words=int(headline["min_words"]),
        abbreviations=frozenset(a.casefold() for a in config["sentences"]["abbreviations"]),
    )
