"""assistant tables (verification attempts)

Revision ID: 0005_assistant
Revises: 0004_channels
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_assistant"
down_revision = "0004_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_attempt",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cnic_key", sa.String(64), nullable=False),
        sa.Column("sender_key", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    op.create_index("ix_verification_attempt_cnic_at", "verification_attempt", ["cnic_key", "at"])
    op.create_index("ix_verification_attempt_sender_at", "verification_attempt", ["sender_key", "at"])


def downgrade() -> None:
    op.drop_table("verification_attempt")
