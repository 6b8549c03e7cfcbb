"""Whole conversations over the real channel webhooks of a running Rasa server (trained model).

A citizen asks for her payment status and complains about a deduction over SMS (Roman
Urdu), WhatsApp (Urdu script), the voice line (Urdu, keypad) and Telegram. Every request
is signed as Twilio or Telegram would sign it (bot.channels.simulate), and the tests check
what she notices: the script of the replies, no payment detail before she is verified,
the instalment amount, a ticket number that exists in the database, SMS pages within the
segment budget, the Urdu voice. Forged or unsigned requests get 403 and reach nothing.
"""

from __future__ import annotations

import re
import uuid
from typing import Dict, List, Optional

import httpx
import pytest

from bot.channels.simulate import PATHS
from bot.channels.twilio_security import sign
from tests.auxil.phone import (
    FORGER_PHONE,
    SANAM,
    SHAZIA,
    STRANGER_PHONE,
    TICKET,
    URDU_DIGITS,
    Phone,
    assert_urdu_voice,
    dashed,
    is_urdu_script,
    sent_texts,
    shows_amount,
    spoken,
    ticket_row,
    webhook_claimed,
)
from tests.channels.live_fixtures import telegram_live  # noqa: F401 (fixture)

pytestmark = pytest.mark.model

# ------------------------------------------------------------------ SMS (Roman Urdu)


def test_sms_payment_status_and_deduction_complaint_in_roman_urdu(live_assistant):
    phone = Phone(live_assistant, "sms", SHAZIA.phone)  # her number on record verifies her

    asked = phone.text("mere pese nai aye")
    assert "CNIC" in asked and not shows_amount(asked)
    assert not is_urdu_script(asked)

    status = phone.text(dashed(SHAZIA.cnic))
    assert "tasdeeq ho gayi" in status, "the phone on record should verify her"
    assert "date of issue" not in status
    assert "Rs 13,500" in status and "ada ho chuki" in status
    assert not is_urdu_script(status)

    where = phone.text("agent ne 500 rupay kaat liye")
    assert "kab aur kahan" in where, where

    done = phone.text("Alipur ki Madina dukaan par kal")
    found = TICKET.search(done)
    assert found, done
    assert "Shikayat darj ho gayi" in done and not is_urdu_script(done)
    ticket = ticket_row(live_assistant.database_url, found.group())
    assert ticket["channel"] == "twilio"
    assert ticket["sender_id"] == f"sms:{SHAZIA.phone}"
    assert (ticket["category"], ticket["amount"]) == ("deduction", 500)
    assert ticket["district"] == "Muzaffargarh" and ticket["language"] == "roman_ur"

    # "MORE" with nothing left to send: answered by the channel, still in Roman Urdu.
    [nothing_left] = phone.message("MORE")
    assert "Paigham mukammal" in nothing_left


def test_sms_in_urdu_script_pages_the_reply_with_an_urdu_more_hint(live_assistant):
    phone = Phone(live_assistant, "sms", SANAM.phone)  # Urdu SMS: UCS-2, 67 chars a segment
    phone.text("میری قسط نہیں آئی")
    pages = phone.message(dashed(SANAM.cnic))
    while pages[-1].endswith("باقی کے لیے مزید لکھیں۔"):
        pages += phone.message("مزید")
    assert len(pages) > 1, "a reply this long is cut into pages within the budget"
    for page in pages:
        assert is_urdu_script(page), f"page not in Urdu script: {page!r}"
        assert "MORE likhein" not in page
    whole = "\n".join(pages)
    assert "13,500 روپے" in whole and "ادا ہو چکی" in whole
    [nothing_left] = phone.message("مزید")
    assert nothing_left == "پیغام مکمل ہو چکا ہے۔ براہ کرم اپنا سوال یا جواب لکھیں۔"
    where = phone.text("ایجنٹ نے 1000 روپے کاٹ لیے")
    assert is_urdu_script(where) and "کب اور کہاں" in where, where


