"""channel tables (processed inbound messages, delivery status)

Revision ID: 0004_channels
Revises: 0003_console
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_channels"
down_revision = '0003_console'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
