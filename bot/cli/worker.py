"""Background worker: escalates overdue tickets, delivers notifications, detects patterns."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import List, Optional

from bot.core.db import session_factory
from bot.core.settings import InsecureSettings, get_settings
from bot.language.i18n import load_responses
from bot.ops.scheduler import Scheduler


def build_scheduler(interval: Optional[float] = None) -> Scheduler:
    from bot.channels.senders import build_senders
    from bot.patterns.jobs import PatternJobs

    settings = get_settings()
    factory = session_factory()
    return Scheduler(
        factory,
        interval_seconds=interval,
        senders=build_senders(settings),
        responses=load_responses(),
        passes=[PatternJobs(factory)],
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="madadgar worker")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--interval", type=float, default=None)
    args = parser.parse_args(argv)
    try:
        get_settings().check_production()
    except InsecureSettings as refused:
        print(refused, file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = build_scheduler(args.interval)
    if args.once:
        escalation, delivery = scheduler.run_once()
        print(escalation, delivery)
        return 0
    from bot.core import metrics
    from bot.tickets.stats import open_ticket_counts

    metrics.register_ticket_collector(open_ticket_counts)
    metrics.serve()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    scheduler.start()
    stop.wait()
    scheduler.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
