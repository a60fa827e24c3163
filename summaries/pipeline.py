"""The one place the news stages are chained: raw article text -> stored record.

clean -> date -> dedup (content hash) -> countries -> summary -> store. Every stage is a
module of its own with plain data in and out; this module only wires them and decides what
a bad input file means (a skip with a reason, never a crash, never a half-written row).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TypeVar

from summaries import clean as cleaning
from summaries import countries, dates, dedup
from summaries.store import ArticleRecord, CountryRef, Store
from summaries.summarize import summarize

ARTICLE_SUFFIXES = (".txt",)
# Articles committed per transaction: large enough to amortise the commit, small enough
# that an interrupted ingest loses little work (a re-run redoes only the open batch).
BATCH_SIZE = 100
T = TypeVar("T")


class SkipFile(Exception):
    """An input that cannot be an article; the message is the one-line reason shown."""


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input: 'new', 'duplicate' or 'skipped' (with the reason)."""

    path: str
    status: str
    reason: str = ""
    article_id: int | None = None


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def skipped(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]


def prepare(raw: str, *, source: str, locator: str, sentences: int = 3) -> ArticleRecord:
    """Run every stage on one article's raw text and return the record to store.

    Raises SkipFile when nothing of the text survives cleaning.
    """
    return analyse(clean_article(raw), raw, source=source, locator=locator, sentences=sentences)


def clean_article(raw: str) -> cleaning.CleanArticle:
    """The cleaned article; SkipFile when nothing of the text survives cleaning."""
    article = cleaning.clean(raw)
    if not article.text.strip():
        raise SkipFile("no article text left after removing page furniture")
    return article


def analyse(
    article: cleaning.CleanArticle, raw: str, *, source: str, locator: str, sentences: int = 3
) -> ArticleRecord:
    """Date, tag and summarise a cleaned article: the costly stages, run once per story.

    `sentences=0` skips the summary (benchmarks measure the other stages alone).
    """
    body = article.text
    found = dates.find_date(raw)
    tags = countries.tag(article.title, body)
    return ArticleRecord(
        content_hash=content_hash(body),
        title=article.title,
        text=body,
        summary=summarize(body, title=article.title, sentences=sentences) if sentences else [],
        published=found.value.isoformat() if found else None,
        date_source=found.how if found else None,
        source=source,
        locator=locator,
        countries=[CountryRef(t.code, t.mentions, t.primary) for t in tags],
    )


def content_hash(text: str) -> str:
    """A hash of the text that ignores case and white space, so a re-saved copy matches."""
    normal = re.sub(r"\s+", " ", text).strip().casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def read_article_file(path: Path, max_bytes: int) -> str:
    """The file's text, or SkipFile saying why it cannot be an article."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise SkipFile("empty file")
    if size > max_bytes:
        raise SkipFile(f"too large ({size:,} bytes; the limit is {max_bytes:,})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        raise SkipFile("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not UTF-8 text (invalid byte at offset {exc.start})") from exc
    if not text.strip():
        raise SkipFile("empty file (only white space)")
    return text


def article_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Every input file under `paths`, with a reason when it cannot be used as given.

    Folders are walked recursively for .txt files in name order, so runs are repeatable.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in ARTICLE_SUFFIXES:
                    yield child, None
        elif path.is_file():
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                yield path, None
            else:
                yield path, f"not an article file (expected {', '.join(ARTICLE_SUFFIXES)})"
        else:
            yield path, "no such file or folder"


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    max_bytes: int = 2_000_000,
    sentences: int = 3,
    progress: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Ingest every article file under `paths`; one bad file never stops the others."""
    return ingest_files(
        store, article_files(paths), max_bytes=max_bytes, sentences=sentences, progress=progress
    )


def ingest_files(
    store: Store,
    files: Iterable[tuple[Path, str | None]],
    *,
    max_bytes: int = 2_000_000,
    sentences: int = 3,
    progress: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Ingest files as listed by `article_files` (a list lets a caller show a real bar)."""
    report = IngestReport()
    for chunk in chunks(files, BATCH_SIZE):
        with store.batch():
            for path, problem in chunk:
                outcome = _ingest_file(
                    store, path, problem, max_bytes=max_bytes, sentences=sentences
                )
                report.outcomes.append(outcome)
                if progress:
                    progress(outcome)
    return report


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of up to `size` items (itertools.batched arrives in Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _ingest_file(
    store: Store, path: Path, problem: str | None, *, max_bytes: int, sentences: int
) -> FileOutcome:
    name = str(path)
    try:
        if problem:
            raise SkipFile(problem)
        raw = read_article_file(path, max_bytes)
        status, article_id = ingest_text(
            store, raw, source="folder", locator=str(path.resolve()), sentences=sentences
        )
    except SkipFile as exc:
        return FileOutcome(name, "skipped", str(exc))
    return FileOutcome(name, status, article_id=article_id)


def ingest_text(
    store: Store, raw: str, *, source: str, locator: str, sentences: int = 3
) -> tuple[str, int]:
    """Store one article's raw text: ("new" | "duplicate", article id); SkipFile if empty."""
    article = clean_article(raw)
    # A story already stored only gains this location: no need to tag or summarise it again.
    known = store.add_location(content_hash(article.text), source, locator)
    if known is not None:
        return "duplicate", known
    minhash = dedup.signature(article.text)
    near = store.near_duplicate(minhash) if minhash is not None else None
    if near is not None:
        store.add_source(near, source, locator)
        return "duplicate", near
    record = analyse(article, raw, source=source, locator=locator, sentences=sentences)
    record.minhash = minhash
    article_id, is_new = store.add_article(record)
    return ("new" if is_new else "duplicate"), article_id
