"""What runs on its own inside `diplobot run`: polling, instant alerts, scheduled digests.

python-telegram-bot's JobQueue (APScheduler 3 underneath) drives it: its jobs start and stop
with the Application (polling or webhook, graceful shutdown included) and run on the bot's
own event loop, so no second scheduler or thread pool has to be kept in step. The jobs keep
no state of their own: everything they decide is in the database (subscriptions'
`last_handled`, the outbox, the instant watermark), so a restart picks up where it was.

- every `poll_check_s`: the sources whose time has come are polled (in a worker thread,
  with its own connection); a failing source backs off alone (summaries.polling);
- after each ingest: new events for instant subscribers are queued;
- every `digest_check_s`: daily and weekly digests that fell due are queued, once per
  subscription and slot; after downtime only slots within `grace` are sent (never a stale
  flood); a digest is built once per (country, window) and shared by every subscriber;
- the Deliverer (bot/delivery.py) sends the outbox, woken whenever something is queued.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from bot import render
from summaries import digest as digests
from summaries import schedule
from summaries.store import Store
from summaries.store_delivery import parse_utc_iso, utc_iso

log = logging.getLogger(__name__)

INSTANT_WATERMARK = "instant_watermark"
DIGEST_EVENTS = 10


@dataclass(frozen=True)
class QueueReport:
    """What one scheduling pass queued: outbox rows, payloads built (and the seconds spent
    building them), slots skipped empty."""

    rows: int = 0
    built: int = 0
    empty: int = 0
    build_s: float = 0.0


def queue_new_events(store: Store) -> QueueReport:
    """Queue each event found since the last call for its countries' instant subscribers.

    The watermark (the last event id handled) is stored with the rows it produced, so an
    event is pushed once even across crashes. The first call only sets the watermark: a
    new installation does not push its whole history.
    """
    mark = store.meta(INSTANT_WATERMARK)
    latest = store.latest_event_id()
    if mark is None:
        store.set_meta(INSTANT_WATERMARK, str(latest))
        return QueueReport()
    rows = built = 0
    with store.transaction():
        for cluster in store.new_clusters(after_event_id=int(mark)):
            chats = sorted(
                {c for code in cluster.sides for c in store.subscribers(code, "instant")}
            )
            if not chats:
                continue
            item = f"event:{cluster.id}"
            if store.payload(item) is None:
                entry = digests.digest_item(store, cluster, 0.0)
                store.save_payload(item, [render.event_block(entry)], 1)
                built += 1
            rows += store.enqueue(chats, item)
        store.set_meta(INSTANT_WATERMARK, str(latest))
    return QueueReport(rows, built)


def queue_due_digests(
    store: Store, now: datetime | None = None, grace: timedelta = timedelta(hours=6)
) -> QueueReport:
    """Queue every daily/weekly digest whose slot fell due (see the module docstring).

    A slot's subscriptions are marked handled in the same transaction as their rows, so a
    crash between the two cannot send a digest twice or lose it.
    """
    now = now or datetime.now(UTC)
    rows = built = empty = 0
    build_s = 0.0
    with store.transaction():
        for sub in store.subscription_rows():
            if not sub.active or sub.cadence == "instant":
                continue
            slot = _due_slot(sub.cadence, sub.timezone, sub.last_handled, now, grace)
            if slot is None:
                continue
            started = time.perf_counter()
            item, events, is_new = _digest_payload(store, sub.code, sub.cadence, slot)
            if is_new:  # the time to build digests, not to look up one already built
                build_s += time.perf_counter() - started
                built += 1
            if events or store.chat_settings(sub.chat_id)["nothing_new"]:
                rows += store.enqueue([sub.chat_id], item)
            else:
                empty += 1
            store.mark_handled([(sub.chat_id, sub.code)], utc_iso(slot))
    return QueueReport(rows, built, empty, build_s)


def next_delivery(cadence_text: str, timezone: str, now: datetime | None = None) -> str:
    """ "Tue 24 Nov 08:00 CET" for /subscriptions; "as events arrive" for instant ones."""
    cadence = _cadence(cadence_text)
    if cadence.mode == "instant":
        return "as events arrive"
    tz = _timezone(timezone)
    return schedule.format_local(schedule.next_due(cadence, tz, now or datetime.now(UTC)), tz)


def _due_slot(
    cadence_text: str, timezone: str, last: str | None, now: datetime, grace: timedelta
) -> datetime | None:
    try:
        cadence, tz = _cadence(cadence_text), _timezone(timezone)
    except ValueError:
        log.warning("unreadable schedule %r / %r left alone", cadence_text, timezone)
        return None
    handled = parse_utc_iso(last) if last else None
    slots = schedule.due_slots(cadence, tz, handled, now, grace)
    return slots[-1] if slots else None


def _digest_payload(
    store: Store, code: str, cadence_text: str, slot: datetime
) -> tuple[str, int, bool]:
    """The shared payload for (country, window): built on first use, then reused."""
    cadence = _cadence(cadence_text)
    since, until = schedule.window(cadence, slot)
    item = f"digest:{code}:{cadence.mode}:{utc_iso(until)}"
    found = store.payload(item)
    if found is not None:
        return item, found[1], False
    digest = digests.build_digest(
        store,
        code,
        found_after=utc_iso(since),
        found_until=utc_iso(until),
        limit=DIGEST_EVENTS,
        today=until.date(),
    )
    name = digests.side_name(code)
    label = "Daily" if cadence.mode == "daily" else "Weekly"
    title = f"{label} digest · {name} · {digests.human_day(until.date().isoformat())}"
    if digest.items:
        messages = render.digest_messages(digest, title=title)
    else:
        messages = [render.nothing_new(title, name)]
    store.save_payload(item, messages, len(digest.items))
    return item, len(digest.items), True


@lru_cache(maxsize=1024)
def _cadence(text: str) -> schedule.Cadence:
    return schedule.Cadence.parse(text)


@lru_cache(maxsize=1024)
def _timezone(name: str) -> Any:
    return schedule.parse_timezone(name)
