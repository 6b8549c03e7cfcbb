"""Voice line: language menu, Gather per language, keypad numbers read back, graceful endings."""

import xml.etree.ElementTree as ET
from typing import Dict, Optional

import httpx
import pytest

from bot.channels.twilio_voice import TwilioVoiceInput
from bot.privacy.vault import CnicVault
from tests.channels.conftest import PUBLIC, TOKEN
from tests.channels.helpers import twilio_headers

PATH = "/webhooks/twilio_voice/webhook"


class Call:
    """A caller on the line: follows each <Gather action> like Twilio does."""

    def __init__(self, server, sid: str = "CA1", caller: str = "+923001234567") -> None:
        self.server, self.sid, self.caller = server, sid, caller
        self.action: Optional[str] = None

    def post(self, url: str, extra: Dict[str, str], signed: bool = True) -> httpx.Response:
        params = {
            "CallSid": self.sid,
            "From": self.caller,
            "To": "+15005550006",
            "AccountSid": "AC1",
            **extra,
        }
        headers = twilio_headers(TOKEN, url, params) if signed else {}
        return httpx.post(
            self.server.url + url[len(PUBLIC) :], data=params, headers=headers, timeout=30
        )

    def twiml(self, reply: httpx.Response) -> ET.Element:
        assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/xml")
        root = ET.fromstring(reply.text)  # valid XML
        gather = root.find("Gather")
        dial = root.find("Dial")
        self.action = (
            gather.get("action")
            if gather is not None
            else (dial.get("action") if dial is not None else None)
        )
        return root

    def ring(self) -> ET.Element:
        return self.twiml(self.post(PUBLIC + PATH, {"CallStatus": "ringing"}))

    def press(self, digits: str) -> ET.Element:
        return self.twiml(self.post(self.action, {"CallStatus": "in-progress", "Digits": digits}))

    def speak(self, words: str) -> ET.Element:
        return self.twiml(
            self.post(self.action, {"CallStatus": "in-progress", "SpeechResult": words})
        )

    def silence(self) -> ET.Element:
        return self.twiml(self.post(self.action, {"CallStatus": "in-progress"}))


def said(root: ET.Element) -> str:
    return " ".join(s.text or "" for s in root.iter("Say"))


@pytest.fixture()
def call(channel_env, live):
    return Call(live([TwilioVoiceInput.from_credentials({})]))


def test_the_call_opens_with_a_keypad_language_menu(call, assistant):
    root = call.ring()
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf" and gather.get("numDigits") == "1"
    languages = [s.get("language") for s in gather.iter("Say")]
    assert languages == ["ur-IN", "en-IN"]
    assert "ایک دبائیں" in said(root) and "press 2" in said(root)
    assert assistant.received == []


@pytest.mark.parametrize(
    "key, language, stt, tts", [("1", "ur", "ur-PK", "ur-IN"), ("2", "en", "en-IN", "en-IN")]
)
def test_the_chosen_language_sets_gather_and_voice_and_reaches_the_assistant(
    call, assistant, key, language, stt, tts
):
    assistant.replies = [{"text": "Assalam o alaikum. Main aap ki kya madad kar sakta hoon?"}]
    call.ring()
    root = call.press(key)
    gather = root.find("Gather")
    assert gather.get("input") == "speech dtmf"
    assert gather.get("language") == stt
    assert "kafaalat" in gather.get("hints") and "BISP" in gather.get("hints")
    assert gather.get("finishOnKey") == "#"
    assert {s.get("language") for s in root.iter("Say")} == {tts}
    [greet] = assistant.received
    assert greet.text == "/greet"
    assert greet.metadata["language"] == language and greet.metadata["phone"] == "+923001234567"
    assert greet.input_channel == "twilio_voice"


def test_a_cnic_is_typed_read_back_digit_by_digit_and_sent_only_when_confirmed(call, assistant):
    call.ring()
    call.press("2")
    root = call.press("3520212345671#")
    assert "three five two zero two, one two three four five six seven, one" in said(root)
    assert len(assistant.received) == 1  # not yet sent
    call.press("1")
    assert CnicVault().resolve(assistant.received[-1].text) == "3520212345671"  # vaulted
    assert assistant.received[-1].metadata["language"] == "en"


