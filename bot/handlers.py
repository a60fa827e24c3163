"""Command and button handlers: parse what the user sent, ask summaries/, render the answer.

Conversation: /start greets and lists the commands; /country NAME answers with the
country's latest diplomatic events, a page at a time (no name: a keyboard of the countries
with news; a typo: close suggestions; two names, however joined: the events between them;
an organisation such as NATO or the UN Security Council is asked for like a country); /latest lists
the newest events anywhere and /trend NAME draws a country's events per week;
/subscribe, /unsubscribe and /subscriptions manage a chat's countries.
Handlers never build SQL or HTML themselves, and a bad input always gets an answer.
Every store call goes through `StoreThreads` (bot/storethreads.py), never on the event
loop: a query waiting for SQLite would stall every other chat.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import render
from bot import schedule as jobs
from bot.storethreads import StoreThreads
from summaries import clean, countries, schedule, sides
from summaries import digest as digests
from summaries.countries import Country
from summaries.store import Store, StoredArticle
from summaries.store_delivery import Subscription

log = logging.getLogger(__name__)

# (command, arguments, what it does): drives /help, setMyCommands and the README table.
COMMANDS: list[tuple[str, str, str]] = [
    ("start", "", "welcome and the list of commands"),
    ("help", "", "the list of commands"),
    (
        "country",
        "NAME [NAME]",
        "latest events of a country, organisation or pair: /country Iran France",
    ),
    ("latest", "", "the newest diplomatic events anywhere"),
    ("trend", "NAME", "a chart of a country's events per week, by partner"),
    ("countries", "", "countries with news this week, with counts"),
    ("subscribe", "NAME [WHEN]", "follow a country: instant, daily 08:00, weekly mon 09:00"),
    ("unsubscribe", "NAME|all", "stop following a country (or all)"),
    ("subscriptions", "", "what you follow and when the next digest comes"),
    ("timezone", "ZONE", "your time zone for digests, e.g. /timezone Europe/Paris"),
    ("nothingnew", "on|off", "a short note when a scheduled digest is empty"),
]

# A country query longer than any country name is junk; cap it before fuzzy matching.
MAX_QUERY_CHARS = 100
# What people put between the two sides of a pair: "Iran and France", "Iran, France",
# "Iran & France", "Iran/France", "Iran – France" (as headlines write it), "Iran vs France".
_JOINER_WORDS = re.compile(r"(?i:,|&|/|\+|–|—|-|and|vs\.?|versus|with)")
_PAIR_JOINERS = re.compile(r"([,&/+–—])")
# Events per page of /country and /latest, and the words of each event's brief (a length
# the store keeps each event's brief at, see summaries/event_brief.py).
EVENTS_PER_PAGE = 5
BRIEF_WORDS = digests.PAGE_WORDS


def _db(context: ContextTypes.DEFAULT_TYPE) -> StoreThreads:
    """The store's worker threads (bot.app.build_application puts them in bot_data)."""
    return context.application.bot_data["db"]


def _setting(context: ContextTypes.DEFAULT_TYPE, key: str) -> object:
    return context.application.bot_data["settings"]["bot"][key]


async def _reply(update: Update, text: str, **kwargs: object) -> None:
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, **kwargs)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, render.command_list(COMMANDS))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, render.command_list(COMMANDS))


