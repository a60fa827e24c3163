"""`diplobot run` in webhook mode, as deployed behind a reverse proxy: a real subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

from bot.fakeapi import DEFAULT_TOKEN, FakeTelegram

CHAT = 501


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_update(update_id: int) -> dict:
    user = {"id": CHAT, "is_bot": False, "first_name": "Tester"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": CHAT, "type": "private", "first_name": "Tester"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def post(port: int, body: dict, secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/hook", json=body, headers=headers) as response,
    ):
        return response.status


async def test_webhook_mode_checks_the_secret_and_answers(tmp_path: Path):
    port = free_port()
    async with FakeTelegram() as tg:
        tg.register_chat(CHAT)
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
            "DIPLOBOT_WEBHOOK_SECRET": "s3cret-value",
            "DIPLOBOT_CONFIG": str(tmp_path / "none.toml"),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--db", str(tmp_path / "w.db"), "run",
            "--api-url", tg.api_url, "--webhook-url", "https://bot.example.org/hook",
            "--port", str(port), "--log-json",
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            for _ in range(200):  # registered once the server is up
                if tg.webhook.get("url"):
                    break
                await asyncio.sleep(0.05)
            assert tg.webhook["url"] == "https://bot.example.org/hook"
            assert tg.webhook["secret_token"] == "s3cret-value"
            status = 0
            for _ in range(100):
                try:
                    status = await post(port, start_update(1), "wrong")
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            assert status == 403  # refused: not from Telegram
            assert await post(port, start_update(2), None) == 403
            assert await post(port, start_update(3), "s3cret-value") == 200
            for _ in range(100):
                if tg.sent(CHAT):
                    break
                await asyncio.sleep(0.05)
            [reply] = tg.sent(CHAT)
            assert "/country" in reply.text
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    assert lines and all(json.loads(line)["level"] for line in lines)  # --log-json
    assert DEFAULT_TOKEN not in stderr.decode()


async def test_fault_a_malformed_get_me_answer_is_one_clear_line_and_exit_1(tmp_path: Path):
    async with FakeTelegram() as tg:
        tg.malform("getMe", "no_is_bot")  # 200, but PTB cannot build the bot's User
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
            "DIPLOBOT_CONFIG": str(tmp_path / "none.toml"),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--db", str(tmp_path / "g.db"), "run",
            "--api-url", tg.api_url,
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=60)
    text = stderr.decode()
    assert proc.returncode == 1
    [line] = [line for line in text.splitlines() if line.startswith("diplobot:")]
    assert line.startswith("diplobot: the Bot API server's answer to getMe is not valid: ")
    assert "is_bot" in line
    assert "Traceback" not in text and DEFAULT_TOKEN not in text


# --- hostile requests on the webhook port (issue 13) ----------------------------------------

SECRET = "s3cret-value"


async def raw_request(port: int, head: str, body: bytes = b"") -> bytes:
    """Send a request by hand (so a huge Content-Length can be declared and never sent)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.readline(), timeout=2)  # the status line
    finally:
        writer.close()


def hook_head(length: int, secret: str | None, extra: str = "") -> str:
    header = f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n" if secret else ""
    return (
        "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n{header}{extra}"
    )


async def webhook_server():
    from aiohttp.test_utils import TestServer
    from telegram import Bot

    from bot.webhook import make_app

    queue: asyncio.Queue = asyncio.Queue()
    bot = Bot(DEFAULT_TOKEN)
    server = TestServer(make_app(queue, bot, SECRET, "/hook"), host="127.0.0.1")
    await server.start_server()
    return server, queue


async def test_security_webhook_checks_the_secret_before_reading_the_body():
    server, queue = await webhook_server()
    try:
        huge = 90_000_000  # declared, never sent: an answer proves the body was not awaited
        for secret in (None, "wrong"):
            answer = await raw_request(server.port, hook_head(huge, secret))
            assert answer.startswith(b"HTTP/1.1 403")
        answer = await raw_request(server.port, hook_head(huge, SECRET))
        assert answer.startswith(b"HTTP/1.1 413")
        chunked = (
            "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\nX-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
        )
        chunk = b"x" * 500_000
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
        answer = await raw_request(server.port, chunked, body)  # no length declared: still capped
        assert answer.startswith(b"HTTP/1.1 413")
        assert queue.empty()
    finally:
        await server.close()


