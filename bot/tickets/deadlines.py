"""Priorities and deadlines: working hours in Pakistan time, weekends and holidays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import FrozenSet

from bot.tickets.config import ELAPSED, Calendar, ConfigError, DeadlineRule, SlaConfig


def local_zone(sla: SlaConfig) -> tzinfo:
    """Pakistan time: Asia/Karachi has kept UTC+5 without daylight saving since 2009."""
    return timezone(timedelta(hours=sla.utc_offset_hours), "PKT")


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("deadlines need timezone-aware datetimes")
    return moment


def add_working_hours(
    start: datetime,
    hours: float,
    calendar: Calendar,
    holidays: FrozenSet[date],
    zone: tzinfo,
) -> datetime:
    """The moment `hours` of office time after `start`, in UTC.

    Time outside office hours, on days off and on holidays does not count; a deadline
    that uses up a day exactly falls at closing time, not the next morning.
    """
    cursor = _aware(start).astimezone(zone)
    remaining = timedelta(hours=hours)
    day = cursor.date()
    for _ in range(3700):  # about ten years of days: a calendar with no office day fails
        if day.weekday() in calendar.days and day not in holidays:
            opens = datetime.combine(day, calendar.start, zone)
            closes = datetime.combine(day, calendar.end, zone)
            begin = max(cursor, opens)
            if begin < closes or (begin == closes and not remaining):
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(timezone.utc)
                remaining -= available
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), zone)
    raise ConfigError("calendar has no office hours")


def deadline_after(start: datetime, rule: DeadlineRule, sla: SlaConfig) -> datetime:
    """Apply a deadline rule (office hours of a calendar, or elapsed hours) from `start`."""
    if rule.calendar == ELAPSED:
        return _aware(start).astimezone(timezone.utc) + timedelta(hours=rule.hours)
    return add_working_hours(
        start, rule.hours, sla.calendars[rule.calendar], sla.holidays, local_zone(sla)
    )


def priority_for(sla: SlaConfig, category: str, vulnerable: bool) -> int:
    """1 is most urgent: deductions, scams and vulnerable citizens come first."""
    priority = sla.category_priority.get(category, sla.default_priority)
    if vulnerable:
        priority = min(priority, sla.vulnerable_priority)
    return priority


def ticket_deadline(sla: SlaConfig, category: str, priority: int, start: datetime) -> datetime:
    """The first deadline of a new ticket."""
    return deadline_after(start, sla.deadline_rule(category, priority), sla)


def level_deadline(
    sla: SlaConfig, level: int, category: str, priority: int, start: datetime
) -> datetime:
    """The deadline after an escalation or reopening to `level`."""
    rule = sla.level_deadlines.get(level) or sla.deadline_rule(category, priority)
    return deadline_after(start, rule, sla)


def local_date_text(moment: datetime, sla: SlaConfig) -> str:
    """A date as the citizen reads it, in Pakistan time: 14-03-2025."""
    return _aware(moment).astimezone(local_zone(sla)).strftime("%d-%m-%Y")
