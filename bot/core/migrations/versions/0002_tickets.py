"""ticket tables (ticket, ticket_event, referral, outbox)

Revision ID: 0002_tickets
Revises: 0001_registry
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_tickets"
down_revision = "0001_registry"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("cnic", sa.String(13), nullable=True),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("programme", sa.String(64), nullable=True),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("tehsil", sa.String(64), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("location_text", sa.Text(), nullable=False),
        sa.Column("incident_date_text", sa.String(128), nullable=False),
        sa.Column("agent_name", sa.String(128), nullable=True),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(160), nullable=False),
        sa.Column("routing_rule", sa.String(64), nullable=False),
        _ts("deadline_at"),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        _ts("resolved_at"),
        _ts("closed_at"),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("vulnerable", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("reopen_count", sa.Integer(), nullable=False, server_default="0"),
        _ts("ombudsman_referred_at"),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("number", name="uq_ticket_number"),
    )
    op.create_index("ix_ticket_cnic", "ticket", ["cnic"])
    op.create_index("ix_ticket_state_deadline", "ticket", ["state", "deadline_at"])
    op.create_index("ix_ticket_queue_state", "ticket", ["queue", "state"])

    op.create_table(
        "ticket_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("ticket.id", ondelete="CASCADE", name="fk_ticket_event_ticket"),
            nullable=False,
        ),
        _ts("at", nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("from_state", sa.String(24), nullable=True),
        sa.Column("to_state", sa.String(24), nullable=True),
        sa.Column("from_level", sa.Integer(), nullable=True),
        sa.Column("to_level", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("queue", sa.String(160), nullable=True),
        sa.Column("channel", sa.String(24), nullable=True),
    )
    op.create_index("ix_ticket_event_ticket", "ticket_event", ["ticket_id", "id"])
    op.create_index("ix_ticket_event_queue_kind", "ticket_event", ["queue", "kind"])

    op.create_table(
        "ombudsman_referral",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("ticket.id", ondelete="CASCADE", name="fk_ombudsman_referral_ticket"),
            nullable=False,
        ),
        _ts("referred_at", nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.UniqueConstraint("ticket_id", name="uq_ombudsman_referral_ticket"),
        sa.UniqueConstraint("reference", name="uq_ombudsman_referral_reference"),
    )

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("ticket.id", ondelete="SET NULL", name="fk_outbox_message_ticket"),
            nullable=True,
        ),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("response", sa.String(80), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        _ts("next_attempt_at", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("created_at", nullable=False),
        _ts("sent_at"),
        sa.Column("dedupe_key", sa.String(160), nullable=False),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_message_dedupe_key"),
    )
    op.create_index("ix_outbox_status_due", "outbox_message", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_due", table_name="outbox_message")
    op.drop_table("outbox_message")
    op.drop_table("ombudsman_referral")
    op.drop_index("ix_ticket_event_queue_kind", table_name="ticket_event")
    op.drop_index("ix_ticket_event_ticket", table_name="ticket_event")
    op.drop_table("ticket_event")
    op.drop_index("ix_ticket_queue_state", table_name="ticket")
    op.drop_index("ix_ticket_state_deadline", table_name="ticket")
    op.drop_index("ix_ticket_cnic", table_name="ticket")
    op.drop_table("ticket")
