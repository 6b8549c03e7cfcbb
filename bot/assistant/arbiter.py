"""What each message answers: the one precedence table every channel and action follows.

A conversation can have several questions open at once: a form's slot, the outbox's
"please rate it 1 to 5", a numbered menu, an offer to file a complaint, the voice line's
read-back. Each is a `Pending` with its kind and when it was asked; the newest one is
the question the person is answering first. A menu, an offer or a status answer
expires when anything newer is asked (a menu shown before the rating question no longer
picks anything); a form's question and the rating stay open until answered or
cancelled, so a CNIC typed after the rating question arrived is still the CNIC (row 2
tries them, newest first, when the newest question is not answered). For one message,
`decide` goes down this table and stops at the first row that holds:

| # | the message is                                          | step     | what follows                                   |
|---|---------------------------------------------------------|----------|------------------------------------------------|
| 1 | cancel, start over, go back, or asks for a person        | `repair` | the newest question's flow stops, restarts, goes back one question, or a person takes over |
| 2 | an answer to the newest pending question (its parser)    | `answer` | the value is used; the next question is asked   |
| 3 | an attempt at that answer that is wrong ("12 digits")    | `retry`  | what is wrong is said once; the question is not asked a second time in that reply |
| 4 | a side question (register, scam, update, bot?, office, programme) | `side` | answered, and the pending question asked again |
| 5 | anything else                                            | `new`    | a new request: the pending questions expire    |

Repair comes first so that "start over" is never a district and "chhoro isay" never a
place; an answer comes before a side question so that "Multan" at the district question
is the district even though it also names an office. A free-text question (where and
when, what happened) takes any real words, so there only a sure question ends with a
"?" counts as a side question, and "ji" or "ok" is a retry, asked again in other words.

The parsers are plain functions of the message; the caller (the actions, the voice
line) builds the pending list from what it knows and acts on the decision. No Rasa here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Sequence

from bot.assistant import answers
from bot.core.identifiers import ascii_digits

# Kinds of pending questions.
SLOT = "slot"  # a form's free or checked slot: CNIC, amount, place, details, ticket number
ISSUE_DATE = "issue_date"  # the CNIC's issue date (the second factor)
DISTRICT = "district"
MENU = "menu"  # the numbered "not understood" menu, or the language menu
CONSENT = "consent"  # a yes/no offer: file a complaint, the protection desk
RATING = "rating"  # "was it solved? rate it 1 to 5", sent by the outbox
READBACK = "readback"  # the voice line read a number back: 1/yes or 2/no
FOLLOWUP = "followup"  # a status answer was given: "why?", "when?", "what now?" follow
KINDS = (SLOT, ISSUE_DATE, DISTRICT, MENU, CONSENT, RATING, READBACK, FOLLOWUP)

# Steps of the table, in its order.
REPAIR, ANSWER, RETRY, SIDE, NEW = "repair", "answer", "retry", "side", "new"

# Repair kinds.
CANCEL, RESTART, BACK, HUMAN = "cancel", "restart", "back", "human"
REPAIRS = (CANCEL, RESTART, BACK, HUMAN)

# Questions answered on the side, and the response that answers each.
SIDE_QUESTIONS = {
    "how_to_register": "utter_how_to_register",
    "scam_check": "utter_scam_check",
    "update_details": "utter_update_details",
    "bot_challenge": "utter_iamabot",
}
# Side questions that need an entity to be answered (the caller answers them).
SIDE_WITH_ENTITY = {"programme_info": "programme", "office_location": "district"}

# "I don't know" as the value of a slot that accepts it.
UNKNOWN = "unknown"
# Free-text slots: any real words answer them.
FREE_TEXT_SLOTS = ("complaint_place", "complaint_details")

SURE = 0.8  # a confident intent: a side question at a free-text question, a real request
_HUMAN_SURE = 0.6
# A bare deduction under this is no amount: "۴" was meant for a menu, "3" for a rating.
MIN_AMOUNT = 10


@dataclass(frozen=True)
class Message:
    """One user message as the NLU read it."""

    text: str
    intent: Optional[str] = None
    confidence: float = 1.0
    entities: Mapping[str, str] = field(default_factory=dict)

    def entity(self, name: str) -> Optional[str]:
        value = self.entities.get(name)
        return str(value) if value else None


@dataclass(frozen=True)
class Pending:
    """A question the conversation waits on: its kind, what it asks, when it was asked."""

    kind: str
    name: str
    asked_at: float = 0.0


@dataclass(frozen=True)
class Parsed:
    """A parser's verdict: the answer, or what is wrong with an attempt, or neither."""

    value: Any = None
    problem: Optional[str] = None

    @property
    def answered(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Decision:
    step: str
    question: Optional[Pending] = None
    value: Any = None
    repair: Optional[str] = None
    problem: Optional[str] = None
    side: Optional[str] = None  # the side question's intent


def newest(pending: Iterable[Optional[Pending]]) -> Optional[Pending]:
    """The question being answered: the one asked last."""
    found = [p for p in pending if p is not None]
    return max(found, key=lambda p: p.asked_at) if found else None


# Questions that stay open until answered or cancelled, even when a newer one was asked:
# a CNIC given after the rating question arrived is still the CNIC. A menu, an offer and a
# status answer's follow-ups expire as soon as anything newer is asked.
LASTING = (SLOT, ISSUE_DATE, DISTRICT, RATING)


# ------------------------------------------------------------------ the table


def decide(message: Message, pending: Sequence[Optional[Pending]]) -> Decision:
    """The row of the precedence table this message falls in (module docstring)."""
    ordered = sorted((p for p in pending if p is not None), key=lambda p: -p.asked_at)
    question = ordered[0] if ordered else None
    wanted = repair_of(message, question)
    if wanted is not None:
        return Decision(REPAIR, question, repair=wanted)
    if question is not None:
        parsed = parse(question, message)
        if parsed.value is not None:
            return Decision(ANSWER, question, value=parsed.value)
        if parsed.problem is not None:
            return Decision(RETRY, question, problem=parsed.problem)
        for older in ordered[1:]:
            if older.kind in LASTING:
                value = parse(older, message).value
                if value is not None:
                    return Decision(ANSWER, older, value=value)
    side = side_question(message, question)
    if side is not None:
        return Decision(SIDE, question, side=side)
    return Decision(NEW, question)


def repair_of(message: Message, question: Optional[Pending]) -> Optional[str]:
    """cancel / restart / back from a short message, or a person asked for."""
    if question is not None and question.kind == READBACK and parse_readback(message).answered:
        return None  # "no" at a read-back is its answer, not a cancel
    command = answers.command(message.text)
    if command == "restart":
        return RESTART
    if command in (CANCEL, BACK):
        return command
    if message.intent == "talk_to_human" and message.confidence >= _HUMAN_SURE:
        return HUMAN
    return None


def side_question(message: Message, question: Optional[Pending]) -> Optional[str]:
    """The intent of a question asked on the side, or None. At a free-text question only a
    sure question counts: "Multan ki dukaan par" names a district but is the place."""
    intent = message.intent or ""
    if message.entity("cnic"):
        return None
    if question is not None and question.name in FREE_TEXT_SLOTS and not _sure_question(message):
        return None
    if intent in SIDE_QUESTIONS:
        return intent
    needed = SIDE_WITH_ENTITY.get(intent)
    if needed and message.entity(needed):
        return intent
    return None


def _sure_question(message: Message) -> bool:
    return message.confidence >= SURE and "?" in message.text


# ------------------------------------------------------------------ parsers, one per kind


def parse(question: Pending, message: Message) -> Parsed:
    """The answer `message` gives to `question`, a problem with the attempt, or neither."""
    if question.kind == SLOT:
        parser = _SLOT_PARSERS.get(question.name, _free_text)
    elif question.kind == MENU and question.name == "language":
        parser = parse_language_menu
    else:
        parser = _PARSERS[question.kind]
    return parser(message)


def parse_cnic(message: Message) -> Parsed:
    """A CNIC (the NLU's entity or 13 digits), or a digit count when digits were meant as
    one. An amount ("agent ne 700 rupay kaate") or a date is no attempt at a CNIC."""
    from bot.core.identifiers import check_cnic
    from bot.core.reference import first_reference

    found = message.entity("cnic") or first_reference(message.text)
    if found:
        return Parsed(found)
    if message.entity("amount") or message.entity("ticket_id"):
        return Parsed()
    text = ascii_digits(message.text)
    digits = sum(ch.isdigit() for ch in text)
    if digits == 0:
        return Parsed()
    check = check_cnic(text)
    if check.ok:
        return Parsed(check.digits)
    letters = sum(ch.isalpha() for ch in text)
    if digits >= 6 or letters <= 3:  # digits typed as a CNIC, too few or too many
        return Parsed(problem="cnic")
    return Parsed()


def parse_issue_date(message: Message) -> Parsed:
    """A date ("15-08-2016", "15 August 2016"), "I don't know", or a wrong attempt."""
    from bot.registry.verification import parse_date

    if answers.is_dont_know(message.text):
        return Parsed(UNKNOWN)
    if parse_date(message.text) is not None:
        return Parsed(message.text)
    if any(ch.isdigit() for ch in ascii_digits(message.text)):
        return Parsed(problem="date")
    if message.intent in (None, "inform", "nlu_fallback") and len(message.text.split()) <= 4:
        return Parsed(problem="date")  # "pandrah August" that did not parse
    return Parsed()


def parse_district(message: Message) -> Parsed:
    """A district by name, alias, Urdu name or one of its tehsils; "don't know" is kept."""
    from bot.assistant.places import district_in_text
    from bot.core.districts import find_district

    found = find_district(message.entity("district") or "") or find_district(message.text)
    found = found or district_in_text(message.text)
    if found is not None:
        return Parsed(found.name)
    if answers.is_dont_know(message.text):
        return Parsed(UNKNOWN)
    if message.intent in (None, "inform", "nlu_fallback") or len(message.text.split()) <= 2:
        return Parsed(problem="district")
    return Parsed()


def parse_amount(message: Message) -> Parsed:
    """Rupees ("500", "500 rupay", "۵۰۰"); a lone digit is no amount, "pata nahi" is kept."""
    from bot.assistant.complaints import amount_answer

    found = message.entity("amount")
    value = int(found) if found and found.isdigit() else amount_answer(message.text)
    if value is not None and value >= MIN_AMOUNT:
        return Parsed(str(value))
    if answers.is_dont_know(message.text):
        return Parsed(UNKNOWN)
    return Parsed(problem="amount")


def parse_ticket(message: Message) -> Parsed:
    from bot.core.identifiers import check_ticket_number

    check = check_ticket_number(message.entity("ticket_id") or message.text)
    if check.ok:
        return Parsed(check.number)
    if any(ch.isdigit() for ch in ascii_digits(message.text)):
        return Parsed(problem="ticket")
    return Parsed()


def _free_text(message: Message) -> Parsed:
    """A place or an account: real words or an honest "don't know"; "ji" is asked again."""
    text = message.text.strip()
    if _sure_question(message) and (message.intent or "") in {*SIDE_QUESTIONS, *SIDE_WITH_ENTITY}:
        return Parsed()
    if answers.is_dont_know(text) or answers.is_real_answer(text):
        return Parsed(text)
    return Parsed(problem="filler")


def menu_number(text: str, top: int) -> Optional[int]:
    """The number picked from a numbered menu ("4", "۴", "option 4", "4."), or None."""
    digits = re.sub(r"\D", "", ascii_digits(text or ""))
    words = [w for w in re.findall(r"[^\W\d_]+", text or "")]
    if len(digits) != 1 or len(words) > 2:
        return None
    number = int(digits)
    return number if 1 <= number <= top else None


def parse_menu(message: Message) -> Parsed:
    number = menu_number(message.text, 5)
    return Parsed(number) if number is not None else Parsed()


def parse_language_menu(message: Message) -> Parsed:
    from bot.language.i18n import requested_language

    number = menu_number(message.text, 3)
    if number is not None:
        return Parsed({1: "en", 2: "ur", 3: "roman_ur"}[number])
    wanted = requested_language(message.text)
    return Parsed(wanted) if wanted else Parsed()


def parse_rating(message: Message) -> Parsed:
    """A 1-5 rating, or solved / not solved ("nahi hua, paise abhi tak nahi mile")."""
    from bot.assistant.complaints import resolution_answer

    verdict = resolution_answer(message.intent, message.text)
    return Parsed(verdict) if verdict is not None else Parsed()


def _yes_no(message: Message, by_intent: bool = True) -> Optional[bool]:
    """A yes or no: the NLU's affirm/deny, or a short message with a yes or no word in it
    (the voice line's lexicon, bot.nlu.spoken: "جی ہاں", "haan theek hai", "ji nahi")."""
    from bot.nlu.spoken import answer_is

    if by_intent and message.intent == "affirm":
        return True
    if by_intent and message.intent == "deny":
        return False
    if len(message.text.split()) > _YES_NO_MAX_WORDS:
        return None
    return answer_is(message.text)


_YES_NO_MAX_WORDS = 5


def parse_yes_no(message: Message) -> Parsed:
    answer = _yes_no(message)
    return Parsed(answer) if answer is not None else Parsed()


def parse_readback(message: Message) -> Parsed:
    """The voice line's "1 for yes, 2 for no" after reading a number back."""
    keyed = ascii_digits(message.text).strip()
    if keyed in ("1", "2"):
        return Parsed(keyed == "1")
    answer = _yes_no(message, by_intent=False)  # "cancel" is read as deny, but is no "no"
    return Parsed(answer) if answer is not None else Parsed()


def parse_followup(message: Message) -> Parsed:
    """ "why?", "when?", "what now?" about the status just told, in a whole sentence too:
    "to phir paise kis tarah milenge aur kab tak", "ok so do I have to go somewhere"."""
    cues = answers.followup_cues(message.text)
    asked = FOLLOWUP_OF_INTENT.get(message.intent or "")
    if asked:
        return Parsed(tuple(dict.fromkeys([asked, *cues])))
    if message.intent not in FOLLOWUP_CARRIERS or not cues:
        return Parsed()
    return Parsed(tuple(cues))


FOLLOWUP_OF_INTENT = {"ask_why": "why", "ask_next_step": "next_step", "ask_when": "when"}
# Intents a follow-up in a whole sentence is often read as; a clear new request
# (a complaint, a ticket, another programme) is never taken for a follow-up.
FOLLOWUP_CARRIERS = (
    None,
    "payment_status",
    "check_eligibility",
    "office_location",
    "nlu_fallback",
    "out_of_scope",
    "inform",
    "affirm",
    "how_to_register",
)

_SLOT_PARSERS: Dict[str, Callable[[Message], Parsed]] = {
    "cnic": parse_cnic,
    "amount": parse_amount,
    "ticket_id": parse_ticket,
}
_PARSERS: Dict[str, Callable[[Message], Parsed]] = {
    SLOT: _free_text,
    ISSUE_DATE: parse_issue_date,
    DISTRICT: parse_district,
    MENU: parse_menu,
    CONSENT: parse_yes_no,
    RATING: parse_rating,
    READBACK: parse_readback,
    FOLLOWUP: parse_followup,
}


# ------------------------------------------------------------------ one question per reply

# Replies that already ask a slot's question again (with what was wrong): after one of
# them in a turn, the form does not ask the same question a second time.
REASKED_BY: Dict[str, frozenset] = {
    "cnic": frozenset(
        {
            "utter_ask_cnic",
            "utter_invalid_cnic_length",
            "utter_invalid_cnic_length_one",
            "utter_invalid_cnic_prefix",
        }
    ),
    "verification_answer": frozenset(
        {
            "utter_ask_verification_answer",
            "utter_invalid_date",
            "utter_verification_failed",
            "utter_verification_failed_one",
        }
    ),
    "district": frozenset({"utter_ask_district", "utter_invalid_district"}),
    "amount": frozenset({"utter_ask_amount"}),
    "complaint_place": frozenset({"utter_ask_complaint_place", "utter_ask_complaint_place_again"}),
    "complaint_details": frozenset(
        {"utter_ask_complaint_details", "utter_ask_complaint_details_again"}
    ),
    "ticket_id": frozenset({"utter_ask_ticket_id", "utter_ticket_bad_number"}),
}


def question_for(slot: str, said_this_turn: Sequence[str], asked_before: bool) -> Optional[str]:
    """The response that asks `slot` now, or None when this reply already asked it.

    `said_this_turn` are the responses already sent since the person's message;
    `asked_before` is True when this slot was the question before the message too (a
    second ask of a free-text question uses other words)."""
    if any(name in REASKED_BY.get(slot, ()) for name in said_this_turn):
        return None
    if asked_before and slot in FREE_TEXT_SLOTS:
        return f"utter_ask_{slot}_again"
    return f"utter_ask_{slot}"


# The response a retry is told with; None: the form's own ask is the whole reply ("3
# mahine se" is simply asked the amount again, "ji" the place in other words).
RETRY_REPLIES: Dict[str, Optional[str]] = {
    "district": "utter_invalid_district",
    "amount": None,
    "ticket": "utter_ticket_bad_number",
    "filler": None,
}
