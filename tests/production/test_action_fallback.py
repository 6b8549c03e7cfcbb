"""The action fallback nginx uses when an action fails, run through Rasa's own FormAction."""

from __future__ import annotations

import asyncio
import http.server
import json
import threading
import urllib.error
import urllib.request
from typing import Iterator, List, Tuple

import pytest
from rasa.core.actions.action import Action, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.core.settings import ROOT
from bot.rasa_plugins.action_fallback import make_server, reply_for
from bot.rasa_plugins.nlg import LanguageAwareNLG
from tests.production.citizens import after_rewinds

APOLOGY = "Sorry, something went wrong on our side"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def fallback_url() -> Iterator[str]:
    server = make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    finally:
        server.shutdown()
        server.server_close()


def _user(text: str, intent: str) -> List[Event]:
    # As Rasa logs a message: listen, the message, then (later) the extracted slots.
    return [ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 1})]


def _asked(slot: str, form: str) -> List[Event]:
    return [
        ActionExecuted(form),
        SlotSet("requested_slot", slot),
        BotUttered(f"ask {slot}", metadata={"utter_action": f"utter_ask_{slot}"}),
    ]


def _said(tracker: DialogueStateTracker) -> List[str]:
    """The citizen's messages the conversation keeps (rewound ones taken out)."""
    events = after_rewinds([e.as_dict() for e in tracker.events])
    return [e["text"] for e in events if e["event"] == "user"]


def _run(
    action: Action, events: List[Event], domain: Domain
) -> Tuple[DialogueStateTracker, List[str]]:
    """Run `action` and log its events as Rasa's processor does (a rejected form is not
    logged as executed). Returns the tracker afterwards and what the citizen was sent."""
    tracker = DialogueStateTracker.from_events("citizen", events, slots=domain.slots)
    nlg = LanguageAwareNLG(domain=domain)
    produced = asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, domain))
    if not any(isinstance(e, ActionExecutionRejected) for e in produced):
        tracker.update(ActionExecuted(action.name()))
    tracker.update_with_events(produced, domain)
    sent = [e.text or "" for e in produced if isinstance(e, BotUttered)]
    return tracker, sent


def _run_form(
    form: str, events: List[Event], domain: Domain, url: str
) -> Tuple[DialogueStateTracker, List[str]]:
    """Run Rasa's FormAction with every action call answered by the fallback."""
    return _run(FormAction(form, EndpointConfig(url=url)), events, domain)


def _start(language: str = "en") -> List[Event]:
    return [ActionExecuted("action_session_start"), SlotSet("language", language)]


def test_ordinary_action_apologises_and_forgets_the_message() -> None:
    request = {"next_action": "action_submit_complaint", "tracker": {"events": []}}
    assert reply_for(request) == {
        "events": [{"event": "rewind"}, {"event": "followup", "name": "action_listen"}],
        "responses": [{"response": "utter_action_failed"}],
    }
    assert reply_for({}) == reply_for(request)  # unreadable request: the same safe reply


def test_failed_validation_in_a_form_keeps_its_question(domain: Domain, fallback_url: str) -> None:
    """Identity check: CNIC accepted, date of issue asked; the date's validation fails."""
    before = [
        *_start(),
        *_user("what is my payment status", "payment_status"),
        ActiveLoop("verify_form"),
        *_asked("cnic", "verify_form"),
        *_user("3520212345671", "inform"),
        SlotSet("cnic", "3520212345671"),
        *_asked("verification_answer", "verify_form"),
    ]
    failing = [*_user("12-03-2019", "inform"), SlotSet("verification_answer", "12-03-2019")]
    tracker, sent = _run_form("verify_form", before + failing, domain, fallback_url)

    assert len(sent) == 1 and APOLOGY in sent[0], sent  # no next question after the apology
    assert tracker.active_loop_name == "verify_form"
    assert tracker.get_slot("requested_slot") == "verification_answer"
    assert tracker.get_slot("verification_answer") is None
    assert tracker.get_slot("cnic") == "3520212345671"
    assert _said(tracker) == ["what is my payment status", "3520212345671"]  # date forgotten
    assert tracker.followup_action == "action_listen"


def test_failed_validation_keeps_a_dynamic_forms_place(domain: Domain, fallback_url: str) -> None:
    """Deduction complaint: the form asks the place (district is not needed); the domain's
    order would ask the district next, which is how conversations used to lose their place."""
    before = [
        *_start("ur"),
        *_user("agent ne 500 rupay kaat liye", "complaint_deduction"),
        SlotSet("cnic", "3520212345671"),
        SlotSet("complaint_category", "deduction"),
        SlotSet("amount", 500),
        SlotSet("complaint_details", "-"),
        ActiveLoop("complaint_form"),
        *_asked("complaint_place", "complaint_form"),
    ]
    failing = [*_user("Madina Kiryana Store", "inform"), SlotSet("complaint_place", "Madina")]
    tracker, sent = _run_form("complaint_form", before + failing, domain, fallback_url)

    assert len(sent) == 1 and "معذرت" in sent[0], sent
    assert tracker.active_loop_name == "complaint_form"
    assert tracker.get_slot("requested_slot") == "complaint_place"
    assert tracker.get_slot("complaint_place") is None
    assert tracker.get_slot("district") is None
    assert _said(tracker) == ["agent ne 500 rupay kaat liye"]


