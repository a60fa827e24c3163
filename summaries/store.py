"""The SQLite store: the queries the rest of diplobot needs (schema and migrations in
store_schema.py; events, delivery and feeds in their own store_*.py mixins).

Everything that touches SQL lives here, so handlers and the CLI speak in intents
(`add_article`, `articles_about`, `subscribe`) and never build queries themselves.
The store must never lose or half-write an article: each article is written in one
transaction, and a second ingest of the same text is recognised by its content hash.

Several processes share one database (`diplobot run` and a `diplobot ingest` beside it), so
every write transaction starts with BEGIN IMMEDIATE: it waits for the write lock (up to
BUSY_TIMEOUT_S) before it reads anything. A deferred transaction that reads and then writes
cannot wait: when another process committed in between, SQLite refuses the upgrade at once
with "database is locked", whatever the busy timeout. Callers keep transactions short (the
pipeline analyses articles before it opens one), since the lock is the whole database's.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from summaries import dedup
from summaries.store_delivery import DeliveryQueries
from summaries.store_events import EventQueries
from summaries.store_feeds import FeedQueries
from summaries.store_pages import ClusterPages
from summaries.store_schema import SCHEMA_VERSION, SchemaMigrations

__all__ = [
    "BUSY_TIMEOUT_S", "SCHEMA_VERSION", "ArticleRecord", "CountryRef", "Sighting", "Store",
    "StoredArticle", "default_db_path",
]  # fmt: skip

# How long a connection waits for another's write lock before "database is locked". Write
# transactions last milliseconds (bench/concurrency.py), so reaching this means a writer is
# stuck, and failing loudly beats waiting forever.
BUSY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class CountryRef:
    """A country an article is tagged with; `primary` means the story is about it."""

    code: str
    mentions: int
    primary: bool


@dataclass
class ArticleRecord:
    """One article ready to be stored: cleaned, dated, tagged and summarised."""

    content_hash: str
    title: str | None
    text: str
    summary: list[str]
    published: str | None
    date_source: str | None
    source: str
    locator: str
    countries: list[CountryRef] = field(default_factory=list)
    minhash: dedup.Signature | None = None
    # The full UTC time ("2024-03-05T08:30:00Z") when the source gave one; `published`
    # stays the UTC day, the key every query by period uses.
    published_at: str | None = None
    # Who published it, as the source names itself (feed title, site name, "Islam Times - ").
    outlet: str | None = None


@dataclass(frozen=True)
class Sighting:
    """One place a story was seen, as a reader's Sources line shows it: the outlet, that
    copy's headline and stated date, where it is (`locator`: a URL, a file or a record)
    and when it was found. A story republished by two outlets has two."""

    outlet: str | None
    title: str | None
    published: str | None
    locator: str
    found_at: str

    @property
    def url(self) -> str | None:
        """The link a reader can open; None for a file or a record (never shown)."""
        return self.locator if self.locator.startswith(("http://", "https://")) else None


@dataclass(frozen=True)
class StoredArticle:
    """An article as read back from the store."""

    id: int
    title: str | None
    text: str
    summary: list[str]
    published: str | None
    date_source: str | None
    locator: str
    published_at: str | None = None
    found_at: str | None = None  # when it was ingested (UTC, ISO): never its date


# The shortest word a search term may be split into when the index holds it written as two
# ("Amirabdollahian" -> "Amir Abdollahian"): shorter pieces ("a", "al") match too much.
_MIN_PART = 3
# Matches ranked per search: the newest ones (see `Store.search`).
_RANKED = 200


def default_db_path() -> Path:
    """Where the database lives when neither --db nor DIPLOBOT_DB says otherwise.

    Follows the XDG base-directory convention so that a user's data survives upgrades
    and never lands in the working directory by accident.
    """
    env = os.environ.get("DIPLOBOT_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "diplobot" / "diplobot.db"


class Store(SchemaMigrations, EventQueries, ClusterPages, DeliveryQueries, FeedQueries):
    """A diplobot database file, migrated to the current schema on open."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Use a Store from one thread at a time (the bot gives each of its worker threads a
        # Store of its own); check_same_thread=False lets one be opened in one thread and
        # used or closed in another. Autocommit (isolation_level=None): a lone
        # statement commits itself, and every multi-statement write opens its transaction
        # explicitly (BEGIN IMMEDIATE, see _savepoint), never implicitly behind the code's back.
        conn = sqlite3.connect(
            str(self.path), check_same_thread=False, timeout=BUSY_TIMEOUT_S, isolation_level=None
        )
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA foreign_keys = ON")
        # Inside batch(): the largest article id before it began; the batch's new articles
        # (ids above it) are added to the full-text index in one statement at its end.
        self._unindexed_after: int | None = None
        if str(self.path) != ":memory:":
            self.db.enable_wal()
            # In WAL mode NORMAL never corrupts the file; a power cut can only drop the last
            # commits, which a re-ingest restores. FULL would fsync every article.
            self.db.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------

    # -- articles -------------------------------------------------------------------------

    def add_article(self, record: ArticleRecord) -> tuple[int, bool]:
        """Store an article once; return (id, True) if new, (id, False) if already known.

        A known article still gains the new source location, so nothing a user fed in
        is forgotten even when it adds no new text.
        """
        conn = self.db.conn
        with self._savepoint():
            # Plain SQL with fixed statement text: SQLite's statement cache then prepares
            # each once per connection (sqlite-utils' insert() inspects the table per call).
            article_id = conn.execute(
                "INSERT INTO articles(content_hash, title, text, summary, published, "
                "published_at, date_source, ingested_at, minhash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(content_hash) DO NOTHING RETURNING id",
                [
                    record.content_hash,
                    record.title,
                    record.text,
                    json.dumps(record.summary, ensure_ascii=False),
                    record.published,
                    record.published_at,
                    record.date_source,
                    _now(),
                    dedup.to_bytes(record.minhash) if record.minhash else None,
                ],
            ).fetchone()
            is_new = article_id is not None
            if is_new:
                article_id = article_id[0]
                if self._unindexed_after is None:
                    self._index_articles(article_id - 1)
                conn.executemany(
                    "INSERT INTO article_countries(article_id, code, mentions, is_primary) "
                    "VALUES (?, ?, ?, ?)",
                    [(article_id, c.code, c.mentions, int(c.primary)) for c in record.countries],
                )
                self._count_countries(record.countries, record.published)
                if record.minhash is not None:
                    self._add_bands(article_id, record.minhash)
            else:
                article_id = self._article_id(record.content_hash)
            seen = Sighting(record.outlet, record.title, record.published, record.locator, "")
            self._add_source(article_id, record.source, seen)
        return int(article_id), is_new

    def _add_bands(self, article_id: int, minhash: dedup.Signature) -> None:
        """Put an article's signature in the near-duplicate index (`near_bands`)."""
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO near_bands(key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in dedup.band_keys(minhash)],
        )

    def _count_countries(self, tags: list[CountryRef], published: str | None) -> None:
        """Keep `country_totals` and, for a dated article, `country_days` current: one
        more article (and primary one) per tag."""
        conn = self.db.conn
        conn.executemany(
            "INSERT INTO country_totals(code, primary_articles, articles) VALUES (?, ?, 1) "
            "ON CONFLICT(code) DO UPDATE SET articles = articles + 1, "
            "primary_articles = primary_articles + excluded.primary_articles",
            [(tag.code, int(tag.primary)) for tag in tags],
        )
        if published:
            conn.executemany(
                "INSERT INTO country_days(day, code, primary_articles, articles) "
                "VALUES (substr(?, 1, 10), ?, ?, 1) "
                "ON CONFLICT(day, code) DO UPDATE SET articles = articles + 1, "
                "primary_articles = primary_articles + excluded.primary_articles",
                [(published, tag.code, int(tag.primary)) for tag in tags],
            )

    def transaction(self) -> AbstractContextManager[None]:
        """Several writes that stand or fall together (a savepoint inside an open batch)."""
        return self._savepoint()

    def meta(self, key: str) -> str | None:
        """A small piece of state kept with the data (watermarks), None when unset."""
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A write transaction (BEGIN IMMEDIATE), or a savepoint inside an open one.

        IMMEDIATE takes the write lock first, waiting up to the busy timeout, so nothing
        read inside can go stale and the commit cannot be refused (see the module
        docstring); sqlite-utils' atomic() and a bare SAVEPOINT begin DEFERRED. Statement
        texts are constant: atomic() names each savepoint randomly, so SQLite prepared it
        again every time, a measurable share of bulk ingest. Savepoints of one name nest:
        RELEASE and ROLLBACK TO act on the innermost.
        """
        conn = self.db.conn
        if not conn.in_transaction:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return
        conn.execute("SAVEPOINT article")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO article")
                conn.execute("RELEASE article")
            raise
        conn.execute("RELEASE article")

    def known_article(self, content_hash: str) -> int | None:
        """The stored article with this content hash, if any: a read, so no write lock."""
        return self._article_id(content_hash)

    def _article_id(self, content_hash: str) -> int | None:
        row = self.db.conn.execute(
            "SELECT id FROM articles WHERE content_hash = ?", [content_hash]
        ).fetchone()
        return int(row[0]) if row else None

    def near_duplicate(self, minhash: dedup.Signature) -> int | None:
        """The stored article this signature nearly copies, if any: one indexed look-up of
        its band keys, so it sees what every process has committed, at any store size."""
        keys = dedup.band_keys(minhash)
        rows = self.db.conn.execute(
            "SELECT id, minhash FROM articles WHERE id IN (SELECT article_id FROM near_bands "
            f"WHERE key IN ({','.join('?' * len(keys))}))",
            keys,
        ).fetchall()
        return dedup.closest(minhash, ((i, dedup.from_bytes(blob)) for i, blob in rows))

    def _add_source(self, article_id: int, source: str, seen: Sighting) -> None:
        """Record a place the article was seen; a new one is also listed on the cards of
        the article's events (store_pages.py), in the same transaction."""
        with self._savepoint():
            added = self.db.conn.execute(
                "INSERT OR IGNORE INTO article_sources(article_id, source, locator, seen_at, "
                "outlet, title, published) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [article_id, source, seen.locator, _now(), seen.outlet, seen.title,
                 seen.published],
            ).rowcount  # fmt: skip
            if added:
                self._sighting_added(article_id)

    def add_source(
        self, article_id: int, source: str, locator: str, seen: Sighting | None = None
    ) -> None:
        """Record another place where a stored article (say, a near-copy) was seen;
        `seen` gives that copy's outlet, headline and date when known."""
        self._add_source(article_id, source, _at(seen, locator))

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction around many writes: bulk ingest commits once per batch.

        Each article inside still runs in its own savepoint, so one failing article is
        rolled back alone and the rest of the batch is kept. The batch's new articles enter
        the full-text index together at its end: FTS5 flushes its pending terms at every
        savepoint release, and per-article flushes were the largest cost of bulk ingest
        (~110 µs an article, measured). A nested batch joins the outer one.
        """
        if self._unindexed_after is not None:
            yield
            return
        with self._savepoint():
            self._unindexed_after = self._max_article_id()
            try:
                yield
                self._index_articles(self._unindexed_after)
            finally:
                self._unindexed_after = None

    def _max_article_id(self) -> int:
        return int(self.db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0])

    def _index_articles(self, after_id: int) -> None:
        """Add the articles with ids above `after_id` to the full-text index."""
        self.db.conn.execute(
            "INSERT INTO articles_fts(rowid, title, text) "
            "SELECT id, title, text FROM articles WHERE id > ? ORDER BY id",
            [after_id],
        )

    def add_location(
        self, content_hash: str, source: str, locator: str, seen: Sighting | None = None
    ) -> int | None:
        """Record another place a stored article was seen; None if the hash is unknown."""
        article_id = self._article_id(content_hash)
        if article_id is not None:
            self._add_source(article_id, source, _at(seen, locator))
        return article_id

    def sightings(self, article_id: int) -> list[Sighting]:
        """Every place the article was seen, first found first; a copy stored without a
        headline or date (older databases) shows the article's own."""
        rows = self.db.conn.execute(
            "SELECT s.outlet, COALESCE(s.title, a.title), COALESCE(s.published, a.published), "
            "s.locator, s.seen_at FROM article_sources s JOIN articles a ON a.id = s.article_id "
            "WHERE s.article_id = ? ORDER BY s.seen_at, s.rowid",
            [article_id],
        ).fetchall()
        return [Sighting(*row) for row in rows]

    def article_count(self) -> int:
        return self.db["articles"].count

    def articles_about(self, code: str, limit: int = 5) -> list[StoredArticle]:
        """Newest articles whose primary countries include `code`; undated ones last."""
        rows = self.db.execute(
            f"""
            SELECT {_ARTICLE_COLUMNS} FROM articles a
            JOIN article_countries c ON c.article_id = a.id
            WHERE c.code = ? AND c.is_primary = 1
            ORDER BY a.published IS NULL, a.published DESC, a.id DESC
            LIMIT ?
            """,
            [code, limit],
        ).fetchall()
        return [_article(r) for r in rows]

    def country_counts(self, since: str | None = None) -> list[tuple[str, int, int]]:
        """(code, primary articles, all articles) per tagged country, busiest first.

        `since` (an ISO date) keeps articles published on or after it. An undated article
        is in no period: counting it by the day it was ingested made years-old stories
        "news this week". Both answers come from counts kept at write time: the totals
        (`country_totals`), or the period's days (`country_days`), never the tags of every
        article in it.
        """
        if since:
            rows = self.db.conn.execute(
                "SELECT code, SUM(primary_articles), SUM(articles) FROM country_days "
                "WHERE day >= substr(?, 1, 10) GROUP BY code "
                "ORDER BY SUM(primary_articles) DESC, SUM(articles) DESC, code",
                [since],
            ).fetchall()
        else:
            rows = self.db.conn.execute(
                "SELECT code, primary_articles, articles FROM country_totals "
                "ORDER BY primary_articles DESC, articles DESC, code"
            ).fetchall()
        return [(code, int(primary), int(total)) for code, primary, total in rows]

    def countries_of(self, article_id: int) -> list[CountryRef]:
        rows = self.db.execute(
            "SELECT code, mentions, is_primary FROM article_countries WHERE article_id = ? "
            "ORDER BY is_primary DESC, mentions DESC, code",
            [article_id],
        ).fetchall()
        return [CountryRef(code, mentions, bool(p)) for code, mentions, p in rows]

    def search(self, query: str, limit: int = 10) -> list[StoredArticle]:
        """Full-text search over titles and texts, all words required, safe for any text.

        The query is reduced to its words, each quoted, so FTS5 operators and stray quotes
        a user types are searched for as words instead of raising a syntax error. A name
        written joined, hyphenated or spaced ("Amirabdollahian", "Amir-Abdollahian", "Amir
        Abdollahian") finds the articles of every spelling (see `_spellings_of`).

        The answer is the best-ranked among the newest `_RANKED` matches: ranking every
        match of "foreign minister" in a 100,000-article store took 15-20 ms, reading the
        newest matches' row ids takes under one, and a news reader asks for recent news.
        """
        words = re.findall(r"\w+", query)
        if not words:
            return []
        # AND spelled out: FTS5 reads juxtaposed phrases as AND, but not a parenthesised
        # group after another ("foreign minister" once the index held "fore" and "ign").
        fts_query = " AND ".join(self._spellings_of(words[:32]))
        floor = self.db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            [fts_query, _RANKED - 1],
        ).fetchone()
        rows = self.db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? "
            "ORDER BY rank LIMIT ?",
            [fts_query, floor[0] if floor else 0, limit],
        ).fetchall()
        return [a for (i,) in rows if (a := self.article(i)) is not None]

    def _spellings_of(self, words: list[str]) -> list[str]:
        """FTS5 query parts, one per word: the word, or the word or any way the index holds
        it written as two words, or two words or the index's one word they make together.

        FTS5 stores "Amirabdollahian" as one term and "Amir-Abdollahian" or "Amir
        Abdollahian" as two, so each spelling alone misses the other's articles. Only
        variants the index holds are added (see `_holds`), so a query never matches words
        that no article contains, and the split halves must be words of `_MIN_PART`
        letters or more.
        """
        folded = [w.casefold() for w in words]
        holds = self._holds
        parts: list[str] = []
        i = 0
        while i < len(folded):
            word = folded[i]
            if i + 1 < len(folded) and holds(word + folded[i + 1]):
                parts.append(f'("{word} {folded[i + 1]}" OR "{word}{folded[i + 1]}")')
                i += 2
                continue
            cuts = [(word[:cut], word[cut:]) for cut in range(_MIN_PART, len(word) - _MIN_PART + 1)]
            spaced = [f'"{a} {b}"' for a, b in cuts if holds(a) and holds(b)]
            parts.append(f'("{word}" OR {" OR ".join(spaced)})' if spaced else f'"{word}"')
            i += 1
        return parts

    def _holds(self, term: str) -> bool:
        """Whether some article contains `term` as a word: the first hit of a one-term
        query, a fraction of a millisecond, where counting the term in the fts5vocab table
        read its whole list of articles (5-14 ms for a query's candidates at 100k)."""
        row = self.db.execute(
            "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1", [f'"{term}"']
        ).fetchone()
        return row is not None

    def article(self, article_id: int) -> StoredArticle | None:
        row = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", [article_id]
        ).fetchone()
        return _article(row) if row else None

    def knows_locator(self, locator: str) -> bool:
        """Whether an article was already seen at this URL or path."""
        row = self.db.execute(
            "SELECT 1 FROM article_sources WHERE locator = ? LIMIT 1", [locator]
        ).fetchone()
        return row is not None


_ARTICLE_COLUMNS = (
    "a.id, a.title, a.text, a.summary, a.published, a.date_source, a.published_at, "
    "(SELECT locator FROM article_sources s WHERE s.article_id = a.id "
    "ORDER BY seen_at LIMIT 1), a.ingested_at"
)


def _at(seen: Sighting | None, locator: str) -> Sighting:
    """`seen` at `locator` (a sighting with nothing known but the place when None)."""
    if seen is None:
        return Sighting(None, None, None, locator, "")
    return Sighting(seen.outlet, seen.title, seen.published, locator, "")


def _article(row: tuple) -> StoredArticle:
    (article_id, title, text, summary, published, date_source, published_at, locator,
     found_at) = row  # fmt: skip
    return StoredArticle(
        id=article_id,
        title=title,
        text=text,
        summary=json.loads(summary) if summary else [],
        published=published,
        date_source=date_source,
        locator=locator or "",
        published_at=published_at,
        found_at=found_at,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
