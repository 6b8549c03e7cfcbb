"""The CNIC vault: CNICs swapped for references before Rasa stores a message, and back.

The channels call `substitute_text` on every incoming message, so the tracker store only
ever holds references (``CNIC#…``); the actions' services call `real_cnic` when they need
the digits (registry look-ups, the ticket, which staff must be able to read). The digits
are kept sealed with Fernet under a key derived from VAULT_KEY, in their own table, so a
copy of the tracker store or of the logs alone gives nobody a CNIC. Anything in the shape of
a CNIC is vaulted, valid or not: a CNIC mistyped by one digit is still almost all of a real
person's CNIC. The assistant reads what is wrong with it from the vaulted digits.
References are keyed by HASH_KEY: changing it (or VAULT_KEY) orphans existing references,
and conversations then ask for the CNIC again.
"""

from __future__ import annotations

import base64
import logging
import re
from contextlib import contextmanager
from typing import Iterator, List, Optional, Tuple

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.db import session_scope
from bot.core.identifiers import ascii_digits, mask_cnic, normalise_cnic
from bot.core.reference import canonical, find_references, is_reference, make_reference
from bot.core.settings import get_settings
from bot.privacy.models import VaultedCnic

logger = logging.getLogger(__name__)

# Enough passes to reach text with no CNIC left; each pass removes at least 13 digits.
_MAX_PASSES = 8
_WORDLIKE = re.compile(r"[\w#]")


def fernet_for(key: str, label: bytes = b"madadgar-cnic-vault-seal") -> Fernet:
    """A Fernet key derived from `key` for one use (`label`): one secret, separate keys."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def cnic_spans(text: str) -> List[Tuple[int, int, str]]:
    """(start, end, digits) of each CNIC in `text`, and of each number shaped like one.

    The CNICs the NLU finds, 13 digits grouped oddly ("32303-990000-12"), and the tries
    that are not valid CNICs at all (a wrong first digit, 12 or 14 digits).
    """
    from bot.nlu.extract import extract_entities  # the gazetteers load on first use only
    from bot.nlu.normalise import as_text, normalise_with_offsets
    from bot.nlu.numbers import find_number_runs

    entities = extract_entities(text)
    spans = [
        (e.start, e.end, e.value)
        for e in entities
        if e.entity == "cnic" and not is_reference(e.value)
    ]
    taken = [(e.start, e.end) for e in entities]
    norm = normalise_with_offsets(as_text(text))
    for run in find_number_runs(norm.text):
        digits = run.cnic_attempt
        if digits:
            start, end = norm.to_original(run.start, run.end)
            if not any(s < end and start < e for s, e in taken):
                spans.append((start, end, normalise_cnic(digits) or digits))
    return sorted(spans)


def cnic_shaped(value: str) -> Optional[str]:
    """The digits of a valid CNIC, or of a number shaped like one (12-14 digits); else None."""
    digits = normalise_cnic(value)
    if digits:
        return digits
    digits = re.sub(r"\D", "", ascii_digits(value or ""))
    return digits if 12 <= len(digits) <= 14 else None


def _insert_once(session: Session, reference: str, sealed: str) -> None:
    """Insert the row unless another process just did (same CNIC, same moment)."""
    values = {"reference": reference, "sealed": sealed, "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        session.add(VaultedCnic(**values))
        session.flush()
        return
    session.execute(insert(VaultedCnic).values(**values).on_conflict_do_nothing())


class CnicVault:
    """Puts CNICs away under their references and gives them back.

    With a `session` the vault works inside the caller's transaction; without one each
    call uses its own short transaction on the configured database.
    """

    def __init__(
        self,
        session: Optional[Session] = None,
        key: Optional[str] = None,
        seal_key: Optional[str] = None,
    ) -> None:
        """`key` makes references (HASH_KEY); `seal_key` encrypts the digits (VAULT_KEY)."""
        self.session = session
        self.key = key or get_settings().HASH_KEY
        self._seal = fernet_for(seal_key or key or get_settings().vault_key)

    @contextmanager
    def _db(self) -> Iterator[Session]:
        if self.session is not None:
            yield self.session
        else:
            with session_scope() as session:
                yield session

    def reference(self, cnic: str) -> str:
        """The reference of a valid CNIC (any typed form), without storing it."""
        digits = normalise_cnic(cnic)
        if digits is None:
            raise ValueError("not a valid CNIC")
        return make_reference(digits, self.key)

    def put(self, cnic: str) -> str:
        """Store a CNIC, or a number shaped like one, (once) and return its reference,
        e.g. ``CNIC#kq7xbt…``."""
        digits = cnic_shaped(cnic)
        if digits is None:
            raise ValueError("not shaped like a CNIC")
        reference = make_reference(digits, self.key)
        with self._db() as session:
            if session.get(VaultedCnic, reference) is None:
                sealed = self._seal.encrypt(digits.encode("ascii")).decode("ascii")
                _insert_once(session, reference, sealed)
        return reference

    def resolve(self, reference: str) -> Optional[str]:
        """The 13 digits behind `reference`, or None when it is unknown here."""
        if not is_reference(reference):
            return None
        with self._db() as session:
            row = session.get(VaultedCnic, canonical(reference))
            sealed = row.sealed if row is not None else None
        if sealed is None:
            return None
        try:
            return self._seal.decrypt(sealed.encode("ascii")).decode("ascii")
        except InvalidToken:
            logger.warning("A vaulted CNIC could not be unsealed: was HASH_KEY changed?")
            return None

    def real_cnic(self, value: Optional[str]) -> Optional[str]:
        """13 digits from a reference or from a CNIC typed in any form; None otherwise."""
        if not value:
            return None
        refs = find_references(str(value))
        if refs:
            return self.resolve(refs[0][2])
        return normalise_cnic(str(value))

    def substitute(self, text: str) -> str:
        """`text` with every CNIC, and every number shaped like one, replaced by its
        reference (stored in the vault)."""
        if not text or not any(ch.isdigit() for ch in text):
            return text
        for _ in range(_MAX_PASSES):
            spans = cnic_spans(text)
            if not spans:
                break
            for start, end, digits in reversed(spans):
                reference = self.put(digits)
                before = " " if start > 0 and _WORDLIKE.match(text[start - 1]) else ""
                after = " " if end < len(text) and _WORDLIKE.match(text[end]) else ""
                text = f"{text[:start]}{before}{reference}{after}{text[end:]}"
        return text


def substitute_text(text: Optional[str]) -> Optional[str]:
    """What the channels hand to Rasa: `text` with its CNICs vaulted (own transaction)."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    with session_scope() as session:
        return CnicVault(session).substitute(text)


def real_cnic(session: Session, value: Optional[str]) -> Optional[str]:
    """The CNIC digits a slot value stands for (a reference or the digits themselves)."""
    return CnicVault(session).real_cnic(value)


def describe_references(session: Session, text: str) -> str:
    """`text` for staff: each reference shown as the masked CNIC it stands for."""
    refs = find_references(text or "")
    if not refs:
        return text
    vault = CnicVault(session)
    for start, end, reference in reversed(refs):
        cnic = vault.resolve(reference)
        text = f"{text[:start]}{mask_cnic(cnic) if cnic else 'CNIC'}{text[end:]}"
    return text
