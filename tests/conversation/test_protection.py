"""A report of abuse, in each language: offered the protection desk, filed there only on a yes."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from bot.core import db
from bot.core.identifiers import check_ticket_number
from bot.tickets.models import Ticket

pytestmark = pytest.mark.model

REPORTS = [
    ("en", "the man at the payment camp said I must come to his car alone to get my money"),
    ("roman_ur", "survey wala raat ko phone kar ke gandi baatein karta hai, mujhe dar lagta hai"),
    ("ur", "کیمپ کے گارڈ نے میرا ہاتھ پکڑا اور کہا اکیلی آنا ورنہ قسط نہیں ملے گی"),
]
SAYS_PROTECTION_TEAM = {"en": "protection team", "roman_ur": "tahaffuz team", "ur": "تحفظ ٹیم"}
YES = {"en": "yes", "roman_ur": "haan", "ur": "جی ہاں"}


@pytest.mark.parametrize("language, report", REPORTS)
def test_a_report_of_abuse_goes_to_the_protection_desk_only_after_she_agrees(
    live_assistant, language, report
):
    citizen = f"protect-{language}-{uuid.uuid4().hex[:6]}"
    offer = "\n".join(live_assistant.say(citizen, report))
    assert SAYS_PROTECTION_TEAM[language] in offer.lower(), offer
    assert not re.search(r"PCMS-\d{8}", offer)  # nothing filed before she agrees
    make_session = db.session_factory(live_assistant.database_url)
    with make_session() as session:
        mine = select(Ticket).where(Ticket.sender_id == citizen)
        assert session.execute(mine).first() is None

    reply = "\n".join(live_assistant.say(citizen, YES[language]))
    number = re.search(r"PCMS-\d{8}", reply).group()
    assert check_ticket_number(number).ok
    assert SAYS_PROTECTION_TEAM[language] in reply.lower() and "15" in reply
    with make_session() as session:
        ticket = session.execute(select(Ticket).where(Ticket.number == number)).scalar_one()
        assert (ticket.queue, ticket.category, ticket.priority) == ("protection", "protection", 1)
        assert report.split()[1] in ticket.description  # her own words are kept


def test_declining_files_nothing(live_assistant):
    citizen = f"protect-no-{uuid.uuid4().hex[:6]}"
    live_assistant.say(citizen, "agent ne dhamki di hai ke shikayat ki to bete ko maar doon ga")
    live_assistant.say(citizen, "nahi")
    with db.session_factory(live_assistant.database_url)() as session:
        assert session.execute(select(Ticket).where(Ticket.sender_id == citizen)).first() is None
