"""Notices: a household told when its payment state changes, before she has to ask.

A registry import (bot/registry/imports.py) hands each batch's state changes to `Notifier`,
in the batch's transaction. Each change that deserves a notice (config/notices.yml) is
queued in the outbox for the phone on record: on the channel she last used (WhatsApp,
SMS, Telegram; a household that only ever called gets an automated call), in the language
she last used (else her district's usual one), never in the quiet hours, never to an
address that said STOP, at most one a household a day (a newer state replaces a notice
not yet sent; after one was sent, the next waits for the next day), spaced at the
configured rate. The outbox asks again just before sending (`still_wanted`, `hold_until`):
STOP said after queueing, or a retry that fell into the quiet hours, still holds it back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any, Dict, List, Optional, Set, Tuple
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.assistant.format import day_text, money, quarter_text
from bot.core import outbox
from bot.core.districts import find_district
from bot.core.identifiers import normalise_phone
from bot.core.outbox import PENDING, SENT, OutboxMessage
from bot.core.settings import CONFIG_DIR
from bot.outreach import contacts
from bot.outreach.models import Consent, Notice
from bot.registry.household_status import WITHHELD_STEPS
from bot.registry.imports import CNIC_EXPIRING, Change, insert_ids, update_by_id
from bot.registry.models import Household, Person
from bot.registry.programmes import get_programmes
from bot.registry.quarters import next_window, window_closes

PREFIX = "utter_notice_"
LANGUAGES = ("en", "ur", "roman_ur")
QUEUED, REPLACED, OPTED_OUT, UNREACHABLE = "queued", "replaced", "opted_out", "unreachable"
CALL = "twilio_call"


@lru_cache(maxsize=1)
def config() -> Dict[str, Any]:
    return yaml.safe_load((CONFIG_DIR / "notices.yml").read_text(encoding="utf-8"))


def _zone() -> ZoneInfo:
    return ZoneInfo(str(config()["quiet_hours"].get("timezone", "Asia/Karachi")))


def _clock(value: str) -> time:
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def local_day(at: datetime) -> date:
    """The Pakistan day of a moment."""
    return at.astimezone(_zone()).date()


def in_quiet_hours(at: datetime) -> bool:
    quiet = config()["quiet_hours"]
    start, end = _clock(quiet["start"]), _clock(quiet["end"])
    local = at.astimezone(_zone()).time()
    return local >= start or local < end if start > end else start <= local < end


def next_allowed(at: datetime) -> datetime:
    """`at`, or the end of the quiet hours it falls in."""
    if not in_quiet_hours(at):
        return at
    end = _clock(config()["quiet_hours"]["end"])
    local = at.astimezone(_zone())
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=_zone()).astimezone(timezone.utc)


def morning_after(day: date) -> datetime:
    """The first moment notices may be sent on the day after `day`."""
    end = _clock(config()["quiet_hours"]["end"])
    return datetime.combine(day + timedelta(days=1), end, tzinfo=_zone()).astimezone(timezone.utc)


def response_for(change: Change) -> Optional[str]:
    """The notice text for a change, or None when the change deserves none.

    A withheld payment is told by its reason, with the reasons of the household status
    (an unknown one is "under review", as the status answer says)."""
    rule = (config().get("transitions") or {}).get(change.to_state) or {}
    if not rule.get("notice"):
        return None
    if change.to_state == "withheld":
        reason = change.reason if change.reason in WITHHELD_STEPS else "data_under_review"
        return f"{PREFIX}withheld_{reason}"
    return str(rule["response"])


def expiring_days() -> int:
    rule = (config().get("transitions") or {}).get(CNIC_EXPIRING) or {}
    return int(rule.get("days", 60))


@lru_cache(maxsize=512)
def district_language(district: Optional[str]) -> str:
    cfg = config()
    if district and district in (cfg.get("districts") or {}):
        return str(cfg["districts"][district])
    found = find_district(district) if district else None
    province = getattr(found, "province", None)
    return str((cfg.get("province_language") or {}).get(province, cfg["default_language"]))


def notice_params(
    change: Change,
    language: str,
    today: date,
    spoken_for_call: bool = False,
    upcoming: Optional[date] = None,
) -> Dict[str, Any]:
    """Every placeholder the notice texts use, in `language`; `upcoming`: the next payment
    window's first day (found from `today` when not given)."""
    cfg = get_programmes()
    programme = cfg.name(change.programme, language) if change.programme else ""
    if change.member:  # a call says the child's name without the brackets
        programme = (
            f"{programme}, {change.member}" if spoken_for_call else f"{programme} ({change.member})"
        )
    until = change.collect_until
    if until is None and change.to_state == "ready_for_collection" and change.quarter:
        until = window_closes(change.quarter, cfg.schedule)
    short_code = str(cfg.helpline["sms_short_code"])
    return {
        "programme": programme,
        "period": quarter_text(change.quarter, language, spoken=spoken_for_call),
        "period_spoken": quarter_text(change.quarter, language, spoken=True),
        "amount": money(change.amount),
        "place": change.place or "-",
        "until": day_text(until, language),
        "date": day_text(change.status_date, language),
        "expiry": day_text(change.cnic_expiry, language),
        "next_window": day_text(upcoming or next_window(today, cfg.schedule)[1], language),
        "attendance": cfg.programme("taleemi_wazaif")["eligibility"]["attendance_min_percent"],
        "short_code": short_code,
        "short_code_spoken": " ".join(short_code),
    }


