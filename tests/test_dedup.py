"""Near-duplicates: a story republished with small edits is one article with two sources."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from summaries import dedup
from summaries.pipeline import clean_article, content_hash, ingest_paths
from summaries.store import SCHEMA_VERSION, Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_003 = SEEDS / "003_9f240db0f8538bcd.txt"
# Recorded when the index moved into the database (schema v8).
BAND_KEYS_DIGEST = "647434781ed47172"


def republished(text: str) -> str:
    """What another outlet does to a wire story: new headline, a tweak, its own sign-off."""
    edited = text.replace("World Leaders, Int’l Bodies Send", "Leaders Send")
    edited = edited.replace("deadly terrorist attack", "deadly terror attack")
    return edited + "\n\nReporting by our correspondent; editing by the desk.\n"


def test_signature_separates_reposts_from_other_stories():
    original = SEED_003.read_text()
    other = (SEEDS / "002_ab3423500176ee8b.txt").read_text()
    a, b, c = (dedup.signature(t) for t in (original, republished(original), other))
    assert a.jaccard(b) >= dedup.THRESHOLD
    assert a.jaccard(c) < 0.2
    assert dedup.signature("Too short to judge.") is None


def test_signature_survives_storage():
    minhash = dedup.signature(SEED_003.read_text())
    assert dedup.from_bytes(dedup.to_bytes(minhash)).jaccard(minhash) == 1.0


def test_republished_story_is_one_article_with_two_sources(tmp_path):
    copy = tmp_path / "other-outlet.txt"
    copy.write_text(republished(SEED_003.read_text()))
    with Store(tmp_path / "d.db") as store:
        report = ingest_paths(store, [SEEDS, copy])
        assert store.article_count() == 5
        [outcome] = [o for o in report.outcomes if o.path == str(copy)]
        assert outcome.status == "duplicate"
        sources = store.db.execute(
            "SELECT COUNT(*) FROM article_sources WHERE article_id = ?", [outcome.article_id]
        ).fetchone()[0]
        assert sources == 2


def test_near_duplicates_are_found_after_reopening_the_store(tmp_path):
    path = tmp_path / "d.db"
    with Store(path) as store:
        ingest_paths(store, [SEED_003])
    copy = tmp_path / "copy.txt"
    copy.write_text(republished(SEED_003.read_text()))
    with Store(path) as store:
        [outcome] = ingest_paths(store, [copy]).outcomes
        assert outcome.status == "duplicate" and store.article_count() == 1


def test_version_1_database_is_migrated_and_backfilled(tmp_path, drop_tables_since_v7):
    path = tmp_path / "v1.db"
    with Store(path) as store:
        ingest_paths(store, [SEED_003])
    conn = sqlite3.connect(path)  # turn it back into a v1 file: no signature column
    conn.execute("ALTER TABLE articles DROP COLUMN minhash")
    conn.execute("ALTER TABLE articles DROP COLUMN published_at")
    conn.execute("DROP TABLE sources")
    conn.execute("DROP TABLE event_sides")
    for table in ("outbox", "payloads", "chats"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("ALTER TABLE subscriptions DROP COLUMN cadence")
    conn.execute("ALTER TABLE subscriptions DROP COLUMN last_handled")
    for column in ("outlet", "title", "published"):
        conn.execute(f"ALTER TABLE article_sources DROP COLUMN {column}")
    conn.execute("DROP TABLE events")
    drop_tables_since_v7(conn.execute)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.db.execute("SELECT minhash IS NOT NULL FROM articles").fetchone()[0] == 1
        copy = tmp_path / "copy.txt"
        copy.write_text(republished(SEED_003.read_text()))
        assert ingest_paths(store, [copy]).outcomes[0].status == "duplicate"


def test_signatures_are_stable_across_versions():
    """Stored signatures are compared with new ones: the hashing must not drift silently.

    The digest was recorded when the numpy scheme was introduced (schema v4); a change
    here needs a migration that recomputes every stored signature.
    """
    data = dedup.to_bytes(dedup.signature(SEED_003.read_text()))
    assert len(data) == dedup.NUM_PERM * 4
    assert hashlib.sha256(data).hexdigest()[:16] == "cecb0e5472e88e7c"


def test_index_finds_the_closest_copy_and_ignores_other_stories(tmp_path):
    original = SEED_003.read_text()
    with Store(tmp_path / "d.db") as store:
        ingest_paths(store, [SEEDS])
        found = store.near_duplicate(dedup.signature(republished(original)))
        assert found == store.known_article(content_hash(clean_article(original).text))
        unrelated = " ".join(f"word{i} filler{i % 7}" for i in range(200))
        assert store.near_duplicate(dedup.signature(unrelated)) is None


def test_the_index_lives_in_the_database_and_is_shared_by_processes(tmp_path):
    """A second connection (another process) sees a copy the first has just stored, with
    nothing loaded into memory: the index is rows, one per band of each signature."""
    path = tmp_path / "d.db"
    with Store(path) as writer, Store(path) as reader:
        assert reader.near_duplicate(dedup.signature(SEED_003.read_text())) is None
        ingest_paths(writer, [SEED_003])
        rows = reader.db.execute("SELECT COUNT(*) FROM near_bands").fetchone()[0]
        assert rows == dedup.BANDS
        assert reader.near_duplicate(dedup.signature(republished(SEED_003.read_text()))) == 1


def test_band_keys_are_stable_across_versions():
    """Band keys are stored: a change in how they are mixed needs a migration."""
    keys = dedup.band_keys(dedup.signature(SEED_003.read_text()))
    assert len(keys) == dedup.BANDS == len(set(keys))
    assert all(-(2**63) <= key < 2**63 for key in keys)
    assert hashlib.sha256(repr(keys).encode()).hexdigest()[:16] == BAND_KEYS_DIGEST
