"""What the double remembers: the messages the bot sent, callback answers, request
records, conversation marks and the signal waiters sleep on. Plain data.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

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


class Signal:
    """Wakes every waiter on each notify; waiters re-check their condition, so none is lost."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), max(timeout, 0))
