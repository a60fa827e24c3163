"""A local chat session: the real bot, the Bot API test double, and a user on this machine.

Shared by `diplobot demo` (a scripted user) and `diplobot console` (a person at the
terminal), so both exercise exactly the code that serves Telegram.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.fakeapi import FakeTelegram, SentMessage, polling
from summaries.store import Store

CHAT_ID = 1001


@asynccontextmanager
async def local_bot(store: Store, settings: dict[str, Any]) -> AsyncIterator[FakeTelegram]:
    """The bot polling the test double on a free loopback port, for the `with` body."""
    async with FakeTelegram() as tg:
        app = build_application(store, settings, tg.token, tg.api_url, rate_limit=False)
        async with polling(app):
            yield tg


def format_reply(message: SentMessage, photo_dir: Path | None = None) -> str:
    """A bot message as a person reads it in the terminal, buttons numbered.

    A photo is saved into `photo_dir` (when given) and shown by its path, so the chart the
    bot sent can be opened; without a folder only its size is shown (the demo's transcript).
    """
    lines = [message.text or message.caption or ""]
    if message.photo:
        lines.insert(0, _photo_line(message, photo_dir))
    for number, button in enumerate(message.buttons, start=1):
        lines.append(f"  [{number}] {button.get('text', '')}")
    return "\n".join(lines)


def _photo_line(message: SentMessage, photo_dir: Path | None) -> str:
    photo = message.photo or b""
    if photo_dir is None:
        return f"[photo, {len(photo):,} bytes]"
    suffix = ".png" if photo.startswith(b"\x89PNG") else ".jpg"
    photo_dir.mkdir(parents=True, exist_ok=True)
    path = photo_dir / f"photo-{message.chat_id}-{message.message_id}{suffix}"
    path.write_bytes(photo)
    return f"[photo saved to {path}]"
