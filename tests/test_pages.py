"""Pages chosen in SQL give the same answers as the queries they replaced (issue 14).

The store keeps a row per event cluster (its stated day and ordering key, rewritten when a
report joins it), totals per country and counts per person's spelling, so a page reads only
what it shows. Here a real store is built from the seeds plus articles recombined from the
test stories — several on one day, a quarter undated, reports of one event joining
clusters — and every page is compared with what the former queries (kept below as
reference, copied from before the change) answer on the same store.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from summaries import digest as digests
from summaries.evaluate import read_jsonl
from summaries.pipeline import ingest_paths
from summaries.store import Store
from summaries.store_events import EventCluster, newest_first
from summaries.tokenize import split_sentences

ROOT = Path(__file__).resolve().parent.parent
STORIES = [ROOT / "tests/data/events/tiny_a.jsonl", ROOT / "tests/data/events/tiny_b.jsonl",
           ROOT / "tests/data/events/seeds_gold.jsonl", ROOT / "tests/data/reuters/sample.jsonl",
           ROOT / "tests/data/summaries/cnn_sample.jsonl"]  # fmt: skip
TODAY = date.today()
# Few days, so that clusters share a day (ties go by id) and reports join clusters.
DAYS = [None, *(TODAY - timedelta(days=n) for n in (1, 1, 3, 9, 30, 200))]


def _pool() -> list[list[str]]:
    """The sentences of every seed and test story."""
    texts = [
        p.read_text(encoding="utf-8").split("\n", 2)[-1] for p in sorted(ROOT.glob("seeds/*.txt"))
    ]
    for path in STORIES:
        texts += [r["text"] for r in read_jsonl(path) if r and isinstance(r.get("text"), str)]
    return [split_sentences(" ".join(t.split())) for t in texts]  # fmt: skip


def _generated(n: int) -> list[dict[str, str]]:
    """`n` articles, each a story's first sentences and passages of two others."""
    pool, out = _pool(), []
    for i in range(n):
        rng = random.Random(i)
        lead = pool[i % len(pool)]
        parts = [" ".join(lead[:3])]
        for other in rng.sample(pool, 2):
            start = rng.randrange(len(other))
            parts.append(" ".join(other[start : start + 3]))
        record = {
            "title": f"Story {i}",
            "text": "\n\n".join(parts),
            "url": f"https://t.example/{i}",
        }
        day = rng.choice(DAYS)
        if day is not None:
            record["date"] = day.isoformat()
        out.append(record)
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("pages")
    records = folder / "generated.jsonl"
    records.write_text("\n".join(json.dumps(r) for r in _generated(160)) + "\n")
    with Store(folder / "d.db") as db:
        ingest_paths(db, [ROOT / "seeds", records], sentences=0)
        yield db


# -- the former queries, for reference -------------------------------------------------------


def old_event_clusters(
    store: Store, code: str | None = None, *, partner: str | None = None, since: str | None = None
) -> list[EventCluster]:
    where, params = ["1 = 1"], []
    for side in (code, partner):
        if side:
            where.append("e.id IN (SELECT event_id FROM event_sides WHERE code = ?)")
            params.append(side)
    ids = [row[0] for row in store.db.conn.execute(
        f"SELECT DISTINCT e.cluster_id FROM events e WHERE {' AND '.join(where)}", params
    )]  # fmt: skip
    clusters = store._clusters(ids)
    if since:
        clusters = [c for c in clusters if c.day is not None and c.day >= since]
    return newest_first(clusters)


def old_country_counts(store: Store, since: str | None = None) -> list[tuple[str, int, int]]:
    where, params = ("WHERE a.published >= ?", [since]) if since else ("", [])
    rows = store.db.execute(
        "SELECT c.code, SUM(c.is_primary), COUNT(*) FROM article_countries c "
        f"JOIN articles a ON a.id = c.article_id {where} "
        "GROUP BY c.code ORDER BY SUM(c.is_primary) DESC, COUNT(*) DESC, c.code",
        params,
    ).fetchall()
    return [(code, int(primary), int(total)) for code, primary, total in rows]


def old_page(store: Store, code: str, partner: str | None, offset: int) -> digests.Digest:
    """build_digest(order="newest") as it was: every cluster loaded, the page sliced."""
    clusters = old_event_clusters(store, code, partner=partner)
    page = clusters[offset : offset + 5]
    lines = digests.storylines(page)
    spellings = digests.person_spellings(store)
    items = [
        replace(digests.digest_item(store, c, digests.importance(c, TODAY), first=code,
                                    summary_words=45, spellings=spellings),
                storyline=lines.get(c.id))
        for c in page
    ]  # fmt: skip
    return digests.Digest(code, partner, None, None, items, len(clusters) > offset + 5)


