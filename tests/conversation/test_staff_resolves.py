"""Escalation to a person: a conversation escalates to a person; the Muzaffargarh supervisor replies
and resolves it in the console; the citizen gets both on her channel; Quetta cannot see it."""

from __future__ import annotations

import re
import threading
import time
import uuid
from typing import List, Tuple

import pytest
import uvicorn

from bot.console.app import create_app
from bot.core import db
from bot.core.settings import Settings
from bot.language.i18n import load_responses
from bot.outreach.delivery import deliver_pending
from bot.registry.personas import PERSONAS
from tests.auxil.assistant import free_port
from tests.auxil.browser import ConsoleSite, csrf_of

pytestmark = pytest.mark.model

CITIZEN = next(p for p in PERSONAS if p.key == "ready")


class Capture:
    """Stands in for the citizen's phone: what the outbox delivered, to whom."""

    def __init__(self) -> None:
        self.sent: List[Tuple[str, str]] = []

    def send(self, recipient: str, text: str) -> None:
        self.sent.append((recipient, text))


@pytest.fixture()
def console_on_live_db(live_assistant):
    settings = Settings(
        DATABASE_URL=live_assistant.database_url,
        TRACKER_DB_URL=live_assistant.tracker_url,
        DEMO_MODE=True,
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", ws="none"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "console did not start"
        time.sleep(0.05)
    yield ConsoleSite(
        f"http://127.0.0.1:{port}", live_assistant.database_url, live_assistant.tracker_url, {}
    )
    server.should_exit = True
    thread.join(timeout=10)


def test_supervisor_resolves_an_escalated_conversation_and_the_citizen_hears_it(
    live_assistant, console_on_live_db
):
    citizen = f"staff-journey-{uuid.uuid4().hex[:8]}"
    live_assistant.say(citizen, "meri qist ka pata karna hai")
    live_assistant.say(citizen, CITIZEN.cnic)
    live_assistant.say(citizen, CITIZEN.cnic_issue_date.strftime("%d-%m-%Y"))
    handoff = "\n".join(live_assistant.say(citizen, "mujhe kisi insaan se baat karni hai"))
    number = re.search(r"PCMS-\d{8}", handoff).group()

    supervisor = console_on_live_db.client("sup-muzaffargarh")
    assert number in supervisor.get("/tickets").text
    page = supervisor.get(f"/tickets/{number}")
    assert page.status_code == 200
    assert "insaan se baat" in page.text, "the conversation transcript is on the ticket page"
    assert CITIZEN.cnic not in page.text, "the CNIC stays masked until revealed"
    token = csrf_of(supervisor, f"/tickets/{number}")
    reply = supervisor.post(
        f"/tickets/{number}/reply",
        data={
            "csrf_token": token,
            "text": "Aap ki qist Alipur campsite par tayyar hai",
            "language": "roman_ur",
        },
    )
    assert reply.status_code in (200, 303)
    resolved = supervisor.post(
        f"/tickets/{number}/resolve", data={"csrf_token": token, "note": "guided to campsite"}
    )
    assert resolved.status_code in (200, 303)

    quetta = console_on_live_db.client("agent-quetta")
    assert quetta.get(f"/tickets/{number}").status_code == 404
    assert quetta.get(f"/api/tickets/{number}").status_code == 404
    assert number not in quetta.get("/tickets").text

    phone = Capture()
    deliver_pending(
        db.session_factory(live_assistant.database_url), {"rest": phone}, responses=load_responses()
    )
    to_citizen = [text for recipient, text in phone.sent if recipient == f"rest:{citizen}"]
    assert any("Alipur campsite" in text for text in to_citizen), to_citizen
    assert any(number in text for text in to_citizen), (
        "the resolution asks her to confirm, naming the ticket"
    )
