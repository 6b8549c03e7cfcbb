"""Which part of a long conversation Rasa needs each turn: a slot snapshot plus the last turns.

Rasa 3.6 loads every event of the conversation's session on each message, replays them all,
featurises all the states (and throws away all but the last few), and sends them all to the
action server with every action call, which parses them again: a turn at message 100 cost
5.25x a turn at message 5 (docs/PERFORMANCE.md). What is read per turn is bounded:

* the policies: MemoizationPolicy looks at the last 5 states, the rules at a few more;
* the actions and channels: the slots, the active form, the latest message and the last
  `bot.language.i18n.RECENT_MESSAGES` (10) user messages for the reply language;

so a tracker made of the slots as they were at the end of an earlier turn (SlotSet events)
followed by every event since then answers the same as the whole session, as long as no
later event undoes anything before that point. `WINDOW_USER_MESSAGES` user messages are kept;
the snapshot is only ever taken where no form is active, the conversation is not paused
and the turn ended listening, so a form's folding and a rewind (which go back at most to
the message that started the form) stay inside the window.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

# More than the 10 user messages the reply language reads (bot.language.i18n).
WINDOW_USER_MESSAGES = 12
ACTION_LISTEN = "action_listen"


def snapshot_of(tracker: Any) -> Optional[str]:
    """The slots a later window starts from (JSON), or None where a window may not start:
    a form active, the conversation paused, or the turn not ended by listening."""
    if tracker.active_loop_name or tracker.is_paused() or tracker.followup_action:
        return None
    if tracker.latest_action_name != ACTION_LISTEN:
        return None
    # Only slots set at some point: an unset slot is featurised differently from one set
    # back to its initial value, so both the value and "was set" are carried over.
    state = {name: slot.value for name, slot in tracker.slots.items() if slot.has_been_set}
    return json.dumps(state, ensure_ascii=False, sort_keys=True)


def window_events(
    snapshot: str, timestamp: Optional[float], events: List[Dict[str, Any]]
) -> List[Dict[str, Any]]:
    """The tracker's events: the snapshot's slots as SlotSet events, the `action_listen`
    that ended the snapshot's turn, then `events`.

    That listen is where a rewind of the window's first message stops (Rasa undoes back to
    the action before the reverted message); without it the rewind would undo the slots."""
    slots = json.loads(snapshot)
    start = [
        {"event": "slot", "name": name, "value": value, "timestamp": timestamp}
        for name, value in slots.items()
    ]
    listen = {"event": "action", "name": ACTION_LISTEN, "timestamp": timestamp}
    return [*start, listen, *events]
