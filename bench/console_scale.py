"""The staff console's queue and dashboard at a million tickets, for a district supervisor.

    # own PostgreSQL in var/bench-console-pg (port 7404), 1,000,000 tickets, then time:
    .venv/bin/python bench/console_scale.py --start-postgres --tickets 1000000
    .venv/bin/python bench/console_scale.py --database-url postgresql+psycopg2://...

Fills the ticket table in SQL (generate_series; 10 % in Muzaffargarh, the rest over 150
other districts; a third open, the rest resolved or closed over 400 days), then times what
the console does for `sup-muzaffargarh`: the queue page (open tickets soonest deadline
first, one page, and their count) and the dashboard (bot.console.stats.dashboard), each
`--repeat` times. Prints p50/p95/max and one JSON line; the target is p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from bench.load import percentile  # noqa: E402
from bench.registry_lookup import start_postgres  # noqa: E402
from bot.core import db  # noqa: E402
from bot.core.migrate import upgrade  # noqa: E402
from bot.core.settings import VAR_DIR  # noqa: E402

FILL = """
INSERT INTO ticket (number, category, district, description, location_text,
    incident_date_text, state, priority, level, queue, routing_rule, deadline_at,
    created_at, updated_at, resolved_at, channel, language, escalated, vulnerable,
    reopen_count, version)
SELECT 'PCMS-B' || lpad(g::text, 7, '0'),
    (ARRAY['deduction','payment_not_received','biometric_failure','eligibility',
           'other'])[1 + g % 5],
    d.district, '', '', '',
    CASE WHEN g % 3 = 0 THEN (ARRAY['new','assigned','in_progress','awaiting_citizen',
                                    'reopened'])[1 + (g / 3) % 5]
         ELSE 'closed' END,
    3, (g / 7) % 3, 'tehsil:' || d.district, 'bench',
    c.created + interval '5 days', c.created, c.created,
    CASE WHEN g % 3 = 0 THEN NULL ELSE c.created + ((g % 11) || ' days')::interval END,
    'twilio', 'ur', g % 13 = 0, false, (g % 17 = 0)::int, 1
FROM generate_series(:first, :last) AS g,
    LATERAL (SELECT CASE WHEN g % 10 = 0 THEN 'Muzaffargarh'
                         ELSE 'Bench district ' || (g % 150) END AS district) d,
    LATERAL (SELECT now() - ((g % 400) || ' days')::interval
                          - ((g % 1440) || ' minutes')::interval AS created) c
"""


def fill(url: str, tickets: int, chunk: int = 100_000) -> None:
    engine = db.get_engine(url)
    with engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM ticket WHERE routing_rule = 'bench'"))
        have = int(have.scalar() or 0)
    if have >= tickets:
        print(f"fill: {have:,} bench tickets already there", flush=True)
        return
    start = time.monotonic()
    for first in range(have + 1, tickets + 1, chunk):
        last = min(tickets, first + chunk - 1)
        with engine.begin() as conn:
            conn.execute(text(FILL), {"first": first, "last": last})
        print(f"fill: {last:,} tickets ({time.monotonic() - start:.0f} s)", flush=True)


def timed(call: Callable[[], object], repeat: int) -> Dict[str, float]:
    call()  # first call: plans and caches
    seconds: List[float] = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - t)
    return {
        "p50_ms": round(percentile(seconds, 50) * 1000, 1),
        "p95_ms": round(percentile(seconds, 95) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


def measure(url: str, repeat: int, username: str) -> Dict[str, object]:
    from bot.console.models import StaffUser
    from bot.console.queries import QueueFilter, count_tickets, dashboard, list_tickets, now_utc
    from bot.tickets.models import Ticket

    factory = db.session_factory(url)
    with factory() as s:
        user = s.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one()
        s.expunge(user)
        total = s.execute(select(func.count()).select_from(Ticket)).scalar_one()
    flt = QueueFilter()

    def queue_page() -> object:
        with factory() as s:
            return list_tickets(s, user, flt), count_tickets(s, user, flt)

    def dashboard_page() -> object:
        with factory() as s:
            return dashboard(s, user, QueueFilter(), now_utc())

    with factory() as s:
        figures = dashboard(s, user, QueueFilter(), now_utc())
    return {
        "tickets": total,
        "user": username,
        "tickets_in_scope": figures.total,
        "open_in_scope": figures.open,
        "queue": timed(queue_page, repeat),
        "dashboard": timed(dashboard_page, repeat),
    }


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url")
    p.add_argument("--start-postgres", action="store_true", help="own server (port 7404)")
    p.add_argument("--tickets", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=40)
    p.add_argument("--user", default="sup-muzaffargarh")
    args = p.parse_args(argv)
    if args.start_postgres:
        url = start_postgres(VAR_DIR / "bench-console-pg", 7404)
    elif args.database_url:
        url = args.database_url
    else:
        p.error("--database-url or --start-postgres")
    upgrade(url)
    with db.session_scope(url) as session:
        from bot.console.auth import ensure_demo_staff

        ensure_demo_staff(session)
    fill(url, args.tickets)
    with db.get_engine(url).connect() as conn:
        # As autovacuum leaves a live table: statistics (the indexes' expressions too), and
        # the visibility map that lets the dashboard count from its covering indexes alone.
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE ticket"))
    result = measure(url, args.repeat, args.user)
    q, d = result["queue"], result["dashboard"]
    print(
        f"{result['tickets']:,} tickets, {result['tickets_in_scope']:,} in {args.user}'s scope "
        f"({result['open_in_scope']:,} open)\n"
        f"queue page (100 tickets + count): p50 {q['p50_ms']} ms, p95 {q['p95_ms']} ms\n"
        f"dashboard: p50 {d['p50_ms']} ms, p95 {d['p95_ms']} ms"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
