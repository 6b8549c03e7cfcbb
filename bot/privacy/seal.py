"""Channel state sealed at rest.

Some channel state holds what a caller keyed in or heard: the CNIC digits waiting for
"press 1 to confirm", the prompt that read them back, the TwiML reply kept for Twilio's
retries. Those columns are stored sealed with Fernet (key derived from VAULT_KEY, its own
HKDF label), so a copy of the database tables gives nobody a CNIC. Values written before
sealing existed (no prefix) are read as they are.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Optional

from cryptography.fernet import Fernet, InvalidToken

from bot.core.settings import get_settings
from bot.privacy.vault import fernet_for

logger = logging.getLogger(__name__)
PREFIX = "sealed:"


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return fernet_for(key, b"madadgar-channel-state-seal")


def seal(text: Optional[str]) -> Optional[str]:
    """`text` encrypted for storage (None and "" stay as they are)."""
    if not text:
        return text
    token = _fernet(get_settings().vault_key).encrypt(text.encode("utf-8"))
    return PREFIX + token.decode("ascii")


def unseal(stored: Optional[str]) -> Optional[str]:
    """The text `seal` stored; None when it cannot be opened (HASH_KEY changed)."""
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet(get_settings().vault_key).decrypt(stored[len(PREFIX) :].encode()).decode()
    except (InvalidToken, ValueError):
        logger.warning("Sealed channel state could not be opened: was HASH_KEY changed?")
        return None


@lru_cache(maxsize=4)
def _file_fernet(key: str) -> Fernet:
    return fernet_for(key, b"madadgar-evidence-seal")


def seal_bytes(data: bytes) -> bytes:
    """A file (evidence) encrypted for storage, with its own key label."""
    return _file_fernet(get_settings().HASH_KEY).encrypt(data)


def unseal_bytes(stored: bytes) -> bytes:
    """The file `seal_bytes` stored (InvalidToken when HASH_KEY changed)."""
    return _file_fernet(get_settings().HASH_KEY).decrypt(stored)
