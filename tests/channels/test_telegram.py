"""Telegram: secret token, once per update_id, language buttons, own contact as the phone."""

from typing import Any, Dict

import httpx
import pytest

from bot.channels.telegram import TelegramInput
from tests.channels.conftest import SECRET
from tests.channels.helpers import offline_bot

PATH = "/webhooks/telegram/webhook"
USER = {"id": 777, "is_bot": False, "first_name": "Amina"}
CHAT = {"id": 777, "type": "private"}


@pytest.fixture()
def tg(channel_env, live):
    bot, request = offline_bot()
    server = live([TelegramInput(bot, SECRET, "+15005550006")])
    return server, request


def update(update_id: int, **message: Any) -> Dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {"message_id": update_id, "date": 0, "chat": CHAT, "from": USER, **message},
    }


def post(server, body: Dict[str, Any], secret: str = SECRET) -> httpx.Response:
    return httpx.post(
        server.url + PATH,
        json=body,
        headers={"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {},
    )


def test_a_message_reaches_the_assistant_and_the_reply_goes_out_through_the_bot(tg, assistant):
    server, request = tg
    assert post(server, update(1, text="meri qist")).status_code == 200
    [received] = assistant.received
    assert (received.text, received.sender_id, received.input_channel) == (
        "meri qist",
        "telegram:777",  # the conversation carries its channel
        "telegram",
    )
    assert request.sent() == [{"chat_id": 777, "text": "echo: meri qist"}]


def test_requests_without_the_secret_token_are_refused(tg, assistant):
    server, request = tg
    assert post(server, update(1, text="hi"), secret="").status_code == 403
    assert post(server, update(1, text="hi"), secret="guess").status_code == 403
    assert assistant.received == [] and request.calls == []


def test_a_repeated_update_id_is_ignored(tg, assistant):
    server, _ = tg
    post(server, update(5, text="hi"))
    post(server, update(5, text="hi"))
    assert len(assistant.received) == 1


def test_start_offers_language_buttons_and_a_choice_sets_the_language(tg, assistant):
    server, request = tg
    post(server, update(1, text="/start"))
    [menu] = request.sent()
    buttons = menu["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["English", "اردو", "Roman Urdu"]
    assert assistant.received == []
    press = {
        "update_id": 2,
        "callback_query": {
            "id": "q1",
            "from": USER,
            "chat_instance": "c",
            "data": buttons[1]["callback_data"],
            "message": {"message_id": 1, "date": 0, "chat": CHAT, "text": menu["text"]},
        },
    }
    post(server, press)
    [chosen] = assistant.received
    assert chosen.metadata == {"language": "ur"}
    share = request.sent()[-1]["reply_markup"]["keyboard"][0][0]
    assert share["request_contact"] is True and share["text"] == "میرا فون نمبر بھیجیں"


def test_the_users_own_contact_becomes_the_phone_metadata(tg, assistant):
    server, _ = tg
    contact = {"phone_number": "923001234567", "first_name": "Amina", "user_id": 777}
    post(server, update(1, contact=contact))
    [received] = assistant.received
    assert received.metadata == {"phone": "+923001234567"}


def test_someone_elses_contact_is_not_used(tg, assistant):
    server, request = tg
    contact = {"phone_number": "923009999999", "first_name": "Other", "user_id": 555}
    post(server, update(1, contact=contact))
    assert assistant.received == []
    assert (
        "own phone number" in request.sent()[-1]["text"]
        or "apna phone" in request.sent()[-1]["text"]
    )


def test_a_sticker_without_text_gets_a_kind_reply(tg, assistant):
    server, request = tg
    sticker = {
        "file_id": "f",
        "file_unique_id": "u",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    post(server, update(1, sticker=sticker))
    assert request.sent("getFile") == []
    assert assistant.received == []
    assert "+15005550006" in request.sent()[-1]["text"]


def test_buttons_from_the_assistant_become_inline_buttons(tg, assistant):
    server, request = tg
    assistant.replies = [
        {
            "text": "Haan ya na?",
            "buttons": [
                {"title": "Haan", "payload": "/affirm"},
                {"title": "Na", "payload": "/deny"},
            ],
        }
    ]
    post(server, update(1, text="x"))
    rows = request.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert [r[0]["callback_data"] for r in rows] == ["/affirm", "/deny"]


def test_a_voice_note_is_fetched_with_get_file_and_held_until_she_names_the_ticket(
    channel_env, live, assistant, monkeypatch
):
    from sqlalchemy import select

    from bot.core.db import session_scope
    from bot.core.settings import reset_settings
    from bot.evidence.models import PendingMedia
    from tests.auxil.twilio_fakes import MediaServer
    from tests.channels.helpers import BOT_TOKEN, FILE_PATH

    files = MediaServer().start()
    try:
        files.files[f"file/bot{BOT_TOKEN}/{FILE_PATH}"] = ("audio/ogg", b"OggS" + bytes(200))
        monkeypatch.setenv("MEDIA_HOSTS", f"api.telegram.org,127.0.0.1:{files.port}")
        reset_settings()
        bot, request = offline_bot(f"{files.base_url}/file/bot")
        server = live([TelegramInput(bot, SECRET, "+15005550006")])
        server.app.ctx.agent.languages["telegram:777"] = "roman_ur"
        voice = {"file_id": "V1", "file_unique_id": "u1", "duration": 3, "file_size": 204}
        assert post(server, update(31, voice=voice)).status_code == 200
    finally:
        files.stop()
    assert [p["file_id"] for p in request.sent("getFile")] == ["V1"]
    [told] = request.sent()
    assert "aap ki file (voice note) mil gayi" in told["text"]
    assert assistant.received == []
    with session_scope() as session:
        [held] = session.execute(select(PendingMedia)).scalars().all()
        assert (held.sender_id, held.content_type) == ("telegram:777", "audio/ogg")


def test_a_file_too_large_is_refused_before_it_is_fetched(tg, assistant):
    server, request = tg
    server.app.ctx.agent.languages["telegram:777"] = "en"
    doc = {"file_id": "D1", "file_unique_id": "u2", "file_size": 6 * 1024 * 1024}
    post(server, update(32, document=doc))
    assert request.sent("getFile") == []
    [told] = request.sent()
    assert told["text"].startswith("Sorry, I could not accept this file.")


def test_stop_as_the_very_first_message_is_confirmed_in_english(tg, assistant):
    server, request = tg
    assert post(server, update(41, text="Stop")).status_code == 200
    [told] = request.sent()
    assert told["text"].startswith("Done: no more BISP news messages")
    assert assistant.received == []
