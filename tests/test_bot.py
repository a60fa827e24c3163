"""End to end: the real python-telegram-bot Application talking HTTP to the Bot API double.

The store is a real SQLite file with the five seed articles ingested through the pipeline.
Every reply must also have passed the double's Telegram-strict checks (HTML, length).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.render import MESSAGE_LIMIT
from bot.session import local_bot
from summaries import settings as settings_mod
from summaries.pipeline import ingest_paths
from summaries.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CHAT = 501


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bot") / "seeds.db"
    with Store(path) as store:
        ingest_paths(store, [SEEDS])
    return path


@pytest.fixture
async def bot(seeded_db, tmp_path):
    copy = tmp_path / "bot.db"
    copy.write_bytes(seeded_db.read_bytes())
    with Store(copy) as store:
        async with local_bot(store, settings_mod.defaults()) as tg:
            yield tg
            refused = [r for r in tg.requests if not r.ok and r.method != "getUpdates"]
            assert refused == [], f"the double refused: {refused}"


async def say(tg, text: str, chat: int = CHAT):
    replies = await tg.converse(chat, text, timeout=10)
    assert replies, f"no reply to {text!r}"
    return replies


async def test_start_and_help_list_every_command(bot):
    for command in ("/start", "/help"):
        [reply] = await say(bot, command)
        for name in ("/country", "/subscribe", "/unsubscribe", "/subscriptions"):
            assert name in reply.text


async def test_country_iran_lists_the_five_seed_articles_with_summaries(bot):
    replies = await say(bot, "/country Iran")
    text = "\n".join(r.text for r in replies)
    assert "Iran — 5 newest articles" in text
    assert "Iran Asks Japan, G7 to Push for Gaza Truce" in text
    assert "17 Apr 2024" in text and "date unknown" in text
    assert "Kamikawa" in text and "Vucic" in text and "Fidan" in text
    assert all(r.parse_mode == "HTML" and len(r.source) <= MESSAGE_LIMIT for r in replies)


@pytest.mark.parametrize("name", ["iranian", "IR", "IRAN", "  Iran  "])
async def test_country_names_resolve_case_insensitively(bot, name):
    replies = await say(bot, f"/country {name}")
    assert "Iran — 5 newest articles" in replies[0].text


async def test_unknown_country_suggests_close_names_with_buttons(bot):
    [reply] = await say(bot, "/country Iram")
    assert "Did you mean" in reply.text and "Iran" in reply.text
    assert "country:IR" in [b["callback_data"] for b in reply.buttons]
    pressed = await bot.press(CHAT, reply.message_id, "country:IR", timeout=10)
    assert "Iran — 5 newest articles" in pressed[0].text
    assert bot.answers and bot.answers[-1].data == "country:IR"


async def test_country_without_argument_offers_countries_with_news(bot):
    [reply] = await say(bot, "/country")
    assert "Usage: /country NAME" in reply.text
    assert {"country:IR", "country:FR", "country:JP"} <= {b["callback_data"] for b in reply.buttons}


async def test_country_with_no_articles_says_so(bot):
    [reply] = await say(bot, "/country Norway")
    assert "No articles about Norway yet" in reply.text


@pytest.mark.parametrize(
    "hostile",
    ["<b>Iran</b>", "Iran & <script>", "x" * 5000, "🇮🇷🇮🇷🇮🇷", "'; DROP TABLE articles; --"],
)
async def test_hostile_country_queries_get_a_clean_answer(bot, hostile):
    [reply] = await say(bot, f"/country {hostile}")
    assert reply.parse_mode == "HTML"
    assert len(reply.source) <= MESSAGE_LIMIT


async def test_subscribe_twice_is_one_subscription_and_unsubscribe_removes_it(bot):
    assert "Subscribed to" in (await say(bot, "/subscribe Iran"))[0].text
    assert "already subscribed" in (await say(bot, "/subscribe iranian"))[0].text
    assert "Subscribed to" in (await say(bot, "/subscribe Türkiye"))[0].text
    listing = (await say(bot, "/subscriptions"))[0].text
    assert "Iran" in listing and ("Türkiye" in listing or "Turkey" in listing)
    assert "Unsubscribed from" in (await say(bot, "/unsubscribe IR"))[0].text
    assert "were not subscribed" in (await say(bot, "/unsubscribe Iran"))[0].text
    assert "Iran" not in (await say(bot, "/subscriptions"))[0].text


async def test_subscriptions_are_per_chat(bot):
    await say(bot, "/subscribe Japan", chat=1)
    [other] = await say(bot, "/subscriptions", chat=2)
    assert "no subscriptions" in other.text


@pytest.mark.parametrize("command", ["/subscribe", "/unsubscribe"])
async def test_subscription_commands_without_a_name_show_usage(bot, command):
    [reply] = await say(bot, command)
    assert f"Usage: {command} NAME" in reply.text


async def test_unknown_command_and_plain_text_get_a_hint(bot):
    assert "/help" in (await say(bot, "/frobnicate"))[0].text
    assert "/country" in (await say(bot, "hello there"))[0].text


async def test_country_names_in_aliases(bot):
    for name, expected in [("USA", "United States"), ("UK", "United Kingdom"), ("Turkey", "T")]:
        [reply] = await say(bot, f"/country {name}")
        assert expected in reply.text


async def test_command_menu_is_registered(bot):
    assert [c["command"] for c in bot.bot_commands()][:3] == ["start", "help", "country"]


async def test_countries_lists_this_weeks_news_with_counts(bot):
    # The seeds are dated 2024 or undated; undated ones count by their ingest day (today).
    [reply] = await say(bot, "/countries")
    assert "Countries with news this week" in reply.text
    assert "Iran — 2" in reply.text  # seeds 002 and 003 have no date
    assert "country:IR" in [b["callback_data"] for b in reply.buttons]
