"""after the ticket: rating, appeals, closure, retaliation flag; consent and announcements

Revision ID: 0010_after_ticket
Revises: 0009_live_and_evidence
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_after_ticket"
down_revision = "0009_live_and_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("appeal_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("closure", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("retaliation_flag", sa.Boolean(), nullable=False, server_default=sa.false())
        )


    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("provider_id", sa.String(64), nullable=True))
    op.create_table(
        "outreach_consent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("address", sa.String(128), nullable=False),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("noticed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announcements", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel", "address", name="uq_outreach_consent_address"),
    )
    op.create_index("ix_outreach_consent_phone", "outreach_consent", ["phone"])
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_ur", sa.Text(), nullable=False),
        sa.Column("text_roman_ur", sa.Text(), nullable=False),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("programme", sa.String(32), nullable=True),
        sa.Column("enrolment_status", sa.String(16), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("announcement")
    op.drop_index("ix_outreach_consent_phone", table_name="outreach_consent")
    op.drop_table("outreach_consent")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("provider_id")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("retaliation_flag")
        batch.drop_column("closure")
        batch.drop_column("appeal_count")
        batch.drop_column("rated_at")
        batch.drop_column("rating")
