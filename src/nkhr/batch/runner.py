"""One run: papermill in its own process, working directory and kernel, with a timeout.

:func:`execute_run` is what every executor calls (a thread of the local pool,
or a task on a dask worker), so a run behaves the same wherever it executes:

1. empty ``OUTPUT/NAME/`` (the run's folder and working directory);
2. start a worker process (:func:`work` on JOB) there, in a session of its own;
   that process runs papermill (kernel ``python3`` of this interpreter) and
   writes the executed notebook to a hidden ``.partial.NOTEBOOK.ipynb``
   (papermill saves it as each cell starts and ends), then a small result
   file with the status and, on failure, the failing cell's error;
3. wait at most the run's timeout; past it, stop the process group (SIGTERM,
   then SIGKILL): papermill saves what ran, the kernel exits with its parent;
4. rename the notebook to ``OUTPUT/NAME/NOTEBOOK.ipynb`` (kept for failed
   runs too: it shows the error) and write the run record last
   (:mod:`nkhr.batch.cache`), both by write-then-rename.

A batch killed midway thus leaves finished runs (with records) and folders
without a record, which the next batch runs again. The worker process also
watches its parent and stops when it dies, so an interrupted batch leaves no
notebook running behind it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .cache import atomic_write_text, dumps, write_record

RESULT = ".result.json"
LOG = ".run.log"
JOB = ".job.json"
KERNEL = "python3"
GRACE = 10.0  # seconds between SIGTERM and SIGKILL
# The worker process's program (`python -m nkhr.batch.runner` would warn that the package
# imported the module before running it as __main__).
WORKER = "import sys; from nkhr.batch.runner import work; sys.exit(work(sys.argv[1]))"

_live: dict[int, subprocess.Popen] = {}
_live_lock = threading.Lock()


def partial_path(run_dir: Path, notebook_name: str) -> Path:
    return run_dir / f".partial.{notebook_name}"


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the run's process group, then SIGKILL it if it is still there."""
    for sig, wait in ((signal.SIGTERM, GRACE), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def stop_all() -> None:
    """Stop every run this process started (on Ctrl-C in the batch)."""
    with _live_lock:
        procs = list(_live.values())
    for proc in procs:
        _stop(proc)


def _running_cell(notebook: Path) -> str:
    """'In [3]' (or 'cell 4') for the cell papermill marked as running, else ''."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            n = cell.get("execution_count")
            return f"In [{n}]" if n else f"cell {i + 1}"
    return ""


def _tail(path: Path, n: int = 3) -> str:
    try:
        lines = [x for x in path.read_text(encoding="utf-8", errors="replace").splitlines() if x.strip()]
    except OSError:
        return ""
    return " | ".join(lines[-n:])


def execute_run(job: dict) -> dict:
    """Execute one run described by `job` (see :func:`nkhr.batch.make_job`); return its record.

    The record holds the job's name, key and inputs plus ``status`` ('ok',
    'failed' or 'timeout'), ``error`` (the failing cell's error, or why the
    run was stopped), ``duration_s`` and ``versions``.
    """
    run_dir = Path(job["run_dir"])
    notebook = Path(job["notebook"])
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    atomic_write_text(run_dir / JOB, dumps(job))
    partial = partial_path(run_dir, notebook.name)
    env = {**os.environ, **job.get("env", {}), "PYTHONUNBUFFERED": "1"}
    timeout = job.get("timeout")

    start = time.monotonic()
    with open(run_dir / LOG, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", WORKER, str(run_dir / JOB)],
                                cwd=run_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        with _live_lock:
            _live[proc.pid] = proc
        timed_out, cell = False, ""
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out, cell = True, _running_cell(partial)
            _stop(proc)
        except BaseException:
            _stop(proc)
            raise
        finally:
            with _live_lock:
                _live.pop(proc.pid, None)
    duration = time.monotonic() - start

    result = {}
    if (run_dir / RESULT).is_file():
        try:
            result = json.loads((run_dir / RESULT).read_text(encoding="utf-8"))
        except ValueError:
            result = {}
    if timed_out:
        status, error = "timeout", (f"timed out after {timeout:g} s"
                                    + (f" while running {cell}" if cell else ""))
    elif result.get("status") in ("ok", "failed"):
        status, error = result["status"], result.get("error")
    else:
        status = "failed"
        error = f"the run's process exited with code {proc.returncode}: {_tail(run_dir / LOG)}"

    output = run_dir / notebook.name
    if partial.is_file():
        os.replace(partial, output)
    (run_dir / RESULT).unlink(missing_ok=True)
    record = {
        "name": job["name"], "key": job["key"], "notebook": job["notebook_label"],
        "output": f"{run_dir.name}/{notebook.name}" if output.is_file() else None,
        "inputs": job["inputs"], "status": status, "error": error,
        "duration_s": round(duration, 2), "versions": job["versions"],
    }
    write_record(run_dir, record)
    return record


# ---------------------------------------------------------------------------
# The worker process: work(JOB)


def _watch_parent() -> None:
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, daemon=True, name="nkhr-parent-watch").start()


def _on_term(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def _error_text(exc) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        where = f"In [{exc.exec_count}]" if exc.exec_count else f"cell {exc.cell_index + 1}"
        return f"{where}: {exc.ename}: {exc.evalue}"
    return f"{type(exc).__name__}: {exc}"


def kernel_manager_class():
    """The kernel manager nkhr starts kernels with: local IPC sockets instead of TCP.

    The kernel only ever talks to this machine, so a Unix socket (in Jupyter's
    runtime folder, readable by this user only) is all it needs, and ipykernel
    no longer warns on every run that "Kernel is running over TCP without
    encryption". Where IPC is not available (Windows) or the socket path would
    be too long for the system (about 100 bytes), the default TCP manager is used.
    """
    from jupyter_client import AsyncKernelManager

    if os.name != "posix":
        return AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    if len(os.path.join(jupyter_runtime_dir(), "kernel-00000000-0000-0000-0000-000000000000-ipc-9")) > 100:
        return AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

    return IPCKernelManager


def work(job_file: str) -> int:
    """Run papermill for the job in `job_file`; write the result file; 0 if the notebook ran."""
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    run_dir = Path(job["run_dir"])
    signal.signal(signal.SIGTERM, _on_term)
    _watch_parent()
    import papermill

    try:
        papermill.execute_notebook(
            job["notebook"], str(partial_path(run_dir, Path(job["notebook"]).name)),
            parameters=job["parameters"], kernel_name=job.get("kernel_name") or KERNEL,
            cwd=str(run_dir), progress_bar=False, log_output=False, start_timeout=120,
            kernel_manager_class=kernel_manager_class())
        result = {"status": "ok", "error": None}
    except KeyboardInterrupt as e:
        result = {"status": "failed", "error": f"stopped: {e}"}
    except Exception as e:  # noqa: BLE001 - any failure of the notebook is the run's result
        result = {"status": "failed", "error": _error_text(e)}
    atomic_write_text(run_dir / RESULT, dumps(result))
    return 0 if result["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(work(sys.argv[1]))
