"""RSS (0.9x/1.0/2.0) and Atom feeds -> RawItems, with the linked page's text when possible.

Feeds often carry only a teaser, so each entry's page is fetched and its main text
extracted; when that fails the feed's own content is used instead. One bad entry never
loses the others: its problem is recorded in `FeedResult.errors`.

A feed is written by someone else, so one poll is bounded three ways: XML entity
declarations are refused before feedparser sees the bytes (feedparser expands them, and
200 KB of `&a;` became 100 MB of text), the text kept from one poll is capped, and the
whole poll (feed and entry pages) has one deadline. A poll cut short by a bound keeps
what it read and says so in `FeedResult.incomplete`, so the caller can mark it failed.
"""

from __future__ import annotations

import calendar
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from summaries.sources.extract import extract_page, html_to_text
from summaries.sources.http import Fetcher, FetchError
from summaries.sources.items import RawItem

# Text one poll may keep: far above any real feed's entries (100 full articles are ~1 MB).
MAX_FEED_TEXT = 10_000_000
# Whole-poll deadline: the feed plus every entry page fetched for it.
FEED_DEADLINE_S = 300.0
_ENTITY_DECL = re.compile(rb"<!\s*ENTITY", re.I)


@dataclass(frozen=True)
class FeedState:
    """Validators saved from the previous poll, sent back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FeedResult:
    """One poll of a feed; on `not_modified` there are no items and the old state stays."""

    items: list[RawItem] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    errors: list[str] = field(default_factory=list)
    known: int = 0
    incomplete: str | None = None  # why the poll stopped early (a bound was reached)

    @property
    def state(self) -> FeedState:
        """What to pass as `state` next time."""
        return FeedState(self.etag, self.last_modified)


def read_feed(
    fetcher: Fetcher,
    url: str,
    state: FeedState | None = None,
    *,
    fetch_pages: bool = True,
    source_id: str | None = None,
    max_entries: int | None = None,
    known: Callable[[str], bool] | None = None,
    max_text: int | None = None,
    time_limit: float | None = None,
) -> FeedResult:
    """Poll `url` and return its entries; FetchError when the feed itself is unusable.

    `max_entries` bounds how many entries (and so page fetches) one poll may cost;
    `known(link)` true skips an entry already stored, so a re-poll fetches no page twice;
    `max_text` (characters) and `time_limit` (seconds, feed and pages together) end the
    poll early, keeping the entries read so far (see `FeedResult.incomplete`); they
    default to MAX_FEED_TEXT and FEED_DEADLINE_S.
    """
    state = state or FeedState()
    max_text = MAX_FEED_TEXT if max_text is None else max_text
    time_limit = FEED_DEADLINE_S if time_limit is None else time_limit
    until = time.monotonic() + time_limit
    response = fetcher.fetch(url, etag=state.etag, last_modified=state.last_modified, until=until)
    if response.not_modified:
        return FeedResult(
            etag=response.etag or state.etag,
            last_modified=response.last_modified or state.last_modified,
            not_modified=True,
        )
    parsed = parse_feed_bytes(response.body, response.content_type, response.final_url or url)
    result = FeedResult(etag=response.etag, last_modified=response.last_modified)
    entries = parsed.entries[:max_entries]
    outlet = _clean(html_to_text(parsed.get("feed", {}).get("title") or ""))
    kept = 0
    for index, entry in enumerate(entries, start=1):
        link = entry.get("link")
        if known and isinstance(link, str) and known(link):
            result.known += 1
            continue
        if time.monotonic() >= until:
            result.incomplete = _stopped(f"after {_secs(time_limit)} s", entries, index)
            break
        try:
            item = entry_item(
                fetcher, entry, source_id or url, fetch_pages, result.errors, until=until,
                outlet=outlet,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - one odd entry must not lose the rest
            result.errors.append(f"entry {index}: {exc}")
            continue
        if item is None:
            result.errors.append(f"entry {index} ({_label(entry)}): {_no_text(parsed)}")
            continue
        kept += len(item.text)
        if kept > max_text:
            result.incomplete = _stopped(f"at {max_text:,} characters of text", entries, index)
            break
        result.items.append(item)
    return result


def _stopped(why: str, entries: list[Any], index: int) -> str:
    """The reason a poll ended early, with what is left for the next one."""
    left = len(entries) - index + 1
    return f"feed poll stopped {why}; {left} of {len(entries)} entries left for the next poll"


def _no_text(parsed: Any) -> str:
    """Why an entry gave nothing: a broken feed is named as such, not blamed on the entry."""
    if parsed.get("not_well_formed"):
        return f"no text (the feed is not well-formed XML: {parsed['not_well_formed']})"
    return "no text in page or feed"


def refuse_entities(body: bytes) -> str | None:
    """FetchError if the XML declares entities; else None, or why it is not well-formed.

    defusedxml's parser runs over the bytes first (no tree is built, so it costs one
    expat pass): it stops at any entity declaration, internal, external or parameter.
    When expat cannot read the document to its end (broken XML, a multi-byte charset it
    does not know), feedparser will try its lenient parser, which also expands declared
    entities, so then any `<!ENTITY` in the bytes is refused outright.
    """
    parser = DefusedXMLParser(
        target=_Discard(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(body)
        parser.close()
    except DefusedXmlException as exc:
        raise FetchError("refused: the feed declares XML entities (an expansion attack?)") from exc
    except (ParseError, ValueError, LookupError) as exc:
        if _ENTITY_DECL.search(body):
            raise FetchError(
                "refused: the feed declares XML entities (an expansion attack?)"
            ) from exc
        return str(exc) or type(exc).__name__
    return None


class _Discard:
    """An ElementTree parser target that keeps nothing: the parse only checks."""

    def close(self) -> None:
        return None


def _secs(value: float) -> str:
    return f"{round(value, 1):g}"


def parse_feed_bytes(body: bytes, content_type: str, url: str) -> Any:
    """feedparser's view of the bytes; FetchError "not a feed" when it is not a usable feed.

    Entity declarations are refused before feedparser runs (see `refuse_entities`); when
    the XML is not well-formed, `parsed["not_well_formed"]` says where.
    """
    broken = refuse_entities(body)
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers)
    parsed["not_well_formed"] = broken
    if parsed.entries:
        return parsed
    if parsed.get("bozo") or not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no RSS or Atom content found"
        if broken:
            reason = f"not well-formed XML ({broken})"
        if _looks_like_html(body):
            reason = "got an HTML page (is this the site's home page rather than its feed?)"
        raise FetchError(f"not a feed: {url}: {_short(str(reason))}")
    return parsed


def entry_item(
    fetcher: Fetcher,
    entry: Any,
    source_id: str,
    fetch_pages: bool,
    errors: list[str],
    *,
    until: float = math.inf,
    outlet: str | None = None,
) -> RawItem | None:
    """One entry as a RawItem: page text when it can be had, otherwise the feed's text.

    `until` is the poll's deadline: the page fetch ends by it whatever its own timeouts.
    `outlet` is the feed's title (the name the reader subscribed to), else the page's site.
    """
    link = _clean(entry.get("link"))
    published = entry_published(entry)
    title = _clean(html_to_text(entry.get("title", ""))) if entry.get("title") else None
    author = _clean(entry.get("author"))
    page = None
    if link and fetch_pages:
        try:
            page = extract_page(fetcher.fetch(link, until=until).text(), link)
        except FetchError as exc:
            errors.append(f"{link}: {exc} (used the feed's own text)")
        else:
            if page is None:
                errors.append(f"{link}: no article text on the page (used the feed's own text)")
    if page is not None:
        date_source = "feed" if published else ("page-meta" if page.published else None)
        return RawItem(
            title=title or page.title,
            text=page.text,
            url=link,
            published=published or page.published,
            date_source=date_source,
            author=author or page.author,
            source_id=source_id,
            outlet=outlet or page.site,
        )
    text = entry_text(entry)
    if not text:
        return None
    return RawItem(
        title=title,
        text=text,
        url=link,
        published=published,
        date_source="feed" if published else None,
        author=author,
        source_id=source_id,
        outlet=outlet,
    )


def entry_text(entry: Any) -> str:
    """The longest text the feed itself gives for an entry (full content beats summary)."""
    candidates = [c.get("value", "") for c in entry.get("content", []) or []]
    candidates.append(entry.get("summary", "") or "")
    texts = [html_to_text(c) for c in candidates if c]
    return max(texts, key=len, default="")


def entry_published(entry: Any) -> datetime | None:
    """Published (or else updated) time in UTC; None when the feed gives none."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head


def _label(entry: Any) -> str:
    return _clean(entry.get("link")) or _clean(entry.get("title")) or "untitled"


def _clean(value: object) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return text or None


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
