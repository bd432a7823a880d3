"""scripts/: the apt step of scripts/test.sh waits (bounded) for another apt process, then goes on.

`apt-get` and `id` are stand-ins on a PATH that has no chromium or pdftotext, so the
script wants both packages; the stand-in apt-get answers "Could not get lock" a given
number of times before it succeeds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKED = ("E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)\n"
          "E: Unable to lock directory /var/lib/apt/lists/")


def _bin(tmp_path: Path, locked_times: int, other_error: bool = False) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "grep", "sleep"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    (bin_dir / "id").write_text("#!/bin/bash\necho 0\n")
    fail = ('case "$*" in *install*) echo "E: Unable to locate package chromium" >&2; exit 100;; esac'
            if other_error else "exit 0")
    (bin_dir / "apt-get").write_text(
        "#!/bin/bash\n"
        f'echo "$@" >> "{tmp_path}/calls"\n'
        f'n=$(grep -c . "{tmp_path}/calls")\n'
        f'if [ "$n" -le {locked_times} ]; then echo "{LOCKED}" >&2; exit 100; fi\n'
        f"{fail}\n")
    for f in ("id", "apt-get"):
        (bin_dir / f).chmod(0o755)
    return bin_dir


def _run(tmp_path, locked_times, wait="60", other_error=False):
    env = {"PATH": str(_bin(tmp_path, locked_times, other_error)), "NKHR_APT_WAIT": wait,
           "NKHR_APT_SLEEP": "0.1"}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "apt-deps.sh")], env=env,
                          capture_output=True, text=True, timeout=60)
    calls = (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []
    return proc, calls


def test_waits_while_another_apt_holds_the_lock_then_installs(tmp_path):
    proc, calls = _run(tmp_path, locked_times=3)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("holds apt's lock; waiting") == 3
    assert [c.split()[2] for c in calls] == ["update"] * 4 + ["install"]
    assert "chromium poppler-utils" in calls[-1]
    assert "installed chromium poppler-utils" in proc.stderr


def test_gives_up_after_the_bound_and_goes_on(tmp_path):
    proc, calls = _run(tmp_path, locked_times=10_000, wait="1")
    assert proc.returncode == 0
    assert "still locked by another process after 1 s" in proc.stderr
    assert "going on without chromium poppler-utils; the browser and PDF tests will skip" in proc.stderr
    assert 2 <= len(calls) < 100


def test_another_apt_error_is_shown_not_waited_for(tmp_path):
    proc, calls = _run(tmp_path, locked_times=0, other_error=True)
    assert proc.returncode == 0
    assert "Unable to locate package chromium" in proc.stderr and "waiting" not in proc.stderr
    assert len(calls) == 2   # update, then one install that failed


def test_test_sh_runs_the_apt_step_before_the_suite():
    script = (ROOT / "scripts" / "test.sh").read_text()
    assert script.index("\nbash scripts/apt-deps.sh\n") < script.index("-m pytest")
