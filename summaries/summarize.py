"""Short extractive summaries of one cleaned article, built on sumy.

A summary is a few whole sentences copied from the article, in the article's own order, so
it can never state something the source did not. Ranking is sumy's: LexRank by default,
with sumy's Snowball stemmer and bundled English stop words, neither of which needs a
download. Sentences and words come from `summaries.tokenize`, because sumy's own tokenizer
needs NLTK data that is not installed.

Before ranking, the article's sentences are screened so that page furniture the cleaner
missed ("Related Articles", a repeated headline, an all-caps banner) is never chosen: a
candidate needs at least `MIN_WORDS` words, lower-case words (prose has "the", "said"), and
final punctuation. When an article has no such sentence the screen relaxes rather than
return nothing, so a non-empty text always gets a non-empty summary.

sumy is imported on first use: its modules pull in NLTK, requests and numpy, about 0.6 s
that a caller which never summarizes (the bot's command parser, most tests) should not pay.

`Summarizer` is the seam for later work: it takes the name of any sumy algorithm that ranks
plain sentences, and `Summarizer.rank` is the single place that turns candidate sentences
into chosen ones, where position priors, MMR or a multi-article pool can plug in.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Any

from summaries.tokenize import Tokenizer, iter_sentences, words

if TYPE_CHECKING:
    from sumy.models.dom import ObjectDocumentModel

# Sentences ranked per article. sumy's graph rankers compare every pair of sentences in pure
# Python: on this machine 100 sentences take ~0.14 s with LexRank, 200 take ~0.9 s. A news
# article rarely has 100 sentences, and its key ones come early, so the rest are not ranked.
MAX_SENTENCES = 100
# Sentences looked at in all while searching for candidates. It bounds the work on a huge
# text made of short furniture lines, where candidates never reach `MAX_SENTENCES`.
MAX_SCANNED = 10 * MAX_SENTENCES
# Fewer words than this is a caption, a button or a dateline, not a summary sentence.
MIN_WORDS = 4
# Prose has lower-case words; a Title Case headline or an all-caps banner has almost none.
MIN_LOWERCASE_WORDS = 2

# The sumy algorithms a `Summarizer` can use: name -> (module, class). All of them rank the
# sentences of an ObjectDocumentModel and take a stemmer and stop words.
ALGORITHMS: dict[str, tuple[str, str]] = {
    "lexrank": ("sumy.summarizers.lex_rank", "LexRankSummarizer"),
    "textrank": ("sumy.summarizers.text_rank", "TextRankSummarizer"),
    "luhn": ("sumy.summarizers.luhn", "LuhnSummarizer"),
    "lsa": ("sumy.summarizers.lsa", "LsaSummarizer"),
    "kl": ("sumy.summarizers.kl", "KLSummarizer"),
    "sumbasic": ("sumy.summarizers.sum_basic", "SumBasicSummarizer"),
}
LANGUAGE = "english"

# Final punctuation, optionally followed by closing quotes or brackets.
_FINAL = re.compile(r"[.!?…][\"'”’»)\]]*\Z")
# Runs of white space, folded to one space when comparing sentences for duplicates.
_SPACES = re.compile(r"\s+")

# Candidate tiers, best first: prose sentences; any line with enough words that is not all
# capitals; anything at all (duplicates of the title included), the last resort.
_PROSE, _WORDY, _ANY = range(3)


def summarize(text: str, title: str | None = None, sentences: int = 3) -> list[str]:
    """The `sentences` best sentences of `text` (fewer if it has fewer), in document order.

    `title` is the article's headline, if known: a body line repeating it is not chosen.
    """
    return Summarizer().summarize(text, title=title, sentences=sentences)


@dataclass(frozen=True)
class Summarizer:
    """An extractive summarizer: one sumy algorithm over our offline tokenizer."""

    algorithm: str = "lexrank"
    max_sentences: int = MAX_SENTENCES

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            known = ", ".join(sorted(ALGORITHMS))
            raise ValueError(f"unknown algorithm {self.algorithm!r}; known: {known}")
        if self.max_sentences < 1:
            raise ValueError(f"max_sentences must be at least 1, got {self.max_sentences}")

    def summarize(self, text: str, title: str | None = None, sentences: int = 3) -> list[str]:
        """Pick up to `sentences` candidates of `text` and return them in document order."""
        if sentences < 1:
            raise ValueError(f"sentences must be at least 1, got {sentences}")
        pool = candidates(text, title, limit=self.max_sentences)
        if len(pool) <= sentences:
            return pool
        return self.rank(pool, sentences)

    def rank(self, pool: list[str], count: int) -> list[str]:
        """The `count` best of the distinct sentences in `pool`, kept in pool order."""
        import numpy

        # LexRank divides by a zero norm when no sentence has a content word ("It is what it
        # is."); the ranking is then arbitrary but harmless, so numpy's warning is noise.
        with numpy.errstate(invalid="ignore", divide="ignore"):
            chosen = _engine(self.algorithm)(_document(pool), count)
        picked = {str(sentence) for sentence in chosen}
        return [sentence for sentence in pool if sentence in picked]


def candidates(text: str, title: str | None = None, limit: int = MAX_SENTENCES) -> list[str]:
    """The distinct sentences of `text` worth ranking, in order, at most `limit` of them.

    Sentences are taken from the best non-empty tier (see `_tier`), so furniture is only
    returned when the text holds nothing else.
    """
    seen: set[str] = set()
    title_key = _key(title) if title else None
    tiers: list[list[str]] = [[], [], []]
    for sentence in islice(iter_sentences(text), MAX_SCANNED):
        key = _key(sentence)
        if key in seen:
            continue
        seen.add(key)
        tier = _ANY if key == title_key else _tier(sentence)
        if len(tiers[tier]) < limit:
            tiers[tier].append(sentence)
        if len(tiers[_PROSE]) == limit:
            break
    return next((tier for tier in tiers if tier), [])


def _tier(sentence: str) -> int:
    """How good a summary sentence `sentence` looks: _PROSE, _WORDY or _ANY."""
    tokens = words(sentence)
    if len(tokens) < MIN_WORDS or not any(c.islower() for c in sentence):
        return _ANY
    lowercase = sum(1 for token in tokens if token[0].islower())
    if lowercase >= MIN_LOWERCASE_WORDS and _FINAL.search(sentence):
        return _PROSE
    return _WORDY


def _key(sentence: str) -> str:
    """What makes two sentences the same: case and spacing do not."""
    return _SPACES.sub(" ", sentence).strip().casefold()


def _document(sentences: Iterable[str]) -> ObjectDocumentModel:
    """A one-paragraph sumy document of already split sentences.

    It is built directly instead of with sumy's PlaintextParser, which would re-join lines and
    take all-caps lines for headings: our sentences are final and each is a slice of the text.
    """
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tokenizer = _tokenizer()
    return ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])


@cache
def _tokenizer() -> Tokenizer:
    """One shared tokenizer: it holds no state."""
    return Tokenizer(LANGUAGE)


@cache
def _engine(algorithm: str) -> Any:
    """The sumy summarizer for `algorithm`, imported and configured on first use.

    Instances are shared: sumy's summarizers keep no state between calls.
    """
    from sumy.nlp.stemmers import Stemmer
    from sumy.utils import get_stop_words

    module_name, class_name = ALGORITHMS[algorithm]
    engine = getattr(importlib.import_module(module_name), class_name)(Stemmer(LANGUAGE))
    engine.stop_words = get_stop_words(LANGUAGE)
    return engine
