"""report_to_protection: the ticket goes to the protection desk and the reply says who sees it."""

from __future__ import annotations

from bot.assistant.complaints import ComplaintDraft, report_to_protection
from bot.tickets import service


def test_a_report_is_filed_at_the_protection_desk_and_told_with_its_number(session):
    draft = ComplaintDraft(
        category="other",
        description="camp ka guard tang karta hai",
        cnic=None,
        district="Muzaffargarh",
        language="roman_ur",
        channel="twilio",
        sender_id="whatsapp:+923001112223",
        phone="+923001112223",
    )
    replies = report_to_protection(session, draft)
    assert [r.response for r in replies] == ["utter_protection_filed"]
    ticket = service.get_ticket(session, replies[0].params["ticket_id"])
    assert (ticket.category, ticket.queue, ticket.district) == (
        "protection",
        "protection",
        "Muzaffargarh",
    )
