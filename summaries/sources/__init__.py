"""Fetching side of real-world ingestion: HTTP, feeds, folder files and OPML lists.

Everything here produces plain `RawItem`s; the pipeline decides what to store.
"""

from summaries.sources.items import RawItem

__all__ = ["RawItem"]
