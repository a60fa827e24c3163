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

It must never talk to the real Telegram, listen beyond the host it is given (127.0.0.1 by
default), or write the bot token to a log.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, NoReturn

from aiohttp import BodyPartReader, web
from aiohttp.web_request import FileField

from bot.fakelimits import Clock, Fault, FaultInjector, Faults, FloodLimiter, Limits, updated

if TYPE_CHECKING:
    from telegram.ext import Application

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


class _Dropped(Exception):
    """An injected fault: close the connection without answering."""


# What nginx in front of the Bot API answers when the backend is down: HTML, not JSON.
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


# --------------------------------------------------------------------------- parameter table


def _load_table() -> dict[str, Any]:
    """The shipped Bot API excerpt; read once, since every request is checked against it."""
    text = resources.files("bot").joinpath("botapi_methods.json").read_text(encoding="utf-8")
    return json.loads(text)


_TABLE = _load_table()
METHODS: dict[str, list[dict[str, Any]]] = _TABLE["methods"]
_METHODS_BY_LOWER = {name.lower(): name for name in METHODS}
BUTTON_ACTIONS = frozenset(
    f["name"]
    for f in _TABLE["types"]["InlineKeyboardButton"]
    if f["name"] not in BUTTON_COSMETIC_FIELDS
)
_PRIMITIVES = frozenset({"Integer", "String", "Boolean", "Float", "InputFile"})
_INTEGER = re.compile(r"-?\d+")


@dataclass
class Upload:
    """A file part of a multipart request: what a bot uploaded."""

    filename: str | None
    content_type: str | None
    data: bytes


def canonical_method(name: str) -> str:
    """Telegram matches method names case-insensitively; unknown ones are a 404."""
    try:
        return _METHODS_BY_LOWER[name.lower()]
    except KeyError:
        raise ApiError(404, "Not Found") from None


def validate(method: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Check `raw` against the parameter table; return the values converted to Python types.

    Unknown parameters are ignored (Telegram does too); an empty string counts as absent,
    which is how Telegram reports an empty required text as "message text is empty".
    """
    params: dict[str, Any] = {}
    for spec in METHODS[method]:
        name = spec["name"]
        value = raw.get(name)
        if value is None or value == "":
            if spec["required"]:
                raise bad_request(_missing_reason(name))
            continue
        params[name] = _convert(name, spec["types"], value, raw)
    return params


def _missing_reason(name: str) -> str:
    reasons = {
        "text": "message text is empty",
        "photo": "there is no photo in the request",
        "message_id": "message identifier is not specified",
        "callback_query_id": "QUERY_ID_INVALID",
    }
    return reasons.get(name, f"{name} is empty")


def _convert(name: str, types: list[str], value: Any, raw: dict[str, Any]) -> Any:
    """The first of the allowed `types` that `value` fits, converted; else a 400."""
    for type_name in types:
        converted = _as_type(type_name, value, raw)
        if converted is not _NO_MATCH:
            return converted
    if not any(t in _PRIMITIVES for t in types):
        if name == "reply_markup":
            raise bad_request("can't parse reply keyboard markup JSON object")
        raise bad_request(f"can't parse {name} JSON object")
    raise bad_request(f'field "{name}" must be of type {" or ".join(types)}')


_NO_MATCH = object()


def _as_type(type_name: str, value: Any, raw: dict[str, Any]) -> Any:
    """`value` as `type_name`, or _NO_MATCH; form values are strings, JSON bodies native."""
    if type_name == "Integer":
        return _as_integer(value)
    if type_name == "Float":
        return _as_float(value)
    if type_name == "Boolean":
        return _as_boolean(value)
    if type_name == "String":
        if isinstance(value, str):
            return value
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return str(value) if is_number else _NO_MATCH
    if type_name == "InputFile":
        return _as_upload(value, raw)
    wanted: type = list if type_name.startswith("Array of") else dict
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return _NO_MATCH
    return value if isinstance(value, wanted) else _NO_MATCH


def _as_integer(value: Any) -> Any:
    if isinstance(value, bool):
        return _NO_MATCH
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return _NO_MATCH


def _as_float(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return _NO_MATCH
    return _NO_MATCH


def _as_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    return _NO_MATCH


def _as_upload(value: Any, raw: dict[str, Any]) -> Any:
    """An uploaded part, directly or through Telegram's `attach://<part name>` reference."""
    if isinstance(value, Upload):
        return value
    if isinstance(value, str) and value.startswith("attach://"):
        attached = raw.get(value.removeprefix("attach://"))
        return attached if isinstance(attached, Upload) else _NO_MATCH
    return _NO_MATCH


# --------------------------------------------------------------------------- text and entities


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: what Telegram's limits and entity offsets count."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class ParsedText:
    """Text as the user sees it, with the entities Telegram would attach."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def parse_text(text: str, parse_mode: str | None) -> ParsedText:
    """Apply `parse_mode` like Telegram: HTML strictly, Markdown only well enough to count."""
    if not parse_mode:
        return ParsedText(text)
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("markdown", "markdownv2"):
        return ParsedText(_markdown_plain(text))
    raise bad_request("unsupported parse_mode")


_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z][\w-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([A-Za-z][\w-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_HTML_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
# Telegram's HTML tags and the entity type each one makes.
HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _decode_entity(match: re.Match[str]) -> str | None:
    """The character an HTML entity stands for, or None when it names no character."""
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _decode_attribute(value: str) -> str:
    """Attribute values (hrefs) get entities decoded, leniently: a stray & stays literal."""

    def replace(match: re.Match[str]) -> str:
        decoded = _decode_entity(match)
        return match.group(0) if decoded is None else decoded

    return _HTML_ENTITY.sub(replace, value)


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int
    language: str | None = None


class _HtmlParser:
    """One pass over Telegram HTML: plain text, entities, or the error Telegram would give."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chunks: list[str] = []
        self.units = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> ParsedText:
        position = 0
        while (special := _SPECIAL.search(self.source, position)) is not None:
            self._append(self.source[position : special.start()])
            if special.group() == "<":
                position = self._tag(special.start())
            else:
                position = self._entity(special.start())
        self._append(self.source[position:])
        if self.stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.chunks), self.entities)

    def _append(self, text: str) -> None:
        if text:
            self.chunks.append(text)
            self.units += utf16_length(text)

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def _fail(self, reason: str) -> NoReturn:
        raise bad_request(f"can't parse entities: {reason}")

    def _entity(self, index: int) -> int:
        match = _HTML_ENTITY.match(self.source, index)
        decoded = _decode_entity(match) if match else None
        if match is None or decoded is None:
            self._fail(
                f'Character "&" at byte offset {self._byte_offset(index)} begins no valid '
                "HTML entity; escape it as &amp;"
            )
        self._append(decoded)
        return match.end()

    def _tag(self, index: int) -> int:
        match = _TAG.match(self.source, index)
        if match is None:
            self._fail(
                f'Character "<" at byte offset {self._byte_offset(index)} begins no valid '
                "tag; escape it as &lt;"
            )
        closing, name, attribute_text = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            self._close(name, index)
        else:
            self._open(name, _attributes(attribute_text), index)
        return match.end()

    def _open(self, name: str, attributes: dict[str, str], index: int) -> None:
        at = f"at byte offset {self._byte_offset(index)}"
        if name not in HTML_TAGS:
            self._fail(f'Unsupported start tag "{name}" {at}')
        if name == "span" and attributes.get("class") != "tg-spoiler":
            self._fail(f'Tag "span" must have class "tg-spoiler" {at}')
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            self._fail(f'Tag "tg-emoji" must have attribute "emoji-id" {at}')
        self.stack.append(_OpenTag(name, attributes, self.units))

    def _close(self, name: str, index: int) -> None:
        at = f"at byte offset {self._byte_offset(index)}"
        if not self.stack:
            self._fail(f"Unexpected end tag {at}")
        top = self.stack[-1]
        if top.name != name:
            self._fail(f'Unmatched end tag {at}, expected "</{top.name}>", found "</{name}>"')
        self.stack.pop()
        self._emit(top)

    def _emit(self, tag: _OpenTag) -> None:
        """Turn a closed tag into its entity; empty entities are dropped, as Telegram does."""
        length = self.units - tag.offset
        language = tag.attributes.get("class", "")
        parent = self.stack[-1] if self.stack else None
        if tag.name == "code" and parent and parent.name == "pre":
            # <pre><code class="language-x"> is one pre entity that carries the language.
            if language.startswith("language-"):
                parent.language = language.removeprefix("language-")
            return
        if length == 0 or (tag.name == "a" and "href" not in tag.attributes):
            return
        entity: dict[str, Any] = {"type": HTML_TAGS[tag.name], "offset": tag.offset}
        entity["length"] = length
        if tag.name == "a":
            entity["url"] = tag.attributes["href"]
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes["emoji-id"]
        self.entities.append(entity)


