"""The 0002_tickets migration creates exactly the tables the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.core.db import Base
from bot.core.migrate import alembic_config
from bot.tickets import models

TABLES = {"ticket", "ticket_event", "ombudsman_referral", "outbox_message"}


def _differences(url: str) -> list:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()

    def table_of(diff) -> str:
        # ("add_index", Index) / ("add_table", Table) / ("add_column", schema, "ticket", col)
        kind, *rest = diff[0] if isinstance(diff, list) else diff
        first = rest[0] if rest else None
        if getattr(first, "table", None) is not None:
            return first.table.name
        if hasattr(first, "columns"):
            return first.name
        return rest[1] if len(rest) > 1 and isinstance(rest[1], str) else ""

    return [d for d in diffs if table_of(d) in TABLES]


def test_models_and_migration_agree_on_sqlite(db_url):
    assert models.Ticket.__tablename__ in inspect(create_engine(db_url)).get_table_names()
    assert _differences(db_url) == []


@pytest.mark.postgres
def test_models_and_migration_agree_on_postgresql(pg_db_url):
    assert _differences(pg_db_url) == []


def test_downgrade_removes_the_ticket_tables(db_url):
    command.downgrade(alembic_config(db_url), "0001_registry")
    assert not TABLES & set(inspect(create_engine(db_url)).get_table_names())
    command.upgrade(alembic_config(db_url), "0002_tickets")
    assert TABLES <= set(inspect(create_engine(db_url)).get_table_names())
