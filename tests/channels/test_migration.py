"""The 0004_channels migration creates and drops the channel tables."""

from alembic import command
from sqlalchemy import create_engine, inspect

from bot.migrate import alembic_config

TABLES = {
    "channel_processed_webhook",
    "channel_sender_state",
    "channel_voice_call",
    "channel_delivery_status",
}


def _tables(url: str) -> set:
    engine = create_engine(url, future=True)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_and_downgrade_drops_the_channel_tables(db_url):
    assert TABLES <= _tables(db_url)
    command.downgrade(alembic_config(db_url), "0003_console")
    assert not TABLES & _tables(db_url)
    command.upgrade(alembic_config(db_url), "head")
    assert TABLES <= _tables(db_url)