def _attributes(text: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        name, double, single, bare = match.groups()
        value = next((v for v in (double, single, bare) if v is not None), "")
        attributes[name.lower()] = _decode_attribute(value)
    return attributes


def parse_html(source: str) -> ParsedText:
    """Telegram's HTML parse mode; raises the 400 "can't parse entities" Telegram would."""
    return _HtmlParser(source).parse()


_MARKDOWN_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\((?:[^)\\]|\\.)*\)", re.DOTALL)
_MARKDOWN_MARKUP = re.compile(r"\\(.)|[*_~|`]", re.DOTALL)


def _markdown_plain(text: str) -> str:
    """An approximation of the visible text of (legacy or V2) Markdown, for the length limit."""
    text = _MARKDOWN_LINK.sub(r"\1", text)
    return _MARKDOWN_MARKUP.sub(lambda m: m.group(1) or "", text)


# --------------------------------------------------------------------------- keyboards


def check_reply_markup(markup: dict[str, Any], *, inline_only: bool) -> None:
    """Telegram's checks on a reply_markup object; raises the matching 400."""
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"])
    elif inline_only:
        raise bad_request("inline keyboard expected")
    elif "keyboard" in markup:
        if not _is_rows(markup["keyboard"]):
            raise bad_request('field "keyboard" must be an Array of Arrays of KeyboardButton')
    elif markup.get("remove_keyboard") is not True and markup.get("force_reply") is not True:
        raise bad_request("can't parse reply keyboard markup JSON object")


def _is_rows(rows: Any) -> bool:
    return isinstance(rows, list) and all(isinstance(row, list) for row in rows)


def check_inline_keyboard(rows: Any) -> None:
    """A list of rows of buttons, each with a text and exactly one action."""
    if not _is_rows(rows):
        raise bad_request(
            'field "inline_keyboard" must be an Array of Arrays of InlineKeyboardButton'
        )
    for row in rows:
        for button in row:
            check_inline_button(button)


def check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [name for name in button if name in BUTTON_ACTIONS]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, got {', '.join(actions)}"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url or any(ch.isspace() for ch in url):
            raise bad_request("BUTTON_URL_INVALID")


_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


def check_commands(commands: list[Any]) -> list[dict[str, str]]:
    """setMyCommands' list, normalised to {command, description}; raises Telegram's 400s."""
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    checked = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name, about = command.get("command"), command.get("description")
        if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(about, str) or not 1 <= len(about) <= 256:
            raise bad_request("command description is empty or too long")
        checked.append({"command": name, "description": about})
    return checked


