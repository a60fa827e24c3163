"""Events stored and clustered across articles, and the digests built from them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.fakeapi import parse_html
from bot.render import MESSAGE_LIMIT, digest_messages, telegram_length
from summaries.digest import build_digest, headline, nearest_event_days, period_bounds
from summaries.pipeline import ingest_paths
from summaries.store import Store
from summaries.store_events import EventRecord

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Another outlet's report of seed 000's call (written for this test): different words, so not
# a near-duplicate article, but the same event.
SAME_CALL = (
    " date 2024-01-07 Tehran Times - French Foreign Minister Catherine Colonna spoke by "
    "telephone with her Iranian counterpart Hossein Amir-Abdollahian on Saturday and condemned "
    "the bombing in Kerman.\n\nThe two ministers also discussed the war in Gaza and the risk of "
    "a wider regional conflict, according to a statement from the French ministry.\n"
)
# A different call between the same countries: other people, another day.
PRESIDENTS_CALL = (
    " date 2024-01-12 Paris Daily - President Emmanuel Macron held a telephone conversation "
    "with Iranian President Ebrahim Raisi on Thursday about the situation in the Red Sea.\n\n"
    "Macron urged Iran to use its influence to calm the region, the Elysee said.\n"
)


@pytest.fixture
def store(tmp_path: Path):
    extra = tmp_path / "other"
    extra.mkdir()
    (extra / "same_call.txt").write_text(SAME_CALL)
    (extra / "presidents.txt").write_text(PRESIDENTS_CALL)
    with Store(tmp_path / "d.db") as db:
        ingest_paths(db, [SEEDS, extra], sentences=0)
        yield db


def test_two_reports_of_one_call_are_one_event_with_two_sources(store: Store):
    calls = [c for c in store.event_clusters("FR", partner="IR") if c.type == "phone_call"]
    assert [(c.date, c.type, len(c.article_ids)) for c in calls] == [
        ("2024-01-11", "phone_call", 1),  # the presidents, newest first
        ("2024-01-06", "phone_call", 2),  # the ministers: seed 000 and the other outlet
    ]


def test_every_seed_gold_event_is_stored(store: Store):
    found = {(c.sides, c.type, c.date) for c in store.event_clusters("IR")}
    assert {
        (("FR", "IR"), "phone_call", "2024-01-06"),
        (("IR", "JP"), "phone_call", "2024-04-16"),
        (("IR", "TR"), "phone_call", None),
        (("CN", "IR"), "message", None),
        (("IR", "RS"), "phone_call", None),
        (("IR", "PK"), "phone_call", None),
        (("IQ", "IR"), "phone_call", "2024-11-30"),
    } <= found


def test_headline_names_sides_type_people_and_date(store: Store):
    [ministers] = [c for c in store.event_clusters("FR") if c.date == "2024-01-06"]
    assert headline(ministers, first="IR") == (
        "Iran – France · phone call · foreign ministers Amirabdollahian and Colonna · 6 Jan 2024"
    )


def _calls(digest):
    return [item for item in digest.items if item.type == "phone_call"]


def test_digest_ranks_by_sources_rank_and_recency_and_filters_by_period(store: Store):
    # The day after: the presidents' fresh call outranks the ministers' older one.
    calls = _calls(build_digest(store, "FR", today=date(2024, 1, 12)))
    assert [item.date for item in calls] == ["2024-01-11", "2024-01-06"]
    assert calls[0].score > calls[1].score
    # A year on, recency no longer counts: two outlets beat one, even for ministers.
    calls = _calls(build_digest(store, "FR", today=date(2025, 1, 12)))
    assert [item.date for item in calls] == ["2024-01-06", "2024-01-11"]
    assert len(calls[0].sources) == 2 and calls[0].summary
    since, until = period_bounds("week", None, today=date(2024, 1, 12))
    assert (since, until) == ("2024-01-06", "2024-01-12")
    week = build_digest(store, "FR", since="2024-01-08", until=until, today=date(2024, 1, 12))
    assert [item.date for item in _calls(week)] == ["2024-01-11"]
    # The presidents' call and what Macron urged in it; nothing undated is in a period.
    assert all(item.date and "2024-01-08" <= item.date <= until for item in week.items)
    assert build_digest(store, "JP", partner="FR").items == []


def test_period_bounds_reject_bad_input():
    with pytest.raises(ValueError, match="not a date"):
        period_bounds(None, "yesterday")
    with pytest.raises(ValueError, match="unknown period"):
        period_bounds("month", None)
    assert period_bounds(None, None) == (None, None)


def test_html_digest_is_valid_telegram_html_and_split_between_events(tmp_path: Path):
    with Store(tmp_path / "many.db") as db:
        article_id, _ = db.add_article(_record("<Iran> & France talk"))
        events = [_event(day) for day in range(1, 29)]
        db.add_events(article_id, "2024-02-28", events)
        digest = build_digest(db, "IR", limit=None, summary_words=100)
    assert len(digest.items) == 28
    messages = digest_messages(digest)
    assert len(messages) > 1
    for message in messages:
        assert telegram_length(message) <= MESSAGE_LIMIT
        parse_html(message)  # raises on anything Telegram would refuse
    assert sum(m.count("<b>Iran – France") for m in messages) == 28  # no event cut in two


def test_cli_events_and_digest_on_the_seeds(tmp_path: Path, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(tmp_path / "cli.db"), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("ingest", str(SEEDS))[0] == 0
    events = json.loads(run("events", "--json")[1])
    phone = {(tuple(e["sides"]), e["date"]) for e in events if e["type"] == "phone_call"}
    assert (("FR", "IR"), "2024-01-06") in phone and (("IQ", "IR"), "2024-11-30") in phone
    people = {p for e in events for p in e["people"]}
    assert {"Catherine Colonna", "Yoko Kamikawa", "Hakan Fidan", "Jalil Abbas Jilani"} <= people
    digest = json.loads(run("digest", "--country", "Iran", "--format", "json")[1])
    assert len(digest["events"]) >= 7 and digest["country"] == "IR"
    code, html, _ = run("digest", "--country", "iran", "--format", "html")
    assert code == 0 and html.startswith("<b>Iran: latest events</b>")
    parse_html(html)
    code, _, err = run("digest", "--country", "Iram")
    assert code == 2 and "Iran" in err
    code, _, err = run("digest", "--country", "Iran", "--since", "last week")
    assert code == 2 and "YYYY-MM-DD" in err
    code, out, _ = run("events", "--country", "Japan")
    assert code == 0 and "Kamikawa" in out


def _record(title: str):
    from summaries.store import ArticleRecord

    return ArticleRecord(
        content_hash="h-" + title,
        title=title,
        text="Iran and France held talks. " * 20,
        summary=[],
        published="2024-02-28",
        date_source="header",
        source="test",
        locator="https://news.example/a?x=1&y=<2>",
    )


def _event(day: int) -> EventRecord:
    return EventRecord(
        date=f"2024-02-{day:02d}",
        date_how="text",
        type="meeting",
        cameo="044",
        sides=("FR", "IR"),
        actors=[
            {"side": "IR", "person": f"Envoy <{day}>", "person_key": f"e{day}", "title": None},
            {"side": "FR", "person": "Jean & Co", "person_key": "jc", "title": None},
        ],
        topics=["trade"],
        sentences=[f"Envoys met for round {day} of talks on trade & <tariffs>. " * 6],
    )


def test_a_storyline_groups_events_that_share_a_topic_and_is_named_by_it(store: Store):
    digest = build_digest(store, "IR", limit=None)
    lines = {(item.sides, item.type, item.date): item.storyline for item in digest.items}
    # Seed 000's call and appeal both concern the Kerman attack.
    assert lines[("IR", "FR"), "phone_call", "2024-01-06"] == "Kerman attack"
    assert lines[("IR", "FR"), "appeal", "2024-01-07"] == "Kerman attack"
    # Seed 003's round-up reports four events that share only the article: a storyline
    # named by its headline would repeat under each of them what Sources already says.
    titles = {a.title for a in map(store.article, range(1, 8)) if a and a.title}
    assert not {line for line in lines.values() if line} & titles
    assert lines[("IR", "PK"), "phone_call", None] is None
    assert lines[("IR", "UNSC"), "message", None] is None


def test_an_event_linked_to_no_other_has_no_storyline(store: Store):
    [iraq] = build_digest(store, "IQ", limit=None).items
    assert iraq.storyline is None


def test_undated_events_have_no_day_no_recency_and_no_nearest_day(store: Store):
    """Seed 003's condolence calls state no date: they are in no period and offer no day."""
    [pakistan] = [c for c in store.event_clusters("PK") if c.type == "phone_call"]
    assert pakistan.date is None and pakistan.day is None and pakistan.found_at
    assert nearest_event_days(store, "PK", date.today()) == []
    assert build_digest(store, "PK", since="2000-01-01").items == []
    assert nearest_event_days(store, "IR", date(2024, 1, 1), partner="FR") == [
        "2024-01-06", "2024-01-07", "2024-01-11"
    ]  # fmt: skip


def test_an_event_dated_only_by_its_article_says_when_it_was_reported(tmp_path: Path):
    with Store(tmp_path / "r.db") as db:
        article_id, _ = db.add_article(_record("Iran and France talk"))  # published 28 Feb
        db.add_events(article_id, "2024-02-28", [replace(_event(1), date=None)])
        [cluster] = db.event_clusters("IR")
    assert cluster.day == "2024-02-28"
    assert headline(cluster).endswith(" · reported 28 Feb 2024")