async def test_fault_webhook_bad_bodies_get_400_and_a_short_warning(caplog):
    server, queue = await webhook_server()
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    url = f"http://127.0.0.1:{server.port}/hook"
    try:
        async with aiohttp.ClientSession() as session:
            for body in (b'{"update_id": 1, "message": ', b"[" * 100_000, b"[]", b"{}"):
                async with session.post(url, data=body, headers=headers) as response:
                    assert response.status == 400, body[:40]
            assert queue.empty()
            update = json.dumps(start_update(7)).encode()
            async with session.post(url, data=update, headers=headers) as response:
                assert response.status == 200
        assert (await queue.get()).update_id == 7
    finally:
        await server.close()
    warnings = [r for r in caplog.records if r.name == "bot.webhook"]
    assert [r.levelname for r in warnings] == ["WARNING"] * 4
    assert all(len(r.getMessage()) < 80 and "update_id" not in r.getMessage() for r in warnings)
    assert "JSON list" in warnings[2].getMessage() and "JSON dict" in warnings[3].getMessage()


async def run_bot(tmp_path: Path, tg: FakeTelegram, port: int, *flags: str):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "DIPLOBOT_WEBHOOK_SECRET": SECRET,
        "DIPLOBOT_CONFIG": str(tmp_path / "none.toml"),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *flags, "--db", str(tmp_path / "w.db"), "run",
        "--api-url", tg.api_url, "--webhook-url", "https://bot.example.org/hook",
        "--port", str(port),
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_security_webhook_secret_never_reaches_verbose_logs(tmp_path: Path):
    port = free_port()
    async with FakeTelegram() as tg:
        proc = await run_bot(tmp_path, tg, port, "-v")
        try:
            for _ in range(200):
                if tg.webhook.get("url"):
                    break
                await asyncio.sleep(0.05)
            assert tg.webhook["secret_token"] == SECRET
            assert await post(port, start_update(1), "a-wrong-secret") == 403
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    log = stderr.decode()
    assert proc.returncode == 0
    assert "setWebhook" in log and "<secret>" in log  # -v logged the call, redacted
    assert SECRET not in log and DEFAULT_TOKEN not in log and "a-wrong-secret" not in log


async def test_fault_webhook_port_in_use_is_reported_before_set_webhook(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        async with FakeTelegram() as tg:
            proc = await run_bot(tmp_path, tg, taken.getsockname()[1])
            _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
            assert tg.webhook["url"] == ""  # Telegram was never pointed at a port we lack
    assert proc.returncode == 1
    [message] = stderr.decode().strip().splitlines()
    assert "port is already in use" in message and "Traceback" not in message


async def test_instant_alert_for_an_article_ingested_by_another_process(
    tmp_path: Path, recent_article
):
    """`diplobot run` is up with no source registered; `diplobot ingest PATH` writes a story
    into the same database: its event reaches the instant subscriber all the same."""
    db = tmp_path / "i.db"
    config = tmp_path / "fast.toml"
    config.write_text("[schedule]\npoll_check_s = 5\n")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "DIPLOBOT_CONFIG": str(config)}
    async with FakeTelegram() as tg:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--db", str(db), "run", "--api-url", tg.api_url,
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            [reply] = await tg.converse(CHAT, "/subscribe Oman", timeout=60)
            assert "Subscribed to Oman: instant" in reply.text
            folder = tmp_path / "drop"
            folder.mkdir()
            ingest = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "--db", str(db), "ingest",
                str(recent_article(folder)), env=env, stdout=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            assert await asyncio.wait_for(ingest.wait(), timeout=60) == 0
            alerts: list = []
            for _ in range(600):  # the next look for new events is at most 5 s away
                alerts = [m for m in tg.sent(CHAT) if "Oman" in (m.text or "") and m is not reply]
                if alerts:
                    break
                await asyncio.sleep(0.1)
            assert alerts and "Iran – Oman · phone call" in alerts[0].text
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0
    log = stderr.decode()
    assert "connected to" in log and "instant: 1 deliveries queued" in log
    assert "apscheduler" not in log  # its INFO lines stay out of the default log
