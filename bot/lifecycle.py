"""Stopping a python-telegram-bot Application the way `run_polling` and `run_webhook` do.

Shared by the webhook server (bot/webhook.py) and the test double's `polling` helper
(bot/fakeapi/server.py), which both run an Application without PTB's blocking runners.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telegram.ext import Application


async def stop_application(app: Application) -> None:
    """Undo whatever part of start-up happened, in reverse order: updater, stop (and
    post_stop), shutdown (and post_shutdown). Safe after a start-up that failed midway."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)
