"""outbox claims for several workers; when a scheduled pass last ran

Revision ID: 0014_outbox_claims
Revises: 0013_registry_notices
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_outbox_claims"
down_revision = "0013_registry_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "scheduler_pass",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ran_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scheduler_pass")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
