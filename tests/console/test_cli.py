"""The admin command line: staff accounts, demo data and the escalation pass."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.console.auth import authenticate
from bot.console.cli import main
from bot.console.models import StaffUser
from bot.core import db


def test_staff_add_list_passwd_disable(db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        main(
            [
                "staff",
                "add",
                "desk-quetta",
                "--role",
                "agent",
                "--districts",
                "Quetta",
                "--queues",
                "payments,registry",
                "--password",
                "first-password",
            ]
        )
        == 0
    )
    assert main(["staff", "passwd", "desk-quetta", "--password", "second-password"]) == 0
    assert main(["staff", "list"]) == 0
    assert "desk-quetta\tagent\tQuetta\tpayments,registry" in capsys.readouterr().out
    with db.session_scope(db_url) as session:
        assert authenticate(session, "desk-quetta", "first-password") is None
        assert authenticate(session, "desk-quetta", "second-password") is not None
    assert main(["admin", "staff", "disable", "desk-quetta"]) == 0
    with db.session_scope(db_url) as session:
        user = session.execute(
            select(StaffUser).where(StaffUser.username == "desk-quetta")
        ).scalar_one()
        assert user.active is False


def test_demo_then_escalation_pass(db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["admin", "demo"]) == 0
    assert "demo data ready: PCMS-" in capsys.readouterr().out
    assert main(["admin", "escalate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("escalated 1,")  # the demo ticket 18 days old is past its deadline


def test_drill_as_of_a_future_time_escalates_what_would_then_be_due(db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.tickets.models import Ticket, TicketEvent

    assert main(["admin", "demo"]) == 0
    assert main(["admin", "escalate"]) == 0  # today's pass first
    capsys.readouterr()
    with db.session_scope(db_url) as session:
        before = {t.number: (t.level, t.state) for t in session.execute(select(Ticket)).scalars()}
    assert main(["admin", "escalate", "--as-of", "2027-06-30T10:00"]) == 0
    out = capsys.readouterr().out
    assert not out.startswith("escalated 0,")  # half a year on, open tickets are overdue
    with db.session_scope(db_url) as session:
        after = {t.number: (t.level, t.state) for t in session.execute(select(Ticket)).scalars()}
        drill_events = list(
            session.execute(select(TicketEvent).where(TicketEvent.actor == "scheduler")).scalars()
        )
    assert all(after[n][0] >= before[n][0] for n in before)  # levels only go up
    assert any(after[n][0] > before[n][0] for n in before)
    assert any(e.at.year == 2027 for e in drill_events)  # history carries the drill's time


def test_drill_refuses_a_time_it_cannot_read(db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exc:
        main(["admin", "escalate", "--as-of", "next tuesday"])
    assert exc.value.code == 2
    assert "not a date and time" in capsys.readouterr().err
