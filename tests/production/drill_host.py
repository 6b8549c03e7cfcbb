"""Starts one drill host's part of the stack; run inside that host's network namespace.

    ip netns exec NS python -m tests.production.drill_host datastores '{"var_dir": ..., ...}'
    ip netns exec NS python -m tests.production.drill_host rasa '{"var_dir": ..., ...}'

`datastores`: PostgreSQL and Redis listening on the host's address. `rasa`: bot.prod's
stack without datastores, console or worker: supervisord with a Rasa replica, an action
server, the action fallback and the host's nginx (which Rasa reaches its actions through).
Both leave their processes running and exit; the test stops them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.ops.procs import ProcessTable
from bot.prod.datastores import Postgres, Redis
from bot.prod.layout import Layout
from bot.prod.stack import Stack


def layout_of(config: dict) -> Layout:
    return Layout(
        var_dir=Path(config["var_dir"]),
        base_port=int(config["base_port"]),
        host=config["host"],
        rasa_replicas=int(config.get("rasa", 1)),
        action_replicas=int(config.get("actions", 1)),
        database_url=config.get("database_url"),
        tracker_db_url=config.get("tracker_db_url"),
        redis_url=config.get("redis_url"),
        extra_env=dict(config.get("env", {})),
    )


def main(argv: list) -> int:
    role, config = argv[0], json.loads(argv[1])
    layout = layout_of(config)
    if role == "datastores":
        Postgres(layout).start()
        Redis(layout, ProcessTable(layout.run_dir, layout.log_dir)).start()
        return 0
    stack = Stack(layout, model=Path(config["model"]))
    stack.up(seed=bool(config.get("seed")), console=False, worker=False)
    print(json.dumps({k: round(v, 1) for k, v in stack.timings.items()}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
