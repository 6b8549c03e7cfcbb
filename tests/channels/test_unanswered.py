"""No silence: when the assistant answers nothing, every channel apologises and says what to do."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from bot.channels import store, unanswered
from bot.channels.rest import VaultedRestInput, token_header
from bot.channels.telegram import TelegramInput
from bot.channels.twilio_messaging import TwilioMessagingInput
from bot.channels.twilio_voice import TwilioVoiceInput
from bot.core.clock import utcnow
from bot.core.settings import get_settings
from tests.channels.conftest import PUBLIC, SECRET, TOKEN
from tests.channels.helpers import offline_bot, twilio_headers
from tests.channels.test_telegram import post as tg_post
from tests.channels.test_telegram import update
from tests.channels.test_twilio_messaging import PATH, message, post, texts
from tests.channels.test_twilio_voice import Call, said

CALL_CENTRE = "0800-26477"


@pytest.fixture()
def sms(channel_env, live, assistant):
    assistant.replies = []  # Rasa after a failed action without a fallback: nothing
    return live([TwilioMessagingInput.from_credentials({})])


@pytest.fixture()
def taken_over_by_staff():
    def check(channel: str, sender: str) -> bool:
        return sender in ("+923009999999", "rest:staff-has-it")

    unanswered.register_takeover_check(check)
    yield
    unanswered._takeover_checks.remove(check)


@pytest.mark.parametrize(
    ("body", "sorry"),
    [
        ("mere paise nahi aaye", "Maazrat"),
        ("میری قسط نہیں آئی", "معذرت"),
        ("my payment has not come", "Sorry"),
    ],
)
def test_an_sms_the_assistant_leaves_unanswered_gets_an_apology_in_its_language(
    sms, assistant, body, sorry
):
    [reply] = texts(post(sms, message(body, sid=f"SM-{sorry}")))
    assert reply.startswith(sorry) and CALL_CENTRE in reply, reply
    assert len(assistant.received) == 1


def test_a_blank_sms_and_a_taken_over_conversation_stay_silent(sms, assistant, taken_over_by_staff):
    assert texts(post(sms, message("   ", sid="SM-blank"))) == []
    assert texts(post(sms, message("hello?", sid="SM-staff", sender="+923009999999"))) == []


def test_a_telegram_message_left_unanswered_gets_an_apology(channel_env, live, assistant):
    assistant.replies = []
    bot, request = offline_bot()
    server = live([TelegramInput(bot, SECRET, "+15005550006")])
    assert tg_post(server, update(9, text="my payment has not come")).status_code == 200
    [sent] = request.sent()
    assert sent["chat_id"] == 777 and CALL_CENTRE in sent["text"], sent


def rest_say(server, text: str, sender: str = "chat-1") -> list:
    url = server.url + "/webhooks/rest/webhook"
    headers = token_header(get_settings().REST_CHANNEL_TOKEN)
    answer = httpx.post(url, json={"sender": sender, "message": text}, headers=headers, timeout=20)
    assert answer.status_code == 200
    return answer.json()


@pytest.mark.parametrize(
    ("body", "sorry"),
    [("mere paise nahi aaye", "Maazrat"), ("my payment has not come", "Sorry")],
)
def test_a_rest_message_left_unanswered_gets_an_apology_in_its_language(
    channel_env, live, assistant, body, sorry
):
    assistant.replies = []  # Rasa answered nothing
    [reply] = rest_say(live([VaultedRestInput()]), body)
    assert reply["recipient_id"] == "rest:chat-1"
    assert reply["text"].startswith(sorry) and CALL_CENTRE in reply["text"], reply


def test_a_rest_message_whose_processing_broke_gets_an_apology(channel_env, live, assistant):
    server = live([VaultedRestInput()])
    assistant.fail_next = 1  # Rasa's processing raised: its REST channel would answer []
    [reply] = rest_say(server, "my payment has not come")
    assert CALL_CENTRE in reply["text"]
    assert [r["text"] for r in rest_say(server, "status")] == ["echo: status"]


def test_a_blank_rest_message_and_a_taken_over_one_stay_silent(
    channel_env, live, assistant, taken_over_by_staff
):
    assistant.replies = []
    server = live([VaultedRestInput()])
    assert rest_say(server, "   ") == []
    assert rest_say(server, "hello?", sender="staff-has-it") == []


def test_a_caller_left_unanswered_hears_an_apology_and_can_go_on(channel_env, live, assistant):
    call = Call(live([TwilioVoiceInput.from_credentials({})]))
    call.ring()
    call.press("2")  # English; the greeting is answered
    assistant.replies = []
    root = call.speak("my payment has not come")
    assert "Sorry, I cannot answer right now" in said(root)
    assert root.find("Gather") is not None  # the call goes on: the caller can say it again


def test_a_message_whose_handler_died_is_answered_when_delivered_again(sms, assistant):
    """Rasa was killed mid-message: the claim has no reply. Twilio's retry a minute later
    is handled (not answered with nothing), once."""
    old = utcnow() - timedelta(minutes=2)
    assert store.claim("twilio", "SM-died", "+923001234567", now=old).first
    assistant.replies = [{"text": "echo"}]
    assert texts(post(sms, message("status", sid="SM-died"))) == ["echo: status"]
    assert texts(post(sms, message("status", sid="SM-died"))) == ["echo: status"]
    assert len(assistant.received) == 1


def test_a_retry_while_the_first_is_answered_gets_no_second_processing(sms, assistant):
    assert store.claim("twilio", "SM-busy", "+923001234567").first  # being answered now
    params = message("status", sid="SM-busy")
    headers = twilio_headers(TOKEN, PUBLIC + PATH, params)
    # Twilio waits 15 s for an answer; the retry waits up to 10 s for the first one's.
    [reply] = texts(httpx.post(sms.url + PATH, data=params, headers=headers, timeout=20))
    assert CALL_CENTRE in reply  # nothing to repeat yet: told to try again, not processed
    assert assistant.received == []


def test_the_unanswered_message_is_taken_back_so_the_form_keeps_its_place() -> None:
    """The place was sent while the action server was unreachable: Rasa logged the message
    and the form action with no events. Taking it back leaves the form asking the place."""
    import asyncio
    from types import SimpleNamespace

    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.core.settings import ROOT

    domain = Domain.load(str(ROOT / "domain.yml"))
    store = InMemoryTrackerStore(domain)
    events = [
        ActionExecuted("action_listen"),
        UserUttered("agent ne 500 rupay kaat liye", {"name": "complaint_deduction"}),
        ActionExecuted("complaint_form"),
        ActiveLoop("complaint_form"),
        SlotSet("requested_slot", "complaint_place"),
        ActionExecuted("action_listen"),
        UserUttered("Alipur ki Madina dukaan par kal", {"name": "inform"}),
        SlotSet("complaint_place", "Madina"),
        ActionExecuted("complaint_form"),  # its validation failed: no events
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events("+923001234567", events, slots=domain.slots)
    app = SimpleNamespace(
        ctx=SimpleNamespace(
            agent=SimpleNamespace(tracker_store=store, lock_store=InMemoryLockStore())
        )
    )

    async def run() -> DialogueStateTracker:
        await store.save(tracker)
        await unanswered.forget_unanswered(app, "+923001234567")
        return await store.retrieve("+923001234567")

    after = asyncio.run(run())
    from tests.production.citizens import after_rewinds

    kept = after_rewinds([e.as_dict() for e in after.events])
    said = [e["text"] for e in kept if e["event"] == "user"]
    assert said == ["agent ne 500 rupay kaat liye"]
    assert after.active_loop_name == "complaint_form"
    assert after.get_slot("requested_slot") == "complaint_place"
    assert after.get_slot("complaint_place") is None
