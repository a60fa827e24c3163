"""Builds the python-telegram-bot Application: the one place handlers are wired.

The Bot API server is a parameter (`api_url`), so the same application runs against
Telegram, a self-hosted Bot API server, or the project's test double on loopback.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Iterable
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers
from bot.storethreads import StoreThreads
from summaries.store import Store

TELEGRAM_API_URL = "https://api.telegram.org"


def bot_base_urls(api_url: str) -> tuple[str, str]:
    """PTB's base_url and base_file_url for a Bot API server root such as http://host:port."""
    root = api_url.rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"


def build_application(
    store: Store,
    settings: dict[str, Any],
    token: str,
    api_url: str = TELEGRAM_API_URL,
    *,
    rate_limit: bool = True,
) -> Application:
    """A ready-to-start Application with every command, button and the error handler."""
    base_url, base_file_url = bot_base_urls(api_url)
    builder: ApplicationBuilder = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .concurrent_updates(ChatOrderedUpdates())
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.post_init(_register_commands).post_shutdown(_close_store_threads).build()
    # Handlers reach the database only through worker threads with their own connections
    # (bot/storethreads.py); `store` itself is never used on the event loop.
    app.bot_data["db"] = StoreThreads(store.path)
    app.bot_data["settings"] = settings
    _add_handlers(app)
    return app


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Updates of different chats are handled concurrently, those of one chat in order.

    PTB handles one update at a time by default, so a command waiting for the database
    (a write queued behind an ingest's lock) held up every other chat's answer. Fully
    concurrent updates could answer one user's /subscribe and /unsubscribe out of order;
    a lock per chat keeps each conversation sequential.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int | None, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat is not None else None
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._chats[key]
            if users == 1:  # forget idle chats, or the table grows with every chat ever seen
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up: the locks are made as chats appear."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _add_handlers(app: Application) -> None:
    app.add_handler(TypeHandler(Update, handlers.chat_seen), group=-1)
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("country", handlers.country))
    app.add_handler(CommandHandler("countries", handlers.countries_this_week))
    app.add_handler(CommandHandler("latest", handlers.latest_events))
    app.add_handler(CommandHandler("trend", handlers.trend))
    app.add_handler(CommandHandler("subscribe", handlers.subscribe))
    app.add_handler(CommandHandler("unsubscribe", handlers.unsubscribe))
    app.add_handler(CommandHandler("subscriptions", handlers.subscriptions))
    app.add_handler(CommandHandler("timezone", handlers.timezone))
    app.add_handler(CommandHandler("nothingnew", handlers.nothing_new))
    app.add_handler(CommandHandler("stats", handlers.stats))
    app.add_handler(MessageHandler(filters.LOCATION, handlers.location))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.chat_migrated))
    app.add_handler(CallbackQueryHandler(handlers.country_button, pattern=r"^country:"))
    app.add_handler(CallbackQueryHandler(handlers.more_button, pattern=r"^more:"))
    app.add_handler(CallbackQueryHandler(handlers.sources_button, pattern=r"^src:"))
    app.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.plain_text))
    app.add_error_handler(handlers.on_error)


async def _close_store_threads(app: Application) -> None:
    """After the last handler: the worker threads' connections are closed."""
    app.bot_data["db"].close()


async def _register_commands(app: Application) -> None:
    """Publish the command menu; a failure here is logged, never fatal."""
    commands = [BotCommand(name, about) for name, _, about in handlers.COMMANDS]
    try:
        await app.bot.set_my_commands(commands)
    except Exception as exc:  # noqa: BLE001 - the menu is a convenience, not a requirement
        logging.getLogger(__name__).warning("could not set the command menu: %s", exc)


class RedactingFormatter(logging.Formatter):
    """Formats records, tracebacks included, with the bot token (and other secrets) replaced.

    httpx and PTB put request URLs (which contain the token) into messages and exception
    texts, and PTB logs setWebhook's parameters (the webhook secret among them) at debug
    level; redacting the final string catches every path a secret can take into a log.
    """

    def __init__(
        self,
        token: str,
        fmt: str | None = None,
        *,
        json_lines: bool = False,
        also: Iterable[str] = (),
    ) -> None:
        super().__init__(fmt)
        self.token = token
        self.json_lines = json_lines
        pairs = [(token, "<token>"), *((value, "<secret>") for value in also)]
        self.hidden = [(value, mark) for value, mark in pairs if value]

    def format(self, record: logging.LogRecord) -> str:
        text = self._json(record) if self.json_lines else super().format(record)
        for value, mark in self.hidden:
            text = text.replace(value, mark)
        return text

    def _json(self, record: logging.LogRecord) -> str:
        """One JSON object per line (time, level, logger, message, exception) for log
        collectors; redacted after serialising, like the plain format."""
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def protect_token_in_logs(
    token: str, fmt: str | None = None, *, json_lines: bool = False, also: Iterable[str] = ()
) -> None:
    """Make every root handler redact `token` and the secrets in `also`, and quiet httpx's
    per-request URL lines."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(token, fmt, json_lines=json_lines, also=also))
    logging.getLogger("httpx").setLevel(logging.WARNING)
