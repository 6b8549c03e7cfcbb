"""`python -m bot.prod up|down|status|restart NAME`: the production stack on this host."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import List, Optional

from bot.core.settings import VAR_DIR
from bot.prod.layout import Layout
from bot.prod.stack import DEFAULT_MODEL, Stack


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.prod", description=__doc__)
    p.add_argument("command", choices=["up", "down", "status", "restart", "kill"])
    p.add_argument("name", nargs="?", help="process for restart/kill, e.g. actions-0, rasa-1")
    p.add_argument("--rasa", type=int, default=2, help="Rasa replicas (default 2)")
    p.add_argument("--actions", type=int, default=2, help="action servers (default 2)")
    p.add_argument("--base-port", type=int, default=7100, help="first of the stack's ports")
    p.add_argument("--var-dir", type=Path, default=VAR_DIR / "prod")
    p.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    p.add_argument("--no-seed", action="store_true", help="migrate only, no demo data")
    p.add_argument("--no-console", action="store_true")
    p.add_argument("--no-worker", action="store_true")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    layout = Layout(
        var_dir=args.var_dir.resolve(),
        base_port=args.base_port,
        rasa_replicas=args.rasa,
        action_replicas=args.actions,
    )
    stack = Stack(layout, model=args.model.resolve())
    if args.command == "up":
        try:
            urls = stack.up(
                seed=not args.no_seed, console=not args.no_console, worker=not args.no_worker
            )
        except Exception as e:
            print(f"prod: start-up failed: {e}\nlogs: {layout.log_dir}")
            return 1
        print("\nMadadgar production stack is up:")
        for name, url in urls.items():
            print(f"  {name:62} {url}")
        print(f"  {'RASA_TOKEN (Rasa HTTP API)':62} in {layout.var_dir / 'secrets.env'}")
        print(f"  {'logs':62} {layout.log_dir}")
        print("start-up seconds: " + json.dumps({k: round(v, 1) for k, v in stack.timings.items()}))
        return 0
    if args.command == "down":
        print("stopped: " + (", ".join(stack.down()) or "nothing was running"))
        return 0
    if args.command == "status":
        for name, pid in stack.status().items():
            print(f"  {name:16} {'running' if pid else 'stopped'}")
        print(f"(`madadgar status --var-dir {layout.var_dir}` adds health and restarts)")
        return 0
    if not args.name:
        print(f"{args.command} needs a process name")
        return 2
    if args.command == "kill":  # as a crash would: supervisord starts it again
        stack.kill(args.name)
        return 0
    # restart one process of the running stack (same environment and files)
    stack.restart(args.name)
    print(f"{args.name} answers after {stack.wait(args.name):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
