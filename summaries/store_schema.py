"""The store's schema and its migrations: a new file gets every table, an older one is
brought up to SCHEMA_VERSION in one transaction, and a current one is only read.

Kept apart from the queries (store.py and its siblings) because it changes for another
reason: what is stored, not how it is asked for. Each `_migrate_vN` says what version N
added; a file newer than this code is refused rather than misread.
"""

from __future__ import annotations

from typing import Any

from summaries import dedup
from summaries.store_delivery import DELIVERY_SCHEMA

SCHEMA_VERSION = 10


class SchemaMigrations:
    """Mixed into Store: needs `self.db`, `self.path` and the write lock (`_savepoint`)."""

    db: Any
    path: Any

    @property
    def schema_version(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        """Bring an older (or new, empty) database up to SCHEMA_VERSION in one transaction.

        A current database is only read: every connection the bot opens passes here, and a
        write per open would queue behind a running ingest for its lock.
        """
        if self._stored_version() == SCHEMA_VERSION:
            return
        with self._savepoint():
            # Read again under the write lock: another process may have migrated meanwhile.
            if "meta" not in self.db.table_names():
                self.db["meta"].create({"key": str, "value": str}, pk="key")
            version = self._stored_version()
            if version == SCHEMA_VERSION:
                return
            if version < 1:
                self._create_v1()
            if version < 2:
                self._migrate_v2()
            if version < 3:
                self._migrate_v3()
            if version < 4:
                self._migrate_v4()
            if version < 5:
                self._migrate_v5()
            if version < 6:
                for statement in DELIVERY_SCHEMA:
                    self.db.execute(statement)
            if version < 7:
                self._migrate_v7()
            if version < 8:
                self._migrate_v8()
            if version < 9:
                self._migrate_v9()
            if version < 10:
                self._migrate_v10()
            self.db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                [str(SCHEMA_VERSION)],
            )

    def _stored_version(self) -> int:
        """The file's schema version (0 for a new file); refuses one newer than this code."""
        version = self.schema_version if "meta" in self.db.table_names() else 0
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path} has schema version {version}, newer than this diplobot "
                f"({SCHEMA_VERSION}); upgrade diplobot to use it"
            )
        return version

    def _create_v1(self) -> None:
        self.db["articles"].create(
            {
                "id": int,
                "content_hash": str,
                "title": str,
                "text": str,
                "summary": str,
                "published": str,
                "date_source": str,
                "ingested_at": str,
            },
            pk="id",
            not_null={"content_hash", "text", "ingested_at"},
        )
        self.db["articles"].create_index(["content_hash"], unique=True)
        self.db["articles"].create_index(["published"])
        self.db["article_sources"].create(
            {"article_id": int, "source": str, "locator": str, "seen_at": str},
            pk=("article_id", "locator"),
            foreign_keys=[("article_id", "articles", "id")],
        )
        self.db["article_countries"].create(
            {"article_id": int, "code": str, "mentions": int, "is_primary": int},
            pk=("article_id", "code"),
            foreign_keys=[("article_id", "articles", "id")],
        )
        self.db["article_countries"].create_index(["code", "is_primary"])
        self.db["subscriptions"].create(
            {"chat_id": int, "code": str, "created_at": str}, pk=("chat_id", "code")
        )
        self.db["articles"].enable_fts(["title", "text"], create_triggers=True)

    def _migrate_v2(self) -> None:
        """v2: a MinHash signature per article for near-duplicate detection (v4 fills it)."""
        self.db.execute("ALTER TABLE articles ADD COLUMN minhash BLOB")

    def _migrate_v3(self) -> None:
        """v3: configured sources (feeds and folders) with their polling state."""
        self.db["sources"].create(
            {
                "id": int,
                "kind": str,
                "location": str,
                "title": str,
                "etag": str,
                "last_modified": str,
                "last_success": str,
                "last_error": str,
                "failures": int,
                "next_attempt": str,
                "added_at": str,
            },
            pk="id",
            not_null={"kind", "location"},
            defaults={"failures": 0},
        )
        self.db["sources"].create_index(["location"], unique=True)

    def _migrate_v4(self) -> None:
        """v4: the full UTC publication time where known; signatures in the numpy scheme.

        v2/v3 signatures came from datasketch's hashing and cannot be compared with the new
        ones, so every signature is computed again from the stored text.
        """
        self.db.execute("ALTER TABLE articles ADD COLUMN published_at TEXT")
        # add_article indexes new articles itself (see batch()): through the insert trigger,
        # FTS5 took twice as long per article (~160 against ~80 µs). Updates re-index only
        # when the indexed columns change, not when a signature or date is filled in.
        self.db.execute("DROP TRIGGER IF EXISTS articles_ai")
        self.db.execute("DROP TRIGGER IF EXISTS articles_au")
        self.db.execute(
            "CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.rowid, old.title, old.text); "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);"
            " END"
        )
        # FTS5 merges its index segments after every 4 commits by default; at 16 bulk ingest
        # spends ~30% less time indexing, and a search reads a few more (small) segments.
        self.db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 16)")
        for article_id, text in self.db.execute("SELECT id, text FROM articles").fetchall():
            minhash = dedup.signature(text)
            self.db.execute(
                "UPDATE articles SET minhash = ? WHERE id = ?",
                [dedup.to_bytes(minhash) if minhash is not None else None, article_id],
            )

    def _migrate_v5(self) -> None:
        """v5: diplomatic events per article, clustered across articles (see add_events).

        `cluster_id` is the id of a cluster's first event, so it never changes once given;
        `day` is the event's date or, when unknown, its article's day: only for ordering and
        for deciding whether two reports are close enough in time to be one event.
        """
        self.db.execute(
            """
            CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                article_id INTEGER NOT NULL REFERENCES articles(id),
                cluster_id INTEGER NOT NULL,
                date TEXT,
                date_how TEXT,
                day TEXT NOT NULL,
                type TEXT NOT NULL,
                cameo TEXT,
                sides TEXT NOT NULL,
                actors TEXT NOT NULL,
                topics TEXT NOT NULL,
                sentences TEXT NOT NULL,
                created_at TEXT NOT NULL
            )
            """
        )
        self.db.execute("CREATE INDEX events_cluster ON events(cluster_id)")
        self.db.execute("CREATE INDEX events_match ON events(sides, type, day)")
        self.db.execute("CREATE INDEX events_article ON events(article_id)")
        self.db.execute(
            "CREATE TABLE event_sides (event_id INTEGER NOT NULL REFERENCES events(id), "
            "code TEXT NOT NULL, PRIMARY KEY (code, event_id))"
        )

    def _migrate_v7(self) -> None:
        """v7: each place a story was seen keeps its outlet, headline and stated date, so
        the Sources list names who published it instead of a file name. Older rows have
        none: they show their article's headline and date."""
        for column in ("outlet", "title", "published"):
            self.db.execute(f"ALTER TABLE article_sources ADD COLUMN {column} TEXT")

    def _migrate_v8(self) -> None:
        """v8: what lets every answer stay small at 100,000 articles, filled from the data.

        - `near_bands`: the near-duplicate index (summaries/dedup.py), one row per band of
          each signature, so no process holds or rebuilds it in memory;
        - `clusters` and `cluster_sides`: a row per event cluster, with the key pages are
          ordered by (summaries/store_events.py), rewritten when a report joins it (filled
          by v10, which adds to them);
        - `country_totals`: articles and primary articles per country, for /country
          with no name (it counted 400,000 tag rows per call);
        - `person_counts`: reports per spelling of a person's name (summaries/names.py).
        """
        conn = self.db.conn
        conn.execute(
            "CREATE TABLE near_bands (key INTEGER NOT NULL, article_id INTEGER NOT NULL "
            "REFERENCES articles(id), PRIMARY KEY (key, article_id)) WITHOUT ROWID"
        )
        conn.execute(
            "CREATE TABLE clusters (id INTEGER PRIMARY KEY, sides TEXT NOT NULL, day TEXT, "
            "ordering TEXT NOT NULL, first_at TEXT NOT NULL)"
        )
        conn.execute("CREATE INDEX clusters_ordering ON clusters(ordering, id)")
        conn.execute(
            "CREATE TABLE cluster_sides (code TEXT NOT NULL, ordering TEXT NOT NULL, "
            "cluster_id INTEGER NOT NULL REFERENCES clusters(id), "
            "PRIMARY KEY (code, ordering, cluster_id)) WITHOUT ROWID"
        )
        conn.execute("CREATE INDEX cluster_sides_cluster ON cluster_sides(cluster_id, code)")
        conn.execute(
            "CREATE TABLE country_totals (code TEXT PRIMARY KEY, primary_articles INTEGER "
            "NOT NULL, articles INTEGER NOT NULL)"
        )
        conn.execute(
            "CREATE TABLE person_counts (person TEXT PRIMARY KEY, reports INTEGER NOT NULL)"
        )
        for article_id, blob in conn.execute(
            "SELECT id, minhash FROM articles WHERE minhash IS NOT NULL"
        ).fetchall():
            self._add_bands(article_id, dedup.from_bytes(blob))
        conn.execute(
            "INSERT INTO country_totals(code, primary_articles, articles) "
            "SELECT code, SUM(is_primary), COUNT(*) FROM article_countries GROUP BY code"
        )
        conn.execute(
            "INSERT INTO person_counts(person, reports) "
            "SELECT json_extract(a.value, '$.person') AS person, COUNT(*) "
            "FROM events e, json_each(e.actors) a WHERE person IS NOT NULL GROUP BY person"
        )

    def _migrate_v9(self) -> None:
        """v9: `country_days`, articles and primary articles per country and publication
        day, so /countries for a week reads that week's few hundred rows instead of every
        tag of every article the week holds (9 ms at 100k, 15x the 10k figure)."""
        conn = self.db.conn
        conn.execute(
            "CREATE TABLE country_days (day TEXT NOT NULL, code TEXT NOT NULL, "
            "primary_articles INTEGER NOT NULL, articles INTEGER NOT NULL, "
            "PRIMARY KEY (day, code)) WITHOUT ROWID"
        )
        conn.execute(
            "INSERT INTO country_days(day, code, primary_articles, articles) "
            "SELECT substr(a.published, 1, 10), c.code, SUM(c.is_primary), COUNT(*) "
            "FROM article_countries c JOIN articles a ON a.id = c.article_id "
            "WHERE a.published IS NOT NULL GROUP BY 1, 2"
        )

    def _migrate_v10(self) -> None:
        """v10: what a page shows of an event, kept at write time (summaries/store_pages.py).

        - `clusters.card`: the event's headline facts and its briefs at the kept lengths,
          so /country, /latest and Sources read one row per event instead of summarising
          all its reports (at 100k, 80 for the largest; the pages took 3-6x their 10k time);
        - `cluster_weeks`: each country's dated clusters per week, in all and per partner,
          for /trend (it read the country's every cluster of twelve weeks).

        Every cluster's row is written again from its reports, which also fills them.
        """
        conn = self.db.conn
        conn.execute("ALTER TABLE clusters ADD COLUMN card TEXT")
        conn.execute(
            "CREATE TABLE cluster_weeks (code TEXT NOT NULL, week TEXT NOT NULL, "
            "partner TEXT NOT NULL, clusters INTEGER NOT NULL, "
            "PRIMARY KEY (code, week, partner)) WITHOUT ROWID"
        )
        self._fill_clusters()
