"""Engines schedule :func:`geo.batch.partition.run_partition` over the planned partitions.

* ``dask``: dask.distributed. Without ``scheduler`` a :class:`~distributed.LocalCluster` sized to
  the machine (one single-threaded worker process per core); with ``scheduler="tcp://host:8786"`` it
  joins an existing cluster (dask-jobqueue, Kubernetes, dask-gateway, ``dask scheduler``/``dask
  worker``). Inputs and ``out_dir`` must be paths every worker can read and write (a shared file
  system). A worker that dies mid-task is replaced by the scheduler, which reruns its partitions
  elsewhere (``allowed-failures`` times); since outputs are written atomically under a fixed name,
  a partition is never half-written and never written twice under two names.
* ``local``: the same function in this process, one partition after another.

The output folder holds ``part-*.jsonl`` or ``part-*.parquet`` and ``_geo_run.json`` (options,
partition count, totals, and ``"complete": true`` once every partition has its file).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from geo.batch.partition import Options, output_path, run_partition
from geo.batch.sources import PartitionSpec
from geo.io import redact_url  # credentials never reach _geo_run.json

MANIFEST = "_geo_run.json"


class BatchError(Exception):
    """A batch run that cannot start or finish (bad output folder, options differ from the earlier run...)."""


def _manifest_options(options: Options, partition_size: int, text_field: str | None, id_field: str | None) -> dict:
    return {"model": options.model, "offline": options.offline, "geocoder": options.geocoder_service,
            "geocoder_url": redact_url(options.geocoder_url), "format": options.fmt, "partition_size": partition_size,
            "text_field": text_field, "id_field": id_field}


def _write_json(path: Path, obj: dict) -> None:
    from geo.io import atomic_write_text

    atomic_write_text(path, json.dumps(obj, indent=1, sort_keys=True) + "\n")


def prepare(out_dir: str | os.PathLike, run_options: dict) -> Path:
    """Create ``out_dir``; refuse to resume a run that was started with other options."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BatchError(f"{out}: not a folder (--engine writes one file per partition into a folder)")
    out.mkdir(parents=True, exist_ok=True)
    man = out / MANIFEST
    if man.exists():
        try:
            earlier = json.loads(man.read_text(encoding="utf-8")).get("options", {})
        except (OSError, ValueError):
            earlier = None
        if earlier is not None and earlier != run_options:
            diff = ", ".join(f"{k}: {earlier.get(k)!r} -> {v!r}" for k, v in run_options.items() if earlier.get(k) != v)
            raise BatchError(f"{out}: holds results of a run with other options ({diff}); "
                             f"use another output folder, or the same options to resume it")
    return out


def _clean_temporaries(out: Path) -> None:
    for p in out.glob(".part-*.tmp"):  # left by a worker killed while writing
        try:
            p.unlink()
        except OSError:
            pass


