#!/usr/bin/env bash
# Create .venv (Python 3.11) and install webcare-research with exactly the versions in requirements/lock.txt
# (every package, CPU torch included), then the package itself without resolving anything again.
# Idempotent: a second run only reinstalls when pyproject.toml or the lock changed. Refresh the lock: scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
"$PY" -c 'import sys; assert sys.version_info[:2] >= (3, 11), "webcare-research needs Python >= 3.11"'
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.webcare-installed
want=$(cat pyproject.toml requirements/lock.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  pip=(.venv/bin/python -m pip --disable-pip-version-check)
  lock=requirements/lock.txt
  "${pip[@]}" install --quiet "$(grep -i '^pip==' "$lock")"
  # torch first, on its own: the CPU build (+cpu) comes from PyPI's find-links on this kind of machine, else from
  # PyTorch's CPU index; never the multi-GB CUDA build
  torch=$(grep -i '^torch==' "$lock")
  "${pip[@]}" install --quiet --no-deps "$torch" \
    || "${pip[@]}" install --quiet --no-deps "$torch" --index-url https://download.pytorch.org/whl/cpu
  "${pip[@]}" install --quiet --no-deps -r <(grep -vi '^torch==' "$lock")
  "${pip[@]}" install --quiet --no-deps --no-build-isolation -e .
  "${pip[@]}" check
  echo "$want" > "$stamp"
fi
echo "environment ready: $(pwd)/.venv"
