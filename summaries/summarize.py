"""Short extractive summaries of cleaned articles, built on sumy.

A summary is whole sentences copied from the article, in the article's own order, so it can
never state something the source did not (a leading connective aside, see below), and it is
never cut mid-sentence: a limit is a number of sentences, a number of words, or both (a
sentence that does not fit is skipped).
The default ranking, "news" (summaries/news_rank.py), works on sumy's document model with
sumy's Snowball stemmer and bundled English stop words and adds what news needs: a lead
prior, the headline's words, a length prior, penalties for bylines, credits and dangling
quotations, and MMR against repetition. Any of sumy's own algorithms can be asked for by
name; `diplobot eval summaries` compares them all. Sentences and words come from
`summaries.tokenize`, because sumy's own tokenizer needs NLTK data that is not installed.

Before ranking, the article's sentences are screened so that page furniture the cleaner
missed ("Related Articles", a repeated headline, an all-caps banner) is never chosen: a
candidate needs at least `MIN_WORDS` words, lower-case words (prose has "the", "said"), and
final punctuation; a wire dateline ("WASHINGTON (CNN) -- ") is trimmed off its sentence.
When an article has no such sentence the screen relaxes rather than return nothing, so a
non-empty text always gets a non-empty summary (unless a word budget is smaller than every
sentence).

`summarize_cluster` summarises several reports of one event together, never telling the
same fact twice: the digests use it.

A summary by the default ranker never starts mid-thought (summaries/openers.py): its first
sentence does not open with a pronoun that refers back ("It came after ...") unless no other
sentence fits, and a leading connective ("Also,", "Furthermore,") is dropped from it. That
is the only change ever made to a copied sentence.

sumy is imported on first use: its modules pull in NLTK, requests and numpy, about 0.6 s
that a caller which never summarizes (the bot's command parser, most tests) should not pay.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any

from summaries import news_rank, openers
from summaries.clean import wire_dateline
from summaries.sumy_document import LANGUAGE, document_of
from summaries.tokenize import iter_sentences, words

if TYPE_CHECKING:
    pass

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
# The default: sumy's document model and stemmer with a ranking made for news
# (summaries/news_rank.py), measured against all of the above with `diplobot eval summaries`.
DEFAULT_ALGORITHM = "news"
ALL_ALGORITHMS = (DEFAULT_ALGORITHM, *ALGORITHMS)
DEFAULT_SENTENCES = 3

# Final punctuation, optionally followed by closing quotes or brackets.
_FINAL = re.compile(r"[.!?…][\"'”’»)\]]*\Z")
# Runs of white space, folded to one space when comparing sentences for duplicates.
_SPACES = re.compile(r"\s+")

# Candidate tiers, best first: prose sentences; any line with enough words that is not all
# capitals; anything at all (duplicates of the title included), the last resort.
_PROSE, _WORDY, _ANY = range(3)


def summarize(
    text: str,
    title: str | None = None,
    sentences: int | None = None,
    *,
    words: int | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
) -> list[str]:
    """The best whole sentences of `text`, in document order.

    `sentences` caps how many, `words` how many words in all (a sentence that does not fit is
    skipped, never cut); with neither, three sentences. `title` is the article's headline, if
    known: a body line repeating it is not chosen, and its words guide the "news" ranking.
    """
    return Summarizer(algorithm).summarize(text, title=title, sentences=sentences, words=words)


def summarize_cluster(
    texts: Sequence[str],
    titles: Sequence[str | None] | None = None,
    *,
    words: int = 100,
    sentences: int | None = None,
) -> list[str]:
    """One brief of several articles about one event, with no fact twice.

    Each article's sentences are scored as in `summarize` (position within its own article,
    so every lead counts); the pool is then chosen from greedily, and a sentence too similar
    to one already chosen (`news_rank.Weights.same_fact`) is dropped, whichever article it
    came from. Sentences come out grouped by article in the order given, each article's in
    its own order.
    """
    return summarize_cluster_budgets(texts, titles, budgets=[words], sentences=sentences)[0]


def summarize_cluster_budgets(
    texts: Sequence[str],
    titles: Sequence[str | None] | None = None,
    *,
    budgets: Sequence[int],
    sentences: int | None = None,
) -> list[list[str]]:
    """`summarize_cluster` for each word budget in `budgets`, in that order.

    The store keeps an event's brief at two lengths (summaries/event_brief.py): scoring the
    sentences is most of the work, and it is the same for every budget, so it is done once.
    """
    titles = list(titles) if titles is not None else [None] * len(texts)
    if len(titles) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(titles)} titles")
    for budget in budgets:
        _check_limits(sentences, budget)
    pool: list[str] = []
    scored: list[float] = []
    merged = news_rank.Analysed(stems=[], lengths=[])
    for text, title in zip(texts, titles, strict=True):
        found, article_scores, analysed = _scored(text, title)
        pool += found
        scored += article_scores
        merged.stems += analysed.stems
        merged.lengths += analysed.lengths
    can_open = _can_open(pool)
    return [
        opening([pool[i] for i in news_rank.select(scored, merged, budget, sentences,
                                                   can_open=can_open)])
        for budget in budgets
    ]  # fmt: skip


@lru_cache(maxsize=2048)
def _scored(text: str, title: str | None) -> tuple[list[str], list[float], news_rank.Analysed]:
    """One text's candidate sentences, their scores and stems (nothing when it has none).

    A text's scores do not depend on the texts it is pooled with, and the store summarises
    an event again from all its reports each time one joins it (summaries/store_pages.py):
    kept here, the reports already seen are not split, stemmed and scored again (that was
    5% of an ingest into a 100,000-article store). Callers must not change what they get.
    """
    found = candidates(text, title)
    if not found:
        return [], [], news_rank.Analysed(stems=[], lengths=[])
    article_scores, analysed = news_rank.scores(found, title)
    return found, article_scores, analysed


@dataclass(frozen=True)
class Summarizer:
    """An extractive summarizer: the "news" ranker or one sumy algorithm, over our tokenizer."""

    algorithm: str = DEFAULT_ALGORITHM
    max_sentences: int = MAX_SENTENCES

    def __post_init__(self) -> None:
        if self.algorithm not in ALL_ALGORITHMS:
            known = ", ".join(ALL_ALGORITHMS)
            raise ValueError(f"unknown algorithm {self.algorithm!r}; known: {known}")
        if self.max_sentences < 1:
            raise ValueError(f"max_sentences must be at least 1, got {self.max_sentences}")

    def summarize(
        self,
        text: str,
        title: str | None = None,
        sentences: int | None = None,
        words: int | None = None,
    ) -> list[str]:
        """Pick candidates of `text` within the limits and return them in document order."""
        _check_limits(sentences, words)
        if sentences is None and words is None:
            sentences = DEFAULT_SENTENCES
        pool = candidates(text, title, limit=self.max_sentences)
        if not pool:
            return []
        budget = words if words is not None else sys.maxsize
        if self.algorithm == DEFAULT_ALGORITHM:
            scored, analysed = news_rank.scores(pool, title)
            chosen = news_rank.select(scored, analysed, budget, sentences, can_open=_can_open(pool))
            return opening([pool[i] for i in chosen])
        return self.rank(pool, sentences, budget)

    def rank(self, pool: list[str], count: int | None, budget: int = sys.maxsize) -> list[str]:
        """The best distinct sentences of `pool` by the sumy algorithm, kept in pool order:
        taken best-rated first while they fit `budget` words, at most `count` of them."""
        import numpy

        def within_limits(infos: list[Any]) -> list[Any]:
            kept, used = [], 0
            for info in infos:
                if count is not None and len(kept) == count:
                    break
                size = len(info.sentence.words)
                if used + size <= budget:
                    kept.append(info)
                    used += size
            return kept

        # LexRank divides by a zero norm when no sentence has a content word ("It is what it
        # is."); the ranking is then arbitrary but harmless, so numpy's warning is noise.
        with numpy.errstate(invalid="ignore", divide="ignore"):
            chosen = engine(self.algorithm)(document_of(pool), within_limits)
        picked = {str(sentence) for sentence in chosen}
        return [sentence for sentence in pool if sentence in picked]


def opening(brief: list[str]) -> list[str]:
    """The brief with its first sentence's dangling connective dropped ("Also, the Council
    ..." -> "The Council ..."): read first, it has nothing to connect to."""
    if not brief:
        return brief
    return [openers.without_connective(brief[0]), *brief[1:]]


