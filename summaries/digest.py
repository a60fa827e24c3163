"""Digests: a country's (or a pair's) events over a period, ranked, each in one line.

A digest item is one event cluster (every report of one event, see store_events): a
headline ("Iran – France · phone call · foreign ministers Amirabdollahian and Colonna ·
6 Jan 2024"), a short brief drawn from all its articles with no fact twice
(summaries/event_brief.py), and its sources. Items are made from each cluster's card, kept
at write time (summaries/store_pages.py), so a page costs the same whatever the number of
reports of its events or the size of the store.

Importance, used to order a digest (config/digest.toml [ranking]):
    sources_weight * log2(1 + number of articles)      -- more outlets, bigger news
  + rank of the highest-ranked actor                   -- a presidents' call beats a spokesman
  + recency_weight * 0.5 ** (age in days / half-life)  -- yesterday beats last week
An event with no stated date (its own or its article's) has no age: it gets no recency,
sorts after the dated ones and stays out of every period (see store_events).

Plain text and JSON are rendered here; Telegram HTML lives in bot/render.py.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from config import load_table
from summaries import names, sides
from summaries.attribution import Source, sources_of
from summaries.attribution import day_text as human_day
from summaries.event_brief import DIGEST_WORDS, brief
from summaries.event_brief import PAGE_WORDS as PAGE_WORDS  # what the bot's pages ask for
from summaries.store import Store
from summaries.store_pages import SOURCES_KEPT, Cluster, ClusterCard

PERIOD_DAYS = {"day": 1, "week": 7}
DEFAULT_LIMIT = 20
SUMMARY_WORDS = DIGEST_WORDS
# Related events further apart than this are separate stories.
STORYLINE_DAYS = 14
# The most sources a digest item carries, and any message lists (Sources); it counts all.
SOURCES_SHOWN = SOURCES_KEPT


@dataclass(frozen=True)
class DigestItem:
    """One event in a digest."""

    cluster_id: int
    headline: str
    date: str | None
    day: str | None  # the stated day the event is placed on (see EventCluster.day)
    type: str
    cameo: str
    sides: tuple[str, ...]
    people: list[str]
    topics: list[str]
    summary: list[str]
    sources: list[Source]  # the first SOURCES_SHOWN, first found first
    source_count: int  # all of them
    score: float
    storyline: str | None = None  # what links it to other events in the digest, if anything

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.cluster_id,
            "storyline": self.storyline,
            "headline": self.headline,
            "date": self.date,
            "type": self.type,
            "cameo": self.cameo,
            "sides": list(self.sides),
            "people": self.people,
            "topics": self.topics,
            "summary": self.summary,
            "sources": [s.as_json() for s in self.sources],
            "source_count": self.source_count,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True)
class Digest:
    """The events of one country (and partner) in one period, most important first."""

    country: str
    partner: str | None
    since: str | None
    until: str | None
    items: list[DigestItem] = field(default_factory=list)
    more: bool = False  # events left after these (see build_digest's offset)

    @property
    def title(self) -> str:
        names = " – ".join(side_name(c) for c in (self.country, self.partner) if c)
        if self.since and self.until:
            return f"{names}: events {human_day(self.since)} – {human_day(self.until)}"
        if self.since:
            return f"{names}: events since {human_day(self.since)}"
        return f"{names}: latest events"

    def as_json(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "partner": self.partner,
            "since": self.since,
            "until": self.until,
            "events": [item.as_json() for item in self.items],
        }

    def as_text(self) -> str:
        """Plain text for terminals and e-mail: headline, brief and sources per event."""
        lines = [self.title, ""]
        if not self.items:
            lines.append("No events in this period.")
        for n, item in enumerate(self.items, start=1):
            lines.append(f"{n}. {item.headline}")
            if item.storyline:
                lines.append(f"   storyline: {item.storyline}")
            if item.summary:
                lines.append("   " + " ".join(item.summary))
            lines += [f"   - {source.as_text()}" for source in item.sources]
            if item.source_count > len(item.sources):
                lines.append(f"   … and {item.source_count - len(item.sources)} more")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def period_bounds(
    period: str | None, since: str | None, today: date | None = None
) -> tuple[str | None, str | None]:
    """(since, until) ISO days for a period name or an explicit start; (None, None) = all.

    ValueError for an unknown period or a malformed date, with a message for the user.
    """
    today = today or datetime.now(UTC).date()
    if since:
        try:
            start = date.fromisoformat(since)
        except ValueError:
            raise ValueError(f"--since {since!r} is not a date (use YYYY-MM-DD)") from None
        return start.isoformat(), None
    if period is None:
        return None, None
    if period not in PERIOD_DAYS:
        raise ValueError(f"unknown period {period!r} (use {', '.join(PERIOD_DAYS)})")
    start = today - timedelta(days=PERIOD_DAYS[period] - 1)
    return start.isoformat(), today.isoformat()


def build_digest(
    store: Store,
    code: str,
    *,
    partner: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
    offset: int = 0,
    order: str = "importance",
    today: date | None = None,
    summary_words: int = SUMMARY_WORDS,
    found_after: str | None = None,
    found_until: str | None = None,
) -> Digest:
    """The digest of `code`'s events (with `partner`) between `since` and `until`.

    `order` is "importance" (the ranking above) or "newest" (what /country shows);
    `offset` skips that many events (paging). `Digest.more` says whether any are left.
    `found_after`/`found_until` keep the events first reported in that window (UTC times):
    a scheduled digest lists what is new since the previous one.
    """
    today = today or datetime.now(UTC).date()
    query = dict(partner=partner, since=since, until=until, found_after=found_after,
                 found_until=found_until)  # fmt: skip
    # Cards (summaries/store_pages.py): one row per event, whatever its number of reports.
    if order == "importance":
        scored = [(importance(c, today), c) for c in store.cluster_cards(code, **query)]
        scored.sort(key=lambda pair: (-pair[0], pair[1].day is None, pair[1].id))
        more = limit is not None and len(scored) > offset + limit
        scored = scored[offset : offset + limit] if limit is not None else scored[offset:]
    else:
        # Newest first is the store's own order: only the page (and one more, to know
        # whether any are left) is read, ranked and rendered.
        page = store.cluster_cards(
            code, limit=None if limit is None else limit + 1, offset=offset, **query
        )
        more = limit is not None and len(page) > limit
        scored = [(importance(c, today), c) for c in page[:limit]]
    lines = storylines([c for _, c in scored])
    spellings = person_spellings(store)
    items = [
        replace(digest_item(store, c, score, first=code, summary_words=summary_words,
                            spellings=spellings),
                storyline=lines.get(c.id))
        for score, c in scored
    ]  # fmt: skip
    return Digest(code, partner, since, until, items, more)


def storylines(clusters: list[Cluster], days: int = STORYLINE_DAYS) -> dict[int, str]:
    """Cluster id -> storyline label, for events that share a topic with another.

    Two events belong to one storyline when both are dated, at most `days` apart and share a
    topic ("Kerman attack"); the storyline is named by the topic most of its events share. An
    event linked to no other gets no storyline: a storyline of one event, or one named by
    the headline of the article that reported it, says nothing the event does not.
    """
    parent = {c.id: c.id for c in clusters}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for n, a in enumerate(clusters):
        for b in clusters[n + 1 :]:
            apart = _days_apart(a, b)
            # Undated events are not linked by a topic: one of them may be years away.
            if apart is None or apart > days:
                continue
            if set(a.topics) & set(b.topics):
                parent[root(b.id)] = root(a.id)
    groups: dict[int, list[Cluster]] = {}
    for c in clusters:
        groups.setdefault(root(c.id), []).append(c)
    labels: dict[int, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        shared = Counter(t for c in members for t in dict.fromkeys(c.topics))
        label = max(shared, key=lambda t: shared[t])  # the first of the most shared
        labels.update(dict.fromkeys((c.id for c in members), label))
    return labels


def _days_apart(a: Cluster, b: Cluster) -> int | None:
    """Days between two events' stated days; None when either has none."""
    if a.day is None or b.day is None:
        return None
    return abs((date.fromisoformat(a.day) - date.fromisoformat(b.day)).days)


