"""privacy tables (CNIC vault)

Revision ID: 0006_privacy
Revises: 0005_assistant
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_privacy"
down_revision = "0005_assistant"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_cnic_vault",
        sa.Column("reference", sa.String(40), primary_key=True),
        sa.Column("sealed", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_cnic_vault")
