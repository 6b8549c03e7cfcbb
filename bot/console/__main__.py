"""`python -m bot.console`: migrate, seed demo data in demo mode, serve with uvicorn.

CONSOLE_HOST / CONSOLE_PORT choose where (default http://127.0.0.1:8000).
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from bot.core.settings import get_settings


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Serve the console until interrupted; 1 when it refuses to start."""
    import uvicorn

    from bot.console.app import StartupRefused, check_startup, create_app
    from bot.core import db
    from bot.core.migrate import upgrade

    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m bot.console", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--host", default=settings.CONSOLE_HOST)
    parser.add_argument("--port", type=int, default=settings.CONSOLE_PORT)
    parser.add_argument("--no-demo-data", action="store_true", help="in demo mode, seed nothing")
    args = parser.parse_args(argv)

    upgrade(settings.DATABASE_URL)
    if settings.DEMO_MODE and not args.no_demo_data:
        from bot.console.demo import seed_demo

        with db.session_scope(settings.DATABASE_URL) as session:
            seed_demo(session)
    try:
        check_startup(settings)
    except (StartupRefused, RuntimeError) as exc:
        print(f"console: {exc}", file=sys.stderr)
        return 1
    from bot.core import metrics

    metrics.serve()
    uvicorn.run(create_app(settings), host=args.host, port=args.port, ws="none", proxy_headers=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
