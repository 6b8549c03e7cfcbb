#!/usr/bin/env bash
# Installs PostgreSQL, redis-server and nginx (production-stack tests) from Debian packages when missing (idempotent, quiet).
# Used by tests/auxil/servers.py; safe to run again: it does nothing when all are present.
set -euo pipefail

have_postgres() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_redis() { command -v redis-server >/dev/null 2>&1; }
have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }

packages=()
have_postgres || packages+=(postgresql)
have_redis || packages+=(redis-server)
have_nginx || packages+=(nginx-light)
[ ${#packages[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "ensure_services: need root (or sudo) to install: ${packages[*]}" >&2; exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they are absent (a fresh container).
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
  out=$($SUDO apt-get update -qq 2>&1) || { echo "$out" >&2; exit 1; }
fi
# policy-rc.d 101 keeps the packages from starting system-wide servers: tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
out=$($SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" 2>&1) || {
  echo "$out" >&2
  exit 1
}
