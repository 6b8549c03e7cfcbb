"""The pattern settings, read once from the settings object."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.settings import get_settings


@dataclass(frozen=True)
class PatternRules:
    min_households: int = 3
    window_days: int = 30
    spike_factor: float = 2.0
    spike_min: int = 5
    match_score: float = 80

    @classmethod
    def from_settings(cls) -> PatternRules:
        s = get_settings()
        return cls(
            min_households=s.PATTERN_MIN_HOUSEHOLDS,
            window_days=s.PATTERN_WINDOW_DAYS,
            spike_factor=s.SPIKE_FACTOR,
            spike_min=s.SPIKE_MIN_COMPLAINTS,
            match_score=s.POINT_MATCH_MIN_SCORE,
        )
