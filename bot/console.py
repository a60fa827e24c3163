"""`diplobot console`: chat with the bot in the terminal, no Telegram needed.

The terminal is the Telegram user: each line goes to the real bot through the Bot API
test double, and the bot's answers are printed. A number presses the button of that
number on the bot's last message. A photo (the /trend chart) is saved to a folder of its
own in the system's temporary directory and shown by its path.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

from bot.fakeapi import FakeTelegram, SentMessage
from bot.session import CHAT_ID, format_reply, local_bot
from summaries.pipeline import ingest_paths
from summaries.store import Store

PROMPT = "you › "


def main(settings: dict[str, Any], db: Path, seeds: Path | None = None) -> int:
    with Store(db) as store:
        if seeds:
            report = ingest_paths(store, [seeds], max_bytes=settings["ingest"]["max_file_bytes"])
            print(f"Ingested {report.count('new')} new articles from {seeds}.")
        print(f"Database {db}, {store.article_count()} articles. Try /country Iran; Ctrl-D quits.")
        asyncio.run(_chat(store, settings))
    return 0


async def _chat(store: Store, settings: dict[str, Any]) -> None:
    # Made on the first photo and kept after the session: the user opens the charts later.
    photos = Path(tempfile.gettempdir()) / f"diplobot-console-{os.getpid()}"
    async with local_bot(store, settings) as tg:
        last: list[SentMessage] = []
        while True:
            try:
                line = (await asyncio.to_thread(input, PROMPT)).strip()
            except EOFError:
                print()
                return
            if not line:
                continue
            replies = await _send(tg, line, last)
            for reply in replies:
                print(format_reply(reply, photos), end="\n\n")
            last = replies or last


async def _send(tg: FakeTelegram, line: str, last: list[SentMessage]) -> list[SentMessage]:
    """A number presses that button of the last message; anything else is said."""
    buttons = [(m, b) for m in last for b in m.buttons if "callback_data" in b]
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        message, button = buttons[int(line) - 1]
        return await tg.press(CHAT_ID, message.message_id, button["callback_data"], timeout=10)
    return await tg.converse(CHAT_ID, line, timeout=10)
