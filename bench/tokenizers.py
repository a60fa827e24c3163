"""Sentence splitting accuracy: diplobot's tokenizer against pysbd on the hand-written cases.

A case counts as right only when every sentence boundary is right: the splitter must return
exactly the expected sentences (compared with outer white space stripped). The cases are
tests/data/sentence_cases.jsonl, news-style traps: titles ("Lt. General"), acronyms ("U.S."),
dates ("Jan. 3"), initials, amounts ("$9.7bn", "1.2%"), ellipses, quotations that end a
sentence and sentences glued without a space ("in Kerman.Expressing"). pysbd (the baseline)
is the rule-based splitter a sumy user would reach for when NLTK's punkt data is missing.

    python -m bench.tokenizers [tests/data/sentence_cases.jsonl] [--json] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from summaries.tokenize import split_sentences

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "sentence_cases.jsonl"

Splitter = Callable[[str], list[str]]


def pysbd_splitter() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]


def score(splitter: Splitter, cases: list[dict]) -> tuple[int, float, list[dict]]:
    """Cases split exactly right, seconds taken, and the wrong ones with what came out."""
    right, wrong = 0, []
    started = time.perf_counter()
    outputs = [splitter(case["text"]) for case in cases]
    seconds = time.perf_counter() - started
    for case, got in zip(cases, outputs, strict=True):
        if got == case["sentences"]:
            right += 1
        else:
            wrong.append({"text": case["text"], "expected": case["sentences"], "got": got})
    return right, seconds, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, nargs="?", default=CASES)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    with args.cases.open(encoding="utf-8") as lines:
        cases = [json.loads(line) for line in lines if line.strip()]
    figures: dict[str, object] = {"cases": len(cases)}
    errors = {}
    for name, splitter in (("diplobot", split_sentences), ("pysbd", pysbd_splitter())):
        right, seconds, wrong = score(splitter, cases)
        figures[name] = {
            "right": right,
            "accuracy": round(right / len(cases), 4),
            "ms_per_case": round(1000 * seconds / len(cases), 3),
        }
        errors[name] = wrong
    if args.json:
        print(json.dumps(figures))
        return
    print(f"cases: {len(cases)} ({args.cases.name})")
    for name, label in (("diplobot", "diplobot tokenizer"), ("pysbd", "pysbd (baseline)  ")):
        f = figures[name]
        print(
            f"{label}: {f['right']}/{len(cases)} right = {f['accuracy']:.1%}, "
            f"{f['ms_per_case']} ms per case"
        )
    if args.show_errors:
        for name, wrong in errors.items():
            for case in wrong:
                print(f"\n[{name}] {case['text']!r}")
                print(f"  expected {case['expected']}\n  got      {case['got']}")


if __name__ == "__main__":
    main()
