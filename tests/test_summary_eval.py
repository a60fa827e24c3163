"""Tests for `diplobot eval summaries`, `diplobot summarize` and the budgeted summarisers.

The fixture tests/data/summaries/cnn_sample.jsonl holds four real CNN stories with their
highlights (see the README next to it); nothing here reads ../shared or depends on timing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from summaries import summary_eval
from summaries.summarize import ALL_ALGORITHMS, candidates, summarize, summarize_cluster
from summaries.tokenize import words

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "summaries" / "cnn_sample.jsonl"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
HEADER = re.compile(r"\A\s*date \d{4}-\d{2}-\d{2}\s*")
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\Z")


def seed_text(seed: Path) -> tuple[None, str]:
    """A seed's body without its " date" header and short furniture lines (no headline)."""
    lines = HEADER.sub("", seed.read_text("utf-8")).splitlines()
    return None, "\n".join(line for line in lines if len(line.strip()) >= 40)


def assert_whole_sentences_in_order(summary: list[str], text: str) -> None:
    position = 0  # a sentence may start right after a wire dateline such as "(CNN)"
    for sentence in summary:
        found = text.find(sentence, position)
        assert found >= position, f"not found in order: {sentence!r}"
        before = text[found - 1] if found else "\n"
        assert before.isspace() or before in '.!?”")', f"cut at the start: {sentence!r}"
        assert SENTENCE_END.search(sentence), f"cut at the end: {sentence!r}"
        position = found + len(sentence)


def run_eval(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["eval", "summaries", "--data", str(SAMPLE), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_summaries_json_has_every_system_with_scores_in_range(capsys) -> None:
    code, out, _ = run_eval(capsys, "--json")
    assert code == 0
    figures = json.loads(out)
    assert set(figures) == {"n_docs", "words", "systems"}
    assert figures["n_docs"] == 4 and figures["words"] == 100
    assert list(figures["systems"]) == list(summary_eval.DEFAULT_SYSTEMS)
    for scores in figures["systems"].values():
        assert set(scores) == {"rouge1", "rouge2", "rougeL", "rouge2_recall", "ms_per_doc"}
        for metric in summary_eval.METRICS:
            assert 0 <= scores[metric] <= 100
        assert scores["ms_per_doc"] >= 0
        assert scores["rouge1"] > 0


def test_eval_summaries_table_names_systems(capsys) -> None:
    code, out, _ = run_eval(capsys, "--systems", "lead,diplobot", "--limit", "2")
    assert code == 0
    assert "lead" in out and "diplobot" in out and "rouge2" in out


def test_lead_scores_100_when_the_reference_is_the_first_sentence(tmp_path: Path) -> None:
    text = (
        "The foreign ministers of Iran and Oman met in Muscat on Sunday. "
        "They discussed shipping in the Strait of Hormuz. Trade was also on the agenda."
    )
    pair = summary_eval.Pair(
        text=text, summary="The foreign ministers of Iran and Oman met in Muscat on Sunday."
    )
    figures = summary_eval.evaluate_summaries([pair], ["lead"], words_budget=12)
    assert figures["systems"]["lead"]["rouge1"] == 100.0
    assert figures["systems"]["lead"]["rouge2"] == 100.0


@pytest.mark.parametrize("system", summary_eval.DEFAULT_SYSTEMS)
@pytest.mark.parametrize("budget", [15, 40, 100])
def test_every_system_keeps_within_the_budget_in_document_order(system: str, budget: int) -> None:
    for line in SAMPLE.read_text("utf-8").splitlines():
        text = json.loads(line)["text"]
        chosen = summary_eval.system_for(system)(text, None, budget)
        assert sum(len(words(s)) for s in chosen) <= budget
        assert_whole_sentences_in_order(chosen, text)


@pytest.mark.parametrize("algorithm", ALL_ALGORITHMS)
@pytest.mark.parametrize("budget", [20, 60])
def test_summarize_with_a_word_budget_gives_whole_sentences(algorithm: str, budget: int) -> None:
    for seed in SEEDS:
        title, text = seed_text(seed)
        chosen = summarize(text, title, words=budget, algorithm=algorithm)
        if not chosen:  # allowed only when no candidate sentence fits at all
            assert all(len(words(s)) > budget for s in candidates(text, title))
        assert sum(len(words(s)) for s in chosen) <= budget
        assert_whole_sentences_in_order(chosen, text)


def test_summary_is_three_sentences_without_a_budget() -> None:
    title, text = seed_text(SEEDS[0])
    assert len(summarize(text, title)) == 3
    assert len(summarize(text, title, 2)) == 2


def test_summary_skips_bylines_and_photo_credits() -> None:
    text = (
        "By John Smith\n"
        "Photo: Reuters/Ahmed Jadallah\n"
        "The foreign ministers of Iran and Oman met in Muscat on Sunday to discuss security in "
        "the Gulf.\n"
        "They agreed that regional security needs dialogue between the neighbouring states.\n"
        "Oman has often carried messages between Tehran and Washington in recent years.\n"
        "The ministers also discussed trade and shipping in the Strait of Hormuz."
    )
    chosen = summarize(text, sentences=3)
    assert not any(s.startswith(("By ", "Photo")) for s in chosen)


def test_cluster_summary_never_repeats_a_fact() -> None:
    fact = "Iran and Oman signed a shipping agreement in Muscat on Sunday, officials said."
    first = (
        f"{fact} The deal covers ports on both sides of the Strait of Hormuz. "
        "Oman's foreign minister called it a step towards regional calm."
    )
    second = (
        "Iran and Oman signed a shipping agreement in Muscat on Sunday, officials said. "
        "Tehran hopes the accord will ease pressure from sanctions on its trade. "
        "Critics in Washington said the deal could help Iran evade restrictions."
    )
    chosen = summarize_cluster([first, second], words=200)
    assert sum(1 for s in chosen if "signed a shipping agreement" in s) == 1
    assert any("Critics in Washington" in s or "Tehran hopes" in s for s in chosen)
    assert any("Strait of Hormuz" in s or "regional calm" in s for s in chosen)
    assert sum(len(words(s)) for s in chosen) <= 200


def test_cluster_summary_respects_the_budget_and_handles_empty_articles() -> None:
    texts = [seed_text(seed)[1] for seed in SEEDS] + ["", "   "]
    chosen = summarize_cluster(texts, words=60)
    assert chosen and sum(len(words(s)) for s in chosen) <= 60
    assert summarize_cluster([], words=60) == []


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["not json"], "not a JSON object"),
        (['{"text": "", "summary": "x"}'], "text"),
        (['{"text": "Some words here.", "summary": ""}'], "summary"),
        (['["a", "list"]'], "not a JSON object"),
    ],
)
def test_eval_summaries_bad_records_are_reported_without_traceback(
    tmp_path: Path, capsys, lines: list[str], message: str
) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text("\n".join(lines) + "\n", "utf-8")
    code = main(["eval", "summaries", "--data", str(data)])
    _, err = capsys.readouterr()
    assert code == 1
    assert message in err and "Traceback" not in err


