"""Who may open what: every role against every route, for a ticket in and out of scope."""

from __future__ import annotations

from typing import Dict, Optional

import httpx
import pytest
from sqlalchemy import select

from bot.core import db
from bot.core.audit import AuditLog
from bot.tickets.models import Ticket
from tests.auxil.browser import ConsoleSite, csrf_of

ROLES = ("anonymous", "agent-muzaffargarh", "agent-quetta", "sup-muzaffargarh", "admin")
# Which demo ticket (by district) each user may see.
SEES = {
    "agent-muzaffargarh": {"mzg"},
    "agent-quetta": {"qta"},
    "sup-muzaffargarh": {"mzg"},
    "admin": {"mzg", "qta"},
}
TICKET_GETS = (
    "/tickets/{n}",
    "/api/tickets/{n}",
    "/api/tickets/{n}/transcript",
    "/api/tickets/{n}/registry",
)
TICKET_POSTS: Dict[str, Dict[str, str]] = {
    "/tickets/{n}/reveal": {"what": "cnic"},
    "/tickets/{n}/assign": {},
    "/tickets/{n}/reply": {"text": "Aap ki shikayat par kaam ho raha hai.", "language": "roman_ur"},
    "/tickets/{n}/status": {"to_state": "in_progress", "note": "checking"},
    "/tickets/{n}/note": {"note": "called the retailer"},
    "/tickets/{n}/escalate": {"reason": "needs the bank"},
    "/tickets/{n}/resolve": {"note": "paid"},
}
LISTS = ("/tickets", "/tickets.csv", "/dashboard", "/api/tickets", "/api/stats", "/api/me")

_clients: Dict[str, httpx.Client] = {}


def client_for(site: ConsoleSite, role: str) -> httpx.Client:
    key = f"{site.base_url}|{role}"
    if key not in _clients:
        _clients[key] = site.client("" if role == "anonymous" else role)
    return _clients[key]


def token_for(site: ConsoleSite, role: str) -> str:
    return csrf_of(client_for(site, role), "/login" if role == "anonymous" else "/tickets")


def number(site: ConsoleSite, district: str) -> str:
    return site.tickets["mzg_biometric" if district == "mzg" else "qta_payment"]


def expected(role: str, district: str, path: str, method: str) -> int:
    if role == "anonymous":
        if path.startswith("/api/"):
            return 401
        return 303  # to the sign-in page
    if district not in SEES[role]:
        return 404
    return 200 if method == "GET" or path.endswith("/reveal") else 303


@pytest.mark.parametrize("district", ["mzg", "qta"])
@pytest.mark.parametrize("path", TICKET_GETS)
@pytest.mark.parametrize("role", ROLES)
def test_ticket_pages_and_api_are_scoped(console_site, role: str, path: str, district: str) -> None:  # type: ignore[no-untyped-def]
    n = number(console_site, district)
    r = client_for(console_site, role).get(path.format(n=n))
    assert r.status_code == expected(role, district, path, "GET")
    if r.status_code == 303:
        assert r.headers["location"].startswith("/login?next=")
    if r.status_code == 404:
        assert n not in r.text  # the answer is the same as for a number that doesn't exist


