#!/usr/bin/env bash
# Debian packages the browser and PDF checks of the test suite need: chromium and poppler-utils,
# installed with apt when run as root on a system that has apt (else nothing to do; those tests
# then skip and say why). Another apt or dpkg process (an unattended upgrade, a second install)
# may hold apt's lock: wait for it, at most NKHR_APT_WAIT seconds (default 600), checking every
# NKHR_APT_SLEEP seconds (default 10), then go on without the packages. Never fails.
set -uo pipefail
command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || exit 0
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
[ -n "$missing" ] || exit 0

deadline=$((SECONDS + ${NKHR_APT_WAIT:-600}))
apt() {  # apt-get "$@", waiting while another process holds apt's lock
  local out
  while true; do
    if out=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=30 "$@" 2>&1); then
      return 0
    fi
    if ! grep -qiE "could not get lock|unable to acquire|unable to lock|is another process using it" <<<"$out"; then
      echo "$out" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "scripts/apt-deps.sh: apt is still locked by another process after ${NKHR_APT_WAIT:-600} s" >&2
      return 1
    fi
    echo "scripts/apt-deps.sh: another apt or dpkg process holds apt's lock; waiting (apt-get $1) ..." >&2
    sleep "${NKHR_APT_SLEEP:-10}"
  done
}
if apt update -qq && apt install -y -qq $missing; then
  echo "scripts/apt-deps.sh: installed$missing" >&2
else
  echo "scripts/apt-deps.sh: going on without$missing; the browser and PDF tests will skip" >&2
fi
exit 0
