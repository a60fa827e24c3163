"""The Bot API test double behaves like Telegram: raw HTTP first, then the real PTB client."""

from __future__ import annotations

import asyncio
import json
import struct
import time
import zlib
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.fakeapi import FakeTelegram, polling

CHAT = 42


async def call(
    tg: FakeTelegram, method: str, token: str | None = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    """POST a form-encoded request as PTB does: objects and lists as JSON strings."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    url = f"{tg.base_url}{token or tg.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
        return response.status, await response.json()


def png(width: int = 3, height: int = 2) -> bytes:
    """A real, tiny, grey PNG, so the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


async def send(tg: FakeTelegram, text: str, **params: Any) -> tuple[int, dict[str, Any]]:
    tg.register_chat(CHAT)
    return await call(tg, "sendMessage", chat_id=str(CHAT), text=text, **params)


# --------------------------------------------------------------------------- raw HTTP


async def test_unknown_method_is_404(fake_telegram: FakeTelegram) -> None:
    status, body = await call(fake_telegram, "sendTelepathy", chat_id="1")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_wrong_token_is_401(fake_telegram: FakeTelegram) -> None:
    status, body = await call(fake_telegram, "getMe", token="999:WRONG")
    assert status == 401 and body["description"] == "Unauthorized"
    assert "999:WRONG" not in repr(fake_telegram.requests)


async def test_get_me_returns_the_bot_user(fake_telegram: FakeTelegram) -> None:
    status, body = await call(fake_telegram, "getme")
    assert status == 200 and body["ok"] is True
    assert body["result"]["is_bot"] is True
    assert body["result"]["id"] == 123456


async def test_missing_required_parameter_is_400(fake_telegram: FakeTelegram) -> None:
    status, body = await call(fake_telegram, "sendMessage", text="hello")
    assert status == 400
    assert body["description"] == "Bad Request: chat_id is empty"
    assert fake_telegram.calls("sendMessage")[-1].status == 400


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("getUpdates", {"limit": "many"}),
        ("deleteMessage", {"chat_id": "42", "message_id": "first"}),
        ("sendMessage", {"chat_id": "42", "text": "hi", "disable_notification": "maybe"}),
    ],
)
async def test_wrong_type_is_400(
    fake_telegram: FakeTelegram, method: str, params: dict[str, str]
) -> None:
    fake_telegram.register_chat(CHAT)
    status, body = await call(fake_telegram, method, **params)
    assert status == 400
    assert "must be of type" in body["description"]


async def test_reply_markup_that_is_not_a_json_object_is_400(
    fake_telegram: FakeTelegram,
) -> None:
    status, body = await send(fake_telegram, "hi", reply_markup="[[not json")
    assert status == 400
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"


@pytest.mark.parametrize("text", ["", "   \n", "<b></b>"])
async def test_empty_text_is_400(fake_telegram: FakeTelegram, text: str) -> None:
    status, body = await send(fake_telegram, text, parse_mode="HTML")
    assert status == 400
    assert body["description"] == "Bad Request: message text is empty"


