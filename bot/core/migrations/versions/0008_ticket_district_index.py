"""tickets indexed by district, state and deadline: a district's queue and dashboard

Revision ID: 0008_ticket_district_index
Revises: 0007_sealed_channel_state
"""

from alembic import op

revision = "0008_ticket_district_index"
down_revision = "0007_sealed_channel_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A district supervisor's queue (open tickets, soonest deadline first) and dashboard
    # read only their district's rows instead of the whole table (bench/console_scale.py).
    op.create_index(
        "ix_ticket_district_state_deadline", "ticket", ["district", "state", "deadline_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_district_state_deadline", table_name="ticket")