@dataclass
class _Household:
    phone: Optional[str]
    district: Optional[str]


def _households(session: Session, changes: List[Change]) -> Dict[int, _Household]:
    people = sorted({c.person_id for c in changes})
    rows = session.execute(
        select(Person.id, Person.phone, Household.district)
        .join(Household, Household.id == Person.household_id)
        .where(Person.id.in_(people))
    )
    return {pid: _Household(phone, district) for pid, phone, district in rows}


def _stopped(session: Session, phones: Set[str], addresses: Set[str]) -> Set[str]:
    """The phones and addresses (of these) that said STOP on any channel."""
    if not phones and not addresses:
        return set()
    rows = session.execute(
        select(Consent.phone, Consent.address).where(
            Consent.announcements.is_(False),
            or_(Consent.phone.in_(sorted(phones)), Consent.address.in_(sorted(addresses))),
        )
    )
    found: Set[str] = set()
    for phone, address in rows:
        found.update(v for v in (phone, address) if v)
    return found


@dataclass(frozen=True)
class _Open:
    """A notice of the household still standing: its day and how its message stands."""

    notice_id: int
    day: date
    outbox_id: int
    outbox_status: str


def _open_notices(session: Session, households: List[int], since: date) -> Dict[int, List[_Open]]:
    """household -> its notices queued from `since` on, oldest first."""
    rows = session.execute(
        select(Notice.household_id, Notice.id, Notice.day, Notice.outbox_id, OutboxMessage.status)
        .join(OutboxMessage, OutboxMessage.id == Notice.outbox_id)
        .where(Notice.household_id.in_(households), Notice.status == QUEUED, Notice.day >= since)
        .order_by(Notice.id)
    ).all()
    found: Dict[int, List[_Open]] = {}
    for household, notice_id, day, outbox_id, status in rows:
        found.setdefault(household, []).append(_Open(notice_id, day, outbox_id, status))
    return found


