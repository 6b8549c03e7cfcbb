"""Pattern detection over a million tickets on PostgreSQL: one `madadgar admin patterns` pass.

    # own PostgreSQL in var/bench-patterns-pg (port 7409), 1,000,000 tickets, then time:
    .venv/bin/python bench/patterns_scale.py --start-postgres --tickets 1000000
    .venv/bin/python bench/patterns_scale.py --database-url postgresql+psycopg2://...

Fills the ticket table in SQL (generate_series) as the assistant leaves it: a cause, a
tehsil and a household on every ticket, a payment point named by one in twenty (over 20,000
points), created over 400 days, each tehsil and cause at an even weekly rate. On top, ten
payment points named by four households each in the last ten days and one tehsil whose
biometric complaints jump this week: ten pattern cases and one spike to find. Then times
bot.patterns.detect.run_detection as of now (the first pass opens the cases, the second
finds nothing new) and prints seconds and one JSON line; the target is < 60 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench.registry_lookup import start_postgres  # noqa: E402
from bot.core import db  # noqa: E402
from bot.core.migrate import upgrade  # noqa: E402
from bot.core.settings import VAR_DIR  # noqa: E402

POINTS = 20_000
HOT_POINTS = 10
CAUSES = (
    "deduction", "biometric_failure", "cnic_expired", "not_credited", "survey_dispute",
    "exclusion_error", "staff_misconduct", "helpline_unreachable", "scam", "other",
)  # fmt: skip
GROUPS = 150 * 4 * len(CAUSES)  # district x tehsil x cause

POINT_FILL = """
INSERT INTO payment_point (id, name, bank, district, tehsil, source, created_at)
SELECT p, 'Bench Store ' || p || ', Tehsil ' || (p % 4), 'HBL',
       'Bench district ' || (p % 150), 'Tehsil ' || (p % 4), 'registry', now()
FROM generate_series(1, :n) AS p
"""

# Ticket g belongs to group g % GROUPS (district, tehsil, cause); the group's k-th ticket
# (k = g / GROUPS) is placed k * 400 / (tickets per group) days back, so every group has
# the same few complaints a week and nothing spikes by accident.
FILL = """
INSERT INTO ticket (number, category, district, tehsil, description, location_text,
    incident_date_text, state, priority, level, queue, routing_rule, deadline_at,
    created_at, updated_at, resolved_at, channel, language, escalated, vulnerable,
    reopen_count, appeal_count, retaliation_flag, version, cause, cause_set_by,
    payment_point_id, household_key, amount)
SELECT 'PCMS-P' || lpad(g::text, 7, '0'),
    'other', 'Bench district ' || (g % 150), 'Tehsil ' || ((g / 150) % 4), '', '', '',
    CASE WHEN g % 3 = 0 THEN 'new' ELSE 'closed' END,
    3, 1, 'district:Bench district ' || (g % 150), 'bench-patterns',
    c.created + interval '5 days', c.created, c.created,
    CASE WHEN g % 3 = 0 THEN NULL ELSE c.created + interval '4 days' END,
    'twilio', 'ur', false, false, 0, 0, false, 1,
    (:causes)[1 + (g / 600) % 10], 'assistant',
    CASE WHEN g % 20 = 0 THEN 1 + (((g / 20)::bigint * 7919) % :points)::int END,
    'hh:' || g, CASE WHEN g % 20 = 0 THEN 500 END
FROM generate_series(:first, :last) AS g,
    LATERAL (SELECT now() - (((g / :groups) * 400.0 / :per_group) || ' days')::interval
                          - ((g % 600) || ' minutes')::interval AS created) c
"""

# Four households each at ten more points, and eight biometric complaints this week in a
# tehsil that had about three a week.
PLANT = """
INSERT INTO ticket (number, category, district, tehsil, description, location_text,
    incident_date_text, state, priority, level, queue, routing_rule, deadline_at,
    created_at, updated_at, channel, language, escalated, vulnerable, reopen_count,
    appeal_count, retaliation_flag, version, cause, cause_set_by, payment_point_id,
    household_key, amount)
