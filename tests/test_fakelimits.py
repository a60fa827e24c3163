"""The test double's flood control, blocked users, migrated groups and injected errors.

First the pure limiter and injector with a fake clock, then the real python-telegram-bot
client against the double, to show each answer surfaces in PTB as it would from Telegram.

No test name here contains "fault" or "crash": issue 6 reserves those words for the
delivery tests that `pytest -k "crash or fault"` must select exactly.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dtm
import socket
import warnings
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot
from telegram.error import ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.fakeapi import FakeTelegram, serve
from bot.fakelimits import FaultInjector, Faults, FloodLimiter, Limits, updated

STRICT = Limits(enabled=True)
GROUP = -4242


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def limiter(limits: Limits = STRICT) -> tuple[FloodLimiter, FakeClock]:
    clock = FakeClock()
    return FloodLimiter(limits, clock=clock), clock


def seconds(error: RetryAfter) -> float:
    """retry_after in seconds, whether PTB gives an int or (with PTB_TIMEDELTA) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# --------------------------------------------------------------------------- the limiter


def test_limits_are_off_unless_enabled() -> None:
    flood, _ = limiter(Limits())
    assert all(flood.acquire(1) == 0 for _ in range(1000))
    assert flood.stats.throttled == 0


def test_thirty_messages_a_second_overall_then_429_until_the_second_is_over() -> None:
    flood, clock = limiter()
    assert [flood.acquire(chat) for chat in range(30)] == [0] * 30
    assert flood.acquire(30) == 1
    clock.advance(0.5)
    assert flood.acquire(30) == 1  # 0.5 s left rounds up: Telegram counts whole seconds
    clock.advance(0.5)
    assert flood.acquire(30) == 0
    assert flood.stats.throttled_by == {"overall": 2}


def test_one_message_a_second_per_chat() -> None:
    flood, clock = limiter()
    assert flood.acquire(42) == 0
    assert flood.acquire(7) == 0  # another chat is not held back
    clock.advance(0.25)
    assert flood.acquire(42) == 1
    clock.advance(0.75)
    assert flood.acquire(42) == 0
    assert flood.stats.throttled_by == {"chat": 1}


def test_a_burst_per_chat_can_be_allowed() -> None:
    flood, clock = limiter(Limits(enabled=True, per_chat_burst=3))
    assert [flood.acquire(42) for _ in range(4)] == [0, 0, 0, 3]
    clock.advance(3)
    assert flood.acquire(42) == 0


def test_twenty_messages_a_minute_per_group() -> None:
    flood, clock = limiter()
    for _ in range(20):
        assert flood.acquire(GROUP, group=True) == 0
        clock.advance(1)
    # the first of the 20 went at t=0, it is now t=20: 40 s until the minute is over
    assert flood.acquire(GROUP, group=True) == 40
    assert flood.acquire(-99, group=True) == 0  # another group is not held back
    clock.advance(40)
    assert flood.acquire(GROUP, group=True) == 0
    assert flood.stats.throttled_by == {"group": 1}


def test_waiting_retry_after_always_gets_through() -> None:
    """A sender that honours every retry_after is never refused twice for one message."""
    flood, clock = limiter()
    chats = [1, 2, 3, GROUP] * 50
    for chat in chats:
        retry_after = flood.acquire(chat, group=chat < 0)
        if retry_after:
            clock.advance(retry_after)
            assert flood.acquire(chat, group=chat < 0) == 0
        clock.advance(0.01)
    assert flood.stats.accepted == len(chats)
    assert flood.stats.throttled > 0


def test_a_paced_sender_gets_no_429_and_the_sustained_rate_is_recorded() -> None:
    flood, clock = limiter()
    for chat in range(300):  # 300 chats, one message each, 1/30 s apart: 10 s at 30/s
        assert flood.acquire(chat) == 0
        clock.advance(1 / 30)
    assert flood.stats.throttled == 0
    assert flood.stats.accepted_per_s == pytest.approx(30.0)


def test_refused_sends_take_no_slot() -> None:
    flood, clock = limiter()
    flood.acquire(42)
    for _ in range(100):
        assert flood.acquire(42) == 1
    clock.advance(1)
    assert flood.acquire(42) == 0
    assert (flood.stats.accepted, flood.stats.throttled) == (2, 100)


