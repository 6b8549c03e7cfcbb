"""Staff Telegram bot: posts escalations and overdue tickets to groups, with a Claim button.

Configured by environment: STAFF_TELEGRAM_BOT_TOKEN, STAFF_TELEGRAM_SECRET_TOKEN,
STAFF_TELEGRAM_MODE (webhook | polling), STAFF_TELEGRAM_CHATS_FILE (default
config/staff_telegram.yml), STAFF_CONSOLE_URL (links in the alerts). Nothing touches
the network until a configured bot is started.
Polling: `python -m bot.console.telegram_alerts`. Webhook: the console serves
POST /telegram/staff/webhook and checks the secret token header.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import yaml
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.console.models import StaffAlert, StaffUser
from bot.console.scope import can_see, queue_kind
from bot.console.views import CATEGORY_LABELS, LEVEL_LABELS, time_left
from bot.core import audit
from bot.core.clock import utcnow
from bot.core.settings import CONFIG_DIR, get_settings
from bot.patterns.cases import ticket_numbers
from bot.patterns.models import CASE_OPEN, KIND_SPIKE, PatternCase
from bot.tickets import service
from bot.tickets.constants import CLOSED, PROTECTION_QUEUE, staff_actor
from bot.tickets.lifecycle import TicketError
from bot.tickets.models import Ticket, TicketEvent
from bot.tickets.queries import overdue_clause

log = logging.getLogger(__name__)
CLAIM_PREFIX = "claim:"
WEBHOOK_PATH = "/telegram/staff/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class StaffTelegramConfig:
    """The staff bot's settings."""

    token: Optional[str] = None
    secret_token: Optional[str] = None
    mode: str = "polling"
    chats_file: str = str(CONFIG_DIR / "staff_telegram.yml")
    console_url: str = "http://127.0.0.1:8000"
    interval_seconds: int = 120

    @property
    def configured(self) -> bool:
        return bool(self.token)

    @classmethod
    def from_settings(cls) -> StaffTelegramConfig:
        s = get_settings()
        return cls(
            token=s.STAFF_TELEGRAM_BOT_TOKEN or None,
            secret_token=s.STAFF_TELEGRAM_SECRET_TOKEN or None,
            mode=s.STAFF_TELEGRAM_MODE.lower(),
            chats_file=s.STAFF_TELEGRAM_CHATS_FILE,
            console_url=s.STAFF_CONSOLE_URL or f"http://{s.CONSOLE_HOST}:{s.CONSOLE_PORT}",
            interval_seconds=s.STAFF_TELEGRAM_INTERVAL_SECONDS,
        )


@dataclass(frozen=True)
class ChatMap:
    """Queue id / desk kind / district -> group chat id (config/staff_telegram.yml)."""

    queues: Dict[str, int] = field(default_factory=dict)
    districts: Dict[str, int] = field(default_factory=dict)
    default: Optional[int] = None

    @classmethod
    def load(cls, path: str) -> ChatMap:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls(
            queues={str(k): int(v) for k, v in (data.get("queues") or {}).items() if v},
            districts={str(k): int(v) for k, v in (data.get("districts") or {}).items() if v},
            default=int(data["default"]) if data.get("default") else None,
        )

    def chat_for(self, ticket: Any) -> Optional[int]:
        """Exact queue, then the desk kind ("integrity:*"), then district, then default.

        A protection case goes only to the protection desk's own group, if it has one:
        never to the district's group or the default one.
        """
        if ticket.queue in self.queues:
            return self.queues[ticket.queue]
        if ticket.queue == PROTECTION_QUEUE:
            return None
        kind = queue_kind(ticket.queue)
        if f"{kind}:*" in self.queues:
            return self.queues[f"{kind}:*"]
        if ticket.district in self.districts:
            return self.districts[ticket.district]
        return self.default