def latest(
    store: Store, limit: int = 5, *, offset: int = 0, summary_words: int = SUMMARY_WORDS
) -> tuple[list[DigestItem], bool]:
    """The newest events overall, whatever the country, and whether more are left."""
    today = datetime.now(UTC).date()
    clusters = store.cluster_cards(limit=offset + limit + 1)
    spellings = person_spellings(store)
    items = [
        digest_item(
            store, c, importance(c, today), summary_words=summary_words, spellings=spellings
        )
        for c in clusters[offset : offset + limit]
    ]
    return items, len(clusters) > offset + limit


@dataclass(frozen=True)
class Trend:
    """Events per week for one country, split by partner: what /trend draws."""

    country: str
    weeks: list[str]  # the Monday of each week, oldest first
    partners: dict[str, list[int]]  # partner code -> events per week (busiest partner first)
    events: list[int]  # events per week (an event with two partners counts once here)

    @property
    def total(self) -> int:
        return sum(self.events)


def weekly_trend(
    store: Store, code: str, *, weeks: int = 12, today: date | None = None, top: int = 6
) -> Trend:
    """`code`'s events per week over the last `weeks` weeks, by partner.

    Partners beyond the `top` busiest are summed as "other". Undated events are left out:
    drawing them in the week they were found would invent news that week.
    """
    today = today or datetime.now(UTC).date()
    this_monday = today - timedelta(days=today.weekday())
    mondays = [(this_monday - timedelta(weeks=n)).isoformat() for n in range(weeks - 1, -1, -1)]
    # Counts kept per week at write time (store_pages.py): a hundred rows at most, where
    # reading the country's every cluster of twelve weeks took 3.7 ms at 100k.
    ranked = store.busiest_partners(code, mondays, limit=top + 1)
    shown = ranked[:top]
    index = {week: i for i, week in enumerate(mondays)}
    events, everyone = [0] * weeks, [0] * weeks
    partners = {p: [0] * weeks for p in shown}
    for week, partner, n in store.week_counts(code, mondays, shown):
        series = events if partner == "" else everyone if partner == "*" else partners[partner]
        series[index[week]] = n
    if len(ranked) > top:
        partners["other"] = [everyone[i] - sum(partners[p][i] for p in shown) for i in range(weeks)]
    return Trend(code, mondays, partners, events)


