#!/usr/bin/env bash
# Create .venv and install nkhr into it (editable), with the extras named in $NKHR_EXTRAS.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[${NKHR_EXTRAS:-lab}]"
