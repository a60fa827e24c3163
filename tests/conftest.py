"""Fixtures shared by the test files: the Bot API test double, a story dated this week, and
the tables a store of schema v7 did not have (for migration tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.fakeapi import FakeTelegram


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A started FakeTelegram on a free loopback port, with the default test token."""
    async with FakeTelegram() as tg:
        yield tg


# A story published two days ago (written for these tests, in the seeds' format): the seeds
# are from 2024 or undated, so without it nothing is "this week" or in the trend chart.
RECENT = (
    " date {day} Tehran Times - Iranian Foreign Minister Abbas Araghchi held a telephone "
    "conversation with his Omani counterpart Badr Albusaidi on {weekday} to discuss regional "
    "developments.\n\nThe two ministers discussed the situation in Gaza, the Iranian foreign "
    "ministry said.\n"
)


def _write_recent_article(folder: Path) -> Path:
    """RECENT dated two days before today, written into `folder`."""
    day = date.today() - timedelta(days=2)
    path = folder / "recent.txt"
    path.write_text(RECENT.format(day=day.isoformat(), weekday=day.strftime("%A")))
    return path


@pytest.fixture(scope="session")
def recent_article() -> Callable[[Path], Path]:
    """Writes RECENT, dated two days before today, into a folder and returns its path."""
    return _write_recent_article


# The tables schema v8 to v10 added: dropping them turns a store back into a v7 one.
TABLES_SINCE_V7 = (
    "near_bands",
    "cluster_sides",
    "clusters",
    "country_totals",
    "person_counts",
    "country_days",
    "cluster_weeks",
)


@pytest.fixture
def drop_tables_since_v7() -> Callable[[Callable[[str], object]], None]:
    """A function that drops the tables of schema v8-v10 through a connection's `execute`."""

    def drop(execute: Callable[[str], object]) -> None:
        for table in TABLES_SINCE_V7:
            execute(f"DROP TABLE {table}")

    return drop
