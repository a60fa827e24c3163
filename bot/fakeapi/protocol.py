"""Bot API wire constants and errors: Telegram's limits, its error envelope and the
answers a broken server or emulator gives (502 pages, malformed results).

Pure data: no server, no state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_BOT_USERNAME = "diplobot_test_bot"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_COMMANDS = 100
MAX_POLL_TIMEOUT = 50
# Telegram accepts multipart bodies up to 50 MB; aiohttp's 1 MB default would refuse photos.
MAX_BODY_BYTES = 50 * 1024 * 1024

# Requests that deliver a message: the ones flood control and injected faults apply to.
SENDING_METHODS = frozenset({"sendMessage", "sendPhoto"})
# Requests that are the bot answering a user: they end a `converse`/`press` wait.
OUTPUT_METHODS = frozenset(
    "sendMessage sendPhoto editMessageText editMessageReplyMarkup deleteMessage "  # noqa: SIM905
    "answerCallbackQuery".split()
)
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice "  # noqa: SIM905
    "upload_document choose_sticker find_location record_video_note upload_video_note".split()
)
# InlineKeyboardButton fields that change how a button looks, not what it does.
BUTTON_COSMETIC_FIELDS = frozenset({"text", "icon_custom_emoji_id", "style"})

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A Bot API error: the HTTP status equals `code`, as Telegram does (PTB relies on it)."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON error envelope."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix, which PTB shows to the developer."""
    return ApiError(400, f"Bad Request: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """Telegram's flood-control answer; PTB raises RetryAfter from `parameters`."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


# Ways to spoil the `result` of a 200 answer (`FakeTelegram.malform`), as third-party Bot
# API emulators do: the method is still performed and recorded, only its answer is wrong.
MALFORMED_RESULTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # An object echoed back as a string; PTB: "argument after ** must be a mapping".
    "preview_as_string": lambda r: {**r, "link_preview_options": '{"is_disabled": true}'},
    # Dates in milliseconds; PTB cannot build a datetime that far in the future.
    "date_in_ms": lambda r: {**r, "date": r.get("date", 0) * 1000},
    # A required field left out: a Message without its id, a User (getMe) without is_bot.
    "no_message_id": lambda r: {k: v for k, v in r.items() if k != "message_id"},
    "no_is_bot": lambda r: {k: v for k, v in r.items() if k != "is_bot"},
}


class Dropped(Exception):
    """An injected fault: close the connection without answering."""


# What nginx in front of the Bot API answers when the backend is down: HTML, not JSON.
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
