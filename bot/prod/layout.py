"""Where each part of the production stack listens and keeps its files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.core.settings import VAR_DIR

LOCK_STORE_TYPE = "bot.rasa_plugins.lockstore.AtomicRedisLockStore"


@dataclass
class Layout:
    """Ports are fixed offsets from `base_port`, so two stacks never share one."""

    var_dir: Path = VAR_DIR / "prod"
    base_port: int = 7100
    rasa_replicas: int = 2
    action_replicas: int = 2
    host: str = "127.0.0.1"
    # Given: use these instead of starting PostgreSQL / Redis here (tests, real hosts).
    database_url: Optional[str] = None
    tracker_db_url: Optional[str] = None
    redis_url: Optional[str] = None
    extra_env: Dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------ ports
    @property
    def public_port(self) -> int:
        """nginx: the only port the internet sees (channel webhooks)."""
        return self.base_port

    @property
    def internal_port(self) -> int:
        """nginx: Rasa HTTP API and REST channel, loopback (console) only."""
        return self.base_port + 1

    @property
    def action_lb_port(self) -> int:
        """nginx: action servers, for the Rasa replicas only."""
        return self.base_port + 2

    @property
    def console_port(self) -> int:
        return self.base_port + 3

    @property
    def postgres_port(self) -> int:
        return self.base_port + 4

    @property
    def redis_port(self) -> int:
        return self.base_port + 5

    @property
    def action_fallback_port(self) -> int:
        """bot.rasa_plugins.action_fallback: nginx's stand-in reply when an action fails."""
        return self.base_port + 6

    @property
    def rasa_ports(self) -> List[int]:
        return [self.base_port + 10 + i for i in range(self.rasa_replicas)]

    @property
    def action_ports(self) -> List[int]:
        return [self.base_port + 30 + i for i in range(self.action_replicas)]

    def metrics_port(self, name: str) -> int:
        """Loopback Prometheus /metrics of process `name` (rasa-N, actions-N, console, worker)."""
        kind, _, index = name.partition("-")
        offsets = {"rasa": 50, "actions": 60, "console": 70, "worker": 71}
        return self.base_port + offsets[kind] + int(index or 0)

    @property
    def metrics_targets(self) -> Dict[str, int]:
        """Every process's metrics port, for a Prometheus scrape configuration."""
        names = [f"rasa-{i}" for i in range(self.rasa_replicas)]
        names += [f"actions-{i}" for i in range(self.action_replicas)]
        return {n: self.metrics_port(n) for n in names + ["console", "worker"]}

    # ------------------------------------------------------------ files
    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def run_dir(self) -> Path:
        return self.var_dir / "run"

    # ------------------------------------------------------------ URLs
    @property
    def db_url(self) -> str:
        return self.database_url or self._pg("madadgar")

    @property
    def tracker_url(self) -> str:
        return self.tracker_db_url or self._pg("madadgar_tracker")

    @property
    def lock_redis_url(self) -> str:
        return self.redis_url or f"redis://{self.host}:{self.redis_port}/0"

    def _pg(self, database: str) -> str:
        return f"postgresql+psycopg2://postgres@{self.host}:{self.postgres_port}/{database}"

    def url(self, port: int, path: str = "") -> str:
        return f"http://{self.host}:{port}{path}"
