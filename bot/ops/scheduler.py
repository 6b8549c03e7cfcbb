"""The worker's background passes every N seconds: escalation, live hand-back, evidence, outbox.

An operations module rather than a tickets one: it drives several services in turn.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable, Mapping, Optional, Sequence, Tuple

from sqlalchemy.orm import Session

from bot.core.clock import Clock, utcnow
from bot.core.outbox import DeliverySummary, Sender
from bot.core.settings import get_settings
from bot.evidence.service import forget_unclaimed
from bot.language.i18n import Responses
from bot.live.service import hand_back_idle
from bot.outreach.delivery import deliver_pending
from bot.tickets.escalation import EscalationSummary, run_escalation_pass

log = logging.getLogger(__name__)


class Scheduler:
    """In-process scheduler; several replicas may run one each (the pass is race-safe)."""

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
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def run_once(self) -> Tuple[EscalationSummary, Optional[DeliverySummary]]:
        """One escalation pass, then one delivery round when senders were given."""
        now = self.clock()
        escalation = run_escalation_pass(self.session_factory, now)
        self._conversation_pass(now)
        for extra in self.passes:
            try:
                extra(now)
            except Exception:  # noqa: BLE001 - one failing pass must not stop escalation
                log.exception("scheduler pass %r failed", extra)
        delivery = None
        if self.senders:
            delivery = deliver_pending(self.session_factory, self.senders, now, self.responses)
        self.runs += 1
        return escalation, delivery

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
            self._stop.wait(self.interval)

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