def test_the_channel_tables_keep_no_typed_cnic(call, assistant, db_url):
    from sqlalchemy import create_engine, inspect, text

    call.ring()
    call.press("2")
    call.press("3520212345671#")  # waiting for "press 1": held, read back, retried replies kept
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t.startswith("channel_")]
            stored = " ".join(
                str(value)
                for table in tables
                for row in conn.execute(text(f"SELECT * FROM {table}"))
                for value in row
            )
    finally:
        engine.dispose()
    assert "channel_voice_call" in tables and "sealed:" in stored
    assert "3520212345671" not in stored and "three five two zero two" not in stored
    call.press("1")  # the sealed entry still opens: the CNIC reaches the assistant
    assert CnicVault().resolve(assistant.received[-1].text) == "3520212345671"


def test_pressing_2_at_the_read_back_asks_for_the_number_again(call, assistant):
    call.ring()
    call.press("1")
    call.press("3520212345671")
    root = call.press("2")
    assert "ہیش" in said(root)
    call.press("3520212345672")
    call.press("1")
    assert CnicVault().resolve(assistant.received[-1].text) == "3520212345672"  # vaulted


def test_a_spoken_cnic_is_read_back_and_sent_only_after_a_spoken_yes(call, assistant):
    call.ring()
    call.press("2")
    root = call.speak("my CNIC is three five two zero two 1234567 one")
    assert "three five two zero two, one two three four five six seven, one" in said(root)
    assert "say yes or press 1" in said(root)
    assert "yes" in root.find("Gather").get("hints")  # the recogniser expects yes / no
    assert len(assistant.received) == 1  # not yet sent
    call.speak("yes that is right")
    assert CnicVault().resolve(assistant.received[-1].text) == "3520212345671"


def asked_for(call: Call, assistant, kind: str, key: str = "2") -> ET.Element:
    """Ring, pick a language (1 Urdu, 2 English) and be asked for a `kind` number."""
    assistant.replies = [{"text": "Your number?"}, {"custom": {"keypad": kind}}]
    call.ring()
    return call.press(key)


def test_a_date_said_at_the_issue_date_question_is_read_back_and_confirmed(call, assistant):
    asked = asked_for(call, assistant, "date", "1")
    hints = asked.find("Gather").get("hints")
    assert "جولائی" in hints and "اکیس" in hints  # months and number words, in Urdu
    assert asked.find("Gather").get("speechModel")
    root = call.speak("اکیس جولائی دو ہزار اٹھارہ")
    assert "21 جولائی 2018" in said(root) and "جی ہاں" in said(root)
    assert len(assistant.received) == 1
    call.speak("جی ہاں")
    assert assistant.received[-1].text == "2018-07-21"


def test_no_at_a_spoken_read_back_asks_again_and_the_next_answer_is_heard(call, assistant):
    asked_for(call, assistant, "date")
    call.speak("twelfth of march two thousand nineteen")
    again = call.speak("no")
    assert "say it again" in said(again)
    root = call.speak("second november two thousand twenty")
    assert "2 November 2020" in said(root)
    call.press("1")
    assert assistant.received[-1].text == "2020-11-02"


def test_start_over_at_a_read_back_goes_to_the_assistant_not_as_a_no(call, assistant):
    """The read-back's yes/no is one row of the arbiter's table; a repair comes first."""
    asked_for(call, assistant, "date")
    call.speak("twelfth of march two thousand nineteen")
    call.speak("start over")
    assert assistant.received[-1].text == "start over"
    assert "2019" not in assistant.received[-1].text


def test_a_date_that_cannot_be_read_goes_to_the_assistant(call, assistant):
    asked_for(call, assistant, "date")
    call.speak("I do not remember")
    assert assistant.received[-1].text == "I do not remember"


def test_an_amount_in_speech_is_read_back_before_the_words_go_on(call, assistant):
    call.ring()
    call.press("1")
    root = call.speak("ایجنٹ نے پانچ سو روپے کاٹ لیے")
    assert "500 روپے" in said(root)
    assert len(assistant.received) == 1
    call.press("1")
    assert assistant.received[-1].text == "ایجنٹ نے پانچ سو روپے کاٹ لیے"


def test_new_words_at_an_amount_read_back_replace_the_old_ones(call, assistant):
    call.ring()
    call.press("2")
    call.speak("the agent took five hundred rupees")
    root = call.speak("sorry, he took one thousand rupees")
    assert "1000 rupees" in said(root)
    call.speak("yes")
    assert assistant.received[-1].text == "sorry, he took one thousand rupees"
    assert len(assistant.received) == 2


def test_a_half_heard_cnic_is_asked_again_not_guessed(call, assistant):
    asked_for(call, assistant, "cnic")
    root = call.speak("three five two zero two one two three")
    assert "whole number" in said(root)
    assert len(assistant.received) == 1