def test_sms_from_another_phone_tells_nothing_before_the_issue_date(live_assistant):
    phone = Phone(live_assistant, "sms", STRANGER_PHONE)
    phone.text("meri qist ka pata karna hai")
    second = phone.text(SHAZIA.cnic)
    assert "date of issue" in second
    assert not shows_amount(second) and "ada ho chuki" not in second
    third = phone.text(SHAZIA.cnic_issue_date.strftime("%d-%m-%Y"))
    assert "Rs 13,500" in third and "ada ho chuki" in third


# ------------------------------------------------------------------ WhatsApp (Urdu script)


def test_whatsapp_payment_status_and_deduction_complaint_in_urdu_script(live_assistant):
    phone = Phone(live_assistant, "whatsapp", SANAM.phone)
    sender = f"whatsapp:{SANAM.phone}"

    asked = phone.text("میری قسط نہیں آئی")
    assert "شناختی کارڈ" in asked and is_urdu_script(asked)
    assert not shows_amount(asked)

    status = phone.text(dashed(SANAM.cnic).translate(URDU_DIGITS))
    assert is_urdu_script(status), status
    assert "تصدیق ہو گئی" in status
    assert "13,500 روپے" in status and "ادا ہو چکی" in status

    where = phone.text("ایجنٹ نے میرے پیسوں میں سے 1000 روپے کاٹ لیے")
    assert "کب اور کہاں" in where, where

    done = phone.text("ملتان کی مدینہ دکان پر کل")
    found = TICKET.search(done)
    assert found, done
    assert "شکایت درج ہو گئی" in done and is_urdu_script(done)
    ticket = ticket_row(live_assistant.database_url, found.group())
    assert ticket["channel"] == "twilio"
    assert ticket["sender_id"] == sender
    assert (ticket["category"], ticket["amount"]) == ("deduction", 1000)
    assert ticket["district"] == "Multan" and ticket["language"] == "ur"


# ------------------------------------------------------------------ voice line (Urdu)


def test_voice_call_in_urdu_keypad_verification_payment_status_and_complaint(live_assistant):
    phone = Phone(live_assistant, "voice", STRANGER_PHONE)  # caller id not on record

    menu = phone.call(None)
    gather = menu.find("Gather")
    assert gather is not None and gather.get("input") == "dtmf"
    assert "اردو کے لیے ایک دبائیں" in spoken(menu)  # Urdu is 1 (voice_twiml.MENU_LANGUAGES)

    greeting = phone.call("dtmf:1")
    assert_urdu_voice(greeting)

    ask_cnic = phone.call("میری قسط نہیں آئی")
    assert_urdu_voice(ask_cnic)
    assert "شناختی کارڈ" in spoken(ask_cnic) and "دبائیں" in spoken(ask_cnic)

    readback = phone.call(f"dtmf:{SHAZIA.cnic}#")
    assert_urdu_voice(readback)
    assert "تین دو تین صفر تین" in spoken(readback)
    assert not shows_amount(spoken(readback))

    ask_date = phone.call("dtmf:1")
    assert_urdu_voice(ask_date)
    assert "تاریخ" in spoken(ask_date) and not shows_amount(spoken(ask_date))

    # 12032019 is also a valid ticket number; the assistant asked for a date.
    date_back = phone.call(f"dtmf:{SHAZIA.cnic_issue_date.strftime('%d%m%Y')}#")
    assert "12 مارچ 2019" in spoken(date_back), spoken(date_back)
    assert not shows_amount(spoken(date_back))

    status = phone.call("dtmf:1")
    assert_urdu_voice(status)
    said = spoken(status)
    assert "تصدیق ہو گئی" in said
    assert "13500 روپے" in said and "ادا ہو چکی" in said  # read as a number, not "13,500"
    assert "Rs" not in said

    heard = phone.call("ایجنٹ نے میرے پیسوں میں سے 1000 روپے کاٹ لیے")
    assert "1000 روپے" in spoken(heard)  # a number taken from speech is read back first
    where = phone.call("dtmf:1")
    assert_urdu_voice(where)
    assert "کب اور کہاں" in spoken(where)

    done = phone.call("علی پور کی مدینہ دکان پر کل")
    assert_urdu_voice(done)
    said = spoken(done)
    assert "شکایت درج ہو گئی" in said
    digits = re.search(r"\d(?:[ ،,]*\d){7}", said)
    assert digits, f"no ticket number spoken in {said!r}"
    number = "PCMS-" + re.sub(r"\D", "", digits.group())
    ticket = ticket_row(live_assistant.database_url, number)
    assert ticket["channel"] == "twilio_voice"
    assert ticket["sender_id"] == f"voice:{phone.call_sid}"  # one conversation per call
    assert ticket["phone"] == STRANGER_PHONE  # updates go to the caller by SMS
    assert (ticket["category"], ticket["amount"]) == ("deduction", 1000)
    assert ticket["district"] == "Muzaffargarh" and ticket["language"] == "ur"


