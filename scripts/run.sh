#!/usr/bin/env bash
# The main job: set up, then analyze the bundled corpus, run the default batch of
# notebooks and render the brief to reports/_build/brief.html and brief.pdf.
set -euo pipefail
cd "$(dirname "$0")/.."
NKHR_EXTRAS=${NKHR_EXTRAS:-lab} bash scripts/setup.sh
# with no arguments: the bundled corpus, with the dev-set scores in the brief's methods
if [ $# -eq 0 ]; then set -- --gold tests/gold/seeds; fi
exec .venv/bin/nkhr run "$@"
