"""Prometheus metrics, served on loopback by each long-running process.

Each process serves its own registry at http://127.0.0.1:<port>/metrics when it is given
a port: `METRICS_PORT` in its environment (bot/run.py and bot/prod give every process its
own; docs/PERFORMANCE.md lists them and shows a Prometheus scrape configuration). Without
a port nothing is served and the counters cost a dictionary look-up.

- Rasa: `madadgar_messages_total{channel,language}`, `madadgar_turn_seconds` (histogram
  of the time from a message's arrival to its answers), `madadgar_action_errors_total{action}`
  (action server calls that failed).
- worker: `madadgar_outbox_backlog`, `madadgar_outbox_oldest_seconds`,
  `madadgar_open_tickets{state,level}` (counted in SQL when scraped).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from typing import Dict, Iterator, Optional, Tuple

from prometheus_client import Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.db import session_scope
from bot.core.settings import get_settings

logger = logging.getLogger(__name__)

MESSAGES = Counter(
    "madadgar_messages",
    "Citizen messages handled, by channel and language",
    ["channel", "language"],
)
TURN_SECONDS = Histogram(
    "madadgar_turn_seconds",
    "Time from a citizen's message to the assistant's answers",
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30),
)
ACTION_ERRORS = Counter(
    "madadgar_action_errors", "Custom action calls that failed, by action", ["action"]
)

_served: Optional[int] = None
_lock = threading.Lock()


def serve(port: Optional[int] = None, host: str = "127.0.0.1") -> Optional[int]:
    """Serve /metrics on loopback (once per process); port from METRICS_PORT if not given."""
    global _served
    port = port if port is not None else get_settings().METRICS_PORT or None
    with _lock:
        if _served is not None or port is None:
            return _served
        try:
            start_http_server(port, addr=host)
        except OSError as e:  # port taken (a second helpline on this host): run without
            logger.warning("metrics: cannot serve on %s:%d (%s)", host, port, e)
            return None
        _served = port
        logger.info("metrics on http://%s:%d/metrics", host, port)
        return port


class TicketCollector(Collector):
    """Outbox backlog and open tickets, counted in the database when Prometheus scrapes."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url

    def collect(self) -> Iterator[GaugeMetricFamily]:
        backlog = GaugeMetricFamily("madadgar_outbox_backlog", "Notifications waiting to be sent")
        oldest = GaugeMetricFamily(
            "madadgar_outbox_oldest_seconds", "Age of the oldest notification waiting"
        )
        tickets = GaugeMetricFamily(
            "madadgar_open_tickets", "Open tickets by state and level", labels=["state", "level"]
        )
        try:
            with session_scope(self.url) as session:
                waiting, age = outbox_backlog(session)
                counts = open_ticket_counts(session)
        except Exception:  # noqa: BLE001 - a scrape must not take the worker down
            logger.exception("metrics: counting tickets failed")
            return
        backlog.add_metric([], waiting)
        oldest.add_metric([], age)
        for (state, level), n in sorted(counts.items()):
            tickets.add_metric([state, str(level)], n)
        yield from (backlog, oldest, tickets)


def outbox_backlog(session: Session, now: Optional[datetime] = None) -> Tuple[int, float]:
    """Notifications not yet sent (waiting or being retried), and the oldest one's age."""
    from bot.tickets.constants import OUTBOX_FAILED, OUTBOX_PENDING
    from bot.tickets.deadlines import utcnow
    from bot.tickets.models import OutboxMessage

    now = now or utcnow()
    count, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_((OUTBOX_PENDING, OUTBOX_FAILED))
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return int(count), (now - oldest).total_seconds() if oldest else 0.0


def open_ticket_counts(session: Session) -> Dict[Tuple[str, int], int]:
    """Open tickets per (state, escalation level), counted by the database."""
    from bot.tickets.constants import OPEN_STATES
    from bot.tickets.models import Ticket

    rows = session.execute(
        select(Ticket.state, Ticket.level, func.count())
        .where(Ticket.state.in_(OPEN_STATES))
        .group_by(Ticket.state, Ticket.level)
    )
    return {(str(state), int(level)): int(n) for state, level, n in rows}


def register_ticket_collector(url: Optional[str] = None) -> None:
    REGISTRY.register(TicketCollector(url))
