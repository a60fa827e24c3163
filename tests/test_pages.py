"""Pages chosen in SQL give the same answers as the queries they replaced (issue 14).

The store keeps a row per event cluster (its stated day and ordering key, and its card:
headline facts, briefs and first sources, rewritten when a report joins it), counts per
week, totals per country and counts per person's spelling, so a page reads only what it
shows. Here a real store is built from the seeds plus articles recombined from the
test stories — several on one day, a quarter undated, reports of one event joining
clusters — and every page is compared with what the former queries (kept below as
reference, copied from before the change) answer on the same store.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from summaries import digest as digests
from summaries.attribution import sources_of
from summaries.evaluate import read_jsonl
from summaries.event_brief import KEPT_WORDS
from summaries.pipeline import ingest_paths
from summaries.store import ArticleRecord, Sighting, Store
from summaries.store_events import EventCluster, EventRecord, newest_first
from summaries.store_pages import card_of
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


def old_page(
    store: Store, code: str, partner: str | None, offset: int, words: int = 45
) -> digests.Digest:
    """build_digest(order="newest") as it was: every cluster loaded with all its reports,
    the page sliced, each item made from the reports."""
    clusters = old_event_clusters(store, code, partner=partner)
    page = clusters[offset : offset + 5]
    lines = digests.storylines(page)
    spellings = digests.person_spellings(store)
    items = [
        replace(digests.digest_item(store, c, digests.importance(c, TODAY), first=code,
                                    summary_words=words, spellings=spellings),
                storyline=lines.get(c.id))
        for c in page
    ]  # fmt: skip
    return digests.Digest(code, partner, None, None, items, len(clusters) > offset + 5)


def old_weekly_trend(store: Store, code: str, top: int = 6, weeks: int = 12) -> digests.Trend:
    """weekly_trend as it was: the country's every cluster of the weeks, counted."""
    this_monday = TODAY - timedelta(days=TODAY.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    index = {monday.isoformat(): i for i, monday in enumerate(mondays)}
    counts: dict[str, list[int]] = {}
    events = [0] * weeks
    for day_text, cluster_sides in store.cluster_days(code, since=mondays[0].isoformat()):
        if day_text is None:
            continue
        day = date.fromisoformat(day_text)
        week = (day - timedelta(days=day.weekday())).isoformat()
        if week not in index:
            continue
        events[index[week]] += 1
        for partner in cluster_sides:
            if partner != code:
                counts.setdefault(partner, [0] * weeks)[index[week]] += 1
    ranked = sorted(counts, key=lambda p: (-sum(counts[p]), p))
    partners = {p: counts[p] for p in ranked[:top]}
    if len(ranked) > top:
        partners["other"] = [sum(counts[p][i] for p in ranked[top:]) for i in range(weeks)]
    return digests.Trend(code, [m.isoformat() for m in mondays], partners, events)


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


def test_every_card_says_what_its_reports_say(store: Store):
    """The card kept at write time is what the cluster's reports and sightings give now."""
    ids = [row[0] for row in store.db.execute("SELECT id FROM clusters")]
    assert len(ids) >= 40
    for cluster_id in ids:
        full = store.event_cluster(cluster_id)
        assert full is not None
        assert store.cluster_card(cluster_id) == card_of(full, store), cluster_id


def test_a_page_at_a_length_not_kept_is_made_from_the_reports(store: Store):
    assert 30 not in KEPT_WORDS
    for code in _codes(store)[:8]:
        new = digests.build_digest(
            store, code, limit=5, order="newest", summary_words=30, today=TODAY
        )
        assert new == old_page(store, code, None, 0, words=30), code


def test_trend_and_nearest_days_are_the_same(store: Store):
    for code in _codes(store):
        for top in (6, 2):  # two: most countries have partners summed as "other"
            trend = digests.weekly_trend(store, code, today=TODAY, top=top)
            assert trend == old_weekly_trend(store, code, top=top), (code, top)
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


def test_a_reopened_store_migrated_from_v7_gives_the_same_pages(
    store: Store, tmp_path: Path, drop_tables_since_v7: Callable[[Callable[[str], object]], None]
):
    """The v8 migration fills the new tables from the data alone."""
    copy = tmp_path / "copy.db"
    store.db.execute(f"VACUUM INTO '{copy}'")
    with Store(copy) as old:
        drop_tables_since_v7(old.db.execute)
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


def test_a_store_migrated_from_v9_gives_the_same_cards_and_trends(store: Store, tmp_path: Path):
    """v10 writes every cluster's card and the weekly counts from the events alone."""
    copy = tmp_path / "v9.db"
    store.db.execute(f"VACUUM INTO '{copy}'")
    with Store(copy) as old:
        old.db.execute("DROP TABLE cluster_weeks")
        old.db.execute("ALTER TABLE clusters DROP COLUMN card")
        old.db.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    with Store(copy) as migrated:
        for code in _codes(store):
            assert migrated.cluster_cards(code) == store.cluster_cards(code), code
            trend = digests.weekly_trend(migrated, code, today=TODAY, top=2)
            assert trend == digests.weekly_trend(store, code, today=TODAY, top=2), code


# -- kept at write time: what moves a cluster or adds to its sources --------------------------


def _article(n: int, published: str) -> ArticleRecord:
    return ArticleRecord(
        content_hash=f"h{n}",
        title=f"Talks {n}",
        text=f"Iran and France held talks, report {n}. " * 5,
        summary=[],
        published=published,
        date_source="header",
        source="test",
        locator=f"https://news.example/{n}",
        outlet=f"Outlet {n}",
    )


def _talks(day: str) -> EventRecord:
    return EventRecord(
        date=day, date_how="text", type="meeting", cameo="044", sides=("FR", "IR"),
        actors=[{"side": "IR", "person": "Ali Bagheri", "person_key": "bagheri", "title": None}],
        topics=["talks"], sentences=["Iran and France held talks on Monday."],
    )  # fmt: skip


def test_a_cluster_whose_date_changes_moves_to_its_new_week(tmp_path: Path):
    """Two reports of a later date outvote the first: the event moves a week on /trend."""
    sunday = TODAY - timedelta(days=TODAY.weekday() + 8)  # the Sunday before last
    monday = sunday + timedelta(days=1)
    with Store(tmp_path / "w.db") as db:
        for n, day in enumerate((sunday, monday, monday)):
            article_id, _ = db.add_article(_article(n, day.isoformat()))
            db.add_events(article_id, day.isoformat(), [_talks(day.isoformat())])
        [card] = db.cluster_cards("IR")
        assert card.date == monday.isoformat() and card.article_count == 3
        trend = digests.weekly_trend(db, "IR", today=TODAY)
        assert trend == old_weekly_trend(db, "IR")
        assert trend.events[-2:] == [1, 0] and trend.partners == {"FR": [0] * 10 + [1, 0]}
        weeks = db.db.execute("SELECT week, partner, clusters FROM cluster_weeks WHERE code = 'IR'")
        assert sorted(weeks) == [(monday.isoformat(), p, 1) for p in ("", "*", "FR")]


def test_a_copy_seen_at_another_place_is_listed_on_its_events_card(tmp_path: Path):
    with Store(tmp_path / "s.db") as db:
        article_id, _ = db.add_article(_article(1, "2024-02-28"))
        [(cluster_id, _)] = db.add_events(article_id, "2024-02-28", [_talks("2024-02-28")])
        seen = Sighting("Another Outlet", "Talks, again", "2024-02-29", "https://b.example/1", "")
        db.add_source(article_id, "test", seen.locator, seen)
        card = db.cluster_card(cluster_id)
        assert card is not None and card.source_count == 2
        assert [s.outlet for s in card.sources] == ["Outlet 1", "Another Outlet"]
        assert card.sources == sources_of(db, [article_id])


def test_an_event_with_many_sources_keeps_the_first_thirty_and_counts_all(tmp_path: Path):
    with Store(tmp_path / "m.db") as db:
        article_id, _ = db.add_article(_article(1, "2024-02-28"))
        [(cluster_id, _)] = db.add_events(article_id, "2024-02-28", [_talks("2024-02-28")])
        for n in range(2, 41):
            seen = Sighting(f"Outlet {n}", "Talks", "2024-02-28", f"https://o{n}.example/", "")
            db.add_source(article_id, "test", seen.locator, seen)
        [item] = digests.build_digest(db, "IR", limit=5, order="newest", today=TODAY).items
        assert item.source_count == 40 and len(item.sources) == digests.SOURCES_SHOWN == 30
        assert item.sources == sources_of(db, [article_id])[:30]
        assert item.as_json()["source_count"] == 40
        assert "… and 10 more" in digests.Digest("IR", None, None, None, [item]).as_text()