# -- the comparisons ---------------------------------------------------------------------------


def _codes(store: Store) -> list[str]:
    return [row[0] for row in store.db.execute("SELECT DISTINCT code FROM event_sides ORDER BY 1")]


def _pairs(store: Store) -> list[tuple[str, str]]:
    rows = store.db.execute("SELECT DISTINCT sides FROM events WHERE sides LIKE '%,%'")
    return [tuple(sides.split(",")[:2]) for (sides,) in rows]  # type: ignore[misc]


def test_the_store_has_what_the_comparison_needs(store: Store):
    """Ties on a day, undated clusters, and clusters of several reports."""
    clusters = old_event_clusters(store)
    days = [c.day for c in clusters if c.day]
    assert len(clusters) >= 40
    assert len(days) > len(set(days))
    assert any(c.day is None for c in clusters)
    assert any(len(c.reports) > 1 for c in clusters)


def test_every_country_page_is_the_same(store: Store):
    for code in _codes(store):
        for offset in (0, 5, 10):
            new = digests.build_digest(
                store, code, limit=5, offset=offset, order="newest", summary_words=45, today=TODAY
            )
            assert new == old_page(store, code, None, offset), (code, offset)


def test_every_pair_page_is_the_same(store: Store):
    for code, partner in _pairs(store):
        new = digests.build_digest(
            store, code, partner=partner, limit=5, order="newest", summary_words=45, today=TODAY
        )
        assert new == old_page(store, code, partner, 0), (code, partner)


def test_latest_pages_list_the_same_events(store: Store):
    everything = [c.id for c in old_event_clusters(store)]
    for offset in (0, 5, 20):
        items, more = digests.latest(store, 5, offset=offset, summary_words=45)
        assert [i.cluster_id for i in items] == everything[offset : offset + 5]
        assert more == (len(everything) > offset + 5)


def test_clusters_with_a_period_are_the_same(store: Store):
    since = (TODAY - timedelta(days=10)).isoformat()
    for code in _codes(store):
        new = [c.id for c in store.event_clusters(code, since=since)]
        assert new == [c.id for c in old_event_clusters(store, code, since=since)]


def test_trend_and_nearest_days_are_the_same(store: Store):
    for code in _codes(store):
        trend = digests.weekly_trend(store, code, today=TODAY)
        start = trend.weeks[0]
        old = [
            c for c in old_event_clusters(store, code, since=start) if c.day <= TODAY.isoformat()
        ]
        assert trend.total == len(old)
        days = {c.day for c in old_event_clusters(store, code) if c.day}
        expected = sorted(days, key=lambda d: (abs((date.fromisoformat(d) - TODAY).days), d))[:3]
        assert digests.nearest_event_days(store, code, TODAY) == expected


def test_country_counts_are_the_same(store: Store):
    assert store.country_counts() == old_country_counts(store)
    since = (TODAY - timedelta(days=6)).isoformat()
    assert store.country_counts(since) == old_country_counts(store, since)
    assert store.country_counts(since) != store.country_counts()  # the period does filter


def test_person_spellings_are_the_same(store: Store):
    rows = store.db.conn.execute(
        "SELECT json_extract(a.value, '$.person') AS person, COUNT(*) "
        "FROM events e, json_each(e.actors) a WHERE person IS NOT NULL GROUP BY person"
    ).fetchall()
    assert store.person_spellings() == {str(p): int(n) for p, n in rows}
    assert rows


def test_a_reopened_store_migrated_from_v7_gives_the_same_pages(store: Store, tmp_path: Path):
    """The v8 migration fills the new tables from the data alone."""
    copy = tmp_path / "copy.db"
    store.db.execute(f"VACUUM INTO '{copy}'")
    with Store(copy) as old:
        for table in (
            "near_bands",
            "cluster_sides",
            "clusters",
            "country_totals",
            "person_counts",
            "country_days",
        ):
            old.db.execute(f"DROP TABLE {table}")
        old.db.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with Store(copy) as migrated:
        for code in _codes(store)[:10]:
            assert [c.id for c in migrated.event_clusters(code)] == [
                c.id for c in store.event_clusters(code)
            ]
        assert migrated.country_counts() == store.country_counts()
        assert migrated.person_spellings() == store.person_spellings()
        bands = "SELECT COUNT(*) FROM near_bands"
        assert migrated.db.execute(bands).fetchone() == store.db.execute(bands).fetchone()