def run(specs: Sequence[PartitionSpec], out_dir: str | os.PathLike, options: Options, *,
        engine: str = "dask", scheduler=None, workers: int | None = None,
        partition_size: int = 0, text_field: str | None = None, id_field: str | None = None,
        progress: bool = True, on_summary: Callable[[dict], None] | None = None) -> dict:
    """Run every partition not done yet; returns the totals (also written to ``_geo_run.json``).

    ``scheduler``: None (a LocalCluster of ``workers`` processes), an address (``tcp://host:8786``), or a
    ``distributed.Client`` you made (e.g. ``gateway_cluster.get_client()``), which is left open."""
    run_options = _manifest_options(options, partition_size, text_field, id_field)
    out = prepare(out_dir, run_options)
    from geo import __version__

    todo = [s for s in specs if not output_path(s, out, options.fmt).exists()]
    totals = {"partitions": len(specs), "skipped": len(specs) - len(todo), "ran": 0, "docs": 0, "mentions": 0,
              "resolved": 0, "words": 0, "errors": 0, "seconds": 0.0, "workers": 0}
    workers_seen: dict[str, dict] = {}
    manifest = {"geo": __version__, "options": run_options, "partitions": len(specs), "complete": False,
                "totals": totals, "workers": workers_seen}
    _write_json(out / MANIFEST, manifest)
    t0 = time.perf_counter()

    def done(summary: dict) -> None:
        if not summary["skipped"]:
            totals["ran"] += 1
            for k in ("docs", "mentions", "resolved", "words"):
                totals[k] += summary[k]
            totals["errors"] += len(summary["errors"])
            w = workers_seen.setdefault(f"{summary['pid']}@{summary['host']}",
                                        {"partitions": 0, "docs": 0, "busy_seconds": 0.0})
            w["partitions"] += 1
            w["docs"] += summary["docs"]
            w["busy_seconds"] = round(w["busy_seconds"] + summary["seconds"], 3)
            w["task_cpu_seconds"] = round(w.get("task_cpu_seconds", 0.0) + summary["task_cpu_seconds"], 3)
            w["cpu_seconds"] = max(w.get("cpu_seconds", 0.0), summary["cpu_seconds"])  # the process's, model load included
            w["pipeline_loads"] = summary["pipeline_loads"]  # 1: the model is loaded once per worker process
            w["peak_rss_mb"] = max(w.get("peak_rss_mb", 0.0), summary["peak_rss_mb"])
        if on_summary:
            on_summary(summary)

    bar = _Bar(len(todo), progress)
    try:
        if engine == "local":
            totals["workers"] = 1
            for spec in todo:
                done(run_partition(spec, out, options))
                bar.advance()
        elif engine == "dask":
            totals["workers"] = _run_dask(todo, out, options, scheduler, workers, done, bar)
        else:
            raise BatchError(f"unknown engine {engine!r} (dask or local)")
    finally:
        bar.close()
    totals["seconds"] = round(time.perf_counter() - t0, 2)
    missing = [s.name for s in specs if not output_path(s, out, options.fmt).exists()]
    manifest["complete"] = not missing
    manifest["missing"] = missing[:20]
    _write_json(out / MANIFEST, manifest)
    _clean_temporaries(out)
    if missing:
        raise BatchError(f"{len(missing)} partition(s) have no output ({', '.join(missing[:5])}); "
                         f"rerun the same command to finish them")
    return totals


def _run_dask(todo: Sequence[PartitionSpec], out: Path, options: Options, scheduler,
              workers: int | None, done: Callable[[dict], None], bar: "_Bar") -> int:
    import logging

    from dask.distributed import Client, LocalCluster, as_completed

    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    cluster = None
    own_client = True
    if scheduler is not None and hasattr(scheduler, "submit"):  # a Client made by the caller (dask-gateway...)
        client, own_client = scheduler, False
    elif scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        n = workers or os.cpu_count() or 1
        import dask

        dask.config.set({"distributed.worker.profile.enabled": False})  # see partition._quiet_dask_worker
        # one single-threaded process per core: spaCy is CPU-bound and holds the GIL
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        n_workers = len(client.scheduler_info().get("workers", {}))
        if not todo:
            return n_workers
        futures = client.map(run_partition, list(todo), out_dir=str(out.resolve()), options=options, pure=False,
                             key=[f"geo-{s.name}" for s in todo], retries=2)
        failed = []
        for fut in as_completed(futures):
            try:
                done(fut.result())
            except Exception as exc:  # a partition that failed on every try: named, the rest go on
                failed.append(f"{fut.key}: {exc.__class__.__name__}: {exc}")
            bar.advance()
        for f in failed:
            logging.getLogger("geo.batch").error("%s", f)
        return max(n_workers, len(client.scheduler_info().get("workers", {})))
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()


class _Bar:
    """Partitions done out of the total (rich, on stderr)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._p = None
        if enabled and total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._p = Progress(TextColumn("partitions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                               TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._task = self._p.add_task("partitions", total=total)
            self._p.start()

    def advance(self) -> None:
        if self._p is not None:
            self._p.advance(self._task)

    def close(self) -> None:
        if self._p is not None:
            self._p.stop()
