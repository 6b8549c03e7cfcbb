"""CNIC references: the token that stands for a CNIC wherever the conversation is stored.

A reference looks like ``CNIC#kq7xbt2rm…``: a keyed HMAC of the CNIC, so the same CNIC
always gets the same reference and nobody without HASH_KEY can compute or reverse one.
Its body alternates letters and single digits on purpose: it never holds two digits in a
row, so no digit rule (CNIC, phone, amount, date, log masking) can read a number out of it,
and the language identifier skips it like any other identifier that contains a digit.
Plain functions, no database: the NLU extractor and the log filter use them too.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import List, Optional, Tuple

PREFIX = "CNIC#"
# Consonants only, so a reference never spells a word; digits stand alone between them.
_LETTERS = "bcdfghjkmnpqrstvwxz"
_DIGITS = "23456789"
_GROUPS = 6  # (19 * 8 * 19) ** 6 is about 2 ** 69 references
_BODY = rf"(?:[{_LETTERS}][{_DIGITS}][{_LETTERS}]){{{_GROUPS}}}"
# In folded (lower-case) text as the NLU sees it, and in text as typed.
REFERENCE = re.compile(rf"(?<![\w#])cnic#({_BODY})(?!\w)", re.IGNORECASE)
# What the intent classifier should see in place of a reference: a CNIC as most people
# type it (the example the assistant itself gives), so a message that only carries a
# reference is classified like one that carries the CNIC.
CLASSIFIER_LEMMA = "35202-1234567-1"


def make_reference(cnic: str, key: str) -> str:
    """The reference of 13 CNIC digits under `key` (settings.HASH_KEY)."""
    digest = hmac.new(
        key.encode("utf-8"), b"madadgar-cnic-reference\x00" + cnic.encode("ascii"), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest, "big")
    body = []
    for _ in range(_GROUPS):
        for alphabet in (_LETTERS, _DIGITS, _LETTERS):
            number, index = divmod(number, len(alphabet))
            body.append(alphabet[index])
    return PREFIX + "".join(body)


def is_reference(value: object) -> bool:
    """True when `value` is exactly one reference (any letter case)."""
    return isinstance(value, str) and REFERENCE.fullmatch(value.strip()) is not None


def canonical(value: str) -> str:
    """``CNIC#`` and the lower-case body, however the reference was typed."""
    m = REFERENCE.search(value)
    if m is None:
        raise ValueError("not a CNIC reference")
    return PREFIX + m.group(1).lower()


def find_references(text: str) -> List[Tuple[int, int, str]]:
    """(start, end, canonical reference) for every reference in `text`."""
    return [(m.start(), m.end(), PREFIX + m.group(1).lower()) for m in REFERENCE.finditer(text)]


def first_reference(text: object) -> Optional[str]:
    """The first reference in `text`, canonical, or None."""
    if not isinstance(text, str):
        return None
    found = find_references(text)
    return found[0][2] if found else None
