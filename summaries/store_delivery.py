"""The delivery half of the store: chats, subscriptions, shared payloads and the outbox.

Delivery must survive restarts, crashes and Telegram's refusals, so every message is a row
before it is sent:
- a *payload* is what is sent (a digest's or an event's rendered messages), built once per
  item and shared by every chat that gets it: item keys such as "digest:IR:2024-01-07T07:00Z"
  or "event:42";
- an *outbox row* is one (chat, item) delivery, unique, so nothing is queued twice. It moves
  pending -> sending -> sent (or dead, with its reason); `parts_sent` counts the messages of a
  multi-part payload already delivered, so a restart resumes at the next part, in order.
  A row found in "sending" after a crash may or may not have reached Telegram: it is sent
  again (a possible duplicate, at most one message per such row; the other kind is a lost
  answer, see bot/delivery.py).

`Store` inherits these queries; the SQL stays next to the schema (store.py creates it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    code: str
    cadence: str  # "instant", "daily 08:00", "weekly mon 09:00" (summaries.schedule.Cadence)
    last_handled: str | None  # UTC ISO time of the last scheduled slot dealt with
    timezone: str
    active: bool  # False while the chat has blocked the bot


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    item: str
    status: str
    attempts: int
    parts_sent: int
    next_attempt: str
    last_error: str | None
    messages: list[str]


DELIVERY_SCHEMA = [
    """CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        timezone TEXT NOT NULL DEFAULT 'UTC',
        active INTEGER NOT NULL DEFAULT 1,
        nothing_new INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    )""",
    "ALTER TABLE subscriptions ADD COLUMN cadence TEXT NOT NULL DEFAULT 'instant'",
    "ALTER TABLE subscriptions ADD COLUMN last_handled TEXT",
    """CREATE TABLE payloads (
        item TEXT PRIMARY KEY,
        messages TEXT NOT NULL,
        events INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        item TEXT NOT NULL REFERENCES payloads(item),
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        parts_sent INTEGER NOT NULL DEFAULT 0,
        message_ids TEXT NOT NULL DEFAULT '[]',
        next_attempt TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        UNIQUE (chat_id, item)
    )""",
    "CREATE INDEX outbox_due ON outbox(status, next_attempt)",
    # A source's own polling interval (seconds); NULL = the configured default.
    "ALTER TABLE sources ADD COLUMN interval_s INTEGER",
]


class DeliveryQueries:
    """Mixed into Store: needs `self.db.conn` and `_savepoint()`."""

    db: Any

    # -- chats ----------------------------------------------------------------------------

    def chat_settings(self, chat_id: int) -> dict[str, Any]:
        row = self.db.conn.execute(
            "SELECT timezone, active, nothing_new FROM chats WHERE chat_id = ?", [chat_id]
        ).fetchone()
        if row is None:
            return {"timezone": "UTC", "active": True, "nothing_new": False}
        return {"timezone": row[0], "active": bool(row[1]), "nothing_new": bool(row[2])}

    def set_chat(self, chat_id: int, **fields: Any) -> None:
        """Set timezone / active / nothing_new for a chat, creating its row if needed."""
        allowed = {"timezone", "active", "nothing_new"}
        if not fields or set(fields) - allowed:
            raise ValueError(f"unknown chat fields: {sorted(set(fields) - allowed)}")
        columns = ", ".join(fields)
        marks = ", ".join("?" * len(fields))
        updates = ", ".join(f"{k} = excluded.{k}" for k in fields)
        self.db.conn.execute(
            f"INSERT INTO chats(chat_id, {columns}, updated_at) VALUES (?, {marks}, ?) "
            f"ON CONFLICT(chat_id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
            [chat_id, *(_sql_value(v) for v in fields.values()), now_iso()],
        )

    def reactivate_chat(self, chat_id: int) -> bool:
        """A user of an inactive chat wrote again: resume its subscriptions. True if it was
        inactive (so the caller can say so).

        Runs before every update the bot handles, so it reads first: a write, even one that
        changes no row, would wait for the write lock of an ingest running beside the bot.
        """
        paused = self.db.conn.execute(
            "SELECT 1 FROM chats WHERE chat_id = ? AND active = 0", [chat_id]
        ).fetchone()
        if paused is None:
            return False
        cur = self.db.conn.execute(
            "UPDATE chats SET active = 1, updated_at = ? WHERE chat_id = ? AND active = 0",
            [now_iso(), chat_id],
        )
        return cur.rowcount == 1

    def deactivate_chat(self, chat_id: int, reason: str) -> int:
        """The chat blocked the bot (or the user is gone): pause it and drop what is queued
        for it. Returns how many queued deliveries were dropped."""
        with self._savepoint():  # type: ignore[attr-defined]
            self.set_chat(chat_id, active=False)
            cur = self.db.conn.execute(
                "UPDATE outbox SET status = 'dead', last_error = ? "
                "WHERE chat_id = ? AND status IN ('pending', 'sending')",
                [reason, chat_id],
            )
        return cur.rowcount

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup with a new id: move everything the old id owned."""
        conn = self.db.conn
        with self._savepoint():  # type: ignore[attr-defined]
            for table in ("chats", "subscriptions", "outbox"):
                conn.execute(
                    f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", [new_id, old_id]
                )
                conn.execute(f"DELETE FROM {table} WHERE chat_id = ?", [old_id])

    def chat_count(self) -> dict[str, int]:
        row = self.db.conn.execute(
            "SELECT COUNT(DISTINCT s.chat_id), "
            "COUNT(DISTINCT CASE WHEN COALESCE(c.active, 1) = 0 THEN s.chat_id END) "
            "FROM subscriptions s LEFT JOIN chats c ON c.chat_id = s.chat_id"
        ).fetchone()
        return {"subscribed_chats": int(row[0]), "inactive_chats": int(row[1] or 0)}

    # -- subscriptions --------------------------------------------------------------------

    def subscribe(self, chat_id: int, code: str, cadence: str = "instant") -> bool:
        """Subscribe a chat to a country (or change its cadence); False if nothing changed.

        One row per (chat, country): subscribing again with another cadence replaces it.
        """
        cur = self.db.conn.execute(
            "INSERT INTO subscriptions(chat_id, code, created_at, cadence, last_handled) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(chat_id, code) DO UPDATE SET "
            "cadence = excluded.cadence, last_handled = excluded.last_handled "
            "WHERE subscriptions.cadence != excluded.cadence",
            [chat_id, code, now_iso(), cadence, now_iso()],
        )
        return cur.rowcount == 1

    def unsubscribe(self, chat_id: int, code: str | None) -> int:
        """Drop one subscription (or all of a chat's with code=None); how many went."""
        if code is None:
            cur = self.db.conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", [chat_id])
        else:
            cur = self.db.conn.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND code = ?", [chat_id, code]
            )
        return cur.rowcount

    def subscriptions(self, chat_id: int) -> list[str]:
        return [s.code for s in self.subscription_rows(chat_id)]

    def subscription_rows(self, chat_id: int | None = None) -> list[Subscription]:
        """A chat's subscriptions (all chats' with None), oldest first."""
        where, params = ("WHERE s.chat_id = ?", [chat_id]) if chat_id is not None else ("", [])
        rows = self.db.conn.execute(
            "SELECT s.chat_id, s.code, s.cadence, s.last_handled, "
            "COALESCE(c.timezone, 'UTC'), COALESCE(c.active, 1) "
            f"FROM subscriptions s LEFT JOIN chats c ON c.chat_id = s.chat_id {where} "
            "ORDER BY s.created_at, s.code",
            params,
        ).fetchall()
        return [Subscription(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def subscribers(self, code: str, cadence: str | None = None) -> list[int]:
        """Active chats subscribed to `code` (with exactly this cadence, if given)."""
        extra, params = ("AND s.cadence = ?", [cadence]) if cadence else ("", [])
        rows = self.db.conn.execute(
            "SELECT s.chat_id FROM subscriptions s LEFT JOIN chats c ON c.chat_id = s.chat_id "
            f"WHERE s.code = ? AND COALESCE(c.active, 1) = 1 {extra} ORDER BY s.chat_id",
            [code, *params],
        ).fetchall()
        return [r[0] for r in rows]

    def mark_handled(self, pairs: list[tuple[int, str]], slot: str) -> None:
        """Record that the slot of these (chat, country) subscriptions was dealt with."""
        self.db.conn.executemany(
            "UPDATE subscriptions SET last_handled = ? WHERE chat_id = ? AND code = ?",
            [(slot, chat_id, code) for chat_id, code in pairs],
        )

    # -- payloads and the outbox ----------------------------------------------------------

    def payload(self, item: str) -> tuple[list[str], int] | None:
        """A built payload's messages and number of events, or None if not built yet."""
        row = self.db.conn.execute(
            "SELECT messages, events FROM payloads WHERE item = ?", [item]
        ).fetchone()
        return (json.loads(row[0]), int(row[1])) if row else None

    def save_payload(self, item: str, messages: list[str], events: int) -> None:
        self.db.conn.execute(
            "INSERT OR IGNORE INTO payloads(item, messages, events, created_at) "
            "VALUES (?, ?, ?, ?)",
            [item, json.dumps(messages, ensure_ascii=False), events, now_iso()],
        )

    def enqueue(self, chat_ids: list[int], item: str) -> int:
        """Queue `item` for every chat that has not had it queued; how many were new."""
        conn = self.db.conn
        before = conn.total_changes
        with self._savepoint():  # type: ignore[attr-defined]
            conn.executemany(
                "INSERT OR IGNORE INTO outbox(chat_id, item, next_attempt, created_at) "
                "VALUES (?, ?, ?, ?)",
                [(chat_id, item, now_iso(), now_iso()) for chat_id in chat_ids],
            )
        return conn.total_changes - before

    def due_deliveries(self, now: str, limit: int = 500) -> list[OutboxRow]:
        """Rows ready to send (pending or interrupted, their retry time reached), oldest first."""
        rows = self.db.conn.execute(
            "SELECT o.id, o.chat_id, o.item, o.status, o.attempts, o.parts_sent, "
            "o.next_attempt, o.last_error, p.messages FROM outbox o "
            "JOIN payloads p ON p.item = o.item "
            "WHERE o.status IN ('pending', 'sending') AND o.next_attempt <= ? "
            "ORDER BY o.next_attempt, o.id LIMIT ?",
            [now, limit],
        ).fetchall()
        return [
            OutboxRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]))
            for r in rows
        ]

    def next_delivery_time(self) -> str | None:
        row = self.db.conn.execute(
            "SELECT MIN(next_attempt) FROM outbox WHERE status IN ('pending', 'sending')"
        ).fetchone()
        return row[0]

    def mark_sending(self, row_id: int) -> None:
        """About to send the next part: if we die now, the part counts as in flight."""
        self.db.conn.execute(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?",
            [row_id],
        )

    def mark_part_sent(self, row_id: int, message_id: int | None, done: bool) -> None:
        """One more part landed; `message_id` is None when the server's answer was unreadable."""
        self.db.conn.execute(
            "UPDATE outbox SET parts_sent = parts_sent + 1, attempts = 0, last_error = NULL, "
            "message_ids = json_insert(message_ids, '$[#]', ?), "
            "status = CASE WHEN ? THEN 'sent' ELSE 'sending' END, "
            "sent_at = CASE WHEN ? THEN ? ELSE sent_at END WHERE id = ?",
            [message_id, done, done, now_iso(), row_id],
        )

    def mark_retry(self, row_id: int, error: str, next_attempt: str, *, counted: bool) -> None:
        """Try again at `next_attempt`; `counted=False` (a 429) does not use up an attempt."""
        self.db.conn.execute(
            "UPDATE outbox SET status = 'pending', last_error = ?, next_attempt = ?, "
            "attempts = attempts - ? WHERE id = ?",
            [error, next_attempt, 0 if counted else 1, row_id],
        )

    def delivery_attempts(self, row_id: int) -> int | None:
        row = self.db.conn.execute("SELECT attempts FROM outbox WHERE id = ?", [row_id]).fetchone()
        return int(row[0]) if row else None

    def mark_dead(self, row_id: int, reason: str) -> None:
        self.db.conn.execute(
            "UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ?", [reason, row_id]
        )

    def outbox_counts(self) -> dict[str, int]:
        rows = self.db.conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        counts = {PENDING: 0, SENDING: 0, SENT: 0, DEAD: 0}
        counts.update({status: int(n) for status, n in rows})
        return counts

    def failed_deliveries(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.db.conn.execute(
            "SELECT id, chat_id, item, attempts, parts_sent, last_error, created_at "
            "FROM outbox WHERE status = 'dead' ORDER BY id DESC LIMIT ?",
            [limit],
        ).fetchall()
        keys = ("id", "chat_id", "item", "attempts", "parts_sent", "error", "created_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def delivered(self, chat_id: int) -> list[tuple[str, list[int | None]]]:
        """(item, message ids) sent to a chat, in the order they completed; an id is None
        where the server accepted the message but its answer could not be read."""
        rows = self.db.conn.execute(
            "SELECT item, message_ids FROM outbox WHERE chat_id = ? AND status = 'sent' "
            "ORDER BY sent_at, id",
            [chat_id],
        ).fetchall()
        return [(item, json.loads(ids)) for item, ids in rows]


def _sql_value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def now_iso() -> str:
    return utc_iso(datetime.now(UTC))


def parse_utc_iso(text: str) -> datetime:
    """The aware UTC datetime that `utc_iso` wrote."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def utc_iso(moment: datetime) -> str:
    """ "2024-01-07T08:00:00.000000Z": fixed width, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
