"""The event half of the store: diplomatic events, clustered across articles as they arrive.

Reports of one event from several outlets become one cluster: the same type of event between
the same sides, close in time, and with no contradiction between the people named for a
side (a foreign ministers' call and a presidents' call on the same day are two events).
Clustering happens when an article's events are stored, so a cluster id never changes and
can key a button, a delivery or a digest line.

Time is never invented: a cluster's `day` is a date a source states (the event's own, else
its article's publication date) or None. The `day` column, which falls back to the day the
article was found, only places reports for clustering; it is never shown, sorted on or
counted as the news's date. Undated clusters come after dated ones, newest found first.

Pages are chosen in SQL. Each cluster has a row in `clusters` (and one per side in
`cluster_sides`), rewritten whenever a report joins it (store_pages.py, which also keeps
there what a page shows of it), holding its stated day, its sides
and `ordering`, the key every list sorts on: "1" + the stated day for a dated cluster, "0" +
when it was found for an undated one. Sorting on it descending (ties by id, newest first)
puts dated clusters first, newest first, then undated ones, the latest found first, which
is `newest_first`; a period is a range of it ("1" + since .. "1" + until), so an undated
cluster is in none. A page of five then reads five clusters' reports, whatever the store
holds (at 100,000 articles, loading all of Iran's 2,500 clusters to show five took 170 ms).

`Store` inherits these queries; the SQL stays next to the schema it reads (store.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from summaries.store_delivery import now_iso as _now

if TYPE_CHECKING:
    import sqlite3

# Two reports with known dates are one event only on the same day or the next (a call on
# Saturday is reported on Saturday and on Sunday). When a date is unknown the article's day
# stands in, and reports up to this many days apart may describe the same event.
KNOWN_DATE_SLACK_DAYS = 1
UNKNOWN_DATE_SLACK_DAYS = 2


@dataclass(frozen=True)
class EventRecord:
    """An event as the pipeline hands it over (from summaries.events.Event)."""

    date: str | None
    date_how: str | None
    type: str
    cameo: str
    sides: tuple[str, ...]
    actors: list[dict[str, Any]]
    topics: list[str]
    sentences: list[str]


@dataclass(frozen=True)
class StoredEvent:
    """One article's report of an event, as read back."""

    id: int
    cluster_id: int
    article_id: int
    date: str | None
    day: str
    type: str
    cameo: str
    sides: tuple[str, ...]
    actors: list[dict[str, Any]]
    topics: list[str]
    sentences: list[str]
    article_title: str | None
    locator: str
    # The publication date the article states (None when it states none), and when this
    # report was stored: "when we found it", never the news's date.
    article_date: str | None = None
    found_at: str = ""


@dataclass
class EventCluster:
    """All reports of one event: what digests rank and render."""

    id: int
    reports: list[StoredEvent] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.reports[0].type

    @property
    def cameo(self) -> str:
        return self.reports[0].cameo

    @property
    def sides(self) -> tuple[str, ...]:
        return self.reports[0].sides

    @property
    def date(self) -> str | None:
        """The date most reports give (earliest on a tie); None when none states one."""
        known = [r.date for r in self.reports if r.date]
        if not known:
            return None
        return min(set(known), key=lambda d: (-known.count(d), d))

    @property
    def day(self) -> str | None:
        """The day the news is placed on: its own date, else the earliest publication date
        of its articles; None when no source states one (never the day it was found)."""
        stated = [r.article_date for r in self.reports if r.article_date]
        return self.date or (min(stated) if stated else None)

    @property
    def found_at(self) -> str:
        """When its first report was stored (UTC, ISO): what "found" means, never "dated"."""
        return min(r.found_at for r in self.reports)

    @property
    def actors(self) -> dict[str, dict[str, Any]]:
        """One actor per side, over all reports: a named one when any report names one."""
        by_side: dict[str, dict[str, Any]] = {}
        for report in self.reports:
            for actor in report.actors:
                current = by_side.get(actor["side"])
                if current is None or (actor.get("person") and not current.get("person")):
                    by_side[actor["side"]] = actor
        return by_side

    @property
    def article_ids(self) -> list[int]:
        return list(dict.fromkeys(r.article_id for r in self.reports))

    @property
    def article_count(self) -> int:
        return len(self.article_ids)

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(t for r in self.reports for t in r.topics))

    @property
    def named(self) -> list[tuple[str | None, str]]:
        """(person key, spelling) of every named actor, in report order, each pair once:
        what digest.people turns into one name per person."""
        pairs = (
            (actor.get("person_key"), actor["person"])
            for report in self.reports
            for actor in report.actors
            if actor.get("person")
        )
        return list(dict.fromkeys(pairs))

    @property
    def titles(self) -> list[str | None]:
        """Every actor's title (None for an actor without one), each once: what
        digest.importance ranks the event's most senior actor by."""
        return list(dict.fromkeys(a.get("title") for r in self.reports for a in r.actors))


