"""Times the synthetic registry generator on a fresh SQLite file.

    .venv/bin/python bench/registry_generate.py [N] [--seed S] [--keep]

Prints households/s and the total time for N households (default 100000), then a CNIC
lookup timing on the result. The database goes to var/bench_registry_N.db.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bot.core import db  # noqa: E402
from bot.core.migrate import upgrade  # noqa: E402
from bot.core.settings import VAR_DIR  # noqa: E402
from bot.registry.generator import generate  # noqa: E402
from bot.registry.models import Person  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("households", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    args = parser.parse_args()

    path = VAR_DIR / f"bench_registry_{args.households}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = db.get_engine(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
        conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB keeps the CNIC index hot
        stats = generate(
            conn, args.households, args.seed, as_of=date(2025, 8, 15), commit_batches=True
        )
        conn.commit()
    total = time.perf_counter() - started
    print(
        f"households={stats.households} persons={stats.persons} enrolments={stats.enrolments} "
        f"instalments={stats.instalments}"
    )
    print(f"total {total:.1f} s, {stats.households / total:,.0f} households/s")

    with engine.connect() as conn:
        cnics = (
            conn.execute(
                select(Person.cnic)
                .where(Person.cnic.is_not(None))
                .order_by(func.random())
                .limit(1000)
            )
            .scalars()
            .all()
        )
        t0 = time.perf_counter()
        for cnic in cnics:
            conn.execute(select(Person.id).where(Person.cnic == cnic)).first()
        per_lookup = (time.perf_counter() - t0) / max(len(cnics), 1)
    print(f"CNIC lookup: {per_lookup * 1e6:.0f} µs each ({len(cnics)} lookups)")
    db.dispose_engines()
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
