"""Builds the python-telegram-bot Application: the one place handlers are wired.

The Bot API server is a parameter (`api_url`), so the same application runs against
Telegram, a self-hosted Bot API server, or the project's test double on loopback.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import handlers
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
        Application.builder().token(token).base_url(base_url).base_file_url(base_file_url)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.post_init(_register_commands).build()
    app.bot_data["store"] = store
    app.bot_data["settings"] = settings
    _add_handlers(app)
    return app


def _add_handlers(app: Application) -> None:
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("country", handlers.country))
    app.add_handler(CommandHandler("countries", handlers.countries_this_week))
    app.add_handler(CommandHandler("subscribe", handlers.subscribe))
    app.add_handler(CommandHandler("unsubscribe", handlers.unsubscribe))
    app.add_handler(CommandHandler("subscriptions", handlers.subscriptions))
    app.add_handler(CallbackQueryHandler(handlers.country_button, pattern=r"^country:"))
    app.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.plain_text))
    app.add_error_handler(handlers.on_error)


async def _register_commands(app: Application) -> None:
    """Publish the command menu; a failure here is logged, never fatal."""
    commands = [BotCommand(name, about) for name, _, about in handlers.COMMANDS]
    try:
        await app.bot.set_my_commands(commands)
    except Exception as exc:  # noqa: BLE001 - the menu is a convenience, not a requirement
        logging.getLogger(__name__).warning("could not set the command menu: %s", exc)


class RedactingFormatter(logging.Formatter):
    """Formats records, tracebacks included, with the bot token replaced.

    httpx and PTB put request URLs (which contain the token) into messages and exception
    texts; redacting the final string catches every path a token can take into a log.
    """

    def __init__(self, token: str, fmt: str | None = None) -> None:
        super().__init__(fmt)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self.token, "<token>") if self.token else text


def protect_token_in_logs(token: str, fmt: str | None = None) -> None:
    """Make every root handler redact `token`, and quiet httpx's per-request URL lines."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(token, fmt))
    logging.getLogger("httpx").setLevel(logging.WARNING)
