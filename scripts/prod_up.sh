#!/usr/bin/env bash
# Starts the production stack on loopback: PostgreSQL + Redis (data in var/prod/), Alembic
# migrations, demo data, N Rasa replicas and M action servers behind nginx, console, worker.
#   scripts/prod_up.sh [--rasa N] [--actions M] [--base-port 7100] [--model models/madadgar.tar.gz]
# Stop everything with scripts/prod_down.sh. See docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || {
  echo "==> installing nginx-light (Debian)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || $SUDO apt-get update -qq
  [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null; $SUDO chmod +x /usr/sbin/policy-rc.d; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
}
bash scripts/ensure_services.sh
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_WARN_20=0 PYTHONWARNINGS=ignore OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
exec "$PY" -m bot.prod up "$@"
