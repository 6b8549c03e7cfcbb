"""The console in headless Chromium: sign in, filter, open, reveal, reply, resolve."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core import db
from bot.core.audit import AuditLog
from bot.core.outbox import OutboxMessage
from bot.tickets.models import Ticket
from tests.auxil.browser import ARTIFACTS

pytestmark = pytest.mark.browser


def sign_in(page, site, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site.base_url}/tickets")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{site.base_url}/tickets")


def test_agent_works_a_deduction_complaint_end_to_end(page, console_site) -> None:  # type: ignore[no-untyped-def]
    site = console_site
    number = site.tickets["mzg_deduction"]

    page.goto(f"{site.base_url}/tickets")
    assert "/login" in page.url
    page.screenshot(path=str(ARTIFACTS / "console-login.png"))
    sign_in(page, site, "agent-muzaffargarh")

    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 3  # the three Muzaffargarh tickets, none of Quetta's
    assert page.locator(f"text={site.tickets['qta_payment']}").count() == 0
    overdue_row = page.locator("tr.overdue", has_text=site.tickets["mzg_overdue"])
    assert "overdue by" in overdue_row.locator("td.left").inner_text()
    page.screenshot(path=str(ARTIFACTS / "console-queue.png"), full_page=True)

    page.select_option("select[name=category]", "deduction")
    page.click("button:has-text('Apply')")
    page.wait_for_url("**category=deduction**")
    assert rows.count() == 1
    page.click(f"a:has-text('{number}')")
    page.wait_for_url(f"**/tickets/{number}")

    assert page.locator("#cnic").inner_text() == "32303-*****01-2"
    chat = page.locator("ol.chat").inner_text()
    assert "32303-*****01-2" in chat and "+92300*****12" in chat
    assert "9900001" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "console-ticket.png"), full_page=True)

    page.click("button:has-text('Reveal CNIC')")
    assert page.locator("#cnic").inner_text() == "32303-9900001-2"
    page.screenshot(path=str(ARTIFACTS / "console-ticket-revealed.png"))

    page.fill("#reply-text", "We have asked the retailer to return your Rs 2,000.")
    page.select_option("select[name=language]", "en")
    page.click("button:has-text('Send reply')")
    assert "Reply queued" in page.locator(".flash").inner_text()
    assert page.locator("#cnic").inner_text() == "32303-*****01-2"  # shown once only

    page.fill("#resolve-note", "Retailer refunded Rs 2,000 in front of the tehsil officer.")
    page.click("button:has-text('Resolve ticket')")
    assert "Ticket resolved" in page.locator(".flash").inner_text()
    assert page.locator("h1 .state").inner_text() == "Awaiting citizen"
    assert "Retailer refunded" in page.locator("ol.timeline").inner_text()
    page.screenshot(path=str(ARTIFACTS / "console-ticket-resolved.png"), full_page=True)

    with db.session_scope(site.db_url) as session:
        reveals = (
            session.execute(
                select(AuditLog).where(
                    AuditLog.action == "reveal_cnic", AuditLog.ticket_number == number
                )
            )
            .scalars()
            .all()
        )
        assert [(a.username, a.subject) for a in reveals] == [
            ("agent-muzaffargarh", "32303-*****01-2")
        ]
        ticket = session.execute(select(Ticket).where(Ticket.number == number)).scalar_one()
        sent = (
            session.execute(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id))
            .scalars()
            .all()
        )
        replies = [m for m in sent if m.language == "en" and "Rs 2,000" in m.params]
        assert replies and replies[0].channel == "twilio"


def test_dashboard_and_phone_layout(page, phone_page, console_site) -> None:  # type: ignore[no-untyped-def]
    site = console_site
    sign_in(page, site, "sup-muzaffargarh")
    page.goto(f"{site.base_url}/dashboard")
    assert page.locator("figure.chart svg rect.bar").count() >= 2
    assert "open tickets" in page.locator(".kpis").inner_text()
    page.screenshot(path=str(ARTIFACTS / "console-dashboard.png"), full_page=True)

    sign_in(phone_page, site, "sup-muzaffargarh")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the queue scrolls sideways on a phone"
    phone_page.screenshot(path=str(ARTIFACTS / "console-queue-phone.png"), full_page=True)
    phone_page.click(f"a:has-text('{site.tickets['mzg_biometric']}')")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(ARTIFACTS / "console-ticket-phone.png"), full_page=True)
