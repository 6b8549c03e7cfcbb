"""Checking that a webhook request really comes from Twilio (X-Twilio-Signature)."""

from __future__ import annotations

import logging
from typing import Dict, Optional
from urllib.parse import parse_qs

from sanic.request import Request
from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)


def public_url(base_url: str, request: Request) -> str:
    """The URL Twilio called: PUBLIC_BASE_URL plus the path and query it saw.

    Behind a proxy the request's own host and scheme are not what Twilio signed.
    """
    url = base_url.rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string
    return url


def form_params(request: Request) -> Dict[str, str]:
    """The POSTed form as single values, empty ones kept: Twilio signs `Body=` too."""
    if "x-www-form-urlencoded" in (request.content_type or ""):
        parsed = parse_qs((request.body or b"").decode("utf-8"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}
    return {k: v[0] if isinstance(v, list) else v for k, v in (request.form or {}).items()}


def is_from_twilio(request: Request, auth_token: Optional[str], base_url: Optional[str]) -> bool:
    """True when X-Twilio-Signature matches the auth token, URL and parameters."""
    signature = request.headers.get("X-Twilio-Signature")
    if not (signature and auth_token and base_url):
        return False
    url = public_url(base_url, request)
    ok = RequestValidator(auth_token).validate(url, form_params(request), signature)
    if not ok:
        logger.warning("Refused a request to %s with a wrong Twilio signature", request.path)
    return bool(ok)


def sign(auth_token: str, url: str, params: Dict[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send (used by the simulator and tests)."""
    return RequestValidator(auth_token).compute_signature(url, params)