# --------------------------------------------------------------------------- images


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP; None when the bytes are no such image.

    Telegram refuses photos it cannot decode (IMAGE_PROCESS_FAILED), so a bot that uploads
    something other than an image must fail here too.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 0, 0
    return None


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Walk the JPEG segments to the frame header; (0, 0) if the file is cut short."""
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            break
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[index + 5 : index + 7], "big")
            return int.from_bytes(data[index + 7 : index + 9], "big"), height
        index += 2 + length
    return 0, 0


# --------------------------------------------------------------------------- records


@dataclass
class SentMessage:
    """A message the bot sent, kept up to date as the bot edits or deletes it."""

    chat_id: int
    message_id: int
    date: int
    text: str | None = None
    """Plain text as the user sees it: tags removed, entities decoded (None for photos)."""
    source: str | None = None
    """The text or caption exactly as the bot sent it (HTML source, say)."""
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    photo: bytes | None = None
    """The uploaded image bytes (None when the photo was given by URL or file_id)."""
    photo_ref: str | None = None
    caption: str | None = None
    edit_date: int | None = None
    deleted: bool = False

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row after row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def callback_data(self, label: str) -> str:
        """The callback_data of the button labelled `label` (KeyError if there is none)."""
        for button in self.buttons:
            if button.get("text") == label and "callback_data" in button:
                return button["callback_data"]
        labels = [button.get("text") for button in self.buttons]
        raise KeyError(f"no button {label!r} on message {self.message_id}; buttons: {labels}")


@dataclass
class CallbackAnswer:
    """An answerCallbackQuery, with the press it answered."""

    query_id: str
    chat_id: int
    message_id: int
    data: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class RequestRecord:
    """One Bot API request as the double saw it (the token is never kept)."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None = None
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class Mark:
    """A point in the conversation; waits look only at what the bot did after it."""

    outputs: int
    requests: int