class EventQueries:
    """Mixed into Store: needs `self.db.conn` and `_savepoint()`."""

    db: Any

    def add_events(
        self, article_id: int, article_day: str, events: list[EventRecord]
    ) -> list[tuple[int, bool]]:
        """Store an article's events; per event (cluster id, True if it started a cluster).

        `article_day` (the article's date, or the day it was ingested) places undated events
        for clustering only: reports of one undated event arrive within days of each other.
        """
        conn: sqlite3.Connection = self.db.conn
        out: list[tuple[int, bool]] = []
        with self._savepoint():  # type: ignore[attr-defined]
            for event in events:
                day = event.date or article_day
                cluster = self._matching_cluster(event, day)
                event_id = conn.execute(
                    "INSERT INTO events(article_id, cluster_id, date, date_how, day, type, "
                    "cameo, sides, actors, topics, sentences, created_at) "
                    "VALUES (?, COALESCE(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [
                        article_id,
                        cluster,
                        event.date,
                        event.date_how,
                        day,
                        event.type,
                        event.cameo,
                        ",".join(sorted(event.sides)),
                        json.dumps(event.actors, ensure_ascii=False),
                        json.dumps(event.topics, ensure_ascii=False),
                        json.dumps(event.sentences, ensure_ascii=False),
                        _now(),
                    ],
                ).fetchone()[0]
                if cluster is None:
                    conn.execute("UPDATE events SET cluster_id = id WHERE id = ?", [event_id])
                conn.executemany(
                    "INSERT OR IGNORE INTO event_sides(event_id, code) VALUES (?, ?)",
                    [(event_id, code) for code in set(event.sides)],
                )
                out.append((cluster or event_id, cluster is None))
                self._count_people(event.actors)
            # store_pages.py: each cluster's row, card and weekly counts, kept current.
            self._refresh_clusters(  # type: ignore[attr-defined]
                list(dict.fromkeys(cluster_id for cluster_id, _ in out))
            )
        return out

    def _count_people(self, actors: list[dict[str, Any]]) -> None:
        """One more report for each person named: `person_spellings` reads these counts
        instead of every event's actors (a scan of 100,000 events after each ingest)."""
        self.db.conn.executemany(
            "INSERT INTO person_counts(person, reports) VALUES (?, 1) "
            "ON CONFLICT(person) DO UPDATE SET reports = reports + 1",
            [(str(a["person"]),) for a in actors if a.get("person") is not None],
        )

    def _matching_cluster(self, event: EventRecord, day: str) -> int | None:
        """The cluster an event belongs to, or None for a new event (see module docstring)."""
        slack = KNOWN_DATE_SLACK_DAYS if event.date else UNKNOWN_DATE_SLACK_DAYS
        rows = self.db.conn.execute(
            "SELECT cluster_id, date, actors FROM events WHERE sides = ? AND type = ? "
            "AND day BETWEEN date(?, ?) AND date(?, ?) ORDER BY cluster_id",
            [
                ",".join(sorted(event.sides)),
                event.type,
                day,
                f"-{UNKNOWN_DATE_SLACK_DAYS} days",
                day,
                f"+{UNKNOWN_DATE_SLACK_DAYS} days",
            ],
        ).fetchall()
        for cluster_id, other_date, actors in rows:
            if event.date and other_date and _days_apart(event.date, other_date) > slack:
                continue
            if _same_people(event.actors, json.loads(actors)):
                return int(cluster_id)
        return None

    def event_clusters(
        self,
        code: str | None = None,
        *,
        partner: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        found_after: str | None = None,
        found_until: str | None = None,
    ) -> list[EventCluster]:
        """Clusters involving `code` (and `partner`), newest first; all when code is None.

        `since`/`until` (ISO days, inclusive) filter on the cluster's stated day, so an
        undated cluster is in no period; `found_after` / `found_until` (UTC times, as
        utc_iso writes them) on when its first report was stored: what a scheduled digest
        calls new. Dated clusters come first, newest first; undated ones after them, the
        latest found first (see `newest_first`); `offset` and `limit` page through them
        in SQL, so only the page's reports are read.
        """
        ids = [cluster_id for cluster_id, _, _, _ in self._cluster_rows(
            code, partner=partner, since=since, until=until, limit=limit, offset=offset,
            found_after=found_after, found_until=found_until,
        )]  # fmt: skip
        by_id = {c.id: c for c in self._clusters(ids)}
        return [by_id[i] for i in ids if i in by_id]

    def cluster_days(
        self, code: str, *, partner: str | None = None, since: str | None = None
    ) -> list[tuple[str | None, tuple[str, ...]]]:
        """(stated day, sides) of each of `code`'s clusters (with `partner`, from `since`),
        newest first: what counts and charts need, without reading a report."""
        rows = self._cluster_rows(code, partner=partner, since=since)
        return [(day, tuple(sides.split(","))) for _, day, sides, _ in rows]

    def _cluster_rows(
        self,
        code: str | None,
        *,
        partner: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        found_after: str | None = None,
        found_until: str | None = None,
        with_card: bool = False,
    ) -> list[tuple[int, str | None, str, str | None]]:
        """(id, day, sides, card) of the clusters asked for, in `ordering` order (module
        doc); the card (store_pages.py) only `with_card`, else None: a chart or a count
        reads thousands of rows and needs none."""
        # With a side, walk that side's index in order; else the clusters' own.
        table = "cluster_sides k JOIN clusters c ON c.id = k.cluster_id" if code else "clusters c"
        key, key_id = ("k", "k.cluster_id") if code else ("c", "c.id")
        where, params = ["1 = 1"], []
        if code:
            where.append("k.code = ?")
            params.append(code)
        if partner:
            where.append(
                "EXISTS (SELECT 1 FROM cluster_sides p WHERE p.cluster_id = c.id AND p.code = ?)"
            )
            params.append(partner)
        if since:
            where.append(f"{key}.ordering >= ?")
            params.append("1" + since)
        if until:
            where.append(f"{key}.ordering BETWEEN '1' AND ?")
            params.append("1" + until)
        if found_after or found_until:
            # Read from the events themselves, as before: a scheduled digest's window, not a
            # page, and what a correction of events.created_at must move.
            where.append(
                "c.id IN (SELECT id FROM events WHERE id = cluster_id "
                "AND created_at > ? AND created_at <= ?)"
            )
            params += [found_after or "", found_until or "9999"]
        card = "c.card" if with_card else "NULL"
        rows = self.db.conn.execute(
            f"SELECT c.id, c.day, c.sides, {card} FROM {table} WHERE {' AND '.join(where)} "
            f"ORDER BY {key}.ordering DESC, {key_id} DESC LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset],
        ).fetchall()
        return [(int(i), day, sides, card) for i, day, sides, card in rows]

    def event_cluster(self, cluster_id: int) -> EventCluster | None:
        found = self._clusters([cluster_id])
        return found[0] if found else None

    def new_clusters(self, after_event_id: int) -> list[EventCluster]:
        """Clusters started by an event stored after `after_event_id`, oldest first (a
        report joining an older cluster is not new news)."""
        ids = [
            row[0]
            for row in self.db.conn.execute(
                "SELECT id FROM events WHERE id > ? AND id = cluster_id ORDER BY id",
                [after_event_id],
            )
        ]
        return sorted(self._clusters(ids), key=lambda c: c.id)

    def person_spellings(self) -> dict[str, int]:
        """Every person's name as the reports spell it -> how many reports use it: what
        summaries.names picks one spelling per person from.

        Counted as events are stored (`person_counts`), and the result kept until another
        event is stored, so a page of headlines costs one MAX(id) look-up.
        """
        latest = self.latest_event_id()
        cached = getattr(self, "_spellings", None)
        if cached is not None and cached[0] == latest:
            return cached[1]
        rows = self.db.conn.execute("SELECT person, reports FROM person_counts").fetchall()
        spellings = {str(person): int(n) for person, n in rows}
        self._spellings = (latest, spellings)
        return spellings

    def latest_event_id(self) -> int:
        return int(self.db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    def event_count(self) -> int:
        return int(self.db.conn.execute("SELECT COUNT(*) FROM clusters").fetchone()[0])

    def _clusters(self, cluster_ids: list[int]) -> list[EventCluster]:
        clusters: dict[int, EventCluster] = {}
        for chunk_start in range(0, len(cluster_ids), 500):
            chunk = cluster_ids[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.conn.execute(
                "SELECT e.id, e.cluster_id, e.article_id, e.date, e.day, e.type, e.cameo, "
                "e.sides, e.actors, e.topics, e.sentences, a.title, "
                "(SELECT locator FROM article_sources s WHERE s.article_id = a.id "
                "ORDER BY seen_at LIMIT 1), a.published, e.created_at "
                f"FROM events e JOIN articles a ON a.id = e.article_id "
                f"WHERE e.cluster_id IN ({marks}) ORDER BY e.id",
                chunk,
            ).fetchall()
            for row in rows:
                event = _stored_event(row)
                clusters.setdefault(event.cluster_id, EventCluster(event.cluster_id))
                clusters[event.cluster_id].reports.append(event)
        return list(clusters.values())


def newest_first(clusters: list[EventCluster]) -> list[EventCluster]:
    """Dated clusters newest first, then the undated ones, the latest found first.

    An undated story is not today's news: placing it by when it was found put 2024
    stories above yesterday's, so it goes below every dated one.
    """
    dated = sorted((c for c in clusters if c.day), key=lambda c: (c.day, c.id), reverse=True)
    undated = sorted(
        (c for c in clusters if not c.day), key=lambda c: (c.found_at, c.id), reverse=True
    )
    return dated + undated


def cluster_ordering(cluster: EventCluster) -> str:
    """The key `newest_first` sorts on, as one string (see the module docstring)."""
    return "1" + cluster.day if cluster.day else "0" + cluster.found_at


def _stored_event(row: tuple) -> StoredEvent:
    (event_id, cluster_id, article_id, day_, day, kind, cameo, sides, actors, topics,
     sentences, title, locator, article_date, found_at) = row  # fmt: skip
    return StoredEvent(
        id=event_id,
        cluster_id=cluster_id,
        article_id=article_id,
        date=day_,
        day=day,
        type=kind,
        cameo=cameo or "",
        sides=tuple(sides.split(",")) if sides else (),
        actors=json.loads(actors),
        topics=json.loads(topics),
        sentences=json.loads(sentences),
        article_title=title,
        locator=locator or "",
        article_date=article_date,
        found_at=found_at or "",
    )


def _days_apart(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _same_people(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    """False only when a side is given two different named people by the two reports."""
    people_a = defaultdict(set)
    for actor in a:
        if actor.get("person_key"):
            people_a[actor["side"]].add(actor["person_key"])
    for actor in b:
        known = people_a.get(actor["side"])
        if known and actor.get("person_key") and actor["person_key"] not in known:
            return False
    return True
