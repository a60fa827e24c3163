"""FakeTelegram: the aiohttp server, its state and the request path (token, method,
parameters, injected faults and flood control, then the method). The user-facing
operations, the Bot API methods and the control API are mixins in users.py, methods.py
and control.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web
from aiohttp.web_request import FileField

from bot.fakeapi.control import ControlApi
from bot.fakeapi.methods import BotApiMethods
from bot.fakeapi.params import Upload, canonical_method, validate
from bot.fakeapi.protocol import (
    BAD_GATEWAY_HTML,
    DEFAULT_BOT_USERNAME,
    DEFAULT_TOKEN,
    MALFORMED_RESULTS,
    MAX_BODY_BYTES,
    OUTPUT_METHODS,
    SENDING_METHODS,
    ApiError,
    Dropped,
    bad_request,
    too_many_requests,
)
from bot.fakeapi.records import CallbackAnswer, Mark, RequestRecord, SentMessage, Signal
from bot.fakeapi.users import PlayingUsers
from bot.fakelimits import Clock, Fault, FaultInjector, Faults, FloodLimiter, Limits
from bot.lifecycle import stop_application

if TYPE_CHECKING:
    from telegram.ext import Application

# --------------------------------------------------------------------------- the double


class FakeTelegram(PlayingUsers, BotApiMethods, ControlApi):
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
        self._updates_signal = Signal()
        self._output_signal = Signal()

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
                raise Dropped
            if fault is not None and fault.delay_s:
                await asyncio.sleep(fault.delay_s)
            status, body = 200, {"ok": True, "result": result}
        except Dropped:
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
                raise Dropped
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
        await stop_application(app)
