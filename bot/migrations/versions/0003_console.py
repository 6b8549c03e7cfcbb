"""console tables (staff_user, audit_log)

Revision ID: 0003_console
Revises: 0002_tickets
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_console"
down_revision = '0002_tickets'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
