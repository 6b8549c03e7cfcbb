"""`madadgar` command line: one entry point, each command implemented in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

# command -> (module with main(argv), help)
COMMANDS = {
    "run": ("bot.cli.run", "set up, train if needed, start every service and open a chat"),
    "setup": ("bot.cli.setup", "create or upgrade the database and load the demo data"),
    "train": ("bot.cli.train", "train the model if its inputs changed (--force to always)"),
    "chat": ("bot.cli.chat", "chat in the terminal with a running assistant"),
    "simulate": (
        "bot.channels.simulate",
        "play SMS, WhatsApp, voice or Telegram against the local server",
    ),
    "generate": ("bot.registry.generator", "write a synthetic registry (--households N --seed S)"),
    "staff": ("bot.console.cli", "staff accounts, registry import, escalation pass"),
    "admin": (
        "bot.console.cli",
        "admin tasks: `registry seed|generate`, `escalate`, `demo`, `patterns`, `report`",
    ),
    "worker": ("bot.cli.worker", "run the escalation scheduler and the notification outbox"),
    "console": ("bot.console.__main__", "serve the staff console"),
    "status": (
        "bot.ops.status",
        "each service of `make run` (or --var-dir var/prod): health, restarts",
    ),
    "backup": ("bot.ops.backup", "write a consistent copy of the databases and the vault key"),
    "restore": (
        "bot.ops.backup",
        "load a backup (`madadgar restore FILE`), checked table by table",
    ),
}


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help") or argv[0] not in COMMANDS:
        parser = argparse.ArgumentParser(prog="madadgar", description="Madadgar helpline")
        sub = parser.add_subparsers(dest="command", metavar="COMMAND")
        for name, (_, text) in COMMANDS.items():
            sub.add_parser(name, help=text)
        parser.print_help()
        return 0 if argv and argv[0] in ("-h", "--help", "help") else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    # `madadgar staff add …` → the console CLI's own `staff add …`; backup and restore
    # share one module that tells them apart the same way.
    rest = argv if argv[0] in ("staff", "backup", "restore") else argv[1:]
    return int(module.main(rest) or 0)
