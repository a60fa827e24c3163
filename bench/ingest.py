"""Ingest throughput: clean + dates + dedup + countries + store; summaries and events
excluded (bench/summary_speed.py and bench/events.py measure those).

Builds N articles from a labelled JSON-lines file (by default 10,000 from the Reuters dev
split: every story, then halves of two stories joined, so none is a duplicate), runs them
through the pipeline into a fresh SQLite file on one core, and prints articles per second
and peak memory. In the same run, as the baseline, it times a naive tagger that matches all
pycountry names with one regular expression over the same texts.

    python -m bench.ingest ../shared/data/reuters21578-places/dev.jsonl [--articles 10000]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import tempfile
import time
from pathlib import Path

import pycountry

from bench.corpus import corpus
from summaries import countries
from summaries.pipeline import BATCH_SIZE, chunks, ingest_text
from summaries.store import Store


def run_pipeline(texts: list[str], db: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds to ingest all texts, and how many articles were stored.

    CPU time is reported too because on a shared machine wall time also counts the other
    processes; on an idle one the two agree.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    with Store(db) as store:
        for batch in chunks(list(enumerate(texts)), BATCH_SIZE):
            with store.batch():
                for i, raw in batch:
                    ingest_text(
                        store, raw, source="bench", locator=f"bench:{i}", sentences=0, events=False
                    )
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        return wall, cpu, store.article_count()


def naive_tagger() -> re.Pattern[str]:
    names = {c.name for c in pycountry.countries}
    names |= {getattr(c, "common_name", c.name) for c in pycountry.countries}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b")


def run_baseline(texts: list[str]) -> float:
    pattern = naive_tagger()
    started = time.perf_counter()
    for text in texts:
        set(pattern.findall(text))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="JSON-lines file with title and text")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    texts = corpus(args.data, args.articles)
    countries.tag(None, "Warm-up: Iran and France.")  # load the tables outside the timing
    with tempfile.TemporaryDirectory() as tmp:
        pipeline_s, cpu_s, stored = run_pipeline(texts, Path(tmp) / "bench.db")
    baseline_s = run_baseline(texts)
    figures = {
        "articles": len(texts),
        "stored": stored,
        "pipeline_articles_per_s": round(len(texts) / pipeline_s, 1),
        "pipeline_articles_per_cpu_s": round(len(texts) / cpu_s, 1),
        "baseline_docs_per_s": round(len(texts) / baseline_s, 1),
        "ratio": round(baseline_s / pipeline_s, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"articles:                    {figures['articles']:,} ({stored:,} stored)")
    print(f"diplobot pipeline (no summ.): {figures['pipeline_articles_per_s']:,} articles/s")
    print(f"  by CPU time:                {figures['pipeline_articles_per_cpu_s']:,} articles/s")
    print(f"naive pycountry regex tagger: {figures['baseline_docs_per_s']:,} docs/s (baseline)")
    print(f"ratio pipeline / baseline:    {figures['ratio']}x")
    print(f"peak memory (max RSS):        {figures['peak_mb']} MB")


if __name__ == "__main__":
    main()
