#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs Madadgar with the pinned dependency tree.
# Reruns are cheap: nothing is reinstalled unless pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if [ ! -x .venv/bin/python ]; then
  py=$(scripts/find_python.sh)
  echo "==> creating .venv with $py"
  "$py" -m venv .venv
fi
echo "==> installing dependencies (pinned by constraints.txt; first time takes a few minutes)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==24.0"
.venv/bin/python -m pip install --disable-pip-version-check --progress-bar on \
  -c constraints.txt -e ".[dev]"
.venv/bin/python -c "import rasa, rasa_sdk, sqlalchemy, telegram, twilio, fastapi, playwright"
echo "$want" > "$stamp"
echo "==> dependencies installed"
