"""The `diplobot` command: a thin shell that parses arguments and calls summaries/ and bot/.

Exit status: 0 when everything worked, 1 when some input was skipped or the bot stopped on
an error, 2 for a usage or configuration mistake, 141 when the reader of the output stopped
early (`diplobot ... | head`). Scripts rely on the subcommand names, flags and --json
shapes, so they change only with care.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli_common import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from bot.cli_common import open_store as _open_store
from bot.cli_events import add_eval_events_parser, add_eval_plover_parser
from bot.cli_sources import add_sources_parser, ingest_sources
from summaries import settings as settings_mod
from summaries.store import default_db_path

EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for a command cut off by `head`

# `diplobot fake-telegram --help`: the control endpoints a person plays the user with.
FAKE_TELEGRAM_ENDPOINTS = """\
control endpoints (JSON bodies; GET parameters work too):
  POST /fake/say      {"chat_id": 42, "text": "/start"}   the user sends a message
  POST /fake/press    {"chat_id": 42, "message_id": 7, "callback_data": "src:3"}
                                                           the user presses a button
  GET  /fake/sent?chat_id=42                               what the bot sent to the chat
  POST /fake/malform  {"method": "sendMessage", "kind": "preview_as_string"}
                      answer that method with a result PTB cannot read
  POST /fake/limits, /fake/faults                          change --limits / --faults
  POST /fake/register, /fake/block, /fake/unblock, /fake/deactivate  {"chat_id": 42}
                      a chat's fate (blocked and deactivated chats answer 403)
  POST /fake/migrate  {"chat_id": -42, "migrate_to_chat_id": -10042}
                      the group became a supergroup
  GET  /fake/stats, /fake/delivered?chat_id=42             counters, delivered texts

