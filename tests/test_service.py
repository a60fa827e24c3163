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
