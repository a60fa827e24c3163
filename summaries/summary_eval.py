"""`diplobot eval summaries`: extractive summarisers scored with ROUGE under one word budget.

The protocol is fixed here so that figures compare across runs and machines:

- every system gets the same budget of at most `words` words (counted with
  `summaries.tokenize.words`) and the same offline tokenizer;
- sumy's algorithms rank the article's sentences and take them best-rated first, each one
  that still fits (one that does not is skipped, a shorter one after it may still fit);
  sumy calls a callable `sentences_count` with the sentences best-rated first, which is
  where the budget is applied. `lead` is the article's opening: sentences from the top
  until the next one would not fit (a later, shorter sentence is not the lead). This is
  the usual LEAD baseline, and it reproduces the issue's reference figures (CNN 27.9 /
  10.8 / 18.4 here against 27.8 / 10.7 / 18.5; skipping instead gave 26.9 / 10.4 / 17.7);
  `diplobot` is `summaries.summarize.summarize(text, title, words=budget)`;
- a summary is its sentences in document order joined by spaces;
- scores are ROUGE-1, ROUGE-2 and ROUGE-L F1 and ROUGE-2 recall from the `rouge-score`
  package with Porter stemming, times 100, averaged over documents; a document whose summary
  is empty scores 0;
- `ms_per_doc` is the wall time of producing the summaries (not of scoring them), measured
  in the same run for every system.

It never reads data on its own: the caller passes records (`summaries.evaluate.read_jsonl`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from summaries import summarize as summarize_mod
from summaries.sumy_document import document_of
from summaries.tokenize import split_sentences, words

BASELINES = ("lead", "lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic")
DEFAULT_SYSTEMS = (*BASELINES, "diplobot")
DEFAULT_WORDS = 100
METRICS = ("rouge1", "rouge2", "rougeL", "rouge2_recall")

System = Callable[[str, str | None, int], list[str]]


class EvalError(ValueError):
    """Input the evaluation cannot use: the message says which line and why."""


@dataclass(frozen=True)
class Pair:
    """One article with its reference summary."""

    text: str
    summary: str
    title: str | None = None


@dataclass
class SystemScores:
    """Summed scores of one system; `as_dict` averages them."""

    docs: int = 0
    seconds: float = 0.0
    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRICS, 0.0))

    def as_dict(self) -> dict[str, float]:
        n = self.docs or 1
        figures = {m: round(100 * self.sums[m] / n, 2) for m in METRICS}
        figures["ms_per_doc"] = round(1000 * self.seconds / n, 2)
        return figures


def pairs_from_records(records: Iterable[dict[str, Any] | None], limit: int | None = None):
    """Validate JSON-lines records into `Pair`s; any bad record raises `EvalError`.

    Unlike the country evaluation, a bad record is fatal here: a summary score averaged over
    a silently smaller set would not compare with other runs.
    """
    pairs: list[Pair] = []
    for number, record in enumerate(records, start=1):
        if limit is not None and len(pairs) >= limit:
            break
        if record is None:
            raise EvalError(f"record {number}: not a JSON object")
        text, summary, title = record.get("text"), record.get("summary"), record.get("title")
        if not isinstance(text, str) or not text.strip():
            raise EvalError(f"record {number}: `text` is missing or empty")
        if not isinstance(summary, str) or not summary.strip():
            raise EvalError(f"record {number}: `summary` is missing or empty")
        if title is not None and not isinstance(title, str):
            raise EvalError(f"record {number}: `title` is not a string")
        pairs.append(Pair(text=text, summary=summary, title=title or None))
    if not pairs:
        raise EvalError("no records")
    return pairs


def parse_systems(spec: str) -> list[str]:
    """Comma-separated system names, checked against the known ones, in the given order."""
    names = [name.strip().lower() for name in spec.split(",") if name.strip()]
    unknown = [name for name in names if name not in DEFAULT_SYSTEMS]
    if unknown:
        raise EvalError(f"unknown system {', '.join(unknown)}; known: {', '.join(DEFAULT_SYSTEMS)}")
    if not names:
        raise EvalError("no systems given")
    return list(dict.fromkeys(names))


def evaluate_summaries(
    pairs: Sequence[Pair],
    systems: Sequence[str] = DEFAULT_SYSTEMS,
    words_budget: int = DEFAULT_WORDS,
) -> dict[str, Any]:
    """Score `systems` on `pairs`: `{"n_docs", "words", "systems": {name: figures}}`."""
    if words_budget < 1:
        raise EvalError(f"the word budget must be at least 1, got {words_budget}")
    scorer = _scorer()
    results: dict[str, Any] = {}
    for name in systems:
        system = system_for(name)
        system(pairs[0].text, pairs[0].title, words_budget)  # imports outside the timing
        scores = SystemScores()
        for pair in pairs:
            started = time.perf_counter()
            chosen = system(pair.text, pair.title, words_budget)
            scores.seconds += time.perf_counter() - started
            scores.docs += 1
            if not chosen:
                continue
            rouge = scorer.score(pair.summary, " ".join(chosen))
            scores.sums["rouge1"] += rouge["rouge1"].fmeasure
            scores.sums["rouge2"] += rouge["rouge2"].fmeasure
            scores.sums["rougeL"] += rouge["rougeL"].fmeasure
            scores.sums["rouge2_recall"] += rouge["rouge2"].recall
        results[name] = scores.as_dict()
    return {"n_docs": len(pairs), "words": words_budget, "systems": results}


def system_for(name: str) -> System:
    """The summariser called `name`: (text, title, words) -> sentences in document order."""
    if name == "diplobot":
        return lambda text, title, budget: summarize_mod.summarize(text, title, words=budget)
    if name == "lead":
        return lead
    if name in summarize_mod.ALGORITHMS:
        return lambda text, title, budget: sumy_budgeted(name, text, budget)
    raise EvalError(f"unknown system {name!r}")


def lead(text: str, title: str | None, budget: int) -> list[str]:
    """The article's opening sentences, up to the first one that would overflow the budget."""
    chosen, used = [], 0
    for sentence in split_sentences(text):
        size = len(words(sentence))
        if used + size > budget:
            break
        if size:
            chosen.append(sentence)
            used += size
    return chosen


def sumy_budgeted(algorithm: str, text: str, budget: int) -> list[str]:
    """sumy's `algorithm` out of the box over our tokenizer, filling `budget` words."""
    import numpy

    sentences = split_sentences(text)
    document = document_of(sentences)

    def within_budget(infos: list[Any]) -> list[Any]:
        kept, used = [], 0
        for info in infos:
            size = len(info.sentence.words)
            if size and used + size <= budget:
                kept.append(info)
                used += size
        return kept

    with numpy.errstate(invalid="ignore", divide="ignore"):
        chosen = summarize_mod.engine(algorithm)(document, within_budget)
    return [str(sentence) for sentence in chosen]


@cache
def _scorer() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
