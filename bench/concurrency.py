"""Bot reply latency while `diplobot ingest` writes 10,000 articles to the same database.

Deployed, `diplobot run` and a `diplobot ingest` share one SQLite file. This starts the Bot
API test double in this process and the real bot as a subprocess (`diplobot run`, its own
event loop and connections, as deployed), then plays users sending /country Iran,
/country Iran France, /latest, /subscriptions and /subscribe France (a write) one after
another, and times each command from the update's arrival at the double to the bot's
first reply. Baseline: the same commands with the database idle. Then a second
subprocess ingests N articles (bench/corpus.py: the Reuters stories, then halves of two
joined) as .txt files from a folder, with summaries and events, and the commands run until
it exits. Lock errors are counted in both processes' stderr and in the replies ("Sorry,
something went wrong").

Last, in this process, one 1.85 MB article (corpus articles joined) is analysed and
written: the write is how long the write lock is held for it (the issue measured ~45 s
before analysis moved out of the transaction).

    python -m bench.concurrency ../shared/data/reuters21578-places/dev.jsonl [--articles N] [--json]

Goal (issue 13): replies under 200 ms p95 during the ingest, no lock error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import corpus
from bot.fakeapi import DEFAULT_TOKEN, FakeTelegram
from summaries.pipeline import ingest_paths, prepare_text, write_prepared
from summaries.store import Store

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [
    "/country Iran",
    "/country Iran France",
    "/latest",
    "/subscriptions",
    "/subscribe France",
]
WRITES = {"/subscribe France"}
BASELINE_ROUNDS = 12
BIG_ARTICLE_BYTES = 1_850_000
LOCK_WORDS = ("database is locked", "database is busy")


def write_corpus(texts: list[str], folder: Path) -> None:
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")


def python_cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", "--db", str(db), *args]


async def start_bot(db: Path, config: Path, api_url: str, log: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "DIPLOBOT_CONFIG": str(config)}
    return await asyncio.create_subprocess_exec(
        *python_cli(db, "run", "--api-url", api_url),
        env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=log.open("w"),
    )  # fmt: skip


async def ask(tg: FakeTelegram, chat: int, text: str) -> tuple[float, str]:
    """Seconds from the update's arrival to the bot's first reply, and that reply."""
    since = tg.mark()
    started = time.perf_counter()
    tg.user_says(chat, text)
    [reply, *_] = await tg.wait_for_messages(chat, 1, since=since, timeout=60)
    return time.perf_counter() - started, reply.text or ""


class Samples:
    """Latencies per command kind, and replies that were apologies for an error."""

    def __init__(self) -> None:
        self.reads: list[float] = []
        self.writes: list[float] = []
        self.apologies = 0

    def add(self, command: str, seconds: float, reply: str) -> None:
        (self.writes if command in WRITES else self.reads).append(seconds)
        if reply.startswith("Sorry, something went wrong"):
            self.apologies += 1

    def figures(self) -> dict[str, float | int]:
        every = self.reads + self.writes
        return {
            "replies": len(every),
            "p50_ms": _ms(_percentile(every, 50)),
            "p95_ms": _ms(_percentile(every, 95)),
            "max_ms": _ms(max(every)),
            "reads_p95_ms": _ms(_percentile(self.reads, 95)),
            "writes_p95_ms": _ms(_percentile(self.writes, 95)),
            "error_replies": self.apologies,
        }


def _percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


async def converse_until(tg: FakeTelegram, samples: Samples, done: asyncio.Event | None) -> None:
    """Commands from rotating chats, one at a time: BASELINE_ROUNDS rounds, or until done."""
    chat, n = 700, 0
    while (done is None and n < BASELINE_ROUNDS * len(COMMANDS)) or (done and not done.is_set()):
        command = COMMANDS[n % len(COMMANDS)]
        seconds, reply = await ask(tg, chat + n % 7, command)
        samples.add(command, seconds, reply)
        n += 1
        await asyncio.sleep(0.05)  # a user's pace, not a flood: the ingest gets the CPU too


async def measure(data: Path, articles: int, tmp: Path) -> dict[str, object]:
    db, config, folder = tmp / "bench.db", tmp / "config.toml", tmp / "articles"
    config.write_text("[schedule]\npoll_check_s = 3600\n")
    write_corpus(corpus(data, articles, with_date=True), folder)
    with Store(db) as store:
        ingest_paths(store, [ROOT / "seeds"])
    bot_log, ingest_log = tmp / "bot.log", tmp / "ingest.log"
    async with FakeTelegram() as tg:
        bot = await start_bot(db, config, tg.api_url, bot_log)
        try:
            await ask(tg, 699, "/start")  # the bot is up and polling
            idle = Samples()
            await converse_until(tg, idle, None)
            busy = Samples()
            done = asyncio.Event()
            started = time.perf_counter()
            ingest = await asyncio.create_subprocess_exec(
                *python_cli(db, "ingest", str(folder)), cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL, stderr=ingest_log.open("w"),
            )  # fmt: skip
            talking = asyncio.create_task(converse_until(tg, busy, done))
            await ingest.wait()
            ingest_s = time.perf_counter() - started
            done.set()
            await talking
        finally:
            bot.terminate()
            await bot.wait()
    logs = bot_log.read_text() + ingest_log.read_text()
    with Store(db) as store:
        stored = store.article_count()
    return {
        "articles": articles,
        "stored": stored,
        "ingest_s": round(ingest_s, 1),
        "ingest_exit": ingest.returncode,
        "lock_errors": sum(logs.count(words) for words in LOCK_WORDS),
        "idle": idle.figures(),
        "during_ingest": busy.figures(),
        "big_article": big_article(data, tmp / "big.db"),
    }


def big_article(data: Path, db: Path) -> dict[str, float]:
    """Seconds analysing (no lock) and writing (lock held) one 1.85 MB article."""
    parts, size = [], 0
    for text in corpus(data, 5000):
        parts.append(text.split("\n", 2)[-1])
        size += len(parts[-1])
        if size >= BIG_ARTICLE_BYTES:
            break
    raw = "Iran and France: a very long dispatch\n\n" + "\n".join(parts)
    with Store(db) as store:
        started = time.perf_counter()
        prepared = prepare_text(store, raw, source="bench", locator="bench:big")
        analysed = time.perf_counter()
        write_prepared(store, [prepared])
        written = time.perf_counter()
    return {
        "chars": len(raw),
        "analysis_s": round(analysed - started, 2),
        "lock_held_s": round(written - analysed, 3),
    }


def print_table(figures: dict[str, object]) -> None:
    rows = [("idle (baseline)", figures["idle"]), ("during ingest", figures["during_ingest"])]
    print(
        f"{figures['articles']:,} articles ingested in {figures['ingest_s']} s by another "
        f"process (exit {figures['ingest_exit']}, {figures['stored']:,} stored in total)"
    )
    head = ("", "replies", "p50 ms", "p95 ms", "max ms", "reads p95", "writes p95", "errors")
    print("  ".join(f"{h:>15}" if i == 0 else f"{h:>10}" for i, h in enumerate(head)))
    for name, f in rows:
        values = [f[k] for k in ("replies", "p50_ms", "p95_ms", "max_ms")]
        values += [f["reads_p95_ms"], f["writes_p95_ms"], f["error_replies"]]
        print(f"{name:>15}  " + "  ".join(f"{v:>10}" for v in values))
    print(f"'database is locked' in the bot's and the ingest's logs: {figures['lock_errors']}")
    big = figures["big_article"]
    print(
        f"one {big['chars']:,}-character article: analysed in {big['analysis_s']} s "
        f"with no lock, written in {big['lock_held_s']} s holding the lock"
    )
    print("goal: p95 under 200 ms during the ingest, no lock error")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="JSON-lines file with title and text")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(measure(args.data, args.articles, Path(tmp)))
    if args.json:
        print(json.dumps(figures))
    else:
        print_table(figures)


if __name__ == "__main__":
    main()
