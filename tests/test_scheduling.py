"""Time travel through the scheduler's decisions: no sleeping, a real store, fixed clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.fakeapi import parse_html
from bot.schedule import next_delivery, queue_due_digests, queue_new_events
from summaries.pipeline import ingest_paths
from summaries.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FOUND = "2024-01-06T20:00:00.000000Z"  # when the seed events are said to have been found


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "s.db") as db:
        ingest_paths(db, [SEEDS], sentences=0)
        db.db.conn.execute("UPDATE events SET created_at = ?", [FOUND])
        yield db


def subscribe(store: Store, chat: int, code: str, cadence: str, tz: str = "UTC", **chat_opts):
    store.subscribe(chat, code, cadence)
    store.set_chat(chat, timezone=tz, **chat_opts)
    store.mark_handled([(chat, code)], "2024-01-01T00:00:00.000000Z")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def rows(store: Store, chat: int) -> list[str]:
    return [r.item for r in store.due_deliveries("9999") if r.chat_id == chat]


def test_a_daily_digest_is_queued_once_at_the_local_time_and_shared(store):
    subscribe(store, 1, "IR", "daily 08:00", "Europe/Paris")  # 07:00 UTC in January
    subscribe(store, 2, "IR", "daily 07:00", "UTC")  # the same instant: the same digest
    subscribe(store, 3, "IR", "daily 09:00", "UTC")
    assert queue_due_digests(store, at("2024-01-07 06:59")).rows == 0
    report = queue_due_digests(store, at("2024-01-07 07:00"))
    assert (report.rows, report.built) == (2, 1)
    assert rows(store, 1) == rows(store, 2) == ["digest:IR:daily:2024-01-07T07:00:00.000000Z"]
    assert queue_due_digests(store, at("2024-01-07 08:30")).rows == 0  # never twice
    assert queue_due_digests(store, at("2024-01-07 09:00")).rows == 1  # chat 3's slot
    [messages] = [r.messages for r in store.due_deliveries("9999") if r.chat_id == 1]
    assert messages[0].startswith("<b>Daily digest · Iran · 7 Jan 2024</b>")
    assert "Iran – France · phone call" in "".join(messages)
    for message in messages:
        parse_html(message)


def test_a_digest_with_nothing_new_is_sent_only_to_those_who_asked(store):
    subscribe(store, 1, "IR", "daily 07:00")
    subscribe(store, 2, "IR", "daily 07:00", nothing_new=True)
    queue_due_digests(store, at("2024-01-07 07:00"))
    report = queue_due_digests(store, at("2024-01-08 07:00"))  # nothing found since
    assert (report.rows, report.empty) == (1, 1)
    [note] = [r for r in store.due_deliveries("9999") if r.item.endswith("01-08T07:00:00.000000Z")]
    assert note.chat_id == 2 and "Nothing new about Iran" in note.messages[0]


def test_downtime_sends_the_missed_digest_once_within_grace_and_never_a_flood(store):
    subscribe(store, 1, "IR", "daily 07:00")
    # Down from the 3rd to the 7th: on restart only the latest slot goes out, once.
    report = queue_due_digests(store, at("2024-01-07 10:00"), grace=timedelta(hours=6))
    assert report.rows == 1 and rows(store, 1) == ["digest:IR:daily:2024-01-07T07:00:00.000000Z"]
    assert queue_due_digests(store, at("2024-01-07 10:05")).rows == 0
    # Down past the grace period: that day's digest is dropped; the next one comes.
    subscribe(store, 2, "FR", "daily 07:00")
    assert queue_due_digests(store, at("2024-01-07 14:00"), grace=timedelta(hours=6)).rows == 0
    assert queue_due_digests(store, at("2024-01-08 07:00")).empty >= 1


def test_a_daily_subscriber_gets_one_digest_a_day_across_the_spring_change(store):
    subscribe(store, 1, "IR", "daily 08:00", "Europe/Paris", nothing_new=True)
    moment, end = at("2024-03-28 00:00"), at("2024-04-02 00:00")
    while moment < end:  # every 15 minutes for five days, clocks going forward on the 31st
        queue_due_digests(store, moment)
        moment += timedelta(minutes=15)
    slots = [item.rsplit(":", 3)[-3:] for item in rows(store, 1)]
    assert [":".join(s) for s in slots] == [
        "2024-03-28T07:00:00.000000Z",
        "2024-03-29T07:00:00.000000Z",
        "2024-03-30T07:00:00.000000Z",
        "2024-03-31T06:00:00.000000Z",  # 08:00 summer time
        "2024-04-01T06:00:00.000000Z",
    ]


def test_weekly_digests_come_on_the_chosen_day(store):
    subscribe(store, 1, "IR", "weekly mon 09:00", "Asia/Tehran")
    found = []
    moment = at("2024-01-01 00:00")
    while moment < at("2024-01-16 00:00"):
        if queue_due_digests(store, moment).rows:
            found.append(moment)
        moment += timedelta(hours=1)
    # Mondays 09:00 in Tehran (+03:30) are 05:30 UTC, seen by the 06:00 pass. The first
    # Monday's window holds the seed events; the second has nothing new and is skipped.
    assert found == [at("2024-01-08 06:00")]


def test_instant_subscribers_get_each_new_event_once(store, tmp_path):
    subscribe(store, 7, "FR", "instant")
    assert queue_new_events(store).rows == 0  # the first pass only sets the watermark
    extra = tmp_path / "news.txt"
    extra.write_text(
        " date 2024-01-12 Paris Daily - President Emmanuel Macron held a telephone "
        "conversation with Iranian President Ebrahim Raisi on Thursday about the Red Sea.\n\n"
        "Macron urged Iran to use its influence to calm the region, the Elysee said.\n"
    )
    ingest_paths(store, [extra], sentences=0)
    report = queue_new_events(store)
    # One delivery per new event: the call and the appeal Macron made in it, now that the
    # "Paris Daily - " prefix is no longer read as text (the extractor decides how many).
    assert report.rows == report.built >= 1
    rows = store.due_deliveries("9999")
    assert len(rows) == report.rows and {row.chat_id for row in rows} == {7}
    assert any("Macron" in row.messages[0] for row in rows)
    assert queue_new_events(store).rows == 0


def test_next_delivery_is_shown_in_the_subscribers_time(store):
    now = at("2024-01-07 12:00")
    assert next_delivery("daily 08:00", "Europe/Paris", now) == "Mon 8 Jan 08:00 CET"
    assert next_delivery("instant", "UTC", now) == "as events arrive"
