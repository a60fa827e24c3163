"""The Bot API methods the double implements (getUpdates, sendMessage, sendPhoto,
edits, callback answers, commands, webhooks), with Telegram's errors for wrong targets.
A FakeTelegram mixin: `server._handle` dispatches `sendMessage` to `_api_send_message`.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from bot.fakeapi.images import image_size
from bot.fakeapi.keyboards import check_commands, check_reply_markup
from bot.fakeapi.params import Upload
from bot.fakeapi.protocol import (
    CHAT_ACTIONS,
    MAX_POLL_TIMEOUT,
    NOT_MODIFIED,
    QUERY_INVALID,
    ApiError,
    bad_request,
)
from bot.fakeapi.records import CallbackAnswer, SentMessage
from bot.fakeapi.telegram_html import caption_text, message_text


class BotApiMethods:
    """One `_api_<method>` per Bot API method, answering its `result`."""

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
        parsed = message_text(params["text"], params)
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
        parsed = caption_text(source, params)
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
        parsed = message_text(params.get("text", ""), params)
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
        self._commands[scope_key(params)] = check_commands(params["commands"])
        return True

    async def _api_get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.bot_commands(params.get("scope"), params.get("language_code", ""))

    async def _api_delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(scope_key(params), None)
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


def scope_key(params: dict[str, Any]) -> str:
    """Commands are stored per (scope, language), as Telegram keeps separate lists."""
    scope = params.get("scope") or {"type": "default"}
    return json.dumps([scope, params.get("language_code", "")], sort_keys=True)