example:
  diplobot fake-telegram --port 8081 &
  TELEGRAM_BOT_TOKEN=123:test diplobot run --api-url http://127.0.0.1:8081 &
  curl -d '{"chat_id": 42, "text": "/country Iran"}' http://127.0.0.1:8081/fake/say
  curl 'http://127.0.0.1:8081/fake/sent?chat_id=42'
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        args.settings = settings_mod.load(args.config)
    except settings_mod.ConfigError as exc:
        print(f"diplobot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        code = args.func(args)
        sys.stdout.flush()  # a reader gone early (`| head`) shows here, where it is handled
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_gone()


def _reader_gone() -> int:
    """The output's reader stopped (`diplobot ... | head`): that is its choice, not an error.

    What is still buffered can never be written, and Python's own flush at exit would print
    a BrokenPipeError traceback: stdout is pointed at /dev/null so that flush succeeds.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_PIPE_CLOSED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diplobot",
        description="Diplomatic news by country: ingest articles, summarise them, and serve "
        "them over a Telegram bot.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"SQLite database (default: $DIPLOBOT_DB or {default_db_path()})",
    )
    parser.add_argument(
        "--config", type=Path, default=None, help="TOML settings file overriding the defaults"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        help="ingest article files/folders, or (no paths) every configured source once",
    )
    p.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (.txt, .html, .json, .jsonl)"
    )
    p.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    p.add_argument("--force", action="store_true", help="also poll sources that are backing off")
    p.set_defaults(func=cmd_ingest)

    add_sources_parser(sub)

    p = sub.add_parser("countries", help="countries with articles, busiest first")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=cmd_countries)

    p = sub.add_parser("search", help="full-text search over stored articles")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("eval", help="measure a stage against labelled data")
    evals = p.add_subparsers(title="what to measure", metavar="STAGE", required=True)
    e = evals.add_parser(
        "countries",
        help="primary countries vs gold places (micro/macro F1)",
        description="Each JSON line has title, text, places (ISO alpha-2 list) and optionally "
        "dateline. Historic codes (SU, YU, CS, DD, YD, AN) count as their successors.",
    )
    e.add_argument("--data", type=Path, required=True, help="JSON-lines file")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.set_defaults(func=cmd_eval_countries)
    add_eval_events_parser(evals)
    add_eval_plover_parser(evals)
    e = evals.add_parser(
        "summaries",
        help="summarisers vs reference summaries (ROUGE-1/2/L, ms per document)",
        description="Each JSON line has text and summary (a reference), title optional. Every "
        "system fills at most --words words with whole sentences; ROUGE F1 x100 (rouge-score, "
        "Porter stemming) averaged over documents, and milliseconds per document.",
    )
    e.add_argument("--data", type=Path, required=True, help="JSON-lines file")
    e.add_argument("--words", type=int, default=100, help="word budget (default: 100)")
    e.add_argument(
        "--systems",
        default="lead,lexrank,textrank,lsa,luhn,kl,sumbasic,diplobot",
        help="comma-separated systems (default: all)",
    )
    e.add_argument("--limit", type=int, default=None, help="only the first N records")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.set_defaults(func=cmd_eval_summaries)

    p = sub.add_parser("summarize", help="summarise one article file (or - for stdin)")
    p.add_argument("file", help="a UTF-8 text file: headline on the first line, then the body")
    p.add_argument("--words", type=int, default=None, help="word budget (default: none)")
    p.add_argument(
        "--sentences", type=int, default=None, help="at most this many (default: 3 without --words)"
    )
    p.add_argument("--algorithm", default="news", help="news (default) or a sumy algorithm")
    p.add_argument("--json", action="store_true", help="print a JSON list of sentences")
    p.set_defaults(func=cmd_summarize)

    p = sub.add_parser(
        "demo", help="ingest seeds/ into a temporary database and play a scripted chat"
    )
    p.add_argument("--seeds", type=Path, default=None, help="folder of articles (default: seeds/)")
    p.set_defaults(func=cmd_demo)

    from bot.cli_digest import add_parsers as add_digest_parsers

    add_digest_parsers(sub, _open_store)

    p = sub.add_parser("console", help="chat with the bot in this terminal (no Telegram needed)")
    p.add_argument("--seeds", type=Path, default=None, help="ingest these first")
    p.set_defaults(func=cmd_console)

    p = sub.add_parser(
        "run",
        help="run the bot as a service (token from $TELEGRAM_BOT_TOKEN)",
        description="Answer commands, poll sources on schedule, and deliver instant alerts "
        "and daily/weekly digests. Long polling by default; --webhook-url switches to a "
        "webhook (put a TLS reverse proxy in front; set $DIPLOBOT_WEBHOOK_SECRET to the "
        "secret Telegram must send). SIGTERM stops cleanly.",
    )
    p.add_argument(
        "--api-url",
        default=None,
        help="Bot API server root, e.g. http://127.0.0.1:8081 (default: Telegram's)",
    )
    p.add_argument("--webhook-url", help="public https URL Telegram posts updates to")
    p.add_argument("--listen", default="127.0.0.1", help="webhook: address to listen on")
    p.add_argument("--port", type=int, default=8443, help="webhook: port to listen on (8443)")
    p.add_argument("--log-json", action="store_true", help="one JSON object per log line")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "outbox",
        help="the delivery queue: counts, or the dead-lettered deliveries with --failed",
    )
    p.add_argument("--failed", action="store_true", help="list dead-lettered deliveries")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_outbox)

    p = sub.add_parser(
        "fake-telegram",
        help="run the Bot API test double on 127.0.0.1",
        description="The Bot API test double on 127.0.0.1: point `diplobot run --api-url "
        "http://127.0.0.1:PORT` at it, then play the user over HTTP. Every request is "
        "logged to stdout.",
        epilog=FAKE_TELEGRAM_ENDPOINTS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--port", type=int, default=8081, help="port to listen on (8081)")
    p.add_argument("--token", default=None, help="accept only this token (default: any)")
    p.add_argument(
        "--limits", action="store_true", help="enforce Telegram's flood limits (429 past them)"
    )
    p.add_argument(
        "--faults",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="answer this share of sends with an injected error (5xx, 429, dropped), e.g. 0.1",
    )
    p.add_argument(
        "--lost-answers",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="deliver this share of sends, then cut the connection before answering, e.g. 0.03",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for the faults (repeatable runs)")
    p.set_defaults(func=cmd_fake_telegram)
    return parser


def cmd_ingest(args: argparse.Namespace) -> int:
    if not args.paths:
        return ingest_sources(args)
    from bot import terminal
    from summaries.pipeline import article_files, ingest_files

    files = list(article_files(args.paths))
    with _open_store(args) as store, terminal.Progress(len(files), enabled=not args.json) as bar:
        report = ingest_files(
            store,
            files,
            max_bytes=args.settings["ingest"]["max_file_bytes"],
            sentences=args.settings["summary"]["sentences"],
            progress=bar.advance,
        )
        total = store.article_count()
    if args.json:
        print(json.dumps([o.__dict__ for o in report.outcomes], ensure_ascii=False, indent=2))
    else:
        terminal.print_ingest_report(report, total)
    return EXIT_PARTIAL if report.skipped else EXIT_OK


def cmd_countries(args: argparse.Namespace) -> int:
    from summaries import countries

    with _open_store(args) as store:
        rows = [
            {
                "code": code,
                "name": countries.country(code).name,
                "articles": primary,
                "mentions": total,
            }
            for code, primary, total in store.country_counts()
        ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    from bot import terminal

    terminal.print_table(
        "Countries",
        ["code", "name", "articles", "mentions"],
        rows,
        caption="articles: the country is primary; mentions: tagged at all",
    )
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """Matching articles, best first: an untitled one shows its lead's opening, an undated
    one says so, and no match says so instead of drawing an empty table."""
    from summaries.attribution import article_headline

    with _open_store(args) as store:
        found = store.search(args.query, limit=args.limit)
    rows = [
        {
            "id": a.id,
            "date": a.published,
            "published_at": a.published_at,
            "title": a.title,
            "headline": article_headline(a),  # the title, or the lead's opening without one
            "summary": " ".join(a.summary),
        }
        for a in found
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print(f"No articles match {args.query!r}.")
    else:
        from bot import terminal

        shown = [{**r, "date": r["date"] or "date unknown", "title": r["headline"]} for r in rows]
        terminal.print_table("Search results", ["id", "date", "title"], shown)
    return EXIT_OK


def cmd_eval_countries(args: argparse.Namespace) -> int:
    from summaries import evaluate

    if not args.data.is_file():
        print(f"diplobot: no data file at {args.data}", file=sys.stderr)
        return EXIT_USAGE
    scores = evaluate.evaluate_countries(evaluate.read_jsonl(args.data))
    if args.json:
        print(json.dumps(scores.as_dict()))
        return EXIT_OK
    from bot import terminal

    figures = scores.as_dict()
    terminal.print_table(
        f"Country tagger on {args.data.name} ({scores.n_docs} docs)",
        ["micro_p", "micro_r", "micro_f1", "macro_f1", "bad_records"],
        [figures],
        caption=f"macro-F1 over countries with >= {evaluate.MACRO_MIN_DOCS} documents",
    )
    terminal.print_table(
        "Countries with the most errors",
        ["code", "errors", "fp", "fn", "support", "f1"],
        scores.worst(),
    )
    return EXIT_OK


def cmd_eval_summaries(args: argparse.Namespace) -> int:
    from summaries import evaluate, summary_eval

    if not args.data.is_file():
        print(f"diplobot: no data file at {args.data}", file=sys.stderr)
        return EXIT_USAGE
    if args.words < 1 or (args.limit is not None and args.limit < 1):
        print("diplobot: --words and --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        systems = summary_eval.parse_systems(args.systems)
    except summary_eval.EvalError as exc:
        print(f"diplobot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        pairs = summary_eval.pairs_from_records(evaluate.read_jsonl(args.data), args.limit)
        figures = summary_eval.evaluate_summaries(pairs, systems, args.words)
    except summary_eval.EvalError as exc:
        print(f"diplobot: {args.data}: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    if args.json:
        print(json.dumps(figures))
        return EXIT_OK
    from bot import terminal

    rows = [{"system": name, **scores} for name, scores in figures["systems"].items()]
    terminal.print_table(
        f"Summaries on {args.data.name} ({figures['n_docs']} docs, {figures['words']} words)",
        ["system", *summary_eval.METRICS, "ms_per_doc"],
        rows,
        caption="F1 x100 (rouge2_recall: recall x100), rouge-score with Porter stemming",
    )
    return EXIT_OK


def cmd_summarize(args: argparse.Namespace) -> int:
    from summaries import summarize as summarize_mod

    if args.algorithm not in summarize_mod.ALL_ALGORITHMS:
        known = ", ".join(summarize_mod.ALL_ALGORITHMS)
        print(f"diplobot: unknown algorithm {args.algorithm!r}; known: {known}", file=sys.stderr)
        return EXIT_USAGE
    if (args.words is not None and args.words < 1) or (
        args.sentences is not None and args.sentences < 1
    ):
        print("diplobot: --words and --sentences must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"diplobot: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    title, _, body = raw.strip().partition("\n")
    if not body.strip():
        title, body = None, raw
    if not body.strip():
        print(f"diplobot: {args.file} has no text to summarise", file=sys.stderr)
        return EXIT_PARTIAL
    chosen = summarize_mod.summarize(
        body, title, args.sentences, words=args.words, algorithm=args.algorithm
    )
    if args.json:
        print(json.dumps(chosen, ensure_ascii=False))
    else:
        print("\n".join(chosen))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from bot import demo

    return demo.main(args.settings, seeds=args.seeds)


def cmd_console(args: argparse.Namespace) -> int:
    from bot import console

    return console.main(args.settings, db=args.db or default_db_path(), seeds=args.seeds)


def cmd_run(args: argparse.Namespace) -> int:
    from bot import service

    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        print(
            "diplobot: set TELEGRAM_BOT_TOKEN to the token @BotFather gave you "
            "(it is read from the environment only, never from a file or flag).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    webhook = None
    if args.webhook_url:
        if not args.webhook_url.startswith("https://") and not args.api_url:
            print("diplobot: Telegram only posts to https:// webhook URLs", file=sys.stderr)
            return EXIT_USAGE
        secret = os.environ.get("DIPLOBOT_WEBHOOK_SECRET", "").strip() or None
        webhook = service.Webhook(args.webhook_url, args.listen, args.port, secret)
    with _open_store(args) as store:
        return service.run(
            store,
            args.settings,
            token,
            api_url=args.api_url,
            webhook=webhook,
            json_logs=args.log_json,
        )


def cmd_outbox(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        counts = store.outbox_counts()
        failed = store.failed_deliveries() if args.failed else []
    if args.json:
        print(json.dumps({"counts": counts, "failed": failed} if args.failed else counts))
        return EXIT_OK
    print(", ".join(f"{status}: {n}" for status, n in counts.items()))
    if args.failed:
        from bot import terminal

        if not failed:
            print("No failed deliveries.")
        else:
            terminal.print_table(
                "Dead-lettered deliveries",
                ["id", "chat_id", "item", "attempts", "error", "created_at"],
                failed,
            )
    return EXIT_OK


def cmd_fake_telegram(args: argparse.Namespace) -> int:
    import asyncio

    from bot import fakeapi
    from bot.fakelimits import Faults, Limits

    if not 0.0 <= args.faults <= 1.0 or not 0.0 <= args.lost_answers <= 1.0 - args.faults + 1e-9:
        print(
            "diplobot: --faults and --lost-answers are shares between 0 and 1 "
            "(together at most 1), e.g. --faults 0.1 --lost-answers 0.03",
            file=sys.stderr,
        )
        return EXIT_USAGE
    share = args.faults / 3  # split evenly between 5xx, 429 and dropped connections
    faults = Faults(
        server_error=share,
        too_many_requests=share,
        drop=share,
        lost_answer=args.lost_answers,
        seed=args.seed,
    )
    limits = Limits(enabled=args.limits)
    print(f"Bot API test double on http://127.0.0.1:{args.port} (Ctrl-C stops it)")
    try:
        asyncio.run(fakeapi.serve(args.port, args.token, limits=limits, faults=faults))
    except OSError as exc:
        print(f"diplobot: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
