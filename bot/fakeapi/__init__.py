"""FakeTelegram: the project's Telegram Bot API test double, a real HTTP server on loopback.

python-telegram-bot (PTB) talks to it exactly as it talks to api.telegram.org, so tests and
the demo exercise the real client code: form-encoded and multipart requests, the
`{"ok": ..., "result": ...}` envelope, error statuses equal to `error_code`, long polling.

It is deliberately as strict as Telegram, because a lenient double hides the bugs that
only show up in production: parameters are checked against the Bot API parameter table,
HTML is parsed with Telegram's rules (allowed tags, balanced nesting, escaped `<` and `&`),
the 4096/1024-character limits count UTF-16 code units after entity parsing, inline
keyboards are checked (64-byte callback_data, exactly one action per button), sending to a
chat that never wrote to the bot fails with "chat not found", and editing a message without
changing it fails with "message is not modified".

The parameter table `bot/botapi_methods.json` holds only the methods implemented here. It was
extracted from `api.json` of github.com/PaulSonOfLars/telegram-bot-api-spec (MIT licence),
commit 160fd99507e1c7c77e92dc90f5993d724735b51c (Bot API 10.1), keeping name, types and
required for each parameter.

Tests use it in-process (the `fake_telegram` fixture in tests/conftest.py starts one)::

    async with FakeTelegram() as tg:
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
        app.add_handler(CommandHandler("start", start))
        async with polling(app):
            replies = await tg.converse(42, "/start")

`tg.api_url` is the server root that `bot.app.build_application(..., api_url=...)` takes.

`serve(port, token)` runs it on its own (`diplobot fake-telegram`) and logs every request to
stdout; people then play the user with `POST /fake/say {"chat_id": 42, "text": "/start"}`,
`POST /fake/press {"chat_id", "message_id", "callback_data"}` and `GET /fake/sent`.

Delivery code meets Telegram's limits and faults here too, all off by default (the logic is
in bot/fakelimits.py): `FakeTelegram(limits=Limits(enabled=True))` answers 429 with
`retry_after` past ~30 messages a second, 1 a second per chat and 20 a minute per group;
`faults=Faults(server_error=0.05, drop=0.05, seed=1)` answers a seeded share of sends with
5xx, 429, a dropped connection or a slow answer; `block_chat`, `deactivate_chat` and
`migrate_chat` give Telegram's 403s and "upgraded to a supergroup" 400. Another process
sets the same with `POST /fake/limits`, `/fake/faults`, `/fake/block`, `/fake/unblock`,
`/fake/deactivate`, `/fake/migrate`, `/fake/register`, and reads `GET /fake/stats` and
`GET /fake/delivered?chat_id=42`.

`malform("sendMessage")` (or `POST /fake/malform {"method": ..., "kind": ...}`) makes a
method answer 200 with a `result` PTB cannot read, as third-party emulators do (objects as
strings, dates in milliseconds, a missing field); the message is still delivered, so a
test can count what a client sends again.

The package, one job a module: `protocol` (limits, errors, malformed answers), `params`
(the parameter table and type checks), `telegram_html` (parse_mode and length rules),
`keyboards` (reply markup and commands), `images` (photo sizes), `records` (what the
double remembers), `server` (FakeTelegram: aiohttp and the request path, with the mixins
`users` — playing the users —, `methods` — the Bot API methods — and `control` — the
/fake/... endpoints), `standalone` (console lines and `serve`). This module only
re-exports the names tests, the demo and the CLI use.

It must never talk to the real Telegram, listen beyond the host it is given (127.0.0.1 by
default), or write the bot token to a log.
"""

from __future__ import annotations

from bot.fakeapi.images import image_size
from bot.fakeapi.keyboards import check_commands, check_inline_keyboard, check_reply_markup
from bot.fakeapi.params import METHODS, Upload, canonical_method, validate
from bot.fakeapi.protocol import (
    DEFAULT_BOT_USERNAME,
    DEFAULT_TOKEN,
    MALFORMED_RESULTS,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    ApiError,
    bad_request,
)
from bot.fakeapi.records import CallbackAnswer, Mark, RequestRecord, SentMessage
from bot.fakeapi.server import FakeTelegram, polling
from bot.fakeapi.standalone import describe, serve
from bot.fakeapi.telegram_html import ParsedText, parse_html, parse_text, utf16_length

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "MALFORMED_RESULTS",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "METHODS",
    "ApiError",
    "CallbackAnswer",
    "FakeTelegram",
    "Mark",
    "ParsedText",
    "RequestRecord",
    "SentMessage",
    "Upload",
    "bad_request",
    "canonical_method",
    "check_commands",
    "check_inline_keyboard",
    "check_reply_markup",
    "describe",
    "image_size",
    "parse_html",
    "parse_text",
    "polling",
    "serve",
    "utf16_length",
    "validate",
]
