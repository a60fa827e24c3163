"""A local chat session: the real bot, the Bot API test double, and a user on this machine.

Shared by `diplobot demo` (a scripted user) and `diplobot console` (a person at the
terminal), so both exercise exactly the code that serves Telegram.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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


def format_reply(message: SentMessage) -> str:
    """A bot message as a person reads it in the terminal, buttons numbered."""
    lines = [message.text or message.caption or ""]
    if message.photo:
        lines.insert(0, f"[photo, {len(message.photo):,} bytes]")
    for number, button in enumerate(message.buttons, start=1):
        lines.append(f"  [{number}] {button.get('text', '')}")
    return "\n".join(lines)
