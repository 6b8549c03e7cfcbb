"""Verification as a server-side fact: a signed, expiring proof bound to conversation and CNIC.

Slots are data Rasa carries; anyone who can call the action server can write them. So a
successful identity check hands the conversation a proof the action server signed:
`<expiry>.<hmac(conversation id, CNIC reference, expiry)>`. Every disclosure checks it
against the conversation id the call is for and the CNIC it would disclose, and renews
it, so it lapses after VERIFY_IDLE_MINUTES without use. A `verified: true` slot, a
CNIC slot changed after the check, or a proof copied into another conversation proves
nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Optional

from bot.core.settings import get_settings

_LABEL = b"madadgar-verification-proof"


def _key() -> bytes:
    return hmac.new(get_settings().HASH_KEY.encode(), _LABEL, hashlib.sha256).digest()


def _signature(conversation: str, cnic: str, expires: int) -> str:
    message = f"{conversation}\n{cnic}\n{expires}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def issue(conversation: str, cnic: str, now: Optional[float] = None) -> str:
    """A proof that `conversation` is verified as `cnic`, valid for the idle window."""
    now = time.time() if now is None else now
    expires = int(now) + get_settings().VERIFY_IDLE_MINUTES * 60
    return f"{expires}.{_signature(conversation, cnic, expires)}"


def holds(proof: Optional[str], conversation: str, cnic: str, now: Optional[float] = None) -> bool:
    """True when `proof` was issued for this conversation and CNIC and has not lapsed."""
    if not proof or not cnic:
        return False
    expires_text, _, signature = str(proof).partition(".")
    if not expires_text.isdigit():
        return False
    expires = int(expires_text)
    now = time.time() if now is None else now
    if expires < now:
        return False
    return hmac.compare_digest(signature, _signature(conversation, cnic, expires))