async def test_sending_to_a_chat_that_never_wrote_is_chat_not_found(
    fake_telegram: FakeTelegram,
) -> None:
    status, body = await call(fake_telegram, "sendMessage", chat_id="777", text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    fake_telegram.user_says(777, "hello")
    status, _ = await call(fake_telegram, "sendMessage", chat_id="777", text="hi")
    assert status == 200


@pytest.mark.parametrize(
    ("text", "parse_mode", "status"),
    [
        ("x" * 4096, None, 200),
        ("x" * 4097, None, 400),
        ("<b>" + "x" * 4096 + "</b>", "HTML", 200),
        ("&amp;" * 4096, "HTML", 200),
        ("&amp;" * 4097, "HTML", 400),
        # Telegram counts UTF-16 code units: an emoji outside the BMP counts twice.
        ("\U0001f600" * 2048, None, 200),
        ("\U0001f600" * 2048 + "x", None, 400),
    ],
)
async def test_text_limit_counts_utf16_units_after_entity_parsing(
    fake_telegram: FakeTelegram, text: str, parse_mode: str | None, status: int
) -> None:
    params = {"parse_mode": parse_mode} if parse_mode else {}
    got, body = await send(fake_telegram, text, **params)
    assert got == status
    if status == 400:
        assert body["description"] == "Bad Request: message is too long"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<div>news</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("1 < 2", 'Character "<" at byte offset 2'),
        ("AT&T", 'Character "&" at byte offset 2'),
        ("&nbsp;", 'Character "&" at byte offset 0'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_malformed_html_cannot_be_parsed(
    fake_telegram: FakeTelegram, text: str, reason: str
) -> None:
    status, body = await send(fake_telegram, text, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: ")
    assert reason in body["description"]


async def test_valid_html_is_sent_as_plain_text_with_entities(
    fake_telegram: FakeTelegram,
) -> None:
    source = (
        '<b>Iran</b> &amp; <i>Iraq</i> &lt;talks&gt; <a href="https://x.org/?a=1&amp;b=2">link</a>'
        ' <tg-spoiler>s</tg-spoiler> <pre><code class="language-python">x = 1</code></pre>'
        " &#128512;&#x41; <blockquote expandable>q</blockquote>"
    )
    status, body = await send(fake_telegram, source, parse_mode="HTML")
    assert status == 200
    message = body["result"]
    assert message["text"] == "Iran & Iraq <talks> link s x = 1 \U0001f600A q"
    assert message["from"]["is_bot"] is True and message["chat"]["id"] == CHAT
    entities = {e["type"]: e for e in message["entities"]}
    assert entities["bold"] == {"type": "bold", "offset": 0, "length": 4}
    assert entities["text_link"]["url"] == "https://x.org/?a=1&b=2"
    assert entities["pre"]["language"] == "python"
    assert {"spoiler", "italic", "expandable_blockquote"} <= entities.keys()
    sent = fake_telegram.sent(CHAT)[-1]
    assert sent.source == source and sent.parse_mode == "HTML"


async def test_markdown_is_accepted_without_deep_validation(
    fake_telegram: FakeTelegram,
) -> None:
    status, body = await send(
        fake_telegram, r"*bold* [link](https://x.org) 1\.5 \\", **{"parse_mode": "MarkdownV2"}
    )
    assert status == 200
    assert body["result"]["text"] == "bold link 1.5 \\"


def keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"inline_keyboard": [list(buttons)]}


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        (keyboard({"text": "x", "callback_data": "d" * 65}), "Bad Request: BUTTON_DATA_INVALID"),
        (keyboard({"text": "x", "callback_data": "é" * 33}), "Bad Request: BUTTON_DATA_INVALID"),
        (keyboard({"text": "x"}), "Bad Request: text buttons are unallowed in the inline keyboard"),
        (keyboard({"text": "x", "callback_data": "a", "url": "https://x.org"}), "exactly one"),
        (keyboard({"callback_data": "a"}), "Text must be non-empty"),
        ({"inline_keyboard": [{"text": "x", "callback_data": "a"}]}, "Array of Arrays"),
    ],
)
async def test_bad_inline_keyboards_are_400(
    fake_telegram: FakeTelegram, markup: dict[str, Any], description: str
) -> None:
    status, body = await send(fake_telegram, "pick one", reply_markup=markup)
    assert status == 400
    assert description in body["description"]


async def test_callback_data_of_64_bytes_is_accepted(fake_telegram: FakeTelegram) -> None:
    markup = keyboard({"text": "x", "callback_data": "d" * 64}, {"text": "y", "url": "https://x"})
    status, body = await send(fake_telegram, "pick one", reply_markup=markup)
    assert status == 200
    assert body["result"]["reply_markup"] == markup


