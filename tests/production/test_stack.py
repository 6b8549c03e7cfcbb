"""The production stack end to end: a whole conversation, and who may reach what."""

from __future__ import annotations

import subprocess

import pytest
import requests

from bot.prod.stack import Stack
from tests.production.citizens import (
    complaint_script,
    same_messages,
    say,
    synthetic_citizens,
    user_messages,
)

pytestmark = [pytest.mark.model, pytest.mark.postgres, pytest.mark.redis]


def test_complaint_conversation_through_the_load_balancer(prod_stack: Stack) -> None:
    cnic, issued = synthetic_citizens(prod_stack, 1)[0]
    answers = [say(prod_stack, "e2e-1", m) for m in complaint_script(cnic, issued)]
    assert "CNIC" in answers[1][0]
    assert any("identity is confirmed" in t for t in answers[3])
    assert any("Complaint registered" in t for t in answers[5])
    # Both replicas served it: each message may land on either, state lives in PostgreSQL.
    stored = user_messages(prod_stack, "e2e-1")
    assert same_messages(stored, complaint_script(cnic, issued)), stored


def test_rasa_api_needs_the_token(prod_stack: Stack) -> None:
    lay = prod_stack.layout
    url = lay.url(lay.internal_port, "/conversations/e2e-1/tracker")
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    token = prod_stack.secrets()["RASA_TOKEN"]
    assert requests.get(url, params={"token": token}, timeout=10).status_code == 200


@pytest.mark.parametrize(
    "path", ["/webhooks/rest/webhook", "/conversations/e2e-1/tracker", "/model/parse"]
)
def test_public_port_refuses_rest_channel_and_api(prod_stack: Stack, path: str) -> None:
    lay = prod_stack.layout
    token = prod_stack.secrets()["RASA_TOKEN"]
    r = requests.post(
        lay.url(lay.public_port, path),
        params={"token": token},  # even with the token
        json={"sender": "e2e-x", "message": "hi", "text": "hi"},
        timeout=10,
    )
    assert r.status_code == 403


def test_public_port_passes_telegram_to_rasa_which_checks_its_secret(prod_stack: Stack) -> None:
    lay = prod_stack.layout
    url = lay.url(lay.public_port, "/webhooks/telegram/webhook")
    # Reaches the Telegram connector, which refuses a request without the secret header.
    assert requests.post(url, json={}, timeout=10).status_code in (401, 403)
    assert requests.get(lay.url(lay.public_port, "/webhooks/telegram/"), timeout=10).ok


def test_every_server_listens_on_loopback_only(prod_stack: Stack) -> None:
    lay = prod_stack.layout
    ports = set(lay.rasa_ports + lay.action_ports)
    ports |= {lay.public_port, lay.internal_port, lay.action_lb_port, lay.postgres_port}
    ports.add(lay.action_fallback_port)
    ports.add(lay.redis_port)
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    bound = {}
    for line in out.splitlines():
        local = line.split()[3]
        host, _, port = local.rpartition(":")
        if port.isdigit() and int(port) in ports:
            bound.setdefault(int(port), set()).add(host)
    assert set(bound) == ports, "every part of the stack is listening"
    assert all(hosts == {"127.0.0.1"} for hosts in bound.values()), bound
