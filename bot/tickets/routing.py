"""Chooses a ticket's queue from the rules in config/routing.yml (first match wins)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from bot.core.districts import find_district
from bot.tickets.config import ConfigError, RoutingConfig, RoutingRule
from bot.tickets.constants import TOP_LEVEL

HEAD_OFFICE = "head_office"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    """Where a ticket goes: the queue, its escalation level and the rule that chose it."""

    queue: str
    level: int
    rule_id: str


@dataclass(frozen=True)
class Place:
    """What a queue template may refer to, with district names in their canonical form."""

    district: Optional[str] = None
    tehsil: Optional[str] = None
    region: Optional[str] = None
    programme: Optional[str] = None

    def values(self) -> Dict[str, Optional[str]]:
        return {
            "district": self.district,
            "tehsil": self.tehsil,
            "region": self.region,
            "programme": self.programme,
        }


def place_of(
    config: RoutingConfig,
    district: Optional[str],
    tehsil: Optional[str] = None,
    programme: Optional[str] = None,
) -> Place:
    """Canonical district (aliases resolved via districts.yml), its tehsil and region."""
    known = find_district(district) if district else None
    if known is None:
        return Place(district or None, tehsil or None, None, programme or None)
    canonical_tehsil = tehsil or None
    if tehsil:
        for name in known.tehsils:
            if name.lower() == tehsil.strip().lower():
                canonical_tehsil = name
    return Place(known.name, canonical_tehsil, known.region, programme or None)


def fill_queue(template: str, place: Place) -> Optional[str]:
    """The queue id from a template, or None when a placeholder has no value."""
    values = place.values()
    missing = [name for name in _PLACEHOLDER.findall(template) if not values.get(name)]
    if missing:
        return None
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


def _matches(rule: RoutingRule, category: str, place: Place) -> bool:
    given = {"category": category, **place.values()}
    for key, allowed in rule.match.items():
        value = given.get(key)
        if not value:
            return False
        if allowed is not None and value.strip().lower() not in allowed:
            return False
    return True


def route(
    config: RoutingConfig,
    category: str,
    programme: Optional[str] = None,
    district: Optional[str] = None,
    tehsil: Optional[str] = None,
) -> Route:
    """The first rule whose conditions hold and whose queue can be filled in."""
    place = place_of(config, district, tehsil, programme)
    for rule in config.rules:
        if not _matches(rule, category, place):
            continue
        queue = fill_queue(rule.queue, place)
        if queue is not None:
            return Route(queue, rule.level, rule.id)
    raise ConfigError(f"no routing rule matched category {category!r}: add a catch-all rule")


def level_queue(config: RoutingConfig, level: int, place: Place) -> Tuple[str, int]:
    """The queue of an escalation level and its level.

    A level whose queue cannot be filled in (no region known for the district) is
    skipped: the ticket goes to the next level up rather than nowhere.
    """
    for lvl in range(min(level, TOP_LEVEL), TOP_LEVEL + 1):
        for template in config.level_queues.get(lvl, ()):
            queue = fill_queue(template, place)
            if queue is not None:
                return queue, lvl
    return HEAD_OFFICE, TOP_LEVEL
