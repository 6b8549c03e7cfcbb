"""Rasa answers for a failed action call itself (no proxy): the apology, the message forgotten,
a form keeping its place; a form's rejection and an unknown action are passed on."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from typing import Iterator

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot.core.settings import ROOT
from bot.rasa_plugins import action_call
from tests.production.test_action_fallback import (
    APOLOGY,
    _asked,
    _identity_checked_then_complaint_started,
    _run,
    _said,
    _start,
    _user,
)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/webhook"  # nothing listens there


class Answering(http.server.BaseHTTPRequestHandler):
    status = 500
    delay = 0.0

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.delay)
        body = json.dumps({"action_name": "validate_verify_form", "error": "no"}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def serving(status: int, delay: float = 0.0) -> Iterator[str]:
    handler = type("Handler", (Answering,), {"status": status, "delay": delay})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def failing_url() -> Iterator[str]:
    yield from serving(500)


@pytest.fixture()
def rejecting_url() -> Iterator[str]:
    yield from serving(400)


@pytest.fixture()
def hanging_url(monkeypatch) -> Iterator[str]:
    monkeypatch.setattr(action_call, "UPSTREAM_TIMEOUT", 0.5)
    yield from serving(200, delay=3)


def endpoint(url: str) -> EndpointConfig:
    return EndpointConfig(url=url, stand_in=True)


def verify_form_waiting_for_the_date():
    return [
        *_start(),
        *_user("what is my payment status", "payment_status"),
        SlotSet("requested_slot", "cnic"),
        *_asked("cnic", "verify_form"),
        *_user("3520212345671", "inform"),
        SlotSet("cnic", "3520212345671"),
        *_asked("verification_answer", "verify_form"),
    ]


@pytest.mark.parametrize("server", ["down", "answers 500", "hangs"])
def test_a_failed_validation_is_apologised_for_and_the_form_keeps_its_question(
    domain: Domain, request, server: str
) -> None:
    url = {
        "down": dead_url,
        "answers 500": lambda: request.getfixturevalue("failing_url"),
        "hangs": lambda: request.getfixturevalue("hanging_url"),
    }[server]()
    from rasa.shared.core.events import ActiveLoop

    before = verify_form_waiting_for_the_date()
    before.insert(4, ActiveLoop("verify_form"))
    failing = [*_user("12-03-2019", "inform"), SlotSet("verification_answer", "12-03-2019")]
    tracker, sent = _run(FormAction("verify_form", endpoint(url)), before + failing, domain)

    assert len(sent) == 1 and APOLOGY in sent[0], sent
    assert tracker.active_loop_name == "verify_form"
    assert tracker.get_slot("requested_slot") == "verification_answer"
    assert tracker.get_slot("verification_answer") is None
    assert _said(tracker) == ["what is my payment status", "3520212345671"]


def test_a_failed_submit_keeps_the_form_and_the_identity(domain: Domain) -> None:
    before = _identity_checked_then_complaint_started()
    from rasa.shared.core.events import ActionExecuted, ActiveLoop

    completed = [
        *_user("at Madina Kiryana Store in Alipur yesterday", "inform"),
        SlotSet("complaint_place", "Madina Kiryana Store"),
        ActionExecuted("complaint_form"),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
    ]
    submit = RemoteAction("action_submit_complaint", endpoint(dead_url()))
    tracker, sent = _run(submit, before + completed, domain)

    assert len(sent) == 1 and APOLOGY in sent[0], sent
    assert tracker.active_loop_name == "complaint_form"
    assert tracker.get_slot("requested_slot") == "complaint_place"
    assert tracker.get_slot("verified") is True


def test_a_rejected_validation_is_passed_on(domain: Domain, rejecting_url: str) -> None:
    action = RemoteAction("validate_verify_form", endpoint(rejecting_url))
    with pytest.raises(ActionExecutionRejection):
        _run(action, verify_form_waiting_for_the_date(), domain)


def test_without_stand_in_the_failure_reaches_rasa(domain: Domain) -> None:
    action = RemoteAction("action_submit_complaint", EndpointConfig(url=dead_url()))
    with pytest.raises(RasaException):
        _run(action, _identity_checked_then_complaint_started(), domain)