def test_eval_summaries_empty_file_is_refused(tmp_path: Path, capsys) -> None:
    data = tmp_path / "empty.jsonl"
    data.write_text("", "utf-8")
    assert main(["eval", "summaries", "--data", str(data)]) == 1
    assert "no records" in capsys.readouterr().err


def test_eval_summaries_missing_file_and_unknown_system_are_usage_errors(capsys) -> None:
    assert main(["eval", "summaries", "--data", "/nonexistent/file.jsonl"]) == 2
    assert "no data file" in capsys.readouterr().err
    code, _, err = run_eval(capsys, "--systems", "lead,bart")
    assert code == 2
    assert "unknown system bart" in err
    code, _, err = run_eval(capsys, "--words", "0")
    assert code == 2


def test_summarize_command_reads_a_file_and_stdin(tmp_path: Path, capsys, monkeypatch) -> None:
    article = tmp_path / "article.txt"
    title, text = seed_text(SEEDS[1])
    article.write_text(f"Iran and Japan discuss Gaza\n{text}\n", "utf-8")
    assert main(["summarize", str(article), "--words", "80", "--json"]) == 0
    chosen = json.loads(capsys.readouterr().out)
    assert chosen and sum(len(words(s)) for s in chosen) <= 80
    assert_whole_sentences_in_order(chosen, text)

    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(f"A headline\n{text}\n"))
    assert main(["summarize", "-", "--algorithm", "textrank"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3


def test_summarize_command_bad_input(tmp_path: Path, capsys) -> None:
    assert main(["summarize", str(tmp_path / "missing.txt")]) == 1
    assert "cannot read" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", "utf-8")
    assert main(["summarize", str(empty)]) == 1
    assert "no text" in capsys.readouterr().err
    assert main(["summarize", str(empty), "--algorithm", "bart"]) == 2
    assert "unknown algorithm" in capsys.readouterr().err


def test_lead_is_the_opening_and_never_skips_ahead() -> None:
    text = "One two three four. " + "Long " * 20 + "sentence here. Short one."
    assert summary_eval.lead(text, None, budget=10) == ["One two three four."]
