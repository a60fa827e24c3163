"""Briefs that open mid-thought: how many start with a connective or a bare pronoun.

Ingests the given data into a temporary database through the real pipeline (seed folders of
.txt files, or JSON-lines files of {title, text} records, the first --limit of each), then
checks the first sentence of every brief a reader sees: each article's stored summary, and
each event's brief as /country shows it (45 words) and as a digest does (60 words). A brief
fails when it opens with a connective ("Also,", "Furthermore,") or with a pronoun that refers
back ("It came after ...", "He said ..."), by the lists in config/briefs.toml.

The baseline is the same count on the code before briefs were checked (issue 12): run this
script on that commit to get it.

    .venv/bin/python -m bench.briefs seeds ../shared/data/cnn-dailymail/dev.jsonl \
        ../shared/data/bbc-news-summary/dev.jsonl [--limit 300] [--show 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bot.handlers import BRIEF_WORDS
from summaries import digest, openers
from summaries.evaluate import read_jsonl
from summaries.pipeline import SkipFile, ingest_paths, ingest_text
from summaries.store import Store

BUDGETS = {"event brief (/country)": BRIEF_WORDS, "event brief (digest)": digest.SUMMARY_WORDS}


def ingest(store: Store, path: Path, limit: int) -> int:
    """Ingest a folder of article files or the first `limit` records of a .jsonl file."""
    if path.is_dir():
        return ingest_paths(store, [path]).count("new")
    new = 0
    for n, record in enumerate(_records(path, limit), start=1):
        title = record.get("title") or None
        try:
            status, _ = ingest_text(
                store, record["text"], source="bench", locator=f"{path}#{n}", title=title
            )
        except SkipFile:
            continue
        new += status == "new"
    return new


def _records(path: Path, limit: int) -> Iterator[dict]:
    records = (r for r in read_jsonl(path) if r and isinstance(r.get("text"), str))
    for n, record in enumerate(records):
        if n == limit:
            return
        yield record


def briefs(store: Store) -> Iterator[tuple[str, list[str]]]:
    """(kind, brief) for every article summary and every event brief in the store."""
    for (article_id,) in store.db.conn.execute("SELECT id FROM articles ORDER BY id"):
        article = store.article(article_id)
        if article is not None and article.summary:
            yield "article summary", article.summary
    for cluster in store.event_clusters():
        for kind, words in BUDGETS.items():
            item = digest.digest_item(store, cluster, 0.0, summary_words=words)
            if item.summary:
                yield kind, item.summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="+", type=Path, help="seed folders or .jsonl files")
    parser.add_argument("--limit", type=int, default=300, help="records per .jsonl file")
    parser.add_argument("--show", type=int, default=0, help="print this many failures a kind")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    counts: dict[str, dict[str, int]] = {}
    shown: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "briefs.db") as store:
        articles = sum(ingest(store, path, args.limit) for path in args.data)
        for kind, brief in briefs(store):
            row = counts.setdefault(kind, {"briefs": 0, "connective": 0, "pronoun": 0})
            row["briefs"] += 1
            first = brief[0]
            failed = None
            if openers.opens_with_connective(first):
                failed = "connective"
            elif openers.opens_with_pronoun(first):
                failed = "pronoun"
            if failed:
                row[failed] += 1
                if shown.get(kind, 0) < args.show:
                    shown[kind] = shown.get(kind, 0) + 1
                    print(f"[{kind}, {failed}] {first[:160]}", file=sys.stderr)
    if args.json:
        print(json.dumps({"articles": articles, "kinds": counts}, indent=2))
        return 0
    print(f"{articles} articles from {', '.join(str(p) for p in args.data)}")
    print(f"{'brief':<24} {'briefs':>7} {'connective':>11} {'pronoun':>8} {'mid-thought':>12}")
    for kind, row in counts.items():
        bad = row["connective"] + row["pronoun"]
        print(
            f"{kind:<24} {row['briefs']:>7} {row['connective']:>11} {row['pronoun']:>8} {bad:>12}"
        )
    total = sum(r["connective"] + r["pronoun"] for r in counts.values())
    print(f"briefs opening mid-thought: {total} of {sum(r['briefs'] for r in counts.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
