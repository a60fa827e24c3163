"""The one place the news stages are chained: raw article text -> stored record.

clean -> date -> dedup (content hash) -> countries -> summary -> store. Every stage is a
module of its own with plain data in and out; this module only wires them and decides what
a bad input file means (a skip with a reason, never a crash, never a half-written row).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TypeVar

from summaries import clean as cleaning
from summaries import countries, dates, dedup
from summaries.events import Event, extract_events
from summaries.sources.folder import FolderResult, load_folder_file
from summaries.sources.items import RawItem, SkipFile
from summaries.store import ArticleRecord, CountryRef, Sighting, Store
from summaries.store_events import EventRecord
from summaries.summarize import summarize

TEXT_SUFFIXES = (".txt",)
ARTICLE_SUFFIXES = (*TEXT_SUFFIXES, ".html", ".htm", ".json", ".jsonl")
# Articles committed per transaction: large enough to amortise the commit, small enough
# that an interrupted ingest loses little work (a re-run redoes only the open batch) and
# that the write lock, which the bot needs too, is held briefly: analysis happens before.
BATCH_SIZE = 100
# Text per transaction: full-text indexing is the slow part of a write, so a batch of long
# articles is written sooner (a 1.85 MB article goes alone).
BATCH_CHARS = 1_000_000
T = TypeVar("T")
log = logging.getLogger(__name__)


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


def clean_article(raw: str) -> cleaning.CleanArticle:
    """The cleaned article; SkipFile when nothing of the text survives cleaning."""
    article = cleaning.clean(raw)
    if not article.text.strip():
        raise SkipFile("no article text left after removing page furniture")
    return article


def analyse(
    article: cleaning.CleanArticle,
    found: dates.FoundDate | None,
    *,
    source: str,
    locator: str,
    sentences: int = 3,
    text_hash: str | None = None,
) -> ArticleRecord:
    """Tag and summarise a cleaned, dated article: the costly stages, run once per story.

    `sentences=0` skips the summary (benchmarks measure the other stages alone);
    `text_hash` is the body's content_hash when the caller already has it.
    """
    body = article.text
    tags = countries.tag(article.title, body)
    return ArticleRecord(
        content_hash=text_hash or content_hash(body),
        title=article.title,
        text=body,
        summary=summarize(body, title=article.title, sentences=sentences) if sentences else [],
        published=found.value.isoformat() if found else None,
        published_at=utc_timestamp(found.at) if found and found.at else None,
        date_source=found.how if found else None,
        source=source,
        locator=locator,
        countries=[CountryRef(t.code, t.mentions, t.primary) for t in tags],
        outlet=article.outlet,
    )


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z: "2024-03-05T08:30:00Z" (sorts as text, reads anywhere)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_hash(text: str) -> str:
    """A hash of the text that ignores case and white space, so a re-saved copy matches."""
    normal = " ".join(text.split()).casefold()  # split/join: 5x faster than re.sub here
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

    Folders are walked recursively for article files in name order, so runs are
    repeatable. A path named on the command line is the user's choice and is followed
    as given; inside a folder, see `folder_files` for what is left out and why.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from folder_files(path)
        elif path.is_file():
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                yield path, None
            else:
                yield path, f"not an article file (expected {', '.join(ARTICLE_SUFFIXES)})"
        elif path.exists():
            yield path, f"not a regular file ({_kind(path.stat().st_mode)})"
        else:
            yield path, "no such file or folder"


def folder_files(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Article files under `root`, never reaching outside it.

    A folder source is a drop box others may write into, so a symbolic link in it must
    not pull in /etc/passwd: a link is followed only to a regular file inside the
    folder, and links to folders are not followed (no loops, no second copy). Links
    out, dangling links, FIFOs (reading one would block), sockets and devices are
    yielded with the reason they were skipped instead of being dropped silently.
    Regular files of other types are left out without comment, as before.
    """
    top = root.resolve()
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):  # never descends into a link to a folder
        found.extend(Path(folder, name) for name in (*dirs, *files))
    for child in sorted(found):
        problem = _folder_entry_problem(child, top)
        if problem is not None:
            yield child, problem
        elif child.suffix.lower() in ARTICLE_SUFFIXES and child.is_file():
            yield child, None


def _folder_entry_problem(child: Path, top: Path) -> str | None:
    """Why `child` (found under folder `top`) is skipped; None for a file or folder."""
    try:
        mode = child.lstat().st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISLNK(mode):
        target = child.resolve()
        if not target.exists():
            return "dangling symbolic link"
        if not target.is_relative_to(top):
            return f"symbolic link out of the folder (to {target}), not followed"
        if target.is_dir():
            return "symbolic link to a folder, not followed"
        if not target.is_file():
            return f"symbolic link to {_kind(target.stat().st_mode)}"
        return None
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    return f"not a regular file ({_kind(mode)})"


