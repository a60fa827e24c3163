"""The SQLite store against a real file: schema, dedup, queries, subscriptions."""

from __future__ import annotations

import sqlite3

import pytest

from summaries.store import SCHEMA_VERSION, ArticleRecord, CountryRef, Store


def record(content_hash: str = "h1", published: str | None = "2024-01-07", **kw) -> ArticleRecord:
    base = dict(
        content_hash=content_hash,
        title="Iran and France talk",
        text="Iranian Foreign Minister Hossein Amir-Abdollahian spoke to Catherine Colonna.",
        summary=["Iranian Foreign Minister spoke to Catherine Colonna."],
        published=published,
        date_source="header" if published else None,
        source="folder",
        locator=f"/tmp/{content_hash}.txt",
        countries=[
            CountryRef("IR", 3, True),
            CountryRef("FR", 1, True),
            CountryRef("US", 1, False),
        ],
    )
    base.update(kw)
    return ArticleRecord(**base)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "d.db") as s:
        yield s


def test_new_database_gets_schema_version_and_wal(tmp_path):
    with Store(tmp_path / "d.db") as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_same_article_twice_is_stored_once_with_both_locations(store):
    first = store.add_article(record())
    second = store.add_article(record(locator="/elsewhere/copy.txt"))
    assert first == (1, True)
    assert second == (1, False)
    assert store.article_count() == 1
    rows = store.db.execute("SELECT locator FROM article_sources ORDER BY locator").fetchall()
    assert [r[0] for r in rows] == ["/elsewhere/copy.txt", "/tmp/h1.txt"]


def test_articles_about_lists_primary_only_newest_first_undated_last(store):
    store.add_article(record("old", "2023-05-01"))
    store.add_article(record("new", "2024-02-01"))
    store.add_article(record("undated", None))
    assert [a.published for a in store.articles_about("IR")] == ["2024-02-01", "2023-05-01", None]
    assert store.articles_about("US") == []  # only mentioned, never primary
    assert len(store.articles_about("IR", limit=2)) == 2


def test_country_counts_separate_primary_from_mentions(store):
    store.add_article(record("a"))
    store.add_article(record("b"))
    counts = {code: (p, t) for code, p, t in store.country_counts()}
    assert counts == {"IR": (2, 2), "FR": (2, 2), "US": (0, 2)}


def test_data_survives_reopening(tmp_path):
    path = tmp_path / "d.db"
    with Store(path) as s:
        s.add_article(record())
        s.subscribe(42, "IR")
    with Store(path) as s:
        assert s.article_count() == 1
        assert s.subscriptions(42) == ["IR"]
        assert s.articles_about("IR")[0].summary == record().summary


def test_search_is_safe_for_any_user_text(store):
    store.add_article(record())
    assert [a.id for a in store.search("Amir-Abdollahian")] == [1]
    for hostile in ['"', "AND OR NOT", "*", "Colonna)", "'; DROP TABLE articles; --", ""]:
        store.search(hostile)  # must not raise
    assert store.article_count() == 1


def test_search_ranks_the_newest_matches_best_first(store):
    """Rank is taken among the newest `_RANKED` matches (ranking all of a big store's
    matches was the slow part); within them the most relevant comes first."""
    from summaries.store import _RANKED

    store.add_article(record("oldest", text="treaty " * 50))  # the best match, but oldest
    for i in range(_RANKED):
        store.add_article(record(f"n{i}", text=f"A treaty was mentioned once, number {i}."))
    store.add_article(record("newest", text="treaty treaty treaty treaty treaty"))
    found = store.search("treaty", limit=3)
    assert found[0].text.startswith("treaty treaty")
    assert all(a.id > 1 for a in store.search("treaty", limit=_RANKED + 5))
    assert len(store.search("treaty", limit=_RANKED + 5)) == _RANKED


def test_subscription_twice_is_one_and_unsubscribe_reports_absence(store):
    assert store.subscribe(7, "IR") is True
    assert store.subscribe(7, "IR") is False
    assert store.subscriptions(7) == ["IR"]
    assert store.subscribers("IR") == [7]
    assert store.unsubscribe(7, "IR") == 1
    assert store.unsubscribe(7, "IR") == 0
    assert store.subscriptions(7) == []


def test_a_new_cadence_replaces_the_old_and_unsubscribe_all(store):
    assert store.subscribe(7, "IR", "daily 08:00") is True
    assert store.subscribe(7, "IR", "weekly mon 09:00") is True
    assert store.subscribe(7, "IR", "weekly mon 09:00") is False
    store.subscribe(7, "FR")
    assert [(s.code, s.cadence) for s in store.subscription_rows(7)] == [
        ("IR", "weekly mon 09:00"),
        ("FR", "instant"),
    ]
    assert store.subscribers("FR", "instant") == [7] and store.subscribers("FR", "daily") == []
    assert store.unsubscribe(7, None) == 2 and store.subscriptions(7) == []


def test_a_blocked_chat_is_paused_and_resumes_when_it_writes(store):
    store.subscribe(7, "IR")
    store.save_payload("event:1", ["<b>hello</b>"], 1)
    assert store.enqueue([7, 8], "event:1") == 2
    assert store.enqueue([7, 8], "event:1") == 0  # unique per (chat, item)
    assert store.deactivate_chat(7, "blocked") == 1
    assert store.subscribers("IR") == [] and store.outbox_counts()["dead"] == 1
    assert store.reactivate_chat(7) is True and store.subscribers("IR") == [7]
    assert store.reactivate_chat(7) is False


def test_a_migrated_group_keeps_its_subscriptions_and_queue(store):
    store.subscribe(-5, "IR", "daily 08:00")
    store.set_chat(-5, timezone="Europe/Paris")
    store.save_payload("event:1", ["x"], 1)
    store.enqueue([-5], "event:1")
    store.migrate_chat(-5, -1005)
    assert store.subscriptions(-5) == [] and store.subscriptions(-1005) == ["IR"]
    assert store.chat_settings(-1005)["timezone"] == "Europe/Paris"
    assert [r.chat_id for r in store.due_deliveries("9999")] == [-1005]


def test_failed_write_leaves_no_partial_article(store):
    bad = record(countries=[CountryRef("IR", 1, True), CountryRef("IR", 2, True)])
    with pytest.raises(sqlite3.IntegrityError):
        store.add_article(bad)
    assert store.article_count() == 0
    assert store.db.execute("SELECT COUNT(*) FROM article_countries").fetchone()[0] == 0


def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "d.db"
    with Store(path) as s:
        s.db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        s.db.conn.commit()
    with pytest.raises(RuntimeError, match="newer than this diplobot"):
        Store(path)


def test_add_location_records_a_known_article_and_ignores_unknown_hashes(store):
    store.add_article(record())
    assert store.add_location("h1", "folder", "/copy/h1.txt") == 1
    assert store.add_location("h1", "folder", "/copy/h1.txt") == 1
    assert store.add_location("unknown", "folder", "/x.txt") is None
    assert store.db.execute("SELECT COUNT(*) FROM article_sources").fetchone()[0] == 2


def test_search_for_two_words_each_also_held_split_finds_both(store):
    """ "foreign minister" when the index also holds "fore", "ign", "minis" and "ter": each
    word becomes a group of spellings, and two groups side by side were an FTS5 syntax
    error (found in a 10,000-article store)."""
    store.add_article(record())
    store.add_article(record("h2", text="Fore and ign, minis and ter: words of another story."))
    assert [a.id for a in store.search("foreign minister")] == [1]
