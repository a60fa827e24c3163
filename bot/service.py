"""`diplobot run`: the bot as a service — commands, scheduled polling and digests, delivery.

Long polling by default; with a webhook URL, Telegram (or a reverse proxy in front of this
process) posts updates to us and every request must carry the secret token in the
X-Telegram-Bot-Api-Secret-Token header (`bot.webhook` answers 403 otherwise, before it
reads the body). SIGTERM or Ctrl-C stops
cleanly: the scheduler stops, the message being sent finishes and its row is recorded;
rows not yet sent stay in the outbox for the next start.

The token comes only from the environment and never reaches a log line or an error
message: a refused token or an unreachable server is reported in words a user can act on.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import secrets
import sys
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes

from bot import schedule as jobs
from bot import webhook as receiver
from bot.app import TELEGRAM_API_URL, bot_base_urls, build_application, protect_token_in_logs
from bot.delivery import Deliverer, Pacer, delivery_bot
from bot.storethreads import StoreThreads
from summaries.store import Store

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
UPDATES = ["message", "callback_query"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates (`url`), where we listen, and the shared secret."""

    url: str
    listen: str = "127.0.0.1"
    port: int = 8443
    secret: str | None = None


def run(
    store: Store,
    settings: dict[str, Any],
    token: str,
    api_url: str | None = None,
    *,
    webhook: Webhook | None = None,
    json_logs: bool = False,
) -> int:
    """Serve until SIGTERM / Ctrl-C; 0 on a clean stop, 1 when the bot could not start."""
    api_url = api_url or TELEGRAM_API_URL
    quiet_library_logs(verbose=logging.getLogger().isEnabledFor(logging.DEBUG))
    logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    secret = (webhook.secret or secrets.token_urlsafe(32)) if webhook else None
    # The webhook secret is a credential like the token: PTB logs setWebhook's
    # parameters at debug level (-v), so it is redacted from every log line too.
    protect_token_in_logs(
        token, None if json_logs else LOG_FORMAT, json_lines=json_logs, also=[secret or ""]
    )
    sock = None
    if webhook:
        try:
            sock = receiver.listen_socket(webhook.listen, webhook.port)
        except OSError as exc:
            print(f"diplobot: {_listen_problem(webhook, exc)}", file=sys.stderr)
            return 1
    app = build_application(store, settings, token, api_url)
    Runtime(store, settings, token, api_url).install(app)
    # At debug only: a server that cannot be reached is then one line, not two (the
    # "connected" line at info comes once getMe has answered).
    log.debug("starting diplobot against %s (%s)", api_url, "webhook" if webhook else "polling")
    try:
        if webhook and sock and secret:
            serving = receiver.serve(
                app, sock, url=webhook.url, secret=secret, allowed_updates=UPDATES
            )
            try:
                asyncio.run(serving)
            finally:
                sock.close()
        else:
            app.run_polling(allowed_updates=UPDATES)
    except InvalidToken:
        print(
            f"diplobot: the Bot API at {api_url} refused the token in TELEGRAM_BOT_TOKEN. "
            "Check it with @BotFather.",
            file=sys.stderr,
        )
        return 1
    except NetworkError as exc:
        print(
            f"diplobot: cannot reach the Bot API at {api_url} ({_safe(exc, token, secret)}); "
            "is the server up and --api-url right?",
            file=sys.stderr,
        )
        return 1
    except TelegramError as exc:
        print(
            f"diplobot: the Bot API refused to start the bot: {_safe(exc, token, secret)}",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:
        if _knows_itself(app.bot):
            raise  # past start-up: a bug of ours, whose traceback is wanted
        print(
            f"diplobot: the Bot API server's answer to getMe is not valid: {_safe(exc, token)}",
            file=sys.stderr,
        )
        return 1
    return 0


def quiet_library_logs(verbose: bool) -> None:
    """Keep the default log to what diplobot itself reports (-v shows everything).

    APScheduler logs each job it adds and runs at INFO, every few seconds; httpx logs every
    request to the Bot API. And when the Bot API cannot be reached or refuses the token at
    start-up, PTB logs the failure with three chained tracebacks before `run` reports the
    same in one line a user can act on.
    """
    if verbose:
        return
    for name in ("apscheduler", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    ext = logging.getLogger("telegram.ext")
    if _not_a_start_up_failure not in ext.filters:
        ext.addFilter(_not_a_start_up_failure)


def _not_a_start_up_failure(record: logging.LogRecord) -> bool:
    """False for PTB's report of a failed start-up (`run` says it in one line instead)."""
    return not record.getMessage().startswith("Network Retry Loop (Bootstrap")


def _knows_itself(bot: Bot) -> bool:
    """Whether getMe succeeded (PTB fills `bot.bot` from its answer during start-up).

    Start-up is PTB reading getMe's answer: an HTTP refusal or an unreachable server is a
    TelegramError, so anything else raised before the bot knows itself means the server
    answered getMe with something PTB could not turn into a User (no `is_bot`, say).
    """
    try:
        bot.bot  # noqa: B018 - the property raises until getMe has been read
    except RuntimeError:
        return False
    return True


class Runtime:
    """The scheduled side of a running bot: jobs on PTB's JobQueue plus the Deliverer task.

    The JobQueue (APScheduler 3) was chosen over a separate scheduler because it starts and
    stops with the Application in both polling and webhook mode and runs on its event loop.
    Its jobs therefore reach the store only through the Application's worker threads
    (`StoreThreads`), like the handlers: a job waiting for SQLite must not stall the chats.
    """

    def __init__(self, store: Store, settings: dict[str, Any], token: str, api_url: str) -> None:
        self.store = store
        self.settings = settings
        self.token = token
        self.api_url = api_url
        self.stop = asyncio.Event()
        self.deliverer: Deliverer | None = None
        self.task: asyncio.Task[None] | None = None
        self.bot: Bot | None = None
        self.db: StoreThreads | None = None

    def install(self, app: Application) -> None:
        self.db = app.bot_data["db"]
        plan = self.settings["schedule"]
        queue = app.job_queue
        if queue is None:  # the job-queue extra is a dependency; this is a packaging error
            raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
        queue.run_once(self._start_delivery, when=0, name="delivery")
        queue.run_repeating(self._digests, interval=plan["digest_check_s"], first=1, name="digests")
        queue.run_repeating(self._poll, interval=plan["poll_check_s"], first=2, name="poll")
        previous, initialised = app.post_stop, app.post_init

        async def started(application: Application) -> None:
            log.info("connected to %s as @%s", self.api_url, application.bot.username)
            if initialised:
                await initialised(application)

        async def stopping(application: Application) -> None:
            await self.shutdown()
            if previous:
                await previous(application)

        app.post_init = started
        app.post_stop = stopping

    async def _start_delivery(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Its own Bot without PTB's rate limiter: retries and pacing are the Deliverer's."""
        base_url, base_file_url = bot_base_urls(self.api_url)
        self.bot = delivery_bot(self.token, base_url, base_file_url)
        await self.bot.initialize()
        config = self.settings["delivery"]
        db = self._threads()
        self.deliverer = Deliverer(
            db,
            self.bot,
            Pacer(per_second=float(config["messages_per_second"])),
            max_attempts=int(config["max_attempts"]),
        )
        await db.run(jobs.queue_new_events)  # the first run only sets the watermark
        self.task = asyncio.create_task(self.deliverer.run(self.stop))
        log.info("delivery started; outbox %s", await db.run(Store.outbox_counts))

    def _threads(self) -> StoreThreads:
        if self.db is None:
            raise RuntimeError("Runtime.install(app) must run before the jobs start")
        return self.db

    async def _digests(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        grace = timedelta(hours=float(self.settings["schedule"]["grace_hours"]))
        report = await self._threads().run(jobs.queue_due_digests, grace=grace)
        if report.rows or report.built:
            log.info(
                "digests: %d queued, %d built, %d empty", report.rows, report.built, report.empty
            )
            self._wake()

    async def _poll(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Poll the sources that are due, then push every new event to instant subscribers:
        also those of articles another process (`diplobot ingest PATH`) wrote to the same
        database, so the look for new events runs even when no source is registered."""
        if await self._threads().run(Store.feeds):
            reports = await asyncio.to_thread(self._poll_sources)
            for report in reports:
                if report.new or report.failed:
                    log.info(
                        "source %s: %d new, %d failed %s",
                        report.location,
                        report.new,
                        report.failed,
                        report.note,
                    )
        await self._queue_instant()

    async def _queue_instant(self) -> None:
        queued = await self._threads().run(jobs.queue_new_events)
        if queued.rows:
            log.info("instant: %d deliveries queued", queued.rows)
            self._wake()

    def _poll_sources(self) -> list[Any]:
        """In a worker thread, with its own connection: ingest never blocks the bot."""
        from summaries.polling import poll_all
        from summaries.sources.http import Fetcher

        config = self.settings["sources"]
        fetcher = Fetcher(
            connect_timeout=config["connect_timeout_s"],
            read_timeout=config["read_timeout_s"],
            max_bytes=config["max_response_bytes"],
        )
        interval = timedelta(seconds=int(self.settings["schedule"]["poll_interval_s"]))
        with Store(self.store.path) as own, fetcher:
            return poll_all(
                own, fetcher, sentences=self.settings["summary"]["sentences"], interval=interval
            )

    def _wake(self) -> None:
        if self.deliverer is not None:
            self.deliverer.wake()

    async def shutdown(self) -> None:
        """Stop the sender after the message in flight; leave the rest queued."""
        self.stop.set()
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, timeout=15)
            except TimeoutError:
                log.warning("delivery did not stop within 15 s; unsent rows stay queued")
        if self.bot is not None:
            await self.bot.shutdown()
        if self.db is not None:
            log.info("stopped; outbox %s", await self.db.run(Store.outbox_counts))


def _listen_problem(webhook: Webhook, exc: OSError) -> str:
    """One line saying why the webhook port cannot be had, before Telegram is told of it."""
    where = f"{webhook.listen}:{webhook.port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {where}: the port is already in use (another diplobot?). "
            "Stop it or choose another --port; the webhook was not registered."
        )
    reason = exc.strerror or str(exc)
    return f"cannot listen on {where}: {reason}; the webhook was not registered."


def _safe(exc: Exception, token: str, secret: str | None = None) -> str:
    """The exception on one line, without the token or the webhook secret."""
    text = str(exc) if isinstance(exc, TelegramError) else f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split()).replace(token, "<token>")
    return text.replace(secret, "<secret>") if secret else text