def test_spoken_replies_have_no_links_or_emoji_and_offer_a_repeat(call, assistant):
    assistant.replies = [
        {"text": "Apni qist check karein 😀 https://bisp.gov.pk par. Rs. 13,500 milenge."}
    ]
    call.ring()
    root = call.press("2")
    text = said(root)
    assert "http" not in text and "😀" not in text and "13500 rupees" in text
    assert "press 9" in text
    assistant.replies = [{"text": "Something else"}]
    again = call.press("9")
    assert "13500 rupees" in said(again)
    assert len(assistant.received) == 1


def test_silence_twice_ends_the_call_with_a_callback_offer(call, assistant):
    call.ring()
    call.press("2")
    first = call.silence()
    assert first.find("Gather") is not None and "did not hear" in said(first)
    root = call.silence()
    assert root.find("Hangup") is not None and root.find("Gather") is None
    assert "call you back" in said(root)
    callback = assistant.received[-1]
    assert callback.text == "/talk_to_human" and callback.metadata["callback_only"] is True


def test_no_key_at_the_menu_twice_hangs_up_instead_of_looping(call, assistant):
    call.ring()
    assert call.silence().find("Gather") is not None
    root = call.silence()
    assert root.find("Hangup") is not None


def test_repeated_misunderstanding_ends_gracefully(call, assistant):
    call.ring()
    call.press("2")
    assistant.replies = [{"text": "Sorry?", "utter_action": "utter_default"}]
    call.speak("blah")
    call.speak("blah blah")
    root = call.speak("blah blah blah")
    assert root.find("Hangup") is not None and "call you back" in said(root)


def test_a_dial_payload_connects_to_the_call_centre(call, assistant):
    call.ring()
    call.press("2")
    assistant.replies = [{"text": "Connecting."}, {"custom": {"dial": "call_centre"}}]
    root = call.speak("insaan se baat karni hai")
    assert root.find("Dial").text == "+92800026477"
    failed = call.twiml(call.post(call.action, {"DialCallStatus": "no-answer"}))
    assert failed.find("Hangup") is not None and "could not take your call" in said(failed)


def test_a_retried_step_gets_the_same_twiml_without_asking_again(call, assistant):
    call.ring()
    action = call.action
    first = call.post(action, {"CallStatus": "in-progress", "Digits": "2"})
    again = call.post(action, {"CallStatus": "in-progress", "Digits": "2"})
    assert again.text == first.text
    assert len(assistant.received) == 1


def test_unsigned_voice_webhooks_are_refused(call, assistant):
    assert call.post(PUBLIC + PATH, {"CallStatus": "ringing"}, signed=False).status_code == 403


def test_a_spoken_complaint_is_recorded_and_kept_as_evidence(
    channel_env, live, assistant, monkeypatch
):
    from sqlalchemy import select

    from bot.core.db import session_scope
    from bot.core.settings import reset_settings
    from bot.evidence.models import PendingMedia
    from tests.auxil.twilio_fakes import MediaServer

    recordings = MediaServer("AC" + "0" * 32, TOKEN).start()  # channel_env's account
    try:
        recordings.files["Recordings/RE1.mp3"] = ("audio/mpeg", b"ID3\x04" + bytes(500))
        monkeypatch.setenv("MEDIA_HOSTS", f"api.twilio.com,127.0.0.1:{recordings.port}")
        reset_settings()
        call = Call(live([TwilioVoiceInput.from_credentials({})]), sid="CA7")
        call.ring()
        assistant.replies = [
            {"text": "Yeh kab aur kahan hua?", "utter_action": "utter_ask_complaint_place"}
        ]
        asked = call.press("1")  # Urdu
        assert "ریکارڈ کروانے کے لیے سات دبائیں" in said(asked)
        recording = call.post(call.action, {"CallStatus": "in-progress", "Digits": "7"})
        root = ET.fromstring(recording.text)
        record = root.find("Record")
        assert record is not None and record.get("finishOnKey") == "#"
        assert record.get("maxLength") == "120"
        told = call.twiml(
            call.post(
                record.get("action"),
                {
                    "CallStatus": "in-progress",
                    "RecordingUrl": recordings.url("Recordings/RE1"),
                    "RecordingDuration": "12",
                    "Digits": "#",
                },
            )
        )
    finally:
        recordings.stop()
    assert recordings.served == ["Recordings/RE1.mp3"]
    assert "آپ کی فائل مل گئی" in said(told)  # told what became of it
    with session_scope() as session:
        [held] = session.execute(select(PendingMedia)).scalars().all()
        assert held.content_type == "audio/mpeg"