def alert_text(ticket: Ticket, reason: str, now: datetime, console_url: str) -> str:
    """The alert: no CNIC or phone, only what a desk needs to pick the ticket up."""
    left, _ = time_left(ticket, now)
    place = " / ".join(p for p in (ticket.district, ticket.tehsil) if p) or "place unknown"
    return (
        f"{reason}: {ticket.number}\n"
        f"{CATEGORY_LABELS.get(ticket.category, ticket.category)} · {place}"
        f"{' · ' + ticket.programme.replace('_', ' ') if ticket.programme else ''}\n"
        f"{LEVEL_LABELS.get(ticket.level, ticket.level)} level ({ticket.queue}) · {left}\n"
        f"Assigned: {ticket.assigned_to or 'nobody'}\n"
        f"{console_url.rstrip('/')}/tickets/{ticket.number}"
    )


def claim_keyboard(number: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Claim", callback_data=CLAIM_PREFIX + number)]]
    )


def due_alerts(
    session: Session, now: datetime, lookback: timedelta = timedelta(days=2)
) -> List[Tuple[str, str, Ticket]]:
    """(dedupe key, reason, ticket) for new escalations and overdue tickets not yet posted."""
    found: List[Tuple[str, str, Ticket]] = []
    events = session.execute(
        select(TicketEvent, Ticket)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.kind.in_(("escalated", "referral")), TicketEvent.at >= now - lookback)
        .where(Ticket.state != CLOSED)
        .order_by(TicketEvent.id)
    ).all()
    for event, ticket in events:
        reason = "Escalated" if event.kind == "escalated" else "Referred to the Ombudsman"
        found.append((f"{event.kind}:{ticket.number}:{event.id}", reason, ticket))
    overdue = session.execute(
        select(Ticket).where(overdue_clause(now)).order_by(Ticket.deadline_at)
    ).scalars()
    for ticket in overdue:
        key = f"overdue:{ticket.number}:{ticket.level}:{ticket.deadline_at.isoformat()}"
        found.append((key, "Overdue", ticket))
    posted = (
        set(
            session.execute(
                select(StaffAlert.dedupe_key).where(
                    StaffAlert.dedupe_key.in_([k for k, _, _ in found])
                )
            ).scalars()
        )
        if found
        else set()
    )
    return [item for item in found if item[0] not in posted]


def due_case_alerts(session: Session, now: datetime) -> List[Tuple[str, str, PatternCase]]:
    """(dedupe key, reason, case) for pattern cases and spikes opened, escalated or overdue.

    The same moments a ticket is posted at: a new case (a new escalation), a level up,
    a missed deadline."""
    found: List[Tuple[str, str, PatternCase]] = []
    cases = session.execute(
        select(PatternCase).where(PatternCase.state == CASE_OPEN).order_by(PatternCase.id)
    ).scalars()
    for case in cases:
        opened = "Spike" if case.kind == KIND_SPIKE else "Pattern case"
        found.append((f"pattern:{case.id}:opened", opened, case))
        if case.escalated:
            found.append((f"pattern:{case.id}:level:{case.level}", "Pattern case escalated", case))
        if case.deadline_at is not None and case.deadline_at < now:
            key = f"pattern:{case.id}:overdue:{case.deadline_at.isoformat()}"
            found.append((key, "Pattern case overdue", case))
    if not found:
        return []
    posted = set(
        session.execute(
            select(StaffAlert.dedupe_key).where(StaffAlert.dedupe_key.in_([k for k, _, _ in found]))
        ).scalars()
    )
    return [item for item in found if item[0] not in posted]


def case_alert_text(
    case: PatternCase, reason: str, numbers: List[str], now: datetime, console_url: str
) -> str:
    """A case for the desk: what, where, how many households, the tickets; no citizen named."""
    place = " / ".join(p for p in (case.district, case.tehsil) if p) or "place unknown"
    shown = ", ".join(numbers[:10]) + (
        f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    )
    amount = f" · Rs {case.amount_claimed:,} claimed" if case.amount_claimed else ""
    return (
        f"{reason}: {case.label}\n{case.subject}\n{place} · {case.households} households"
        f"{amount}\n{LEVEL_LABELS.get(case.level, case.level)} level ({case.queue})\n"
        f"Tickets: {shown}\n{console_url.rstrip('/')}/patterns#case-{case.id}"
    )


