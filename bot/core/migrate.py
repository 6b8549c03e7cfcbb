"""Runs the Alembic migrations programmatically (start-up and tests)."""

from __future__ import annotations

from typing import Optional

from alembic import command
from alembic.config import Config

from bot.core.settings import ROOT, get_settings


def alembic_config(url: Optional[str] = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "bot" / "core" / "migrations"))
    cfg.attributes["url"] = url or get_settings().DATABASE_URL
    return cfg


def upgrade(url: Optional[str] = None) -> None:
    """Bring the database at `url` (default: DATABASE_URL) to the latest revision."""
    from bot.core.db import get_engine

    get_engine(url)  # creates the SQLite folder when needed
    command.upgrade(alembic_config(url), "head")
