"""ticket tables (ticket, ticket_event, referral, outbox)

Revision ID: 0002_tickets
Revises: 0001_registry
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0002_tickets"
down_revision = '0001_registry'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
