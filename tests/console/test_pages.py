"""Queue filters, CSV export, dashboard figures and the API's masking, as staff see them."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from bot.core import db
from bot.core.audit import AuditLog


def test_queue_filters_and_deadline_order(console_site) -> None:  # type: ignore[no-untyped-def]
    c = console_site.client("admin")
    every = c.get("/api/tickets").json()["tickets"]
    deadlines = [t["deadline_at"] for t in every]
    assert deadlines == sorted(deadlines)
    assert every[0]["number"] == console_site.tickets["mzg_overdue"] and every[0]["overdue"]
    overdue = c.get("/api/tickets?overdue=1").json()["tickets"]
    assert [t["number"] for t in overdue] == [console_site.tickets["mzg_overdue"]]
    quetta = c.get("/api/tickets?district=Quetta&programme=nashonuma").json()["tickets"]
    assert [t["number"] for t in quetta] == [console_site.tickets["qta_payment"]]
    html = c.get("/tickets?category=scam").text
    assert (
        console_site.tickets["qta_scam"] in html and console_site.tickets["qta_payment"] not in html
    )


def test_csv_export_follows_the_filters_and_masks_identifiers(console_site) -> None:  # type: ignore[no-untyped-def]
    c = console_site.client("sup-muzaffargarh")
    r = c.get("/tickets.csv?category=deduction&status=all")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["number"] for row in rows] == [console_site.tickets["mzg_deduction"]]
    assert rows[0]["cnic"] == "32303-*****01-2"
    assert "9900001" not in r.text and "6100012" not in r.text
    with db.session_scope(console_site.db_url) as session:
        exports = (
            session.execute(select(AuditLog).where(AuditLog.action == "export_csv")).scalars().all()
        )
        assert exports[-1].username == "sup-muzaffargarh" and "1 tickets" in exports[-1].detail


def test_dashboard_counts_open_tickets_in_scope(console_site) -> None:  # type: ignore[no-untyped-def]
    stats = console_site.client("agent-quetta").get("/api/stats").json()
    assert stats["open"] == 2
    assert stats["open_by_district"] == {"Quetta": 2}
    assert set(stats["open_by_category"]) == {"payment_not_received", "scam"}
    html = console_site.client("admin").get("/dashboard").text
    assert "Open tickets by category" in html and "<svg" in html


def test_api_masks_identifiers_and_audits_each_view(console_site) -> None:  # type: ignore[no-untyped-def]
    n = console_site.tickets["mzg_deduction"]
    c = console_site.client("agent-muzaffargarh")
    ticket = c.get(f"/api/tickets/{n}").json()
    assert ticket["cnic"] == "32303-*****01-2" and ticket["phone"] == "+92300*****12"
    assert "32303-*****01-2" in ticket["description"]
    record = c.get(f"/api/tickets/{n}/registry").json()["record"]
    facts = {f["label"]: f["value"] for f in record["facts"]}
    assert facts["Name"] == "Shazia Bibi" and facts["CNIC"] == "32303-*****01-2"
    transcript = c.get(f"/api/tickets/{n}/transcript").json()["messages"]
    assert transcript[2] == {**transcript[2], "speaker": "citizen", "text": "32303-*****01-2"}
    with db.session_scope(console_site.db_url) as session:
        actions = (
            session.execute(
                select(AuditLog.action).where(
                    AuditLog.ticket_number == n, AuditLog.username == "agent-muzaffargarh"
                )
            )
            .scalars()
            .all()
        )
    assert {"view_ticket", "view_registry", "view_transcript"} <= set(actions)


def test_guessing_passwords_locks_the_account_until_an_admin_resets_it(console_site) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from bot.console.auth import create_staff, set_password

    with db.session_scope(console_site.db_url) as session:
        create_staff(session, "agent-lockout", "right-password-1", "agent", ["Quetta"])

    def sign_in(password: str) -> httpx.Response:
        with httpx.Client(base_url=console_site.base_url) as c:
            return c.post("/login", data={"username": "agent-lockout", "password": password})

    for attempt in range(5):
        r = sign_in(f"guess-{attempt}")
        assert r.status_code == 401 and "Wrong username or password" in r.text
    # The sixth try is refused even with the right password, and says for how long.
    r = sign_in("right-password-1")
    assert r.status_code == 429 and "Try again in 15 minutes" in r.text
    # Another account is not affected.
    with httpx.Client(base_url=console_site.base_url) as c:
        ok = c.post("/login", data={"username": "agent-quetta", "password": "demo"})
        assert ok.status_code == 303
    with db.session_scope(console_site.db_url) as session:
        actions = [
            a.action
            for a in session.execute(
                select(AuditLog).where(AuditLog.username == "agent-lockout")
            ).scalars()
        ]
        assert actions.count("login_failed") == 5 and actions[-1] == "login_locked"
        set_password(session, "agent-lockout", "a-new-password-2")
    assert sign_in("a-new-password-2").status_code == 303


def test_dashboard_api_and_csv_carry_the_citizens_verdicts(console_site) -> None:  # type: ignore[no-untyped-def]
    from bot.tickets import service

    number = console_site.tickets["qta_payment"]
    with db.session_scope(console_site.db_url) as session:
        ticket = service.get_ticket(session, number)
        service.resolve(session, ticket, "staff:agent-quetta", "paid at the bank")
        service.confirm_resolution(session, number, None, rating=2)
    admin = console_site.client("admin")
    stats = admin.get("/api/stats").json()["satisfaction"]
    quetta = next(r for r in stats["district"] if r["name"] == "Quetta")
    assert quetta["rated"] == 1 and quetta["appeals"] == 1 and quetta["average_rating"] == 2
    assert any(r["appeals"] == 1 for r in stats["desk"])
    page = admin.get("/dashboard").text
    assert "Citizens&#39; verdicts by district" in page or "Citizens' verdicts by district" in page
    rows = list(csv.DictReader(io.StringIO(admin.get("/tickets.csv?status=all").text)))
    mine = next(r for r in rows if r["number"] == number)
    assert (mine["rating"], mine["appeal_count"], mine["state"]) == ("2", "1", "reopened")
    # A Muzaffargarh supervisor sees no Quetta verdicts.
    mzg = console_site.client("sup-muzaffargarh").get("/api/stats").json()["satisfaction"]
    assert all(r["name"] != "Quetta" for r in mzg["district"])
