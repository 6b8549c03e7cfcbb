"""`madadgar setup`: database and demo data."""

from __future__ import annotations

import argparse
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="madadgar setup")
    parser.add_argument(
        "--households", type=int, default=2000, help="synthetic households beside the personas"
    )
    args = parser.parse_args(argv)
    from bot.setup_db import setup

    setup(synthetic_households=args.households)
    return 0
