"""The benchmark corpus: N distinct articles of real length from a labelled JSON-lines file.

Shared by bench/ingest.py and bench/events.py so both measure the same articles.
"""

from __future__ import annotations

import sys
from pathlib import Path

from summaries.evaluate import read_jsonl


def corpus(path: Path, n: int, *, with_date: bool = False) -> list[str]:
    """N distinct articles of real length: each story alone, then (past the file's end) the
    first half of one story followed by the second half of another.

    Halves keep every article about as long as a real story (joining whole stories would
    double the length and halve the rate). An article shares about a third of its shingles
    with either source story: neither an exact nor a near duplicate, so every article runs
    through every stage. `with_date` puts the record's date in the scraper's header.
    """
    records = [r for r in read_jsonl(path) if r and isinstance(r.get("text"), str)]
    records.sort(key=lambda r: len(r["text"]))
    if not records:
        sys.exit(f"no usable records in {path}")
    texts = []
    for i in range(n):
        turn, k = divmod(i, len(records))
        r = records[k]
        dateline = f"{r['dateline']} - " if r.get("dateline") else ""
        body = r["text"]
        if turn:
            other = records[(k + turn) % len(records)]["text"]
            body = _half(body, first=True) + "\n" + _half(other, first=False)
        date = f" date {r['date']}\n" if with_date and r.get("date") else ""
        texts.append(f"{date}{r.get('title', '')}\n\n{dateline}{body}")
    return texts


def _half(text: str, *, first: bool) -> str:
    """The first or second half of a text's lines (a one-line text is split by words)."""
    lines = text.split("\n")
    sep = "\n"
    if len(lines) < 2:
        lines, sep = text.split(" "), " "
    middle = len(lines) // 2
    return sep.join(lines[:middle] if first else lines[middle:])