class _Signal:
    """Wakes every waiter on each notify; waiters re-check their condition, so none is lost."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), max(timeout, 0))


# --------------------------------------------------------------------------- the double


class FakeTelegram:
    """A Bot API server on loopback for one bot, with a Python API for playing its users.

    `token=None` accepts any token (the standalone mode); otherwise another token is a 401.
    `port=0` picks a free port, read back from `.port` after `start()`.

    `limits` switches on Telegram's flood control (429 with retry_after past ~30 messages a
    second, 1 a second per chat, 20 a minute per group) and `faults` injects 5xx, 429,
    dropped connections and slow answers into the sending methods (bot/fakelimits.py);
    both are off by default and can be changed at run time (`set_limits`, `set_faults`,
    or POST /fake/limits and /fake/faults). `clock` (default time.monotonic) is what flood
    control measures time with, so a test can move time without sleeping.
    """

    def __init__(
        self,
        token: str | None = DEFAULT_TOKEN,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        bot_username: str = DEFAULT_BOT_USERNAME,
        on_request: Callable[[RequestRecord], None] | None = None,
        limits: Limits | None = None,
        faults: Faults | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.on_request = on_request
        self.bot_user = _bot_user(token, bot_username)
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.deactivated: set[int] = set()
        self.migrated: dict[int, int] = {}
        """Old group id -> the supergroup it became (`migrate_chat`)."""
        self.limiter = FloodLimiter(limits, clock=clock or time.monotonic)
        self.fault_injector = FaultInjector(faults)
        self.requests: list[RequestRecord] = []
        self.answers: list[CallbackAnswer] = []
        self.chat_actions: list[tuple[int, str]] = []
        self._commands: dict[str, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._user_messages: set[tuple[int, int]] = set()
        self._sent: list[SentMessage] = []
        # ("sent" | "edited", message) in the order the bot did it: what waits look at.
        self._outputs: list[tuple[str, SentMessage]] = []
        self._last_output_at = 0.0
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._queries: dict[str, dict[str, Any]] = {}
        self._query_ids = itertools.count(1)
        self._failures: dict[str, list[ApiError]] = {}
        self.malformed: dict[str, str] = {}
        """Method -> the MALFORMED_RESULTS kind its 200 answers get (`malform`)."""
        self._last_mark = Mark(0, 0)
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._updates_signal = _Signal()
        self._output_signal = _Signal()

    # ----------------------------------------------------------------- lifecycle

    @property
    def api_url(self) -> str:
        """The server root, as `bot.app.build_application(api_url=...)` takes it."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`: PTB appends the token and method."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """For `ApplicationBuilder().base_file_url(...)`."""
        return f"{self.api_url}/file/bot"

    async def start(self) -> FakeTelegram:
        """Listen on host:port; `port` then holds the real port."""
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/fake/{action}", self._control)
        # A short shutdown timeout: a long poll left open by a stopped bot must not delay us.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._closing = False
        return self

    async def stop(self) -> None:
        """Answer pending long polls and close the server."""
        self._closing = True
        self._updates_signal.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- playing the users

    def register_chat(
        self,
        chat_id: int,
        *,
        kind: str | None = None,
        title: str | None = None,
        username: str | None = None,
        first_name: str = "Tester",
    ) -> dict[str, Any]:
        """Make a chat known, as if its user had written first; returns the Chat object.

        `kind` defaults from the id as Telegram assigns them: positive ids are private
        chats, -100… supergroups or channels, other negative ids groups.
        """
        if kind is None:
            kind = "private" if chat_id > 0 else "group"
            kind = "supergroup" if str(chat_id).startswith("-100") else kind
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = title or f"Test {kind} {chat_id}"
        if username:
            chat["username"] = username
        self.chats[chat_id] = chat
        return chat

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot: sends to this chat now get 403 as from Telegram.

        The block lasts until `unblock_chat`, or until the user writes again (`user_says`),
        which on Telegram means they restarted the bot.
        """
        self.blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """The user unblocks the bot: sends to the chat work again."""
        self.blocked.discard(chat_id)

    def deactivate_chat(self, chat_id: int) -> None:
        """The user deleted their account: sends get 403 "user is deactivated", for good."""
        self.deactivated.add(chat_id)

    def migrate_chat(self, old_id: int, new_id: int, *, notify: bool = True) -> dict[str, Any]:
        """The group `old_id` is upgraded to the supergroup `new_id`; returns the new Chat.

        Sends to the old id then get Telegram's 400 "group chat was upgraded to a supergroup
        chat" with `parameters.migrate_to_chat_id` (PTB raises ChatMigrated); the new id
        works. With `notify`, the bot also gets the two service messages Telegram sends: one
        in the old group with `migrate_to_chat_id`, one in the new with
        `migrate_from_chat_id`.
        """
        old = self.chats.get(old_id) or self.register_chat(old_id, kind="group")
        new = self.register_chat(new_id, kind="supergroup", title=old.get("title"))
        self.migrated[old_id] = new_id
        if notify:
            member = self._user(old, None)
            for chat, key, value in (
                (old, "migrate_to_chat_id", new_id),
                (new, "migrate_from_chat_id", old_id),
            ):
                message_id = self._next_message_id(chat["id"])
                self._user_messages.add((chat["id"], message_id))
                message = {
                    "message_id": message_id,
                    "from": member,
                    "chat": chat,
                    "date": int(time.time()),
                    key: value,
                }
                self._queue_update("message", message)
        return new

    def set_limits(self, limits: Limits | None = None, **changes: Any) -> Limits:
        """Replace the flood limits, or change some fields: `set_limits(enabled=True)`.

        Counters carry on; the windows restart. Returns the limits now in force.
        """
        limits = updated(limits or self.limiter.limits, changes)
        self.limiter.configure(limits)
        return limits

    def set_faults(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the injected faults, or change some fields: `set_faults(drop=0.1, seed=7)`.

        The random draw restarts from the seed; counters carry on. Returns the faults now set.
        """
        faults = updated(faults or self.fault_injector.faults, changes)
        self.fault_injector.configure(faults)
        return faults

    def malform(self, method: str, kind: str | None = "preview_as_string") -> None:
        """Answer `method` with a malformed 200 `result` (a MALFORMED_RESULTS kind; None to stop).

        The method is performed as usual (a message is delivered and counted), so a test
        sees what a client does with an answer it cannot read.
        """
        method = canonical_method(method)
        if kind is None:
            self.malformed.pop(method, None)
        elif kind in MALFORMED_RESULTS:
            self.malformed[method] = kind
        else:
            raise ValueError(f"unknown malformation {kind!r}; known: {sorted(MALFORMED_RESULTS)}")

    def stats(self) -> dict[str, Any]:
        """Flood control's and fault injection's counters and settings, as plain data.

        `flood`: accepted, throttled (429s from flood control), throttled_by limit,
        accepted_per_s; `faults`: faults injected by kind; `limits`, `fault_settings`: the
        configuration in force.
        """
        return {
            "flood": self.limiter.stats.as_dict(),
            "faults": self.fault_injector.as_dict(),
            "limits": dataclasses.asdict(self.limiter.limits),
            "fault_settings": dataclasses.asdict(self.fault_injector.faults),
        }

    def fail_next(
        self,
        method: str,
        code: int = 429,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` valid calls of `method` fail, e.g. with 429 Too Many Requests."""
        if description is None:
            description = (
                "Too Many Requests: retry after" if code == 429 else "Internal Server Error"
            )
            if retry_after is not None:
                description = f"{description} {retry_after}"
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        error = ApiError(code, description, parameters)
        self._failures.setdefault(canonical_method(method), []).extend([error] * times)

    def user_says(
        self, chat_id: int, text: str, *, user: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Queue a message update from the user; returns the Update object.

        A leading "/command" (or "/command@botname") gets the bot_command entity that
        Telegram adds and PTB's CommandHandler requires. A user who blocked the bot and
        writes again has unblocked it; a deactivated user or a migrated group cannot write.
        """
        if chat_id in self.deactivated:
            raise LookupError(f"user {chat_id} is deactivated and cannot write")
        if chat_id in self.migrated:
            raise LookupError(f"group {chat_id} became supergroup {self.migrated[chat_id]}")
        self.blocked.discard(chat_id)
        chat = self.chats.get(chat_id) or self.register_chat(chat_id)
        message_id = self._next_message_id(chat_id)
        self._user_messages.add((chat_id, message_id))
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self._user(chat, user),
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            length = utf16_length(command.group())
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._queue_update("message", message)

    def user_presses(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Queue a callback_query for a button of a bot message; returns the Update object.

        Raises LookupError when the message or a button with that callback_data does not
        exist, because a user cannot press a button that is not there.
        """
        message = self._messages.get((chat_id, message_id))
        if message is None or message.deleted:
            raise LookupError(f"the bot has no message {message_id} in chat {chat_id}")
        if not any(b.get("callback_data") == callback_data for b in message.buttons):
            offered = [b.get("callback_data") for b in message.buttons]
            raise LookupError(
                f"message {message_id} has no button with callback_data {callback_data!r}; "
                f"it has {offered}"
            )
        query_id = str(next(self._query_ids))
        self._queries[query_id] = {
            "chat_id": chat_id,
            "message_id": message_id,
            "data": callback_data,
        }
        query = {
            "id": query_id,
            "from": self._user(self.chats[chat_id], user),
            "message": self._message_json(message),
            "chat_instance": f"instance-{chat_id}",
            "data": callback_data,
        }
        return self._queue_update("callback_query", query)

    def mark(self) -> Mark:
        """The current point of the conversation, for `wait_for_messages(since=...)`."""
        return Mark(len(self._outputs), len(self.requests))

    async def converse(
        self,
        chat_id: int,
        text: str,
        *,
        user: dict[str, Any] | None = None,
        expect: int | None = None,
        idle: float = 0.25,
        timeout: float = 5.0,
    ) -> list[SentMessage]:
        """Say `text` as the user and return the bot's messages in response.

        The bot is done when it has answered (sent, edited, deleted or answered a query,
        successfully or not) and then stayed quiet for `idle` seconds; pass `expect=N` to
        return as soon as N messages arrived instead, which is exact for a handler that
        pauses longer than `idle` between messages. Returns [] when the bot did nothing
        within `timeout`.
        """
        self.user_says(chat_id, text, user=user)
        return await self._replies(chat_id, self._last_mark, expect, idle, timeout)

    async def press(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user: dict[str, Any] | None = None,
        expect: int | None = None,
        idle: float = 0.25,
        timeout: float = 5.0,
    ) -> list[SentMessage]:
        """Press a button and return the messages the bot sent or edited in response.

        Same waiting rules as `converse`; the answer to the query is in `answers`.
        """
        self.user_presses(chat_id, message_id, callback_data, user=user)
        return await self._replies(chat_id, self._last_mark, expect, idle, timeout)

    async def wait_for_messages(
        self, chat_id: int, n: int, *, since: Mark | None = None, timeout: float = 5.0
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least `n` new messages to the chat since `since`.

        `since` defaults to the moment of the last `user_says`/`user_presses`, which is
        taken before the bot can see the update, so no reply can be missed. Raises
        TimeoutError, naming the bot's failed requests, when fewer arrive in time.
        """
        since = since or self._last_mark
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            outputs = self._outputs[since.outputs :]
            new = [m for kind, m in outputs if kind == "sent" and m.chat_id == chat_id]
            if len(new) >= n:
                return new
            if loop.time() >= deadline:
                raise TimeoutError(self._wait_failure(chat_id, n, new, since))
            await self._output_signal.wait(deadline - loop.time())

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Every message the bot sent (to `chat_id`, if given), in order, edits applied.

        Deleted messages stay in the list with `deleted=True`, so a test can see both.
        """
        return [m for m in self._sent if chat_id is None or m.chat_id == chat_id]

    def delivered_texts(self, chat_id: int) -> list[str]:
        """What the chat's user has: the texts (or captions) of the bot's messages, in order.

        Deleted messages are left out; a request that met a 5xx, a 429 or a dropped
        connection delivered nothing, so it is not here either.
        """
        return [
            (m.text if m.text is not None else m.caption) or ""
            for m in self.sent(chat_id)
            if not m.deleted
        ]

    def calls(self, method: str) -> list[RequestRecord]:
        """The logged requests of one method, e.g. to check that a 400 was returned."""
        name = canonical_method(method)
        return [record for record in self.requests if record.method == name]

    def bot_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The command menu the bot set for `scope` (default: all chats) and language."""
        key = _scope_key({"scope": scope, "language_code": language_code})
        return self._commands.get(key, [])

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet (getUpdates with a higher offset)."""
        return list(self._updates)

    # ----------------------------------------------------------------- internals: users

    def _user(self, chat: dict[str, Any], user: dict[str, Any] | None) -> dict[str, Any]:
        """The sender: given, or the private chat's user, or a default group member."""
        if user is not None:
            return {"is_bot": False, "first_name": "Tester", **user}
        if chat["type"] == "private":
            return {"id": chat["id"], "is_bot": False, "first_name": chat["first_name"]}
        return {"id": 424242, "is_bot": False, "first_name": "Tester"}

    def _next_message_id(self, chat_id: int) -> int:
        """Message ids count per chat, shared by the user's and the bot's messages."""
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _queue_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self._last_mark = self.mark()
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        self._updates_signal.notify()
        return update

    # ----------------------------------------------------------------- internals: waiting

    def _outputs_since(self, chat_id: int, since: Mark) -> list[SentMessage]:
        """Messages of the chat sent or edited after `since`, once each, first touch first."""
        seen: dict[int, SentMessage] = {}
        for _, message in self._outputs[since.outputs :]:
            if message.chat_id == chat_id:
                seen.setdefault(id(message), message)
        return list(seen.values())

    def _answered_since(self, since: Mark) -> bool:
        return any(r.method in OUTPUT_METHODS for r in self.requests[since.requests :])

    async def _replies(
        self, chat_id: int, since: Mark, expect: int | None, idle: float, timeout: float
    ) -> list[SentMessage]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            touched = self._outputs_since(chat_id, since)
            if expect is not None and len(touched) >= expect:
                return touched
            quiet_for = loop.time() - self._last_output_at
            if expect is None and self._answered_since(since) and quiet_for >= idle:
                return touched
            if loop.time() >= deadline:
                if expect is None:
                    return touched
                raise TimeoutError(self._wait_failure(chat_id, expect, touched, since))
            wake = deadline - loop.time()
            if expect is None and self._answered_since(since):
                wake = min(wake, idle - quiet_for)
            await self._output_signal.wait(wake)

    def _wait_failure(self, chat_id: int, n: int, got: list[SentMessage], since: Mark) -> str:
        """A timeout message that shows what the bot did instead, to make failures readable."""
        texts = [m.text if m.text is not None else m.caption for m in got]
        failed = [
            f"{r.method} {r.status} {r.description}"
            for r in self.requests[since.requests :]
            if not r.ok
        ]
        return f"expected {n} message(s) in chat {chat_id}, got {texts}; failed requests: {failed}"

    # ----------------------------------------------------------------- internals: HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        """Every Bot API call: token, method, parameters, then the method itself."""
        method = request.match_info["method"]
        raw: dict[str, Any] = {}
        result: Any = None
        try:
            if self.token is not None and request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            method = canonical_method(method)
            raw = await _read_params(request)
            params = validate(method, raw)
            self._injected_failure(method)
            fault = self._admit(params) if method in SENDING_METHODS else None
            result = await getattr(self, "_api_" + _snake(method))(params)
            if method in self.malformed and isinstance(result, dict):
                result = MALFORMED_RESULTS[self.malformed[method]](result)
            if fault is not None and fault.kind == "lost_answer":
                raise _Dropped
            if fault is not None and fault.delay_s:
                await asyncio.sleep(fault.delay_s)
            status, body = 200, {"ok": True, "result": result}
        except _Dropped:
            self._record(RequestRecord(method, raw, 0, "connection dropped (injected fault)"))
            if request.transport is not None:
                request.transport.close()
            # Never written: the transport is closed, so the client sees the connection end.
            return web.Response(status=500)
        except ApiError as error:
            if error.code == 502:
                self._record(RequestRecord(method, raw, 502, "Bad Gateway (injected fault)"))
                return web.Response(text=BAD_GATEWAY_HTML, status=502, content_type="text/html")
            status, body = error.code, error.body()
        except Exception as error:  # a bug in the double must reach the test as a readable 500
            status, body = 500, ApiError(500, f"Internal Server Error: {error!r}").body()
        if request.transport is None or request.transport.is_closing():
            # A long poll the bot abandoned (on stop): nobody reads this answer, so it is not
            # logged, lest a test see the 409 that ends it as an error of the bot.
            return web.json_response(body, status=status)
        self._record(RequestRecord(method, raw, status, body.get("description"), result))
        return web.json_response(body, status=status)

    def _admit(self, params: dict[str, Any]) -> Fault | None:
        """Injected faults, then flood control, for one sending request.

        Raises the answer of a fault that delivers nothing (5xx, 429, dropped connection)
        and the 429 of flood control; returns a fault that still delivers (slow answer,
        lost answer) for `_handle` to apply after the message is sent.
        """
        fault = self.fault_injector.draw()
        if fault is not None and not fault.delivers:
            if fault.kind == "drop":
                raise _Dropped
            if fault.retry_after is not None:
                raise too_many_requests(fault.retry_after)
            status = fault.status or 500
            raise ApiError(status, "Internal Server Error" if status == 500 else "Bad Gateway")
        chat = self._known_chat(params["chat_id"])
        key = chat["id"] if chat else params["chat_id"]
        is_group = bool(chat) and chat["type"] in ("group", "supergroup")
        retry_after = self.limiter.acquire(key, group=is_group)
        if retry_after:
            raise too_many_requests(retry_after)
        return fault

    def _known_chat(self, chat_id: int | str) -> dict[str, Any] | None:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            username = chat_id[1:].lower()
            found = [c for c in self.chats.values() if c.get("username", "").lower() == username]
            return found[0] if found else None
        return self.chats.get(chat_id) if isinstance(chat_id, int) else None

    def _injected_failure(self, method: str) -> None:
        pending = self._failures.get(method)
        if pending:
            raise pending.pop(0)

    def _record(self, record: RequestRecord) -> None:
        self.requests.append(record)
        if record.method in OUTPUT_METHODS:
            self._last_output_at = asyncio.get_running_loop().time()
            self._output_signal.notify()
        if self.on_request is not None:
            self.on_request(record)

    async def _control(self, request: web.Request) -> web.Response:
        """Standalone mode: a person plays the user with curl (see the module docstring)."""
        action = request.match_info["action"]
        body: dict[str, Any] = {}
        try:
            body = await _control_body(request)
            result = self._control_action(action, body)
            status, answer = 200, {"ok": True, "result": result}
        except (KeyError, TypeError, ValueError, LookupError) as error:
            status, answer = 400, {"ok": False, "description": f"{action}: {error!r}"}
        self._record(RequestRecord(f"fake/{action}", body, status, answer.get("description")))
        return web.json_response(answer, status=status)

    def _control_action(self, action: str, body: dict[str, Any]) -> Any:
        if action == "say":
            return self.user_says(int(body["chat_id"]), str(body["text"]))
        if action == "press":
            chat_id, message_id = int(body["chat_id"]), int(body["message_id"])
            return self.user_presses(chat_id, message_id, str(body["callback_data"]))
        if action == "sent":
            chat = body.get("chat_id")
            messages = self.sent(int(chat) if chat is not None else None)
            return [self._message_json(m) for m in messages]
        if action == "malform":  # {"method": "sendMessage", "kind": "preview_as_string"}
            self.malform(str(body["method"]), body.get("kind", "preview_as_string"))
            return self.malformed
        return self._control_limits_action(action, body)

    def _control_limits_action(self, action: str, body: dict[str, Any]) -> Any:
        """The control endpoints for limits, faults and the chats' fates."""
        if action == "limits":
            return dataclasses.asdict(self.set_limits(**body))
        if action == "faults":
            return dataclasses.asdict(self.set_faults(**body))
        if action == "stats":
            return self.stats()
        if action == "delivered":
            return self.delivered_texts(int(body["chat_id"]))
        if action == "register":
            ids = body["chat_ids"] if "chat_ids" in body else [body["chat_id"]]
            return [self.register_chat(int(chat_id), kind=body.get("kind")) for chat_id in ids]
        if action == "migrate":
            return self.migrate_chat(int(body["chat_id"]), int(body["migrate_to_chat_id"]))
        fates = {
            "block": self.block_chat,
            "unblock": self.unblock_chat,
            "deactivate": self.deactivate_chat,
        }
        if action in fates:
            fates[action](int(body["chat_id"]))
            return True
        raise LookupError(
            "the actions are say, press, sent, delivered, register, block, unblock, "
            "deactivate, migrate, malform, limits, faults and stats"
        )

    # ----------------------------------------------------------------- internals: messages

    def _chat(self, chat_id: int | str) -> dict[str, Any]:
        """The target chat: known ids and @usernames only, as Telegram knows only those."""
        if isinstance(chat_id, str):
            if not chat_id.startswith("@"):
                raise bad_request("chat not found")
            username = chat_id[1:].lower()
            found = [c for c in self.chats.values() if c.get("username", "").lower() == username]
            if not found:
                raise bad_request("chat not found")
            chat = found[0]
        elif chat_id in self.chats:
            chat = self.chats[chat_id]
        else:
            raise bad_request("chat not found")
        if chat["id"] in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat["id"]]},
            )
        if chat["id"] in self.deactivated:
            raise ApiError(403, "Forbidden: user is deactivated")
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        """The Message object Telegram returns for a bot message."""
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": self.chats[message.chat_id],
            "date": message.date,
        }
        if message.edit_date is not None:
            result["edit_date"] = message.edit_date
        if message.text is not None:
            result["text"] = message.text
            if message.entities:
                result["entities"] = message.entities
        if message.photo is not None or message.photo_ref is not None:
            result["photo"] = [self._photo_size(message)]
            if message.caption:
                result["caption"] = message.caption
                if message.entities:
                    result["caption_entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            result["reply_markup"] = message.reply_markup
        return result

    def _photo_size(self, message: SentMessage) -> dict[str, Any]:
        width, height = image_size(message.photo or b"") or (0, 0)
        file_id = f"photo-{message.chat_id}-{message.message_id}"
        size: dict[str, Any] = {"file_id": file_id, "file_unique_id": file_id}
        size.update(width=width, height=height, file_size=len(message.photo or b""))
        return size

    def _new_message(self, chat: dict[str, Any], **fields: Any) -> SentMessage:
        message = SentMessage(
            chat_id=chat["id"],
            message_id=self._next_message_id(chat["id"]),
            date=int(time.time()),
            **fields,
        )
        self._messages[(message.chat_id, message.message_id)] = message
        self._sent.append(message)
        self._outputs.append(("sent", message))
        return message

    def _markup(self, params: dict[str, Any], *, inline_only: bool) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is not None:
            check_reply_markup(markup, inline_only=inline_only)
        return markup

    def _editable(self, params: dict[str, Any]) -> SentMessage:
        """The bot message an edit refers to, with Telegram's errors for the wrong ones."""
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")
        if "chat_id" not in params or "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self._chat(params["chat_id"])
        key = (chat["id"], params["message_id"])
        message = self._messages.get(key)
        if message is None or message.deleted:
            reason = "message can't be edited" if key in self._user_messages else None
            raise bad_request(reason or "message to edit not found")
        return message

    # ----------------------------------------------------------------- Bot API methods

    async def _api_get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _api_log_out(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_close(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: answer at once when updates wait, else when one comes or time is up.

        A newer getUpdates ends an older one with 409, as Telegram does when two copies of a
        bot poll at once.
        """
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._confirm(params.get("offset", 0))
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"])
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = min(max(params.get("timeout", 0), 0), MAX_POLL_TIMEOUT)
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            ready = [u for u in self._updates if self._allowed(u)][:limit]
            if ready or self._closing or loop.time() >= deadline:
                return ready
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            await self._updates_signal.wait(deadline - loop.time())

    def _confirm(self, offset: int) -> None:
        """Forget confirmed updates: below a positive offset, or all but the last -offset."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _allowed(self, update: dict[str, Any]) -> bool:
        kinds = set(update) - {"update_id"}
        return not self._allowed_updates or bool(kinds & set(self._allowed_updates))

    async def _api_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        parsed = _message_text(params["text"], params)
        markup = self._markup(params, inline_only=False)
        message = self._new_message(
            chat,
            text=parsed.text,
            source=params["text"],
            parse_mode=params.get("parse_mode"),
            entities=parsed.entities,
            reply_markup=markup,
        )
        return self._message_json(message)

    async def _api_send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        photo, photo_ref = self._photo(params["photo"])
        source = params.get("caption")
        parsed = _caption(source, params)
        message = self._new_message(
            chat,
            source=source,
            parse_mode=params.get("parse_mode"),
            entities=parsed.entities,
            reply_markup=self._markup(params, inline_only=False),
            photo=photo,
            photo_ref=photo_ref,
            caption=parsed.text if source is not None else None,
        )
        return self._message_json(message)

    def _photo(self, value: Upload | str) -> tuple[bytes | None, str | None]:
        """Uploaded bytes, a URL, or the file_id of a photo this double returned earlier."""
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            if image_size(value.data) is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            return value.data, None
        if value.startswith(("http://", "https://")):
            return None, value
        for message in self._sent:
            if message.photo is not None and self._photo_size(message)["file_id"] == value:
                return message.photo, None
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def _api_edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        parsed = _message_text(params.get("text", ""), params)
        # Telegram drops the keyboard of an edited message unless the edit sends it again.
        markup = self._markup(params, inline_only=True)
        unchanged = (parsed.text, parsed.entities) == (message.text, message.entities)
        if unchanged and markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = parsed.text, parsed.entities, markup
        message.source, message.parse_mode = params["text"], params.get("parse_mode")
        return self._edited(message)

    async def _api_edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        markup = self._markup(params, inline_only=True)
        if markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        return self._edited(message)

    def _edited(self, message: SentMessage) -> dict[str, Any]:
        message.edit_date = int(time.time())
        self._outputs.append(("edited", message))
        return self._message_json(message)

    async def _api_delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params["chat_id"])
        key = (chat["id"], params["message_id"])
        message = self._messages.get(key)
        if message is not None and not message.deleted:
            message.deleted = True
        elif key in self._user_messages:
            self._user_messages.discard(key)
        else:
            raise bad_request("message to delete not found")
        return True

    async def _api_answer_callback_query(self, params: dict[str, Any]) -> bool:
        query = self._queries.get(params["callback_query_id"])
        if query is None or query.get("answered"):
            raise bad_request(QUERY_INVALID)
        query["answered"] = True
        self.answers.append(
            CallbackAnswer(
                query_id=params["callback_query_id"],
                chat_id=query["chat_id"],
                message_id=query["message_id"],
                data=query["data"],
                text=params.get("text"),
                show_alert=params.get("show_alert", False),
                url=params.get("url"),
            )
        )
        return True

    async def _api_send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat["id"], params["action"]))
        return True

    async def _api_set_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands[_scope_key(params)] = check_commands(params["commands"])
        return True

    async def _api_get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.bot_commands(params.get("scope"), params.get("language_code", ""))

    async def _api_delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(_scope_key(params), None)
        return True

    async def _api_set_webhook(self, params: dict[str, Any]) -> bool:
        url = params["url"]
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url}
        for name in ("max_connections", "allowed_updates", "ip_address", "secret_token"):
            if name in params:
                self.webhook[name] = params[name]
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info = {k: v for k, v in self.webhook.items() if k != "secret_token"}
        info.update(has_custom_certificate=False, pending_update_count=len(self._updates))
        return info


# --------------------------------------------------------------------------- helpers


def _bot_user(token: str | None, username: str) -> dict[str, Any]:
    """The getMe User; its id is the token's numeric prefix, as on Telegram."""
    prefix = (token or "").split(":", 1)[0]
    return {
        "id": int(prefix) if prefix.isdigit() else 100000001,
        "is_bot": True,
        "first_name": "DiploBot (test double)",
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _snake(method: str) -> str:
    """sendMessage -> send_message: the name of the handler method."""
    return re.sub(r"([A-Z])", r"_\1", method).lower()


def _scope_key(params: dict[str, Any]) -> str:
    """Commands are stored per (scope, language), as Telegram keeps separate lists."""
    scope = params.get("scope") or {"type": "default"}
    return json.dumps([scope, params.get("language_code", "")], sort_keys=True)


def _entities_or_parsed(text: str, params: dict[str, Any], entities_field: str) -> ParsedText:
    """Explicit entities win over parse_mode, as on Telegram."""
    if entities_field in params:
        return ParsedText(text, list(params[entities_field]))
    return parse_text(text, params.get("parse_mode"))


def _message_text(text: str, params: dict[str, Any]) -> ParsedText:
    """A message text after parsing; empty (blank) or over 4096 UTF-16 units is a 400."""
    parsed = _entities_or_parsed(text, params, "entities")
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if utf16_length(parsed.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return parsed


def _caption(caption: str | None, params: dict[str, Any]) -> ParsedText:
    """A caption after parsing; over 1024 UTF-16 units is a 400."""
    if caption is None:
        return ParsedText("")
    parsed = _entities_or_parsed(caption, params, "caption_entities")
    if utf16_length(parsed.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return parsed


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string, then the body: form, multipart (with uploads) or JSON, as Telegram takes."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        params.update(body)
    elif request.content_type == "multipart/form-data":
        params.update(await _read_multipart(request))
    elif request.can_read_body:
        params.update(await request.post())
    return params


async def _control_body(request: web.Request) -> dict[str, Any]:
    """A control request's JSON object body, with the query string (for GET /fake/sent)."""
    body: dict[str, Any] = dict(request.query)
    text = await request.text()
    if text.strip():
        decoded = json.loads(text)
        if not isinstance(decoded, dict):
            raise ValueError('send a JSON object such as {"chat_id": 42, "text": "/start"}')
        body.update(decoded)
    return body


async def _read_multipart(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, value in (await request.post()).items():
        if isinstance(value, FileField):
            params[name] = Upload(value.filename, value.content_type, value.file.read())
        elif isinstance(value, BodyPartReader):
            params[name] = Upload(value.filename, None, bytes(await value.read()))
        else:
            params[name] = value
    return params


# --------------------------------------------------------------------------- running a bot


@contextlib.asynccontextmanager
async def polling(app: Application, *, poll_timeout: int = 1) -> AsyncIterator[Application]:
    """Run a PTB Application's polling for the body of a `with`, then stop it cleanly.

    Mirrors `run_polling` (which blocks and owns the event loop, so tests cannot use it):
    initialize, post_init, start polling, start; and in reverse on exit. A short
    `poll_timeout` keeps each long poll brief; stopping cancels the open one anyway.
    """
    if app.updater is None:
        raise ValueError("the Application was built without an Updater; it cannot poll")
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        await app.start()
        yield app
    finally:
        await _stop_application(app)


async def _stop_application(app: Application) -> None:
    """Undo whatever part of `polling` happened, in reverse order, like `run_polling` does."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


# --------------------------------------------------------------------------- standalone


def describe(record: RequestRecord) -> str | None:
    """One readable log line per request; empty long polls are left out, they are noise."""
    if record.method == "getUpdates" and record.ok and not record.result:
        return None
    stamp = time.strftime("%H:%M:%S")
    detail = record.description or ""
    if record.ok:
        params = record.params
        parts = [f"chat={params['chat_id']}"] if "chat_id" in params else []
        shown = params.get("text") or params.get("caption") or params.get("callback_query_id")
        if record.method == "getUpdates":
            shown = f"{len(record.result)} update(s)"
        if shown:
            parts.append(_preview(str(shown)))
        detail = " ".join(parts)
    return f"{stamp} {record.status} {record.method:<24} {detail}".rstrip()


def _preview(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


def _print_record(record: RequestRecord) -> None:
    line = describe(record)
    if line:
        print(line, flush=True)


async def serve(
    port: int,
    token: str | None,
    *,
    host: str = "127.0.0.1",
    limits: Limits | None = None,
    faults: Faults | None = None,
) -> None:
    """Run the double until cancelled, logging requests to stdout (`diplobot fake-telegram`).

    With `token=None` any token is accepted, so `diplobot run` works with whatever
    TELEGRAM_BOT_TOKEN holds. `limits` and `faults` start it with flood control and
    injected faults (also settable later with POST /fake/limits and /fake/faults). Raises
    OSError when the port is taken.
    """
    async with FakeTelegram(
        token=token,
        port=port,
        host=host,
        on_request=_print_record,
        limits=limits,
        faults=faults,
    ) as tg:
        print(
            f"bot @{tg.bot_user['username']}; play the user with\n"
            f'  curl -d \'{{"chat_id": 42, "text": "/start"}}\' {tg.api_url}/fake/say\n'
            f"  curl {tg.api_url}/fake/sent?chat_id=42",
            flush=True,
        )
        if tg.limiter.limits.enabled or tg.fault_injector.faults.active:
            settings = tg.stats()
            print(f"limits {settings['limits']}\nfaults {settings['fault_settings']}", flush=True)
        await asyncio.Event().wait()
