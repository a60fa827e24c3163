"""A real `diplobot run` killed with SIGKILL mid-broadcast, then restarted.

The Bot API double runs in this process, enforcing Telegram's flood limits; the bot is a
subprocess with its own event loop and database connection, exactly as deployed. The double
answers half the sends late (so the kill lands with sends in flight: the Deliverer sends 8
at a time) and loses a few answers after delivering the message. After the restart every
subscriber must have the digest, and duplicates are bounded by what no sender can know:

    duplicates <= rows in flight at the kill + answers lost

A row in "sending" at the kill may have reached Telegram and is sent again; a lost answer
looks like a failed send and is retried. The test counts both and checks the bound.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.fakeapi import DEFAULT_TOKEN, FakeTelegram
from summaries.pipeline import ingest_paths
from summaries.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SUBSCRIBERS = 500
# Half the sends answered 0.5 s late, so about 8 are in flight at any moment; 3% of answers
# lost after the message was delivered (the figures the issue measured with).
FAULTS = {"slow": 0.5, "slow_delay_s": 0.5, "lost_answer": 0.03, "seed": 13}


def prepare(db: Path, chats: list[int]) -> None:
    """Seeds ingested; every chat due a daily France digest at the current minute."""
    now = datetime.now(UTC)
    slot = now.replace(second=0, microsecond=0)
    found = (slot - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with Store(db) as store:
        ingest_paths(store, [SEEDS], sentences=0)
        store.db.conn.execute("UPDATE events SET created_at = ?", [found])
        store.set_meta("instant_watermark", str(store.latest_event_id()))
        yesterday = (slot - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with store.transaction():
            for chat in chats:
                store.subscribe(chat, "FR", f"daily {slot:%H:%M}")
            store.mark_handled([(chat, "FR") for chat in chats], yesterday)


def start_bot(db: Path, config: Path, api_url: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "DIPLOBOT_CONFIG": str(config)}
    return asyncio.create_subprocess_exec(  # type: ignore[return-value]
        sys.executable, "-m", "bot.cli", "--db", str(db), "run", "--api-url", api_url,
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def wait_for(condition, timeout: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


def statuses(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter(dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")))


async def test_fault_crash_with_sends_in_flight_and_lost_answers_bounds_duplicates(
    tmp_path: Path,
):
    db, config = tmp_path / "crash.db", tmp_path / "config.toml"
    config.write_text("[schedule]\ndigest_check_s = 1\npoll_check_s = 3600\n")
    chats = list(range(10_000, 10_000 + SUBSCRIBERS))
    prepare(db, chats)
    async with FakeTelegram() as tg:
        tg.set_limits(enabled=True)  # 30 messages a second, 1 a second per chat
        tg.set_faults(**FAULTS)
        for chat in chats:
            tg.register_chat(chat)
        delivered = lambda: sum(1 for m in tg.sent() if m.chat_id >= 10_000)  # noqa: E731

        first = await start_bot(db, config, tg.api_url)
        assert await wait_for(lambda: delivered() >= 150, timeout=60), "broadcast never began"
        first.kill()  # SIGKILL: no cleanup, no last write
        await first.wait()
        at_kill = statuses(db)
        in_flight = at_kill["sending"]
        assert 150 <= delivered() < SUBSCRIBERS, "the kill must land mid-broadcast"
        assert in_flight > 0, f"the kill must land with sends in flight: {at_kill}"

        second = await start_bot(db, config, tg.api_url)
        finished = await wait_for(lambda: statuses(db)["sent"] == SUBSCRIBERS, timeout=90)
        second.send_signal(signal.SIGTERM)
        stderr = (await second.communicate())[1].decode()
        assert finished, f"not everyone got the digest: {statuses(db)}\n{stderr[-2000:]}"
        assert second.returncode == 0, stderr[-2000:]

        per_chat = Counter(m.chat_id for m in tg.sent() if m.chat_id >= 10_000)
        assert set(per_chat) == set(chats)
        duplicates = sum(n - 1 for n in per_chat.values())
        lost = tg.stats()["faults"]["lost_answer"]
        print(
            f"\ncrash test: killed with {in_flight} in flight, {lost} answer(s) lost, "
            f"{duplicates} duplicate(s)"
        )
        assert duplicates <= in_flight + lost
        assert DEFAULT_TOKEN not in stderr
