"""The admin command line: staff accounts, demo data and the escalation pass."""

from __future__ import annotations

from sqlalchemy import select

from bot import db
from bot.console.auth import authenticate
from bot.console.cli import main
from bot.console.models import StaffUser


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
