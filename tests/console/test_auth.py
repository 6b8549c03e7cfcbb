"""Staff accounts: hashing, demo accounts, and the refusal to run production on demo passwords."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.console.app import StartupRefused, check_startup
from bot.console.auth import (
    authenticate,
    create_staff,
    ensure_demo_staff,
    hash_password,
    set_password,
    verify_password,
)
from bot.console.models import StaffUser
from bot.core.settings import Settings
from tests.auxil.secrets import production_secrets


def test_passwords_are_salted_scrypt_hashes() -> None:
    a, b = hash_password("demo"), hash_password("demo")
    assert a != b and a.startswith("scrypt$") and "demo" not in a
    assert verify_password("demo", a) and not verify_password("Demo", a)
    assert not verify_password("demo", "plain-text-in-the-database")


def test_demo_staff_is_created_once(session) -> None:  # type: ignore[no-untyped-def]
    ensure_demo_staff(session)
    set_password(session, "admin", "a-real-password")
    ensure_demo_staff(session)  # must not reset the changed password
    users = session.execute(select(StaffUser).order_by(StaffUser.username)).scalars().all()
    assert [(u.username, u.role, u.districts) for u in users] == [
        ("admin", "admin", "*"),
        ("agent-muzaffargarh", "agent", "Muzaffargarh"),
        ("agent-quetta", "agent", "Quetta"),
        ("broadcaster", "broadcaster", "*"),
        ("integrity-muzaffargarh", "agent", "Muzaffargarh"),
        ("protection-desk", "protection", "*"),
        ("sup-muzaffargarh", "supervisor", "Muzaffargarh"),
    ]
    assert authenticate(session, "agent-quetta", "demo") is not None
    assert authenticate(session, "admin", "demo") is None
    assert authenticate(session, "admin", "a-real-password") is not None


def test_disabled_accounts_cannot_sign_in(session) -> None:  # type: ignore[no-untyped-def]
    user = create_staff(session, "left-the-job", "password-123", "agent", ["Quetta"])
    user.active = False
    assert authenticate(session, "left-the-job", "password-123") is None


def test_unknown_queue_kinds_are_refused(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown queue kind"):
        create_staff(session, "x", "password-123", "agent", ["Quetta"], ["payment"])


def test_production_refuses_demo_passwords(session, db_url) -> None:  # type: ignore[no-untyped-def]
    ensure_demo_staff(session)
    session.commit()
    prod = Settings(DATABASE_URL=db_url, DEMO_MODE=False, **production_secrets())
    with pytest.raises(StartupRefused, match="agent-muzaffargarh"):
        check_startup(prod)
    names = (
        "admin",
        "agent-muzaffargarh",
        "agent-quetta",
        "sup-muzaffargarh",
        "protection-desk",
        "broadcaster",
        "integrity-muzaffargarh",
    )
    for name in names:
        set_password(session, name, f"{name}-strong-password")
    session.commit()
    check_startup(prod)  # now it starts
    check_startup(Settings(DATABASE_URL=db_url, DEMO_MODE=True))


def test_production_refuses_the_placeholder_secret(db_url) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="CONSOLE_SECRET_KEY"):
        check_startup(Settings(DATABASE_URL=db_url, DEMO_MODE=False))
