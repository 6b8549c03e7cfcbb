"""live takeover (conversations, their steps) and evidence attached to tickets

Revision ID: 0009_live_and_evidence
Revises: 0008_ticket_district_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_live_and_evidence"
down_revision = "0008_ticket_district_index"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "live_conversation",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("medium", sa.String(16), nullable=False),
        sa.Column("recipient", sa.Text, nullable=True),
        sa.Column("masked_phone", sa.String(32), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        _at("waiting_since", True),
        sa.Column("taken_by", sa.String(64), nullable=True),
        _at("taken_at", True),
        _at("last_staff_at", True),
        _at("updated_at"),
    )
    op.create_index("ix_live_conversation_state", "live_conversation", ["state"])
    op.create_table(
        "live_entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "conversation_id",
            sa.String(128),
            sa.ForeignKey("live_conversation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _at("at"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("outbox_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_live_entry_conversation_id", "live_entry", ["conversation_id"])
    op.create_table(
        "ticket_attachment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "ticket_id", sa.Integer, sa.ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        _at("received_at"),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("ticket_id", "sha256", name="uq_attachment_ticket_sha"),
    )
    op.create_index("ix_ticket_attachment_ticket_id", "ticket_attachment", ["ticket_id"])
    op.create_table(
        "pending_media",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        _at("received_at"),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_pending_media_sender_id", "pending_media", ["sender_id"])


def downgrade() -> None:
    op.drop_table("pending_media")
    op.drop_table("ticket_attachment")
    op.drop_table("live_entry")
    op.drop_table("live_conversation")
