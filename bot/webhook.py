"""The webhook receiver: Telegram (through a reverse proxy) posts updates here.

python-telegram-bot's own webhook server reads a whole request body (up to 100 MB)
before it looks at the secret header, answers malformed JSON with 500 and logs odd
bodies in full at CRITICAL. The port is the one part of a deployment anyone can reach,
so this small aiohttp server replaces it, in this order: the secret header is checked
(constant time) before a byte of the body is read; the body is capped at MAX_BODY
(Telegram's updates are a few KB); unreadable JSON is a 400; a body that is not an
update is a 400 with a one-line warning that does not echo it.

`serve` also binds the port before setWebhook is called (`listen_socket`), so a port in
use is one clear error, not a traceback after Telegram was already told to post here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import signal
import socket
from http import HTTPStatus
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update
from telegram.ext import Application, ExtBot

from bot.lifecycle import stop_application

MAX_BODY = 1_000_000
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
log = logging.getLogger(__name__)


def listen_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port; OSError (EADDRINUSE...) if it cannot be had.

    Bound before anything is registered with Telegram: a second bot on the same port
    must fail here, not after it redirected Telegram's updates to itself.
    """
    family, _, _, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.create_server(address[:2], family=family, backlog=128)
    sock.setblocking(False)
    return sock


def make_app(
    update_queue: asyncio.Queue[object], bot: Bot, secret: str, url_path: str
) -> web.Application:
    """The aiohttp application that turns authentic POSTs on `url_path` into updates."""
    receiver = _Receiver(update_queue, bot, secret)
    app = web.Application(client_max_size=MAX_BODY)  # the cap for bodies of unknown length
    path = "/" + url_path.strip("/")
    app.router.add_post(path, receiver.handle)
    if path != "/":
        app.router.add_post(path + "/", receiver.handle)
    return app


class _Receiver:
    """One request at a time, cheapest refusal first; see the module docstring."""

    def __init__(self, update_queue: asyncio.Queue[object], bot: Bot, secret: str) -> None:
        self.update_queue = update_queue
        self.bot = bot
        self.secret = secret.encode()

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secrets.compare_digest(given, self.secret):
            log.debug("webhook: refused a request without the right secret header")
            return _refuse(HTTPStatus.FORBIDDEN)
        if request.content_length is not None and request.content_length > MAX_BODY:
            log.warning("webhook: refused a %d-byte body", request.content_length)
            return _refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("webhook: refused a body over %d bytes", MAX_BODY)
            return _refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        update = self._update(body)
        if update is None:
            return _refuse(HTTPStatus.BAD_REQUEST)
        if isinstance(self.bot, ExtBot):
            self.bot.insert_callback_data(update)  # what PTB's server does, for callback data
        await self.update_queue.put(update)
        return web.Response(status=HTTPStatus.OK)

    def _update(self, body: bytes) -> Update | None:
        """The Update in `body`, or None after a one-line warning that never echoes it."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            log.warning("webhook: ignored %d bytes that are not JSON", len(body))
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            shape = type(data).__name__
            log.warning("webhook: ignored a JSON %s that is not a Telegram update", shape)
            return None
        try:
            return Update.de_json(data, self.bot)
        except Exception as exc:  # noqa: BLE001 - a malformed update is the sender's fault
            log.warning("webhook: ignored update %s: %s", data["update_id"], type(exc).__name__)
            return None


def _refuse(status: HTTPStatus) -> web.Response:
    """A short answer that closes the connection, so a refused client cannot linger."""
    response = web.Response(status=status, text=status.phrase)
    response.force_close()
    return response


async def serve(
    app: Application,
    sock: socket.socket,
    *,
    url: str,
    secret: str,
    allowed_updates: list[str],
) -> None:
    """Run `app` on updates posted to `sock` until SIGINT or SIGTERM.

    The same lifecycle as Application.run_webhook (initialize, post_init, start; then
    stop, post_stop, shutdown), with setWebhook called only once the server is up.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(
        make_app(app.update_queue, app.bot, secret, urlsplit(url).path), access_log=None
    )
    await runner.setup()
    try:
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await web.SockSite(runner, sock).start()
        await app.bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)
        await app.start()
        log.info("webhook server listening on %s", _address(sock))
        await stop.wait()
    finally:
        await runner.cleanup()
        await stop_application(app)


def _address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"{host}:{port}"
