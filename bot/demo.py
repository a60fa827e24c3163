"""`diplobot demo`: the main job on the bundled seeds, shown as a readable chat transcript.

Ingests seeds/ into a temporary database, starts the Bot API test double and the real bot
against it, plays a scripted user and prints what the user would see. It never touches
the user's own database.
"""

from __future__ import annotations

import asyncio
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from bot.session import CHAT_ID, format_reply, local_bot
from summaries.pipeline import ingest_paths
from summaries.store import Store

# What the demo user does; "press: LABEL" presses that button under the last reply.
SCRIPT = [
    "/start",
    "/country Iran",
    "press: More ▸",
    "/country Iran France",
    "press: Sources 1",
    "/timezone Europe/Paris",
    "/subscribe Iran daily 08:00",
    "/subscribe France",
    "/subscriptions",
    "/country Iram",
]


def default_seeds() -> Path:
    """seeds/ of the checkout (the demo corpus ships beside the package)."""
    return Path(__file__).resolve().parent.parent / "seeds"


def main(settings: dict[str, Any], seeds: Path | None = None) -> int:
    seeds = seeds or default_seeds()
    if not seeds.is_dir():
        print(f"diplobot demo: no seeds folder at {seeds}")
        return 2
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="diplobot-demo-") as tmp,
        Store(Path(tmp) / "demo.db") as store,
    ):
        report = ingest_paths(
            store,
            [seeds],
            max_bytes=settings["ingest"]["max_file_bytes"],
            sentences=settings["summary"]["sentences"],
        )
        ingest_s = time.perf_counter() - started
        print(
            f"Ingested {report.count('new')} articles from {seeds} "
            f"({report.count('skipped')} skipped) in {ingest_s:.2f} s\n"
        )
        asyncio.run(_play(store, settings))
    print(f"Demo finished in {time.perf_counter() - started:.1f} s.")
    return 0


async def _play(store: Store, settings: dict[str, Any]) -> None:
    async with local_bot(store, settings) as tg:
        replies: list = []
        for line in SCRIPT:
            if line.startswith("press: "):
                label = line.removeprefix("press: ")
                last = replies[-1]
                [data] = [b["callback_data"] for b in last.buttons if b["text"] == label]
                print(f"you › (presses “{label}”)")
                replies = await tg.press(CHAT_ID, last.message_id, data, timeout=10)
            else:
                print(f"you › {line}")
                replies = await tg.converse(CHAT_ID, line, timeout=10)
            if not replies:
                print("bot › (no answer)\n")
            for reply in replies:
                print(
                    textwrap.indent(format_reply(reply), "      ", lambda _: True).replace(
                        "      ", "bot › ", 1
                    )
                )
                print()
