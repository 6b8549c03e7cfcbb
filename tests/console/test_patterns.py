"""Pattern cases, spikes and reports as staff see them: scope, the API contract, the CLI."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.assistant.complaints import ComplaintDraft, file_complaint
from bot.console.cli import main as admin
from bot.core import db
from bot.core.audit import AuditLog
from bot.registry.models import Person
from bot.registry.personas import PERSONAS
from bot.tickets.models import Ticket
from tests.auxil.browser import ARTIFACTS, csrf_of

BY_KEY = {p.key: p for p in PERSONAS}
SPELLINGS = (
    ("taleemi_wazaif", "madina karyana alipur", 500),
    ("attendance", "مدینہ کریانہ سٹور", 1000),
    ("cnic_expired", "Madina Kiryana Store, Alipur", 500),
)
CONTRACT = {
    "id", "kind", "subject", "district", "tehsil", "tickets", "households",
    "amount_claimed", "first_at", "last_at", "state",
}  # fmt: skip


@pytest.fixture(scope="module")
def pattern(console_site):  # type: ignore[no-untyped-def]
    """Three households name Madina Kiryana Store in three spellings; detection runs."""
    now = datetime.now(timezone.utc)
    with db.session_scope(console_site.db_url) as session:
        for i, (persona, place, amount) in enumerate(SPELLINGS):
            draft = ComplaintDraft(
                category="deduction",
                description="retailer ne paise kaat liye",
                cnic=BY_KEY[persona].cnic,
                amount=amount,
                place=place,
                verified=True,
                channel="twilio",
                sender_id=f"whatsapp:pattern-{persona}",
            )
            file_complaint(session, draft, now=now - timedelta(days=3 - i))
    assert admin(["--database-url", console_site.db_url, "patterns"]) == 0
    with db.session_scope(console_site.db_url) as session:
        numbers = session.execute(
            select(Ticket.number)
            .where(Ticket.sender_id.like("whatsapp:pattern-%"))
            .order_by(Ticket.created_at)
        ).scalars()
        return list(numbers)


def test_the_api_gives_the_case_to_the_integrity_desk_and_the_supervisor(console_site, pattern):  # type: ignore[no-untyped-def]
    desk = console_site.client("integrity-muzaffargarh").get("/api/patterns").json()["patterns"]
    [case] = [p for p in desk if p["kind"] == "payment_point"]
    assert set(case) == CONTRACT
    assert case["subject"] == "Madina Kiryana Store, Alipur (HBL)"
    assert (case["district"], case["tehsil"]) == ("Muzaffargarh", "Alipur")
    assert case["tickets"] == pattern
    assert (case["households"], case["amount_claimed"], case["state"]) == (3, 2000, "open")
    assert case["first_at"] < case["last_at"]
    supervisor = console_site.client("sup-muzaffargarh").get("/api/patterns").json()
    assert case["id"] in [p["id"] for p in supervisor["patterns"]]
    assert case["id"] in [
        p["id"] for p in console_site.client("admin").get("/api/patterns").json()["patterns"]
    ]
    for outsider in ("agent-quetta", "protection-desk", "broadcaster"):
        assert console_site.client(outsider).get("/api/patterns").json() == {"patterns": []}
    assert console_site.client("agent-quetta").get("/patterns").status_code == 403


def test_the_ticket_page_shows_the_cause_and_staff_correct_it(console_site, pattern):  # type: ignore[no-untyped-def]
    number = pattern[0]
    c = console_site.client("integrity-muzaffargarh")
    page = c.get(f"/tickets/{number}").text
    assert "Deduction by an agent or retailer" in page and "the partner bank" in page
    assert "Madina Kiryana Store, Alipur (HBL)" in page
    r = c.post(
        f"/tickets/{number}/cause",
        data={"cause": "staff_misconduct", "csrf_token": csrf_of(c, f"/tickets/{number}")},
    )
    assert r.status_code == 303
    page = c.get(f"/tickets/{number}").text
    assert "Misconduct by staff" in page and "set by integrity-muzaffargarh" in page
    with db.session_scope(console_site.db_url) as session:
        ticket = session.execute(select(Ticket).where(Ticket.number == number)).scalar_one()
        assert (ticket.cause, ticket.cause_set_by) == (
            "staff_misconduct",
            "staff:integrity-muzaffargarh",
        )
        [entry] = session.execute(
            select(AuditLog).where(AuditLog.action == "set_cause", AuditLog.ticket_number == number)
        ).scalars()
        assert entry.username == "integrity-muzaffargarh"
        assert entry.detail == "deduction -> staff_misconduct"
    bad = c.post(
        f"/tickets/{number}/cause",
        data={"cause": "aliens", "csrf_token": csrf_of(c, f"/tickets/{number}")},
        follow_redirects=True,
    )
    assert "Unknown cause" in bad.text


def _people(db_url: str):  # type: ignore[no-untyped-def]
    with db.session_scope(db_url) as session:
        rows = session.execute(select(Person.cnic, Person.name, Person.phone)).all()
        tickets = session.execute(select(Ticket.cnic, Ticket.phone)).all()
    cnics = {r[0] for r in rows if r[0]} | {t[0] for t in tickets if t[0]}
    names = {r[1] for r in rows if r[1]}
    phones = {r[2] for r in rows if r[2]} | {t[1] for t in tickets if t[1]}
    return cnics, names, phones


def test_reports_name_no_citizen_and_hide_small_counts(console_site, pattern, tmp_path):  # type: ignore[no-untyped-def]
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    code = admin(
        ["--database-url", console_site.db_url, "report", "--district", "Muzaffargarh",
         "--month", month, "--out", str(tmp_path)]
    )  # fmt: skip
    assert code == 0
    [html_file] = tmp_path.glob("*.html")
    [csv_file] = tmp_path.glob("*.csv")
    rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8"))))
    cells = [cell for row in rows for cell in row] + re.findall(r">([^<]+)<", html_file.read_text())
    cnics, names, phones = _people(console_site.db_url)
    for cell in cells:
        digits = re.sub(r"\D", "", cell)
        assert not any(c in digits for c in cnics), cell
        assert not any(p.lstrip("+") in digits or p[-10:] in digits for p in phones), cell
        assert not any(name.lower() in cell.lower() for name in names), cell
    by = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert int(by[("summary", "complaints", "")]) >= 5  # demo tickets and the three
    assert by[("complaints by cause", "Deduction by an agent or retailer", "all tehsils")] == "< 5"
    assert "Madina Kiryana Store, Alipur (HBL)" in [r[3].split(": ", 1)[-1] for r in rows]
    assert by[("pattern case households", "PAT-000001", "Alipur")] == "< 5"
    assert "appeal rate" in [r[1] for r in rows]
    page = console_site.client("sup-muzaffargarh").get(f"/reports/view?month={month}")
    assert page.status_code == 200 and "Complaints by cause and tehsil" in page.text
    sheet = console_site.client("sup-muzaffargarh").get(f"/reports.csv?month={month}")
    assert sheet.text.replace("\r\n", "\n") == csv_file.read_text(encoding="utf-8").replace(
        "\r\n", "\n"
    )
    assert (
        console_site.client("sup-muzaffargarh")
        .get(f"/reports.csv?month={month}&district=Quetta")
        .status_code
        == 403
    )


@pytest.mark.browser
def test_the_integrity_desk_works_the_case_in_the_browser(page, console_site, pattern) -> None:  # type: ignore[no-untyped-def]
    site = console_site
    page.goto(f"{site.base_url}/tickets")
    page.fill("#username", "integrity-muzaffargarh")
    page.fill("#password", "demo")
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{site.base_url}/tickets")
    page.click("nav >> text=Patterns")
    page.wait_for_url(f"{site.base_url}/patterns")
    case = page.locator("article.pattern.payment_point")
    assert case.count() == 1
    assert "Madina Kiryana Store, Alipur (HBL)" in case.locator(".subject").inner_text()
    assert case.locator(".households").inner_text() == "3"
    assert case.locator(".tickets a").all_inner_texts() == pattern
    chart = page.locator("#causes-by-week")
    assert "Deduction by an agent or retailer" in chart.inner_text()
    assert chart.locator("svg rect").count() >= 8
    page.screenshot(path=str(ARTIFACTS / "console-patterns.png"), full_page=True)

    case.locator("a", has_text=pattern[1]).click()
    page.wait_for_url(f"**/tickets/{pattern[1]}")
    assert "Madina Kiryana Store" in page.locator("#payment-point").inner_text()
    page.select_option("#cause-select", "biometric_failure")
    page.click("button:has-text('Correct cause')")
    assert "Cause corrected" in page.locator(".flash").inner_text()
    assert (
        page.locator("#cause").inner_text().startswith("Biometric failure at the point of payment")
    )

    page.goto(f"{site.base_url}/patterns")
    page.fill(
        "input[name=outcome]", "Retailer suspended by HBL; Rs 2,000 refunded to three households"
    )
    page.click("button:has-text('Resolve case')")
    assert "resolved" in page.locator(".flash").inner_text()
    assert "Retailer suspended" in page.locator("article.pattern.payment_point").inner_text()
    assert page.locator("article.pattern.payment_point form").count() == 0
    api = site.client("integrity-muzaffargarh").get("/api/patterns").json()["patterns"]
    assert [p["state"] for p in api if p["kind"] == "payment_point"] == ["resolved"]


def test_every_rate_on_the_dashboard_says_what_it_divides_by(console_site) -> None:  # type: ignore[no-untyped-def]
    c = console_site.client("sup-muzaffargarh")
    html = c.get("/dashboard").text
    kpi = re.search(r'id="reopen-rate">([^<]+)<', html).group(1)
    assert re.fullmatch(r"reopen rate \(\d+ of \d+ tickets resolved at least once\)", kpi), kpi
    assert "tickets resolved and not reopened)" in html and "appeal rate (" in html
    stats = c.get("/api/stats").json()
    assert stats["reopen_rate_of"] == stats["appeal_rate_of"] == "tickets resolved at least once"
    assert stats["reopened"] <= stats["resolved_at_least_once"]
