"""Reply markup and bot command checks: inline keyboards (64-byte callback_data,
exactly one action per button) and setMyCommands' names and descriptions.
"""

from __future__ import annotations

import re
from typing import Any

from bot.fakeapi.params import BUTTON_ACTIONS
from bot.fakeapi.protocol import MAX_CALLBACK_DATA_BYTES, MAX_COMMANDS, bad_request


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
