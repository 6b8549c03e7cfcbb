"""A payment-status file of 1,000,000 rows applied to PostgreSQL, with its notices queued once.

    # own PostgreSQL in var/bench-import-pg (port 7310), 250,000 synthetic households:
    .venv/bin/python bench/registry_import.py --start-postgres
    # an existing database (filled with --households if it has fewer):
    .venv/bin/python bench/registry_import.py --database-url postgresql+psycopg2://...

The file has four rows per beneficiary (the Kafaalat instalments of the last two quarters,
mostly as on record with some state changed, and of two new quarters), written to
var/bench-import/status.csv. The script times `madadgar admin registry import`'s work
(bot.registry.imports.import_file with the notices of bot.outreach.notices), then checks
that every household with a change that deserves a notice has exactly one notice queued,
and imports the same file again: nothing may change. Target: under 10 minutes.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bot.core import db  # noqa: E402
from bot.core.migrate import upgrade  # noqa: E402
from bot.core.settings import VAR_DIR  # noqa: E402
from bot.outreach.models import Notice  # noqa: E402
from bot.outreach.notices import Notifier, response_for  # noqa: E402
from bot.registry.imports import FIELDS, import_file  # noqa: E402
from bot.registry.models import Household, Instalment, Person, Transition  # noqa: E402
from bot.registry.quarters import next_quarter, quarter_of, recent_quarters  # noqa: E402

PLACES = [
    "BISP Campsite, Govt Girls High School",
    "Al-Madina Retailer",
    "HBL Branch",
    "Jazz Cash Agent",
]
REASONS = ["biometric_failure", "cnic_expired", "bank_error", "data_under_review"]


def start_postgres(var_dir: Path, port: int) -> str:
    from bot.prod.datastores import Postgres
    from bot.prod.layout import Layout

    layout = Layout(var_dir=var_dir, base_port=port - 4)
    Postgres(layout).start()
    return layout.db_url


def fill(url: str, households: int, seed: int) -> None:
    from bot.registry.generator import generate

    engine = db.get_engine(url)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(Household.__table__)).scalar() or 0
    if have >= households:
        print(f"fill: {have:,} households already there")
        return
    start = time.monotonic()
    with engine.connect() as conn:
        generate(conn, households - have, seed, progress=False, commit_batches=True)
        conn.commit()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    print(f"fill: {households - have:,} households in {time.monotonic() - start:,.0f} s")


def beneficiaries(url: str, wanted: int) -> List[Tuple[str, int]]:
    """(CNIC, person id) of `wanted` adults: the ones paid Kafaalat first, then others (a
    file of payment partners names whoever they paid; the import does not judge that)."""
    paid = select(Instalment.person_id).where(Instalment.programme == "kafaalat")
    with db.session_scope(url) as s:
        first = s.execute(
            select(Person.cnic, Person.id).where(Person.id.in_(paid)).limit(wanted)
        ).all()
        rest = s.execute(
            select(Person.cnic, Person.id)
            .where(Person.cnic.is_not(None), Person.id.not_in(paid))
            .limit(max(wanted - len(first), 0))
        ).all()
    return [(c, i) for c, i in [*first, *rest] if c]


def write_file(url: str, path: Path, rows: int, today: date, seed: int) -> int:
    """Four rows per beneficiary; returns the rows written."""
    rng = random.Random(seed)
    people = beneficiaries(url, rows // 4)
    ids = [pid for _, pid in people]
    last = recent_quarters(today, 2)  # the previous and the current quarter
    new = [next_quarter(last[-1]), next_quarter(next_quarter(last[-1]))]
    on_record: Dict[Tuple[int, str], Tuple[str, int, str, str]] = {}
    with db.session_scope(url) as s:
        for start in range(0, len(ids), 20000):
            chunk = ids[start : start + 20000]
            for pid, quarter, status, amount, reason, agent in s.execute(
                select(
                    Instalment.person_id,
                    Instalment.quarter,
                    Instalment.status,
                    Instalment.amount,
                    Instalment.reason,
                    Instalment.agent,
                ).where(
                    Instalment.person_id.in_(chunk),
                    Instalment.programme == "kafaalat",
                    Instalment.for_person_id.is_(None),
                    Instalment.quarter.in_(last),
                )
            ):
                on_record[(pid, quarter)] = (status, amount, reason or "", agent or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(FIELDS)
        for cnic, pid in people:
            for quarter in [*last, *new]:
                known = on_record.get((pid, quarter))
                state, reason = "paid", ""
                roll = rng.random()
                if roll < 0.15:
                    state = "ready_for_collection"
                elif roll < 0.25:
                    state, reason = "withheld", rng.choice(REASONS)
                if known and rng.random() < 0.8:  # most of the known rows are unchanged
                    state, amount, reason, place = known
                else:
                    amount, place = 13500, rng.choice(PLACES)
                if state == "withheld" or state == "failed":
                    place = ""
                elif not place:
                    place = rng.choice(PLACES)
                out.writerow(
                    [cnic, "kafaalat", quarter, state, amount, place, "HBL", reason,
                     today.isoformat(), "", "", ""]
                )  # fmt: skip
                written += 1
    return written


def check_notices(url: str, started: datetime) -> Tuple[int, int, int]:
    """(households with a change worth a notice, those of them with a notice on record,
    households with more than one notice to be sent on one day).

    A household's notice on record may be queued, opted out (STOP) or unreachable (no phone
    on record for the member paid); a second member's change the same day replaces a notice
    not yet sent, so at most one is ever sent a day."""
    with db.session_scope(url) as s:
        rows = s.execute(
            select(Transition.household_id, Transition.to_state, Transition.reason).where(
                Transition.recorded_at >= started
            )
        ).all()
        deserving = set()
        for household, state, reason in rows:
            change = type("C", (), {"to_state": state, "reason": reason})
            if response_for(change) is not None:  # type: ignore[arg-type]
                deserving.add(household)
        noticed = set(
            s.execute(
                select(Notice.household_id).where(
                    Notice.created_at >= started, Notice.status != "replaced"
                )
            ).scalars()
        )
        twice = s.execute(
            select(func.count()).select_from(
                select(Notice.household_id)
                .where(Notice.created_at >= started, Notice.status == "queued")
                .group_by(Notice.household_id, Notice.day)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
    return len(deserving), len(deserving & noticed), int(twice)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--start-postgres", action="store_true")
    parser.add_argument("--port", type=int, default=7310)
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.start_postgres:
        url = start_postgres(VAR_DIR / "bench-import-pg", args.port)
    elif args.database_url:
        url = args.database_url
    else:
        parser.error("give --database-url or --start-postgres (PostgreSQL is what is measured)")
    upgrade(url)
    fill(url, args.households, args.seed)
    today = date.today()
    path = VAR_DIR / "bench-import" / "status.csv"
    rows = write_file(url, path, args.rows, today, args.seed)
    print(f"file: {rows:,} rows for quarters up to {quarter_of(today)} and two after", flush=True)
    factory = db.session_factory(url)
    started = datetime.now(timezone.utc)
    t0 = time.monotonic()
    result = import_file(factory, path, started, today, Notifier(today))
    first = time.monotonic() - t0
    print(f"import: {result.summary()}")
    print(f"import: {rows:,} rows in {first:,.1f} s = {rows / first:,.0f} rows/s", flush=True)
    deserving, noticed, twice = check_notices(url, started)
    print(
        f"notices: {deserving:,} households with a change worth a notice, {noticed:,} of them "
        f"with a notice on record, {twice:,} with more than one to send on a day"
    )
    t0 = time.monotonic()
    again = import_file(factory, path, datetime.now(timezone.utc), today, Notifier(today))
    second = time.monotonic() - t0
    print(f"again: {again.summary()} in {second:,.1f} s")
    ok = (
        first < 600
        and deserving == noticed
        and twice == 0
        and again.transitions == 0
        and again.notices == 0
    )
    print(
        "target (< 600 s, each notice once, nothing the second time): "
        + ("met" if ok else "NOT met")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
