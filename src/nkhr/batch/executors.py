"""Where runs execute: a local pool, or a dask.distributed cluster.

Both call :func:`nkhr.batch.runner.execute_run` once per job and hand each
record to ``on_done`` as soon as it arrives, so the two give identical
outputs. Every run is its own process either way (the pool's threads only
wait for their run's process), so runs never share a working directory or a
kernel.

- ``local``: ``workers`` runs at a time on this machine.
- ``dask``: the jobs are submitted to the cluster at ``scheduler``; without
  one, a :class:`distributed.LocalCluster` of ``workers`` worker processes
  with one thread each is started and closed afterwards. The run folders
  must be reachable from the workers (a shared file system on a cluster).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from .runner import execute_run, stop_all

OnEvent = Callable[[dict], None]


def run_local(jobs: list[dict], workers: int, on_start: OnEvent, on_done: OnEvent) -> list[dict]:
    """Run `jobs` with at most `workers` at a time; return their records in job order."""
    records: dict[str, dict] = {}

    def one(job):
        on_start(job)
        return execute_run(job)

    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="nkhr-run")
    try:
        pending = {pool.submit(one, job): job for job in jobs}
        while pending:
            done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                records[job["name"]] = rec = _record_of(fut, job)
                on_done(rec)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        stop_all()
        raise
    pool.shutdown(wait=True)
    return [records[j["name"]] for j in jobs]


def run_dask(jobs: list[dict], workers: int, on_start: OnEvent, on_done: OnEvent,
             scheduler: str | None = None) -> list[dict]:
    """Submit `jobs` to a dask cluster (a local one when `scheduler` is None)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - dask is an optional dependency
        from ..errors import DASK_MISSING, NkhrError

        raise NkhrError(DASK_MISSING) from None
    cluster = None
    if scheduler:
        from ..pipeline import dask_client

        client = dask_client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.WARNING)
        client = Client(cluster)
    records: dict[str, dict] = {}
    try:
        futures = []
        for job in jobs:
            futures.append(client.submit(execute_run, job, pure=False, retries=0,
                                         key=f"nkhr-run-{job['name']}-{job['key'][:12]}"))
            on_start(job)
        by_key = {fut.key: job for fut, job in zip(futures, jobs, strict=True)}
        for fut in as_completed(futures):
            job = by_key[fut.key]
            records[job["name"]] = rec = _record_of(fut, job)
            on_done(rec)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [records[j["name"]] for j in jobs]


def _record_of(fut, job) -> dict:
    """The run's record, or a failed one when the executor itself failed."""
    try:
        return fut.result()
    except Exception as e:  # the run's process could not even be started
        return {"name": job["name"], "key": job["key"], "notebook": job["notebook_label"],
                "output": None, "inputs": job["inputs"], "status": "failed",
                "error": f"executor: {type(e).__name__}: {e}", "duration_s": 0.0,
                "versions": job["versions"]}


EXECUTORS = {"local": run_local, "dask": run_dask}