@pytest.mark.parametrize("district", ["mzg", "qta"])
@pytest.mark.parametrize("path", list(TICKET_POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_ticket_actions_are_scoped(console_site, role: str, path: str, district: str) -> None:  # type: ignore[no-untyped-def]
    n = number(console_site, district)
    data = dict(TICKET_POSTS[path], csrf_token=token_for(console_site, role))
    r = client_for(console_site, role).post(path.format(n=n), data=data)
    assert r.status_code == expected(role, district, path, "POST")
    if role == "anonymous":
        assert r.headers["location"] == "/login"
    elif r.status_code == 303:
        assert r.headers["location"] in (f"/tickets/{n}", "/tickets")


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_tickets_in_scope(console_site, role: str, path: str) -> None:  # type: ignore[no-untyped-def]
    r = client_for(console_site, role).get(path + ("?status=all" if "tickets" in path else ""))
    if role == "anonymous":
        assert r.status_code == (401 if path.startswith("/api/") else 303)
        return
    assert r.status_code == 200
    if path in ("/api/stats", "/api/me", "/dashboard"):
        return
    for key, ticket_number in console_site.tickets.items():
        # A protection case is hidden from district staff (its own test covers who sees it).
        visible = key[:3] in SEES[role] and (key != "mzg_protection" or role == "admin")
        assert (ticket_number in r.text) == visible, f"{role} {path} {key}"


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_is_for_admins(console_site, role: str) -> None:  # type: ignore[no-untyped-def]
    r = client_for(console_site, role).get("/audit")
    assert r.status_code == {"anonymous": 303, "admin": 200}.get(role, 403)


def test_a_ticket_outside_scope_looks_like_no_ticket(console_site) -> None:  # type: ignore[no-untyped-def]
    c = client_for(console_site, "agent-quetta")
    hidden = c.get(f"/api/tickets/{console_site.tickets['mzg_deduction']}")
    missing = c.get("/api/tickets/PCMS-10000009")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_only_supervisors_assign_to_someone_else(console_site) -> None:  # type: ignore[no-untyped-def]
    n = console_site.tickets["mzg_overdue"]
    agent = client_for(console_site, "agent-muzaffargarh")
    r = agent.post(
        f"/tickets/{n}/assign",
        data={
            "username": "sup-muzaffargarh",
            "csrf_token": token_for(console_site, "agent-muzaffargarh"),
        },
    )
    assert r.status_code == 403
    sup = client_for(console_site, "sup-muzaffargarh")
    token = token_for(console_site, "sup-muzaffargarh")
    r = sup.post(f"/tickets/{n}/assign", data={"username": "agent-quetta", "csrf_token": token})
    assert r.status_code == 303
    assert "cannot work on this ticket" in sup.get(f"/tickets/{n}").text
    r = sup.post(
        f"/tickets/{n}/assign", data={"username": "agent-muzaffargarh", "csrf_token": token}
    )
    assert sup.get(f"/api/tickets/{n}").json()["assigned_to"] == "agent-muzaffargarh"


def _assigned(site: ConsoleSite, ticket_number: str) -> Optional[str]:
    with db.session_scope(site.db_url) as session:
        return session.execute(
            select(Ticket.assigned_to).where(Ticket.number == ticket_number)
        ).scalar_one()


def test_posts_without_the_csrf_token_are_refused(console_site) -> None:  # type: ignore[no-untyped-def]
    n = console_site.tickets["mzg_deduction"]
    c = console_site.client("sup-muzaffargarh")
    before = _assigned(console_site, n)
    assert c.post(f"/tickets/{n}/assign", data={"username": "admin"}).status_code == 403
    bad = {"username": "admin", "csrf_token": "forged"}
    assert c.post(f"/tickets/{n}/assign", data=bad).status_code == 403
    foreign = {"username": "admin", "csrf_token": csrf_of(c)}
    r = c.post(f"/tickets/{n}/assign", data=foreign, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert _assigned(console_site, n) == before
    r = c.post(f"/tickets/{n}/reveal", data={"what": "cnic"})
    assert r.status_code == 403 and "9900001" not in r.text


def test_wrong_password_is_refused_and_recorded(console_site) -> None:  # type: ignore[no-untyped-def]
    c = console_site.client()
    r = c.post("/login", data={"username": "agent-quetta", "password": "guess"})
    assert r.status_code == 401
    assert "Wrong username or password" in r.text
    assert c.get("/api/me").status_code == 401
    r = c.post("/login", data={"username": "nobody", "password": "demo"})
    assert r.status_code == 401
    with db.session_scope(console_site.db_url) as session:
        failed = (
            session.execute(select(AuditLog.username).where(AuditLog.action == "login_failed"))
            .scalars()
            .all()
        )
    assert "agent-quetta" in failed and "nobody" in failed


def test_sign_in_with_only_username_and_password_then_sign_out(console_site) -> None:  # type: ignore[no-untyped-def]
    c = console_site.client()
    r = c.post("/login", data={"username": "agent-quetta", "password": "demo"})
    assert r.status_code == 303 and r.headers["location"] == "/tickets"
    assert c.get("/api/me").json()["districts"] == ["Quetta"]
    r = c.post("/logout", data={"csrf_token": csrf_of(c)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/tickets").status_code == 303
    assert c.get("/api/tickets").status_code == 401


def test_sign_in_refuses_a_redirect_to_another_site(console_site) -> None:  # type: ignore[no-untyped-def]
    c = console_site.client()
    r = c.post("/login", data={"username": "admin", "password": "demo", "next": "//evil.example/x"})
    assert r.headers["location"] == "/tickets"


def test_pages_carry_security_headers_and_escape_citizen_text(console_site) -> None:  # type: ignore[no-untyped-def]
    from bot.tickets.service import NewTicket, open_ticket

    with db.session_scope(console_site.db_url) as session:
        evil = open_ticket(
            session,
            NewTicket(
                category="misconduct",
                description='<script>alert("x")</script> agent ne gaali di',
                district="Muzaffargarh",
                tehsil="Jatoi",
            ),
        ).ticket.number
    c = client_for(console_site, "sup-muzaffargarh")
    r = c.get(f"/tickets/{evil}")
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "&lt;script&gt;alert" in r.text
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "role, sees",
    [
        ("agent-muzaffargarh", False),
        ("sup-muzaffargarh", False),
        ("agent-quetta", False),
        ("protection-desk", True),
        ("admin", True),
    ],
)
def test_a_protection_case_is_seen_only_by_the_protection_desk_and_admins(
    console_site, role: str, sees: bool
) -> None:  # type: ignore[no-untyped-def]
    protected = console_site.tickets["mzg_protection"]
    client = client_for(console_site, role)
    assert client.get(f"/tickets/{protected}").status_code == (200 if sees else 404)
    assert client.get(f"/api/tickets/{protected}").status_code == (200 if sees else 404)
    listed = client.get("/api/tickets").text + client.get("/tickets").text
    listed += client.get("/tickets.csv").text + client.get("/dashboard").text
    assert (protected in listed) is sees
    if sees:
        with db.session_scope(console_site.db_url) as session:
            views = (
                session.execute(
                    select(AuditLog).where(
                        AuditLog.username == role, AuditLog.ticket_number == protected
                    )
                )
                .scalars()
                .all()
            )
        assert views, "every view of a protection case is in the audit log"


def test_the_protection_desk_sees_no_ordinary_district_ticket(console_site) -> None:  # type: ignore[no-untyped-def]
    client = client_for(console_site, "protection-desk")
    assert client.get(f"/tickets/{number(console_site, 'mzg')}").status_code == 404
    assert client.get(f"/tickets/{number(console_site, 'qta')}").status_code == 404


def test_a_broadcaster_writes_counts_and_sends_an_announcement_and_sees_no_ticket(
    console_site,
) -> None:  # type: ignore[no-untyped-def]
    from bot.outreach import consent
    from bot.outreach.models import Announcement
    from bot.registry.personas import PERSONAS

    paid = next(p for p in PERSONAS if p.key == "paid")
    with db.session_scope(console_site.db_url) as session:
        consent.first_contact(session, "twilio", f"whatsapp:{paid.phone}", "roman_ur")
    client = client_for(console_site, "broadcaster")
    assert client.get(f"/tickets/{number(console_site, 'mzg')}").status_code == 404
    assert "PCMS-" not in client.get("/tickets").text
    token = token_for(console_site, "broadcaster")
    texts = {
        "text_en": "Campsite at Alipur opens on Monday.",
        "text_ur": "علی پور کیمپ پیر کو کھلے گا۔",
        "text_roman_ur": "Alipur campsite peer ko khulegi.",
    }
    r = client.post(
        "/announcements", data={"csrf_token": token, **texts, "district": paid.district}
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "<strong>1</strong> citizens will get it" in page
    sent = client.post(r.headers["location"] + "/send", data={"csrf_token": token})
    assert sent.status_code == 303
    item_id = int(r.headers["location"].rsplit("/", 1)[1])
    figures = client.get(f"/api/announcements/{item_id}").json()
    assert figures["recipients"] == 1 and figures["queued"] == 1
    with db.session_scope(console_site.db_url) as session:
        assert session.get(Announcement, item_id).sent_at is not None
        actions = (
            session.execute(select(AuditLog.action).where(AuditLog.username == "broadcaster"))
            .scalars()
            .all()
        )
    assert "announcement_sent" in actions
    # Agents cannot send announcements.
    assert client_for(console_site, "agent-quetta").get("/announcements").status_code == 403
