"""Operators see backlog, open tickets and message counts on each process's /metrics."""

from __future__ import annotations

import urllib.request
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry, start_http_server

from bot.core import db
from bot.core.metrics import TicketCollector
from bot.tickets.service import assign, open_ticket, staff_reply
from bot.tickets.stats import open_ticket_counts
from tests.auxil.assistant import free_port
from tests.tickets.helpers import MONDAY_10AM, deduction, ticket_config


def _scrape(registry: CollectorRegistry) -> str:
    port = free_port()
    start_http_server(port, addr="127.0.0.1", registry=registry)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        return r.read().decode()


def test_the_worker_metrics_count_open_tickets_and_the_outbox_backlog(db_url, tmp_path):
    config = ticket_config(tmp_path)
    factory = db.session_factory(db_url)
    with factory() as s:
        first = open_ticket(s, deduction(), MONDAY_10AM, config).ticket
        open_ticket(s, deduction(cnic="4210198765431"), MONDAY_10AM, config)
        s.commit()
        assign(s, first, "sadia", "staff:lead", MONDAY_10AM, config)
        staff_reply(s, first, "staff:sadia", "Notice bhej diya hai.", now=MONDAY_10AM)
        s.commit()
    registry = CollectorRegistry()
    registry.register(TicketCollector(open_ticket_counts, db_url))
    text = _scrape(registry)
    assert 'madadgar_open_tickets{level="1",state="new"} 1.0' in text
    assert 'madadgar_open_tickets{level="1",state="assigned"} 1.0' in text
    backlog = next(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith("madadgar_outbox_backlog ")
    )
    assert backlog >= 1  # the acknowledgement and the staff reply wait to be sent
    age = next(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith("madadgar_outbox_oldest_seconds ")
    )
    assert age > timedelta(days=1).total_seconds()  # queued on MONDAY_10AM, long ago


@pytest.mark.model
def test_rasa_counts_messages_by_channel_and_language_and_times_turns(live_assistant):
    port = int(live_assistant.env["METRICS_BASE_PORT"]) + 1  # actions, rasa, console, worker
    live_assistant.say("metrics-1", "what is my payment status")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    counted = [
        line
        for line in text.splitlines()
        if line.startswith("madadgar_messages_total{") and 'channel="rest"' in line
    ]
    assert any('language="en"' in line and float(line.split()[-1]) >= 1 for line in counted)
    turns = next(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith("madadgar_turn_seconds_count")
    )
    assert turns >= 1
