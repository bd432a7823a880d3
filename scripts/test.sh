#!/usr/bin/env bash
# The test suite: installs what the tests need (Debian packages for the browser and PDF checks
# when run as root with apt, waiting for another apt process if need be: scripts/apt-deps.sh;
# Python packages into .venv), lints, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-deps.sh
NKHR_EXTRAS=test bash scripts/setup.sh
.venv/bin/ruff check src tests benchmarks
exec .venv/bin/python -m pytest "$@"
