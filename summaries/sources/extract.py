"""Main text and metadata from an HTML page, and plain text from feed-embedded HTML.

trafilatura is always handed the HTML string (never a URL) so extraction does no network
I/O of its own: every byte we read went through the bounded `Fetcher`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import trafilatura

_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
_SKIP_TAGS = {"script", "style", "noscript", "template"}
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class PageText:
    """What a page yielded; `published` comes from page metadata only (date_source page-meta)."""

    title: str | None
    text: str
    author: str | None
    published: date | datetime | None
    site: str | None = None  # the site's own name (og:site_name and the like)


def extract_page(html: str, url: str | None = None) -> PageText | None:
    """The page's main text and metadata, or None when it has no article text."""
    if not html.strip():
        return None
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # noqa: BLE001 - a broken page must never break a whole feed
        return None
    if doc is None:
        return None
    text = (_field(doc, "text") or "").strip()
    if not text:
        return None
    return PageText(
        title=_clean_str(_field(doc, "title")),
        text=text,
        author=_clean_str(_field(doc, "author")),
        published=parse_when(_field(doc, "date")),
        site=_clean_str(_field(doc, "sitename")),
    )


def parse_when(value: str | None) -> date | datetime | None:
    """A day ("2024-03-05") as a `date`; a stated time as an aware UTC `datetime`.

    A bare day stays a day: calling it midnight UTC would invent a time (and, east of
    Greenwich, move the story to the previous evening). None when unreadable.
    """
    if not value:
        return None
    text = value.strip()
    if _DAY_ONLY.fullmatch(text):
        return _day(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _day(text[:10])
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def html_to_text(fragment: str) -> str:
    """Feed summaries are HTML snippets; keep their words and paragraph breaks only."""
    parser = _TextCollector()
    parser.feed(fragment)
    parser.close()
    raw = "".join(parser.parts)
    paragraphs = [re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n", raw)]
    return "\n\n".join(p for p in paragraphs if p)


class _TextCollector(HTMLParser):
    """Collects text, turning block elements into paragraph breaks and dropping scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data.replace("\n", " "))


def _field(doc: object, name: str) -> str | None:
    value = doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)
    return value if isinstance(value, str) else None


def _clean_str(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
