"""End-to-end conversations over the REST channel against the trained model, in three languages.

Each test plays a demo persona as a citizen would and checks what the citizen sees:
the language and script of the replies, the figures from the registry, and the ticket
that exists in the database before its number is told.
"""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import create_engine, select

from bot.registry.personas import PERSONAS
from bot.tickets.models import Ticket

pytestmark = pytest.mark.model

PAID = next(p for p in PERSONAS if p.key == "paid")
ISSUE = PAID.cnic_issue_date.strftime("%d-%m-%Y")
CNIC_DASHED = f"{PAID.cnic[:5]}-{PAID.cnic[5:12]}-{PAID.cnic[12]}"
URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
TICKET = re.compile(r"PCMS-\d{8}")


def is_urdu_script(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum("\u0600" <= c <= "\u06ff" for c in letters) / len(letters) > 0.6


def sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def joined(replies: list[str]) -> str:
    return "\n".join(replies)


def ticket_in_db(live, number: str) -> Ticket:
    engine = create_engine(live.database_url, future=True)
    with engine.connect() as conn:
        row = (
            conn.execute(select(Ticket.__table__).where(Ticket.number == number)).mappings().first()
        )
    engine.dispose()
    assert row is not None, f"{number} was told to the citizen but is not in the database"
    return row


# ------------------------------------------------------------ payment status after verification


@pytest.mark.parametrize(
    "ask, cnic, expect_ask, expect_paid, script",
    [
        ("mere pese nai aye", CNIC_DASHED, "CNIC", "ada ho chuki", "latin"),
        ("میری قسط نہیں آئی", CNIC_DASHED.translate(URDU_DIGITS), "شناختی", "ادا ہو چکی", "urdu"),
        ("my payment is not received", PAID.cnic, "CNIC", "was paid on", "latin"),
    ],
)
def test_payment_status_needs_verification_then_tells_the_instalment(
    live_assistant, ask, cnic, expect_ask, expect_paid, script
):
    s = sender()
    first = joined(live_assistant.say(s, ask))
    assert expect_ask in first
    second = joined(live_assistant.say(s, cnic))
    assert "13,500" not in second, "no payment detail may be shown before verification"
    third = joined(live_assistant.say(s, ISSUE))
    assert expect_paid in third
    assert "13,500" in third
    assert is_urdu_script(third) == (script == "urdu")


@pytest.mark.parametrize(
    "persona, ask, wrong, expect",
    [
        ("biometric", "meri qist ka status batao", "01-01-2000", "record se nahi milta"),
        ("cnic_expired", "میری قسط کا پتہ کریں", "۰۱-۰۱-۲۰۰۰", "ریکارڈ سے نہیں ملتا"),
        ("ready", "check my payment status please", "01/01/2000", "does not match our record"),
    ],
)
def test_a_wrong_issue_date_is_refused_without_disclosing_anything(
    live_assistant, persona, ask, wrong, expect
):
    s = sender()
    live_assistant.say(s, ask)
    live_assistant.say(s, next(p for p in PERSONAS if p.key == persona).cnic)
    reply = joined(live_assistant.say(s, wrong))
    assert expect in reply
    assert "Rs" not in reply and "روپے" not in reply


@pytest.mark.parametrize(
    "ask, bad, expect",
    [
        ("kya main kafalat ke liye ehl hun", "3230399", "7 hindsay"),
        ("کیا میں اہل ہوں", "۳۲۳۰۳۹۹۰۰۰۰۱", "12 ہندسے"),
        ("am I eligible for BISP", "32303-99000-12-55", "14 digits"),
    ],
)
def test_an_invalid_cnic_gets_a_clear_reply_in_the_users_language(live_assistant, ask, bad, expect):
    s = sender()
    live_assistant.say(s, ask)
    assert expect in joined(live_assistant.say(s, bad))


# ------------------------------------------------------------ deduction complaint, its status, a human


@pytest.mark.parametrize(
    "persona, complaint, district, place, status_ask, human, script",
    [
        (
            "pmt_above",
            "retailer ne meri qist se 1000 rupay kaat liye",
            "Muzaffargarh",
            "Alipur ki Madina dukaan par kal",
            "meri shikayat {t} ka kya bana",
            "kisi insaan se baat karwa do",
            "latin",
        ),
        (
            "waitlisted",
            "ایجنٹ نے میرے پیسوں میں سے 1000 روپے کاٹ لیے",
            "مظفرگڑھ",
            "علی پور کی مدینہ دکان پر کل",
            "میری شکایت {t} کا کیا بنا",
            "کسی انسان سے بات کروائیں",
            "urdu",
        ),
        (
            "taleemi_wazaif",
            "the agent cut 1000 rupees from my payment",
            "Muzaffargarh",
            "at Madina store Alipur yesterday",
            "what is the status of my complaint {t}",
            "I want to talk to a real person",
            "latin",
        ),
    ],
)
def test_deduction_complaint_gets_a_committed_ticket_its_status_and_a_human(
    live_assistant, persona, complaint, district, place, status_ask, human, script
):
    # One persona per language: a second deduction by the same CNIC would join the first.
    s = sender()
    asked = joined(live_assistant.say(s, complaint))
    assert asked, "the complaint got no reply"
    live_assistant.say(s, next(p for p in PERSONAS if p.key == persona).cnic)
    replies = joined(live_assistant.say(s, place))
    if not TICKET.search(replies):
        # Not verified and the place named no district she is asked it, last (for a
        # registered CNIC too: skipping it would tell anyone the CNIC is registered).
        replies = joined(live_assistant.say(s, district))
    found = TICKET.search(replies)
    assert found, f"no ticket number in {replies!r}"
    assert is_urdu_script(replies) == (script == "urdu")
    ticket = ticket_in_db(live_assistant, found.group())
    assert ticket["category"] == "deduction"
    assert ticket["amount"] == 1000
    assert ticket["queue"] == "integrity:Muzaffargarh"

    status = joined(live_assistant.say(s, status_ask.format(t=found.group())))
    assert found.group() in status, status  # told to the conversation that opened it
    # Anyone else is asked to verify first, and learns nothing of the ticket.
    stranger = joined(live_assistant.say(sender(), status_ask.format(t=found.group())))
    assert found.group() not in stranger and "Muzaffargarh" not in stranger, stranger

    handoff = joined(live_assistant.say(s, human))
    escalated = TICKET.search(handoff)
    assert escalated, handoff
    assert ticket_in_db(live_assistant, escalated.group())["escalated"]
