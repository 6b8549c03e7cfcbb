#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs >=3.8,<3.11), or explains how to get one.
set -u
for candidate in "${PYTHON310:-}" python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10 \
    "$HOME/.pyenv/versions/"3.10*/bin/python /root/.pyenv/versions/3.10*/bin/python python3 python; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for path in "$root"/versions/3.10*/bin/python; do
    [ -x "$path" ] && { echo "$path"; exit 0; }
  done
fi
cat >&2 <<'MSG'
Madadgar needs Python 3.10 (Rasa 3.6 supports Python < 3.11) and none was found.
Get one with any of:
  pyenv install 3.10.13                      # then run the command again
  sudo apt-get install python3.10 python3.10-venv   # Ubuntu with the deadsnakes PPA
  or set PYTHON310=/path/to/python3.10
MSG
exit 1