def _kind(mode: int) -> str:
    """A file type in words, for skip reasons."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


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
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Ingest files as listed by `article_files` (a list lets a caller show a real bar).

    Articles are analysed with no transaction open and written `batch_size` articles (or
    BATCH_CHARS of text) to a transaction, however the files hold them: a 500-record
    .jsonl is five transactions, and the bot writing to the same database waits at most
    for one batch's inserts, never for its summaries.
    """
    report = IngestReport()
    unwritten: list[Prepared] = []
    unreported: list[list[FileOutcome | Prepared]] = []
    for path, problem in files:
        entries: list[FileOutcome | Prepared] = []
        unreported.append(entries)
        for entry in _file_entries(store, path, problem, max_bytes=max_bytes, sentences=sentences):
            entries.append(entry)
            if isinstance(entry, Prepared):
                unwritten.append(entry)
                if _batch_full(unwritten, batch_size):
                    write_prepared(store, unwritten)
                    unwritten = []
        if not unwritten:
            _report_files(report, unreported, progress)
    write_prepared(store, unwritten)
    _report_files(report, unreported, progress)
    return report


def _batch_full(unwritten: list[Prepared], batch_size: int) -> bool:
    """Whether the batch is due for writing: enough articles or enough text to index."""
    chars = sum(len(p.record.text) for p in unwritten if p.record is not None)
    return len(unwritten) >= batch_size or chars >= BATCH_CHARS


