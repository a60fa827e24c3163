"""Command and button handlers: parse what the user sent, ask summaries/, render the answer.

Conversation: /start greets and lists the commands; /country NAME answers with the newest
articles about a country (no name: a keyboard of the countries with news; a typo: close
suggestions); /subscribe, /unsubscribe and /subscriptions manage a chat's countries.
Handlers never build SQL or HTML themselves, and a bad input always gets an answer.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import render
from summaries import countries
from summaries.countries import Country
from summaries.store import Store

log = logging.getLogger(__name__)

# (command, arguments, what it does): drives /help, setMyCommands and the README table.
COMMANDS: list[tuple[str, str, str]] = [
    ("start", "", "welcome and the list of commands"),
    ("help", "", "the list of commands"),
    ("country", "NAME", "newest articles about a country, e.g. /country Iran"),
    ("countries", "", "countries with news this week, with counts"),
    ("subscribe", "NAME", "follow a country"),
    ("unsubscribe", "NAME", "stop following a country"),
    ("subscriptions", "", "the countries you follow"),
]

# A country query longer than any country name is junk; cap it before fuzzy matching.
MAX_QUERY_CHARS = 100


def _store(context: ContextTypes.DEFAULT_TYPE) -> Store:
    return context.application.bot_data["store"]


def _setting(context: ContextTypes.DEFAULT_TYPE, key: str) -> object:
    return context.application.bot_data["settings"]["bot"][key]


async def _reply(update: Update, text: str, **kwargs: object) -> None:
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, **kwargs)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, render.command_list(COMMANDS))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, render.command_list(COMMANDS))


async def country(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = " ".join(context.args or []).strip()
    if not query:
        await _offer_countries(update, context)
        return
    found = await _resolve_or_suggest(update, query)
    if found:
        await _send_country(update, context, found)


async def country_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on a country button: same answer as /country for that code."""
    press = update.callback_query
    await press.answer()
    code = (press.data or "").removeprefix("country:")
    try:
        found = countries.country(code)
    except KeyError:
        await _reply(update, "That button is out of date; try /country again.")
        return
    await _send_country(update, context, found)


async def countries_this_week(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    since = (date.today() - timedelta(days=7)).isoformat()
    rows = _store(context).country_counts(since)
    counts = [(countries.country(code), n) for code, n, _ in rows]
    counts = [(c, n) for c, n in counts if n]
    keyboard = render.countries_keyboard([c for c, _ in counts[:24]]) if counts else None
    await _reply(update, render.country_counts(counts, "this week"), reply_markup=keyboard)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _change_subscription(update, context, "subscribe")


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _change_subscription(update, context, "unsubscribe")


# command -> (reply when it changed something, reply when it changed nothing)
_SUBSCRIPTION_REPLIES = {
    "subscribe": ("Subscribed to <b>{}</b>.", "You are already subscribed to <b>{}</b>."),
    "unsubscribe": ("Unsubscribed from <b>{}</b>.", "You were not subscribed to <b>{}</b>."),
}


async def _change_subscription(
    update: Update, context: ContextTypes.DEFAULT_TYPE, command: str
) -> None:
    query = " ".join(context.args or []).strip()
    if not query:
        await _reply(update, f"Usage: /{command} NAME, e.g. /{command} Iran")
        return
    found = await _resolve_or_suggest(update, query)
    if not found:
        return
    store = _store(context)
    change = store.subscribe if command == "subscribe" else store.unsubscribe
    changed = change(update.effective_chat.id, found.code)
    done, unchanged = _SUBSCRIPTION_REPLIES[command]
    await _reply(update, (done if changed else unchanged).format(render.esc(found.name)))


async def subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    codes = _store(context).subscriptions(update.effective_chat.id)
    await _reply(update, render.subscriptions_list([countries.country(c) for c in codes]))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, "I don't know that command. Send /help for the list.")


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, "Send /country NAME for news about a country, or /help.")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and tell the user, so one bad update never silences the bot."""
    log.error("handler failed: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text("Sorry, something went wrong. Try again.")
        except Exception:  # noqa: BLE001 - the apology itself must not raise
            log.warning("could not send the error reply")


async def _resolve_or_suggest(update: Update, query: str) -> Country | None:
    """The country a user meant, or None after replying with suggestions."""
    query = query[:MAX_QUERY_CHARS]
    found = countries.resolve(query)
    if found:
        return found
    close = countries.suggest(query)
    keyboard = render.countries_keyboard(close) if close else None
    await _reply(update, render.unknown_country(query, close), reply_markup=keyboard)
    return None


async def _send_country(update: Update, context: ContextTypes.DEFAULT_TYPE, found: Country) -> None:
    limit = int(_setting(context, "articles_per_reply"))
    articles = _store(context).articles_about(found.code, limit=limit)
    for message in render.country_reply(found, articles):
        await _reply(update, message)


async def _offer_countries(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    with_news = [
        countries.country(code) for code, primary, _ in _store(context).country_counts() if primary
    ]
    text = "Usage: /country NAME, e.g. /country Iran"
    if not with_news:
        await _reply(update, f"{text}\nNo articles have been ingested yet.")
        return
    await _reply(
        update,
        f"{text}\nOr pick a country with news:",
        reply_markup=render.countries_keyboard(with_news[:24]),
    )
