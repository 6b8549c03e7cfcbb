"""Admin command line: staff accounts, registry import, escalation pass, demo data.

madadgar staff add NAME --role agent --districts Quetta --queues payments,registry
madadgar staff passwd NAME            (prompts)
madadgar staff list | disable NAME | demo
madadgar admin registry seed [--households 2000]
madadgar admin registry generate --households 100000 --seed 7
madadgar admin registry import FILE   (payment-status file: apply it, queue the notices)
madadgar admin escalate [--as-of 2026-12-31T10:00]   (drill: as if at that time)
madadgar admin demo                   (demo staff, persona households, demo tickets)
madadgar admin patterns [--as-of 2026-12-07T10:00]   (pattern cases and spikes, now)
madadgar admin report --district Muzaffargarh --month 2026-11 [--partner HBL] [--out DIR]
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Sequence

from sqlalchemy import select

from bot.console.auth import create_staff, ensure_demo_staff, get_user, set_password
from bot.console.models import QUEUE_KINDS, ROLES, StaffUser
from bot.core import db
from bot.tickets.config import load_config
from bot.tickets.deadlines import local_zone


def _password(given: Optional[str]) -> str:
    if given:
        return given
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise SystemExit("the passwords differ")
    if len(first) < 10:
        raise SystemExit("use at least 10 characters")
    return first


def _split(value: str) -> List[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _as_of(value: str) -> datetime:
    """A drill time: ISO 8601, read as Pakistan time when it has no offset."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date and time: {value!r}") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=local_zone(load_config().sla))
    return when.astimezone(timezone.utc)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="madadgar", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL")
    sub = parser.add_subparsers(dest="group", required=True)

    staff = sub.add_parser("staff", help="staff accounts").add_subparsers(dest="cmd", required=True)
    add = staff.add_parser("add", help="create (or update) a staff account")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--districts", required=True, help='comma list, or "*" for all')
    add.add_argument("--queues", default="*", help=f"comma list of {', '.join(QUEUE_KINDS)} or *")
    add.add_argument("--password", default=None, help="prompted when left out")
    add.add_argument("--telegram-user-id", type=int, default=None)
    add.add_argument("--telegram-chat-id", type=int, default=None)
    passwd = staff.add_parser("passwd", help="set a new password")
    passwd.add_argument("username")
    passwd.add_argument("--password", default=None)
    disable = staff.add_parser("disable", help="stop an account from signing in")
    disable.add_argument("username")
    staff.add_parser("list", help="list the accounts")
    staff.add_parser("demo", help="create the demo accounts (password: demo)")

    registry = sub.add_parser("registry", help="the beneficiary registry")
    reg = registry.add_subparsers(dest="cmd", required=True)
    seed = reg.add_parser("seed", help="persona households plus synthetic ones if empty")
    seed.add_argument("--households", type=int, default=2000)
    seed.add_argument("--seed", type=int, default=7)
    reg.add_parser(
        "generate", help="append synthetic households (bot.registry.generator)", add_help=False
    )

    imported = reg.add_parser(
        "import", help="apply a payment-status file (docs/REGISTRY_IMPORT.md), queue notices"
    )
    imported.add_argument("file", type=Path, help="CSV with a header, or JSON lines")
    imported.add_argument(
        "--no-notices", action="store_true", help="record the changes but tell nobody"
    )

    escalate = sub.add_parser("escalate", help="run the escalation pass once")
    escalate.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="YYYY-MM-DDTHH:MM",
        help="run it as if at this time (Pakistan time unless an offset is given); for drills",
    )
    sub.add_parser("demo", help="demo staff, persona households and demo tickets")
    patterns = sub.add_parser("patterns", help="detect pattern cases and spikes now")
    patterns.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="YYYY-MM-DDTHH:MM",
        help="detect as if at this time (Pakistan time unless an offset is given)",
    )
    report = sub.add_parser("report", help="write a month's report (HTML and CSV)")
    report.add_argument("--district", default=None, help="default: every district")
    report.add_argument("--month", required=True, metavar="YYYY-MM")
    report.add_argument("--partner", default=None, help="a bank (HBL), nadra or survey_firm")
    report.add_argument("--out", default=None, help="directory (default: REPORTS_DIR)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one admin command; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["admin"]:
        args_list = args_list[1:]
    # `registry generate` hands every further option to the generator's own parser.
    if args_list[:2] == ["registry", "generate"]:
        from bot.registry import generator

        generator.main(args_list[2:])
        return 0
    args = _parser().parse_args(args_list)
    url = args.database_url
    from bot.core.migrate import upgrade

    upgrade(url)
    if args.group == "staff":
        return _staff(args, url)
    if args.group == "registry" and args.cmd == "import":
        return _import(args.file, url, notify=not args.no_notices)
    if args.group == "registry":
        from bot.registry.seed import ensure_demo_registry

        with db.session_scope(url) as session:
            result = ensure_demo_registry(session, args.households, args.seed)
        print(f"registry: {result}")
        return 0
    if args.group == "escalate":
        from bot.tickets.escalation import run_escalation_pass

        summary = run_escalation_pass(db.session_factory(url), now=args.as_of)
        print(
            f"escalated {len(summary.escalated)}, referred to the Ombudsman "
            f"{len(summary.referred)}, closed {len(summary.closed)}, skipped {summary.skipped}"
        )
        return 0
    if args.group == "patterns":
        return _patterns(args, url)
    if args.group == "report":
        return _report(args, url)
    if args.group == "demo":
        from bot.console.demo import seed_demo

        with db.session_scope(url) as session:
            numbers = seed_demo(session)
        print("demo data ready" + (f": {', '.join(numbers.values())}" if numbers else ""))
        return 0
    return 2


def _patterns(args: argparse.Namespace, url: Optional[str]) -> int:
    from bot.patterns.detect import run_detection
    from bot.patterns.points import refresh_registry_points

    as_of = args.as_of or datetime.now(timezone.utc)
    with db.session_scope(url) as session:
        added = refresh_registry_points(session, as_of)
        summary = run_detection(session, as_of)
        print(f"payment points added {added}; {summary}")
        for case in [*summary.opened, *summary.spikes]:
            print(f"{case.label} {case.kind} {case.district}/{case.tehsil}: {case.subject}")
    return 0


def _report(args: argparse.Namespace, url: Optional[str]) -> int:
    from pathlib import Path

    from bot.core.settings import get_settings
    from bot.patterns.reports import build_report, write_report

    out = Path(args.out or get_settings().REPORTS_DIR)
    try:
        with db.session_scope(url) as session:
            report = build_report(session, args.month, args.district, args.partner)
            for path in write_report(report, out):
                print(path)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _import(path: Path, url: Optional[str], notify: bool = True) -> int:
    """Apply a payment-status file; every skipped row is printed with its line number."""
    from bot.outreach.notices import Notifier, expiring_days
    from bot.registry.imports import import_file

    if not path.is_file():
        print(f"no such file: {path}", file=sys.stderr)
        return 1
    result = import_file(
        db.session_factory(url),
        path,
        on_transitions=Notifier() if notify else None,
        expiring_days=expiring_days(),
    )
    for problem in result.problems:
        print(f"{path.name}: {problem}", file=sys.stderr)
    print(f"{path.name}: {result.summary()}")
    return 3 if result.problems else 0  # 3: some rows were skipped (the rest applied)


def _staff(args: argparse.Namespace, url: Optional[str]) -> int:
    with db.session_scope(url) as session:
        if args.cmd == "add":
            user = create_staff(
                session,
                args.username,
                _password(args.password),
                args.role,
                _split(args.districts),
                _split(args.queues),
                telegram_user_id=args.telegram_user_id,
                telegram_chat_id=args.telegram_chat_id,
            )
            print(
                f"staff {user.username}: {user.role}, districts {user.districts}, queues {user.queues}"
            )
        elif args.cmd == "passwd":
            set_password(session, args.username, _password(args.password))
            print(f"password of {args.username} changed")
        elif args.cmd == "disable":
            user = get_user(session, args.username)
            if user is None:
                print(f"no staff user {args.username}", file=sys.stderr)
                return 1
            user.active = False
            print(f"{args.username} can no longer sign in")
        elif args.cmd == "demo":
            users = ensure_demo_staff(session)
            print("demo accounts: " + ", ".join(u.username for u in users))
        elif args.cmd == "list":
            for user in session.execute(select(StaffUser).order_by(StaffUser.username)).scalars():
                state = "" if user.active else " (disabled)"
                print(f"{user.username}\t{user.role}\t{user.districts}\t{user.queues}{state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
