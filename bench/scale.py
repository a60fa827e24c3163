"""Scale: ingest rate, memory, start-up and every bot read path at 10k and 100k articles.

A year of a few dozen feeds is 100,000 articles; the bot must answer as fast then as on
day one, and an ingest must not need memory that grows with the store. For each size this
builds a store from the dev files in DATA (`../shared/data/`): articles recombined from
the lead of one story and passages of two others (so none is a near-duplicate of another),
each with its own title, URL, outlet and a date spread over the last 365 days, ingested by
`diplobot ingest` in chunks (cleaning, dates, dedup, countries, summaries, events). Then:

- ingest articles/s (start-up of each chunk's process included) and its peak RSS;
- the database's size;
- `add_1000`: a separate `diplobot ingest` of 1,000 new articles into a copy of the
  finished store (wall time and peak RSS), and `startup`: the same for one new article,
  which is mostly what a process pays to start working on the store;
- `first_answer_ms`: a fresh Store's first /country page (the cost a started bot pays
  before its first answer: caches filled from the store);
- p50/p95 of every read path of the bot, in process, over `--calls` calls each (resolve +
  query + render, as the handlers run them in their worker threads): /country X, More,
  /country X Y, /latest, /countries, /country with no name, /trend X (the data, not the
  PNG), Sources and search.

Baseline (issue 14, before the per-cluster table and the database-held LSH index), 100k:
/country Iran p95 172 ms, /latest 554-737 ms, /countries 1.3-1.5 s, ingest ~180-280
articles/s with 536 MB peak and a 3 s index rebuild per process.

    python -m bench.scale ../shared/data [--sizes 10000,100000] [--keep DIR] [--json]

`--keep DIR` keeps the built stores there and reuses them on the next run (only the
measurements are repeated); without it they go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from bot import handlers, render
from summaries import digest as digests
from summaries import sides
from summaries.countries import country
from summaries.evaluate import read_jsonl
from summaries.store import Store
from summaries.tokenize import split_sentences

SOURCES = (
    "reuters21578-places/dev.jsonl",
    "events-dev/reuters.jsonl",
    "events-dev/cnn.jsonl",
    "cnn-dailymail/dev.jsonl",
    "bbc-news-summary/dev.jsonl",
)
OUTLETS = ("Wire One", "Daily Ledger", "Capital Times", "Evening Post", "World Desk")
RECORDS_PER_FILE = 500
CHUNK_ARTICLES = 10_000  # one `diplobot ingest` process per chunk, a progress line each
DIPLOBOT = Path(sys.executable).with_name("diplobot")
SEARCHES = ("Iran", "foreign minister", "Amir Abdollahian", "talks", "trade deficit", "oil")


# -- corpus ------------------------------------------------------------------------------


def load_pool(data: Path) -> list[tuple[str, list[str], str]]:
    """(title, sentences, dateline) of every usable story in the dev files."""
    pool = []
    for name in SOURCES:
        path = data / name
        if not path.exists():
            continue
        for record in read_jsonl(path):
            text = record.get("text") if record else None
            if not isinstance(text, str) or len(text) < 200:
                continue
            sentences = split_sentences(" ".join(text.split()))
            if len(sentences) >= 2:
                pool.append((record.get("title") or "", sentences, record.get("dateline") or ""))
    if not pool:
        sys.exit(f"no dev files under {data} (expected {', '.join(SOURCES)})")
    return pool


def article(pool: list[tuple[str, list[str], str]], i: int, today: date) -> dict[str, str]:
    """Article `i`: one story's lead and most of its sentences, then a passage of each of
    two others, so two articles share at most about a third of their shingles."""
    rng = random.Random(i)
    title, lead, dateline = pool[i % len(pool)]
    kept = lead[:2] + [s for s in lead[2:] if rng.random() < 0.7]
    parts = [" ".join(kept)]
    for _ in range(2):
        other = pool[rng.randrange(len(pool))][1]
        start = rng.randrange(len(other))
        parts.append(" ".join(other[start : start + max(2, len(other) // 2)]))
    text = (f"{dateline} - " if dateline else "") + "\n\n".join(parts)
    headline = title or " ".join(lead[0].split()[:10])
    return {
        "title": f"{headline} ({i})",
        "text": text,
        "url": f"https://news.example/{i}",
        "outlet": OUTLETS[i % len(OUTLETS)],
        "date": (today - timedelta(days=rng.randrange(365))).isoformat(),
    }


def write_articles(pool: list, ids: range, folder: Path, today: date) -> None:
    """Articles `ids` as .jsonl files of RECORDS_PER_FILE records in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    ids_list = list(ids)
    for n in range(0, len(ids_list), RECORDS_PER_FILE):
        with (folder / f"part-{ids_list[n]:08d}.jsonl").open("w", encoding="utf-8") as out:
            for i in ids_list[n : n + RECORDS_PER_FILE]:
                out.write(json.dumps(article(pool, i, today), ensure_ascii=False) + "\n")


