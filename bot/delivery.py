"""Sending the outbox: paced to Telegram's limits, retried, never twice, in order.

Every delivery is already a row in the outbox (summaries/store_delivery.py) when this
module sees it. The Deliverer takes due rows and sends each one's messages in order,
recording every part as it lands, so a crash or restart resumes where it stopped.

- Pacing (`Pacer`): at most `per_second` messages overall (29.5, just under Telegram's
  ~30 so a sliding window never sees 31), one message per 1.1 s per chat (the 0.1 s covers
  the jitter between our clock and the request's arrival), 20 a minute per group; a 429
  pauses everything for its `retry_after`.
- Accepted is sent: once the Bot API server has answered a part with a 2xx status, the part
  is recorded as sent, whatever happens next. If python-telegram-bot then cannot read the
  answer (a Bot API field it does not know yet, an emulator that sends dates in
  milliseconds or objects as strings), the problem is logged once at warning level (later
  ones at debug) and the message id is taken from the raw answer when it is there. Retrying
  such a part would deliver it again to a chat that already has it.
- Retried, because the message did not get through: 429 -> wait `retry_after` (not
  counted as an attempt); 5xx, timeouts and connections that failed before an answer ->
  exponential backoff (1, 2, 4 ... 60 s), dead-lettered after `max_attempts`.
- Not retried: 403 (blocked, deactivated) -> the chat is paused and its queue dropped; a
  migrated group -> the chat id is updated and the message sent to the new id; any other
  400 is permanent (dead-lettered at once with Telegram's reason); any other error (a 401,
  a 409, a bug) is dead-lettered at once with its reason, since retrying something nobody
  understood could only repeat it or send it twice.
- One row per chat at a time, so two items for one chat never interleave.

How "the server answered 2xx" is known: the bot must send through `AnswerRecordingRequest`
(`delivery_bot` builds one), an HTTPXRequest whose `do_request` notes each answer's status
and body in the `Answer` that `recording_answer()` put in the current task's context. The
status is seen before python-telegram-bot parses anything, so the rule holds for any
future field and any way of parsing it failing (TypeError, KeyError, ValueError, or
whatever comes next); guessing from the exception's type would not. Deliveries run in
their own asyncio tasks, so concurrent sends never see each other's answers.

Duplicates no client can rule out remain, and they are bounded (tests/test_crash.py):

    duplicates <= parts in flight at a hard kill + answers lost

A part is in flight from `mark_sending` until its answer is recorded; up to `concurrency`
(8) parts are, so a SIGKILL can leave 8 rows in "sending", each sent again on restart. A
lost answer (the server performed the send, then the connection was cut or the read timed
out) looks exactly like a message that never arrived, and is retried.

The bot passed in must not retry on its own (no AIORateLimiter): retries live here, where
they are recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.request import HTTPXRequest, RequestData

from bot.storethreads import StoreThreads
from summaries.store import Store
from summaries.store_delivery import OutboxRow, parse_utc_iso, utc_iso

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
MAX_BACKOFF_S = 60.0


# --------------------------------------------------------------------------- what the server said


@dataclass
class Answer:
    """The HTTP answer to one request, as it came off the wire (before PTB parsed it)."""

    status: int | None = None
    """None while no answer has arrived: the request failed before the server answered."""
    payload: bytes = b""

    @property
    def accepted(self) -> bool:
        """The server answered 2xx: it performed the request, whatever the body says."""
        return self.status is not None and 200 <= self.status <= 299

    def message_id(self) -> int | None:
        """`result.message_id` from the raw body, or None when the body does not have one."""
        try:
            body = json.loads(self.payload)
        except ValueError:
            return None
        result = body.get("result") if isinstance(body, dict) else None
        found = result.get("message_id") if isinstance(result, dict) else None
        return found if isinstance(found, int) and not isinstance(found, bool) else None


_ANSWER: ContextVar[Answer | None] = ContextVar("diplobot_delivery_answer", default=None)


@contextlib.contextmanager
def recording_answer() -> Iterator[Answer]:
    """An `Answer` that `AnswerRecordingRequest` fills in for requests made in this block.

    A context variable, not an attribute of the request object: the Deliverer sends to
    several chats at once through one bot, and each send runs in its own task.
    """
    answer = Answer()
    reset = _ANSWER.set(answer)
    try:
        yield answer
    finally:
        _ANSWER.reset(reset)


class AnswerRecordingRequest(HTTPXRequest):
    """PTB's HTTPX transport, noting each answer's status and body in `recording_answer()`.

    `do_request` returns before PTB looks at the body, so a 2xx is recorded even when
    turning the body into Telegram objects fails afterwards.
    """

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, request_data, *args, **kwargs)
        answer = _ANSWER.get()
        if answer is not None:
            answer.status, answer.payload = status, payload
        return status, payload


def delivery_bot(token: str, base_url: str, base_file_url: str | None = None) -> Bot:
    """A Bot the Deliverer can use: no rate limiter, answers recorded (see the docstring)."""
    extra = {"base_file_url": base_file_url} if base_file_url else {}
    return Bot(token, base_url=base_url, request=AnswerRecordingRequest(), **extra)


# --------------------------------------------------------------------------- pacing


class Pacer:
    """Telegram's sending limits, enforced before each request (monotonic clock)."""

    def __init__(
        self,
        per_second: float = 29.5,
        chat_interval_s: float = 1.1,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1.0 / per_second
        self.chat_interval_s = chat_interval_s
        self.group_interval_s = 60.0 / group_per_minute
        self.clock = clock
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._lock = asyncio.Lock()

    def chat_ready_in(self, chat_id: int) -> float:
        return max(0.0, self._next_chat.get(chat_id, 0.0) - self.clock())

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` is within every limit, and claim the slot."""
        await asyncio.sleep(self.chat_ready_in(chat_id))
        async with self._lock:  # one global slot at a time, in order of arrival
            now = self.clock()
            start = max(now, self._next_global)
            self._next_global = start + self.interval
        await asyncio.sleep(max(0.0, start - now))
        self.sent(chat_id)

    def sent(self, chat_id: int) -> None:
        """Start the chat's gap again once the server has answered a send to it.

        The slot is claimed before the store marks the message and the request travels; a
        slow step there (a busy disk) put two messages to one chat under a second apart
        at the server although their slots were 1.1 s apart. The server saw the message
        before it answered, so a gap counted from the answer holds at the server too.
        """
        gap = self.group_interval_s if chat_id < 0 else self.chat_interval_s
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), self.clock() + gap)

    def pause(self, seconds: float) -> None:
        """After a 429: nothing goes out until it has passed."""
        self._next_global = max(self._next_global, self.clock() + seconds)


# --------------------------------------------------------------------------- the sender


class Deliverer:
    """Sends what the outbox holds; `run_until_idle` for tests and benches, `run` for the
    service (woken by `wake()` when something new is queued).

    `bot` must send through an `AnswerRecordingRequest` (build it with `delivery_bot`):
    without it an accepted message whose answer PTB cannot read would look like a failure.
    Every store call runs in a worker thread (`StoreThreads`; a Store given is reached
    through one of its own), so a write waiting for the lock never stalls the event loop.
    """

    def __init__(
        self,
        store: Store | StoreThreads,
        bot: Bot,
        pacer: Pacer | None = None,
        *,
        max_attempts: int = MAX_ATTEMPTS,
        concurrency: int = 8,
        backoff_base_s: float = 1.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not isinstance(bot.request, AnswerRecordingRequest):
            raise TypeError(
                "the Deliverer needs a bot built by bot.delivery.delivery_bot(), whose "
                "requests record the server's answer"
            )
        self.db = store if isinstance(store, StoreThreads) else StoreThreads(store.path, 1)
        self.bot = bot
        self.pacer = pacer or Pacer()
        self.max_attempts = max_attempts
        self.backoff_base_s = backoff_base_s
        self.concurrency = concurrency
        self.now = now
        self.sent_messages = 0
        self.unreadable_answers = 0
        """Parts the server accepted whose answer PTB could not read (recorded as sent)."""
        self._wake = asyncio.Event()
        self._busy_chats: set[int] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run_until_idle(self, max_wait_s: float = 120.0) -> None:
        """Deliver until nothing is due, waiting out retries up to `max_wait_s` between."""
        deadline = time.monotonic() + max_wait_s
        while True:
            sent = await self.deliver_due()
            if sent:
                deadline = time.monotonic() + max_wait_s
                continue
            pending = await self.db.run(Store.next_delivery_time)
            if pending is None or time.monotonic() > deadline:
                return
            await asyncio.sleep(min(0.5, self._seconds_until(pending)))

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver forever until `stop` is set; an in-flight row finishes its current part."""
        while not stop.is_set():
            try:
                await self.deliver_due()
            except Exception:  # noqa: BLE001 - the sender must outlive any one bad row
                log.exception("delivery round failed")
            pending = await self.db.run(Store.next_delivery_time)
            wait = 30.0 if pending is None else min(30.0, self._seconds_until(pending))
            self._wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            await asyncio.wait(
                waiters, timeout=max(0.05, wait), return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in waiters:
                waiter.cancel()

    async def deliver_due(self) -> int:
        """One round: every due row (one per chat), `concurrency` at a time. Rows handled."""
        rows = await self.db.run(Store.due_deliveries, utc_iso(self.now()), limit=2000)
        picked: list[OutboxRow] = []
        chats: set[int] = set()
        for row in rows:
            if row.chat_id not in chats and row.chat_id not in self._busy_chats:
                chats.add(row.chat_id)
                picked.append(row)
        if not picked:
            return 0
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: OutboxRow) -> None:
            async with gate:
                self._busy_chats.add(row.chat_id)
                try:
                    await self._deliver(row)
                finally:
                    self._busy_chats.discard(row.chat_id)

        await asyncio.gather(*(one(row) for row in picked))
        return len(picked)

    async def _deliver(self, row: OutboxRow) -> None:
        """Send the row's remaining parts in order; stop at the first failure."""
        for part in range(row.parts_sent, len(row.messages)):
            await self.pacer.acquire(row.chat_id)
            await self.db.run(Store.mark_sending, row.id)
            with recording_answer() as answer:
                try:
                    sent = await self.bot.send_message(
                        row.chat_id,
                        row.messages[part],
                        parse_mode=ParseMode.HTML,
                        disable_web_page_preview=True,
                    )
                except Exception as exc:  # noqa: BLE001 - sorted below: sent, retried or dead
                    if not answer.accepted:
                        await self._failed(row, exc)
                        return
                    message_id = self._accepted_unreadable(row, answer, exc)
                else:
                    message_id = sent.message_id
                finally:
                    self.pacer.sent(row.chat_id)
            done = part == len(row.messages) - 1
            await self.db.run(Store.mark_part_sent, row.id, message_id, done)
            self.sent_messages += 1

    def _accepted_unreadable(self, row: OutboxRow, answer: Answer, exc: Exception) -> int | None:
        """A 2xx PTB could not parse: the message is in the chat, so it counts as sent.

        Logged once at warning level; a server that answers like this answers every
        message so, and one line per subscriber would bury the log.
        """
        self.unreadable_answers += 1
        level = logging.WARNING if self.unreadable_answers == 1 else logging.DEBUG
        log.log(
            level,
            "the Bot API server accepted delivery %s to %s (HTTP %s) but its answer could "
            "not be read (%s); recorded as sent, not retried. Later cases are logged at "
            "debug level.",
            row.item,
            row.chat_id,
            answer.status,
            self._reason(exc),
        )
        return answer.message_id()

    async def _failed(self, row: OutboxRow, exc: Exception) -> None:
        """The server did not accept the part: retry what may get through, record the rest."""
        chat_id = row.chat_id
        if isinstance(exc, ChatMigrated):
            log.info("chat %s migrated to %s", chat_id, exc.new_chat_id)
            await self.db.run(Store.migrate_chat, chat_id, exc.new_chat_id)
            now = utc_iso(self.now())
            await self.db.run(Store.mark_retry, row.id, "chat migrated", now, counted=False)
        elif isinstance(exc, RetryAfter):
            wait = _seconds(exc.retry_after)
            self.pacer.pause(wait)
            await self._retry(row, f"flood control: retry after {wait:g} s", wait, counted=False)
        elif isinstance(exc, Forbidden):
            reason = f"chat unavailable: {exc.message}"
            dropped = await self.db.run(Store.deactivate_chat, chat_id, reason)
            log.info("chat %s paused (%s); %d deliveries dropped", chat_id, exc, dropped)
        elif isinstance(exc, BadRequest):
            await self.db.run(Store.mark_dead, row.id, f"refused by Telegram: {exc.message}")
            log.warning("delivery %s to %s refused: %s", row.item, chat_id, exc)
        elif isinstance(exc, NetworkError):  # 5xx, timeouts, no answer at all
            await self._backoff(row, f"network: {self._reason(exc)}")
        else:
            reason = self._reason(exc)
            await self.db.run(Store.mark_dead, row.id, f"not retried, unexpected error: {reason}")
            log.error("delivery %s to %s dead-lettered: %s", row.item, chat_id, reason)

    def _reason(self, exc: Exception) -> str:
        """The exception in one line, without the token (httpx puts URLs in its messages)."""
        text = " ".join(f"{type(exc).__name__}: {exc}".split())
        return text.replace(self.bot.token, "<token>") if self.bot.token else text

    async def _backoff(self, row: OutboxRow, error: str) -> None:
        attempts = await self._attempts(row.id)
        if attempts >= self.max_attempts:
            reason = f"gave up after {attempts} attempts: {error}"
            await self.db.run(Store.mark_dead, row.id, reason)
            log.warning("delivery %s to %s dead-lettered: %s", row.item, row.chat_id, error)
            return
        wait = min(MAX_BACKOFF_S, self.backoff_base_s * 2.0 ** (attempts - 1))
        await self._retry(row, error, wait, counted=True)

    async def _retry(self, row: OutboxRow, error: str, seconds: float, *, counted: bool) -> None:
        at = utc_iso(self.now() + timedelta(seconds=seconds))
        await self.db.run(Store.mark_retry, row.id, error, at, counted=counted)

    async def _attempts(self, row_id: int) -> int:
        found = await self.db.run(Store.delivery_attempts, row_id)
        return self.max_attempts if found is None else found

    def _seconds_until(self, iso: str) -> float:
        return max(0.0, (parse_utc_iso(iso) - self.now()).total_seconds())


def _seconds(value: float | timedelta) -> float:
    """PTB 22 gives retry_after as seconds or (with PTB_TIMEDELTA) a timedelta."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
