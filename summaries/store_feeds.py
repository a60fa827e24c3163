"""The feeds and folders `diplobot ingest` and `diplobot run` poll, with their polling state.

`Store` inherits these queries (the table is created in store.py's migrations); they are
kept apart from the articles because they change for another reason: how sources are
polled, not what a story is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


class FeedQueries:
    """Mixed into Store: needs `self.db` (a sqlite_utils Database) and `_savepoint()`."""

    db: Any

    def add_feed(
        self, kind: str, location: str, title: str | None = None, interval_s: int | None = None
    ) -> tuple[int, bool]:
        """Register a source once; (id, True) when new, (id, False) when already there.

        `interval_s` is how often `diplobot run` polls it (None: the configured default);
        adding a known source again with an interval updates it.
        """
        with self._savepoint():  # type: ignore[attr-defined]
            row = self.db.execute(
                "SELECT id FROM sources WHERE location = ?", [location]
            ).fetchone()
            if row:
                if interval_s is not None:
                    self.db.execute(
                        "UPDATE sources SET interval_s = ? WHERE id = ?", [interval_s, row[0]]
                    )
                return int(row[0]), False
            cur = self.db.execute(
                "INSERT INTO sources(kind, location, title, failures, added_at, interval_s) "
                "VALUES (?, ?, ?, 0, ?, ?)",
                [kind, location, title, _now(), interval_s],
            )
        return int(cur.lastrowid), True

    def remove_feed(self, source_id: int) -> bool:
        with self._savepoint():  # type: ignore[attr-defined]
            cur = self.db.execute("DELETE FROM sources WHERE id = ?", [source_id])
        return cur.rowcount == 1

    def feeds(self) -> list[dict]:
        """Every registered source with its polling state, oldest first."""
        return list(self.db["sources"].rows_where(order_by="id"))

    def feed_polled(self, source_id: int, error: str | None, **state: str | None) -> None:
        """Record a poll: success resets the failure count, an error increments it.

        `state` may carry etag, last_modified and next_attempt.
        """
        with self._savepoint():  # type: ignore[attr-defined]
            if error is None:
                self.db["sources"].update(
                    source_id, {"last_success": _now(), "failures": 0, **state}
                )
            else:
                failures = self.db["sources"].get(source_id)["failures"] or 0
                self.db["sources"].update(
                    source_id, {"last_error": error, "failures": failures + 1, **state}
                )


def _now() -> str:
    """The same format store.py writes ("2024-01-07T08:00:00+00:00"), which `next_attempt`
    is compared with as text."""
    return datetime.now(UTC).isoformat(timespec="seconds")
