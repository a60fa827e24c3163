"""Polling the registered sources once: every feed and folder, one report per source.

One bad source never stops the others: its error is recorded with a growing back-off
(so a dead feed is not hammered every run), and the rest are polled as usual. A feed's
ETag / Last-Modified are kept so that an unchanged feed costs one conditional GET.

Registering a source is also what lets the fetcher reach its address when that address
is private (an intranet feed, a server on loopback): entry links and redirects to private
addresses nobody registered are refused.

It sits above both the sources (summaries/sources/, which only read) and the pipeline
(which only analyses and stores): it hands what a source read to the pipeline, so no source
ever imports the stage downstream of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from summaries.pipeline import SkipFile, article_files, ingest_files, ingest_item
from summaries.sources.feeds import FeedState, read_feed
from summaries.sources.http import Fetcher, FetchError
from summaries.store import Store

BACKOFF_BASE = timedelta(minutes=5)
log = logging.getLogger(__name__)
BACKOFF_MAX = timedelta(hours=6)


@dataclass
class SourceReport:
    """What one poll of one source did, for the summary table and --json."""

    id: int
    location: str
    new: int = 0
    duplicate: int = 0
    skipped: int = 0
    failed: int = 0
    note: str = ""


def classify(location: str) -> str:
    """'feed' for an http(s) URL, 'folder' for an existing directory; ValueError otherwise."""
    if location.startswith(("http://", "https://")):
        return "feed"
    if Path(location).expanduser().is_dir():
        return "folder"
    raise ValueError(f"{location!r} is neither an http(s) feed URL nor an existing folder")


def backoff(failures: int) -> timedelta:
    """Wait before retrying a source that failed `failures` times in a row."""
    doublings = min(max(failures - 1, 0), 16)  # 5 min * 2**16 is far past the cap already
    return min(BACKOFF_BASE * 2**doublings, BACKOFF_MAX)


def poll_all(
    store: Store,
    fetcher: Fetcher,
    *,
    sentences: int = 3,
    max_bytes: int = 2_000_000,
    force: bool = False,
    now: datetime | None = None,
    progress: Callable[[SourceReport], None] | None = None,
    interval: timedelta | None = None,
) -> list[SourceReport]:
    """Poll every registered source once (those backing off only with `force`).

    With `interval` (the scheduler's polls), a source polled successfully is next due after
    its own `interval_s` if it has one, else after `interval`; a source not yet due is
    skipped like one backing off. Without it (a manual `diplobot ingest`) nothing is
    deferred by success.
    """
    now = now or datetime.now(UTC)
    reports = []
    sources = store.feeds()
    for source in sources:
        if source["kind"] == "feed":
            fetcher.allow(source["location"])  # the user's own choice, even if private
    for source in sources:
        own = source.get("interval_s")
        every = timedelta(seconds=own) if own and interval is not None else interval
        report = _poll_one(store, fetcher, source, sentences, max_bytes, force, now, every)
        reports.append(report)
        if progress:
            progress(report)
    return reports


def _poll_one(
    store: Store,
    fetcher: Fetcher,
    source: dict,
    sentences: int,
    max_bytes: int,
    force: bool,
    now: datetime,
    interval: timedelta | None = None,
) -> SourceReport:
    report = SourceReport(source["id"], source["location"])
    waiting_until = source.get("next_attempt")
    if not force and waiting_until and waiting_until > now.isoformat():
        if source["failures"]:
            report.note = (
                f"backing off until {waiting_until[:16]} after {source['failures']} errors"
            )
        else:
            report.note = f"next poll at {waiting_until[:16]}"
        return report
    try:
        if source["kind"] == "feed":
            state = _poll_feed(store, fetcher, source, report, sentences)
        else:
            state = _poll_folder(store, source, report, sentences, max_bytes)
    except (FetchError, OSError) as exc:
        report.failed += 1
        report.note = str(exc)
        delay = backoff((source["failures"] or 0) + 1)
        store.feed_polled(source["id"], str(exc), next_attempt=(now + delay).isoformat())
        return report
    due = (now + interval).isoformat() if interval is not None else None
    store.feed_polled(source["id"], None, next_attempt=due, **state)
    return report


def _poll_feed(
    store: Store, fetcher: Fetcher, source: dict, report: SourceReport, sentences: int
) -> dict[str, str | None]:
    state = FeedState(source.get("etag"), source.get("last_modified"))
    try:
        result = read_feed(fetcher, source["location"], state, known=store.knows_locator)
    except FetchError:
        raise
    except Exception as exc:  # a parser bug must fail this feed, not every later poll
        log.exception("reading feed %s failed", source["location"])
        raise FetchError(f"could not read the feed: {type(exc).__name__}: {exc}") from exc
    if result.not_modified:
        report.note = "not modified"
    report.duplicate += result.known
    for item in result.items:
        try:  # analysed first, then written in a transaction of its own
            status, _ = ingest_item(store, item, sentences=sentences)
        except SkipFile:
            report.skipped += 1
            continue
        _count(report, [status])
    report.failed += len(result.errors)
    if result.errors:
        report.note = "; ".join(result.errors[:2])
    if result.incomplete:
        # Stored what it read, but the feed counts as failed: it backs off, and its
        # validators are not saved, so the next poll reads it again (skipping known links).
        raise FetchError(result.incomplete)
    return {"etag": result.etag, "last_modified": result.last_modified}


def _poll_folder(
    store: Store, source: dict, report: SourceReport, sentences: int, max_bytes: int
) -> dict[str, str | None]:
    folder = Path(source["location"]).expanduser()
    if not folder.is_dir():
        raise OSError(f"folder {folder} does not exist")
    # ingest_files analyses before it takes the write lock the bot's handlers share.
    outcome = ingest_files(store, article_files([folder]), max_bytes=max_bytes, sentences=sentences)
    _count(report, [o.status for o in outcome.outcomes])
    skipped = [f"{Path(o.path).name}: {o.reason}" for o in outcome.skipped]
    if skipped:  # say why, so a link out of the folder or a FIFO is not a silent loss
        more = f" (+{len(skipped) - 2} more)" if len(skipped) > 2 else ""
        report.note = "; ".join(skipped[:2]) + more
    return {}


def _count(report: SourceReport, statuses: Iterable[str]) -> None:
    for status in statuses:
        if status == "new":
            report.new += 1
        elif status == "duplicate":
            report.duplicate += 1
        else:
            report.skipped += 1
