"""Alembic environment: the URL comes from the application settings."""

from alembic import context
from sqlalchemy import create_engine, pool, text

# Every table module, so that Base.metadata knows all tables.
from bot.assistant import models as assistant_models  # noqa: F401
from bot.channels import models as channel_models  # noqa: F401
from bot.console import models as console_models  # noqa: F401
from bot.core import audit as audit_models  # noqa: F401
from bot.core import outbox as outbox_models  # noqa: F401
from bot.core import passes as pass_models  # noqa: F401
from bot.core.db import Base
from bot.core.settings import get_settings
from bot.evidence import models as evidence_models  # noqa: F401
from bot.live import models as live_models  # noqa: F401
from bot.outreach import models as outreach_models  # noqa: F401
from bot.patterns import models as pattern_models  # noqa: F401
from bot.privacy import models as privacy_models  # noqa: F401
from bot.registry import models as registry_models  # noqa: F401
from bot.tickets import models as ticket_models  # noqa: F401

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("url") or get_settings().DATABASE_URL


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


# Several hosts may start at once against one PostgreSQL (the Rasa hosts of the failover
# drill, replicas coming up together): without a lock two of them create alembic_version
# at the same moment and one fails on a duplicate type. A transaction-scoped advisory lock
# makes the later one wait and then find the schema current.
MIGRATION_LOCK = 7305114


def _one_at_a_time(conn) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            _one_at_a_time(connection)
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool, future=True)
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=conn.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            _one_at_a_time(conn)
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
