"""Telegram HTML rendering: the only place bot text is built.

Everything that comes from an article or a user is escaped here, and every reply is cut
into messages Telegram accepts (at most 4096 characters each, split between items, never
inside a tag). Handlers pass plain data in and get strings and keyboards out.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from summaries.attribution import Source, article_headline, when_text
from summaries.countries import Country
from summaries.digest import SOURCES_SHOWN, Digest, DigestItem
from summaries.store import StoredArticle

MESSAGE_LIMIT = 4096


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (the three characters it interprets)."""
    return html.escape(text, quote=True)


def flag(code: str) -> str:
    """The flag emoji of an ISO alpha-2 code (two regional-indicator symbols)."""
    if len(code) != 2 or not code.isalpha():
        return ""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji flag counts 4)."""
    return len(text.encode("utf-16-le")) // 2


def human_date(iso: str | None) -> str:
    """An ISO day as "7 Jan 2024"; "date unknown" when there is none or it is not a day."""
    if not iso:
        return "date unknown"
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return "date unknown"
    # Not strftime("%-d"): that flag is glibc's, and Windows and musl refuse it.
    return f"{day.day} {day:%b %Y}"


def headline(article: StoredArticle) -> str:
    """The article's title, or its lead's opening (summaries.attribution.article_headline)."""
    return article_headline(article)


def article_block(article: StoredArticle, max_chars: int = MESSAGE_LIMIT) -> str:
    """One article as HTML: bold headline, date, then its summary, within `max_chars`."""
    when = when_text(article.published, article.found_at)
    head = f"<b>{esc(headline(article))}</b>\n<i>{esc(when)}</i>"
    body = esc(" ".join(article.summary)) if article.summary else "<i>no summary</i>"
    block = f"{head}\n{body}"
    if telegram_length(block) <= max_chars:
        return block
    room = max_chars - telegram_length(head) - 2
    return f"{head}\n{_clip_escaped(' '.join(article.summary), room)}"


def _clip_escaped(text: str, room: int) -> str:
    """Escape and shorten plain text to fit `room`, never cutting an entity like &amp;."""
    out: list[str] = []
    used = 0
    for word in text.split(" "):
        piece = esc(word) + " "
        if used + telegram_length(piece) + 1 > room:
            break
        out.append(piece)
        used += telegram_length(piece)
    return "".join(out).rstrip() + "…"


def split_messages(
    blocks: Iterable[str], header: str = "", limit: int = MESSAGE_LIMIT
) -> list[str]:
    """Pack blocks into as few messages as fit, splitting only between blocks."""
    messages: list[str] = []
    current = header
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = block
    if current:
        messages.append(current)
    return messages


def country_reply(country: Country, articles: Sequence[StoredArticle]) -> list[str]:
    """The /country answer: a header line and one block per article."""
    name = esc(country.name)
    if not articles:
        return [f"{flag(country.code)} No articles about <b>{name}</b> yet."]
    noun = "article" if len(articles) == 1 else "articles"
    header = f"{flag(country.code)} <b>{name}</b> — {len(articles)} newest {noun}"
    return split_messages((article_block(a) for a in articles), header=header)


def unknown_country(query: str, suggestions: Sequence[Country]) -> str:
    shown = esc(query if len(query) <= 60 else query[:60] + "…")
    if not suggestions:
        return f"I don't know a country called “{shown}”. Try /countries or an ISO code like IR."
    names = ", ".join(f"<b>{esc(c.name)}</b>" for c in suggestions)
    return f"I don't know a country called “{shown}”. Did you mean {names}?"


def countries_keyboard(countries: Sequence[Country], per_row: int = 3) -> InlineKeyboardMarkup:
    """Buttons that open /country for each country; callback data stays far under 64 bytes."""
    buttons = [
        InlineKeyboardButton(f"{flag(c.code)} {c.name}", callback_data=f"country:{c.code}")
        for c in countries
    ]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(rows)


def country_counts(counts: Sequence[tuple[Country, int]], period: str) -> str:
    """Countries with their number of articles, as a list that fits one message."""
    if not counts:
        return f"No news {esc(period)} yet."
    lines = [f"{flag(c.code)} {esc(c.name)} — {n}" for c, n in counts]
    return split_messages(lines, header=f"<b>Countries with news {esc(period)}</b>")[0]


def no_news_this_week(older: bool) -> str:
    """/countries with nothing published in the last seven days (undated news never counts)."""
    text = "No news published this week."
    return f"{text}\nCountries with earlier news:" if older else f"{text} No articles yet."


def subscriptions_list(rows: Sequence[tuple[Country, str, str]], timezone: str) -> str:
    """(country, cadence described, next delivery) per subscription."""
    if not rows:
        return "You have no subscriptions. Add one with /subscribe Iran daily 08:00."
    lines = "\n".join(
        f"• {flag(c.code)} {esc(c.name)} — {esc(cadence)}; next: {esc(when)}"
        for c, cadence, when in rows
    )
    return f"<b>Your subscriptions</b> (times in {esc(timezone)})\n{lines}"


def cadence_refused(reason: str) -> str:
    """A cadence /subscribe cannot read: the reason, then how to write one."""
    return f"{esc(reason)}\n\n{subscribe_usage()}"


def unsubscribed(name: str, *, was_subscribed: bool) -> str:
    """The answer to /unsubscribe NAME."""
    if was_subscribed:
        return f"Unsubscribed from <b>{esc(name)}</b>."
    return f"You were not subscribed to <b>{esc(name)}</b>."


def timezone_set(name: str) -> str:
    """The answer to /timezone ZONE once the zone is stored."""
    return f"Time zone set to <b>{esc(name)}</b>. Digests follow it."


def problem(message: str) -> str:
    """A user's mistake explained in plain words (escaped: it may quote what they typed)."""
    return esc(message)