def test_settings_accept_strings_from_a_query_string_and_refuse_unknown_names() -> None:
    limits = updated(Limits(), {"enabled": "true", "per_second": "10", "per_chat_interval_s": 2})
    assert limits == Limits(enabled=True, per_second=10, per_chat_interval_s=2.0)
    assert updated(Faults(), {"drop": "0.1", "seed": "7"}) == Faults(drop=0.1, seed=7)
    with pytest.raises(ValueError, match="unknown setting"):
        updated(Limits(), {"per_minute": 5})
    with pytest.raises(ValueError, match="more than 1"):
        Faults(server_error=0.6, drop=0.6)


# --------------------------------------------------------------------------- the injector


def draws(faults: Faults, n: int = 1000) -> list[str | None]:
    injector = FaultInjector(faults)
    return [(f.kind if (f := injector.draw()) else None) for _ in range(n)]


def test_injected_errors_are_repeatable_from_the_seed_and_near_their_shares() -> None:
    faults = Faults(server_error=0.1, too_many_requests=0.1, drop=0.1, slow=0.1, seed=3)
    first = draws(faults)
    assert first == draws(faults)
    assert first != draws(Faults(server_error=0.1, too_many_requests=0.1, drop=0.1, seed=4))
    for kind in ("server_error", "too_many_requests", "drop", "slow"):
        assert 60 <= first.count(kind) <= 140
    assert draws(Faults()) == [None] * 1000


def test_injector_counts_what_it_injected() -> None:
    injector = FaultInjector(Faults(server_error=0.5, seed=1))
    kinds = [f.status for _ in range(100) if (f := injector.draw())]
    assert set(kinds) == {500, 502}
    assert injector.injected["server_error"] == len(kinds)
    assert injector.injected["drop"] == 0


# --------------------------------------------------------------------------- through PTB


@pytest.fixture
async def limited() -> AsyncIterator[tuple[FakeTelegram, FakeClock]]:
    """A double enforcing Telegram's limits on a fake clock, with chat 42 and a group."""
    clock = FakeClock()
    async with FakeTelegram(limits=STRICT, clock=clock) as tg:
        tg.register_chat(42)
        tg.register_chat(GROUP)
        yield tg, clock


async def test_flood_control_is_retry_after_in_ptb_and_honouring_it_succeeds(
    limited: tuple[FakeTelegram, FakeClock],
) -> None:
    tg, clock = limited
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        await bot.send_message(42, "one")
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(42, "two")
        clock.advance(seconds(refused.value))
        await bot.send_message(42, "two")
    assert seconds(refused.value) == 1
    assert tg.delivered_texts(42) == ["one", "two"]
    [record] = [r for r in tg.calls("sendMessage") if not r.ok]
    assert (record.status, record.description) == (429, "Too Many Requests: retry after 1")
    assert tg.stats()["flood"]["throttled"] == 1


async def test_flood_control_answer_is_telegrams_envelope(
    limited: tuple[FakeTelegram, FakeClock],
) -> None:
    tg, _ = limited
    async with aiohttp.ClientSession() as session:
        url = f"{tg.base_url}{tg.token}/sendMessage"
        for _ in range(2):
            async with session.post(url, data={"chat_id": "42", "text": "hi"}) as response:
                status, body = response.status, await response.json()
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_group_limit_in_ptb(limited: tuple[FakeTelegram, FakeClock]) -> None:
    tg, clock = limited
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        for n in range(20):
            await bot.send_message(GROUP, f"news {n}")
            clock.advance(1)
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(GROUP, "one too many")
    assert seconds(refused.value) == 40
    assert len(tg.delivered_texts(GROUP)) == 20


async def test_blocked_and_deactivated_users_are_forbidden_in_ptb(
    fake_telegram: FakeTelegram,
) -> None:
    tg = fake_telegram
    tg.user_says(1, "/start")
    tg.user_says(2, "/start")
    tg.block_chat(1)
    tg.deactivate_chat(2)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(Forbidden, match="^Forbidden: bot was blocked by the user$"):
            await bot.send_message(1, "digest")
        with pytest.raises(Forbidden, match="^Forbidden: user is deactivated$"):
            await bot.send_message(2, "digest")
        tg.user_says(1, "/start")  # writing again means the user unblocked the bot
        await bot.send_message(1, "welcome back")
        tg.block_chat(1)
        tg.unblock_chat(1)
        await bot.send_message(1, "still here")
    assert tg.delivered_texts(1) == ["welcome back", "still here"]
    assert tg.sent(2) == []
    with pytest.raises(LookupError, match="deactivated"):
        tg.user_says(2, "hello?")


