"""Article files dropped into a folder: saved HTML pages and JSON / JSON Lines exports.

Plain .txt files are handled by `summaries.pipeline`; this covers the formats that need
extraction or record parsing. A whole unusable file raises `SkipFile` (from
`summaries.sources.items`, as the pipeline does); single bad records are skipped with a
reason so one typo never loses an export.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summaries.sources.extract import extract_page, parse_when
from summaries.sources.http import decode_body
from summaries.sources.items import RawItem, SkipFile

FOLDER_SUFFIXES = (".html", ".htm", ".json", ".jsonl")
DEFAULT_MAX_BYTES = 20_000_000
TOO_DEEP = "JSON nested too deeply to read"

log = logging.getLogger(__name__)


@dataclass
class FolderResult:
    """Items read from one file, plus the records that were skipped and why."""

    items: list[RawItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_folder_file(path: str | Path) -> list[RawItem]:
    """The file's items; skipped records are logged (use `load_folder_file` to get them)."""
    result = load_folder_file(path)
    for reason in result.skipped:
        log.warning("%s: skipped %s", path, reason)
    return result.items


def load_folder_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> FolderResult:
    """Dispatch on the suffix; SkipFile when the file as a whole cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FOLDER_SUFFIXES:
        raise SkipFile(f"unsupported file type {suffix or '(none)'}")
    data = _read_bytes(path, max_bytes)
    if suffix in (".html", ".htm"):
        return FolderResult(items=[html_item(data, path)])
    text = _utf8(data)
    records = _jsonl_records(text) if suffix == ".jsonl" else _json_records(text)
    return records_to_items(records, str(path))


def html_item(data: bytes, path: Path) -> RawItem:
    """A saved web page, extracted as if fetched (its <meta charset> is honoured)."""
    page = extract_page(decode_body(data))
    if page is None:
        raise SkipFile("no article text found in the HTML page")
    return RawItem(
        title=page.title,
        text=page.text,
        url=None,
        published=page.published,
        date_source="page-meta" if page.published else None,
        author=page.author,
        source_id=str(path),
        outlet=page.site,
    )


def records_to_items(records: list[tuple[str, Any]], source_id: str) -> FolderResult:
    """Each (where, record) as an item, or a skip reason naming where the record was."""
    result = FolderResult()
    for where, record in records:
        try:
            result.items.append(record_item(record, source_id))
        except ValueError as exc:
            result.skipped.append(f"{where}: {exc}")
    return result


def record_item(record: Any, source_id: str) -> RawItem:
    """One {title, text, url, date, author} record; ValueError saying what is wrong."""
    if isinstance(record, _BadJson):
        raise ValueError(f"invalid JSON: {record.msg}")
    if not isinstance(record, dict):
        raise ValueError(f"expected an object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    raw_date = record.get("date", record.get("published"))
    published = parse_when(raw_date) if isinstance(raw_date, str) else None
    if raw_date not in (None, "") and published is None:
        raise ValueError(f"unreadable date {raw_date!r} (use ISO 8601, e.g. 2024-03-05)")
    return RawItem(
        title=_opt_str(record, "title"),
        text=text.strip(),
        url=_opt_str(record, "url"),
        published=published,
        date_source="record" if published else None,
        author=_opt_str(record, "author"),
        source_id=source_id,
        outlet=record_outlet(record),
    )


def record_outlet(record: dict[str, Any]) -> str | None:
    """The record's outlet: `outlet`, `site_name` or `source` (a name, or NewsAPI's
    {"name": ...} object); None when it names none."""
    for key in ("outlet", "site_name", "source"):
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None


def _json_records(text: str) -> list[tuple[str, Any]]:
    """A list of records, one record, or {"items"/"articles": [...]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SkipFile(f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:  # '[' * 100000: Python's parser recurses per level
        raise SkipFile(TOO_DEEP) from exc
    if isinstance(data, dict):
        for key in ("items", "articles"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise SkipFile("JSON must be a list of records or a single record")
    return [(f"record {i}", rec) for i, rec in enumerate(data, start=1)]


def _jsonl_records(text: str) -> list[tuple[str, Any]]:
    records: list[tuple[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            records.append((f"line {number}", _BadJson(exc.msg)))
        except RecursionError:
            records.append((f"line {number}", _BadJson(TOO_DEEP)))
    return records


class _BadJson:
    """Placeholder for an unparsable JSONL line, so it is reported like any bad record."""

    def __init__(self, msg: str) -> None:
        self.msg = msg


def _opt_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SkipFile(f"too large ({size:,} bytes; the limit is {max_bytes:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise SkipFile("empty file")
    return data


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not UTF-8 text (invalid byte at offset {exc.start})") from exc
