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
from typing import Callable, Dict, Iterator, Optional, Tuple

from prometheus_client import Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy.orm import Session

from bot.core import outbox
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


OpenCounts = Callable[[Session], Dict[Tuple[str, int], int]]


class TicketCollector(Collector):
    """Outbox backlog and open tickets, counted in the database when Prometheus scrapes.

    The tickets service passes its own count (`count_open`): core knows no ticket table.
    """

    def __init__(self, count_open: OpenCounts, url: Optional[str] = None) -> None:
        self.count_open = count_open
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
                waiting, age = outbox.backlog(session)
                counts = self.count_open(session)
        except Exception:  # noqa: BLE001 - a scrape must not take the worker down
            logger.exception("metrics: counting tickets failed")
            return
        backlog.add_metric([], waiting)
        oldest.add_metric([], age)
        for (state, level), n in sorted(counts.items()):
            tickets.add_metric([state, str(level)], n)
        yield from (backlog, oldest, tickets)


def register_ticket_collector(count_open: OpenCounts, url: Optional[str] = None) -> None:
    REGISTRY.register(TicketCollector(count_open, url))
