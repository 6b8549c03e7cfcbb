"""The throwaway PostgreSQL and Redis servers that the fixtures start really answer."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import create_engine, text


@pytest.mark.postgres
def test_postgres_is_a_real_server(pg_url):
    engine = create_engine(pg_url, future=True)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select version()")).scalar_one().startswith("PostgreSQL")
            assert "127.0.0.1" in pg_url
    finally:
        engine.dispose()


@pytest.mark.redis
def test_redis_is_a_real_server(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.set("madadgar:test", "ok", ex=10)
    assert client.get("madadgar:test") == b"ok"
    client.close()
