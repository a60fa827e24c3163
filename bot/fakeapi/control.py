"""The control API of the standalone double (`/fake/say`, `/fake/press`,
`/fake/sent`, `/fake/malform`, `/fake/limits` ...): a person or another process plays the
user over HTTP with the same operations tests call in Python. A FakeTelegram mixin.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from aiohttp import web

from bot.fakeapi.records import RequestRecord


class ControlApi:
    """The /fake/{action} endpoints, mapped onto FakeTelegram's Python API."""

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