async def test_photo_upload_keeps_the_bytes_and_checks_the_caption(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.register_chat(CHAT)
    url = f"{fake_telegram.base_url}{fake_telegram.token}/sendPhoto"

    async def upload(image: bytes, caption: str) -> tuple[int, dict[str, Any]]:
        form = aiohttp.FormData({"chat_id": str(CHAT), "caption": caption})
        form.add_field("photo", image, filename="chart.png", content_type="image/png")
        async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
            return response.status, await response.json()

    status, body = await upload(png(3, 2), "x" * 1025)
    assert (status, body["description"]) == (400, "Bad Request: message caption is too long")
    status, body = await upload(b"not an image", "chart")
    assert (status, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")
    status, body = await upload(png(3, 2), "chart")
    assert status == 200
    assert body["result"]["caption"] == "chart"
    assert body["result"]["photo"][0]["width"] == 3 and body["result"]["photo"][0]["height"] == 2
    assert fake_telegram.sent(CHAT)[-1].photo == png(3, 2)


async def test_editing_without_a_change_is_not_modified(fake_telegram: FakeTelegram) -> None:
    _, body = await send(fake_telegram, "v1")
    message_id = str(body["result"]["message_id"])
    edit = {"chat_id": str(CHAT), "message_id": message_id}
    status, body = await call(fake_telegram, "editMessageText", text="v1", **edit)
    assert status == 400 and "message is not modified" in body["description"]
    status, body = await call(fake_telegram, "editMessageText", text="v2", **edit)
    assert status == 200 and body["result"]["text"] == "v2"
    assert fake_telegram.sent(CHAT)[-1].text == "v2"
    status, body = await call(
        fake_telegram, "editMessageText", text="x", **{**edit, "message_id": "99"}
    )
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")


async def test_commands_round_trip_and_bad_names_are_refused(
    fake_telegram: FakeTelegram,
) -> None:
    commands = [{"command": "country", "description": "news about a country"}]
    assert (await call(fake_telegram, "setMyCommands", commands=commands))[0] == 200
    _, body = await call(fake_telegram, "getMyCommands")
    assert body["result"] == commands == fake_telegram.bot_commands()
    bad = [{"command": "Country!", "description": "x"}]
    status, body = await call(fake_telegram, "setMyCommands", commands=bad)
    assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")


async def test_webhook_is_stored_and_blocks_get_updates(fake_telegram: FakeTelegram) -> None:
    assert (await call(fake_telegram, "setWebhook", url="https://bot.example/hook"))[0] == 200
    _, body = await call(fake_telegram, "getWebhookInfo")
    assert body["result"]["url"] == "https://bot.example/hook"
    status, body = await call(fake_telegram, "getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    await call(fake_telegram, "deleteWebhook")
    assert (await call(fake_telegram, "getUpdates"))[0] == 200


async def test_long_poll_returns_at_once_when_an_update_waits(
    fake_telegram: FakeTelegram,
) -> None:
    update = fake_telegram.user_says(CHAT, "/start")
    started = time.monotonic()
    status, body = await call(fake_telegram, "getUpdates", timeout="5")
    assert status == 200 and time.monotonic() - started < 4  # not the 5 s timeout
    message = body["result"][0]["message"]
    assert body["result"][0]["update_id"] == update["update_id"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_long_poll_waits_for_its_timeout_then_wakes_for_an_update(
    fake_telegram: FakeTelegram,
) -> None:
    started = time.monotonic()
    status, body = await call(fake_telegram, "getUpdates", timeout="1")
    waited = time.monotonic() - started
    assert status == 200 and body["result"] == [] and 0.9 <= waited < 4.5  # not 5 s

    poll = asyncio.create_task(call(fake_telegram, "getUpdates", timeout="5"))
    await asyncio.sleep(0.1)
    fake_telegram.user_says(CHAT, "hello")
    status, body = await asyncio.wait_for(poll, 1)
    assert [u["message"]["text"] for u in body["result"]] == ["hello"]


async def test_offset_confirms_updates_and_limit_caps_them(fake_telegram: FakeTelegram) -> None:
    first = fake_telegram.user_says(CHAT, "one")["update_id"]
    fake_telegram.user_says(CHAT, "two")
    _, body = await call(fake_telegram, "getUpdates", limit="1")
    assert [u["update_id"] for u in body["result"]] == [first]
    _, body = await call(fake_telegram, "getUpdates", offset=str(first + 1))
    assert [u["message"]["text"] for u in body["result"]] == ["two"]
    assert [u["message"]["text"] for u in fake_telegram.pending_updates] == ["two"]


async def test_json_bodies_and_allowed_updates_are_accepted(fake_telegram: FakeTelegram) -> None:
    fake_telegram.user_says(CHAT, "hello")
    url = f"{fake_telegram.base_url}{fake_telegram.token}/getUpdates"
    query = {"allowed_updates": ["callback_query"], "timeout": 0}
    async with aiohttp.ClientSession() as session, session.post(url, json=query) as response:
        assert response.status == 200
        assert (await response.json())["result"] == []
    _, body = await call(fake_telegram, "getUpdates", allowed_updates=["message"])
    assert [u["message"]["text"] for u in body["result"]] == ["hello"]


async def test_a_second_poller_ends_the_first_with_409(fake_telegram: FakeTelegram) -> None:
    first = asyncio.create_task(call(fake_telegram, "getUpdates", timeout="5"))
    await asyncio.sleep(0.1)
    await call(fake_telegram, "getUpdates", timeout="0")
    status, body = await asyncio.wait_for(first, 1)
    assert status == 409 and "terminated by other getUpdates request" in body["description"]


# --------------------------------------------------------------------------- python-telegram-bot


async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    buttons = [[InlineKeyboardButton("Iran", callback_data="country:IR")]]
    await update.effective_message.reply_html(
        "<b>Welcome</b> &amp; pick a country", reply_markup=InlineKeyboardMarkup(buttons)
    )


async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Loading Iran")
    await query.edit_message_text(f"You chose <i>{query.data}</i>", parse_mode=ParseMode.HTML)


def application(tg: FakeTelegram) -> Application:
    app = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", greet))
    app.add_handler(CallbackQueryHandler(chosen, pattern=r"^country:"))
    return app


async def test_ptb_command_handler_replies_through_converse(
    fake_telegram: FakeTelegram,
) -> None:
    async with polling(application(fake_telegram)):
        replies = await fake_telegram.converse(CHAT, "/start")
        addressed = await fake_telegram.converse(
            CHAT, f"/start@{fake_telegram.bot_user['username']}"
        )
    assert [r.text for r in replies] == ["Welcome & pick a country"]
    assert replies[0].parse_mode == "HTML"
    assert replies[0].callback_data("Iran") == "country:IR"
    assert len(addressed) == 1
    assert all(r.ok for r in fake_telegram.requests)


async def test_ptb_callback_query_is_answered_and_the_message_edited(
    fake_telegram: FakeTelegram,
) -> None:
    async with polling(application(fake_telegram)):
        [menu] = await fake_telegram.converse(CHAT, "/start", expect=1)
        [edited] = await fake_telegram.press(CHAT, menu.message_id, "country:IR")
        with pytest.raises(LookupError):
            fake_telegram.user_presses(CHAT, menu.message_id, "country:IR")
    assert edited is menu
    assert edited.text == "You chose country:IR" and edited.reply_markup is None
    [answer] = fake_telegram.answers
    assert (answer.data, answer.text, answer.message_id) == (
        "country:IR",
        "Loading Iran",
        menu.message_id,
    )


async def test_wait_for_messages_counts_messages_since_the_user_spoke(
    fake_telegram: FakeTelegram,
) -> None:
    async with polling(application(fake_telegram)):
        fake_telegram.user_says(CHAT, "/start")
        [reply] = await fake_telegram.wait_for_messages(CHAT, 1, timeout=3)
        with pytest.raises(TimeoutError, match="expected 2 message"):
            await fake_telegram.wait_for_messages(CHAT, 2, timeout=0.3)
    assert reply.text.startswith("Welcome")


async def test_ptb_gets_bad_request_for_malformed_html(fake_telegram: FakeTelegram) -> None:
    fake_telegram.register_chat(CHAT)
    bot = Bot(fake_telegram.token, base_url=fake_telegram.base_url)
    async with bot:
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(CHAT, "<b>unclosed", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(CHAT + 1, "hello")
        message = await bot.send_photo(CHAT, photo=png(), caption="<b>chart</b>", parse_mode="HTML")
    assert message.photo[-1].width == 3
    assert fake_telegram.sent(CHAT)[-1].photo == png()
    assert fake_telegram.calls("sendMessage")[0].status == 400


async def test_ptb_refused_token_is_invalid_token(fake_telegram: FakeTelegram) -> None:
    bot = Bot("999:REFUSED", base_url=fake_telegram.base_url)
    with pytest.raises(InvalidToken):
        await bot.initialize()


async def test_ptb_converse_returns_nothing_when_the_bot_stays_silent(
    fake_telegram: FakeTelegram,
) -> None:
    async with polling(application(fake_telegram)):
        assert await fake_telegram.converse(CHAT, "no handler for plain text", timeout=0.3) == []


# --------------------------------------------------------------------------- failures on demand


async def test_injected_429_carries_retry_after(fake_telegram: FakeTelegram) -> None:
    fake_telegram.fail_next("sendMessage", 429, retry_after=3)
    status, body = await send(fake_telegram, "hi")
    assert (status, body["parameters"]) == (429, {"retry_after": 3})
    assert body["description"] == "Too Many Requests: retry after 3"
    assert (await send(fake_telegram, "hi"))[0] == 200


async def test_blocked_chat_is_403(fake_telegram: FakeTelegram) -> None:
    fake_telegram.user_says(CHAT, "/start")
    fake_telegram.block_chat(CHAT)
    status, body = await call(fake_telegram, "sendMessage", chat_id=str(CHAT), text="hi")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")


async def test_control_endpoints_let_a_person_play_the_user(fake_telegram: FakeTelegram) -> None:
    async with aiohttp.ClientSession() as session:
        say = {"chat_id": CHAT, "text": "/start"}
        async with session.post(f"{fake_telegram.api_url}/fake/say", json=say) as response:
            assert response.status == 200
        await call(fake_telegram, "sendMessage", chat_id=str(CHAT), text="welcome")
        url = f"{fake_telegram.api_url}/fake/sent?chat_id={CHAT}"
        async with session.get(url) as response:
            sent = (await response.json())["result"]
        async with session.post(f"{fake_telegram.api_url}/fake/say", data="{") as response:
            assert response.status == 400
    assert [m["text"] for m in sent] == ["welcome"]
