"""`diplobot eval events`: the event extractor against gold files (a thin CLI layer).

`add_eval_events_parser(evals)` adds the subcommand to the `eval` subparsers that
bot/cli.py builds; the handler prints tables (bot/terminal.py) or, with --json, one object
whose first keys are precision, recall, f1, dated_precision, dated_recall, dated_f1, n_gold and
n_pred (scripts rely on them), followed by files, n_stories, by_type, confusion and, with
--errors, errors. Exit status: 0 scored, 2 when a gold file is missing or malformed (the
message names the line) or the evaluation cannot run as asked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli_common import EXIT_OK, EXIT_USAGE

FIGURES = ["precision", "recall", "f1", "dated_precision", "dated_recall", "dated_f1"]


def add_eval_events_parser(evals: Any) -> argparse.ArgumentParser:
    """Add `eval events --gold FILE [FILE ...] [--errors] [--no-people-table] [--json]`."""
    e = evals.add_parser(
        "events",
        help="diplomatic events vs gold files (P/R/F1 on sides+type, and with dates)",
        description="Each JSON line is a story: id, date (YYYY-MM-DD or null), title, text, "
        "optional dateline, and events [{date, sides, type, people, evidence}]. Predicted "
        "events are matched to gold ones within a story on (sides, type), and separately on "
        "(sides, type, date); the stories of every gold file given are scored together.",
    )
    e.add_argument(
        "--gold", type=Path, nargs="+", required=True, metavar="FILE", help="JSON-lines gold files"
    )
    e.add_argument(
        "--errors",
        action="store_true",
        help="list each missed, false and wrong-date event with its sentence",
    )
    e.add_argument(
        "--no-people-table",
        dest="people_table",
        action="store_false",
        help="extract without config/officeholders.toml (leaders' sides from the story alone)",
    )
    e.add_argument(
        "--texts",
        type=Path,
        nargs="+",
        default=[],
        metavar="FILE",
        help="JSON-lines corpora (id, date, title, text, dateline) that gold stories kept as "
        "ids and events only take their text from",
    )
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.set_defaults(func=cmd_eval_events)
    return e


def add_eval_plover_parser(evals: Any) -> argparse.ArgumentParser:
    """Add `eval plover --data FILE.jsonl [--json]` to the `eval` subparsers object."""
    e = evals.add_parser(
        "plover",
        help="event types vs PLOVER/CAMEO-coded sentences (type and side agreement)",
        description="Each JSON line is one sentence with its PLOVER `event` and country "
        "`sides_iso2` (the plover-gsr-cameo dev file's format). Reports how often a sentence "
        "whose PLOVER event maps to a diplobot type gets an event of that type "
        "(type_accuracy), the same among sentences where an event was found "
        "(type_accuracy_found), how often sentences with no such event get none "
        "(none_accuracy), and whether the country sides agree (sides_accuracy).",
    )
    e.add_argument("--data", type=Path, required=True, help="JSON-lines PLOVER file")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.set_defaults(func=cmd_eval_plover)
    return e


def cmd_eval_plover(args: argparse.Namespace) -> int:
    from summaries import event_eval

    if not args.data.is_file():
        print(f"diplobot: no PLOVER file at {args.data}", file=sys.stderr)
        return EXIT_USAGE
    try:
        figures = event_eval.check_plover(args.data)
    except (ValueError, KeyError, TypeError) as exc:
        print(f"diplobot: {args.data}: not a PLOVER file ({exc})", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(figures))
        return EXIT_OK
    from bot import terminal

    rows = [{"figure": k, "value": v} for k, v in figures.items() if k != "type_accuracy_by_event"]
    rows += [
        {"figure": f"type right: {e}", "value": v}
        for e, v in figures["type_accuracy_by_event"].items()
    ]
    terminal.print_table(f"Event types on {args.data.name}", ["figure", "value"], rows)
    return EXIT_OK


def cmd_eval_events(args: argparse.Namespace) -> int:
    from summaries import event_eval

    missing = [str(p) for p in [*args.gold, *args.texts] if not p.is_file()]
    if missing:
        print(f"diplobot: no gold file at {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        scores = event_eval.evaluate_events(
            args.gold, people_table=args.people_table, texts=args.texts
        )
    except event_eval.GoldError as exc:
        print(f"diplobot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    errors = event_eval.error_records(scores) if args.errors else None
    if args.json:
        report: dict[str, Any] = {**scores.as_json(), **scores.details()}
        if errors is not None:
            report["errors"] = errors
        print(json.dumps(report))
        return EXIT_OK
    _print_tables(scores, people_table=args.people_table)
    if errors is not None:
        _print_errors(event_eval.format_errors(errors), len(errors))
    return EXIT_OK


def _print_tables(scores: Any, *, people_table: bool) -> None:
    """The figures (a column per file when several), per type, and the unmatched events."""
    from bot import terminal

    parts = dict(scores.by_file())
    if len(parts) > 1:
        parts["all"] = scores
    terminal.print_table(
        f"Event extractor on {' + '.join(scores.files)}"
        + ("" if people_table else " (no people table)"),
        ["figure", *parts],
        _figure_rows(parts),
    )
    type_rows: list[dict[str, Any]] = [{"type": t, **f} for t, f in scores.by_type().items()]
    type_rows.append(
        {
            "type": "all",
            "n_gold": scores.n_gold,
            "n_pred": scores.n_pred,
            "matched": scores.matched,
            "precision": round(scores.precision, 4),
            "recall": round(scores.recall, 4),
        }
    )
    terminal.print_table(
        "By event type (matched on sides and type)",
        ["type", "n_gold", "n_pred", "matched", "precision", "recall"],
        type_rows,
    )
    terminal.print_table(
        "Unmatched events by type",
        ["type", "missed", "gold -> predicted", "spurious"],
        _confusion_rows(scores.confusion),
        caption="among events left unmatched in a story -- missed: gold with no predicted "
        "event of its sides; gold -> predicted: same sides, other type; spurious: predicted "
        "with no gold event of its sides",
    )


def _figure_rows(parts: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per figure (named as in --json), one column per file: narrow for a terminal."""
    counts = {name: {"n_stories": p.n_stories, **p.as_json()} for name, p in parts.items()}
    keys = ["n_stories", "n_gold", "n_pred", *FIGURES]
    return [{"figure": k, **{name: c[k] for name, c in counts.items()}} for k in keys]


def _confusion_rows(confusion: Any) -> list[dict[str, Any]]:
    """One row per type: how many of its gold events were missed or predicted as another type
    (which, how often), and how many of its predictions were spurious."""
    from summaries.event_eval import MISSED, SPURIOUS

    types = sorted(({g for g, _ in confusion} | {p for _, p in confusion}) - {MISSED, SPURIOUS})
    rows = []
    for t in types:
        other = sorted(
            ((p, n) for (g, p), n in confusion.items() if g == t and p != MISSED),
            key=lambda pn: (-pn[1], pn[0]),
        )
        rows.append(
            {
                "type": t,
                "missed": confusion[(t, MISSED)],
                "gold -> predicted": ", ".join(f"{p} {n}" for p, n in other),
                "spurious": confusion[(SPURIOUS, t)],
            }
        )
    return rows


def _print_errors(lines: list[str], count: int) -> None:
    """Plain print, not rich: sentences may hold [brackets] that rich would read as markup."""
    print(f"\nErrors ({count}): missed gold, false predicted, right event with a wrong date\n")
    for line in lines:
        print(line)
