"""Playing the bot's users: chats that write and press buttons, and the waits that
return what the bot answered. A mixin of FakeTelegram (bot/fakeapi/server.py), whose
state it shares; it never answers HTTP itself.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import re
import time
from typing import Any

from bot.fakeapi.methods import scope_key
from bot.fakeapi.params import canonical_method
from bot.fakeapi.protocol import MALFORMED_RESULTS, OUTPUT_METHODS, ApiError
from bot.fakeapi.records import Mark, RequestRecord, SentMessage
from bot.fakeapi.telegram_html import utf16_length
from bot.fakelimits import Faults, Limits, updated


class PlayingUsers:
    """FakeTelegram's Python API for tests: users who write, press and wait."""

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
        key = scope_key({"scope": scope, "language_code": language_code})
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