async def test_migrated_group_is_chat_migrated_in_ptb_and_the_service_update_arrives(
    fake_telegram: FakeTelegram,
) -> None:
    tg = fake_telegram
    tg.user_says(GROUP, "/start")
    tg.migrate_chat(GROUP, -1001234)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(GROUP, "digest")
        await bot.send_message(migrated.value.new_chat_id, "digest")
        updates = await bot.get_updates(timeout=0)
    assert migrated.value.new_chat_id == -1001234
    assert tg.delivered_texts(-1001234) == ["digest"] and tg.sent(GROUP) == []
    service = [u.message for u in updates if u.message and u.message.text is None]
    assert [(m.chat.id, m.migrate_to_chat_id, m.migrate_from_chat_id) for m in service] == [
        (GROUP, -1001234, None),
        (-1001234, None, GROUP),
    ]
    assert tg.chats[-1001234]["type"] == "supergroup"
    [failed] = [r for r in tg.calls("sendMessage") if not r.ok]
    assert failed.description == "Bad Request: group chat was upgraded to a supergroup chat"


@pytest.mark.parametrize(
    ("share", "statuses"),
    [("server_error", {500, 502}), ("too_many_requests", {429}), ("drop", {0})],
)
async def test_injected_errors_deliver_nothing(
    fake_telegram: FakeTelegram, share: str, statuses: set[int]
) -> None:
    tg = fake_telegram
    tg.register_chat(42)
    tg.set_faults(Faults(**{share: 1.0}, retry_after_s=2))
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        for _ in range(4):
            with pytest.raises((NetworkError, RetryAfter)) as error:
                await bot.send_message(42, "digest")
            if isinstance(error.value, RetryAfter):
                assert seconds(error.value) == 2
        tg.set_faults(Faults())
        await bot.send_message(42, "digest")
    assert tg.delivered_texts(42) == ["digest"]
    failed = [r for r in tg.calls("sendMessage") if not r.ok]
    assert len(failed) == 4 and {r.status for r in failed} <= statuses
    assert tg.stats()["faults"][share] == 4


async def test_ptb_sees_5xx_and_dropped_connections_as_network_errors(
    fake_telegram: FakeTelegram,
) -> None:
    tg = fake_telegram
    tg.register_chat(42)
    raised: dict[str, list[str]] = {}
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        for share in ("server_error", "drop"):
            tg.set_faults(Faults(**{share: 1.0}))
            for _ in range(8):
                with pytest.raises(NetworkError) as error:
                    await bot.send_message(42, "digest")
                assert type(error.value) is NetworkError  # not BadRequest, not RetryAfter
                raised.setdefault(share, []).append(str(error.value))
    # 500 carries Telegram's JSON description; 502 is nginx's HTML page, which PTB cannot parse
    assert "Internal Server Error" in raised["server_error"]
    assert any(text.startswith("Bad Gateway (502). Parsing") for text in raised["server_error"])
    assert all("RemoteProtocolError" in text for text in raised["drop"])
    assert tg.sent(42) == []


async def test_slow_and_lost_answers_still_deliver(fake_telegram: FakeTelegram) -> None:
    tg = fake_telegram
    tg.register_chat(42)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        tg.set_faults(slow=1.0, slow_delay_s=0.05)
        await bot.send_message(42, "late")
        tg.set_faults(slow=0.0, lost_answer=1.0)
        with pytest.raises(NetworkError, match="RemoteProtocolError"):
            await bot.send_message(42, "unconfirmed")
    assert tg.delivered_texts(42) == ["late", "unconfirmed"]
    assert tg.stats()["faults"] == {
        "server_error": 0,
        "too_many_requests": 0,
        "drop": 0,
        "lost_answer": 1,
        "slow": 1,
    }


