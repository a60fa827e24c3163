"""Broadcast throughput: digests for N subscribers over 50 countries, through Telegram's limits.

Builds a store with three events for each of 50 countries, subscribes N chats (each to one
country, daily at 08:00 in one of four time zones: 200 distinct digests at most), queues
the due digests, and sends them with the real Deliverer to the Bot API double running in
this process with Telegram's flood limits enforced (30 messages a second overall, 1 a second
per chat). Prints:
- sustained messages per second (goal: at least 95% of the 30/s limit);
- the time to build every digest, for 1,000 subscribers and for N in the same run (goal:
  the same: a digest is built once per country and window, not per subscriber);
- peak memory, and how many subscribers got nothing (lost) or a second copy (duplicates).

    python -m bench.broadcast [--subscribers 10000] [--json]

With the default 10,000 subscribers the sending alone takes about 6 minutes: that is the
limit being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import schedule as jobs
from bot.delivery import Deliverer, Pacer, delivery_bot
from bot.fakeapi import FakeTelegram
from summaries import countries
from summaries.store import ArticleRecord, Store
from summaries.store_events import EventRecord

LIMIT_PER_S = 30
ZONES = ["UTC", "Europe/Paris", "Asia/Tehran", "America/New_York"]
NOW = datetime(2024, 3, 5, 23, 0, tzinfo=UTC)  # every zone's 08:00 slot of the 5th is due
FOUND = "2024-03-05T03:00:00.000000Z"  # inside every one of those slots' windows


def seed_events(store: Store, codes: list[str]) -> None:
    """Three events per country, each reported by its own article, found on the 5th."""
    for n, code in enumerate(codes):
        name = countries.country(code).name
        for k in range(3):
            partner = codes[(n + k + 1) % len(codes)]
            other = countries.country(partner).name
            text = (
                f"The foreign ministers of {name} and {other} held talks on trade and regional "
                f"security on Monday, their ministries said. Both sides agreed to meet again "
                f"within a month, and {name}'s minister called the talks constructive."
            )
            article_id, _ = store.add_article(
                ArticleRecord(
                    f"bench-{code}-{k}",
                    None,
                    text,
                    [],
                    "2024-03-04",
                    "header",
                    "bench",
                    f"https://news.example/{code}/{k}",
                )  # fmt: skip
            )
            event = EventRecord(
                "2024-03-04", "text", "meeting", "044", tuple(sorted((code, partner))),
                [{"side": code, "person": None, "person_key": None, "title": None},
                 {"side": partner, "person": None, "person_key": None, "title": None}],
                ["trade"], [text],
            )  # fmt: skip
            store.add_events(article_id, "2024-03-04", [event])
    store.db.conn.execute("UPDATE events SET created_at = ?", [FOUND])


def subscribe(store: Store, chats: list[int], codes: list[str]) -> None:
    with store.transaction():
        for chat in chats:
            store.subscribe(chat, codes[chat % len(codes)], "daily 08:00")
            store.set_chat(chat, timezone=ZONES[chat % len(ZONES)])
        store.mark_handled(
            [(c, codes[c % len(codes)]) for c in chats], "2024-03-04T00:00:00.000000Z"
        )


def build_time(db: Path, subscribers: int, codes: list[str]) -> tuple[int, float, float, int]:
    """Digests built, seconds building them, seconds for the whole pass (building and
    queueing a row per subscriber), and rows queued, for `subscribers` chats."""
    with Store(db) as store:
        chats = list(range(1, subscribers + 1))
        subscribe(store, chats, codes)
        started = time.perf_counter()
        report = jobs.queue_due_digests(store, NOW, grace=timedelta(hours=24))
        total = time.perf_counter() - started
    return report.built, report.build_s, total, report.rows


async def send_all(db: Path, subscribers: int) -> dict[str, float]:
    async with FakeTelegram() as tg:
        tg.set_limits(enabled=True)
        for chat in range(1, subscribers + 1):
            tg.register_chat(chat)
        with Store(db) as store:
            async with delivery_bot(tg.token, tg.base_url) as bot:
                sender = Deliverer(store, bot, Pacer(per_second=29.5))
                started = time.perf_counter()
                await sender.run_until_idle(max_wait_s=30)
                elapsed = time.perf_counter() - started
        per_chat = Counter(m.chat_id for m in tg.sent())
        flood = tg.stats()["flood"]
    return {
        "messages": len(tg.sent()),
        "seconds": elapsed,
        "lost": sum(1 for chat in range(1, subscribers + 1) if per_chat[chat] == 0),
        "duplicates": sum(max(0, n - 1) for n in per_chat.values()),
        "throttled": flood["throttled"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.subscribers < 1:
        sys.exit("--subscribers must be at least 1")
    codes = [c.code for c in countries.all_countries()][:50]
    with tempfile.TemporaryDirectory() as tmp:
        small, large, warm = (Path(tmp) / f"{name}.db" for name in ("small", "large", "warm"))
        for db in (small, large, warm):
            with Store(db) as store:
                seed_events(store, codes)
        build_time(warm, 1, codes)  # imports and caches, outside the timing
        built_small, build_small_s, _, _ = build_time(small, min(1000, args.subscribers), codes)
        built, build_s, pass_s, rows = build_time(large, args.subscribers, codes)
        sent = asyncio.run(send_all(large, args.subscribers))
    figures = {
        "subscribers": args.subscribers,
        "digests_built": built,
        "messages": sent["messages"],
        "msgs_per_s": round(sent["messages"] / sent["seconds"], 2),
        "limit_per_s": LIMIT_PER_S,
        "build_s": round(build_s, 3),
        "build_s_1000": round(build_small_s, 3),
        "queue_pass_s": round(pass_s, 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "lost": sent["lost"],
        "duplicates": sent["duplicates"],
        "throttled": sent["throttled"],
    }
    if args.json:
        print(json.dumps(figures))
        return
    share = figures["msgs_per_s"] / LIMIT_PER_S
    print(f"subscribers:              {args.subscribers:,} ({rows:,} deliveries queued)")
    print(f"digests built:            {built} (for 1,000 subscribers: {built_small})")
    print(f"digest build time:        {build_s:.2f} s (1,000 subscribers: {build_small_s:.2f} s)")
    print(f"whole scheduling pass:    {pass_s:.2f} s (building + a row per subscriber)")
    print(f"sustained send rate:      {figures['msgs_per_s']} messages/s ({share:.1%} of 30/s)")
    print(f"429s from the double:     {sent['throttled']}")
    print(f"lost / duplicates:        {sent['lost']} / {sent['duplicates']}")
    print(f"peak memory (max RSS):    {figures['peak_mb']} MB")


if __name__ == "__main__":
    main()
