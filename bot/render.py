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

from summaries.countries import Country
from summaries.store import StoredArticle
from summaries.tokenize import split_sentences

MESSAGE_LIMIT = 4096
HEADLINE_CHARS = 120


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
    if not iso:
        return "date unknown"
    try:
        return date.fromisoformat(iso).strftime("%-d %b %Y")
    except ValueError:
        return "date unknown"


def headline(article: StoredArticle) -> str:
    """The article's title, or the opening of its lead sentence when it has none.

    News leads state the event ("Pezeshkian made the comment ... with Iraqi Prime
    Minister ..."), so the lead is a better stand-in headline than the top-ranked sentence.
    """
    if article.title:
        return article.title
    lead = split_sentences(article.text[:2000])
    first = (lead or article.summary or [article.text])[0].strip()
    if len(first) <= HEADLINE_CHARS:
        return first
    return first[:HEADLINE_CHARS].rsplit(" ", 1)[0] + "…"


def article_block(article: StoredArticle, max_chars: int = MESSAGE_LIMIT) -> str:
    """One article as HTML: bold headline, date, then its summary, within `max_chars`."""
    head = f"<b>{esc(headline(article))}</b>\n<i>{esc(human_date(article.published))}</i>"
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


def subscriptions_list(countries: Sequence[Country]) -> str:
    if not countries:
        return "You have no subscriptions. Add one with /subscribe Iran."
    lines = "\n".join(f"• {flag(c.code)} {esc(c.name)}" for c in countries)
    return f"<b>Your subscriptions</b>\n{lines}"


def command_list(commands: Sequence[tuple[str, str, str]]) -> str:
    """The /help text from the same table that registers the bot's commands."""
    lines = [
        f"/{name}{(' ' + esc(args)) if args else ''} — {esc(about)}"
        for name, args, about in commands
    ]
    return "<b>diplobot</b> — diplomatic news by country\n\n" + "\n".join(lines)
