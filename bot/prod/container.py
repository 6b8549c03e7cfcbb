"""Entry points of the container image (deploy/Containerfile) for the roles that need a step
before they serve: Rasa (its endpoints and credentials files) and the migration job.

    python -m bot.prod.container rasa [--port 5005] [--host 0.0.0.0] [--model models/madadgar.tar.gz]
    python -m bot.prod.container migrate

Everything comes from the environment (the Kubernetes Secrets and ConfigMap,
deploy/k8s/); the files Rasa reads are written under MADADGAR_RUNTIME_DIR (a writable
emptyDir; the image's root file system is read-only), then `rasa run` replaces this
process, so Kubernetes signals Rasa itself.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import List, Mapping, Optional

from bot.core.settings import ROOT
from bot.ops.launch import rasa_server_command, write_rasa_files

RUNTIME_DIR_ENV = "MADADGAR_RUNTIME_DIR"
DEFAULT_RUNTIME_DIR = "/run/madadgar"
DEFAULT_MODEL = ROOT / "models" / "madadgar.tar.gz"
RASA_PORT = 5005


def rasa_command(
    env: Mapping[str, str],
    runtime_dir: Path,
    model: Path,
    port: int = RASA_PORT,
    host: str = "0.0.0.0",
) -> List[str]:
    """Write endpoints.yml and credentials.yml for `env` into `runtime_dir`; the `rasa run`
    command serving `model` on `host` (the pod's every interface), its HTTP API behind
    RASA_TOKEN."""
    if not model.exists():
        raise SystemExit(f"no model at {model}: the image is built with one (madadgar train)")
    token = env.get("RASA_TOKEN")
    if not token:
        raise SystemExit("RASA_TOKEN is not set: the console reaches Rasa's HTTP API with it")
    endpoints, credentials, enabled = write_rasa_files(runtime_dir, env)
    print(f"rasa: channels {', '.join(enabled)}; endpoints in {runtime_dir}", flush=True)
    return rasa_server_command(model, endpoints, credentials, port, host, token)


def migrate(env: Mapping[str, str]) -> None:
    """Alembic migrations of DATABASE_URL and Rasa's `events` table at TRACKER_DB_URL, once
    before any replica starts (replicas starting together would race to create it)."""
    from bot.core import db
    from bot.core.migrate import upgrade
    from bot.core.settings import get_settings
    from bot.prod.stack import create_tracker_schema

    settings = get_settings()
    settings.check_production()
    upgrade(settings.DATABASE_URL)
    with tempfile.TemporaryDirectory() as scratch:
        endpoints, _, _ = write_rasa_files(Path(scratch), env)
        create_tracker_schema(endpoints)
    db.dispose_engines()
    print("migrate: database at head, tracker table ready", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.prod.container")
    roles = parser.add_subparsers(dest="role", required=True)
    rasa = roles.add_parser("rasa", help="write Rasa's files, then exec `rasa run`")
    rasa.add_argument("--port", type=int, default=RASA_PORT)
    rasa.add_argument("--host", default="0.0.0.0", help="address to bind (the pod's: all)")
    rasa.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    roles.add_parser("migrate", help="migrations and the tracker table, then exit")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.role == "migrate":
        migrate(env)
        return 0
    runtime_dir = Path(env.get(RUNTIME_DIR_ENV, DEFAULT_RUNTIME_DIR))
    command = rasa_command(env, runtime_dir, args.model, args.port, args.host)
    sys.stdout.flush()
    os.execv(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