def test_failed_validation_while_the_form_starts_leaves_no_form(
    domain: Domain, fallback_url: str
) -> None:
    """The message that would start the identity check fails: nothing is asked, nothing kept."""
    before = [*_start(), *_user("Hello", "greet"), ActionExecuted("utter_greet")]
    failing = [*_user("what is my payment status", "payment_status"), SlotSet("cnic", "x")]
    tracker, sent = _run_form("verify_form", before + failing, domain, fallback_url)

    assert len(sent) == 1 and APOLOGY in sent[0], sent
    assert tracker.active_loop_name is None
    assert tracker.get_slot("requested_slot") is None
    assert tracker.get_slot("cnic") is None
    assert _said(tracker) == ["Hello"]
    assert tracker.followup_action == "action_listen"


def _identity_checked_then_complaint_started() -> List[Event]:
    """Identity confirmed in verify_form, then a deduction complaint that asks the place."""
    return [
        *_start(),
        *_user("what is my payment status", "payment_status"),
        ActionExecuted("action_start_flow"),
        SlotSet("pending_flow", "payment"),
        ActionExecuted("verify_form"),
        ActiveLoop("verify_form"),
        SlotSet("requested_slot", "cnic"),
        *_user("3520212345671", "inform"),
        SlotSet("cnic", "3520212345671"),
        ActionExecuted("verify_form"),
        SlotSet("requested_slot", "verification_answer"),
        *_user("12-03-2019", "inform"),
        SlotSet("verification_answer", "12-03-2019"),
        ActionExecuted("verify_form"),
        SlotSet("verified", True),
        SlotSet("verified_cnic", "3520212345671"),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        ActionExecuted("action_verified_answer"),
        SlotSet("pending_flow", None),
        *_user("the agent deducted 500 rupees from my payment", "complaint_deduction"),
        ActionExecuted("action_start_complaint"),
        SlotSet("complaint_category", "deduction"),
        SlotSet("amount", 500),
        SlotSet("complaint_details", "-"),
        ActionExecuted("complaint_form"),
        ActiveLoop("complaint_form"),
        SlotSet("requested_slot", "complaint_place"),
    ]


def test_failed_submit_after_the_form_keeps_the_form_and_identity(
    domain: Domain, fallback_url: str
) -> None:
    """The place completes the form, then submitting fails (PostgreSQL restarting). A bare
    rewind would undo the whole complaint, as Rasa folds the turns inside a form: the re-sent
    place would then be answered as out of scope."""
    before = _identity_checked_then_complaint_started()
    completed = [
        *_user("at Madina Kiryana Store in Alipur yesterday", "inform"),
        SlotSet("complaint_place", "Madina Kiryana Store"),
        ActionExecuted("complaint_form"),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
    ]
    submit = RemoteAction("action_submit_complaint", EndpointConfig(url=fallback_url))
    tracker, sent = _run(submit, before + completed, domain)

    assert len(sent) == 1 and APOLOGY in sent[0], sent
    assert tracker.active_loop_name == "complaint_form"
    assert tracker.get_slot("requested_slot") == "complaint_place"
    assert tracker.get_slot("complaint_place") is None
    assert tracker.get_slot("complaint_category") == "deduction"
    assert tracker.get_slot("verified") is True  # the identity check is not asked again
    assert tracker.followup_action == "action_listen"


def test_server_answers_gzip_and_health(fallback_url: str) -> None:
    import gzip

    body = gzip.compress(json.dumps({"next_action": "action_ticket_status"}).encode())
    request = urllib.request.Request(
        fallback_url, data=body, headers={"Content-Encoding": "gzip"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as r:
        assert json.load(r)["events"][0] == {"event": "rewind"}
    health = fallback_url.replace("/webhook", "/health")
    with urllib.request.urlopen(health, timeout=5) as r:
        assert r.status == 200


class _ActionServer(http.server.BaseHTTPRequestHandler):
    """An action server answering 400 for a form's rejected validation, 200 otherwise."""

    seen: List[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"secret": self.headers.get("X-Action-Secret"), **body})
        rejected = body.get("next_action", "").startswith("validate_")
        payload = json.dumps({"error": "rejected"} if rejected else {"events": [], "responses": []})
        self.send_response(400 if rejected else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_as_a_proxy_it_passes_answers_on_and_stands_in_when_the_server_is_down() -> None:
    """The embedded default has no nginx: Rasa calls the action server through the fallback."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ActionServer)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = upstream.server_address[1]
    proxy = make_server("127.0.0.1", 0, f"http://127.0.0.1:{port}/webhook")
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{proxy.server_address[1]}/webhook"

    def call(action: str) -> Tuple[int, dict]:
        body = json.dumps({"next_action": action, "tracker": {"events": []}}).encode()
        headers = {"Content-Type": "application/json", "X-Action-Secret": "s3cret"}
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    try:
        assert call("action_ticket_status") == (200, {"events": [], "responses": []})
        assert call("validate_verify_form") == (400, {"error": "rejected"})  # not an apology
        assert _ActionServer.seen[0]["secret"] == "s3cret"  # headers reach the server
        upstream.shutdown()
        upstream.server_close()
        status, reply = call("action_ticket_status")
        assert status == 200 and reply["responses"] == [{"response": "utter_action_failed"}]
    finally:
        proxy.shutdown()
        proxy.server_close()
