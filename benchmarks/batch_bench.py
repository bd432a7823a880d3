"""Benchmark of nkhr batches: 4 notebook runs with 1 and with 2 workers, then an unchanged rerun.

    .venv/bin/python benchmarks/batch_bench.py [--corpus DIR] [--repeat N] [--executor local|dask]

Runs the four analysis notebooks (01_overview ... 04_framing) on the bundled
corpus (each notebook analyzes it on the fly, so its own work dominates the
kernel start-up), forced, with 1 and then 2 workers; then reruns the same
batch unchanged (every run kept, no kernel started). Prints the timings and
writes them to benchmarks/out/batch_bench.json. Wall-clock numbers: run it on
an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from nkhr.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["01_overview", "02_speakers", "03_themes", "04_framing"]


def write_spec(folder: Path, corpus: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench_batch.yml"
    path.write_text(yaml.safe_dump({"output": "batch_runs", "corpus": str(corpus), "runs": [
        {"name": nb, "notebook": str(ROOT / "notebooks" / f"{nb}.ipynb")} for nb in NOTEBOOKS]},
        sort_keys=False), encoding="utf-8")
    return path


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)  # run processes and their kernels
    return r.ru_utime + r.ru_stime


def timed(**kwargs) -> tuple[float, object, float]:
    """Wall seconds, the result, and CPU seconds of the batch's processes."""
    cpu, start = _child_cpu(), time.perf_counter()
    result = run_batch(progress=False, **kwargs)
    elapsed = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(result.summary())
    return elapsed, result, _child_cpu() - cpu


def run_split(work: Path) -> dict:
    """Per run: whole run (process + kernel start + notebook) vs the notebook's own cells."""
    out = {}
    for r in json.loads((work / "manifest.json").read_text())["runs"]:
        nb = json.loads((work / r["output"]).read_text())
        cells = sum(c["metadata"]["papermill"]["duration"] or 0 for c in nb["cells"])
        out[r["name"]] = {"run_s": r["duration_s"], "cells_s": round(cells, 2),
                          "start_up_s": round(r["duration_s"] - cells, 2)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "raw")
    ap.add_argument("--repeat", type=int, default=2, help="timed batches per worker count (best kept)")
    ap.add_argument("--executor", choices=["local", "dask"], default="local")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    a = ap.parse_args()

    (a.out / "batch_bench.json").unlink(missing_ok=True)  # never leave an old result behind
    missing = [nb for nb in NOTEBOOKS if not (ROOT / "notebooks" / f"{nb}.ipynb").is_file()]
    if missing:
        raise SystemExit(f"batch_bench: notebooks {missing} not found in {ROOT / 'notebooks'}")
    work = a.out / "batch_runs"
    shutil.rmtree(work, ignore_errors=True)
    s = write_spec(a.out, a.corpus.resolve())
    timings: dict[str, list[float]] = {"1": [], "2": []}
    cpu: dict[str, list[float]] = {"1": [], "2": []}
    load: dict[str, list[float]] = {"1": [], "2": []}
    for _ in range(a.repeat):
        for workers in (1, 2):
            load[str(workers)].append(round(os.getloadavg()[0], 2))
            elapsed, _, used = timed(spec=s, workers=workers, force=True, executor=a.executor)
            timings[str(workers)].append(round(elapsed, 2))
            cpu[str(workers)].append(round(used, 2))
            print(f"{workers} worker(s): {elapsed:6.2f} s wall, {used:6.2f} s CPU "
                  f"(load average before: {load[str(workers)][-1]})", flush=True)
    split = run_split(work)
    rerun, result, _ = timed(spec=s, workers=2, executor=a.executor)
    assert all(r["cached"] for r in result.runs)
    start = time.perf_counter()  # the same, as a user types it: `nkhr batch SPEC`
    subprocess.run([sys.executable, "-m", "nkhr.cli", "batch", str(s)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rerun_cli = time.perf_counter() - start
    best1, best2 = min(timings["1"]), min(timings["2"])
    cpu_bound = min(cpu["2"]) / 2  # the least wall time two cores could give
    report = {
        "runs": len(NOTEBOOKS), "executor": a.executor, "corpus": str(a.corpus),
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "seconds_1_worker": timings["1"], "seconds_2_workers": timings["2"],
        "speedup_best": round(best1 / best2, 2), "unchanged_rerun_seconds": round(rerun, 3),
        "unchanged_rerun_cli_seconds": round(rerun_cli, 3),
        "cpu_seconds_1_worker": cpu["1"], "cpu_seconds_2_workers": cpu["2"],
        "load_average_before_1_worker": load["1"], "load_average_before_2_workers": load["2"],
        "best_possible_2_workers_s": round(cpu_bound, 2),
        "runs_split_s": split,
    }
    print(f"speed-up 2 vs 1 workers (best of {a.repeat}): {best1:.2f} / {best2:.2f} = "
          f"{best1 / best2:.2f}x; CPU-bound floor for 2 workers {cpu_bound:.2f} s "
          f"(a speed-up of {best1 / cpu_bound:.2f}x at most on 2 idle cores)")
    for name, v in split.items():
        print(f"  {name}: run {v['run_s']:.2f} s = cells {v['cells_s']:.2f} s + "
              f"process and kernel start-up {v['start_up_s']:.2f} s")
    print(f"unchanged rerun: {rerun:.3f} s in-process, {rerun_cli:.3f} s as `nkhr batch` "
          f"(all {len(NOTEBOOKS)} runs kept, no kernel started)")
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "batch_bench.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {a.out / 'batch_bench.json'}")


if __name__ == "__main__":
    main()
