"""Fixtures shared by the test files: the Bot API test double and a bot polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.fakeapi import FakeTelegram


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A started FakeTelegram on a free loopback port, with the default test token."""
    async with FakeTelegram() as tg:
        yield tg
