#!/usr/bin/env bash
# Creates .venv-tools/ with the deploy checks' tools (checkov, kubernetes-validate), pinned
# by scripts/tools-constraints.txt, apart from .venv so they never touch the helpline's
# pinned dependencies. Reruns are cheap: nothing is reinstalled unless the pins changed.
# Used by scripts/test.sh and tests/deploy/.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-tools
stamp=$venv/.installed
want=$(sha256sum scripts/tools-constraints.txt | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if [ ! -x $venv/bin/python ]; then
  py=$(scripts/find_python.sh)
  echo "==> creating $venv with $py"
  "$py" -m venv $venv
fi
echo "==> installing the deploy checks' tools (checkov, kubernetes-validate)"
$venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==24.0"
$venv/bin/python -m pip install --quiet --disable-pip-version-check \
  -c scripts/tools-constraints.txt checkov kubernetes-validate
$venv/bin/checkov --version >/dev/null
$venv/bin/kubernetes-validate --version >/dev/null
echo "$want" > "$stamp"
