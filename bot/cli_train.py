"""`madadgar train`: train the model when its inputs changed."""

from __future__ import annotations

import argparse
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="madadgar train")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    from bot.train import ensure_model

    print(ensure_model(force=args.force))
    return 0
