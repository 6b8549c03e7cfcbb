"""Writes the Rasa endpoints file for this deployment from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import yaml
from sqlalchemy.engine import make_url

from bot.core.settings import Settings
from bot.rasa_plugins.action_server import AUTH_HEADER, authorization_value


def endpoints(settings: Settings) -> Dict[str, Any]:
    """Action server, language-aware NLG, SQL tracker store and (if set) Redis lock store."""
    url = make_url(settings.TRACKER_DB_URL)
    if url.get_backend_name() == "sqlite":
        # the same store as PostgreSQL gets; on SQLite it also pools connections (WAL)
        tracker: Dict[str, Any] = {
            "type": "bot.rasa_plugins.tracker_store.ResilientSQLTrackerStore",
            "dialect": "sqlite",
            "db": url.database,
        }
    else:
        tracker = {
            # Rasa's SQLTrackerStore forgets a conversation when one read fails (a database
            # restart); this subclass re-checks pooled connections and retries.
            "type": "bot.rasa_plugins.tracker_store.ResilientSQLTrackerStore",
            "dialect": "postgresql",
            "url": url.host,
            "port": url.port or 5432,
            "db": url.database,
            "username": url.username,
            "password": url.password,
            "login_db": url.database,
        }
    config: Dict[str, Any] = {
        # Only the form validators (validate_*) read the domain: Rasa sends the whole
        # 55 kB domain with every other action call unless told not to. The secret's
        # variable name only goes into the file: Rasa expands it from its environment.
        "action_endpoint": {
            "url": settings.ACTION_SERVER_URL,
            "enable_selective_domain": True,
            # A failed action call gets the apology from Rasa itself (bot.rasa_plugins.action_call).
            "stand_in": True,
            "headers": {AUTH_HEADER: authorization_value("${ACTION_SERVER_SECRET}")},
        },
        "nlg": {"type": "bot.rasa_plugins.nlg.LanguageAwareNLG"},
        "tracker_store": tracker,
    }
    if settings.REDIS_URL:
        redis = make_url(settings.REDIS_URL)
        config["lock_store"] = {
            "type": settings.LOCK_STORE_TYPE,
            "url": redis.host,
            "port": redis.port or 6379,
            "db": int(redis.database or 0),
            "key_prefix": "madadgar",
        }
        # A managed Redis wants its password (redis://:secret@host) and often TLS (rediss://).
        if redis.password:
            config["lock_store"]["password"] = redis.password
        if redis.drivername == "rediss":
            config["lock_store"]["use_ssl"] = True
    return config


def write_endpoints(path: Path, settings: Settings) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints(settings), sort_keys=False), encoding="utf-8")
    return path
