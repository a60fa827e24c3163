"""What the bot's pages read of an event, kept current as reports arrive, so that no answer
costs more in a big store than in a small one.

A page of five events used to read every report of those events, summarise them all and
look up every article: at 100,000 articles an event has up to 80 reports, and /country,
/latest and Sources took 3-6 times their cost at 10,000. Now each cluster's row (see
store_events.py) also holds its **card**: everything a digest line shows that depends on
all its reports (the date most reports give, one actor per side, the people named, topics,
the actors' titles, how many articles) and its brief at each length in
`event_brief.KEPT_WORDS`. The card is rewritten, from all the cluster's reports, whenever a
report joins it, the same way the pages would compute it, so a page reads one row per event.

`cluster_weeks` counts a country's dated clusters per week (partner ""), per partner and
summed over partners ("*"), moved when a report changes a cluster's day: /trend reads
twelve weeks of counts instead of every cluster of the country in them (1,445 for the
United States at 100k).

The card also keeps the event's first `SOURCES_KEPT` Sources lines (the most a message
lists) and how many there are; a place an article is seen again (a republished copy)
rewrites the cards of its events (`_sighting_added`), so Sources reads one row too.

`Store` inherits these queries. A change to how cards or briefs are made needs a schema
migration that rewrites them (`_fill_clusters`): a kept card is never recomputed on read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from summaries import event_brief
from summaries.attribution import Source, sources_of
from summaries.store_events import EventCluster, cluster_ordering

if TYPE_CHECKING:
    import sqlite3

    from summaries.store import Sighting, StoredArticle

# The most Sources lines a card keeps: the most any message lists (bot/render.py).
SOURCES_KEPT = 30


@dataclass(frozen=True)
class ClusterCard:
    """An event as pages show it, read from its cluster's row (see the module docstring).

    It answers what EventCluster answers about the event (`type`, `sides`, `date`, `day`,
    `actors`, `topics`, `named`, `titles`, `article_count`), without its reports.
    """

    id: int
    day: str | None
    type: str
    cameo: str
    sides: tuple[str, ...]
    date: str | None
    actors: dict[str, dict[str, Any]]
    topics: list[str]
    named: list[tuple[str | None, str]]
    titles: list[str | None]
    article_count: int
    briefs: dict[int, list[str]]  # words -> brief, for the lengths in KEPT_WORDS
    sources: list[Source]  # the first SOURCES_KEPT Sources lines, first found first
    source_count: int  # all of them


# What digest lines are made from: a cluster with its reports, or its card.
Cluster = EventCluster | ClusterCard


def card_of(cluster: EventCluster, store: _Articles) -> ClusterCard:
    """The card of a cluster, computed from all its reports, the places its articles were
    seen, and (for a brief that needs a lead-in) its articles' texts."""
    sources = sources_of(store, cluster.article_ids)
    return ClusterCard(
        id=cluster.id,
        day=cluster.day,
        type=cluster.type,
        cameo=cluster.cameo,
        sides=cluster.sides,
        date=cluster.date,
        actors=cluster.actors,
        topics=cluster.topics,
        named=cluster.named,
        titles=cluster.titles,
        article_count=cluster.article_count,
        briefs=event_brief.briefs(cluster, event_brief.KEPT_WORDS, store.article_text),
        sources=sources[:SOURCES_KEPT],
        source_count=len(sources),
    )


class _Articles(Protocol):
    """What a card is made from besides the reports (the Store)."""

    def article(self, article_id: int) -> StoredArticle | None: ...

    def sightings(self, article_id: int) -> list[Sighting]: ...

    def article_text(self, article_id: int) -> str | None: ...


def monday(day: str) -> str:
    """The Monday of the week `day` (ISO) falls in: the week /trend counts it in."""
    parsed = date.fromisoformat(day)
    return (parsed - timedelta(days=parsed.weekday())).isoformat()