def test_a_call_does_not_continue_the_callers_sms_conversation(live_assistant):
    number = "+923219876503"
    sms = Phone(live_assistant, "sms", number)
    sms.text("meri qist ka pata karna hai")
    sms.text(SHAZIA.cnic)
    assert "ada ho chuki" in sms.text(SHAZIA.cnic_issue_date.strftime("%d-%m-%Y"))

    call = Phone(live_assistant, "voice", number)  # the same number calls the voice line
    call.call(None)
    call.call("dtmf:1")
    asked = call.call("میری قسط نہیں آئی")
    assert "شناختی کارڈ" in spoken(asked), "a new call must verify the caller again"
    assert not shows_amount(spoken(asked)) and "ادا ہو چکی" not in spoken(asked)


# ------------------------------------------------------------------ Telegram (Roman Urdu)


def test_telegram_language_button_own_contact_status_and_complaint(telegram_live):  # noqa: F811
    api = telegram_live.bot_api
    phone = Phone(telegram_live, "telegram", SHAZIA.phone)
    api.take()

    def say(text: str) -> List[str]:
        answer = phone.telegram(text, None)
        assert answer == [], answer  # an HTTP error would show here
        return sent_texts(api.take())

    assert phone.telegram("/start", None) == []
    [start] = [p for m, p in api.take() if m == "sendMessage"]
    buttons = [b for row in start["reply_markup"]["inline_keyboard"] for b in row]
    assert {b["callback_data"] for b in buttons} == {"lang:en", "lang:ur", "lang:roman_ur"}
    assert int(start["chat_id"]) == phone.chat_id

    assert phone.telegram("lang:roman_ur", None) == []
    calls = api.take()
    assert any(m == "answerCallbackQuery" for m, _ in calls)
    texts = sent_texts(calls)
    assert texts and all(not is_urdu_script(t) for t in texts)
    keyboards = [p["reply_markup"] for m, p in calls if p.get("reply_markup")]
    share = [b for kb in keyboards for row in kb.get("keyboard", []) for b in row]
    assert share and share[0]["request_contact"] is True

    shared = say("contact")  # her own contact: contact.user_id == from.id
    assert not any(shows_amount(t) for t in shared)

    asked = "\n".join(say("mere pese nai aye"))
    assert "CNIC" in asked and not shows_amount(asked)

    status = "\n".join(say(dashed(SHAZIA.cnic)))
    assert "tasdeeq ho gayi" in status, "the shared phone on record should verify her"
    assert "date of issue" not in status
    assert "Rs 13,500" in status and "ada ho chuki" in status and not is_urdu_script(status)

    where = "\n".join(say("agent ne 500 rupay kaat liye"))
    assert "kab aur kahan" in where, where

    done = "\n".join(say("Alipur ki Madina dukaan par kal"))
    found = TICKET.search(done)
    assert found, done
    ticket = ticket_row(telegram_live.database_url, found.group())
    assert ticket["channel"] == "telegram"
    assert ticket["sender_id"] == f"telegram:{phone.chat_id}"
    assert (ticket["category"], ticket["amount"]) == ("deduction", 500)
    assert ticket["language"] == "roman_ur"