def _can_open(pool: list[str]) -> list[bool]:
    """Which sentences may open a brief: not those that start with a pronoun referring back."""
    return [openers.can_open(sentence) for sentence in pool]


def _check_limits(sentences: int | None, words: int | None) -> None:
    if sentences is not None and sentences < 1:
        raise ValueError(f"sentences must be at least 1, got {sentences}")
    if words is not None and words < 1:
        raise ValueError(f"words must be at least 1, got {words}")


def candidates(text: str, title: str | None = None, limit: int = MAX_SENTENCES) -> list[str]:
    """The distinct sentences of `text` worth ranking, in order, at most `limit` of them.

    Sentences are taken from the best non-empty tier (see `_tier`), so furniture is only
    returned when the text holds nothing else.
    """
    seen: set[str] = set()
    title_key = _key(title) if title else None
    tiers: list[list[str]] = [[], [], []]
    for sentence in islice(iter_sentences(text), MAX_SCANNED):
        sentence = wire_dateline().sub("", sentence, count=1) if "(" in sentence[:60] else sentence
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


@cache
def engine(algorithm: str) -> Any:
    """The sumy summarizer for `algorithm`, imported and configured on first use.

    Instances are shared: sumy's summarizers keep no state between calls.
    """
    from sumy.nlp.stemmers import Stemmer
    from sumy.utils import get_stop_words

    module_name, class_name = ALGORITHMS[algorithm]
    engine = getattr(importlib.import_module(module_name), class_name)(Stemmer(LANGUAGE))
    engine.stop_words = get_stop_words(LANGUAGE)
    return engine
