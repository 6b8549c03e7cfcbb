"""Rasa's endpoints file reaches a Redis that wants a password, as managed Redis services do."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import yaml

from bot.core.settings import Settings
from bot.rasa_plugins.endpoints import endpoints, write_endpoints
from tests.auxil.servers import running_redis

PASSWORD = "lock-store-password-" + "x1y2" * 4


@pytest.fixture()
def redis_with_password() -> Iterator[int]:
    """A throwaway redis-server on loopback that refuses clients without PASSWORD."""
    with running_redis(password=PASSWORD) as port:
        yield port


@pytest.fixture(autouse=True)
def action_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa expands ${ACTION_SERVER_SECRET} while it reads the file."""
    monkeypatch.setenv("ACTION_SERVER_SECRET", "a" * 40)


def _lock_store(path: Path):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    return LockStore.create(read_endpoint_config(str(path), "lock_store"))


def test_the_lock_store_logs_in_with_the_url_s_password(
    redis_with_password: int, tmp_path: Path
) -> None:
    url = f"redis://:{PASSWORD}@127.0.0.1:{redis_with_password}/0"
    path = write_endpoints(tmp_path / "endpoints.yml", Settings(REDIS_URL=url))
    store = _lock_store(path)
    lock = store.create_lock("sms:+923001234567")
    store.save_lock(lock)
    assert store.get_lock("sms:+923001234567") is not None


def test_without_the_password_redis_refuses(redis_with_password: int, tmp_path: Path) -> None:
    import redis

    url = f"redis://127.0.0.1:{redis_with_password}/0"
    path = write_endpoints(tmp_path / "endpoints.yml", Settings(REDIS_URL=url))
    store = _lock_store(path)
    with pytest.raises(redis.AuthenticationError):
        store.save_lock(store.create_lock("sms:+923001234567"))


def test_a_tls_url_asks_for_tls() -> None:
    config = endpoints(Settings(REDIS_URL=f"rediss://:{PASSWORD}@redis.example.pk:6380/2"))
    lock = config["lock_store"]
    assert (lock["url"], lock["port"], lock["db"]) == ("redis.example.pk", 6380, 2)
    assert lock["use_ssl"] is True and lock["password"] == PASSWORD
    plain = yaml.safe_dump(endpoints(Settings(REDIS_URL="redis://10.0.0.6:6379/0")))
    assert "password" not in plain and "use_ssl" not in plain
