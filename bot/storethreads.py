"""Store calls off the event loop: a few worker threads, each with its own connection.

The bot's event loop serves every chat. A store call made on it stops them all while
SQLite works or waits: a write waits up to the busy timeout for a `diplobot ingest`
running beside the bot to commit, and a user's /country took 14 s that way. Here each
call runs in a worker thread instead, and the loop awaits it.

Each worker opens its own `Store` on first use and keeps it: a sqlite3 connection must not
be used by two threads at once, and with one connection per thread none ever is. In WAL
mode the workers' readers never wait for a writer, so a query is not held up by a write
queued on another worker. Four workers: the handlers' queries take milliseconds, and
CPU-bound work is serialised by the GIL anyway.

It must never hand a connection to another thread, or be used with ":memory:" (each
worker would see a database of its own).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from summaries.store import Store

P = ParamSpec("P")
T = TypeVar("T")
WORKERS = 4


class StoreThreads:
    """Runs `call(store, ...)` in a worker thread holding that thread's own Store."""

    def __init__(self, path: str | Path, workers: int = WORKERS) -> None:
        if str(path) == ":memory:":
            raise ValueError("StoreThreads needs a database file: each thread connects to it")
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="diplobot-db")
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()

    async def run(
        self, call: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`call(store, *args, **kwargs)` in a worker; the event loop stays free meanwhile.

        `call` is a Store method (`Store.subscribe`) or any function taking the store
        first (`digest.build_digest`), so several queries can share one trip.
        """
        loop = asyncio.get_running_loop()
        job = functools.partial(self._call, call, *args, **kwargs)
        return await loop.run_in_executor(self._executor, job)

    def _call(self, call: Callable[..., T], *args: object, **kwargs: object) -> T:
        return call(self._store(), *args, **kwargs)

    def _store(self) -> Store:
        """This worker's Store, opened the first time the worker needs one."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        """Wait for the calls under way, then close every worker's connection."""
        self._executor.shutdown(wait=True)
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
