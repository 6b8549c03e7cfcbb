"""Register or remove the Telegram webhook: `python -m bot.channels.telegram_setup set|delete|info`.

Kept apart from the connector so the server starts even when Telegram is unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import List, Optional

from bot.channels.config import missing_settings, setting
from bot.channels.senders import telegram_bot
from bot.core.settings import get_settings

WEBHOOK_PATH = "/webhooks/telegram/webhook"


async def _run(action: str) -> str:
    settings = get_settings()
    bot = telegram_bot(settings)
    async with bot:
        if action == "set":
            url = str(setting("PUBLIC_BASE_URL", settings)).rstrip("/") + WEBHOOK_PATH
            await bot.set_webhook(
                url=url,
                secret_token=str(setting("TELEGRAM_SECRET_TOKEN", settings)),
                allowed_updates=["message", "callback_query"],
                drop_pending_updates=False,
            )
            return f"webhook set to {url}"
        if action == "delete":
            await bot.delete_webhook()
            return "webhook deleted"
        info = await bot.get_webhook_info()
        return f"url={info.url!r} pending={info.pending_update_count} last_error={info.last_error_message!r}"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["set", "delete", "info"])
    args = parser.parse_args(argv)
    missing = missing_settings("telegram", get_settings())
    if args.action == "set" and not setting("PUBLIC_BASE_URL"):
        missing.append("PUBLIC_BASE_URL")
    if missing:
        print(f"Set {', '.join(missing)} first.", file=sys.stderr)
        return 2
    print(asyncio.run(_run(args.action)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
