"""The worker's background passes every N seconds: escalation, live hand-back, evidence, outbox.

An operations module rather than a tickets one: it drives several services in turn.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Callable, Mapping, Optional, Sequence, Tuple

from sqlalchemy.orm import Session

from bot.core.clock import Clock, utcnow
from bot.core.outbox import DeliverySummary, Sender, worker_name
from bot.core.passes import once_per_tick
from bot.core.settings import get_settings
from bot.evidence.service import forget_unclaimed
from bot.language.i18n import Responses
from bot.live.service import hand_back_idle
from bot.outreach.delivery import deliver_pending
from bot.tickets.escalation import EscalationSummary, run_escalation_pass

log = logging.getLogger(__name__)

# Messages one delivery round sends at most before the scheduler looks at the clock again.
DELIVERY_ROUND = 100


class Scheduler:
    """In-process scheduler; several workers may run one each: they share the outbox,
    and one of them runs the escalation and the other passes each tick."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        interval_seconds: Optional[float] = None,
        clock: Clock = utcnow,
        senders: Optional[Mapping[str, Sender]] = None,
        responses: Optional[Responses] = None,
        passes: Sequence[Callable[[datetime], None]] = (),
    ) -> None:
        self.session_factory = session_factory
        # More work on every tick, given by the caller (pattern detection, reports), so
        # tickets need not know the services that read them.
        self.passes = tuple(passes)
        self.interval = (
            interval_seconds
            if interval_seconds is not None
            else get_settings().SCHEDULER_INTERVAL_SECONDS
        )
        self.clock = clock
        self.senders = senders
        self.responses = responses
        self.runs = 0
        self.worker = worker_name()
        self.backlog = False  # the last delivery round stopped at its limit
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def run_once(self) -> Tuple[EscalationSummary, Optional[DeliverySummary]]:
        """One escalation pass, then one delivery round when senders were given."""
        now = self.clock()
        tick = timedelta(seconds=self.interval)

        def passes() -> EscalationSummary:
            escalated = run_escalation_pass(self.session_factory, now)
            self._conversation_pass(now)
            for extra in self.passes:
                try:
                    extra(now)
                except Exception:  # noqa: BLE001 - one failing pass must not stop escalation
                    log.exception("scheduler pass %r failed", extra)
            return escalated

        # Several workers: one of them runs the passes each tick (alerts sent once).
        escalation = once_per_tick(
            self.session_factory, "escalation", now, tick, self.worker, passes
        )
        delivery = None
        self.backlog = False
        if self.senders:
            delivery = deliver_pending(
                self.session_factory,
                self.senders,
                responses=self.responses,
                limit=DELIVERY_ROUND,
                worker=self.worker,
                clock=self.clock,
            )
            self.backlog = len(delivery.sent) + len(delivery.failed) >= DELIVERY_ROUND
        self.runs += 1
        return escalation or EscalationSummary(), delivery

    def _conversation_pass(self, now: datetime) -> None:
        """Live conversations without a staff message go back to the assistant; evidence
        nobody placed within a day is deleted."""
        with self.session_factory() as session, session.begin():
            handed = hand_back_idle(session, now)
            forget_unclaimed(session, now)
        if handed:
            log.info("handed %d idle live conversations back to the assistant", len(handed))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the next tick tries again
                log.exception("ticket scheduler pass failed")
                self.backlog = False
            # More messages waiting: the next round at once (the escalation gate skips).
            self._stop.wait(0 if self.backlog else self.interval)

    def start(self) -> None:
        """Start the background thread (once)."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="ticket-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish and wait for it."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive())
