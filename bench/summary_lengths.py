"""ROUGE-2 against summary length, and the ceiling of choosing whole sentences.

`diplobot eval summaries` scores every system at one budget (100 words). Whether a longer
or a shorter summary scores better depends on the references, not on the summariser: CNN's
highlights are about 32 words, BBC News Summary's extracts about 166. This script shows it
on one data file, for several budgets B in one run:

- `lead`: the article's opening, up to the first sentence that would go over B words (the
  protocol's LEAD);
- `diplobot`: the default summariser asked for at most B words;
- `oracle`: at the largest budget, whole sentences picked one at a time for the best
  ROUGE-2 F1 against the reference itself (greedy), which no summariser can see: how much
  sentence choice alone could gain.

Scores are ROUGE-2 F1 x100 with Porter stemming (`rouge-score`), averaged over documents,
as in `diplobot eval summaries`.

    python -m bench.summary_lengths ../shared/data/cnn-dailymail/dev.jsonl \
        [--budgets 40,60,80,100] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from rouge_score import rouge_scorer, tokenizers

from summaries.evaluate import read_jsonl
from summaries.summarize import summarize
from summaries.summary_eval import Pair, lead, pairs_from_records
from summaries.tokenize import split_sentences, words

DEFAULT_BUDGETS = (40, 50, 60, 70, 80, 90, 100)


def bigrams(tokens: list[str]) -> Counter[tuple[str, str]]:
    return Counter(zip(tokens, tokens[1:], strict=False))


def f1(summary: Counter, reference: Counter) -> float:
    """ROUGE-2 F1 of two bigram counts, as rouge-score computes it."""
    overlap = sum((summary & reference).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(summary.values())
    recall = overlap / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


def oracle(pair: Pair, budget: int, tokenizer: tokenizers.Tokenizer) -> list[str]:
    """Greedy: add the sentence that raises ROUGE-2 F1 most while it fits; stop when none does."""
    sentences = split_sentences(pair.text)
    tokens = [tokenizer.tokenize(s) for s in sentences]
    sizes = [len(words(s)) for s in sentences]
    reference = bigrams(tokenizer.tokenize(pair.summary))
    chosen: list[int] = []
    used, best_score = 0, 0.0
    while True:
        best = None
        for i, size in enumerate(sizes):
            if i in chosen or not size or used + size > budget:
                continue
            joined = [t for j in sorted([*chosen, i]) for t in tokens[j]]
            score = f1(bigrams(joined), reference)
            if score > best_score:
                best, best_score = i, score
        if best is None:
            return [sentences[i] for i in sorted(chosen)]
        chosen.append(best)
        used += sizes[best]


def measure(pairs: list[Pair], budgets: list[int]) -> dict:
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)

    def mean_rouge2(summaries: list[list[str]]) -> float:
        total = sum(
            scorer.score(pair.summary, " ".join(chosen))["rouge2"].fmeasure
            for pair, chosen in zip(pairs, summaries, strict=True)
            if chosen
        )
        return round(100 * total / len(pairs), 2)

    def mean_words(summaries: list[list[str]]) -> float:
        return round(sum(len(words(" ".join(c))) for c in summaries) / len(pairs), 1)

    rows = {}
    for budget in budgets:
        print(f"budget {budget} words ...", file=sys.stderr, flush=True)
        leads = [lead(p.text, p.title, budget) for p in pairs]
        ours = [summarize(p.text, p.title, words=budget) for p in pairs]
        rows[budget] = {
            "lead": mean_rouge2(leads),
            "lead_words": mean_words(leads),
            "diplobot": mean_rouge2(ours),
            "diplobot_words": mean_words(ours),
        }
    print("oracle ...", file=sys.stderr, flush=True)
    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)
    best = [oracle(p, max(budgets), tokenizer) for p in pairs]
    reference_words = sorted(len(words(p.summary)) for p in pairs)
    return {
        "n_docs": len(pairs),
        "reference_words_median": reference_words[len(reference_words) // 2],
        "budgets": rows,
        "oracle": {"budget": max(budgets), "rouge2": mean_rouge2(best), "words": mean_words(best)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="JSON-lines file with text, summary (and title)")
    parser.add_argument("--budgets", default=",".join(map(str, DEFAULT_BUDGETS)))
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        budgets = sorted({int(b) for b in args.budgets.split(",") if b.strip()})
    except ValueError:
        sys.exit(f"--budgets takes whole numbers separated by commas, got {args.budgets!r}")
    if not budgets or budgets[0] < 1:
        sys.exit("--budgets needs at least one budget of 1 word or more")
    pairs = pairs_from_records(read_jsonl(args.data), args.limit)
    figures = measure(pairs, budgets)
    if args.json:
        print(json.dumps(figures))
        return
    print(
        f"{args.data} ({figures['n_docs']} documents; references: median "
        f"{figures['reference_words_median']} words)"
    )
    print("ROUGE-2 F1 x100 at each budget (mean words used)")
    print(f"{'budget':>6}  {'lead':>14}  {'diplobot':>14}")
    for budget, row in figures["budgets"].items():
        lead_cell = f"{row['lead']:.2f} ({row['lead_words']:.0f})"
        ours_cell = f"{row['diplobot']:.2f} ({row['diplobot_words']:.0f})"
        print(f"{budget:>6}  {lead_cell:>14}  {ours_cell:>14}")
    best = figures["oracle"]
    print(
        f"greedy oracle at {best['budget']} words: {best['rouge2']:.2f} ({best['words']:.0f} words)"
    )


if __name__ == "__main__":
    main()