def nearest_event_days(
    store: Store, code: str, around: date, n: int = 3, *, partner: str | None = None
) -> list[str]:
    """The `n` stated days nearest to `around` on which `code` (with `partner`) has events,
    for "nothing then"; undated events have no day to offer."""
    days = {day for day, _ in store.cluster_days(code, partner=partner) if day}
    return sorted(days, key=lambda d: (abs((date.fromisoformat(d) - around).days), d))[:n]


def digest_item(
    store: Store,
    cluster: Cluster,
    score: float,
    *,
    first: str | None = None,
    summary_words: int = SUMMARY_WORDS,
    spellings: Mapping[str, str] | None = None,
) -> DigestItem:
    """Headline, brief and sources for one cluster (its card, or the cluster with all its
    reports); `first` is the side named first.

    `spellings` (from `person_spellings`) names each person one way; callers building many
    items pass it once, else it is read from the store.
    """
    if spellings is None:
        spellings = person_spellings(store)
    if isinstance(cluster, ClusterCard):
        sources, source_count = cluster.sources, cluster.source_count
    else:
        every = sources_of(store, cluster.article_ids)
        sources, source_count = every[:SOURCES_SHOWN], len(every)
    return DigestItem(
        cluster_id=cluster.id,
        headline=headline(cluster, first=first, spellings=spellings),
        date=cluster.date,
        day=cluster.day,
        type=cluster.type,
        cameo=cluster.cameo,
        sides=_ordered_sides(cluster.sides, first),
        people=people(cluster, spellings),
        topics=cluster.topics,
        summary=_brief(store, cluster, summary_words),
        sources=sources,
        source_count=source_count,
        score=score,
    )


def _brief(store: Store, cluster: Cluster, words: int) -> list[str]:
    """The cluster's brief in `words` words: kept on its card for the page's and the
    digest's lengths, made from all its reports (summaries/event_brief.py) for another."""
    if isinstance(cluster, ClusterCard):
        kept = cluster.briefs.get(words)
        if kept is not None:
            return kept
        full = store.event_cluster(cluster.id)
        if full is None:
            return []
        return brief(full, words, store.article_text)
    return brief(cluster, words, store.article_text)


def importance(cluster: Cluster, today: date) -> float:
    """The ranking score (see the module docstring)."""
    weights = _tables()["ranking"]
    sources = cluster.article_count
    recency = 0.0  # an undated event's age is unknown: no bonus for being found lately
    if cluster.day is not None:
        age = max(0, (today - date.fromisoformat(cluster.day)).days)
        recency = 0.5 ** (age / float(weights["recency_half_life_days"]))
    top_rank = max((title_rank(title) for title in cluster.titles), default=1.0)
    return (
        float(weights["sources_weight"]) * math.log2(1 + sources)
        + top_rank
        + float(weights["recency_weight"]) * recency
    )


def title_rank(title: str | None) -> float:
    """How senior a title is: president 3, foreign minister 2, spokesman 1 (config)."""
    ranks = _tables()["rank"]
    best = float(ranks["default"])
    if not title:
        return best
    folded = f" {title.casefold()} "
    for phrase, value in ranks.items():
        if phrase != "default" and f" {phrase} " in folded:
            best = max(best, float(value))
    return best


