"""Who published a story: the Sources lines a reader checks a digest or an event against.

A Sources line names the outlet (a feed's title, a page's site name, the "Islam Times - "
a lead opens with), the headline, the date the source states and the link when there is
one. It must never show what only diplobot knows: a file name, a record's position in an
export, or the day a story was found presented as the day it was published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from summaries.tokenize import split_sentences

if TYPE_CHECKING:  # types only: the store keeps Sources lines on its cards (store_pages.py)
    from summaries.store import Sighting, StoredArticle

# A stand-in headline (a lead's opening) is cut to this many characters, at a word.
HEADLINE_CHARS = 120


@dataclass(frozen=True)
class Source:
    """One Sources line: outlet (None when the story names none), headline, stated date
    (None when unknown), link (None for a file or a record) and when it was found."""

    outlet: str | None
    title: str
    published: str | None
    url: str | None
    found_at: str

    @property
    def when(self) -> str:
        return when_text(self.published, self.found_at)

    def as_text(self) -> str:
        """ "Islam Times — Headline · 7 Jan 2024 <https://...>" for terminals and e-mail."""
        head = f"{self.outlet} — {self.title}" if self.outlet else self.title
        link = f" <{self.url}>" if self.url else ""
        return f"{head} · {self.when}{link}"

    def as_json(self) -> dict[str, str | None]:
        return {
            "outlet": self.outlet,
            "title": self.title,
            "date": self.published,
            "url": self.url,
            "found": self.found_at or None,
        }


class _Articles(Protocol):
    def article(self, article_id: int) -> StoredArticle | None: ...

    def sightings(self, article_id: int) -> list[Sighting]: ...


def sources_of(store: _Articles, article_ids: list[int]) -> list[Source]:
    """Every place the articles were seen, as Sources lines, first found first.

    A story republished by a second outlet is one article with two sightings: both are
    listed. The same outlet, headline and date seen at two places is listed once.
    """
    sources: dict[tuple[str | None, str, str | None], Source] = {}
    for article_id in article_ids:
        article = None
        for seen in store.sightings(article_id):  # none when the article is gone
            title, found = seen.title, seen.found_at
            if not title or not found:
                # Only a copy without a headline (or a time found) needs the article's text.
                article = article or store.article(article_id)
                if article is not None:
                    title, found = title or article_headline(article), found or article.found_at
            source = Source(seen.outlet, title or "", seen.published, seen.url, found or "")
            key = (source.outlet, source.title, source.published)
            if key not in sources or (source.url and not sources[key].url):
                sources[key] = source
    return list(sources.values())


def article_headline(article: StoredArticle) -> str:
    """The article's title, or the opening of its lead sentence when it has none.

    News leads state the event ("Pezeshkian made the comment ... with Iraqi Prime
    Minister ..."), so the lead is a better stand-in headline than the top-ranked sentence.
    """
    if article.title:
        return article.title
    lead = split_sentences(article.text[:2000])
    first = (lead or article.summary or [article.text])[0].strip()
    if len(first) <= HEADLINE_CHARS:
        return first
    return first[:HEADLINE_CHARS].rsplit(" ", 1)[0] + "…"


def when_text(published: str | None, found_at: str | None) -> str:
    """ "7 Jan 2024"; "date unknown (found 30 Nov 2026)" when the source states none: the
    day we found it is useful, but only said as what it is."""
    if published:
        return day_text(published)
    found = f" (found {day_text(found_at[:10])})" if found_at else ""
    return f"date unknown{found}"


def day_text(iso: str) -> str:
    """ "2024-01-06" -> "6 Jan 2024"."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%b')} {day.year}"