def subscribe_usage() -> str:
    return (
        "Usage: /subscribe NAME [WHEN]\n"
        "• /subscribe Iran — each new event as it is found\n"
        "• /subscribe Iran daily 08:00 — a digest every day\n"
        "• /subscribe Iran weekly mon 09:00 — a digest every week\n"
        "Times are in your time zone: set it with /timezone Europe/Paris."
    )


def subscribed(country: Country, cadence: str, when: str, changed: bool, timezone: str) -> str:
    """The answer to /subscribe: what was set and when the first delivery comes."""
    name = f"<b>{esc(country.name)}</b>"
    head = f"Subscribed to {name}: {esc(cadence)}." if changed else (
        f"You already follow {name}: {esc(cadence)}."
    )  # fmt: skip
    if when == "as events arrive":
        return f"{head}\nNew events arrive as they are found."
    return f"{head}\nNext digest: {esc(when)} ({esc(timezone)})."


def timezone_usage(current: str) -> str:
    return (
        f"Your time zone is <b>{esc(current)}</b>.\n"
        "Change it with /timezone Europe/Paris (or UTC+3), or share your location."
    )


def stats(figures: dict) -> str:
    """The admin /stats message."""
    outbox = figures["outbox"]
    lines = [
        "<b>diplobot stats</b>",
        f"chats subscribed: {figures['subscribed_chats']} ({figures['inactive_chats']} inactive)",
        f"subscriptions: {figures['subscriptions']}",
        f"articles: {figures['articles']}, events: {figures['events']}",
        "outbox: " + ", ".join(f"{k} {v}" for k, v in outbox.items()),
    ]
    for location, success, error, failures in figures["sources"][:20]:
        state = f"last ok {success}" if success else "never polled ok"
        if failures:
            state += f", {failures} failures ({error})"
        lines.append(f"• {esc(location)}: {esc(state)}")
    return "\n".join(lines)


def command_list(commands: Sequence[tuple[str, str, str]]) -> str:
    """The /help text from the same table that registers the bot's commands."""
    lines = [
        f"/{name}{(' ' + esc(args)) if args else ''} — {esc(about)}"
        for name, args, about in commands
    ]
    return "<b>diplobot</b> — diplomatic news by country\n\n" + "\n".join(lines)


# -- events and digests ----------------------------------------------------------------------

# Room kept for the bold headline and source lines when an event's brief must be shortened.
_EVENT_BLOCK_CHARS = 1500


