"""channel tables (processed inbound messages, delivery status)

Revision ID: 0004_channels
Revises: 0003_console
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_channels"
down_revision = '0003_console'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_processed_webhook",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("sender", sa.String(64), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "key", name="uq_channel_processed_key"),
    )
    op.create_index(
        "ix_channel_processed_webhook_sender", "channel_processed_webhook", ["sender"]
    )
    op.create_table(
        "channel_sender_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("choices", sa.Text(), nullable=True),
        sa.Column("more_text", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "sender", name="uq_channel_sender"),
    )
    op.create_table(
        "channel_voice_call",
        sa.Column("call_sid", sa.String(64), primary_key=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("no_input", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("misunderstood", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_prompt", sa.Text(), nullable=True),
        sa.Column("pending_entry", sa.String(64), nullable=True),
        sa.Column("choices", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "channel_delivery_status",
        sa.Column("message_sid", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("recipient_masked", sa.String(64), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("error_code", sa.String(16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channel_delivery_status")
    op.drop_table("channel_voice_call")
    op.drop_table("channel_sender_state")
    op.drop_index("ix_channel_processed_webhook_sender", table_name="channel_processed_webhook")
    op.drop_table("channel_processed_webhook")
