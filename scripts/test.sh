#!/usr/bin/env bash
# The whole test suite. Called by `make test` and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_WARN_20=0
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE  # see bot/cli/run.py FIXED_ENV
V=.venv/bin
echo "==> services for the tests (PostgreSQL, Redis, Chromium from Debian)"
scripts/ensure_services.sh
[ -x scripts/ensure_chromium.sh ] && scripts/ensure_chromium.sh
echo "==> tools for the deploy checks (checkov, kubernetes-validate: .venv-tools, not .venv)"
scripts/ensure_tools.sh
echo "==> lint"
$V/ruff check bot actions tests bench
$V/ruff format --check bot actions tests bench
echo "==> rasa data validate"
$V/rasa data validate --fail-on-warnings --domain domain.yml --data data --config config.yml
echo "==> pytest (trains the model once, then runs conversation tests against it)"
# Test files run in parallel; every test on the trained model shares one worker (the
# xdist groups of tests/conftest.py), so the model loads and its servers start once.
$V/pytest -p no:cacheprovider -n "${TEST_WORKERS:-auto}" --dist loadgroup "$@"
