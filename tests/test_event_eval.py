"""`diplobot eval events` scoring (summaries/event_eval.py, bot/cli_events.py) on a tiny known
case: tests/data/events/tiny_{a,b}.jsonl scored against hand-made predictions, so the expected
figures below are worked out by hand and do not move when the extractor changes.

The predictions, story by story (g = gold event):
- a1: appeal JP-US on the gold date (dated match); visit SU-US two days early (match, wrong
  date); accusation ASEAN-VN where the gold has criticism (confusion); sanctions JP-US (false:
  the JP-US gold is already matched, so spurious).
- b1: meeting ARAB_LEAGUE-EG on the gold date (dated match); the GCC-QA praise is missed.
- b2 (no gold event): threat IL-IR (false, spurious).
Totals: 5 gold, 6 predicted, 3 matched, 2 matched with their date.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bot.cli_events import add_eval_events_parser
from summaries import event_eval
from summaries.event_eval import GoldError, evaluate_events, read_gold

DATA = Path(__file__).parent / "data" / "events"
TINY_A, TINY_B = DATA / "tiny_a.jsonl", DATA / "tiny_b.jsonl"
JSON_KEYS = [
    "precision", "recall", "f1", "dated_precision", "dated_recall", "dated_f1", "n_gold", "n_pred",
]  # fmt: skip


@dataclass(frozen=True)
class Fake:
    """A predicted event as scoring reads it (the `Predicted` protocol)."""

    type: str
    sides: tuple[str, ...]
    date: date | None
    sentences: tuple[str, ...] = ()


PREDICTIONS = {
    "a1": [
        Fake("appeal", ("JP", "US"), date(1987, 4, 20), ("Doe urged the United States.",)),
        Fake("visit", ("SU", "US"), date(1987, 4, 19), ("Shevardnadze arrived.",)),
        Fake("accusation", ("ASEAN", "VN"), date(1987, 4, 21), ("ASEAN condemned Vietnam.",)),
        Fake(
            "sanctions", ("JP", "US"), date(1987, 4, 21), ("Japan imposed duties on U.S. chips.",)
        ),
    ],
    "b1": [Fake("meeting", ("ARAB_LEAGUE", "EG"), date(2015, 3, 2), ("Elaraby met Sisi.",))],
    "b2": [Fake("threat", ("IL", "IR"), None, ("Iran warned Israel of a crushing response.",))],
}


@pytest.fixture
def fake_extractor(monkeypatch):
    """Replace the extractor by one that answers PREDICTIONS for the tiny stories (found by
    their text) and records the keywords it was called with."""
    by_text = {s.text: PREDICTIONS[s.id] for s in read_gold(TINY_A) + read_gold(TINY_B)}
    calls: list[dict] = []

    def extract(text, *, title=None, published=None, dateline=None, people_table=True):
        calls.append({"people_table": people_table})
        return by_text[text]

    monkeypatch.setattr(event_eval, "extract_events", extract)
    return calls


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="diplobot")
    evals = parser.add_subparsers().add_parser("eval").add_subparsers(required=True)
    add_eval_events_parser(evals)
    args = parser.parse_args(["eval", "events", *argv])
    status = args.func(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_gold_accepts_organisation_and_historic_codes_and_keeps_evidence():
    (a1,) = read_gold(TINY_A)
    assert [e.sides for e in a1.events] == [("JP", "US"), ("SU", "US"), ("ASEAN", "VN")]
    assert a1.events[1].evidence == (
        "Soviet Foreign Minister Eduard Shevardnadze arrived in Washington today."
    )
    assert a1.source == "tiny_a.jsonl"
    b1, b2 = read_gold(TINY_B)
    assert [e.sides for e in b1.events] == [("ARAB_LEAGUE", "EG"), ("GCC", "QA")]
    assert b2.events == ()


@pytest.mark.parametrize(
    "code", ["UN", "UNSC", "EU", "EC", "NATO", "G7", "G20", "OPEC", "IMF", "WORLDBANK", "GATT",
             "WTO", "ASEAN", "AFRICAN_UNION", "ARAB_LEAGUE", "GCC", "IAEA", "CAIRNS",
             "SU", "DD", "YU", "CS", "YD", "DE", "AU", "XK"],
)  # fmt: skip
def test_every_guidelines_side_code_is_read(tmp_path, code):
    path = tmp_path / "gold.jsonl"
    event = {"date": None, "sides": ["US", code], "type": "meeting", "people": []}
    path.write_text(json.dumps({"id": "x", "date": None, "text": "t", "events": [event]}) + "\n")
    assert read_gold(path)[0].events[0].sides == tuple(sorted({"US", code}))


def test_a_side_code_that_is_no_country_or_organisation_is_refused(tmp_path):
    path = tmp_path / "gold.jsonl"
    event = {"date": None, "sides": ["UK", "US"], "type": "meeting", "people": []}
    path.write_text(json.dumps({"id": "x", "date": None, "text": "t", "events": [event]}) + "\n")
    with pytest.raises(GoldError, match=r"gold\.jsonl:1: event 1: unknown side code 'UK'"):
        read_gold(path)


def test_several_gold_files_are_scored_together(fake_extractor):
    scores = evaluate_events([TINY_A, TINY_B])
    assert scores.files == ["tiny_a.jsonl", "tiny_b.jsonl"]
    assert (scores.n_stories, scores.n_gold, scores.n_pred) == (3, 5, 6)
    assert (scores.matched, scores.dated_matched) == (3, 2)
    figures = scores.as_json()
    assert list(figures) == JSON_KEYS
    assert figures["precision"] == 0.5 and figures["recall"] == 0.6
    assert figures["dated_precision"] == 0.3333 and figures["dated_recall"] == 0.4
    parts = scores.by_file()
    assert [(p.n_gold, p.n_pred, p.matched) for p in parts.values()] == [(3, 4, 2), (2, 2, 1)]


def test_per_type_precision_and_recall(fake_extractor):
    by_type = evaluate_events([TINY_A, TINY_B]).by_type()
    assert list(by_type) == [
        "accusation", "appeal", "criticism", "meeting", "praise", "sanctions", "threat", "visit",
    ]  # fmt: skip
    assert by_type["appeal"] == {
        "n_gold": 1, "n_pred": 1, "matched": 1, "precision": 1.0, "recall": 1.0
    }  # fmt: skip
    assert by_type["criticism"] == {
        "n_gold": 1, "n_pred": 0, "matched": 0, "precision": 0.0, "recall": 0.0
    }  # fmt: skip
    assert by_type["accusation"]["n_pred"] == 1 and by_type["accusation"]["precision"] == 0.0
    assert by_type["visit"]["matched"] == 1  # a wrong date still matches undated
    assert sum(t["n_gold"] for t in by_type.values()) == 5
    assert sum(t["n_pred"] for t in by_type.values()) == 6


def test_type_confusion_counts_other_types_missed_and_spurious(fake_extractor):
    confusion = evaluate_events([TINY_A, TINY_B]).confusion
    assert dict(confusion) == {
        ("criticism", "accusation"): 1,  # ASEAN-VN in a1: same sides, other type
        ("praise", "missed"): 1,  # GCC-QA in b1: nothing predicted with these sides
        ("spurious", "sanctions"): 1,  # JP-US in a1: its gold is already matched
        ("spurious", "threat"): 1,  # b2 has no gold event
    }


def test_matching_counts_equal_a_plain_per_key_count():
    """Pairing exact dates first must not change the undated figures."""
    (a1,) = read_gold(TINY_A)
    gold = a1.events[1]  # visit SU-US 1987-04-21
    early = Fake("visit", gold.sides, date(1987, 4, 19))
    exact = Fake("visit", gold.sides, gold.date)
    twice = event_eval.GoldStory("s", None, None, "t", None, (gold, gold))
    result = event_eval.match_story(twice, [early, exact])
    assert len(result.matched) == 2 and len(result.wrong_dates) == 1
    assert result.missed == () and result.false == ()


def test_table_names_the_files_and_shows_types_and_confusion(fake_extractor, capsys):
    status, out, _ = _run(capsys, "--gold", str(TINY_A), str(TINY_B))
    assert status == 0
    assert "tiny_a.jsonl" in out and "tiny_b.jsonl" in out and "all" in out
    assert "By event type" in out and "accusation" in out and "spurious" in out
    assert "Errors" not in out


def test_errors_list_missed_false_and_wrong_date_events_with_sentences(fake_extractor, capsys):
    status, out, _ = _run(capsys, "--gold", str(TINY_A), str(TINY_B), "--errors")
    assert status == 0
    errors = out[out.index("Errors (6)") :]
    assert "tiny_a.jsonl a1 (story date 1987-04-21)" in errors
    assert "missed criticism       ASEAN, VN      1987-04-21 (predicted as accusation)" in errors
    assert "ASEAN foreign ministers condemned Vietnam's occupation of Cambodia." in errors
    assert "false  sanctions       JP, US         1987-04-21" in errors
    assert "Japan imposed duties on U.S. chips." in errors
    assert "date   visit           SU, US         gold 1987-04-21, predicted 1987-04-19" in errors
    assert "tiny_b.jsonl b2 (story date 2015-03-03)" in errors
    assert "Iran warned Israel of a crushing response." in errors
    assert "Qatar has been praised by the Gulf Cooperation Council" in errors


def test_json_keeps_its_keys_first_and_adds_details(fake_extractor, capsys):
    status, out, _ = _run(capsys, "--gold", str(TINY_A), str(TINY_B), "--json", "--errors")
    assert status == 0
    report = json.loads(out)
    assert list(report)[:8] == JSON_KEYS
    assert (report["n_gold"], report["n_pred"], report["precision"]) == (5, 6, 0.5)
    assert report["files"] == ["tiny_a.jsonl", "tiny_b.jsonl"]
    assert report["by_type"]["meeting"]["recall"] == 1.0
    assert {"gold": "praise", "predicted": "missed", "n": 1} in report["confusion"]
    kinds = sorted((e["story"], e["kind"], e["type"]) for e in report["errors"])
    assert kinds == [
        ("a1", "date", "visit"), ("a1", "false", "accusation"), ("a1", "false", "sanctions"),
        ("a1", "missed", "criticism"), ("b1", "missed", "praise"), ("b2", "false", "threat"),
    ]  # fmt: skip


def test_no_people_table_reaches_the_extractor(fake_extractor, capsys):
    assert _run(capsys, "--gold", str(TINY_A), "--json")[0] == 0
    status, out, _ = _run(capsys, "--gold", str(TINY_A), "--no-people-table")
    assert status == 0 and "(no people table)" in out
    assert fake_extractor == [{"people_table": True}, {"people_table": False}]


def test_a_missing_second_gold_file_is_named(capsys, tmp_path):
    status, _, err = _run(capsys, "--gold", str(TINY_A), str(tmp_path / "nope.jsonl"))
    assert status == 2 and "nope.jsonl" in err


def test_the_real_extractor_runs_on_the_tiny_gold(capsys):
    """No fake: organisation codes in the gold and the extractor's own output score cleanly."""
    status, out, _ = _run(capsys, "--gold", str(TINY_A), str(TINY_B), "--json")
    assert status == 0
    report = json.loads(out)
    assert report["n_gold"] == 5 and report["n_stories"] == 3


