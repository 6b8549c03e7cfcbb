"""channel state sealed at rest: a sealed keypad entry needs more than 64 characters

Revision ID: 0007_sealed_channel_state
Revises: 0006_privacy
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_sealed_channel_state"
down_revision = "0006_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channel_voice_call") as batch:
        batch.alter_column("pending_entry", type_=sa.Text, existing_type=sa.String(64))


def downgrade() -> None:
    # A sealed entry does not fit 64 characters; it is seconds-long call state: drop it
    # (a caller in the middle of keying a number is asked again).
    op.execute("UPDATE channel_voice_call SET pending_entry = NULL")
    with op.batch_alter_table("channel_voice_call") as batch:
        batch.alter_column("pending_entry", type_=sa.String(64), existing_type=sa.Text)
