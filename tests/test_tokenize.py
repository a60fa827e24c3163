"""Tests for the offline sentence and word tokenizer (summaries/tokenize.py).

The hand-written cases in tests/data/sentence_cases.jsonl are the splitter's specification:
every one must pass, and the file is kept at 50 cases or more so that it can also score other
splitters later.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from summaries import tokenize
from summaries.tokenize import Tokenizer, iter_sentences, split_sentences, words

ROOT = Path(__file__).resolve().parent.parent
CASES_FILE = ROOT / "tests" / "data" / "sentence_cases.jsonl"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _load_cases() -> list[dict[str, Any]]:
    with CASES_FILE.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


CASES = _load_cases()


def test_cases_file_is_big_enough_and_well_formed() -> None:
    assert len(CASES) >= 50
    for case in CASES:
        assert set(case) == {"text", "sentences"}
        for sentence in case["sentences"]:
            assert sentence in case["text"], sentence


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_sentence_case(case: dict[str, Any]) -> None:
    assert split_sentences(case["text"]) == case["sentences"]


def test_glued_kerman_sentences_are_split() -> None:
    text = (ROOT / "seeds" / "000_33ee9337c4e6a518.txt").read_text("utf-8")
    sentences = split_sentences(text)
    kerman = next(i for i, s in enumerate(sentences) if s.endswith("southern city of Kerman."))
    assert sentences[kerman + 1].startswith("Expressing concern about the escalating tensions")
    assert not any("Kerman.Expressing" in s for s in sentences)
    assert not any('enclave."You' in s for s in sentences)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_seed_sentences_are_stripped_slices_in_order(seed: Path) -> None:
    text = seed.read_text("utf-8")
    position = 0
    for sentence in split_sentences(text):
        assert sentence == sentence.strip() and sentence
        found = text.find(sentence, position)
        assert found >= position, sentence
        position = found + len(sentence)


def test_line_breaks_are_hard_boundaries() -> None:
    assert split_sentences("Headline Without Stop\nBody starts here. It goes on.") == [
        "Headline Without Stop",
        "Body starts here.",
        "It goes on.",
    ]
    assert split_sentences("one\u2028two\r\nthree") == ["one", "two", "three"]


def test_iter_sentences_is_lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: list[str] = []
    real_cuts = tokenize._cuts

    def counting_cuts(line: str):
        scanned.append(line)
        return real_cuts(line)

    monkeypatch.setattr(tokenize, "_cuts", counting_cuts)
    huge = "A short sentence here. " * 200_000
    first = next(iter_sentences("First one.\n" + huge))
    assert first == "First one."
    assert scanned == ["First one."]  # the huge line is never looked at


def test_sumy_interface() -> None:
    tokenizer = Tokenizer("english")
    assert tokenizer.language == "english"
    sentences = tokenizer.to_sentences("Mr. Haddad spoke. He left.")
    assert sentences == ("Mr. Haddad spoke.", "He left.")
    assert tokenizer.to_words("He left, again.") == ("He", "left", "again")


def test_other_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="English"):
        Tokenizer("german")


def test_works_inside_sumys_plaintext_parser() -> None:
    from sumy.parsers.plaintext import PlaintextParser

    parser = PlaintextParser.from_string("Gen. Musa arrived. The talks began.", Tokenizer())
    texts = [str(s) for s in parser.document.sentences]
    assert texts == ["Gen. Musa arrived.", "The talks began."]
    assert parser.document.sentences[0].words == ("Gen", "Musa", "arrived")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Iran’s envoy can't stay.", ["Iran’s", "envoy", "can't", "stay"]),
        ("Amir-Abdollahian met Fidan!", ["Amir-Abdollahian", "met", "Fidan"]),
        (
            "A $9.7bn fund, 1.2% growth, 22,000 dead.",
            ["A", "9.7bn", "fund", "1.2", "growth", "22,000", "dead"],
        ),
        ("The U.S.-led talks (e.g. in Doha)", ["The", "U.S", "led", "talks", "e.g", "in", "Doha"]),
        ("São Paulo, Türkiye — and Zürich…", ["São", "Paulo", "Türkiye", "and", "Zürich"]),
        ("“Quoted” — ‘words’ ... ?!", ["Quoted", "words"]),
        ("", []),
    ],
)
def test_words_drop_punctuation(sentence: str, expected: list[str]) -> None:
    assert words(sentence) == expected


def test_two_megabytes_are_split() -> None:
    # Its speed is bench/tokenizers.py's business; here only that the whole text is split.
    article = "\n\n".join(seed.read_text("utf-8") for seed in SEEDS)
    text = (article + "\n") * (2_000_000 // len(article) + 1)
    sentences = split_sentences(text)
    assert len(sentences) > 10_000


@pytest.mark.parametrize(
    "text",
    [
        "U.S. " * 200_000,
        "." * 1_000_000,
        "x" * 1_000_000 + ".",
        "J. " * 300_000,
        'ab."C' * 100_000,
        " " * 1_000_000 + "A.",
    ],
    ids=["acronyms", "dots", "long-word", "initials", "glued-quotes", "spaces"],
)
def test_pathological_lines_stay_linear(text: str) -> None:
    # The bound is the behaviour: a quadratic scan of these 1 MB lines takes minutes, a
    # linear one well under a second, so 10 s tells them apart on any machine.
    started = time.perf_counter()
    split_sentences(text)
    assert time.perf_counter() - started < 10
