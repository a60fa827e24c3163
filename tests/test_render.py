"""Telegram HTML rendering: escaping and the 4096-character limit."""

from __future__ import annotations

from bot import render
from bot.fakeapi import parse_html
from summaries.countries import Country
from summaries.store import StoredArticle


def article(i: int, summary: list[str], title: str | None = "T") -> StoredArticle:
    return StoredArticle(i, title, " ".join(summary), summary, "2024-01-07", "header", "x")


def test_article_text_is_escaped_and_parses_as_telegram_html():
    a = article(1, ['Iran <said> R&D & "more" <b>bold</b>.'], title="A < B & C")
    block = render.article_block(a)
    assert "&lt;said&gt;" in block and "R&amp;D" in block
    assert parse_html(block).text.startswith("A < B & C")


def test_long_replies_split_between_articles_and_every_message_fits():
    long_summary = ["A sentence about Iran and its neighbours in the region. " * 6] * 3
    articles = [article(i, long_summary) for i in range(12)]
    messages = render.country_reply(Country("IR", "Iran"), articles)
    assert len(messages) > 1
    for message in messages:
        assert render.telegram_length(message) <= render.MESSAGE_LIMIT
        parse_html(message)  # raises on HTML Telegram would refuse
    assert sum(m.count("<b>T</b>") for m in messages) == 12


def test_one_huge_article_is_clipped_at_a_word_with_entities_intact():
    huge = article(1, ["Tom & Jerry < Iran " * 2000])
    block = render.article_block(huge)
    assert render.telegram_length(block) <= render.MESSAGE_LIMIT
    assert block.endswith("…")
    parse_html(block)


def test_article_without_title_uses_its_lead_sentence():
    a = StoredArticle(
        1, None, "Iran and Iraq talked on Saturday. More text.", ["More text."], None, None, "x"
    )
    assert render.headline(a) == "Iran and Iraq talked on Saturday."
    assert "date unknown" in render.article_block(a)


def test_flag_emoji_counts_as_four_utf16_units():
    assert render.flag("IR") == "🇮🇷"
    assert render.telegram_length(render.flag("IR")) == 4
    assert render.flag("??") == ""


def test_human_date_has_no_leading_zero_and_needs_no_glibc_flag():
    from bot.render import human_date

    assert human_date("2024-01-07") == "7 Jan 2024"
    assert human_date("2024-11-30") == "30 Nov 2024"
    assert human_date(None) == human_date("not a day") == "date unknown"
