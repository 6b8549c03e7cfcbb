"""Canonical ticket vocabulary: categories, states, levels, event kinds and actors."""

from __future__ import annotations

CATEGORIES = (
    "deduction",
    "payment_not_received",
    "biometric_failure",
    "cnic_sim",
    "eligibility_dispute",
    "misconduct",
    "scam",
    "update_details",
    "protection",
    "other",
)
# Sexual exploitation or harassment, demands for money or favours by staff or agents,
# threats: handled by the protection desk only, never by the citizen's local offices.
PROTECTION = "protection"
PROTECTION_QUEUE = "protection"

NEW = "new"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
AWAITING_CITIZEN = "awaiting_citizen"
CLOSED = "closed"
REOPENED = "reopened"
STATES = (NEW, ASSIGNED, IN_PROGRESS, AWAITING_CITIZEN, CLOSED, REOPENED)

# Not closed: the citizen may still add information.
OPEN_STATES = (NEW, ASSIGNED, IN_PROGRESS, AWAITING_CITIZEN, REOPENED)
# The office owes the next step, so the deadline clock runs. While awaiting the
# citizen's confirmation it is paused.
ACTIVE_STATES = (NEW, ASSIGNED, IN_PROGRESS, REOPENED)

LEVEL_TEHSIL = 0
LEVEL_DISTRICT = 1
LEVEL_REGION = 2
LEVEL_HEAD_OFFICE = 3
LEVEL_NAMES = {0: "tehsil", 1: "district", 2: "region", 3: "head_office"}
TOP_LEVEL = LEVEL_HEAD_OFFICE

EVENT_KINDS = (
    "created",
    "joined",
    "state",
    "assigned",
    "escalated",
    "note",
    "citizen_message",
    "staff_reply",
    "referral",
    "notification",
    "rating",
)

CHANNELS = ("twilio", "twilio_voice", "telegram", "rest")

ACTOR_CITIZEN = "citizen"
ACTOR_ASSISTANT = "assistant"
ACTOR_SCHEDULER = "scheduler"


def staff_actor(username: str) -> str:
    """The actor string of a staff member: staff:<username>."""
    return f"staff:{username}"
