"""Digests: a country's (or a pair's) events over a period, ranked, each in one line.

A digest item is one event cluster (every report of one event, see store_events): a
headline ("Iran – France · phone call · foreign ministers Amirabdollahian and Colonna ·
6 Jan 2024"), a short brief drawn from all its articles with no fact twice
(summarize_cluster over the sentences that report it), and its sources.

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
from summaries import names, openers, sides
from summaries.attribution import Source, sources_of
from summaries.attribution import day_text as human_day
from summaries.events.model import straighten_quotes
from summaries.store import Store, StoredArticle
from summaries.store_events import EventCluster
from summaries.summarize import opening, summarize_cluster
from summaries.tokenize import split_sentences

PERIOD_DAYS = {"day": 1, "week": 7}
DEFAULT_LIMIT = 20
SUMMARY_WORDS = 60
# Related events further apart than this are separate stories.
STORYLINE_DAYS = 14
# How far back in its article a brief's first sentence may look for what its pronoun means.
LEAD_IN_SENTENCES = 3


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
    sources: list[Source]
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
    if order == "importance":
        scored = [(importance(c, today), c) for c in store.event_clusters(code, **query)]
        scored.sort(key=lambda pair: (-pair[0], pair[1].day is None, pair[1].id))
        more = limit is not None and len(scored) > offset + limit
        scored = scored[offset : offset + limit] if limit is not None else scored[offset:]
    else:
        # Newest first is the store's own order: only the page (and one more, to know
        # whether any are left) is read, ranked and rendered.
        page = store.event_clusters(
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


def storylines(clusters: list[EventCluster], days: int = STORYLINE_DAYS) -> dict[int, str]:
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
    groups: dict[int, list[EventCluster]] = {}
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


def _days_apart(a: EventCluster, b: EventCluster) -> int | None:
    """Days between two events' stated days; None when either has none."""
    if a.day is None or b.day is None:
        return None
    return abs((date.fromisoformat(a.day) - date.fromisoformat(b.day)).days)


def latest(
    store: Store, limit: int = 5, *, offset: int = 0, summary_words: int = SUMMARY_WORDS
) -> tuple[list[DigestItem], bool]:
    """The newest events overall, whatever the country, and whether more are left."""
    today = datetime.now(UTC).date()
    clusters = store.event_clusters(limit=offset + limit + 1)
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
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    index = {monday.isoformat(): i for i, monday in enumerate(mondays)}
    counts: dict[str, list[int]] = {}
    events = [0] * weeks
    for day_text, cluster_sides in store.cluster_days(code, since=mondays[0].isoformat()):
        if day_text is None:
            continue  # cluster_days(since=...) already leaves them out
        day = date.fromisoformat(day_text)
        week = (day - timedelta(days=day.weekday())).isoformat()
        if week not in index:
            continue  # a date after today (a typo in a source) is left out
        events[index[week]] += 1
        for partner in cluster_sides:
            if partner != code:
                counts.setdefault(partner, [0] * weeks)[index[week]] += 1
    ranked = sorted(counts, key=lambda p: (-sum(counts[p]), p))
    partners = {p: counts[p] for p in ranked[:top]}
    if len(ranked) > top:
        partners["other"] = [sum(counts[p][i] for p in ranked[top:]) for i in range(weeks)]
    return Trend(code, [m.isoformat() for m in mondays], partners, events)


def nearest_event_days(
    store: Store, code: str, around: date, n: int = 3, *, partner: str | None = None
) -> list[str]:
    """The `n` stated days nearest to `around` on which `code` (with `partner`) has events,
    for "nothing then"; undated events have no day to offer."""
    days = {day for day, _ in store.cluster_days(code, partner=partner) if day}
    return sorted(days, key=lambda d: (abs((date.fromisoformat(d) - around).days), d))[:n]


