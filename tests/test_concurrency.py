"""One database, several writers: `diplobot run` and `diplobot ingest` side by side.

Every test uses real SQLite files and, where it matters, real processes or threads with
their own connections, as deployed. None measures time: bench/concurrency.py does. A
failure here is "database is locked", a write lock held while articles are analysed, or a
bot that stops answering while another process writes.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.session import local_bot
from summaries import pipeline
from summaries import settings as settings_mod
from summaries.pipeline import article_files, ingest_files, ingest_paths
from summaries.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
VOCABULARY = sorted(
    {w for p in SEEDS.glob("*.txt") for w in re.findall(r"[a-z]{4,}", p.read_text().lower())}
)


def article(rng: random.Random, label: str) -> tuple[str, str]:
    """A distinct article about Iran and France (title, body): random words from the seeds'
    vocabulary, so no two share enough shingles to be near-duplicates."""
    sentences = [" ".join(rng.choices(VOCABULARY, k=14)).capitalize() + "." for _ in range(8)]
    lead = "Iran's foreign minister spoke by phone with his French counterpart on Monday."
    return f"Iran and France talks {label}", " ".join([lead, *sentences])


def write_folder(folder: Path, n: int, seed: int) -> Path:
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    for i in range(n):
        title, body = article(rng, f"{seed}-{i}")
        (folder / f"{i:04d}.txt").write_text(f"{title}\n\n{body}\n")
    return folder


def test_fault_two_ingest_processes_on_one_database_never_see_database_is_locked(tmp_path):
    db = tmp_path / "shared.db"
    Store(db).close()
    folders = [write_folder(tmp_path / f"in{n}", 150, seed=n) for n in (1, 2)]
    env = {**os.environ, "DIPLOBOT_CONFIG": str(tmp_path / "none.toml")}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "--db", str(db), "ingest", str(folder)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for folder in folders
    ]
    results = [run.communicate(timeout=120) for run in runs]
    for run, (_, stderr) in zip(runs, results, strict=True):
        assert "locked" not in stderr, stderr[-2000:]
        assert run.returncode == 0, stderr[-2000:]
    with Store(db) as store:
        assert store.article_count() == 300


def test_fault_ingest_threads_and_read_then_write_transactions_share_one_database(tmp_path):
    """The pattern that failed: a transaction that reads, then writes, while another
    connection commits in between (a deferred transaction cannot wait for the lock)."""
    db = tmp_path / "shared.db"
    Store(db).close()
    folders = [write_folder(tmp_path / f"in{n}", 40, seed=n) for n in (1, 2)]
    errors: list[BaseException] = []

    def ingest(folder: Path) -> None:
        with Store(db) as store:
            ingest_files(store, article_files([folder]), sentences=0, batch_size=2)

    def count_in_transactions() -> None:
        with Store(db) as store:
            for _ in range(150):
                with store.transaction():
                    seen = int(store.meta("counter") or 0)
                    store.set_meta("counter", str(seen + 1))

    def guarded(work, *args) -> None:
        try:
            work(*args)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(ingest, f)) for f in folders]
    threads.append(threading.Thread(target=guarded, args=(count_in_transactions,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(db) as store:
        assert store.article_count() == 80
        assert store.meta("counter") == "150"  # no increment lost either


def test_fault_ingest_analyses_articles_with_no_write_lock_held(tmp_path, monkeypatch):
    """While an article is summarised, another connection that will not wait at all
    (timeout 0) can still write: the lock is taken only for the article's inserts."""
    folder = write_folder(tmp_path / "in", 5, seed=3)
    db = tmp_path / "a.db"
    summarize = pipeline.summarize
    probes: list[int] = []
    with Store(db) as store:
        impatient = sqlite3.connect(db, timeout=0, isolation_level=None)

        def summarize_while_another_writes(*args, **kwargs):
            impatient.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('probe', ?)", [len(probes)]
            )
            probes.append(1)
            return summarize(*args, **kwargs)

        monkeypatch.setattr(pipeline, "summarize", summarize_while_another_writes)
        report = ingest_paths(store, [folder])
        impatient.close()
    assert len(probes) == 5
    assert report.count("new") == 5


def test_fault_a_large_jsonl_file_is_written_in_several_short_transactions(tmp_path):
    records = tmp_path / "many.jsonl"
    rng = random.Random(4)
    with records.open("w") as out:
        for i in range(250):
            title, body = article(rng, str(i))
            out.write(json.dumps({"title": title, "text": body, "url": f"https://x.test/{i}"}))
            out.write("\n")
    with Store(tmp_path / "b.db") as store:
        statements: list[str] = []
        store.db.conn.set_trace_callback(statements.append)
        report = ingest_files(store, article_files([records]), sentences=0, batch_size=100)
        store.db.conn.set_trace_callback(None)
        assert report.count("new") == 250
        assert store.article_count() == 250
    assert statements.count("BEGIN IMMEDIATE") == 3  # 100 + 100 + 50 articles


@pytest.fixture
def seeded_db(tmp_path) -> Path:
    db = tmp_path / "bot.db"
    with Store(db) as store:
        ingest_paths(store, [SEEDS], sentences=1)
    return db


async def test_fault_bot_answers_while_another_process_holds_the_write_lock(seeded_db):
    """Reads need no lock in WAL mode and a waiting write waits in a worker thread: the
    bot keeps answering everyone, and the waiting command is answered once the lock goes."""
    with Store(seeded_db) as store:
        async with local_bot(store, settings_mod.defaults()) as tg:
            holder = sqlite3.connect(seeded_db, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('held', '1')")
            try:
                [first, *_] = await tg.converse(601, "/country Iran", timeout=10)
                assert first.text.startswith("Iran: latest events")
                waiting = tg.mark()
                tg.user_says(602, "/subscribe France")  # its write waits for the lock
                [other, *_] = await tg.converse(603, "/country France", timeout=10)
                assert other.text.startswith("France: latest events")
                assert tg.sent(602) == []  # still waiting: the lock is ours
            finally:
                holder.execute("COMMIT")
                holder.close()
            [answer] = await tg.wait_for_messages(602, 1, since=waiting, timeout=10)
            assert "France" in answer.text
    with Store(seeded_db) as store:
        assert store.subscriptions(602) == ["FR"]
