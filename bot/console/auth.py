"""Staff accounts: password hashing, sign-in checks, demo accounts, account creation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterable, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.models import QUEUE_KINDS, ROLES, StaffUser
from bot.core import audit
from bot.core.audit import AuditLog
from bot.core.clock import utcnow
from bot.core.settings import DEMO_PASSWORD

# scrypt cost: 16 MiB of memory per hash, about 50 ms; stored with the hash so it can grow.
_N, _R, _P = 2**14, 8, 1
_DUMMY_HASH: Optional[str] = None


def hash_password(password: str, *, n: int = _N, r: int = _R, p: int = _P) -> str:
    """scrypt$n$r$p$salt$hash, salt and hash in base64."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of `password` against a stored scrypt hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=2**26,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def get_user(session: Session, username: str) -> Optional[StaffUser]:
    return session.execute(
        select(StaffUser).where(StaffUser.username == username)
    ).scalar_one_or_none()


def authenticate(session: Session, username: str, password: str) -> Optional[StaffUser]:
    """The active user with this username and password, or None."""
    global _DUMMY_HASH
    user = get_user(session, (username or "").strip())
    if user is None or not user.active:
        # Spend the same time on unknown names, so timing doesn't reveal which exist.
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        verify_password(password or "", _DUMMY_HASH)
        return None
    return user if verify_password(password or "", user.password_hash) else None


def _clean_list(values: Iterable[str], allowed: Optional[Iterable[str]] = None) -> str:
    items = [v.strip() for v in values if v and v.strip()]
    if "*" in items:
        return "*"
    if allowed is not None:
        allowed_set = set(allowed)
        bad = [v for v in items if v not in allowed_set]
        if bad:
            raise ValueError(f"unknown queue kind(s): {', '.join(bad)}")
    return ",".join(dict.fromkeys(items))


def create_staff(
    session: Session,
    username: str,
    password: str,
    role: str,
    districts: Iterable[str],
    queues: Iterable[str] = ("*",),
    telegram_user_id: Optional[int] = None,
    telegram_chat_id: Optional[int] = None,
) -> StaffUser:
    """Add a staff account (or replace the details of an existing one)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or not username.strip():
        raise ValueError("username is required")
    if not password:
        raise ValueError("password is required")
    user = get_user(session, username.strip()) or StaffUser(username=username.strip())
    user.password_hash = hash_password(password)
    user.role = role
    user.districts = _clean_list(districts)
    user.queues = _clean_list(queues, QUEUE_KINDS)
    user.telegram_user_id = telegram_user_id
    user.telegram_chat_id = telegram_chat_id
    user.active = True
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    districts: str
    queues: str


DEMO_ACCOUNTS = (
    DemoAccount("sup-muzaffargarh", "supervisor", "Muzaffargarh", "*"),
    DemoAccount("agent-muzaffargarh", "agent", "Muzaffargarh", "*"),
    DemoAccount("agent-quetta", "agent", "Quetta", "*"),
    DemoAccount("admin", "admin", "*", "*"),
    DemoAccount("protection-desk", "protection", "*", "protection"),
    DemoAccount("integrity-muzaffargarh", "agent", "Muzaffargarh", "integrity"),
    DemoAccount("broadcaster", "broadcaster", "*", "district"),
)


def ensure_demo_staff(session: Session) -> List[StaffUser]:
    """Create the demo accounts that are missing (password `demo`); never touch others."""
    users = []
    for account in DEMO_ACCOUNTS:
        user = get_user(session, account.username)
        if user is None:
            user = create_staff(
                session,
                account.username,
                DEMO_PASSWORD,
                account.role,
                account.districts.split(","),
                account.queues.split(","),
            )
        users.append(user)
    return users


def accounts_with_demo_password(session: Session) -> List[str]:
    """Usernames of active accounts whose password is still the demo password."""
    users = session.execute(select(StaffUser).where(StaffUser.active.is_(True))).scalars()
    return [u.username for u in users if verify_password(DEMO_PASSWORD, u.password_hash)]


def set_password(session: Session, username: str, password: str) -> StaffUser:
    user = get_user(session, username)
    if user is None:
        raise LookupError(f"no staff user {username!r}")
    user.password_hash = hash_password(password)
    audit.record(session, user.username, "password_set")  # also lifts a sign-in lock
    session.flush()
    return user


def sign_in_lock_minutes(
    session: Session, username: str, max_failures: int, lock_minutes: int
) -> int:
    """Minutes until `username` may try a password again (0: not locked).

    After `max_failures` wrong passwords within `lock_minutes`, with no successful
    sign-in since, the account refuses every password (the right one too) until the
    oldest of those failures is `lock_minutes` old, or an administrator sets a new
    password: guessing gets a few tries an hour.
    """
    if max_failures <= 0:
        return 0
    now = utcnow()
    since = now - timedelta(minutes=lock_minutes)
    last_login = session.execute(
        select(AuditLog.at)
        .where(
            AuditLog.username == username,
            AuditLog.action.in_(("login", "password_set")),
            AuditLog.at >= since,
        )
        .order_by(AuditLog.at.desc())
        .limit(1)
    ).scalar()
    failures = list(
        session.execute(
            select(AuditLog.at)
            .where(
                AuditLog.username == username,
                AuditLog.action == "login_failed",
                AuditLog.at >= (last_login or since),
            )
            .order_by(AuditLog.at.desc())
            .limit(max_failures)
        ).scalars()
    )
    if len(failures) < max_failures:
        return 0
    left = failures[-1] + timedelta(minutes=lock_minutes) - now  # UTCDateTime: aware
    return max(1, math.ceil(left.total_seconds() / 60))
