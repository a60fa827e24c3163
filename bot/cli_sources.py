"""`diplobot sources ...` and source polling for `diplobot ingest` (a thin CLI layer).

The feeds and folders a database polls are managed here, apart from bot/cli.py's other
commands, because they are one job: list, add, remove, OPML import/export, and one poll of
every source. Exit status as bot/cli_common.py says.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli_common import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, open_store


def add_sources_parser(sub: Any) -> None:
    """Add `sources` and its actions to the top-level subparsers."""
    p = sub.add_parser("sources", help="the feeds and folders `diplobot ingest` polls")
    verbs = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    v = verbs.add_parser("list", help="every source with its polling state")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_sources_list)
    v = verbs.add_parser("add", help="add a feed URL or a folder")
    v.add_argument("location")
    v.add_argument("--title", default=None)
    v.add_argument(
        "--every",
        type=int,
        default=None,
        metavar="MINUTES",
        help="how often `diplobot run` polls it (default: [schedule] poll_interval_s)",
    )
    v.set_defaults(func=cmd_sources_add)
    v = verbs.add_parser("remove", help="remove a source by its id")
    v.add_argument("id", type=int)
    v.set_defaults(func=cmd_sources_remove)
    v = verbs.add_parser("import", help="add every feed of an OPML file")
    v.add_argument("file", type=Path)
    v.set_defaults(func=cmd_sources_import)
    v = verbs.add_parser("export", help="print the feeds as OPML")
    v.set_defaults(func=cmd_sources_export)


def ingest_sources(args: argparse.Namespace) -> int:
    """`diplobot ingest` without paths: poll every source (and those the settings name)."""
    from bot import terminal
    from summaries.polling import classify, poll_all
    from summaries.sources.http import Fetcher

    config = args.settings["sources"]
    with open_store(args) as store:
        for location in config["locations"]:
            try:
                store.add_feed(classify(location), location)
            except ValueError as exc:
                print(f"diplobot: config sources: {exc}", file=sys.stderr)
        if not store.feeds():
            print("diplobot: no sources yet: `diplobot sources add URL|FOLDER`, or give paths")
            return EXIT_USAGE
        fetcher = Fetcher(
            connect_timeout=config["connect_timeout_s"],
            read_timeout=config["read_timeout_s"],
            max_bytes=config["max_response_bytes"],
        )
        with fetcher, terminal.Progress(len(store.feeds()), enabled=not args.json) as bar:
            reports = poll_all(
                store,
                fetcher,
                sentences=args.settings["summary"]["sentences"],
                max_bytes=args.settings["ingest"]["max_file_bytes"],
                force=args.force,
                progress=bar.advance,
            )
    rows = [r.__dict__ for r in reports]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        terminal.print_table(
            "Ingest by source",
            ["id", "location", "new", "duplicate", "skipped", "failed", "note"],
            rows,
        )
    return EXIT_PARTIAL if any(r.failed or r.skipped for r in reports) else EXIT_OK


def cmd_sources_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = store.feeds()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    from bot import terminal

    terminal.print_table(
        "Sources",
        ["id", "kind", "location", "last_success", "failures", "last_error", "next_attempt"],
        rows,
    )
    return EXIT_OK


def cmd_sources_add(args: argparse.Namespace) -> int:
    from summaries.polling import classify

    try:
        kind = classify(args.location)
    except ValueError as exc:
        print(f"diplobot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.every is not None and not 1 <= args.every <= 7 * 24 * 60:
        print("diplobot: --every is in minutes, from 1 to 10080 (a week)", file=sys.stderr)
        return EXIT_USAGE
    interval = args.every * 60 if args.every is not None else None
    with open_store(args) as store:
        source_id, new = store.add_feed(kind, args.location, args.title, interval)
    every = f", polled every {args.every} min" if args.every else ""
    print(f"{'added' if new else 'already there:'} {kind} #{source_id} {args.location}{every}")
    return EXIT_OK


def cmd_sources_remove(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        removed = store.remove_feed(args.id)
    if not removed:
        print(f"diplobot: no source #{args.id} (see `diplobot sources list`)", file=sys.stderr)
        return EXIT_USAGE
    print(f"removed source #{args.id}")
    return EXIT_OK


def cmd_sources_import(args: argparse.Namespace) -> int:
    from summaries.sources.opml import OpmlError, parse_opml

    try:
        feeds = parse_opml(args.file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, OpmlError) as exc:
        print(f"diplobot: cannot import {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with open_store(args) as store:
        added = sum(store.add_feed("feed", url, title)[1] for title, url in feeds)
    print(f"{added} new feeds of {len(feeds)} in {args.file}")
    return EXIT_OK


def cmd_sources_export(args: argparse.Namespace) -> int:
    from summaries.sources.opml import to_opml

    with open_store(args) as store:
        feeds = [
            (s["title"] or s["location"], s["location"])
            for s in store.feeds()
            if s["kind"] == "feed"
        ]
    print(to_opml(feeds))
    return EXIT_OK
