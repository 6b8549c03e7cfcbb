"""Loads routing.yml and sla.yml into typed objects, reloading on change (districts: bot.core.districts)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

import yaml

from bot.core.settings import get_settings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ELAPSED = "elapsed"  # a deadline in clock hours, nights and holidays included
MATCH_KEYS = ("category", "programme", "district", "tehsil")


class ConfigError(ValueError):
    """A configuration file is missing something or says something impossible."""


# ---------------------------------------------------------------- routing


@dataclass(frozen=True)
class RoutingRule:
    """First matching rule wins; `queue` may use {district}, {tehsil}, {region}, {programme}."""

    id: str
    queue: str
    level: int
    # key -> allowed values (lower case); None means "any value, but one must be given".
    match: Mapping[str, Optional[FrozenSet[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class RoutingConfig:
    rules: Tuple[RoutingRule, ...]
    # level -> queue templates, tried in order; the first whose placeholders are known wins.
    level_queues: Mapping[int, Tuple[str, ...]]
    duplicate_window_days: float = 14
    duplicate_min_similarity: float = 60


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Calendar:
    """Office days and hours in Pakistan time."""

    days: FrozenSet[int]  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True)
class DeadlineRule:
    hours: float
    calendar: str  # a Calendar name or ELAPSED


@dataclass(frozen=True)
class SlaConfig:
    utc_offset_hours: float
    calendars: Mapping[str, Calendar]
    holidays: FrozenSet[date]
    category_priority: Mapping[str, int]
    vulnerable_priority: int
    default_priority: int
    # category (or "default") -> priority -> rule
    deadlines: Mapping[str, Mapping[int, DeadlineRule]]
    # level -> rule, applied after an escalation or a reopening at that level
    level_deadlines: Mapping[int, DeadlineRule]
    ombudsman_after_days: float = 30
    confirm_close_days: float = 5
    appeal_max_rating: int = 2

    def deadline_rule(self, category: str, priority: int) -> DeadlineRule:
        for key in (category, "default"):
            rule = self.deadlines.get(key, {}).get(priority)
            if rule:
                return rule
        raise ConfigError(f"sla: no deadline for category {category!r} priority {priority}")


@dataclass(frozen=True)
class TicketConfig:
    routing: RoutingConfig
    sla: SlaConfig


# ---------------------------------------------------------------- parsing


def _read_yaml(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"missing configuration file {path}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top")
    return data


def _match(raw: Mapping[str, Any], rule_id: str) -> Dict[str, Optional[FrozenSet[str]]]:
    match: Dict[str, Optional[FrozenSet[str]]] = {}
    for key, value in (raw or {}).items():
        if key not in MATCH_KEYS:
            raise ConfigError(f"routing rule {rule_id}: unknown match key {key!r}")
        if value == "*":
            match[key] = None
        else:
            values = value if isinstance(value, list) else [value]
            match[key] = frozenset(str(v).strip().lower() for v in values)
    return match


def parse_routing(data: Mapping[str, Any]) -> RoutingConfig:
    rules: List[RoutingRule] = []
    seen = set()
    for raw in data.get("rules") or []:
        rule_id = str(raw.get("id") or "")
        if not rule_id or rule_id in seen:
            raise ConfigError(f"routing rule without a unique id: {raw!r}")
        seen.add(rule_id)
        if "queue" not in raw or "level" not in raw:
            raise ConfigError(f"routing rule {rule_id}: needs queue and level")
        rules.append(
            RoutingRule(
                rule_id, str(raw["queue"]), int(raw["level"]), _match(raw.get("match"), rule_id)
            )
        )
    if not rules:
        raise ConfigError("routing: no rules")
    levels = {
        int(level): tuple(v if isinstance(v, list) else [v])
        for level, v in (data.get("levels") or {}).items()
    }
    for level in (1, 2, 3):
        if level not in levels:
            raise ConfigError(f"routing: no queue for escalation level {level}")
    dup = data.get("duplicates") or {}
    return RoutingConfig(
        rules=tuple(rules),
        level_queues=levels,
        duplicate_window_days=float(dup.get("window_days", 14)),
        duplicate_min_similarity=float(dup.get("min_similarity", 60)),
    )


def _clock(value: Any) -> time:
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def _rule(raw: Mapping[str, Any], calendars: Mapping[str, Calendar], where: str) -> DeadlineRule:
    calendar = str(raw.get("calendar", ELAPSED))
    if calendar != ELAPSED and calendar not in calendars:
        raise ConfigError(f"sla {where}: unknown calendar {calendar!r}")
    return DeadlineRule(float(raw["hours"]), calendar)


def parse_sla(data: Mapping[str, Any]) -> SlaConfig:
    calendars = {}
    for name, raw in (data.get("calendars") or {}).items():
        days = frozenset(WEEKDAYS.index(str(d).lower()[:3]) for d in raw["days"])
        calendars[str(name)] = Calendar(days, _clock(raw["start"]), _clock(raw["end"]))
    holidays = frozenset(
        d if isinstance(d, date) else date.fromisoformat(str(d)) for d in data.get("holidays") or []
    )
    prio = data.get("priority") or {}
    deadlines = {
        str(cat): {int(p): _rule(r, calendars, f"{cat}/{p}") for p, r in by_prio.items()}
        for cat, by_prio in (data.get("deadlines") or {}).items()
    }
    if "default" not in deadlines:
        raise ConfigError("sla: deadlines need a 'default' entry")
    levels = {
        int(level): _rule(r, calendars, f"level {level}")
        for level, r in (data.get("levels") or {}).items()
    }
    return SlaConfig(
        utc_offset_hours=float(data.get("utc_offset_hours", 5)),
        calendars=calendars,
        holidays=holidays,
        category_priority={str(k): int(v) for k, v in (prio.get("categories") or {}).items()},
        vulnerable_priority=int(prio.get("vulnerable", 1)),
        default_priority=int(prio.get("default", 3)),
        deadlines=deadlines,
        level_deadlines=levels,
        ombudsman_after_days=float(data.get("ombudsman_after_days", 30)),
        confirm_close_days=float(data.get("confirm_close_days", 5)),
        appeal_max_rating=int(data.get("appeal_max_rating", 2)),
    )


# ---------------------------------------------------------------- loading

_cache: Dict[Tuple[Any, ...], TicketConfig] = {}
_lock = threading.Lock()


def _stamp(path: Path) -> Optional[str]:
    # The content, not the mtime: two edits within one clock tick must still count.
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def load_config(
    routing_file: Optional[str] = None,
    sla_file: Optional[str] = None,
) -> TicketConfig:
    """The ticket configuration from the files named in settings (re-read when they change)."""
    settings = get_settings()
    routing_path = Path(routing_file or settings.ROUTING_FILE)
    sla_path = Path(sla_file or settings.SLA_FILE)
    key = tuple((str(p), _stamp(p)) for p in (routing_path, sla_path))
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            cached = TicketConfig(
                routing=parse_routing(_read_yaml(routing_path)),
                sla=parse_sla(_read_yaml(sla_path)),
            )
            if len(_cache) > 16:
                _cache.clear()
            _cache[key] = cached
        return cached
