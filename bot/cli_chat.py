"""`madadgar chat`: talk to a running assistant."""

from __future__ import annotations

import argparse
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="madadgar chat")
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    args = parser.parse_args(argv)
    from bot.chat import chat

    chat(args.url)
    return 0
