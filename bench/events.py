"""Event-extraction throughput, and the cost of one very long article, on one core.

What is measured:
- `extract_events` over N articles built by bench/corpus.py from a labelled JSON-lines file
  (by default 2,000 from the Reuters dev split: every story alone, then past the file's end
  the first half of one story followed by the second half of another, as bench/ingest.py
  uses), cleaned and dated outside the timing. Goal: >= 200 articles/s.
- For scale, in the same process: `countries.tag` over the same texts -- not a rival
  extractor, just the one stage every ingest already pays for, so the ratio says how much
  extraction adds to it.
- One article of about 1 MB (the file's stories run together into one text): the time
  `extract_events` takes on it. Goal: under 2 s -- the cost must grow with the text, not
  faster.

    python -m bench.events ../shared/data/reuters21578-places/dev.jsonl [--articles 2000]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bench.corpus import corpus
from summaries import countries
from summaries.clean import clean
from summaries.dates import find_date
from summaries.events import extract_events

GOAL_PER_S = 200
GOAL_LONG_S = 2.0
LONG_CHARS = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="JSON-lines file with title and text")
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    prepared = []
    for raw in corpus(args.data, args.articles, with_date=True):
        article = clean(raw)
        found = find_date(raw)
        prepared.append((article.title, article.text, found.value if found else None))
    extract_events("Warm-up: Iran's foreign minister met his French counterpart.")
    types: Counter[str] = Counter()
    started = time.perf_counter()
    for title, text, published in prepared:
        types.update(e.type for e in extract_events(text, title=title, published=published))
    events_s = time.perf_counter() - started
    started = time.perf_counter()
    for title, text, _ in prepared:
        countries.tag(title, text)
    baseline_s = time.perf_counter() - started
    n = len(prepared)
    long_text = "\n\n".join(text for _, text, _ in prepared)[:LONG_CHARS]
    started = time.perf_counter()
    long_events = extract_events(long_text)
    long_s = time.perf_counter() - started
    figures = {
        "articles": n,
        "events": sum(types.values()),
        "events_articles_per_s": round(n / events_s, 1),
        "baseline_tag_articles_per_s": round(n / baseline_s, 1),
        "extraction_vs_tagging": round(baseline_s and events_s / baseline_s, 2),
        "goal_articles_per_s": GOAL_PER_S,
        "long_article_chars": len(long_text),
        "long_article_s": round(long_s, 2),
        "long_article_events": len(long_events),
        "goal_long_article_s": GOAL_LONG_S,
        "types": dict(types.most_common()),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"articles:                   {n:,} ({figures['events']:,} events found)")
    print(f"extract_events:             {figures['events_articles_per_s']:,} articles/s")
    print(f"countries.tag (baseline):   {figures['baseline_tag_articles_per_s']:,} articles/s")
    print(f"goal:                       {GOAL_PER_S} articles/s")
    print(f"extraction / tagging time:  {figures['extraction_vs_tagging']}x")
    print(
        f"one {len(long_text) / 1e6:.2f} MB article:     {long_s:.2f} s "
        f"({len(long_events)} events; goal < {GOAL_LONG_S} s)"
    )
    print(f"event types:                {figures['types']}")


if __name__ == "__main__":
    main()