# ------------------------------------------------------------------ forged requests


def twilio_form(sender: str, body: str) -> Dict[str, str]:
    return {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
    }


def test_forged_or_unsigned_requests_get_403_and_reach_nothing(live_assistant):
    live = live_assistant
    token, public = live.env["TWILIO_AUTH_TOKEN"], live.env["PUBLIC_BASE_URL"].rstrip("/")
    sms_url = public + PATHS["sms"]
    voice_url = public + PATHS["voice"]
    form = twilio_form(FORGER_PHONE, "salam")
    tampered = dict(form, From=SANAM.phone)
    call = {"CallSid": "CA" + uuid.uuid4().hex, "From": FORGER_PHONE, "CallStatus": "ringing"}

    def post(path: str, data: Dict[str, str], signature: Optional[str]) -> int:
        headers = {"X-Twilio-Signature": signature} if signature is not None else {}
        return httpx.post(live.url + path, data=data, headers=headers, timeout=30).status_code

    forged = {
        "sms unsigned": post(PATHS["sms"], form, None),
        "sms empty signature": post(PATHS["sms"], form, ""),
        "sms other token": post(PATHS["sms"], form, sign("guessed-token", sms_url, form)),
        "sms tampered From": post(PATHS["sms"], tampered, sign(token, sms_url, form)),
        "sms signed for another URL": post(
            PATHS["sms"], form, sign(token, live.url + PATHS["sms"] + "x", form)
        ),
        "status unsigned": post(
            "/webhooks/twilio/status",
            {"MessageSid": form["MessageSid"], "MessageStatus": "x"},
            None,
        ),
        "voice unsigned": post(PATHS["voice"], call, None),
        "voice other token": post(PATHS["voice"], call, sign("guessed", voice_url, call)),
    }
    update_id = int(uuid.uuid4().int % 1_000_000_000)
    update = {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 424242, "type": "private"},
            "from": {"id": 424242, "is_bot": False, "first_name": "X"},
            "text": SHAZIA.cnic,
        },
    }
    for name, headers in {
        "telegram without token": {},
        "telegram wrong token": {"X-Telegram-Bot-Api-Secret-Token": "guess"},
    }.items():
        forged[name] = httpx.post(
            live.url + PATHS["telegram"], json=update, headers=headers, timeout=30
        ).status_code
    assert forged == dict.fromkeys(forged, 403)

    # Nothing was handled: no webhook claimed, so nothing reached the assistant.
    assert not webhook_claimed(live.database_url, "twilio", form["MessageSid"])
    assert not webhook_claimed(live.database_url, "twilio_voice", f"{call['CallSid']}:start")
    assert not webhook_claimed(live.database_url, "telegram", str(update_id))

    # The very same SMS, correctly signed, is answered.
    assert post(PATHS["sms"], form, sign(token, sms_url, form)) == 200
    assert webhook_claimed(live.database_url, "twilio", form["MessageSid"])


def test_telegram_a_shared_contact_is_not_answered_as_a_mistyped_cnic(telegram_live):  # noqa: F811
    api = telegram_live.bot_api
    phone = Phone(telegram_live, "telegram", SANAM.phone)
    api.take()
    phone.telegram("/start", None)
    phone.telegram("lang:roman_ur", None)
    api.take()
    assert phone.telegram("contact", None) == []
    reply = "\n".join(sent_texts(api.take()))
    assert "hindsay" not in reply and "13 hindson" not in reply, reply