def _case_chats(session: Session, chats: ChatMap, case: PatternCase) -> List[int]:
    """The desk's group; a spike also goes to each supervisor of the district directly."""
    found = [c for c in (chats.chat_for(case),) if c is not None]
    if case.kind == KIND_SPIKE:
        supervisors = session.execute(
            select(StaffUser).where(
                StaffUser.active.is_(True),
                StaffUser.role == "supervisor",
                StaffUser.telegram_chat_id.is_not(None),
            )
        ).scalars()
        found += [
            int(u.telegram_chat_id)
            for u in supervisors
            if u.all_districts or case.district in u.district_list
        ]
    return list(dict.fromkeys(found))


async def _post(
    bot: Bot,
    session: Session,
    key: str,
    chat_id: int,
    text: str,
    number: str,
    now: datetime,
    markup: Optional[InlineKeyboardMarkup] = None,
) -> None:
    message = await bot.send_message(
        chat_id, text, reply_markup=markup, disable_web_page_preview=True
    )
    session.add(
        StaffAlert(
            dedupe_key=key,
            ticket_number=number,
            chat_id=chat_id,
            message_id=message.message_id,
            sent_at=now,
        )
    )
    try:
        session.commit()
    except IntegrityError:  # another worker posted it meanwhile
        session.rollback()


async def post_alerts(
    bot: Bot,
    session_factory: Callable[[], Session],
    chats: ChatMap,
    console_url: str,
    now: Optional[datetime] = None,
) -> int:
    """Post every due alert once to its group; returns how many were posted."""
    now = now or utcnow()
    posted = 0
    with session_factory() as session:
        for key, reason, ticket in due_alerts(session, now):
            chat_id = chats.chat_for(ticket)
            if chat_id is None:
                continue
            text = alert_text(ticket, reason, now, console_url)
            await _post(
                bot, session, key, chat_id, text, ticket.number, now, claim_keyboard(ticket.number)
            )
            posted += 1
        for key, reason, case in due_case_alerts(session, now):
            numbers = ticket_numbers(session, [case.id])[case.id]
            text = case_alert_text(case, reason, numbers, now, console_url)
            for i, chat_id in enumerate(_case_chats(session, chats, case)):
                await _post(
                    bot,
                    session,
                    key if i == 0 else f"{key}:{chat_id}",
                    chat_id,
                    text,
                    case.label,
                    now,
                )
                posted += 1
    return posted


@dataclass(frozen=True)
class ClaimOutcome:
    ok: bool
    message: str
    username: Optional[str] = None


def claim(
    session_factory: Callable[[], Session], telegram_user_id: int, number: str
) -> ClaimOutcome:
    """Assign the ticket to the staff user linked to this Telegram account, if allowed."""
    with session_factory() as session:
        user = (
            session.execute(
                select(StaffUser).where(
                    StaffUser.active.is_(True),
                    or_(
                        StaffUser.telegram_user_id == telegram_user_id,
                        StaffUser.telegram_chat_id == telegram_user_id,
                    ),
                )
            )
            .scalars()
            .first()
        )
        if user is None:
            return ClaimOutcome(False, "Your Telegram account is not linked to a console account.")
        ticket = service.get_ticket(session, number)
        if ticket is None or not can_see(user, ticket):
            return ClaimOutcome(False, "This ticket is not in your queues.")
        if ticket.assigned_to == user.username:
            return ClaimOutcome(True, "It is already yours.", user.username)
        try:
            service.assign(session, ticket, user.username, staff_actor(user.username))
            audit.record(
                session, user.username, "assign", ticket.number, detail="claimed on Telegram"
            )
            session.commit()
        except StaleDataError:
            session.rollback()
            return ClaimOutcome(False, "Someone changed this ticket just now; try again.")
        except TicketError as exc:
            session.rollback()
            return ClaimOutcome(False, str(exc))
        return ClaimOutcome(True, f"{ticket.number} is assigned to you.", user.username)