SELECT 'PCMS-Q' || lpad((p * 10 + g)::text, 7, '0'), 'deduction', 'Bench district ' || (p % 150),
    'Tehsil ' || (p % 4), '', '', '', 'new', 1, 1, 'integrity:Bench district ' || (p % 150),
    'bench-patterns', now() + interval '1 day', now() - (g || ' days')::interval,
    now() - (g || ' days')::interval, 'twilio', 'ur', false, false, 0, 0, false, 1,
    'deduction', 'assistant', p, 'hh:planted-' || p || '-' || g, 500
FROM generate_series(:points + 1, :points + :hot) AS p, generate_series(1, 4) AS g
UNION ALL
SELECT 'PCMS-S' || lpad(g::text, 7, '0'), 'biometric_failure', 'Bench district 7',
    'Tehsil 1', '', '', '', 'new', 2, 1, 'payments:Bench district 7', 'bench-patterns',
    now() + interval '1 day', now() - (g || ' hours')::interval,
    now() - (g || ' hours')::interval, 'twilio', 'ur', false, false, 0, 0, false, 1,
    'biometric_failure', 'assistant', NULL, 'hh:spike-' || g, NULL
FROM generate_series(1, 8) AS g
"""


def fill(url: str, tickets: int, chunk: int = 100_000) -> None:
    engine = db.get_engine(url)
    with engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM ticket WHERE number LIKE 'PCMS-P%'"))
        have = int(have.scalar() or 0)
    if have >= tickets:
        print(f"fill: {have:,} bench tickets already there", flush=True)
    else:
        start = time.monotonic()
        with engine.begin() as conn:
            if not conn.execute(text("SELECT count(*) FROM payment_point")).scalar():
                conn.execute(text(POINT_FILL), {"n": POINTS + HOT_POINTS})
        for first in range(have + 1, tickets + 1, chunk):
            last = min(tickets, first + chunk - 1)
            with engine.begin() as conn:
                conn.execute(
                    text(FILL),
                    {
                        "first": first,
                        "last": last,
                        "causes": list(CAUSES),
                        "points": POINTS,
                        "groups": GROUPS,
                        "per_group": max(1, tickets // GROUPS),
                    },
                )
            print(f"fill: {last:,} tickets ({time.monotonic() - start:.0f} s)", flush=True)
    with engine.begin() as conn:  # a fresh start for every measurement
        conn.execute(text("DELETE FROM pattern_case_ticket"))
        conn.execute(text("DELETE FROM pattern_case"))
        conn.execute(
            text("DELETE FROM ticket WHERE number LIKE 'PCMS-Q%' OR number LIKE 'PCMS-S%'")
        )
        conn.execute(text(PLANT), {"points": POINTS, "hot": HOT_POINTS})
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def detect_once(url: str) -> Dict[str, object]:
    from bot.patterns.detect import run_detection

    now = datetime.now(timezone.utc)
    start = time.perf_counter()
    with db.session_scope(url) as session:
        summary = run_detection(session, now)
        result = {
            "seconds": round(time.perf_counter() - start, 2),
            "opened": len(summary.opened),
            "spikes": len(summary.spikes),
            "joined": summary.joined,
        }
    return result


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url")
    p.add_argument("--start-postgres", action="store_true", help="own server (port 7409)")
    p.add_argument("--tickets", type=int, default=1_000_000)
    args = p.parse_args(argv)
    if args.start_postgres:
        url = start_postgres(VAR_DIR / "bench-patterns-pg", 7409)
    elif args.database_url:
        url = args.database_url
    else:
        p.error("--database-url or --start-postgres")
    upgrade(url)
    fill(url, args.tickets)
    with db.get_engine(url).connect() as conn:
        total = int(conn.execute(text("SELECT count(*) FROM ticket")).scalar() or 0)
    first = detect_once(url)
    second = detect_once(url)
    print(
        f"{total:,} tickets: first detection {first['seconds']} s "
        f"({first['opened']} pattern cases, {first['spikes']} spikes, "
        f"{first['joined']} tickets linked); second {second['seconds']} s "
        f"({second['opened']} new cases, {second['spikes']} new spikes)"
    )
    print(json.dumps({"tickets": total, "first": first, "second": second}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
