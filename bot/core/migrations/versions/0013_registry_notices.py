"""registry imports and notices: state transitions, where citizens last wrote from, notices

Revision ID: 0013_registry_notices
Revises: 0012_ticket_covering_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_registry_notices"
down_revision = "0012_ticket_covering_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instalment") as batch:
        batch.add_column(sa.Column("collect_until", sa.Date(), nullable=True))
    op.create_table(
        "registry_transition",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "household_id",
            sa.Integer(),
            sa.ForeignKey("household.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "for_person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("programme", sa.String(32), nullable=True),
        sa.Column("quarter", sa.String(7), nullable=True),
        sa.Column("from_state", sa.String(24), nullable=True),
        sa.Column("to_state", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(100), nullable=True),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("collect_until", sa.Date(), nullable=True),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_registry_transition_household", "registry_transition", ["household_id", "id"]
    )
    op.create_table(
        "outreach_contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("address", sa.String(128), nullable=False),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "address", name="uq_outreach_contact_address"),
    )
    op.create_index("ix_outreach_contact_phone", "outreach_contact", ["phone"])
    op.create_table(
        "outreach_notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("transition_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("response", sa.String(80), nullable=False),
        sa.Column("channel", sa.String(24), nullable=True),
        sa.Column("recipient", sa.String(128), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_outreach_notice_household_day", "outreach_notice", ["household_id", "day"]
    )
    op.create_index("ix_outreach_notice_recipient", "outreach_notice", ["recipient"])


def downgrade() -> None:
    op.drop_table("outreach_notice")
    op.drop_table("outreach_contact")
    op.drop_table("registry_transition")
    with op.batch_alter_table("instalment") as batch:
        batch.drop_column("collect_until")
