"""console tables (staff_user, audit_log, staff_alert)

Revision ID: 0003_console
Revises: 0002_tickets
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_console"
down_revision = "0002_tickets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False, server_default="agent"),
        sa.Column("districts", sa.String(1000), nullable=False, server_default=""),
        sa.Column("queues", sa.String(255), nullable=False, server_default="*"),
        sa.Column("telegram_chat_id", sa.BigInteger, nullable=True),
        sa.Column("telegram_user_id", sa.BigInteger, nullable=True, unique=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("ticket_number", sa.String(16), nullable=True),
        sa.Column("subject", sa.String(255), nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_username", "audit_log", ["username"])
    op.create_index("ix_audit_log_ticket_number", "audit_log", ["ticket_number"])
    op.create_table(
        "staff_alert",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedupe_key", sa.String(160), nullable=False, unique=True),
        sa.Column("ticket_number", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.BigInteger, nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_alert_ticket_number", "staff_alert", ["ticket_number"])


def downgrade() -> None:
    op.drop_index("ix_staff_alert_ticket_number", table_name="staff_alert")
    op.drop_table("staff_alert")
    op.drop_index("ix_audit_log_ticket_number", table_name="audit_log")
    op.drop_index("ix_audit_log_username", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("staff_user")
