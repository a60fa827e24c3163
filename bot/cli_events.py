"""`diplobot eval events`: the event extractor against a gold file (a thin CLI layer).

`add_eval_events_parser(evals)` adds the subcommand to the `eval` subparsers that
bot/cli.py builds; the handler prints a table (bot/terminal.py) or, with --json, one object
with precision, recall, f1, dated_precision, dated_recall, dated_f1, n_gold and n_pred.
Exit status: 0 scored, 2 when the gold file is missing or malformed (the message names the line).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def add_eval_events_parser(evals: Any) -> argparse.ArgumentParser:
    """Add `eval events --gold FILE.jsonl [--json]` to the `eval` subparsers object."""
    e = evals.add_parser(
        "events",
        help="diplomatic events vs a gold file (P/R/F1 on sides+type, and with dates)",
        description="Each JSON line is a story: id, date (YYYY-MM-DD or null), title, text, "
        "optional dateline, and events [{date, sides, type, people}]. Predicted events are "
        "matched to gold ones within a story on (sides, type), and separately on "
        "(sides, type, date).",
    )
    e.add_argument("--gold", type=Path, required=True, help="JSON-lines gold file")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.set_defaults(func=cmd_eval_events)
    return e


def cmd_eval_events(args: argparse.Namespace) -> int:
    from summaries import event_eval

    if not args.gold.is_file():
        print(f"diplobot: no gold file at {args.gold}", file=sys.stderr)
        return EXIT_USAGE
    try:
        scores = event_eval.evaluate_events(args.gold)
    except event_eval.GoldError as exc:
        print(f"diplobot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(scores.as_json()))
        return EXIT_OK
    from bot import terminal

    figures = scores.as_json()
    terminal.print_table(
        f"Event extractor on {args.gold.name} ({scores.n_stories} stories)",
        ["precision", "recall", "f1", "dated_precision", "dated_recall", "dated_f1"],
        [figures],
        caption=f"{figures['n_gold']} gold events, {figures['n_pred']} predicted",
    )
    terminal.print_table(
        "Recall by event type",
        ["type", "gold", "recall"],
        [
            {"type": t, "gold": scores.gold_by_type[t], "recall": r}
            for t, r in scores.recall_by_type().items()
        ],
    )
    return EXIT_OK