def digest_item(
    store: Store,
    cluster: EventCluster,
    score: float,
    *,
    first: str | None = None,
    summary_words: int = SUMMARY_WORDS,
    spellings: Mapping[str, str] | None = None,
) -> DigestItem:
    """Headline, brief and sources for one cluster; `first` is the side named first.

    `spellings` (from `person_spellings`) names each person one way; callers building many
    items pass it once, else it is read from the store.
    """
    if spellings is None:
        spellings = person_spellings(store)
    articles = [a for i in cluster.article_ids if (a := store.article(i)) is not None]
    # The brief comes from the sentences that report this event, pooled over its reports:
    # an article that reports four condolence calls must not give all four the same brief.
    reports = [" ".join(r.sentences) for r in cluster.reports if r.sentences]
    summary = summarize_cluster(reports, words=summary_words) if reports else []
    if not summary and cluster.reports[0].sentences:
        # No sentence fits the budget whole: the reporting sentence itself, never cut.
        summary = cluster.reports[0].sentences[:1]
    summary = opening(_lead_in(summary, cluster, {a.id: a for a in articles}))
    sources = sources_of(store, cluster.article_ids)
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
        summary=summary,
        sources=sources,
        score=score,
    )


def _lead_in(
    brief: list[str], cluster: EventCluster, articles: dict[int, StoredArticle]
) -> list[str]:
    """The brief, preceded by the sentences its first one refers back to when it opens with
    a pronoun ("It came after ...", "He also hailed ..."): the sentences before it in its
    article, back to the nearest one that can open a brief (at most `LEAD_IN_SENTENCES`).

    Every reporting sentence of an event can start that way; the reader then gets the
    sentence that says who "he" is rather than a brief that starts mid-thought.
    """
    if not brief or not openers.opens_with_pronoun(brief[0]):
        return brief
    for report in cluster.reports:
        article = articles.get(report.article_id)
        for sentence in report.sentences if article else ():
            # A brief's sentence is a report sentence, its connective perhaps dropped, or
            # begins with one (a report sentence without final punctuation runs on).
            if not brief[0].startswith((sentence, openers.without_connective(sentence))):
                continue
            # Report sentences are slices of the article's text with its spacing folded and
            # its quotes straightened (summaries.events), so they are found in it that way.
            flat = straighten_quotes(" ".join(article.text.split()))
            at = flat.find(sentence)
            before = split_sentences(flat[:at])[-LEAD_IN_SENTENCES:] if at > 0 else []
            for back in range(len(before) - 1, -1, -1):
                if openers.can_open(before[back]):
                    return [*before[back:], *brief]
    return brief


def importance(cluster: EventCluster, today: date) -> float:
    """The ranking score (see the module docstring)."""
    weights = _tables()["ranking"]
    sources = len(cluster.article_ids)
    recency = 0.0  # an undated event's age is unknown: no bonus for being found lately
    if cluster.day is not None:
        age = max(0, (today - date.fromisoformat(cluster.day)).days)
        recency = 0.5 ** (age / float(weights["recency_half_life_days"]))
    top_rank = max((title_rank(a.get("title")) for r in cluster.reports for a in r.actors),
                   default=1.0)  # fmt: skip
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
    cluster: EventCluster,
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


def when(cluster: EventCluster) -> str:
    """ "6 Jan 2024" (the event's own date); "reported 7 Jan 2024" when only its article
    is dated (where it is placed among dated events); "date unknown" otherwise."""
    if cluster.date:
        return human_day(cluster.date)
    return f"reported {human_day(cluster.day)}" if cluster.day else "date unknown"


def people(cluster: EventCluster, spellings: Mapping[str, str] | None = None) -> list[str]:
    """The named people of a cluster, one name per person however the reports spell it."""
    spellings = spellings or {}
    seen: dict[str, str] = {}
    for report in cluster.reports:
        for actor in report.actors:
            if actor.get("person"):
                name = spellings.get(actor["person"], actor["person"])
                seen.setdefault(actor.get("person_key") or name, name)
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


def _who(cluster: EventCluster, first: str | None, spellings: Mapping[str, str]) -> str:
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
