"""`diplobot events` and `diplobot digest`: the stored events, listed or as a digest.

Kept apart from cli.py so the command table there stays readable; cli.py registers these
with `add_parsers`. Output shapes (--json, --format json) are interfaces: scripts read them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from bot.cli_common import EXIT_OK, EXIT_USAGE
from summaries import sides
from summaries.store import Store


def add_parsers(sub: Any, open_store: Callable[[argparse.Namespace], Store]) -> None:
    """Add `events` and `digest` to the `diplobot` subcommands."""
    p = sub.add_parser(
        "events",
        help="diplomatic events found in the stored articles, newest first",
        description="List events (one line per event, every report of it merged), newest "
        "first. --json prints a list of objects with id, date, type, cameo, sides, actors, "
        "topics and sources.",
    )
    p.add_argument("--country", help="only events with this country (name or ISO code)")
    p.add_argument("--limit", type=int, default=None, help="at most this many events")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=lambda args: cmd_events(args, open_store))

    p = sub.add_parser(
        "digest",
        help="a country's events as a digest: ranked, with briefs and sources",
        description="A digest of one country's events (or of the events between two "
        "countries), most important first. Without --period or --since it covers the "
        "latest events whatever their age.",
    )
    p.add_argument(
        "--country", required=True, help="country or organisation name or code, e.g. Iran, NATO"
    )
    p.add_argument("--with", dest="partner", help="only events with this second side")
    p.add_argument("--period", choices=["day", "week"], help="today only, or the last 7 days")
    p.add_argument("--since", help="events on or after this day (YYYY-MM-DD)")
    p.add_argument("--limit", type=int, default=20, help="at most this many events (20)")
    p.add_argument(
        "--format", choices=["text", "html", "json"], default="text", help="output (text)"
    )
    p.set_defaults(func=lambda args: cmd_digest(args, open_store))


def cmd_events(args: argparse.Namespace, open_store: Callable[[argparse.Namespace], Store]) -> int:
    code = None
    if args.country:
        code = _country_code(args.country)
        if code is None:
            return EXIT_USAGE
    with open_store(args) as store:
        clusters = store.event_clusters(code, limit=args.limit)
        rows = [_event_json(store, c) for c in clusters]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("No events stored" + (f" for {args.country}." if code else "."))
        return EXIT_OK
    from bot import terminal

    terminal.print_table(
        "Events" + (f" with {args.country}" if code else ""),
        ["date", "event", "sides", "people", "sources"],
        [
            {
                # placed by its article's date when it states none of its own: say so
                "date": r["date"] or (f"reported {c.day}" if c.day else "date unknown"),
                "event": r["type"].replace("_", " "),
                "sides": " – ".join(r["sides"]),
                "people": ", ".join(r["people"]),
                "sources": len(r["sources"]),
            }
            for r, c in zip(rows, clusters, strict=True)
        ],
    )
    return EXIT_OK


def cmd_digest(args: argparse.Namespace, open_store: Callable[[argparse.Namespace], Store]) -> int:
    from summaries.digest import build_digest, period_bounds

    code = _country_code(args.country)
    partner = _country_code(args.partner) if args.partner else None
    if code is None or (args.partner and partner is None):
        return EXIT_USAGE
    try:
        since, until = period_bounds(args.period, args.since)
    except ValueError as exc:
        print(f"diplobot digest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.limit < 1:
        print("diplobot digest: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    with open_store(args) as store:
        digest = build_digest(
            store, code, partner=partner, since=since, until=until, limit=args.limit
        )
    if args.format == "json":
        print(json.dumps(digest.as_json(), ensure_ascii=False, indent=2))
    elif args.format == "html":
        from bot.render import digest_messages

        print("\n\n".join(digest_messages(digest)))
    else:
        print(digest.as_text(), end="")
    return EXIT_OK


def _country_code(query: str) -> str | None:
    """The side code for a country's or an organisation's name or code ("Iran", "NATO");
    None (after saying why) when unknown."""
    found = sides.resolve(query)
    if found is not None:
        return found.code
    hints = ", ".join(c.name for c in sides.suggest(query))
    hint = f" Did you mean: {hints}?" if hints else ""
    print(f"diplobot: unknown country {query!r}.{hint}", file=sys.stderr)
    return None


def _event_json(store: Store, cluster: Any) -> dict[str, Any]:
    from summaries.attribution import sources_of
    from summaries.digest import people

    actors = [
        {"side": a["side"], "person": a.get("person"), "title": a.get("title")}
        for a in cluster.actors.values()
    ]
    return {
        "id": cluster.id,
        "date": cluster.date,
        "type": cluster.type,
        "cameo": cluster.cameo,
        "sides": list(cluster.sides),
        "actors": actors,
        "people": people(cluster),
        "topics": cluster.topics,
        "sources": [s.as_json() for s in sources_of(store, cluster.article_ids)],
    }
