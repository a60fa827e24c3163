"""`diplobot eval countries`: the scoring protocol on a handful of real Reuters records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from summaries.evaluate import CountryScores, evaluate_countries, read_jsonl

SAMPLE = Path(__file__).parent / "data" / "reuters" / "sample.jsonl"


def test_scores_count_bad_lines_and_map_historic_codes():
    scores = evaluate_countries(read_jsonl(SAMPLE))
    assert scores.n_docs == 5 and scores.bad_records == 2
    assert scores.support["RU"] == 1 and "SU" not in scores.support  # SU counts as RU
    assert scores.micro_f1 >= 0.8


def test_micro_and_macro_arithmetic():
    s = CountryScores(n_docs=2)
    s.tp.update({"US": 6, "JP": 3})
    s.fp.update({"US": 2})
    s.fn.update({"JP": 1})
    s.support.update({"US": 6, "JP": 4})
    assert s.micro_p == 9 / 11 and s.micro_r == 9 / 10
    assert round(s.macro_f1, 4) == round((2 * 6 / (2 * 6 + 2) + 2 * 3 / (2 * 3 + 1)) / 2, 4)
    assert s.worst(1)[0]["code"] in {"US", "JP"}


def test_eval_countries_json_interface(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "--db",
            str(tmp_path / "e.db"),
            "eval",
            "countries",
            "--data",
            str(SAMPLE),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    figures = json.loads(out.stdout)
    assert {"micro_p", "micro_r", "micro_f1", "macro_f1", "n_docs"} <= set(figures)
    assert figures["n_docs"] == 5


def test_eval_countries_missing_file_is_a_usage_error(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", "countries", "--data", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "no data file" in out.stderr
