"""The ticket state machine: which state may follow which, and the refusal when not."""

from __future__ import annotations

from typing import Dict, FrozenSet

from bot.tickets.constants import (
    ASSIGNED,
    AWAITING_CITIZEN,
    CLOSED,
    IN_PROGRESS,
    NEW,
    REOPENED,
    STATES,
)

# Nothing goes back to "new"; a closed ticket can only be reopened; "awaiting
# citizen" ends with the citizen's answer (closed or reopened) or with more work.
TRANSITIONS: Dict[str, FrozenSet[str]] = {
    NEW: frozenset({ASSIGNED, IN_PROGRESS, AWAITING_CITIZEN, CLOSED}),
    ASSIGNED: frozenset({IN_PROGRESS, AWAITING_CITIZEN, CLOSED}),
    IN_PROGRESS: frozenset({ASSIGNED, AWAITING_CITIZEN, CLOSED}),
    AWAITING_CITIZEN: frozenset({IN_PROGRESS, CLOSED, REOPENED}),
    REOPENED: frozenset({ASSIGNED, IN_PROGRESS, AWAITING_CITIZEN, CLOSED}),
    CLOSED: frozenset({REOPENED}),
}


class TicketError(Exception):
    """Base class of refusals by the ticket services."""


class TicketNotFound(TicketError):
    """No ticket with that number."""


class InvalidTransition(TicketError):
    """A state change that the transition table does not allow."""

    def __init__(self, number: str, from_state: str, to_state: str) -> None:
        self.number = number
        self.from_state = from_state
        self.to_state = to_state
        allowed = ", ".join(sorted(TRANSITIONS.get(from_state, ()))) or "none"
        super().__init__(
            f"ticket {number} cannot go from {from_state!r} to {to_state!r} "
            f"(allowed from {from_state!r}: {allowed})"
        )


class TicketClosedError(TicketError):
    """The ticket is closed: it takes no more messages or work."""


class EscalationLimit(TicketError):
    """The ticket is already at the head office: there is no level above."""


def allowed_next(state: str) -> FrozenSet[str]:
    """The states that may follow `state`."""
    return TRANSITIONS.get(state, frozenset())


def check_transition(number: str, from_state: str, to_state: str) -> None:
    """Raise InvalidTransition unless the table allows from_state -> to_state."""
    if to_state not in STATES or to_state not in allowed_next(from_state):
        raise InvalidTransition(number, from_state, to_state)