async def claim_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Claim button: assign in the console, then mark the group message as claimed."""
    query = update.callback_query
    if query is None or not query.data or not query.data.startswith(CLAIM_PREFIX):
        return
    number = query.data[len(CLAIM_PREFIX) :]
    factory = context.bot_data["session_factory"]
    outcome = await asyncio.to_thread(claim, factory, query.from_user.id, number)
    await query.answer(outcome.message, show_alert=not outcome.ok)
    if outcome.ok and query.message is not None:
        text = getattr(query.message, "text", "") or number
        await query.edit_message_text(
            f"{text}\n\n✅ Claimed by {outcome.username}", reply_markup=None
        )


def build_application(
    config: StaffTelegramConfig,
    session_factory: Callable[[], Session],
    bot: Optional[Bot] = None,
) -> Application:
    """The python-telegram-bot Application with the claim handler (no network yet)."""
    builder = (
        Application.builder().updater(None) if config.mode == "webhook" else Application.builder()
    )
    builder = builder.bot(bot) if bot is not None else builder.token(config.token or "")
    app = builder.build()
    app.bot_data["session_factory"] = session_factory
    app.bot_data["config"] = config
    app.add_handler(CallbackQueryHandler(claim_callback, pattern=f"^{CLAIM_PREFIX}"))
    return app


def mount_webhook(
    api: Any, config: StaffTelegramConfig, session_factory: Callable[[], Session]
) -> Application:
    """Serve POST /telegram/staff/webhook on the console app; post alerts in the background."""
    import hmac

    from fastapi import Request
    from fastapi.responses import JSONResponse, Response

    tg = build_application(config, session_factory)
    chats = ChatMap.load(config.chats_file)
    tasks: List[asyncio.Task] = []

    async def alerts_loop() -> None:
        while True:
            try:
                await post_alerts(tg.bot, session_factory, chats, config.console_url)
            except Exception:  # keep alerting after a network error
                log.exception("posting staff alerts failed")
            await asyncio.sleep(config.interval_seconds)

    @api.on_event("startup")
    async def _start() -> None:
        await tg.initialize()
        await tg.start()
        tasks.append(asyncio.create_task(alerts_loop()))

    @api.on_event("shutdown")
    async def _stop() -> None:
        for task in tasks:
            task.cancel()
        await tg.stop()
        await tg.shutdown()

    @api.post(WEBHOOK_PATH, include_in_schema=False)
    async def _webhook(request: Request) -> Response:
        sent = request.headers.get(SECRET_HEADER, "")
        if not config.secret_token or not hmac.compare_digest(sent, config.secret_token):
            return JSONResponse({"detail": "forbidden"}, status_code=403)
        update = Update.de_json(await request.json(), tg.bot)
        await tg.process_update(update)
        return Response(status_code=200)

    return tg


def main() -> int:
    """Long-polling mode: answer Claim buttons and post alerts every interval."""
    from bot.core import db

    config = StaffTelegramConfig.from_settings()
    if not config.configured:
        print("STAFF_TELEGRAM_BOT_TOKEN is not set: nothing to do")
        return 1
    factory = db.session_factory()
    chats = ChatMap.load(config.chats_file)
    app = build_application(StaffTelegramConfig(**{**config.__dict__, "mode": "polling"}), factory)

    async def alerts_loop(application: Application) -> None:
        while True:
            try:
                await post_alerts(application.bot, factory, chats, config.console_url)
            except Exception:  # keep alerting after a network error
                log.exception("posting staff alerts failed")
            await asyncio.sleep(config.interval_seconds)

    async def start_loop(application: Application) -> None:
        application.create_task(alerts_loop(application))

    app.post_init = start_loop
    app.run_polling(allowed_updates=["callback_query"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