async def country(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = _arguments(context)
    if not query:
        await _offer_countries(update, context)
        return
    pair = _resolve_pair(query[:MAX_QUERY_CHARS])
    if pair:
        await _send_events(update, context, pair[0].code, pair[1].code, 0)
        return
    found = await _resolve_or_suggest(update, query)
    if found:
        await _send_events(update, context, found.code, None, 0)


async def country_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on a country button: same answer as /country for that code."""
    press = update.callback_query
    await press.answer()
    code = (press.data or "").removeprefix("country:")
    try:
        found = sides.side(code)
    except KeyError:
        await _reply(update, "That button is out of date; try /country again.")
        return
    await _send_events(update, context, found.code, None, 0)


async def more_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "More ▸" under a page of events: "more:IR:FR:5" (country, partner or -, offset)."""
    press = update.callback_query
    await press.answer()
    parts = (press.data or "").split(":")
    try:
        _, code, partner, offset = parts
        start = _button_number(offset)
        if code != "*":
            sides.side(code)
        if partner != "-":
            sides.side(partner)
    except (ValueError, KeyError):
        await _reply(update, "That button is out of date; try /country again.")
        return
    if code == "*":
        await _send_latest(update, context, start)
    else:
        await _send_events(update, context, code, None if partner == "-" else partner, start)


async def sources_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Sources n" under an event: every outlet that reported it, as links."""
    press = update.callback_query
    await press.answer()
    try:
        cluster_id = _button_number((press.data or "").removeprefix("src:"))
    except ValueError:
        await _reply(update, "That button is out of date; try /country again.")
        return
    item = await _db(context).run(_event_sources, cluster_id, _first_side(press))
    if item is None:
        await _reply(update, "That event is no longer stored.")
        return
    await _reply(update, render.sources_message(item), disable_web_page_preview=True)


def _event_sources(store: Store, cluster_id: int, first: str | None) -> digests.DigestItem | None:
    """The event and the first of its sources, for its Sources message; None if it is gone.
    Read from its card (summaries/store_pages.py), whatever its number of reports."""
    card = store.cluster_card(cluster_id)
    if card is None:
        return None
    return digests.digest_item(store, card, 0.0, summary_words=BRIEF_WORDS, first=first)


def _button_number(text: str) -> int:
    """A row id or offset from callback data; ValueError unless 0 <= n < 2**63.

    Callback data comes back from the client, and anyone can send any: a number SQLite
    cannot bind (over 2**63) raised OverflowError deep in the store, and the user got
    "Sorry, something went wrong" instead of the out-of-date answer.
    """
    number = int(text)
    if not 0 <= number < 2**63:
        raise ValueError(f"{text} is outside SQLite's integer range")
    return number


def _first_side(press: object) -> str | None:
    """The side the pressed page was about (its title starts with that country's name),
    so the sources headline reads in the same order as the page."""
    text = getattr(getattr(press, "message", None), "text", "") or ""
    name = text.split(":", 1)[0].split(" – ", 1)[0].strip()
    found = sides.resolve(name) if name else None
    return found.code if found else None


async def latest_events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _send_latest(update, context, 0)


async def trend(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A PNG of the country's events per week, stacked by partner, with a caption."""
    import asyncio

    from bot import chart  # matplotlib loads only when a chart is asked for

    query = _arguments(context)
    if not query:
        await _reply(update, "Usage: /trend NAME, e.g. /trend Iran")
        return
    found = await _resolve_or_suggest(update, query)
    if not found:
        return
    series, latest = await _db(context).run(_trend, found.code)
    if not series.total:  # an empty chart says nothing a sentence could not
        await _reply(update, render.nothing_to_draw(found.name, len(series.weeks), latest))
        return
    png = await asyncio.to_thread(chart.trend_png, series)  # drawing takes ~0.2 s of CPU
    # Named, so it is uploaded as image/png rather than application/octet-stream.
    await update.effective_message.reply_photo(
        photo=png, filename=f"trend-{found.code}.png", caption=chart.trend_caption(series)
    )


async def countries_this_week(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Countries with articles published in the last seven days; undated ones never count.

    With none, the countries with older news are offered instead of a dead end.
    """
    since = (date.today() - timedelta(days=6)).isoformat()
    recent, older = await _db(context).run(_counts_this_week, since)
    if recent:
        counts = [(countries.country(code), n) for code, n in recent]
        keyboard = render.countries_keyboard([c for c, _ in counts[:24]])
        await _reply(update, render.country_counts(counts, "this week"), reply_markup=keyboard)
        return
    with_news = [countries.country(code) for code in older]
    keyboard = render.countries_keyboard(with_news[:24]) if with_news else None
    await _reply(update, render.no_news_this_week(bool(with_news)), reply_markup=keyboard)


def _trend(store: Store, code: str) -> tuple[digests.Trend, list[str]]:
    """The weekly chart's series, and the latest day with events for when it is empty."""
    series = digests.weekly_trend(store, code)
    latest = [] if series.total else digests.nearest_event_days(store, code, date.today(), n=1)
    return series, latest


def _counts_this_week(store: Store, since: str) -> tuple[list[tuple[str, int]], list[str]]:
    """(code, articles) per country with news since `since`; when none, every country with
    any dated or undated news, busiest first, to offer instead."""
    recent = [(code, n) for code, n, _ in store.country_counts(since) if n]
    if recent:
        return recent, []
    return [], [code for code, n, _ in store.country_counts() if n]


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe Iran [instant | daily 08:00 | weekly mon 09:00].

    "Iran hourly" is a country and a cadence that does not exist, not a country called
    "Iran hourly": the answer says which cadences there are.
    """
    text = _arguments(context)
    if not text:
        await _reply(update, render.subscribe_usage())
        return
    name, cadence_words = schedule.split_subscribe_args(text)
    if not cadence_words and sides.resolve(name[:MAX_QUERY_CHARS]) is None:
        name, cadence_words = _side_then_rest(name[:MAX_QUERY_CHARS])
    try:
        cadence = schedule.parse_cadence(cadence_words)
    except ValueError as exc:
        await _reply(update, render.cadence_refused(str(exc)))
        return
    found = await _resolve_or_suggest(update, name)
    if not found:
        return
    chat_id = update.effective_chat.id
    changed, timezone = await _db(context).run(_subscribe, chat_id, found.code, cadence.as_text())
    when = jobs.next_delivery(cadence.as_text(), timezone)
    await _reply(update, render.subscribed(found, cadence.describe(), when, changed, timezone))


def _subscribe(store: Store, chat_id: int, code: str, cadence: str) -> tuple[bool, str]:
    """Subscribe; whether anything changed, and the chat's time zone for the answer."""
    changed = store.subscribe(chat_id, code, cadence)
    return changed, store.chat_settings(chat_id)["timezone"]


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unsubscribe Iran, or /unsubscribe all."""
    query = _arguments(context)
    if not query:
        await _reply(update, "Usage: /unsubscribe NAME, e.g. /unsubscribe Iran (or all)")
        return
    db = _db(context)
    if query.casefold() == "all":
        gone = await db.run(Store.unsubscribe, update.effective_chat.id, None)
        await _reply(update, f"Unsubscribed from {gone} {'country' if gone == 1 else 'countries'}.")
        return
    found = await _resolve_or_suggest(update, query)
    if not found:
        return
    gone = await db.run(Store.unsubscribe, update.effective_chat.id, found.code)
    await _reply(update, render.unsubscribed(found.name, was_subscribed=bool(gone)))


async def subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Each subscription with its cadence and next delivery in the chat's time zone."""
    rows, timezone = await _db(context).run(_chat_subscriptions, update.effective_chat.id)
    listed = [
        (
            sides.side(r.code),
            schedule.Cadence.parse(r.cadence).describe(),
            jobs.next_delivery(r.cadence, r.timezone),
        )
        for r in rows
    ]
    await _reply(update, render.subscriptions_list(listed, timezone))


def _chat_subscriptions(store: Store, chat_id: int) -> tuple[list[Subscription], str]:
    return store.subscription_rows(chat_id), store.chat_settings(chat_id)["timezone"]


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone Europe/Paris (or UTC+3); a shared location sets it too."""
    text = _arguments(context)
    db = _db(context)
    chat_id = update.effective_chat.id
    if not text:
        current = (await db.run(Store.chat_settings, chat_id))["timezone"]
        await _reply(update, render.timezone_usage(current))
        return
    try:
        zone = schedule.parse_timezone(text[:MAX_QUERY_CHARS])
    except ValueError as exc:
        await _reply(update, render.problem(str(exc)))
        return
    await _set_timezone(update, db, chat_id, zone)


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: its time zone (the zone whose borders hold it) becomes the chat's."""
    place = update.effective_message.location
    zone = schedule.timezone_from_location(place.latitude, place.longitude)
    await _set_timezone(update, _db(context), update.effective_chat.id, zone)


async def _set_timezone(update: Update, db: StoreThreads, chat_id: int, zone: object) -> None:
    name = schedule.timezone_name(zone)
    await db.run(Store.set_chat, chat_id, timezone=name)
    await _reply(update, render.timezone_set(name))


async def nothing_new(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/nothingnew on|off: whether an empty daily/weekly digest still sends a short note."""
    choice = _arguments(context).casefold()
    if choice not in ("on", "off"):
        await _reply(update, "Usage: /nothingnew on (or off): a note when a digest is empty.")
        return
    await _db(context).run(Store.set_chat, update.effective_chat.id, nothing_new=choice == "on")
    note = "will get" if choice == "on" else "will not get"
    await _reply(update, f"You {note} a note when a scheduled digest has nothing new.")


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats for the admin ids in the config: users, subscriptions, store and outbox."""
    admins = {int(i) for i in _setting(context, "admin_ids")}
    user = update.effective_user
    if user is None or user.id not in admins:
        await _reply(update, "That command is for the bot's administrators.")
        return
    await _reply(update, render.stats(await _db(context).run(store_stats)))


def store_stats(store: Store) -> dict[str, object]:
    """The figures /stats and `diplobot outbox` show."""
    rows = store.subscription_rows()
    return {
        **store.chat_count(),
        "subscriptions": len(rows),
        "articles": store.article_count(),
        "events": store.event_count(),
        "outbox": store.outbox_counts(),
        "sources": [
            (f["location"], f.get("last_success"), f.get("last_error"), f.get("failures"))
            for f in store.feeds()
        ],
    }


async def chat_seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler: a chat that had blocked the bot and writes again
    is active again, and its subscriptions resume."""
    chat = update.effective_chat
    wrote = chat is not None and update.effective_message is not None
    if wrote and await _db(context).run(Store.reactivate_chat, chat.id):
        log.info("chat %s active again", chat.id)


async def chat_migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its subscriptions and queue follow the new id."""
    message = update.effective_message
    if message and message.migrate_to_chat_id:
        await _db(context).run(Store.migrate_chat, message.chat_id, message.migrate_to_chat_id)


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


def _arguments(context: ContextTypes.DEFAULT_TYPE) -> str:
    """A command's arguments as one line, without the invisible characters (direction
    marks, zero-width spaces, a BOM) that a name copied from a web page or a right-to-left
    keyboard brings along: they are never part of a name, and never echoed back."""
    return " ".join(clean.normalize(" ".join(context.args or [])).split())


async def _resolve_or_suggest(update: Update, query: str) -> Country | None:
    """The country (or organisation) a user meant, or None after replying with
    suggestions."""
    query = query[:MAX_QUERY_CHARS]
    found = sides.resolve(query)
    if found:
        return found
    close = sides.suggest(query)
    keyboard = render.countries_keyboard(close) if close else None
    await _reply(update, render.unknown_country(query, close), reply_markup=keyboard)
    return None


def _resolve_pair(query: str) -> tuple[Country, Country] | None:
    """Two sides in one query, however they are joined ("Iran France", "Iran and France",
    "Iran, France", "Iran & France", "Iran – France", "United States Iran"), when the whole
    query is not itself one name ("Trinidad and Tobago", "Korea, Republic of")."""
    if sides.resolve(query):
        return None
    words = _PAIR_JOINERS.sub(r" \1 ", query).split()
    for cut in range(1, len(words)):
        first = sides.resolve(_without_joiners(words[:cut]))
        second = sides.resolve(_without_joiners(words[cut:]))
        if first and second and first.code != second.code:
            return first, second
    return None


def _without_joiners(words: list[str]) -> str:
    """The words of one name with the joiners around it dropped ("and", ",", "&", "–")."""
    while words and _JOINER_WORDS.fullmatch(words[0]):
        words = words[1:]
    while words and _JOINER_WORDS.fullmatch(words[-1]):
        words = words[:-1]
    return " ".join(words).replace(" ,", ",")


def _side_then_rest(text: str) -> tuple[str, str]:
    """(name, what follows it) for the longest start of `text` that names a side, so that
    "Iran hourly" is Iran and "hourly"; (text, "") when no start of it does."""
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        if sides.resolve(" ".join(words[:cut])):
            return " ".join(words[:cut]), " ".join(words[cut:])
    return text, ""


async def _send_events(
    update: Update, context: ContextTypes.DEFAULT_TYPE, code: str, partner: str | None, offset: int
) -> None:
    """A page of a country's (or a pair's) events, newest first, with its buttons."""
    digest = await _db(context).run(
        digests.build_digest, code, partner=partner, limit=EVENTS_PER_PAGE, offset=offset,
        order="newest", summary_words=BRIEF_WORDS,
    )  # fmt: skip
    if not digest.items:
        await _send_no_events(update, context, code, partner, offset)
        return
    more = f"more:{code}:{partner or '-'}:{offset + EVENTS_PER_PAGE}" if digest.more else None
    title = digest.title if offset == 0 else f"{digest.title} (from {offset + 1})"
    await _send_page(update, title, digest.items, more)


async def _send_no_events(
    update: Update, context: ContextTypes.DEFAULT_TYPE, code: str, partner: str | None, offset: int
) -> None:
    if offset:
        await _reply(update, "No more events.")
        return
    name = digests.side_name(code) + (f" and {digests.side_name(partner)}" if partner else "")
    limit = int(_setting(context, "articles_per_reply"))
    nearest, articles = await _db(context).run(_nearest_news, code, partner, limit)
    await _reply(update, render.no_events(name, nearest))
    if articles and not partner:
        for message in render.country_reply(sides.side(code), articles):
            await _reply(update, message)


def _nearest_news(
    store: Store, code: str, partner: str | None, limit: int
) -> tuple[list[str], list[StoredArticle]]:
    """For a page with no events: the nearest days that have some (the pair's, for a pair),
    and the newest articles."""
    nearest = digests.nearest_event_days(store, code, date.today(), partner=partner)
    return nearest, store.articles_about(code, limit=limit)


async def _send_latest(update: Update, context: ContextTypes.DEFAULT_TYPE, offset: int) -> None:
    items, more = await _db(context).run(
        digests.latest, EVENTS_PER_PAGE, offset=offset, summary_words=BRIEF_WORDS
    )
    if not items:
        await _reply(update, "No events yet." if not offset else "No more events.")
        return
    title = "Latest events" if offset == 0 else f"Latest events (from {offset + 1})"
    await _send_page(update, title, items, f"more:*:-:{offset + EVENTS_PER_PAGE}" if more else None)


async def _send_page(update: Update, title: str, items: list, more: str | None) -> None:
    messages, keyboard = render.event_page(title, items, more)
    for n, message in enumerate(messages, start=1):
        markup = keyboard if n == len(messages) else None
        await _reply(update, message, reply_markup=markup, disable_web_page_preview=True)


async def _offer_countries(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    counts = await _db(context).run(Store.country_counts)
    with_news = [countries.country(code) for code, primary, _ in counts if primary]
    text = "Usage: /country NAME, e.g. /country Iran"
    if not with_news:
        await _reply(update, f"{text}\nNo articles have been ingested yet.")
        return
    await _reply(
        update,
        f"{text}\nOr pick a country with news:",
        reply_markup=render.countries_keyboard(with_news[:24]),
    )
