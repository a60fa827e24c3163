"""Sentence splitting accuracy: diplobot's tokenizer against pysbd on the hand-written cases.

A case counts as right only when every sentence boundary is right: the splitter must return
exactly the expected sentences (compared with outer white space stripped). The cases are
tests/data/sentence_cases.jsonl, news-style traps: titles ("Lt. General"), acronyms ("U.S."),
dates ("Jan. 3"), initials, amounts ("$9.7bn", "1.2%"), ellipses, quotations that end a
sentence and sentences glued without a space ("in Kerman.Expressing"). pysbd (the baseline)
is the rule-based splitter a sumy user would reach for when NLTK's punkt data is missing.

Those cases are the tests' own specification, so the splitter passes them by construction.
`--independent FILE.jsonl ...` also measures it on boundaries no one here wrote: each
record's `summary_sentences` (CNN/DailyMail highlights, BBC News Summary reference
sentences located verbatim in the article) joined back into one paragraph with single
spaces, which must come apart into exactly those sentences. Reported per paragraph (all
boundaries right) and per boundary (precision, recall). Caveat: a CNN highlight is a bullet
a person typed, and a few hold two sentences, which costs every splitter alike. No installed
package ships a public sentence-boundary set (pysbd's "golden rules" are in its repository's
tests, not its wheel; NLTK's punkt data is not installed), so none is used.

    python -m bench.tokenizers [tests/data/sentence_cases.jsonl] [--json] [--show-errors]
        [--independent ../shared/data/cnn-dailymail/dev.jsonl ...]
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


def independent_cases(paths: list[Path]) -> list[dict]:
    """Paragraphs rebuilt from reference sentences, as cases: each record with two or more."""
    cases = []
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line) if line.strip() else {}
                sentences = [s.strip() for s in record.get("summary_sentences") or [] if s.strip()]
                if len(sentences) >= 2:
                    cases.append({"text": " ".join(sentences), "sentences": sentences})
    return cases


def _boundaries(sentences: list[str]) -> set[int]:
    """Sentence ends as offsets into the paragraph the sentences were joined into."""
    ends, at = set(), 0
    for sentence in sentences[:-1]:
        at += len(sentence)
        ends.add(at)
        at += 1
    return ends


def boundary_scores(splitter: Splitter, cases: list[dict]) -> dict[str, float]:
    """Precision and recall of the boundaries a splitter puts into the joined paragraphs."""
    found = expected = right = 0
    for case in cases:
        want = _boundaries(case["sentences"])
        got = _boundaries(splitter(case["text"]))
        found, expected, right = found + len(got), expected + len(want), right + len(want & got)
    return {
        "boundary_precision": round(right / found, 4) if found else 0.0,
        "boundary_recall": round(right / expected, 4) if expected else 0.0,
    }


def independent_figures(paths: list[Path], splitters: dict[str, Splitter]) -> dict[str, object]:
    cases = independent_cases(paths)
    figures: dict[str, object] = {"paragraphs": len(cases)}
    for name, splitter in splitters.items():
        right, _, _ = score(splitter, cases)
        figures[name] = {
            "right": right,
            "accuracy": round(right / len(cases), 4) if cases else 0.0,
            **boundary_scores(splitter, cases),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, nargs="?", default=CASES)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--independent", type=Path, nargs="+", default=[], metavar="JSONL")
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
    splitters = {"diplobot": split_sentences, "pysbd": pysbd_splitter()}
    if args.independent:
        figures["independent"] = independent_figures(args.independent, splitters)
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
    if args.independent:
        ind = figures["independent"]
        names = ", ".join(p.parent.name for p in args.independent)
        print(f"independent: {ind['paragraphs']} paragraphs of reference sentences ({names})")
        for name, label in (("diplobot", "diplobot tokenizer"), ("pysbd", "pysbd (baseline)  ")):
            f = ind[name]
            print(
                f"{label}: {f['right']}/{ind['paragraphs']} paragraphs right = "
                f"{f['accuracy']:.1%}; boundaries P {f['boundary_precision']:.3f} "
                f"R {f['boundary_recall']:.3f}"
            )
    if args.show_errors:
        for name, wrong in errors.items():
            for case in wrong:
                print(f"\n[{name}] {case['text']!r}")
                print(f"  expected {case['expected']}\n  got      {case['got']}")


if __name__ == "__main__":
    main()
