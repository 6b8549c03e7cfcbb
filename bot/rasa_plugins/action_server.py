"""The action server that answers only Rasa: rasa_sdk's app behind a shared secret.

Rasa sends `Authorization: Bearer <ACTION_SERVER_SECRET>` with every action call (the
endpoints file bot.rasa_plugins.endpoints writes); any other request gets 401, so a caller on
the same network cannot run actions with slots of its choosing. It binds
ACTION_SERVER_HOST (127.0.0.1 unless a deployment puts action servers on other hosts).

    python -m bot.rasa_plugins.action_server --actions actions --port 5055
"""

from __future__ import annotations

import hmac
import logging
from typing import List, Optional

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.settings import InsecureSettings, get_settings

logger = logging.getLogger(__name__)

AUTH_HEADER = "Authorization"
SCHEME = "Bearer "
# Liveness only: says nothing and runs nothing (process managers and `make run` poll it).
OPEN_PATHS = ("/health",)


def authorization_value(secret: str) -> str:
    """The header value Rasa sends (bot.rasa_plugins.endpoints puts it in the endpoints file)."""
    return SCHEME + secret


def is_authorised(header: Optional[str], secret: str) -> bool:
    """True when `header` carries `secret`; compared in constant time."""
    given = (header or "").encode()
    return hmac.compare_digest(given, authorization_value(secret).encode())


def protect(app: Sanic, secret: str) -> Sanic:
    """Refuse every request but the health check unless it carries the secret."""

    @app.middleware("request")
    async def require_secret(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        if is_authorised(request.headers.get(AUTH_HEADER), secret):
            return None
        logger.warning("Refused an action call without the secret from %s", request.ip)
        return response.json({"error": "unauthorised"}, status=401)

    return app


def build_app(actions: str = "actions", secret: Optional[str] = None) -> Sanic:
    """rasa_sdk's app for `actions`, no CORS (browsers never call it), behind the secret."""
    settings = get_settings()
    settings.check_production()
    secret = secret or settings.ACTION_SERVER_SECRET
    return protect(create_app(actions, cors_origins=None), secret)


def main(argv: Optional[List[str]] = None) -> None:
    parser = create_argument_parser()
    parser.add_argument("--host", default=None, help="address to bind (ACTION_SERVER_HOST)")
    args = parser.parse_args(argv)
    try:
        get_settings().check_production()
    except InsecureSettings as refused:
        raise SystemExit(str(refused)) from None
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    host = args.host or get_settings().ACTION_SERVER_HOST
    app = build_app(args.actions)
    logger.info("Action server on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
