"""registry tables (household, person, enrolment, instalment)

Revision ID: 0001_registry
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_registry"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pmt_score", sa.Float(), nullable=False),
        sa.Column("district", sa.String(64), nullable=False),
        sa.Column("tehsil", sa.String(64), nullable=False),
        sa.Column("survey_date", sa.Date(), nullable=False),
        sa.Column("address", sa.String(200), nullable=True),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "household_id",
            sa.Integer(),
            sa.ForeignKey("household.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("cnic", sa.String(13), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("gender", sa.String(12), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("relation", sa.String(12), nullable=False),
        sa.Column("marital_status", sa.String(12), nullable=False),
        sa.Column("disability", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("cnic_issue_date", sa.Date(), nullable=True),
        sa.Column("cnic_expiry_date", sa.Date(), nullable=True),
        sa.Column("government_employee", sa.Boolean(), nullable=False),
        sa.Column("tax_payer", sa.Boolean(), nullable=False),
        sa.Column("other_exclusion", sa.String(32), nullable=True),
        sa.Column("school_level", sa.String(20), nullable=True),
        sa.Column("maternal_status", sa.String(12), nullable=True),
    )
    # Unique CNIC index: the lookup every conversation starts with (10 million persons).
    op.create_index("ux_person_cnic", "person", ["cnic"], unique=True)
    op.create_index("ix_person_household_id", "person", ["household_id"])
    op.create_table(
        "enrolment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "household_id",
            sa.Integer(),
            sa.ForeignKey("household.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("programme", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("since", sa.Date(), nullable=True),
    )
    op.create_index("ix_enrolment_person_programme", "enrolment", ["person_id", "programme"])
    op.create_index("ix_enrolment_household_id", "enrolment", ["household_id"])
    op.create_table(
        "instalment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("programme", sa.String(32), nullable=False),
        sa.Column("quarter", sa.String(7), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("bank", sa.String(32), nullable=True),
        sa.Column("agent", sa.String(100), nullable=True),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column(
            "for_person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_instalment_person_programme_quarter",
        "instalment",
        ["person_id", "programme", "quarter"],
    )


def downgrade() -> None:
    op.drop_index("ix_instalment_person_programme_quarter", table_name="instalment")
    op.drop_table("instalment")
    op.drop_index("ix_enrolment_household_id", table_name="enrolment")
    op.drop_index("ix_enrolment_person_programme", table_name="enrolment")
    op.drop_table("enrolment")
    op.drop_index("ix_person_household_id", table_name="person")
    op.drop_index("ux_person_cnic", table_name="person")
    op.drop_table("person")
    op.drop_table("household")
