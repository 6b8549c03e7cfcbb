"""Tables of the NSER-like registry: household, person, enrolment, instalment.

Code values (stored as short strings so SQLite and PostgreSQL behave alike):
- person.gender: female, male, transgender
- person.relation (to the household head): head, spouse, son, daughter, parent, other
- person.marital_status: single, married, widowed, divorced
- person.school_level: primary, secondary, higher_secondary (None = not in school)
- person.maternal_status: pregnant, lactating (None otherwise)
- person.other_exclusion: vehicle_owner, frequent_foreign_travel (None otherwise)
- enrolment.status: active, suspended, waitlisted, excluded, graduated
- instalment.status: paid, ready_for_collection, withheld, failed
- instalment.reason: biometric_failure, cnic_expired, attendance_below_70, bank_error, ...
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import relationship

from bot.core.db import Base

GENDERS = ("female", "male", "transgender")
RELATIONS = ("head", "spouse", "son", "daughter", "parent", "other")
MARITAL_STATUSES = ("single", "married", "widowed", "divorced")
SCHOOL_LEVELS = ("primary", "secondary", "higher_secondary")
MATERNAL_STATUSES = ("pregnant", "lactating")
ENROLMENT_STATUSES = ("active", "suspended", "waitlisted", "excluded", "graduated")
INSTALMENT_STATUSES = ("paid", "ready_for_collection", "withheld", "failed")


class Household(Base):
    """A surveyed household with its Proxy Means Test score."""

    __tablename__ = "household"

    id: int = Column(Integer, primary_key=True)
    pmt_score: float = Column(Float, nullable=False)
    district: str = Column(String(64), nullable=False)
    tehsil: str = Column(String(64), nullable=False)
    survey_date: date = Column(Date, nullable=False)
    address: Optional[str] = Column(String(200), nullable=True)

    members = relationship("Person", back_populates="household", order_by="Person.id")


class Person(Base):
    """A household member; adults hold a CNIC (13 ASCII digits), children do not."""

    __tablename__ = "person"

    id: int = Column(Integer, primary_key=True)
    household_id: int = Column(
        Integer, ForeignKey("household.id", ondelete="CASCADE"), nullable=False, index=True
    )
    cnic: Optional[str] = Column(String(13), nullable=True)
    name: str = Column(String(100), nullable=False)
    gender: str = Column(String(12), nullable=False)
    date_of_birth: date = Column(Date, nullable=False)
    relation: str = Column(String(12), nullable=False)
    marital_status: str = Column(String(12), nullable=False, default="single")
    disability: bool = Column(Boolean, nullable=False, default=False)
    phone: Optional[str] = Column(String(16), nullable=True)
    cnic_issue_date: Optional[date] = Column(Date, nullable=True)
    cnic_expiry_date: Optional[date] = Column(Date, nullable=True)
    government_employee: bool = Column(Boolean, nullable=False, default=False)
    tax_payer: bool = Column(Boolean, nullable=False, default=False)
    other_exclusion: Optional[str] = Column(String(32), nullable=True)
    school_level: Optional[str] = Column(String(20), nullable=True)
    maternal_status: Optional[str] = Column(String(12), nullable=True)

    household = relationship("Household", back_populates="members")

    __table_args__ = (Index("ux_person_cnic", "cnic", unique=True),)


class Enrolment(Base):
    """A person's place in one programme: active, suspended, waitlisted, excluded, graduated."""

    __tablename__ = "enrolment"

    id: int = Column(Integer, primary_key=True)
    person_id: int = Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    household_id: int = Column(
        Integer, ForeignKey("household.id", ondelete="CASCADE"), nullable=False, index=True
    )
    programme: str = Column(String(32), nullable=False)
    status: str = Column(String(16), nullable=False)
    reason: Optional[str] = Column(String(64), nullable=True)
    since: Optional[date] = Column(Date, nullable=True)

    __table_args__ = (Index("ix_enrolment_person_programme", "person_id", "programme"),)


class Instalment(Base):
    """One quarterly payment to a person under a programme, with where and how it stands."""

    __tablename__ = "instalment"

    id: int = Column(Integer, primary_key=True)
    person_id: int = Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    programme: str = Column(String(32), nullable=False)
    quarter: str = Column(String(7), nullable=False)  # "2025-Q3"
    amount: int = Column(Integer, nullable=False)
    status: str = Column(String(24), nullable=False)
    reason: Optional[str] = Column(String(32), nullable=True)
    bank: Optional[str] = Column(String(32), nullable=True)
    agent: Optional[str] = Column(String(100), nullable=True)
    status_date: Optional[date] = Column(Date, nullable=True)
    # The last day a ready payment can be collected, when the payment file says so.
    collect_until: Optional[date] = Column(Date, nullable=True)
    # Who the money is for when it is not the recipient herself (a child's stipend).
    for_person_id: Optional[int] = Column(
        Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (
        Index("ix_instalment_person_programme_quarter", "person_id", "programme", "quarter"),
    )


class Transition(Base):
    """One change of a household's payment state, as a registry import recorded it.

    to_state is an instalment status, or "cnic_expiring" when the import showed the CNIC
    on record expiring soon. Append-only: the household's history of what changed when.
    """

    __tablename__ = "registry_transition"

    id: int = Column(Integer, primary_key=True)
    household_id: int = Column(
        Integer, ForeignKey("household.id", ondelete="CASCADE"), nullable=False
    )
    person_id: int = Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    for_person_id: Optional[int] = Column(
        Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True
    )
    programme: Optional[str] = Column(String(32), nullable=True)
    quarter: Optional[str] = Column(String(7), nullable=True)
    from_state: Optional[str] = Column(String(24), nullable=True)
    to_state: str = Column(String(24), nullable=False)
    reason: Optional[str] = Column(String(32), nullable=True)
    amount: Optional[int] = Column(Integer, nullable=True)
    place: Optional[str] = Column(String(100), nullable=True)
    status_date: Optional[date] = Column(Date, nullable=True)
    collect_until: Optional[date] = Column(Date, nullable=True)
    source: str = Column(String(120), nullable=False)  # the file's name
    line: int = Column(Integer, nullable=False)
    recorded_at = Column(DateTime(timezone=True), nullable=False)

    __table_args__ = (Index("ix_registry_transition_household", "household_id", "id"),)
