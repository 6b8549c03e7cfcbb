"""Real-looking production secrets for tests that run outside demo mode."""

from __future__ import annotations

import secrets
from typing import Dict

NAMES = (
    "HASH_KEY",
    "VAULT_KEY",
    "CONSOLE_SECRET_KEY",
    "ACTION_SERVER_SECRET",
    "REST_CHANNEL_TOKEN",
)


def production_secrets() -> Dict[str, str]:
    """A distinct random value (43 characters) for each secret the settings require."""
    return {name: secrets.token_urlsafe(32) for name in NAMES}