def test_gold_kept_as_ids_takes_its_text_from_texts_files(capsys, tmp_path):
    """The same-source gold keeps ids and events; the stories stay in ../shared."""
    corpus, gold = tmp_path / "corpus.jsonl", tmp_path / "gold.jsonl"
    corpus.write_text(
        json.dumps({"id": "s1", "date": "2015-03-03", "title": None, "dateline": None,
                    "text": "Iranian Foreign Minister Javad Zarif met U.S. Secretary of State "
                            "John Kerry in Geneva on Tuesday."}) + "\n"
    )  # fmt: skip
    event = {"date": "2015-03-03", "sides": ["IR", "US"], "type": "meeting", "people": []}
    gold.write_text(json.dumps({"id": "s1", "events": [event]}) + "\n")
    status, out, _ = _run(capsys, "--gold", str(gold), "--texts", str(corpus), "--json")
    assert status == 0
    report = json.loads(out)
    assert (report["n_gold"], report["recall"], report["dated_recall"]) == (1, 1.0, 1.0)


def test_gold_without_text_and_no_texts_file_holding_it_is_refused(capsys, tmp_path):
    corpus, gold = tmp_path / "corpus.jsonl", tmp_path / "gold.jsonl"
    corpus.write_text(json.dumps({"id": "other", "text": "x"}) + "\n")
    gold.write_text(json.dumps({"id": "s1", "events": []}) + "\n")
    status, _, err = _run(capsys, "--gold", str(gold), "--texts", str(corpus))
    assert status == 2 and "s1" in err and "gold.jsonl:1" in err


