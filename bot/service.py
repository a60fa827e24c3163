"""`diplobot run`: the real bot, polling a Bot API server until stopped.

The token comes only from the environment and never reaches a log line or an error
message: a refused token or an unreachable server is reported in words a user can act on.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.app import TELEGRAM_API_URL, build_application, protect_token_in_logs
from summaries.store import Store

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def run(store: Store, settings: dict[str, Any], token: str, api_url: str | None = None) -> int:
    """Poll until Ctrl-C / SIGTERM; 0 on a clean stop, 1 when the bot could not start."""
    api_url = api_url or TELEGRAM_API_URL
    logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    protect_token_in_logs(token, LOG_FORMAT)
    app = build_application(store, settings, token, api_url)
    logging.getLogger(__name__).info("starting diplobot against %s", api_url)
    try:
        app.run_polling(allowed_updates=["message", "callback_query"])
    except InvalidToken:
        print(
            f"diplobot: the Bot API at {api_url} refused the token in TELEGRAM_BOT_TOKEN. "
            "Check it with @BotFather.",
            file=sys.stderr,
        )
        return 1
    except NetworkError as exc:
        print(
            f"diplobot: cannot reach the Bot API at {api_url}: {_safe(exc, token)}", file=sys.stderr
        )
        return 1
    except TelegramError as exc:
        print(
            f"diplobot: the Bot API refused to start the bot: {_safe(exc, token)}", file=sys.stderr
        )
        return 1
    return 0


def _safe(exc: Exception, token: str) -> str:
    return str(exc).replace(token, "<token>")
