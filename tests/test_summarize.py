"""Tests for the extractive summarizer (summaries/summarize.py).

The seed articles are cleaned crudely here (short lines and the " date" header dropped) so
these tests do not depend on summaries/clean.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summaries.summarize import ALGORITHMS, Summarizer, candidates, summarize

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
# A sentence ends with final punctuation and any closing quotes or brackets.
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\Z")
HEADER = re.compile(r"\A\s*date \d{4}-\d{2}-\d{2}\s*")


def crude_clean(raw: str) -> str:
    """Drop the scraper's date header and every line under 40 characters (furniture)."""
    lines = HEADER.sub("", raw).splitlines()
    return "\n".join(line for line in lines if len(line.strip()) >= 40)


def assert_whole_sentences_in_order(summary: list[str], text: str) -> None:
    """Each sentence is a slice of `text` that starts and ends at sentence boundaries."""
    position = 0
    for sentence in summary:
        found = text.find(sentence, position)
        assert found >= position, f"not found in order: {sentence!r}"
        before = text[found - 1] if found else "\n"
        assert before.isspace() or before in '.!?”"', f"cut at the start: {sentence!r}"
        assert SENTENCE_END.search(sentence), f"cut at the end: {sentence!r}"
        assert len(sentence.split()) >= 4
        position = found + len(sentence)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_seed_summary(seed: Path) -> None:
    text = crude_clean(seed.read_text("utf-8"))
    summary = summarize(text)
    assert 2 <= len(summary) <= 3
    assert_whole_sentences_in_order(summary, text)
    assert len(set(summary)) == len(summary)


def test_seed_summary_never_has_the_glued_kerman_sentence() -> None:
    text = crude_clean((ROOT / "seeds" / "000_33ee9337c4e6a518.txt").read_text("utf-8"))
    pool = candidates(text)
    assert "Kerman.Expressing" not in " ".join(pool)
    assert any(s.startswith("Expressing concern") for s in pool)


@pytest.mark.parametrize("text", ["", "   ", "\n\n \t\n"])
def test_empty_text_gives_nothing(text: str) -> None:
    assert summarize(text) == []


def test_one_sentence_is_returned_as_is() -> None:
    assert summarize("The envoy arrived in Muscat on Monday.") == [
        "The envoy arrived in Muscat on Monday."
    ]


def test_short_non_empty_text_is_never_empty() -> None:
    assert summarize("Hello") == ["Hello"]
    assert summarize("BREAKING NEWS") == ["BREAKING NEWS"]


def test_fewer_sentences_than_asked() -> None:
    text = "The talks began in Oman on Monday.\n\nThey ended without a deal on Friday."
    assert summarize(text) == [
        "The talks began in Oman on Monday.",
        "They ended without a deal on Friday.",
    ]


def test_sentence_count_is_respected() -> None:
    text = crude_clean(SEEDS[1].read_text("utf-8"))
    assert len(summarize(text, sentences=2)) == 2
    assert len(summarize(text, sentences=1)) == 1
    with pytest.raises(ValueError):
        summarize(text, sentences=0)


def test_furniture_and_repeated_title_are_not_chosen() -> None:
    title = "Iran and Oman Discuss Regional Security in Muscat Meeting"
    furniture = [title, "RELATED ARTICLES AND MORE NEWS", "Share this on Facebook Twitter"]
    prose = [
        "The foreign ministers of Iran and Oman met in Muscat on Sunday to discuss security.",
        "They agreed that regional security needs dialogue between neighbours.",
        "Oman has often carried messages between Tehran and Washington.",
        "The ministers also discussed trade and shipping in the Strait of Hormuz.",
    ]
    text = "\n".join(furniture * 3 + prose)
    summary = summarize(text, title=title)
    assert len(summary) == 3
    assert set(summary) <= set(prose)


def test_duplicates_are_ranked_once() -> None:
    line = "The ministers agreed to meet again in Geneva next month."
    text = "\n".join([line] * 5 + ["Both sides said the talks were useful and frank."])
    assert summarize(text) == [line, "Both sides said the talks were useful and frank."]


def test_two_megabytes_complete_in_bounded_time() -> None:
    # The bound is the behaviour: only the first MAX_SCANNED sentences are looked at, so
    # 2 MB takes a fraction of a second; reading it all would take minutes. 15 s is generous.
    article = "\n\n".join(crude_clean(seed.read_text("utf-8")) for seed in SEEDS)
    text = (article + "\n") * (2_000_000 // len(article) + 1)
    summarize(article)  # import sumy first: the limit is for the work, not the import
    started = time.perf_counter()
    summary = summarize(text)
    assert time.perf_counter() - started < 15
    assert len(summary) == 3
    assert_whole_sentences_in_order(summary, text)


def test_candidates_are_capped() -> None:
    text = " ".join(f"Sentence number {i} is about the talks." for i in range(500))
    assert len(candidates(text, limit=100)) == 100


def test_degenerate_text_ranks_without_error() -> None:
    text = "It is what it is. And so it is. So it is and it is. Is it so or is it not?"
    with_warnings_as_errors = [sys.executable, "-W", "error", "-c"]
    code = f"from summaries.summarize import summarize; print(len(summarize({text!r})))"
    result = subprocess.run(
        [*with_warnings_as_errors, code], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"


@pytest.mark.parametrize("algorithm", sorted(ALGORITHMS))
def test_every_algorithm_summarizes_a_seed(algorithm: str) -> None:
    text = crude_clean(SEEDS[0].read_text("utf-8"))
    summary = Summarizer(algorithm).summarize(text)
    assert len(summary) == 3
    assert_whole_sentences_in_order(summary, text)


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown algorithm"):
        Summarizer("bart")


def test_no_nltk_data_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk.data

    def missing(*args: object, **kwargs: object) -> None:
        raise LookupError("no NLTK data in this test")

    monkeypatch.setattr(nltk.data, "find", missing)
    monkeypatch.setattr(nltk.data, "load", missing)
    text = crude_clean(SEEDS[2].read_text("utf-8"))
    assert len(summarize(text)) == 3


def test_importing_does_not_import_sumy() -> None:
    code = "import sys, summaries.summarize; print('sumy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "False", result.stderr
