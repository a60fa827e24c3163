"""The one record every source produces, so the pipeline needs a single entry point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RawItem:
    """One fetched story before cleaning.

    `published` is UTC and None when no source gave a date (never invented);
    `date_source` says where it came from ("feed", "page-meta" or "record").
    """

    title: str | None
    text: str
    url: str | None
    published: datetime | None
    date_source: str | None
    author: str | None
    source_id: str