class ClusterPages:
    """Mixed into Store: needs `self.db.conn`, and EventQueries' `_clusters` and
    `_cluster_rows`."""

    db: Any

    def _refresh_clusters(self, cluster_ids: list[int]) -> None:
        """Rewrite the clusters' rows, cards and weekly counts from their reports, with the
        same properties the pages show (EventCluster.day, found_at), so SQL orders exactly
        as `newest_first` would and a card says what the reports say."""
        conn: sqlite3.Connection = self.db.conn
        for cluster in self._clusters(cluster_ids):  # type: ignore[attr-defined]
            ordering = cluster_ordering(cluster)
            before = conn.execute("SELECT day FROM clusters WHERE id = ?", [cluster.id]).fetchone()
            card = _card_json(card_of(cluster, self))  # type: ignore[arg-type]
            conn.execute(
                "INSERT INTO clusters(id, sides, day, ordering, first_at, card) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET day = excluded.day, "
                "ordering = excluded.ordering, card = excluded.card",
                [cluster.id, ",".join(cluster.sides), cluster.day, ordering,
                 cluster.reports[0].found_at, card],
            )  # fmt: skip
            conn.execute("DELETE FROM cluster_sides WHERE cluster_id = ?", [cluster.id])
            conn.executemany(
                "INSERT INTO cluster_sides(code, ordering, cluster_id) VALUES (?, ?, ?)",
                [(code, ordering, cluster.id) for code in set(cluster.sides)],
            )
            old_week = monday(before[0]) if before and before[0] else None
            new_week = monday(cluster.day) if cluster.day else None
            if before is None or old_week != new_week:
                if old_week:
                    self._count_week(cluster.sides, old_week, -1)
                if new_week:
                    self._count_week(cluster.sides, new_week, 1)

    def _count_week(self, sides: tuple[str, ...], week: str, step: int) -> None:
        """One cluster more (`step` 1) or fewer (-1) in `week` for each of its sides: in all
        (partner ""), with each other side, and in the sum over its partners (partner "*",
        a cluster with two partners counting twice), as weekly_trend counts them."""
        conn: sqlite3.Connection = self.db.conn
        codes = set(sides)
        rows = []
        for code in codes:
            partners = [other for other in sides if other != code]
            rows.append((code, week, "", step))
            rows += [(code, week, other, step) for other in partners]
            if partners:
                rows.append((code, week, "*", step * len(partners)))
        conn.executemany(
            "INSERT INTO cluster_weeks(code, week, partner, clusters) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(code, week, partner) DO UPDATE "
            "SET clusters = clusters + excluded.clusters",
            rows,
        )
        if step < 0:
            conn.executemany(
                "DELETE FROM cluster_weeks WHERE code = ? AND week = ? AND clusters <= 0",
                [(code, week) for code in codes],
            )

    def _fill_clusters(self) -> None:
        """Every cluster's row, sides, card and weekly counts written afresh from the events
        (a migration: the tables' former content is dropped)."""
        conn: sqlite3.Connection = self.db.conn
        for table in ("cluster_sides", "clusters", "cluster_weeks"):
            conn.execute(f"DELETE FROM {table}")
        ids = [row[0] for row in conn.execute("SELECT DISTINCT cluster_id FROM events")]
        for start in range(0, len(ids), 500):  # a few hundred clusters' reports in memory
            self._refresh_clusters(ids[start : start + 500])

    def _sighting_added(self, article_id: int) -> None:
        """An article was seen at one more place: its events' cards list it."""
        rows = self.db.conn.execute(
            "SELECT DISTINCT cluster_id FROM events WHERE article_id = ?", [article_id]
        ).fetchall()
        if rows:
            self._refresh_clusters([row[0] for row in rows])

    def article_text(self, article_id: int) -> str | None:
        """An article's text alone: what a brief's lead-in looks for its sentences in."""
        row = self.db.conn.execute("SELECT text FROM articles WHERE id = ?", [article_id])
        found = row.fetchone()
        return found[0] if found else None

    def cluster_cards(self, code: str | None = None, **query: Any) -> list[ClusterCard]:
        """The cards of the clusters `event_clusters` returns for the same arguments (a
        partner, a period, when found, `limit` and `offset`), in the same order: one row
        read per cluster, whatever its number of reports."""
        rows = self._cluster_rows(code, with_card=True, **query)  # type: ignore[attr-defined]
        return [self._card(cluster_id, day, card) for cluster_id, day, _, card in rows]

    def cluster_card(self, cluster_id: int) -> ClusterCard | None:
        row = self.db.conn.execute(
            "SELECT id, day, card FROM clusters WHERE id = ?", [cluster_id]
        ).fetchone()
        return self._card(*row) if row else None

    def _card(self, cluster_id: int, day: str | None, card: str | None) -> ClusterCard:
        if card is None:  # not written yet (a cluster stored by code before cards): make it
            cluster = self.event_cluster(cluster_id)  # type: ignore[attr-defined]
            return card_of(cluster, self)  # type: ignore[arg-type]
        return _card_from(cluster_id, day, card)

    def week_counts(
        self, code: str, weeks: list[str], partners: list[str]
    ) -> list[tuple[str, str, int]]:
        """(week, partner, clusters) of `code` in `weeks` (Mondays): partner "" counts all
        its clusters that week, "*" the sum over all partners, one of `partners` its
        clusters with that partner. A dozen rows per series, read by key."""
        asked = ["", "*", *partners]
        rows = self.db.conn.execute(
            f"SELECT week, partner, clusters FROM cluster_weeks WHERE code = ? "
            f"AND week IN ({','.join('?' * len(weeks))}) "
            f"AND partner IN ({','.join('?' * len(asked))})",
            [code, *weeks, *asked],
        ).fetchall()
        return [(week, partner, int(n)) for week, partner, n in rows]

    def busiest_partners(self, code: str, weeks: list[str], limit: int) -> list[str]:
        """`code`'s `limit` partners with most clusters in `weeks` (Mondays), busiest first,
        ties by code."""
        rows = self.db.conn.execute(
            "SELECT partner, SUM(clusters) AS n FROM cluster_weeks WHERE code = ? "
            f"AND week IN ({','.join('?' * len(weeks))}) AND partner NOT IN ('', '*') "
            "GROUP BY partner HAVING n > 0 ORDER BY n DESC, partner LIMIT ?",
            [code, *weeks, limit],
        ).fetchall()
        return [partner for partner, _ in rows]


