"""The CNIC vault table: each CNIC the assistant was told, sealed, under its reference."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, String, Text

from bot.core.clock import utcnow
from bot.core.db import Base


class VaultedCnic(Base):
    """A CNIC kept out of the conversation store: Fernet-sealed, found by its reference."""

    __tablename__ = "privacy_cnic_vault"

    reference: str = Column(String(40), primary_key=True)
    sealed: str = Column(Text, nullable=False)
    created_at: datetime = Column(DateTime(timezone=True), nullable=False, default=utcnow)
