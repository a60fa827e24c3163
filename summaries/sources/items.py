"""The one record every source produces, so the pipeline needs a single entry point, and
the one error a source raises for an input that cannot be an article (`SkipFile`).

The floor every source and the pipeline stand on: it imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class RawItem:
    """One fetched story before cleaning.

    `published` is a UTC datetime when the source gave a time, a date when it gave only
    the day, and None when it gave neither (never invented);
    `date_source` says where it came from ("feed", "page-meta" or "record");
    `outlet` is who published it as the source names itself (a feed's title, a page's site
    name, a record's `outlet`), None when unnamed: the Sources list shows it.
    """

    title: str | None
    text: str
    url: str | None
    published: date | datetime | None
    date_source: str | None
    author: str | None
    source_id: str
    outlet: str | None = None


class SkipFile(Exception):
    """An input that cannot be an article; the message is the one-line reason shown."""