def headline(
    cluster: Cluster,
    *,
    first: str | None = None,
    spellings: Mapping[str, str] | None = None,
) -> str:
    """ "Iran – France · phone call · foreign ministers Amirabdollahian and Colonna · 6 Jan
    2024": the sides (`first` leading), what happened, who, and when. `spellings` maps each
    spelling of a person's name to the one shown (`person_spellings`)."""
    sides = " – ".join(side_name(code) for code in _ordered_sides(cluster.sides, first))
    label = _tables()["labels"].get(cluster.type, cluster.type.replace("_", " "))
    parts = [sides, label]
    who = _who(cluster, first, spellings or {})
    if who:
        parts.append(who)
    parts.append(when(cluster))
    return " · ".join(parts)


def when(cluster: Cluster) -> str:
    """ "6 Jan 2024" (the event's own date); "reported 7 Jan 2024" when only its article
    is dated (where it is placed among dated events); "date unknown" otherwise."""
    if cluster.date:
        return human_day(cluster.date)
    return f"reported {human_day(cluster.day)}" if cluster.day else "date unknown"


def people(cluster: Cluster, spellings: Mapping[str, str] | None = None) -> list[str]:
    """The named people of a cluster, one name per person however the reports spell it."""
    spellings = spellings or {}
    seen: dict[str, str] = {}
    for key, person in cluster.named:
        name = spellings.get(person, person)
        seen.setdefault(key or name, name)
    return list(dict.fromkeys(seen.values()))


def person_spellings(store: Store) -> dict[str, str]:
    """Every spelling of a person's name in the store -> the one spelling shown for them
    (summaries.names): "Amir-Abdollahian" and "Amir Abdollahian" read "Amirabdollahian".

    Grouping a year's spellings took 5 ms of every /country page at 100,000 articles, so
    the answer is kept while the store hands back the same counts object (it keeps one
    until another event is stored).
    """
    global _canonical
    counts = store.person_spellings()
    cached = _canonical  # one tuple read: threads see a matching pair
    if cached is not None and cached[0] is counts:
        return cached[1]
    shown = names.canonical_spellings(counts)
    _canonical = (counts, shown)  # the counts are held, so `is` cannot meet a reused id
    return shown


_canonical: tuple[dict[str, int], dict[str, str]] | None = None


def side_name(code: str) -> str:
    """A country's display name, or an organisation's ("UN Security Council")."""
    return sides.name(code)


def _ordered_sides(sides: tuple[str, ...], first: str | None) -> tuple[str, ...]:
    if first and first in sides:
        return (first, *[s for s in sides if s != first])
    return sides


def _who(cluster: Cluster, first: str | None, spellings: Mapping[str, str]) -> str:
    """Who acted, every side named the same way.

    One named side: its title and full name ("Foreign Minister Catherine Colonna"). Several,
    all with one title: "foreign ministers Amirabdollahian and Colonna"; all with titles:
    each title and surname ("President Pezeshkian and Prime Minister Al Sudani"); not all
    with a title: full names alone, since a title given to one side only would make the
    other look less than they are.
    """
    by_side = cluster.actors
    actors = [by_side[s] for s in _ordered_sides(cluster.sides, first) if s in by_side]
    named = [
        (_title_case(a.get("title") or ""), spellings.get(a["person"], a["person"]))
        for a in actors
        if a.get("person")
    ]
    if not named:
        return ""
    if len(named) == 1:
        title, person = named[0]
        return f"{title} {person}".strip()
    titles = {title.casefold() for title, _ in named}
    if len(named) == len(actors) and len(titles) == 1 and "" not in titles:
        return f"{_plural(named[0][0]).lower()} " + _and([_surname(p) for _, p in named])
    if "" not in titles:
        return _and([f"{title} {_surname(person)}" for title, person in named])
    return _and([person for _, person in named])


def _title_case(title: str) -> str:
    """A title as it stands before a name: capitalised ("caretaker Foreign Minister" ->
    "Caretaker Foreign Minister"), so both sides of a headline read alike."""
    return title[:1].upper() + title[1:]


def _plural(title: str) -> str:
    words = title.split()
    if words[-1].lower() in {"minister", "secretary", "president", "spokesman", "leader"}:
        words[-1] = words[-1] + "s" if not words[-1].endswith("man") else words[-1][:-3] + "men"
    return " ".join(words)


def _surname(name: str) -> str:
    """The part of a full name a headline keeps: the last word with its particles ("Al
    Sudani"), or the first for names written surname first ("Xi" of "Xi Jinping")."""
    words = name.split()
    table = _tables()["names"]
    if len(words) in (2, 3) and words[0].casefold() in set(table["surname_first"]):
        return words[0]
    particles = set(table["particles"])
    start = len(words) - 1
    while start > 0 and words[start - 1].casefold().rstrip("'") in particles:
        start -= 1
    return " ".join(words[start:])


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@cache
def _tables() -> dict[str, Any]:
    return load_table("digest")
