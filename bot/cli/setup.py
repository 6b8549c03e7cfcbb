"""Creates or upgrades the database and loads the demo registry and staff accounts."""

from __future__ import annotations

import argparse
from typing import List, Optional

from bot.core.db import session_scope
from bot.core.migrate import upgrade


def setup(url: Optional[str] = None, synthetic_households: int = 2000) -> None:
    """Migrate to head, then insert what is missing (idempotent: a second run adds nothing)."""
    from bot.console.auth import ensure_demo_staff
    from bot.core.clock import utcnow
    from bot.patterns.points import refresh_registry_points
    from bot.registry.seed import ensure_demo_registry

    print("==> database: migrating", flush=True)
    upgrade(url)
    with session_scope(url) as session:
        print("==> database: demo registry", flush=True)
        ensure_demo_registry(session, synthetic_households=synthetic_households)
        ensure_demo_staff(session)
        # The payment points complaints are matched against, read before the first one
        # arrives (a full registry read; the worker repeats it daily).
        refresh_registry_points(session, utcnow())
    print("==> database ready", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    """`madadgar setup`: database and demo data."""
    parser = argparse.ArgumentParser(prog="madadgar setup")
    parser.add_argument(
        "--households", type=int, default=2000, help="synthetic households beside the personas"
    )
    args = parser.parse_args(argv)
    setup(synthetic_households=args.households)
    return 0
