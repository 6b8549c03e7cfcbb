"""The 0004_channels migration creates and drops the channel tables."""

from alembic import command
from sqlalchemy import create_engine, inspect

from bot.core.migrate import alembic_config

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


def test_a_sealed_keypad_entry_fits_the_voice_call_table_on_postgresql(pg_db_url):
    from sqlalchemy import text

    from bot.channels.store import CallState, load_call, save_call
    from bot.core.settings import reset_settings

    def column_type() -> str:
        engine = create_engine(pg_db_url, future=True)
        try:
            with engine.connect() as conn:
                return conn.execute(
                    text(
                        "SELECT data_type FROM information_schema.columns WHERE "
                        "table_name = 'channel_voice_call' AND column_name = 'pending_entry'"
                    )
                ).scalar_one()
        finally:
            engine.dispose()

    assert column_type() == "text"
    import os

    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = pg_db_url
    reset_settings()
    try:
        save_call(CallState("CA-pg", pending_entry="cnic:3520212345671"))
        assert load_call("CA-pg").pending_entry == "cnic:3520212345671"
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
        reset_settings()
    command.downgrade(alembic_config(pg_db_url), "0006_privacy")
    assert column_type() == "character varying"
    command.upgrade(alembic_config(pg_db_url), "head")
    assert column_type() == "text"
