"""nkhr.batch: spec validation, isolation of failing and hanging runs, cache, resume, dask.

The batches here run the small fixture notebooks of tests/fixtures/notebooks
(one per behaviour: params, broken, sleep); the real analysis notebooks are
run in test_notebooks.py.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from nkhr.batch import load_spec, run_batch
from nkhr.batch.cache import RECORD
from nkhr.errors import BatchSpecError

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "notebooks"


def write_spec(folder: Path, data: dict, name="batch.yml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def mixed_runs(timeout=10):  # long enough for a busy machine to start the kernel
    """Four runs: one fine, one with a bad date, one broken, one hanging."""
    return [
        {"name": "fine", "notebook": str(FIX / "params.ipynb"), "parameters": {"greeting": "hi"}},
        {"name": "bad-date", "notebook": str(FIX / "params.ipynb"),
         "parameters": {"date_from": "not-a-date"}},
        {"name": "broken", "notebook": str(FIX / "broken.ipynb")},
        {"name": "hangs", "notebook": str(FIX / "sleep.ipynb"), "timeout": timeout},
    ]


# ---------------------------------------------------------------------------
# The spec


def test_grid_expands_to_one_run_per_value_and_paths_resolve(tmp_path):
    # a project: the notebook is not beside the spec, so it resolves against the root
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "p.ipynb").write_bytes((FIX / "params.ipynb").read_bytes())
    (tmp_path / "reports").mkdir()
    spec = write_spec(tmp_path / "reports", {
        "output": "runs/by-outlet", "corpus": str(ROOT / "data" / "raw"), "workers": 2,
        "runs": [{"name": "framing", "notebook": "nbs/p.ipynb",
                  "grid": {"outlets": [["Korea Herald"], ["JoongAng Daily"]]},
                  "parameters": {"date_to": "2025-01-01"}}]})
    spec.write_text(spec.read_text().replace("'2025-01-01'", "2025-01-01"))  # a YAML date
    s = load_spec(spec)
    assert [r.name for r in s.runs] == ["framing-korea-herald", "framing-joongang-daily"]
    r = s.runs[0]
    assert r.notebook == tmp_path / "nbs" / "p.ipynb"
    assert r.parameters["outlets"] == ["Korea Herald"]
    assert r.parameters["date_to"] == "2025-01-01"  # a YAML date arrives as an ISO string
    assert r.parameters["output_dir"] == str(tmp_path / "reports" / "runs" / "by-outlet" / r.name)
    assert r.parameters["corpus"] == str(ROOT / "data" / "raw")
    assert s.workers == 2


@pytest.mark.parametrize("data,message", [
    ({"outptu": "x", "runs": [{"name": "a", "notebook": str(FIX / "broken.ipynb")}]},
     r"line 2: unknown key 'outptu'"),
    ({"runs": [{"name": "a", "notebook": "nope.ipynb"}]}, r"notebook 'nope.ipynb' not found"),
    ({"runs": [{"name": "a", "notebook": str(FIX / "params.ipynb"),
                "parameters": {"top_n": 3}}]}, r"runs\[0\] \(a\): parameter 'top_n' is not declared"),
    ({"runs": [{"name": "a", "notebook": str(FIX / "broken.ipynb"),
                "grid": {"outlets": [["X"]]}}]}, r"parameter 'outlets' is not declared"),
    ({"runs": [{"name": "a", "notebook": str(FIX / "broken.ipynb"), "retries": 2}]},
     r"unknown key 'retries'"),
    ({"runs": [{"name": "a/b", "notebook": str(FIX / "broken.ipynb")}]}, r"'name' must be"),
    ({"runs": [{"name": "a", "notebook": str(FIX / "broken.ipynb")},
               {"name": "a", "notebook": str(FIX / "broken.ipynb")}]}, r"two runs are named 'a'"),
    ({"workers": 0, "runs": [{"name": "a", "notebook": str(FIX / "broken.ipynb")}]}, r"'workers'"),
    ({"runs": "all of them"}, r"'runs' must be a non-empty list"),
])
def test_invalid_spec_is_refused_before_anything_runs(tmp_path, data, message):
    spec = write_spec(tmp_path, {"output": "out", **data})
    with pytest.raises(BatchSpecError, match=message) as e:
        run_batch(spec, progress=False)
    assert str(spec) in str(e.value)
    assert not (tmp_path / "out").exists()


def test_dry_run_lists_runs_and_runs_nothing(tmp_path):
    spec = write_spec(tmp_path, {"output": "out", "runs": mixed_runs()})
    result = run_batch(spec, dry_run=True, progress=False)
    assert result.ok and [r["status"] for r in result.runs] == ["would run"] * 4
    assert "hangs" in result.summary()
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------
# One batch with a good, a bad-parameter, a broken and a hanging run, per executor


@pytest.fixture(scope="module", params=["local", "dask"])
def mixed(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"batch-{request.param}")
    spec = write_spec(folder, {"output": "out", "workers": 2, "runs": mixed_runs()})
    result = run_batch(spec, executor=request.param, progress=False)
    return spec, result


def test_failures_stay_alone_and_are_reported(mixed):
    spec, result = mixed
    status = {r["name"]: r["status"] for r in result.runs}
    assert status == {"fine": "ok", "bad-date": "failed", "broken": "failed", "hangs": "timeout"}
    assert not result.ok
    errors = {r["name"]: r["error"] for r in result.runs}
    assert errors["bad-date"].startswith("In [")
    assert "ParameterError: date_from: 'not-a-date' is not an ISO date" in errors["bad-date"]
    assert "ValueError: this notebook is broken on purpose" in errors["broken"]
    assert errors["hangs"].startswith("timed out after 10 s")
    summary = result.summary()
    for name in ("bad-date", "broken", "hangs"):
        assert f"FAILED {name}" in summary
    assert "FAILED fine" not in summary


def test_each_run_writes_its_folder_and_keeps_partial_notebooks(mixed):
    spec, result = mixed
    out = spec.parent / "out"
    fine = json.loads((out / "fine" / "tables" / "params.json").read_text())
    assert fine["greeting"] == "hi" and fine["corpus"] == str(ROOT / "data" / "raw")
    for name, nb in [("fine", "params"), ("bad-date", "params"), ("broken", "broken"),
                     ("hangs", "sleep")]:
        assert (out / name / f"{nb}.ipynb").is_file()
        assert not list((out / name).glob(".partial.*")), "half-written notebook left behind"
    broken = json.loads((out / "broken" / "broken.ipynb").read_text())
    errors = [o for c in broken["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "ValueError"


def test_runs_log_no_warning_about_an_unencrypted_kernel(mixed):
    """The kernel listens on a local socket, so ipykernel has nothing to warn about."""
    spec, _ = mixed
    log = (spec.parent / "out" / "fine" / ".run.log").read_text(encoding="utf-8", errors="replace")
    assert "without encryption" not in log and "RuntimeWarning" not in log, log


def test_no_kernel_outlives_the_batch(mixed):
    spec, _ = mixed
    out = str((spec.parent / "out").resolve())
    left = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if os.readlink(proc / "cwd").startswith(out):
                    left.append(proc.name)
            except OSError:
                continue
    assert not left, f"processes still running in the run folders: {left}"


def test_manifest_records_inputs_versions_status(mixed):
    spec, result = mixed
    manifest = json.loads(result.manifest_path.read_text())
    runs = {r["name"]: r for r in manifest["runs"]}
    assert list(runs) == ["fine", "bad-date", "broken", "hangs"]
    fine = runs["fine"]
    assert fine["status"] == "ok" and fine["error"] is None and fine["duration_s"] > 0
    assert fine["inputs"]["parameters"]["greeting"] == "hi"
    for key in ("notebook_sha256", "corpus_sha256", "codebooks_sha256"):
        assert len(fine["inputs"][key]) == 64
    assert fine["inputs"]["nkhr"] == fine["versions"]["nkhr"]
    assert {"python", "pandas", "papermill"} <= set(fine["versions"])
    with open(result.manifest_path.with_suffix(".csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == list(runs)
    assert rows[1]["status"] == "failed" and "date_from" in rows[1]["error"]


def test_unchanged_rerun_keeps_finished_runs_without_a_kernel(mixed):
    spec, first = mixed
    nb = spec.parent / "out" / "fine" / "params.ipynb"
    before = nb.stat().st_mtime_ns
    again = run_batch(spec, progress=False, timeout=15)  # the hanging run costs this; kernels start in it
    status = {r["name"]: (r["status"], r["cached"]) for r in again.runs}
    assert status["fine"] == ("ok", True)
    assert status["broken"] == ("failed", False)  # failed runs are tried again
    assert nb.stat().st_mtime_ns == before
    forced = run_batch(spec, progress=False, force=True, timeout=2, dry_run=True)
    assert {r["status"] for r in forced.runs} == {"would run"}


# ---------------------------------------------------------------------------
# A batch killed midway resumes


def test_killed_batch_resumes(tmp_path):
    spec = write_spec(tmp_path, {"output": "out", "workers": 2, "runs": [
        {"name": "fine", "notebook": str(FIX / "params.ipynb")},
        {"name": "hangs", "notebook": str(FIX / "sleep.ipynb")},
    ]})
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "nkhr.cli", "batch", str(spec)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (out / "fine" / RECORD).exists() or not list((out / "hangs").glob(".partial.*")):
        assert time.monotonic() < deadline, "the batch never got going"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # the orphaned run notices its batch is gone and stops (with its kernel)
    deadline = time.monotonic() + 30
    while _processes_in(out / "hangs"):
        assert time.monotonic() < deadline, "the killed batch's run kept running"
        time.sleep(0.5)
    assert not (out / "hangs" / "sleep.ipynb").exists()  # nothing half-done in place
    assert not (out / "hangs" / RECORD).exists()

    resumed = run_batch(spec, progress=False, timeout=3)
    status = {r["name"]: (r["status"], r["cached"]) for r in resumed.runs}
    assert status == {"fine": ("ok", True), "hangs": ("timeout", False)}


def _processes_in(folder: Path) -> list[str]:
    target = str(folder.resolve())
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if os.readlink(proc / "cwd") == target:
                    found.append(proc.name)
            except OSError:
                continue
    return found


def test_a_folder_nkhr_did_not_write_is_never_emptied(tmp_path):
    (tmp_path / "out" / "a").mkdir(parents=True)
    (tmp_path / "out" / "a" / "thesis.docx").write_text("years of work")
    spec = write_spec(tmp_path, {"output": "out", "runs": [
        {"name": "a", "notebook": str(FIX / "broken.ipynb")}]})
    with pytest.raises(BatchSpecError, match=r"run 'a' would replace .*out/a, which holds files"):
        run_batch(spec, progress=False)
    assert (tmp_path / "out" / "a" / "thesis.docx").exists()