async def test_fault_malformed_answers_deliver_but_ptb_cannot_read_them(
    fake_telegram: FakeTelegram,
) -> None:
    tg = fake_telegram
    tg.register_chat(42)
    async with aiohttp.ClientSession() as session:
        body = {"method": "sendmessage", "kind": "date_in_ms"}
        async with session.post(f"{tg.api_url}/fake/malform", json=body) as response:
            assert (await response.json())["result"] == {"sendMessage": "date_in_ms"}
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        for kind in ("preview_as_string", "date_in_ms", "no_message_id"):
            tg.malform("sendMessage", kind)
            with pytest.raises((TypeError, ValueError, OverflowError)):
                await bot.send_message(42, kind)
        tg.malform("sendMessage", None)
        await bot.send_message(42, "readable again")
    assert tg.delivered_texts(42) == [
        "preview_as_string", "date_in_ms", "no_message_id", "readable again"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown malformation"):
        tg.malform("getMe", "sideways")


async def broadcast_with_retries(tg: FakeTelegram, chats: list[int]) -> int:
    """Send each chat one message, retrying each until it is delivered; returns the tries."""
    tries = 0
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        for chat in chats:
            while True:
                tries += 1
                try:
                    await bot.send_message(chat, f"digest for {chat}")
                    break
                except (NetworkError, RetryAfter):
                    continue  # injected 429s are not enforced: no need to really wait
    return tries


async def test_ten_percent_injected_errors_are_repeatable_and_lose_nothing() -> None:
    errors = Faults(server_error=0.04, too_many_requests=0.03, drop=0.03, seed=2026)
    chats = list(range(1, 121))
    outcomes = []
    for _ in range(2):
        async with FakeTelegram(faults=errors) as tg:
            for chat in chats:
                tg.register_chat(chat)
            tries = await broadcast_with_retries(tg, chats)
            assert all(tg.delivered_texts(chat) == [f"digest for {chat}"] for chat in chats)
            outcomes.append((tries, tg.stats()["faults"]))
    assert outcomes[0] == outcomes[1]
    tries, injected = outcomes[0]
    assert tries == len(chats) + sum(injected.values())
    assert 0 < sum(injected.values()) < 40


# --------------------------------------------------------------------------- over HTTP


async def test_control_endpoints_configure_a_double_in_another_process(
    fake_telegram: FakeTelegram,
) -> None:
    tg = fake_telegram
    root = f"{tg.api_url}/fake"

    async def control(action: str, **body: Any) -> tuple[int, Any]:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{root}/{action}", json=body) as response,
        ):
            return response.status, (await response.json()).get("result")

    assert (await control("register", chat_ids=[1, 2, 3, GROUP]))[0] == 200
    status, limits = await control("limits", enabled=True, per_chat_burst=2)
    assert status == 200 and limits["enabled"] is True and limits["per_chat_burst"] == 2
    assert (await control("limits", per_minute=3))[0] == 400
    status, faults = await control("faults", drop=0.25, seed=9)
    assert (status, faults["drop"], faults["seed"]) == (200, 0.25, 9)
    assert (await control("faults", drop=2))[0] == 400
    await control("faults", drop=0)
    await control("block", chat_id=1)
    await control("deactivate", chat_id=2)
    await control("migrate", chat_id=GROUP, migrate_to_chat_id=-1009)
    assert (tg.blocked, tg.deactivated, tg.migrated) == ({1}, {2}, {GROUP: -1009})
    await control("unblock", chat_id=1)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        await bot.send_message(1, "hello")
        await bot.send_message(1, "again")
        with pytest.raises(RetryAfter):
            await bot.send_message(1, "too fast")
    assert (await control("delivered", chat_id=1))[1] == ["hello", "again"]
    status, stats = await control("stats")
    assert stats["flood"]["accepted"] == 2 and stats["flood"]["throttled"] == 1
    assert stats["limits"]["per_chat_burst"] == 2
    assert (await control("teleport"))[0] == 400


async def test_standalone_server_starts_with_limits_and_injected_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    limits, errors = Limits(enabled=True, per_second=5), Faults(drop=0.1, seed=3)
    server = asyncio.create_task(serve(port, None, limits=limits, faults=errors))
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):  # the server is up within a few event-loop turns
                try:
                    async with session.get(f"http://127.0.0.1:{port}/fake/stats") as response:
                        stats = (await response.json())["result"]
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.01)
    finally:
        server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server
    assert stats["limits"] == dataclasses.asdict(limits)
    assert stats["fault_settings"] == dataclasses.asdict(errors)
    assert "limits {'enabled': True" in capsys.readouterr().out