# -- ingest --------------------------------------------------------------------------------


def run_ingest(db: Path, folder: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of `diplobot ingest folder` on `db`."""
    started = time.perf_counter()
    # stderr to a file, not a pipe: one skipped file per line can fill a pipe nobody reads
    # until the process ends, and the ingest would wait on it forever.
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            [str(DIPLOBOT), "--db", str(db), "ingest", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if returncode not in (0, 1):
            errors.seek(0)
            sys.exit(f"diplobot ingest failed ({returncode}): {errors.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def build(db: Path, pool: list, size: int, today: date, work: Path) -> dict[str, float]:
    """Ingest chunks of articles into `db` until it stores `size` of them (some recombined
    articles are still caught as near-duplicates, so more are read than stored); the rate
    (articles read per second, each one through the whole pipeline) and the largest peak RSS."""
    total_s, peak, read, start = 0.0, 0.0, 0, 0
    stored = _stored(db)
    while stored < size and start < size * 3:
        count = min(CHUNK_ARTICLES, max(1_000, round((size - stored) * 1.2)))
        folder = work / f"chunk-{start}"
        write_articles(pool, range(start, start + count), folder, today)
        wall, rss = run_ingest(db, folder)
        shutil.rmtree(folder)
        start, read = start + count, read + count
        total_s, peak = total_s + wall, max(peak, rss)
        stored = _stored(db)
        print(
            f"  {read:>7,} read  {stored:>7,} stored  {read / total_s:6.1f}/s  "
            f"chunk {wall:6.1f} s  peak {rss:5.0f} MB",
            file=sys.stderr,
            flush=True,
        )
    return {"ingest_per_s": read / total_s, "ingest_peak_rss_mb": peak, "stored": stored}


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    with Store(db) as store:
        return store.article_count()


def add_new(db: Path, pool: list, count: int, today: date, work: Path) -> tuple[float, float]:
    """A separate ingest of `count` new articles into a copy of `db` (the store is kept as
    built, so a reused store measures the same thing again)."""
    copy = work / "copy.db"
    with Store(db) as store:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db, copy)
    # The copy's pages are written back before the clock starts: otherwise the kernel
    # flushes 760 MB during the timed ingest of the 100k copy and the start-up figure
    # measures the disk, not diplobot.
    os.sync()
    folder = work / f"new-{count}"
    write_articles(pool, range(50_000_000, 50_000_000 + count), folder, today)
    try:
        return run_ingest(copy, folder)
    finally:
        shutil.rmtree(folder)
        for leftover in work.glob("copy.db*"):
            leftover.unlink()


# -- read paths -----------------------------------------------------------------------------


def busiest(store: Store) -> tuple[list[str], list[tuple[str, str]]]:
    """The countries and pairs with most events: what users ask for most."""
    codes = [
        code
        for (code,) in store.db.execute(
            "SELECT code FROM event_sides GROUP BY code ORDER BY COUNT(*) DESC LIMIT 8"
        )
        if _is_country(code)
    ]
    pairs = [
        tuple(s.split(","))
        for (s,) in store.db.execute(
            "SELECT sides FROM events WHERE sides LIKE '%,%' AND sides NOT LIKE '%,%,%' "
            "GROUP BY sides ORDER BY COUNT(*) DESC LIMIT 8"
        )
    ]
    return codes, [p for p in pairs if all(_is_country(c) for c in p)]  # type: ignore[misc]


def _is_country(code: str) -> bool:
    try:
        country(code)
    except KeyError:
        return False
    return True


def read_paths(store: Store) -> dict[str, Callable[[int], object]]:
    """Each read path of the bot as a call taking the call's number (to vary its input)."""
    codes, pairs = busiest(store)
    names = [country(c).name for c in codes]
    pair_names = [f"{country(a).name} {country(b).name}" for a, b in pairs] or names
    clusters = [
        item.cluster_id
        for code in codes
        for item in _page(store, sides.resolve(country(code).name).code, None, 0).items  # type: ignore[union-attr]
    ]

    def country_page(n: int) -> object:
        found = sides.resolve(names[n % len(names)])
        return _render(_page(store, found.code, None, 0))  # type: ignore[union-attr]

    def more(n: int) -> object:
        return _render(_page(store, codes[n % len(codes)], None, 5))

    def pair_page(n: int) -> object:
        pair = handlers._resolve_pair(pair_names[n % len(pair_names)])
        assert pair is not None, pair_names[n % len(pair_names)]
        return _render(_page(store, pair[0].code, pair[1].code, 0))

    def latest(n: int) -> object:
        items, more_left = digests.latest(store, 5, summary_words=handlers.BRIEF_WORDS)
        return render.event_page("Latest events", items, "more:*:-:5" if more_left else None)

    def countries_week(n: int) -> object:
        since = (date.today() - timedelta(days=6)).isoformat()
        recent, _ = handlers._counts_this_week(store, since)
        return render.country_counts([(country(c), k) for c, k in recent], "this week")

    def country_no_name(n: int) -> object:
        counts = store.country_counts()
        with_news = [country(code) for code, primary, _ in counts if primary]
        return render.countries_keyboard(with_news[:24])

    def trend(n: int) -> object:
        return handlers._trend(store, codes[n % len(codes)])

    def sources_of(n: int) -> object:
        item = handlers._event_sources(store, clusters[n % len(clusters)], None)
        return render.sources_message(item) if item else None

    def search(n: int) -> object:
        return store.search(SEARCHES[n % len(SEARCHES)])

    return {
        "/country X": country_page,
        "More": more,
        "/country X Y": pair_page,
        "/latest": latest,
        "/countries": countries_week,
        "/country (no name)": country_no_name,
        "/trend X": trend,
        "Sources": sources_of,
        "search": search,
    }


def _page(store: Store, code: str, partner: str | None, offset: int) -> digests.Digest:
    """One /country page as handlers._send_events asks for it."""
    return digests.build_digest(
        store, code, partner=partner, limit=handlers.EVENTS_PER_PAGE, offset=offset,
        order="newest", summary_words=handlers.BRIEF_WORDS,
    )  # fmt: skip


def _render(digest: digests.Digest) -> object:
    return render.event_page(digest.title, digest.items, None)


def time_paths(store: Store, calls: int) -> dict[str, dict[str, float]]:
    """p50/p95 in ms of each read path over `calls` calls (after five warm-up calls)."""
    out = {}
    for name, path in read_paths(store).items():
        for n in range(5):
            path(n)
        times = []
        for n in range(calls):
            started = time.perf_counter()
            path(n)
            times.append((time.perf_counter() - started) * 1000)
        cuts = statistics.quantiles(times, n=100)
        out[name] = {"p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2)}
    return out


def first_answer_ms(db: Path) -> float:
    """A freshly opened Store's first /country page: what a started bot pays once."""
    started = time.perf_counter()
    with Store(db) as store:
        codes, _ = busiest(store)
        _render(_page(store, codes[0], None, 0))
    return (time.perf_counter() - started) * 1000


# -- report ---------------------------------------------------------------------------------


def measure(data: Path, size: int, keep: Path | None, calls: int) -> dict:
    """Everything for one store size (building the store unless `keep` has it)."""
    folder = keep or Path(tempfile.mkdtemp(prefix="diplobot-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    db, built = folder / f"store-{size}.db", folder / f"store-{size}.json"
    today = date.today()
    pool = load_pool(data)
    if built.exists() and db.exists():
        figures = json.loads(built.read_text())
        print(f"{size:,}: reusing {db}", file=sys.stderr)
    else:
        for leftover in folder.glob(f"store-{size}.db*"):
            leftover.unlink()
        print(f"{size:,}: building {db} from {len(pool):,} stories", file=sys.stderr)
        figures = build(db, pool, size, today, folder)
        built.write_text(json.dumps(figures))
    with Store(db) as store:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        figures["articles"] = store.article_count()
        figures["events"] = store.event_count()
    figures["db_mb"] = db.stat().st_size / 1e6
    print(f"{size:,}: adding 1,000 articles to a copy", file=sys.stderr, flush=True)
    figures["add_1000_s"], figures["add_1000_peak_rss_mb"] = add_new(db, pool, 1000, today, folder)
    figures["startup_s"], figures["startup_peak_rss_mb"] = add_new(db, pool, 1, today, folder)
    figures["first_answer_ms"] = first_answer_ms(db)
    print(f"{size:,}: timing read paths", file=sys.stderr, flush=True)
    with Store(db) as store:
        figures["paths"] = time_paths(store, calls)
    if keep is None:
        shutil.rmtree(folder)
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}


def table(sizes: dict[str, dict]) -> str:
    """The figures side by side, one column per size."""
    names = list(sizes)
    rows = [("figure", *names)]
    for key in ("articles", "events", "ingest_per_s", "ingest_peak_rss_mb", "db_mb",
                "add_1000_s", "add_1000_peak_rss_mb", "startup_s", "first_answer_ms"):  # fmt: skip
        rows.append((key, *(f"{sizes[n][key]:,}" for n in names)))
    for path in sizes[names[0]]["paths"]:
        rows.append(
            (
                f"{path} p50 / p95 ms",
                *(f"{sizes[n]['paths'][path]['p50_ms']} / {sizes[n]['paths'][path]['p95_ms']}"
                  for n in names),
            )
        )  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="the dev data folder (../shared/data)")
    parser.add_argument("--sizes", default="10000,100000", help="store sizes, comma-separated")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the built stores here")
    parser.add_argument("--calls", type=int, default=200, help="calls per read path")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sizes = {
        str(size): measure(args.data, size, args.keep, args.calls)
        for size in (int(s) for s in args.sizes.split(","))
    }
    if args.json:
        print(json.dumps({"sizes": sizes}, indent=2))
    else:
        print(table(sizes))


if __name__ == "__main__":
    main()
