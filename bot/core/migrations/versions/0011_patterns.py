"""causes and patterns: a cause and a payment point on every ticket, pattern cases

Revision ID: 0011_patterns
Revises: 0010_after_ticket
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_patterns"
down_revision = "0010_after_ticket"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_point",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("bank", sa.String(32), nullable=True),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("tehsil", sa.String(64), nullable=True),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_payment_point_district", "payment_point", ["district"])
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("cause", sa.String(32), nullable=True))
        batch.add_column(sa.Column("cause_set_by", sa.String(80), nullable=True))
        batch.add_column(sa.Column("payment_point_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("household_key", sa.String(40), nullable=True))
    op.create_index("ix_ticket_created", "ticket", ["created_at"])
    op.create_index("ix_ticket_point_created", "ticket", ["payment_point_id", "created_at"])
    op.create_table(
        "pattern_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(240), nullable=False),
        sa.Column(
            "payment_point_id",
            sa.Integer(),
            sa.ForeignKey("payment_point.id", name="fk_pattern_case_point"),
            nullable=True,
        ),
        sa.Column("cause", sa.String(32), nullable=True),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("tehsil", sa.String(64), nullable=True),
        sa.Column("queue", sa.String(160), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("amount_claimed", sa.Integer(), nullable=False),
        sa.Column("ticket_count", sa.Integer(), nullable=False),
        sa.Column("week_count", sa.Integer(), nullable=True),
        sa.Column("baseline_mean", sa.String(16), nullable=True),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(80), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_pattern_case_point_state", "pattern_case", ["payment_point_id", "state"]
    )
    op.create_index("ix_pattern_case_district_state", "pattern_case", ["district", "state"])
    op.create_table(
        "pattern_case_ticket",
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey(
                "pattern_case.id", ondelete="CASCADE", name="fk_pattern_case_ticket_case"
            ),
            primary_key=True,
        ),
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("ticket.id", ondelete="CASCADE", name="fk_pattern_case_ticket_ticket"),
            primary_key=True,
        ),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_pattern_case_ticket_ticket", "pattern_case_ticket", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_pattern_case_ticket_ticket", table_name="pattern_case_ticket")
    op.drop_table("pattern_case_ticket")
    op.drop_index("ix_pattern_case_district_state", table_name="pattern_case")
    op.drop_index("ix_pattern_case_point_state", table_name="pattern_case")
    op.drop_table("pattern_case")
    op.drop_index("ix_ticket_point_created", table_name="ticket")
    op.drop_index("ix_ticket_created", table_name="ticket")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("household_key")
        batch.drop_column("payment_point_id")
        batch.drop_column("cause_set_by")
        batch.drop_column("cause")
    op.drop_index("ix_payment_point_district", table_name="payment_point")
    op.drop_table("payment_point")
