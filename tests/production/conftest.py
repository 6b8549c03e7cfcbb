"""The production stack (own PostgreSQL and Redis, nginx, Rasa replicas) for end-to-end tests.

One stack per test session, started on the first test that asks for it. It runs its own
PostgreSQL and Redis rather than the shared pg_url/redis_url servers because the fault
tests restart them, which would break other tests using the session-wide servers.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from bot.prod.layout import Layout
from bot.prod.stack import DEFAULT_MODEL, Stack
from tests.production.ports import free_base_port


@pytest.fixture(scope="session")
def prod_stack() -> Iterator[Stack]:
    """2 Rasa replicas, 1 action server, nginx, PostgreSQL, Redis; demo data seeded."""
    assert DEFAULT_MODEL.exists(), f"needs the trained model {DEFAULT_MODEL} (make train)"
    # Not under pytest's tmp (mode 700): PostgreSQL runs as user postgres and must reach it.
    var_dir = Path(tempfile.mkdtemp(prefix="madadgar-prod-"))
    var_dir.chmod(0o755)
    layout = Layout(var_dir=var_dir, base_port=free_base_port(), rasa_replicas=2, action_replicas=1)
    stack = Stack(layout, model=DEFAULT_MODEL)
    try:
        stack.up(seed=True, console=False, worker=False)
        yield stack
    finally:
        stack.down()
        shutil.rmtree(var_dir, ignore_errors=True)