def _card_json(card: ClusterCard) -> str:
    """The card as its row keeps it (id and day are columns of their own)."""
    return json.dumps(
        {
            "type": card.type,
            "cameo": card.cameo,
            "sides": card.sides,
            "date": card.date,
            "actors": card.actors,
            "topics": card.topics,
            "named": card.named,
            "titles": card.titles,
            "articles": card.article_count,
            "briefs": {str(words): brief for words, brief in card.briefs.items()},
            "sources": [[s.outlet, s.title, s.published, s.url, s.found_at] for s in card.sources],
            "source_count": card.source_count,
        },
        ensure_ascii=False,
    )


def _card_from(cluster_id: int, day: str | None, text: str) -> ClusterCard:
    kept = json.loads(text)
    return ClusterCard(
        id=cluster_id,
        day=day,
        type=kept["type"],
        cameo=kept["cameo"],
        sides=tuple(kept["sides"]),
        date=kept["date"],
        actors=kept["actors"],
        topics=kept["topics"],
        named=[(key, person) for key, person in kept["named"]],
        titles=kept["titles"],
        article_count=kept["articles"],
        briefs={int(words): brief for words, brief in kept["briefs"].items()},
        sources=[Source(*line) for line in kept["sources"]],
        source_count=kept["source_count"],
    )
