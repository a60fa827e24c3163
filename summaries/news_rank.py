"""Ranking news sentences: what `summaries.summarize` uses by default instead of plain LexRank.

News is written top-down, so the first sentences carry the story; the rest of an article
repeats its key words; a headline names what matters; a brief must not say one thing twice.
The score of a sentence mixes those signals, each measured on sumy's document model (the
words of `sumy.models.dom.Sentence`, sumy's Snowball stemmer and stop words):

- position: `1 / (1 + index) ** Weights.position_decay` — the lead prior;
- centrality: how many other sentences share each of its content stems, over the square
  root of its length (a cheap centroid score, linear in the article, where LexRank's graph
  is quadratic and in pure Python);
- the headline's content stems it contains (without a headline, the first sentence's, so
  the first sentence itself gets the full bonus);
- a length prior: very short sentences are captions or fragments, very long ones eat the
  budget;
- penalties for bylines, photo credits and quote fragments (a sentence that opens with a
  lower-case word or is mostly an unclosed quotation).

Selection is greedy maximal marginal relevance: the best remaining sentence that fits the
word budget, its score lowered by its similarity to sentences already chosen; one too
similar to a chosen one (`Weights.same_fact`) is never taken, which is also how several articles
about one event are summarised without repeating a fact.

This module never cuts a sentence and never reorders one: callers get indices.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from summaries.sumy_document import LANGUAGE, document_of
from summaries.tokenize import words


@dataclass(frozen=True)
class Weights:
    """How much each signal counts. The defaults were chosen on the CNN/DailyMail and BBC dev
    splits with `diplobot eval summaries` (README, Measurements); ideas that did not help
    there (IDF over the corpus, TextRank or PacSum-style centrality, bonuses for numbers or
    the first sentence, penalties for quotations and questions, a value-per-word selection,
    stopping before the budget is full) are not in the code.

    Also measured (tuned on odd lines of each dev file, scored on even lines and the other way
    round) and not kept: a least-squares sentence scorer over 17 features (position, length,
    these centralities, cosine to the centroid, SumBasic and Luhn scores, headline overlap,
    numbers, quotes) trained on each sentence's ROUGE-2 against the references. Trained on
    both sources it reaches BBC 59.2 but CNN 9.6; trained on CNN it stays at 10.6-10.7 with
    the budget filled (gradient-boosted trees on the same features: 10.3-10.4; hashed word
    features added to the least squares: no better). CNN's references are ~32 words and
    BBC's ~166, so CNN gains only from stopping early (11.6-11.7 at ~70 words) while BBC
    loses 15-20 points from it. A learned
    stop rule over score gaps and article features cannot tell the two apart (a classifier of
    the source from article length, sentence count, quotes and centroid spread is 80% right);
    only whether a headline is given can, and that is a trait of the data files, not of news.
    `bench/summary_lengths.py` prints this trade-off for any data file: ROUGE-2 of lead and
    of this ranker at several budgets, and the greedy oracle's ceiling.
    """

    position: float = 1.3
    position_decay: float = 1.0
    centrality: float = 1.3
    # Centrality is divided by (content words + 1) ** this: 0.5 balances long and short.
    centrality_norm: float = 0.5
    title: float = 0.5
    # Sentences of `short` to `long` words carry no length penalty.
    length: float = 0.3
    short: int = 20
    long: int = 35
    redundancy: float = 0.7
    same_fact: float = 0.6
    junk: float = 1.0
    # Without a headline, the lede (first sentence) stands in for it: wire copy states the
    # story in its first sentence. The lede matches itself fully, so it stays in the body:
    # a story without a headline is not told without its first sentence (issue 12).
    lede: float = 0.5


DEFAULT = Weights()

# Bylines, credits and calls to action that scrapers leave inside the body text.
_JUNK = re.compile(
    r"^(?:by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*$"
    r"|(?:photo|image|picture|video|graphic)s?\s*(?:credit|copyright)?\s*[:/]"
    r"|(?:published|updated|last updated)\s*:"
    r"|(?:read more|click here|follow us|watch|sign up|subscribe)\b"
    r"|image copyright|getty images|ap photo|reuters/)",
    re.IGNORECASE,
)
# A reporter's credit at the end of a story: "Jane Doe contributed to this report."
_CREDIT = re.compile(r"\bcontributed (?:to )?(?:this )?(?:report|story)\b", re.IGNORECASE)
_OPENING_QUOTES = "\"“‘'"


@dataclass
class Analysed:
    """The content stems of each sentence and how many sentences hold each stem."""

    stems: list[frozenset[str]]
    lengths: list[int]

    @classmethod
    def of(cls, sentences: Sequence[str]) -> Analysed:
        stem, stop = _stemmer(), _stop_words()
        stems, lengths = [], []
        for sentence in document_of(sentences).sentences:
            tokens = sentence.words
            lengths.append(len(tokens))
            stems.append(
                frozenset(stem(t.lower()) for t in tokens if t.lower() not in stop and len(t) > 1)
            )
        return cls(stems=stems, lengths=lengths)


def scores(
    sentences: Sequence[str], title: str | None, weights: Weights = DEFAULT
) -> tuple[list[float], Analysed]:
    """The relevance of each sentence of one article (higher is better)."""
    analysed = Analysed.of(sentences)
    spread = Counter(s for stems in analysed.stems for s in stems)
    title_stems = _title_stems(title)
    raw_central = [
        sum(spread[s] - 1 for s in stems) / (len(stems) + 1) ** weights.centrality_norm
        for stems in analysed.stems
    ]
    low = min(raw_central, default=0.0)
    top = (max(raw_central, default=0.0) - low) or 1.0
    result = []
    for i, sentence in enumerate(sentences):
        stems, length = analysed.stems[i], analysed.lengths[i]
        score = weights.centrality * (raw_central[i] - low) / top
        score += weights.position / (1 + i) ** weights.position_decay
        if title_stems:
            score += weights.title * len(stems & title_stems) / len(title_stems)
        elif weights.lede and analysed.stems[0]:
            score += weights.lede * len(stems & analysed.stems[0]) / len(analysed.stems[0])
        score -= weights.length * _length_penalty(length, weights.short, weights.long)
        if _is_junk(sentence):
            score -= weights.junk
        result.append(score)
    return result, analysed


def select(
    scored: Sequence[float],
    analysed: Analysed,
    budget: int,
    max_count: int | None = None,
    weights: Weights = DEFAULT,
    can_open: Sequence[bool] | None = None,
) -> list[int]:
    """Greedy MMR under a word budget; indices of the chosen sentences in increasing order.

    With `can_open`, the first chosen sentence (in document order) is always one that may
    open a brief (see summaries.openers): another sentence is taken only after one before
    it. When that leaves nothing, the choice is made without the rule: a brief that leans
    on an unseen sentence is better than none, and the caller can add what it refers to.
    """
    chosen = _select(scored, analysed, budget, max_count, weights, can_open)
    if not chosen and can_open is not None:
        chosen = _select(scored, analysed, budget, max_count, weights, None)
    return chosen


def _select(
    scored: Sequence[float],
    analysed: Analysed,
    budget: int,
    max_count: int | None,
    weights: Weights,
    can_open: Sequence[bool] | None,
) -> list[int]:
    order = sorted(range(len(scored)), key=lambda i: -scored[i])
    chosen: list[int] = []
    used = 0
    remaining = set(order)
    while remaining and (max_count is None or len(chosen) < max_count):
        best, best_value = None, -math.inf
        first = min(chosen, default=len(scored))
        for i in order:
            if i not in remaining:
                continue
            if can_open is not None and i < first and not can_open[i]:
                continue  # it would open the brief; it may still follow a sentence before it
            length = analysed.lengths[i]
            if not length or used + length > budget:
                remaining.discard(i)
                continue
            overlap = max(
                (similarity(analysed.stems[i], analysed.stems[j]) for j in chosen), default=0.0
            )
            if overlap >= weights.same_fact:
                remaining.discard(i)
                continue
            value = scored[i] - weights.redundancy * overlap
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        chosen.append(best)
        used += analysed.lengths[best]
        remaining.discard(best)
    return sorted(chosen)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine similarity of two sets of stems (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _length_penalty(length: int, short: int, long: int) -> float:
    """0 for a sentence of `short` to `long` words, rising towards 1 outside that range."""
    if length < short:
        return (short - length) / short
    if length > long:
        return min(1.0, (length - long) / long)
    return 0.0


def _is_junk(sentence: str) -> bool:
    """A byline, a credit, a call to action, or a fragment of a quotation."""
    if _JUNK.search(sentence) or _CREDIT.search(sentence):
        return True
    first = sentence.lstrip(_OPENING_QUOTES + " ")
    if first[:1].islower():
        return True
    # A quotation opened and not closed (or closed and not opened) runs across sentences:
    # shown alone, this part of it dangles.
    return sentence.count("“") != sentence.count("”") or sentence.count('"') % 2 == 1


def _title_stems(title: str | None) -> frozenset[str]:
    if not title:
        return frozenset()
    stem, stop = _stemmer(), _stop_words()
    return frozenset(stem(w.lower()) for w in words(title) if w.lower() not in stop and len(w) > 1)


@cache
def _stop_words() -> frozenset[str]:
    from sumy.utils import get_stop_words

    return frozenset(get_stop_words(LANGUAGE))


@cache
def _stemmer():
    """sumy's Snowball stemmer behind a memo: news repeats its words, stemming is ~13 µs."""
    from sumy.nlp.stemmers import Stemmer

    stemmer = Stemmer(LANGUAGE)
    memo: dict[str, str] = {}

    def stem(word: str) -> str:
        found = memo.get(word)
        if found is None:
            if len(memo) > 200_000:
                memo.clear()
            found = memo[word] = stemmer(word)
        return found

    return stem