class Notifier:
    """Queues the notices of an import's changes; one per import (it keeps the pace)."""

    def __init__(self, today: Optional[date] = None, per_second: Optional[float] = None) -> None:
        self.today = today
        self.rate = float(per_second or config().get("messages_per_second") or 1)
        self.cursor: Optional[datetime] = None
        self.templates = config().get("whatsapp_templates") or {}

    def _slot(self, session: Session, now: datetime) -> datetime:
        """The next send time at the configured rate, outside the quiet hours."""
        if self.cursor is None:
            latest = session.execute(
                select(func.max(OutboxMessage.next_attempt_at)).where(
                    OutboxMessage.response.like(f"{PREFIX}%"),
                    OutboxMessage.status == PENDING,
                )
            ).scalar()
            if latest is not None and latest.tzinfo is None:
                latest = latest.replace(tzinfo=timezone.utc)
            self.cursor = max(now, latest + timedelta(seconds=1 / self.rate)) if latest else now
        slot = next_allowed(self.cursor)
        self.cursor = slot + timedelta(seconds=1 / self.rate)
        return slot

    def __call__(self, session: Session, changes: List[Change], now: datetime) -> int:
        """Queue a notice for each household's newest change that deserves one."""
        today = self.today or local_day(now)
        newest: Dict[int, Tuple[Change, str]] = {}
        for change in changes:  # file order: the last state of a household wins
            response = response_for(change)
            if response is not None:
                newest[change.household_id] = (change, response)
        if not newest:
            return 0
        chosen = list(newest.values())
        upcoming = next_window(today, get_programmes().schedule)[1]
        people = _households(session, [c for c, _ in chosen])
        phones = {p.phone for p in people.values() if p.phone}
        reach_of = contacts.by_phone(session, phones)
        reaches = {phone: contacts.reach(reach_of.get(phone, []), phone) for phone in phones}
        stopped = _stopped(session, phones, {r.address for r in reaches.values()})
        open_notices = _open_notices(session, list(newest), today - timedelta(days=1))
        notices: List[Dict[str, Any]] = []
        messages: List[Dict[str, Any]] = []
        replaced: List[Dict[str, Any]] = []
        for change, response in chosen:
            person = people.get(change.person_id) or _Household(None, None)
            reach = reaches.get(person.phone or "")
            language = (reach.language if reach else None) or district_language(person.district)
            if language not in LANGUAGES:
                language = district_language(person.district)
            if reach is not None and reach.channel == CALL and language == "roman_ur":
                language = "ur"  # a call speaks Urdu, whatever the script
            call = reach is not None and reach.channel == CALL
            params = notice_params(change, language, today, call, upcoming)
            notice: Dict[str, Any] = {
                "household_id": change.household_id,
                "person_id": change.person_id,
                "transition_id": change.transition_id,
                "kind": change.to_state,
                "response": response,
                "channel": reach.channel if reach else None,
                "recipient": reach.address if reach else None,
                "language": language,
                "day": today,
                "status": QUEUED,
                "outbox_id": None,
                "params": json.dumps(params, ensure_ascii=False),
                "created_at": now,
            }
            notices.append(notice)
            if reach is None:
                notice["status"] = UNREACHABLE
                continue
            if person.phone in stopped or reach.address in stopped:
                notice["status"] = OPTED_OUT
                continue
            outbox_params = dict(params, household=change.household_id)
            template = self.templates.get(language) if isinstance(self.templates, dict) else None
            if template and reach.address.startswith("whatsapp:"):
                outbox_params["template"] = template
            standing = open_notices.get(change.household_id, [])
            waiting = [o for o in standing if o.outbox_status == PENDING]
            if waiting:  # not sent yet: the newest state takes its place
                earlier = waiting[-1]
                notice["day"], notice["outbox_id"] = earlier.day, earlier.outbox_id
                replaced.append(
                    {
                        "_notice": earlier.notice_id,
                        "_message": earlier.outbox_id,
                        "response": response,
                        "language": language,
                        "channel": reach.channel,
                        "recipient": reach.address,
                        "params": json.dumps(outbox_params, ensure_ascii=False),
                    }
                )
                continue
            slot = self._slot(session, now)
            sent_days = {o.day for o in standing if o.outbox_status != PENDING}
            while local_day(slot) in sent_days:
                slot = morning_after(local_day(slot))
            notice["day"] = local_day(slot)
            key = f"notice:{change.household_id}:{change.transition_id}"
            notice["_key"] = key
            message = outbox.message(
                reach.channel, reach.address, language, response, key, now,
                params=outbox_params, send_at=slot,
            )  # fmt: skip
            messages.append(
                {
                    c.name: getattr(message, c.name)
                    for c in OutboxMessage.__table__.c
                    if c.name != "id"
                }
            )
        self._write(session, notices, messages, replaced)
        return len(messages) + len(replaced)

    @staticmethod
    def _write(
        session: Session,
        notices: List[Dict[str, Any]],
        messages: List[Dict[str, Any]],
        replaced: List[Dict[str, Any]],
    ) -> None:
        """The batch's new messages and notices in a few statements; replaced ones updated."""
        ids = insert_ids(session, OutboxMessage.__table__, messages, ("dedupe_key",))
        for notice in notices:
            key = notice.pop("_key", None)
            if key is not None:
                notice["outbox_id"] = ids[(key,)]
        if notices:
            session.execute(insert(Notice), notices)
        if replaced:
            session.execute(
                update(Notice.__table__)
                .where(Notice.__table__.c.id.in_([r.pop("_notice") for r in replaced]))
                .values(status=REPLACED)
            )
            update_by_id(
                session,
                OutboxMessage.__table__,
                [dict(r, _id=r.pop("_message")) for r in replaced],
                ("response", "language", "channel", "recipient", "params"),
            )


# ---------------------------------------------------------------- at send time


def is_notice(message: OutboxMessage) -> bool:
    return message.response.startswith(PREFIX)


def still_wanted(session: Session, message: OutboxMessage) -> bool:
    """False when the phone or address said STOP after the notice was queued."""
    phone = normalise_phone(message.recipient.replace("whatsapp:", "")) or ""
    return not _stopped(session, {phone} if phone else set(), {message.recipient})


def hold_until(session: Session, message: OutboxMessage, now: datetime) -> Optional[datetime]:
    """When to try a due notice instead of now: the end of the quiet hours, or tomorrow
    morning when the household was told something today already; None to send it now."""
    if in_quiet_hours(now):
        return next_allowed(now)
    household = json.loads(message.params or "{}").get("household")
    if household is None:
        return None
    sent_today = session.execute(
        select(func.count())
        .select_from(OutboxMessage)
        .join(Notice, Notice.outbox_id == OutboxMessage.id)
        .where(
            Notice.household_id == int(household),
            OutboxMessage.id != message.id,
            OutboxMessage.status == SENT,
            OutboxMessage.sent_at >= _day_start(now),
        )
    ).scalar_one()
    return morning_after(local_day(now)) if sent_today else None


def _day_start(now: datetime) -> datetime:
    day = local_day(now)
    return datetime.combine(day, time(0, 0), tzinfo=_zone()).astimezone(timezone.utc)
