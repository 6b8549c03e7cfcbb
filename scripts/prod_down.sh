#!/usr/bin/env bash
# Stops the stack started by scripts/prod_up.sh (same --var-dir / --base-port if changed).
# Data stays in var/prod/; delete that folder for a fresh start.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
exec "$PY" -m bot.prod down "$@"
