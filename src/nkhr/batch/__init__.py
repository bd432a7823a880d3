"""Batches of parameterized notebooks: ``nkhr batch SPEC.yml`` and :func:`run_batch`.

papermill executes one notebook; this package runs a whole batch of them the
way a research team needs: a YAML spec (:mod:`~nkhr.batch.spec`) is
validated before anything runs; runs execute in parallel, each in its own
process, working directory and kernel, under a per-run timeout
(:mod:`~nkhr.batch.runner`); a failing or hanging run never stops the others;
runs whose inputs did not change are kept without starting a kernel
(:mod:`~nkhr.batch.cache`); the same runs go to a local pool or a dask
cluster (:mod:`~nkhr.batch.executors`). Each run writes ``OUTPUT/NAME/``
(executed notebook, ``figures/``, ``tables/``); the batch writes
``OUTPUT/manifest.json`` and ``OUTPUT/manifest.csv``.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BatchSpecError
from ..provenance import versions
from .cache import RECORD, atomic_write_text, dumps, fresh_record, read_record, run_inputs, run_key
from .runner import JOB
from .spec import Run, Spec, load_spec

__all__ = ["run_batch", "BatchResult", "load_spec", "Run", "Spec"]

OK = "ok"


@dataclass
class BatchResult:
    """What a batch did: one record per run, in spec order.

    Each record has ``name``, ``notebook``, ``output`` (the executed notebook,
    relative to the output folder), ``parameters`` (inside ``inputs``),
    ``status`` ('ok', 'failed', 'timeout'; with ``dry_run``: 'would run' or
    'up to date'), ``cached`` (kept from an earlier batch), ``error``,
    ``duration_s`` and ``versions``.
    """

    runs: list[dict]
    output: Path
    manifest_path: Path | None = None
    duration_s: float = 0.0
    dry_run: bool = False
    executor: str = "local"
    workers: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r["status"] in (OK, "would run", "up to date") for r in self.runs)

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.runs if r["status"] not in (OK, "would run", "up to date")]

    def summary(self) -> str:
        """A readable account: counts, then each failed run with its error and notebook."""
        if self.dry_run:
            lines = [f"{len(self.runs)} runs planned in {self.output} (dry run, nothing ran):"]
            lines += [f"  {r['status']:>10}  {r['name']}  ({r['notebook']})" for r in self.runs]
            return "\n".join(lines)
        n_ok = sum(r["status"] == OK for r in self.runs)
        n_cached = sum(bool(r.get("cached")) for r in self.runs)
        n_timeout = sum(r["status"] == "timeout" for r in self.runs)
        n_failed = len(self.runs) - n_ok - n_timeout
        head = (f"{len(self.runs)} runs: {n_ok} ok ({n_cached} up to date, not rerun), "
                f"{n_failed} failed, {n_timeout} timed out, in {self.duration_s:.1f} s "
                f"({self.executor}, {self.workers} workers)")
        lines = [head]
        for r in self.failed:
            where = f" — partial notebook: {self.output / r['output']}" if r.get("output") else ""
            lines.append(f"  FAILED {r['name']}: {r['error']}{where}")
        if self.manifest_path:
            lines.append(f"manifest: {self.manifest_path}")
        return "\n".join(lines)


@functools.cache
def _versions() -> dict:
    return versions()


def _label(path: Path, root: Path | None) -> str:
    if root:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)


def _check_run_dir(run: Run, spec: Spec) -> None:
    """Refuse to empty a run folder that nkhr did not make (a run empties its folder first)."""
    d = run.run_dir
    if d.is_dir() and any(d.iterdir()) and not ((d / JOB).exists() or (d / RECORD).exists()):
        raise BatchSpecError(f"{spec.path or 'batch spec'}: run {run.name!r} would replace {d}, "
                             "which holds files nkhr batch did not write; move them or change "
                             "'output'")


def _check_manifest(spec: Spec) -> None:
    """Refuse to replace an OUTPUT/manifest.json that nkhr batch did not write there."""
    path = spec.output / "manifest.json"
    if not os.path.lexists(path):
        return
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        ours = isinstance(found, dict) and isinstance(found.get("runs"), list) and found.get("output") == str(spec.output)
    except (OSError, ValueError):
        ours = False
    if not ours:
        raise BatchSpecError(f"{spec.path or 'batch spec'}: {path} exists and was not written by nkhr batch "
                             f"into this folder; move it, or change 'output'")


def make_job(run: Run, spec: Spec) -> dict:
    """The JSON-able description of `run` that an executor hands to the runner."""
    inputs = run_inputs(run, spec.root)
    env = {}
    if spec.root and (spec.root / "data" / "codebooks").is_dir() and not os.environ.get("NKHR_CODEBOOKS"):
        env["NKHR_CODEBOOKS"] = str(spec.root / "data" / "codebooks")
    return {"name": run.name, "notebook": str(run.notebook),
            "notebook_label": _label(run.notebook, spec.root), "run_dir": str(run.run_dir),
            "parameters": run.parameters, "timeout": run.timeout, "inputs": inputs,
            "key": run_key(inputs), "versions": _versions(), "env": env}


class _Progress:
    """tqdm bar of runs done, with ok / failed / running counts."""

    def __init__(self, total: int, workers: int, enabled: bool):
        self.lock = threading.Lock()
        self.started = self.done = self.failed = 0
        self.workers = workers
        self.bar = None
        if enabled and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc="runs", unit="run", dynamic_ncols=True)
            self._refresh()

    def _refresh(self):
        if self.bar is not None:
            running = min(self.workers, self.started - self.done)
            self.bar.set_postfix_str(f"ok={self.done - self.failed} failed={self.failed} "
                                     f"running={running}", refresh=False)

    def start(self, job):
        with self.lock:
            self.started += 1
            self._refresh()

    def finish(self, record):
        with self.lock:
            self.done += 1
            self.failed += record["status"] != OK
            if self.bar is not None:
                if record["status"] != OK:
                    self.bar.write(f"FAILED {record['name']}: {record['error']}", file=sys.stderr)
                self._refresh()
                self.bar.update(1)

    def close(self):
        if self.bar is not None:
            self.bar.close()


CSV_COLUMNS = ["name", "status", "cached", "duration_s", "error", "notebook", "output",
               "parameters", "notebook_sha256", "corpus_sha256", "codebooks_sha256", "nkhr",
               "python", "versions", "key"]


def write_manifest(output: Path, records: list[dict], spec: Spec) -> Path:
    """Write OUTPUT/manifest.json and OUTPUT/manifest.csv (write, then rename)."""
    manifest = {"spec": str(spec.path) if spec.path else None, "output": str(output),
                "runs": records}
    path = output / "manifest.json"
    atomic_write_text(path, dumps(manifest))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in records:
        inputs, vers = r.get("inputs", {}), r.get("versions", {})
        w.writerow({
            "name": r["name"], "status": r["status"], "cached": r.get("cached", False),
            "duration_s": r.get("duration_s"), "error": r.get("error") or "",
            "notebook": r.get("notebook"), "output": r.get("output") or "",
            "parameters": json.dumps(inputs.get("parameters", {}), sort_keys=True, ensure_ascii=False),
            "notebook_sha256": inputs.get("notebook_sha256"),
            "corpus_sha256": inputs.get("corpus_sha256"),
            "codebooks_sha256": inputs.get("codebooks_sha256"), "nkhr": inputs.get("nkhr"),
            "python": vers.get("python"),
            "versions": "; ".join(f"{k}={v}" for k, v in sorted(vers.items())),
            "key": r.get("key"),
        })
    atomic_write_text(output / "manifest.csv", buf.getvalue())
    return path


def run_batch(spec, *, workers: int | None = None, force: bool = False, dry_run: bool = False,
              executor: str = "local", scheduler: str | None = None,
              timeout: float | None = None, output=None, parameters: dict | None = None,
              progress: bool = True, output_root=None) -> BatchResult:
    """Run a batch of parameterized notebooks; return a :class:`BatchResult`.

    spec: a YAML spec file or the same data as a dict (see :mod:`nkhr.batch.spec`).
    workers: runs at a time (default: the spec's ``workers``, else min(runs, CPUs)).
    force: rerun every run, even those whose inputs are unchanged.
    dry_run: validate the spec and report what would run; run nothing.
    executor: 'local' (a process per run on this machine) or 'dask'.
    scheduler: the dask scheduler address ('tcp://host:8786'); default a local cluster.
    timeout: per-run timeout in seconds (overrides the spec); a run past it is stopped.
    output: the output folder (overrides the spec's ``output``).
    parameters: merged into every run's parameters (for notebooks that declare them),
        e.g. ``{"corpus": "data/processed"}``.
    progress: show a progress bar (runs done, failed, running) on stderr.
    output_root: a folder outside the project that the spec's ``output`` may lie in.

    A failed or timed-out run does not stop the others; the result's ``ok`` is
    False and :meth:`BatchResult.summary` names each failed run with the
    failing cell's error. Raises :class:`~nkhr.errors.BatchSpecError` for an
    invalid spec (before anything runs).
    """
    from .executors import EXECUTORS

    if executor not in EXECUTORS:
        raise BatchSpecError(f"executor: {executor!r} is not one of {sorted(EXECUTORS)}")
    started = time.monotonic()
    s = load_spec(spec, output=output, parameters=parameters, timeout=timeout, output_root=output_root)
    _check_manifest(s)
    n_workers = workers or s.workers or min(len(s.runs), os.cpu_count() or 1)
    if n_workers < 1:
        raise BatchSpecError(f"workers: must be at least 1, got {n_workers}")

    jobs = [make_job(run, s) for run in s.runs]
    kept: dict[str, dict] = {}
    if not force:
        for run, job in zip(s.runs, jobs, strict=True):
            record = fresh_record(run, job["key"])
            if record is not None:
                kept[run.name] = {**record, "cached": True}
    todo = [j for j in jobs if j["name"] not in kept]
    for run in s.runs:
        _check_run_dir(run, s)
    # longest first (by each run's last duration, when known): workers finish together
    last = {r.name: (read_record(r.run_dir) or {}).get("duration_s") or 0.0 for r in s.runs}
    todo.sort(key=lambda j: -last[j["name"]])

    if dry_run:
        runs = [{"name": j["name"], "notebook": j["notebook_label"], "inputs": j["inputs"],
                 "status": "up to date" if j["name"] in kept else "would run", "error": None}
                for j in jobs]
        return BatchResult(runs=runs, output=s.output, dry_run=True, executor=executor,
                           workers=n_workers)

    s.output.mkdir(parents=True, exist_ok=True)
    records: dict[str, dict] = dict(kept)
    lock = threading.Lock()
    bar = _Progress(len(todo), n_workers, progress)

    def on_done(record):
        bar.finish(record)
        with lock:
            records[record["name"]] = {**record, "cached": False}
            write_manifest(s.output, [records[j["name"]] for j in jobs if j["name"] in records], s)

    try:
        if todo:
            kwargs = {"scheduler": scheduler} if executor == "dask" else {}
            EXECUTORS[executor](todo, n_workers, bar.start, on_done, **kwargs)
    finally:
        bar.close()
    ordered = [records[j["name"]] for j in jobs]
    manifest = write_manifest(s.output, ordered, s)
    return BatchResult(runs=ordered, output=s.output, manifest_path=manifest,
                       duration_s=time.monotonic() - started, executor=executor,
                       workers=n_workers)