def event_block(item: DigestItem, *, sources: bool = True) -> str:
    """One event as HTML: bold headline, its brief, and its sources as links."""
    head = f"<b>{esc(item.headline)}</b>"
    brief = " ".join(item.summary)
    body = esc(brief)
    if telegram_length(body) > _EVENT_BLOCK_CHARS:
        body = _clip_escaped(brief, _EVENT_BLOCK_CHARS)
    lines = [head]
    if item.storyline:
        lines.append(f"<i>Storyline: {esc(item.storyline)}</i>")
    if body:
        lines.append(body)
    if sources:
        lines.append(source_line(item))
    return "\n".join(lines)


def source_line(item: DigestItem, limit: int = 5) -> str:
    """ "Sources:" and one line per source (outlet, linked headline, date), "+3 more"."""
    lines = [f"• {source_link(s)}" for s in item.sources[:limit]]
    more = item.source_count - limit
    if more > 0:
        lines.append(f"… and {more} more")
    noun = "Source" if item.source_count == 1 else f"{item.source_count} sources"
    return "\n".join([f"<i>{noun}:</i>", *lines])


def source_link(source: Source) -> str:
    """ "Islam Times — <a>Headline</a> · 7 Jan 2024": who, what (linked when there is a web
    address) and when. A file or record locator is never shown: it names nothing a reader
    can check."""
    title = source.title if len(source.title) <= 100 else source.title[:99] + "…"
    what = esc(title)
    if source.url:
        what = f'<a href="{esc(source.url)}">{what}</a>'
    who = f"<b>{esc(source.outlet)}</b> — " if source.outlet else ""
    return f"{who}{what} · {esc(source.when)}"


def digest_messages(digest: Digest, title: str | None = None) -> list[str]:
    """A digest as Telegram messages, split only between events, none over 4096."""
    header = f"<b>{esc(title or digest.title)}</b>"
    if not digest.items:
        return [f"{header}\n\nNo events in this period."]
    return split_messages((event_block(item) for item in digest.items), header)


def event_page(
    title: str, items: Sequence[DigestItem], more_data: str | None
) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """A page of events: messages (split between events) and, for the last one, a keyboard
    with a "Sources" button per event and "More" when `more_data` is given."""
    blocks = [f"{n}. " + event_block(item, sources=False) for n, item in enumerate(items, 1)]
    messages = split_messages(blocks, f"<b>{esc(title)}</b>")
    buttons = [
        InlineKeyboardButton(f"Sources {n}", callback_data=f"src:{item.cluster_id}")
        for n, item in enumerate(items, start=1)
    ]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    if more_data:
        rows.append([InlineKeyboardButton("More ▸", callback_data=more_data)])
    return messages, InlineKeyboardMarkup(rows) if rows else None


def sources_message(item: DigestItem) -> str:
    """Every source of one event, one per line, under its headline."""
    lines = [f"<b>{esc(item.headline)}</b>"]
    lines += [f"• {source_link(s)}" for s in item.sources[:SOURCES_SHOWN]]
    if item.source_count > SOURCES_SHOWN:
        lines.append(f"… and {item.source_count - SOURCES_SHOWN} more")
    return "\n".join(lines)


def no_events(name: str, nearest: Sequence[str]) -> str:
    """What /country says when there is nothing to show, with days that do have events."""
    text = f"No diplomatic events for <b>{esc(name)}</b> yet."
    if nearest:
        days = ", ".join(esc(human_date(d)) for d in nearest)
        text += f"\nNearest days with events: {days}."
    return text


def nothing_to_draw(name: str, weeks: int, latest: Sequence[str]) -> str:
    """/trend for a country with no dated events in the chart's weeks: no empty chart."""
    text = f"Nothing to draw: no dated events for <b>{esc(name)}</b> in the last {weeks} weeks."
    if latest:
        text += f"\nIts latest dated event: {esc(human_date(latest[0]))}."
    return text


def nothing_new(title: str, name: str) -> str:
    """The note sent, to those who asked for it, when a digest has no new events."""
    return f"<b>{esc(title)}</b>\n\nNothing new about {esc(name)} since the last digest."
