"""tickets: covering indexes for a district's dashboard, an ordered one for its open queue

Revision ID: 0012_ticket_covering_indexes
Revises: 0011_patterns
"""

from alembic import op

revision = "0012_ticket_covering_indexes"
down_revision = "0011_patterns"
branch_labels = None
depends_on = None

# The dashboard's figures read these columns of every ticket of a district (100,000 at a
# million tickets): held in the index, PostgreSQL counts them from it alone (index-only
# scan) instead of reading 100,000 table rows (bench/console_scale.py).
DASHBOARD_COLUMNS = [
    "queue",
    "category",
    "programme",
    "resolved_at",
    "closed_at",
    "created_at",
    "reopen_count",
    "appeal_count",
    "escalated",
    "ombudsman_referred_at",
]
OPEN_STATES = "('new', 'assigned', 'in_progress', 'awaiting_citizen', 'reopened')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_ticket_district_state_deadline", table_name="ticket")
        op.create_index(
            "ix_ticket_district_state_deadline",
            "ticket",
            ["district", "state", "deadline_at"],
            postgresql_include=DASHBOARD_COLUMNS,
        )
        # The dashboard's median resolution time: the middle of a district's resolved
        # tickets in order of their resolution time, read from the index instead of
        # sorting them all (bot.tickets.stats._median writes the same expression).
        op.execute(
            "CREATE INDEX ix_ticket_district_resolve_seconds ON ticket "
            "(district, (EXTRACT(epoch FROM resolved_at - created_at))) "
            "INCLUDE (queue, resolved_at, created_at) WHERE resolved_at IS NOT NULL"
        )
    # The queue page: a district's open tickets in the queue's order (no deadline last,
    # then the nearest deadline): the first page is read in order, without sorting every
    # open ticket of the district.
    op.execute(
        "CREATE INDEX ix_ticket_open_queue ON ticket "
        "(district, (deadline_at IS NULL), deadline_at, id) "
        f"WHERE state IN {OPEN_STATES}"
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_open_queue", table_name="ticket")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_ticket_district_resolve_seconds", table_name="ticket")
        op.drop_index("ix_ticket_district_state_deadline", table_name="ticket")
        op.create_index(
            "ix_ticket_district_state_deadline", "ticket", ["district", "state", "deadline_at"]
        )
