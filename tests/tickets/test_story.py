"""A whole complaint: deduction, escalation, reply, "nahi hua", reopening, all in the history."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core import db
from bot.core.outbox import OutboxMessage
from bot.outreach.delivery import deliver_pending
from bot.tickets.escalation import run_escalation_pass
from bot.tickets.service import (
    add_citizen_message,
    assign,
    confirm_resolution,
    get_ticket,
    history,
    open_ticket,
    resolve,
    staff_reply,
)
from tests.tickets.helpers import MONDAY_10AM, RecordingSender, deduction, pkt, ticket_config


def test_a_deduction_complaint_from_start_to_reopening(db_url, tmp_path):
    config = ticket_config(tmp_path)
    factory = db.session_factory(db_url)

    # Monday 10:00: a widow in Alipur reports Rs 1000 kept by the agent, on WhatsApp.
    with factory() as s:
        result = open_ticket(s, deduction(vulnerable=True), MONDAY_10AM, config)
        s.commit()  # committed before the assistant tells the number
        number = result.ticket.number
        assert result.ticket.queue == "integrity:Muzaffargarh"
        assert result.ticket.priority == 1
        assert result.ticket.deadline_at == pkt(2025, 3, 5, 10)

    # Tuesday: she adds the retailer's name by replying.
    with factory() as s:
        add_citizen_message(
            s, number, "dukan ka naam Aslam Karyana Store hai", "twilio", now=pkt(2025, 3, 4, 11)
        )
        s.commit()

    # Wednesday 10:05: nobody acted; the scheduler moves it to the region.
    summary = run_escalation_pass(factory, pkt(2025, 3, 5, 10, 5), config)
    assert summary.escalated == [number]

    # The regional officer takes it, replies, and marks it solved.
    with factory() as s:
        ticket = get_ticket(s, number)
        assert (ticket.level, ticket.queue) == (2, "region:South Punjab")
        assign(s, ticket, "bushra", "staff:rd_multan", pkt(2025, 3, 5, 11), config)
        staff_reply(
            s,
            ticket,
            "staff:bushra",
            "Retailer se paise wapis dilwa diye gaye hain.",
            now=pkt(2025, 3, 5, 15),
        )
        resolve(
            s,
            ticket,
            "staff:bushra",
            "retailer refunded in front of the FO",
            pkt(2025, 3, 5, 15, 5),
            config,
        )
        s.commit()

    # Thursday: "nahi hua" - the money never reached her. It reopens one level up.
    with factory() as s:
        ticket = confirm_resolution(
            s, number, solved=False, actor="citizen", now=pkt(2025, 3, 6, 9, 30), config=config
        )
        s.commit()
        assert (ticket.state, ticket.level, ticket.queue, ticket.reopen_count) == (
            "reopened",
            3,
            "head_office",
            1,
        )
        assert ticket.assigned_to is None
        assert ticket.deadline_at > pkt(2025, 3, 6, 9, 30)

    # Her updates went out on WhatsApp in Roman Urdu, in order.
    whatsapp = RecordingSender()
    deliver_pending(factory, {"twilio": whatsapp}, pkt(2025, 3, 6, 9, 31))
    texts = [text for _, text in whatsapp.sent]
    assert {recipient for recipient, _ in whatsapp.sent} == {"whatsapp:+923001234567"}
    assert [t.split(" ")[1] for t in texts] == [
        "Shikayat",
        "Shikayat",
        number + ":",
        "Shikayat",
        "Shikayat",
    ]
    assert "bare daftar" in texts[0]  # escalated
    assert "officer kaam kar raha hai" in texts[1]  # assigned
    assert "paise wapis dilwa diye" in texts[2]  # staff reply
    assert "retailer refunded in front of the FO" in texts[3]  # what was done
    assert "1 (bura) se 5 (acha)" in texts[3]  # resolved, please rate it
    assert "appeal bare daftar" in texts[4]  # her "nahi hua" is an appeal
    with factory() as s:
        statuses = s.execute(select(OutboxMessage.status, OutboxMessage.language)).all()
        assert set(statuses) == {("sent", "roman_ur")}

    # Everything is in the history, with who, when, from and to.
    with factory() as s:
        events = history(s, get_ticket(s, number))
        story = [
            (e.kind, e.actor, e.from_state, e.to_state, e.from_level, e.to_level)
            for e in events
            if e.kind != "notification"
        ]
        assert story == [
            ("created", "assistant", None, "new", None, 1),
            ("citizen_message", "citizen", None, None, None, None),
            ("escalated", "scheduler", "new", "new", 1, 2),
            ("assigned", "staff:rd_multan", "new", "assigned", None, None),
            ("staff_reply", "staff:bushra", None, None, None, None),
            ("state", "staff:bushra", "assigned", "awaiting_citizen", 2, 2),
            ("state", "citizen", "awaiting_citizen", "reopened", 2, 3),
        ]
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert [e.kind for e in events].count("notification") == 5
        assert events[2].note.startswith("deadline passed (integrity:Muzaffargarh -> region:")
        reopened = next(e for e in events if e.to_state == "reopened")
        assert reopened.queue == "region:South Punjab"  # counts against the region's figures

    # A week later nobody at head office has acted either: the clock runs again.
    later = run_escalation_pass(factory, pkt(2025, 3, 6, 9, 30) + timedelta(days=9), config)
    assert later.escalated == []  # already at the top; the Ombudsman comes at day 30
