"""The production nginx config: what the internet, the console host and others can reach."""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from bot.ops.procs import ProcessTable, wait_http
from bot.prod import nginx
from bot.prod.layout import Layout
from bot.rasa_plugins.action_fallback import make_server
from tests.production.ports import free_base_port


class _Upstream(BaseHTTPRequestHandler):
    """Stands in for a Rasa replica or action server: answers with the path it received."""

    seen: List[str] = []

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        type(self).seen.append(self.path)
        if self.path.startswith("/crash"):  # an action failing (e.g. PostgreSQL restarting)
            self.send_response(500)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        body = json.dumps({"upstream": self.server.server_address[1], "path": self.path}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def lb(tmp_path_factory) -> Iterator[Tuple[Layout, List[ThreadingHTTPServer]]]:
    layout = Layout(
        var_dir=Path(tmp_path_factory.mktemp("nginx")),
        base_port=free_base_port(),
        rasa_replicas=2,
        action_replicas=2,
    )
    servers = []
    for port in layout.rasa_ports + layout.action_ports:
        server = ThreadingHTTPServer(("127.0.0.1", port), _Upstream)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    table = ProcessTable(layout.run_dir, layout.log_dir)
    pid = nginx.start(layout, table, {})
    try:
        wait_http(layout.url(layout.public_port, "/health"), 20, pid, "nginx")
        yield layout, servers
    finally:
        table.stop("nginx")
        for server in servers:
            server.shutdown()


def request(
    port: int, path: str, method: str = "POST", source: str = "127.0.0.1", body: bytes = b"{}"
) -> Tuple[int, bytes]:
    """Send `path` exactly as written (no client-side normalising) from address `source`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers={"content-type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/rest/webhook",
        "/webhooks/REST/webhook",
        "/conversations/citizen-1/tracker",
        "/conversations/citizen-1/messages",
        "/model/parse",
        "/status",
        "/webhook",  # action server
        "/webhooks/twilio/../rest/webhook",
        "/webhooks/twilio/%2e%2e/rest/webhook",
        "/webhooks/twilio/..%2frest/webhook",
        "/webhooks/twilio/webhook/../../rest/webhook",
        "/webhooks/telegram/webhook/extra",
        "//webhooks/rest/webhook",
    ],
)
def test_public_listener_refuses_everything_but_channel_webhooks(lb, path: str) -> None:
    layout, _ = lb
    _Upstream.seen.clear()
    status, _ = request(layout.public_port, path)
    assert status in (400, 403, 404)
    assert _Upstream.seen == [], "nothing reached Rasa"


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/twilio/webhook",
        "/webhooks/twilio/status",
        "/webhooks/twilio_voice/webhook",
        "/webhooks/telegram/webhook",
    ],
)
def test_public_listener_passes_channel_webhooks_to_rasa(lb, path: str) -> None:
    layout, _ = lb
    status, body = request(layout.public_port, path)
    assert status == 200
    answer = json.loads(body)
    assert answer["path"] == path
    assert answer["upstream"] in layout.rasa_ports


def test_public_listener_spreads_messages_over_both_replicas(lb) -> None:
    layout, _ = lb
    seen = {
        json.loads(request(layout.public_port, "/webhooks/telegram/webhook")[1])["upstream"]
        for _ in range(20)
    }
    assert seen == set(layout.rasa_ports)


def test_rest_channel_and_api_reachable_from_loopback_on_internal_port(lb) -> None:
    layout, _ = lb
    for path in ("/webhooks/rest/webhook", "/conversations/c1/tracker"):
        status, body = request(layout.internal_port, path)
        assert status == 200
        assert json.loads(body)["upstream"] in layout.rasa_ports


@pytest.mark.parametrize("which", ["internal", "actions"])
def test_internal_ports_refuse_other_hosts(lb, which: str) -> None:
    layout, _ = lb
    port = layout.internal_port if which == "internal" else layout.action_lb_port
    # 127.0.0.2 stands for any host other than the console/Rasa host.
    status, _ = request(port, "/webhooks/rest/webhook", source="127.0.0.2")
    assert status == 403


def test_action_port_reaches_action_servers_from_rasa_host(lb) -> None:
    layout, _ = lb
    status, body = request(layout.action_lb_port, "/webhook")
    assert status == 200
    assert json.loads(body)["upstream"] in layout.action_ports


def test_listeners_bind_loopback_only(lb) -> None:
    layout, _ = lb
    conf = (layout.var_dir / "nginx" / "madadgar.conf").read_text()
    listens = [line.split()[1].rstrip(";") for line in conf.splitlines() if "listen " in line]
    assert listens and all(x.startswith("127.0.0.1:") for x in listens)


def test_failed_action_is_answered_by_the_fallback_with_the_same_request(lb) -> None:
    layout, _ = lb
    call = {
        "next_action": "validate_verify_form",
        "tracker": {
            "events": [
                {"event": "active_loop", "name": "verify_form"},
                {"event": "user", "text": "12-03-2019"},
                {"event": "slot", "name": "requested_slot", "value": "verification_answer"},
                {"event": "action", "name": "verify_form"},
                {"event": "slot", "name": "verification_answer", "value": "12-03-2019"},
            ]
        },
    }
    body = json.dumps(call).encode()
    apology = [{"response": "utter_action_failed"}]
    forget = [{"event": "rewind"}, {"event": "followup", "name": "action_listen"}]

    # Fallback service down too: nginx's own apology + rewind.
    status, answer = request(layout.action_lb_port, "/crash/webhook", body=body)
    assert status == 200
    assert json.loads(answer) == {"events": forget, "responses": apology}

    fallback = make_server(layout.host, layout.action_fallback_port)
    threading.Thread(target=fallback.serve_forever, daemon=True).start()
    try:
        status, answer = request(layout.action_lb_port, "/crash/webhook", body=body)
    finally:
        fallback.shutdown()
        fallback.server_close()
    assert status == 200
    # The fallback read the request nginx passed on: the form's validation is rejected.
    assert json.loads(answer) == {
        "events": [
            {"event": "slot", "name": "verification_answer", "value": None},
            {"event": "action_execution_rejected", "name": "verify_form"},
            *forget,
        ],
        "responses": apology,
    }
