"""Console tables: staff accounts and the audit log of staff access to personal data."""

from __future__ import annotations

from typing import List, Optional

from sqlalchemy import BigInteger, Boolean, Column, Integer, String

from bot.core.clock import utcnow
from bot.core.db import Base, UTCDateTime

# "protection" staff see the protection desk's cases (abuse, demands for favours,
# threats), which no district or region account ever sees; admins see everything.
# "broadcaster" staff write announcements to citizens who agreed to them.
ROLES = ("agent", "supervisor", "admin", "protection", "broadcaster")
# Desk kinds a queue id starts with ("payments:Quetta" is of kind "payments").
QUEUE_KINDS = (
    "tehsil",
    "district",
    "payments",
    "integrity",
    "registry",
    "region",
    "head_office",
    "protection",
)


def _split(value: Optional[str]) -> List[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class StaffUser(Base):
    """A person who works tickets in the console; scoped to districts and queue kinds."""

    __tablename__ = "staff_user"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), unique=True, nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default="agent")
    districts = Column(String(1000), nullable=False, default="")  # comma list or "*"
    queues = Column(String(255), nullable=False, default="*")  # desk kinds or "*"
    telegram_chat_id = Column(BigInteger, nullable=True)  # private chat for direct alerts
    telegram_user_id = Column(BigInteger, nullable=True, unique=True)  # who presses "claim"
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)

    @property
    def district_list(self) -> List[str]:
        return _split(self.districts)

    @property
    def queue_list(self) -> List[str]:
        return _split(self.queues)

    @property
    def all_districts(self) -> bool:
        return "*" in self.district_list

    @property
    def all_queues(self) -> bool:
        return "*" in self.queue_list


class StaffAlert(Base):
    """A Telegram alert already posted to a staff group (so each is posted once)."""

    __tablename__ = "staff_alert"

    id = Column(Integer, primary_key=True)
    dedupe_key = Column(String(160), unique=True, nullable=False)
    ticket_number = Column(String(16), nullable=False, index=True)
    chat_id = Column(BigInteger, nullable=False)
    message_id = Column(BigInteger, nullable=True)
    sent_at = Column(UTCDateTime(), nullable=False, default=utcnow)