PLOVER_SAMPLE = Path(__file__).parent / "data" / "events" / "plover_sample.jsonl"


def test_eval_plover_scores_types_sides_and_none(capsys):
    status, out, _ = _run_plover(capsys, "--data", str(PLOVER_SAMPLE), "--json")
    figures = json.loads(out)
    assert status == 0
    # t1 meeting (CONSULT) and t2 criticism (DISAPPROVE) typed right; the workers' demand
    # (DEMAND maps to appeal) gives no event, nor does the rebels' assault (no diplobot type)
    assert (figures["type_accuracy"], figures["type_n"]) == (0.6667, 3)
    assert (figures["type_accuracy_found"], figures["type_found_n"]) == (1.0, 2)
    assert (figures["none_accuracy"], figures["none_n"]) == (1.0, 1)
    assert figures["sides_accuracy"] == 1.0


def test_eval_plover_refuses_a_broken_file_naming_the_line(capsys, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "a"}\n')
    status, _, err = _run_plover(capsys, "--data", str(bad))
    assert status == 2 and "line 1" in err


def _run_plover(capsys, *argv: str) -> tuple[int, str, str]:
    from bot.cli_events import add_eval_plover_parser

    parser = argparse.ArgumentParser(prog="diplobot")
    evals = parser.add_subparsers().add_parser("eval").add_subparsers(required=True)
    add_eval_plover_parser(evals)
    args = parser.parse_args(["eval", "plover", *argv])
    status = args.func(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_every_gold_file_shipped_with_the_tests_reads_by_the_guidelines_codes():
    """The hand-coded gold in tests/data/events (seeds, other outlets) must stay readable:
    codes, types and dates are checked by the same reader `diplobot eval events` uses."""
    shipped = sorted((Path(__file__).parent / "data" / "events").rglob("*gold.jsonl"))
    with_text = [p for p in shipped if "same_source" not in p.parts]
    assert len(with_text) >= 4
    for path in with_text:
        stories = read_gold(path)  # raises GoldError on an unknown code, type or date
        assert sum(len(story.events) for story in stories) > 0, path
