"""The worker's share: detection every PATTERN_INTERVAL_MINUTES, last month's reports once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, List, Optional

from sqlalchemy.orm import Session

from bot.core.settings import get_settings
from bot.patterns.causes import load_taxonomy
from bot.patterns.detect import run_detection
from bot.patterns.points import refresh_registry_points
from bot.patterns.reports import (
    build_report,
    districts_with_complaints,
    partners_of,
    previous_month,
    report_name,
    write_report,
)
from bot.tickets.config import load_config

log = logging.getLogger(__name__)


class PatternJobs:
    """Called by the scheduler on every pass; does its work only when it is due."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        interval_minutes: Optional[int] = None,
        reports_dir: Optional[str] = None,
    ) -> None:
        settings = get_settings()
        self.session_factory = session_factory
        self.interval = timedelta(minutes=interval_minutes or settings.PATTERN_INTERVAL_MINUTES)
        self.reports_dir = Path(reports_dir or settings.REPORTS_DIR)
        self.last_run: Optional[datetime] = None
        self.points_refreshed_on: Optional[str] = None

    def __call__(self, now: datetime) -> None:
        if self.last_run is not None and now - self.last_run < self.interval:
            return
        self.last_run = now
        with self.session_factory() as session, session.begin():
            if self.points_refreshed_on != now.date().isoformat():
                refresh_registry_points(session, now)  # a full registry read: once a day
                self.points_refreshed_on = now.date().isoformat()
            run_detection(session, now)
        written = self.monthly_reports(now)
        if written:
            log.info("wrote %d monthly reports to %s", len(written), self.reports_dir)

    def monthly_reports(self, now: datetime) -> List[Path]:
        """Last month's report of every district with complaints, and of every partner (bank,
        NADRA, survey firm) concerned by some, unless already written."""
        month = previous_month(now)
        written: List[Path] = []
        with self.session_factory() as session:
            wanted = [(d, None) for d in districts_with_complaints(session, month, load_config())]
            wanted += [(None, p) for p in partners_of(session, load_taxonomy())]
            for district, partner in wanted:
                report = build_report(session, month, district, partner)
                done = (self.reports_dir / f"{report_name(report)}.csv").exists()
                if done or not report.figures.total:
                    continue
                written += write_report(report, self.reports_dir)
        return written
