"""The double on its own (`diplobot fake-telegram`): one readable console line per
request, and `serve`, which runs until cancelled.
"""

from __future__ import annotations

import asyncio
import time

from bot.fakeapi.records import RequestRecord
from bot.fakeapi.server import FakeTelegram
from bot.fakelimits import Faults, Limits

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
