"""Registry look-up by CNIC on PostgreSQL at millions of persons: p50/p99, and fill speed.

    # own PostgreSQL in var/bench-pg (port 7300), fill 1.75M households (~10M persons), time:
    .venv/bin/python bench/registry_lookup.py --start-postgres --fill-persons 10000000
    # an existing, already filled database:
    .venv/bin/python bench/registry_lookup.py --database-url postgresql+psycopg2://...

Filling uses the registry generator (PostgreSQL COPY, bot.core.bulk_load), in chunks,
printing households/s as it goes; `--max-fill-seconds` bounds it (what was written stays).
Look-ups time bot.registry.service.find_person (what the verification action calls: person
by CNIC, household, enrolments) and the bare indexed SELECT, for CNICs that exist and not.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from bot.core import db  # noqa: E402
from bot.core.migrate import upgrade  # noqa: E402
from bot.registry.models import Person  # noqa: E402

PERSONS_PER_HOUSEHOLD = 5.74  # measured on the generator's output (seed 7)


def start_postgres(var_dir: Path, port: int) -> str:
    from bot.prod.datastores import Postgres
    from bot.prod.layout import Layout

    layout = Layout(var_dir=var_dir, base_port=port - 4)  # Layout.postgres_port = base + 4
    Postgres(layout).start()
    return layout.db_url


def fill(url: str, persons: int, seed: int, max_seconds: float, chunk: int = 50_000) -> None:
    from bot.registry.generator import generate

    engine = db.get_engine(url)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(Person.__table__)).scalar() or 0
    target = int((persons - have) / PERSONS_PER_HOUSEHOLD)
    if target <= 0:
        print(f"fill: {have:,} persons already there")
        return
    print(f"fill: {have:,} persons present; adding ~{target:,} households", flush=True)
    start = time.monotonic()
    done = 0
    written = 0
    while done < target and time.monotonic() - start < max_seconds:
        n = min(chunk, target - done)
        with engine.connect() as conn:
            stats = generate(conn, n, seed + done, progress=False, commit_batches=True)
            conn.commit()
        done += n
        written += stats.persons
        rate = done / (time.monotonic() - start)
        print(
            f"  {have + written:>12,} persons  {done:>10,} households  {rate:,.0f} households/s",
            flush=True,
        )
    secs = time.monotonic() - start
    print(
        f"fill: {done:,} households / {written:,} persons in {secs:,.0f} s "
        f"= {done / secs:,.0f} households/s, {written / secs:,.0f} persons/s"
    )
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def sample_cnics(url: str, n: int, seed: int) -> List[str]:
    """Existing CNICs picked at random ids (untimed)."""
    rng = random.Random(seed)
    with db.get_engine(url).connect() as conn:
        top = conn.execute(select(func.max(Person.id))).scalar() or 0
        ids = [rng.randint(1, top) for _ in range(n * 2)]
        rows = conn.execute(
            select(Person.cnic).where(Person.id.in_(ids), Person.cnic.is_not(None))
        ).scalars()
        found = list(rows)
    rng.shuffle(found)
    return found[:n]


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def timed(fn: Callable[[str], object], cnics: List[str]) -> Dict[str, float]:
    times = []
    for cnic in cnics:
        t = time.perf_counter()
        fn(cnic)
        times.append(time.perf_counter() - t)
    return {
        "n": len(times),
        "p50_ms": round(percentile(times, 50) * 1000, 3),
        "p95_ms": round(percentile(times, 95) * 1000, 3),
        "p99_ms": round(percentile(times, 99) * 1000, 3),
        "max_ms": round(max(times) * 1000, 3),
    }


def lookups(url: str, n: int, seed: int) -> None:
    from bot.registry.service import find_person

    engine = db.get_engine(url)
    with engine.connect() as conn:
        persons = conn.execute(select(func.count()).select_from(Person.__table__)).scalar()
        size = conn.exec_driver_sql("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"registry: {persons:,} persons, database {size.scalar()}")
    hits = sample_cnics(url, n, seed)
    rng = random.Random(seed + 1)
    misses = [
        f"3{rng.randint(10, 99)}0{rng.randint(0, 9)}9{rng.randint(0, 999999):06d}7"
        for _ in range(n // 4)
    ]  # serials 9xxxxxx: never generated, rarely personas
    session = db.session_factory(url)()
    raw = engine.connect()
    stmt = text("SELECT id, household_id, name FROM person WHERE cnic = :c")
    try:
        timed(lambda c: find_person(session, c), hits[:200])  # warm pool and plans
        results = {
            "find_person (hit)": timed(
                lambda c: (find_person(session, c), session.rollback()), hits
            ),
            "find_person (miss)": timed(
                lambda c: (find_person(session, c), session.rollback()), misses
            ),
            "SELECT by cnic (hit)": timed(lambda c: raw.execute(stmt, {"c": c}).all(), hits),
        }
    finally:
        session.close()
        raw.close()
    for name, r in results.items():
        print(
            f"  {name:22} n={r['n']:>6}  p50 {r['p50_ms']:7.3f} ms  p95 {r['p95_ms']:7.3f} ms  "
            f"p99 {r['p99_ms']:7.3f} ms  max {r['max_ms']:7.3f} ms"
        )


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url")
    p.add_argument("--start-postgres", action="store_true", help="own server in var/bench-pg")
    p.add_argument("--port", type=int, default=7304)
    p.add_argument("--fill-persons", type=int, default=0, help="grow the registry to this size")
    p.add_argument("--max-fill-seconds", type=float, default=1500)
    p.add_argument("--lookups", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    if args.start_postgres:
        from bot.core.settings import VAR_DIR

        url = start_postgres(VAR_DIR / "bench-pg", args.port)
    elif args.database_url:
        url = args.database_url
    else:
        p.error("--database-url or --start-postgres")
    upgrade(url)
    if args.fill_persons:
        fill(url, args.fill_persons, args.seed, args.max_fill_seconds)
    if args.lookups:
        lookups(url, args.lookups, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