def _report_files(
    report: IngestReport,
    unreported: list[list[FileOutcome | Prepared]],
    progress: Callable[[FileOutcome], None] | None,
) -> None:
    """Move written files' outcomes to the report, in file order, one progress tick each."""
    for entries in unreported:
        outcomes = [e if isinstance(e, FileOutcome) else e.outcome() for e in entries]
        report.outcomes.extend(outcomes)
        if progress and outcomes:
            progress(outcomes[-1])
    unreported.clear()


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of up to `size` items (itertools.batched arrives in Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _file_entries(
    store: Store, path: Path, problem: str | None, *, max_bytes: int, sentences: int
) -> Iterator[FileOutcome | Prepared]:
    """One file's articles, analysed, or the reason each was skipped (a .jsonl holds many)."""
    name = str(path)
    try:
        if problem:
            raise SkipFile(problem)
        if path.suffix.lower() in TEXT_SUFFIXES:
            raw = read_article_file(path, max_bytes)
            locator = str(path.resolve())
            yield prepare_text(
                store, raw, source="folder", locator=locator, sentences=sentences, label=name
            )
            return
        loaded = _load_items_file(path, max_bytes)
    except SkipFile as exc:
        yield FileOutcome(name, "skipped", str(exc))
        return
    for reason in loaded.skipped:
        yield FileOutcome(name, "skipped", reason)
    for n, item in enumerate(loaded.items, start=1):
        label = name if len(loaded.items) == 1 else f"{path}#{n}"
        try:
            yield prepare_item(
                store, item, locator=item.url or label, sentences=sentences, label=label
            )
        except SkipFile as exc:
            yield FileOutcome(label, "skipped", str(exc))


def _load_items_file(path: Path, max_bytes: int) -> FolderResult:
    """A saved page or a JSON file of records; a bad record is skipped, the rest kept."""
    return load_folder_file(path, max_bytes=max_bytes)


@dataclass
class Prepared:
    """One article analysed outside any transaction, waiting for `write_prepared`.

    `record` is None when the article was already stored (`known_id`): writing then only
    adds this location. After writing, `status` and `article_id` say what happened.
    """

    label: str
    source: str
    locator: str
    seen: Sighting  # this copy's outlet, headline and stated date, for its Sources line
    record: ArticleRecord | None = None
    known_id: int | None = None
    events: list[EventRecord] = field(default_factory=list)
    event_day: str = ""
    status: str | None = None
    article_id: int | None = None

    def outcome(self) -> FileOutcome:
        if self.status is None:
            raise RuntimeError(f"{self.label} was analysed but never written")
        return FileOutcome(self.label, self.status, article_id=self.article_id)


def prepare_item(
    store: Store,
    item: RawItem,
    *,
    locator: str | None = None,
    sentences: int = 3,
    label: str = "",
) -> Prepared:
    """Analyse one fetched story (feed entry, page, JSON record) like a text file.

    The source's own title and date win over what cleaning finds in the text: a feed's
    date is metadata, a dateline in the text is a guess.
    """
    found = None
    how = item.date_source or "source"
    if isinstance(item.published, datetime):
        found = dates.FoundDate(item.published.date(), how, at=item.published)
    elif item.published is not None:
        found = dates.FoundDate(item.published, how)
    locator = locator or item.url or item.source_id
    return prepare_text(
        store,
        item.text,
        source=item.source_id,
        locator=locator,
        sentences=sentences,
        title=item.title,
        found=found,
        label=label or locator,
        outlet=item.outlet,
    )


def prepare_text(
    store: Store,
    raw: str,
    *,
    source: str,
    locator: str,
    sentences: int = 3,
    title: str | None = None,
    found: dates.FoundDate | None = None,
    events: bool = True,
    label: str = "",
    outlet: str | None = None,
) -> Prepared:
    """Clean, date, tag, summarise and extract events from one article, writing nothing.

    The costly stages run here, with no transaction open (a 1.85 MB article took 45 s
    under the write lock before). The store is only read: a story already stored skips
    the analysis. SkipFile when nothing of the text is left.
    `events=False` skips event extraction (the ingest benchmark measures the stages that
    every article needs). `outlet` (a feed's title, a page's site name) wins over the one
    the lead names ("Islam Times - ...").
    """
    article = clean_article(raw)
    if title or outlet:
        article = replace(article, title=title or article.title, outlet=outlet or article.outlet)
    found = found or dates.find_date(raw)
    # A story already stored only gains this location, with this copy's outlet, headline
    # and date for its Sources line: no need to tag or summarise it again.
    published = found.value.isoformat() if found else None
    seen = Sighting(article.outlet, article.title, published, locator, "")
    prepared = Prepared(label or locator, source, locator, seen)
    text_hash = content_hash(article.text)
    prepared.known_id = store.known_article(text_hash)
    if prepared.known_id is not None:
        return prepared
    minhash = dedup.signature(article.text)
    prepared.known_id = store.near_duplicate(minhash) if minhash is not None else None
    if prepared.known_id is not None:
        return prepared
    record = analyse(
        article, found, source=source, locator=locator, sentences=sentences, text_hash=text_hash
    )
    record.minhash = minhash
    prepared.record = record
    if events:
        prepared.events = extract_event_records(article, found, locator)
        # Only for clustering (reports of one undated event are found within days of each
        # other): the ingest day is never shown or counted as the event's date.
        prepared.event_day = (found.value if found else datetime.now(UTC).date()).isoformat()
    return prepared


def write_prepared(store: Store, batch: list[Prepared]) -> None:
    """Write analysed articles in one short transaction, filling in each one's outcome.

    A story may have become known since it was analysed (an earlier article of the same
    batch, another process): it is then stored once with both locations, as always.
    """
    if not batch:
        return
    with store.batch():
        for prepared in batch:
            with store.transaction():  # one article, with its events, stands or falls alone
                prepared.status, prepared.article_id = _write_one(store, prepared)


def _write_one(store: Store, prepared: Prepared) -> tuple[str, int]:
    record = prepared.record
    if record is not None and record.minhash is not None and prepared.known_id is None:
        prepared.known_id = store.near_duplicate(record.minhash)
    if record is None or prepared.known_id is not None:
        known = int(prepared.known_id)  # type: ignore[arg-type] - set whenever record is None
        store.add_source(known, prepared.source, prepared.locator, prepared.seen)
        return "duplicate", known
    article_id, is_new = store.add_article(record)
    if is_new and prepared.events:
        store.add_events(article_id, prepared.event_day, prepared.events)
    return ("new" if is_new else "duplicate"), article_id


def ingest_item(
    store: Store, item: RawItem, *, locator: str | None = None, sentences: int = 3
) -> tuple[str, int]:
    """Store one fetched story: ("new" | "duplicate", article id); see prepare_item."""
    return _write_alone(store, prepare_item(store, item, locator=locator, sentences=sentences))


def ingest_text(
    store: Store,
    raw: str,
    *,
    source: str,
    locator: str,
    sentences: int = 3,
    title: str | None = None,
    found: dates.FoundDate | None = None,
    events: bool = True,
    outlet: str | None = None,
) -> tuple[str, int]:
    """Store one article's raw text: ("new" | "duplicate", article id); SkipFile if empty.

    `outlet` (a feed's title, a page's site name) wins over the one the lead names.
    """
    prepared = prepare_text(
        store, raw, source=source, locator=locator, sentences=sentences,
        title=title, found=found, events=events, outlet=outlet,
    )  # fmt: skip
    return _write_alone(store, prepared)


def _write_alone(store: Store, prepared: Prepared) -> tuple[str, int]:
    write_prepared(store, [prepared])
    return prepared.status or "", int(prepared.article_id or 0)


def extract_event_records(
    article: cleaning.CleanArticle, found: dates.FoundDate | None, locator: str
) -> list[EventRecord]:
    """An article's diplomatic events, ready for the store's event clusters.

    A failure here is a bug in one rule: it is logged and costs the article its events,
    never the article itself or the rest of the batch.
    """
    published = found.value if found else None
    try:
        extracted = extract_events(article.text, title=article.title, published=published)
    except Exception:  # noqa: BLE001 - see the docstring
        log.exception("event extraction failed for %s", locator)
        return []
    return [event_record(e) for e in extracted]


def event_record(event: Event) -> EventRecord:
    return EventRecord(
        date=event.date.isoformat() if event.date else None,
        date_how=event.date_how,
        type=event.type,
        cameo=event.cameo,
        sides=event.sides,
        actors=[a.as_dict() for a in event.actors],
        topics=list(event.topics),
        sentences=list(event.sentences),
    )
