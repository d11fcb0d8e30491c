"""Run planned partitions on an engine, resume what an earlier run left, and tell the truth about it.

Engines (:mod:`geo.batch.engines`) only schedule :func:`geo.batch.partition.run_partition`:

* ``local``: this process, one partition after another;
* ``pool``: ``workers`` processes forked from this one (the same pool as ``-j N``);
* ``dask``: dask.distributed -- a local cluster that listens only on TLS with credentials held by this
  process, or an existing cluster (``scheduler="tls://host:8786"``, or a ``Client``). Inputs and
  ``out_dir`` must be paths every worker can read and write (a shared file system).

The output folder holds ``part-*.jsonl`` or ``part-*.parquet`` and ``_geo_run.json``: options, partition
count, this run's totals, ``"complete": true`` only once every partition has its file, ``"errors"``
(how many problems the output folder's partitions have), ``"failed"`` (partitions whose input could not
all be read or whose task failed, with the file and the problem; a rerun retries them) and
``"input_errors"`` (records or files skipped as unusable in finished partitions, kept across reruns).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from geo._version import __version__
from geo.batch.engines import ENGINES, local, pool
from geo.batch.partition import Options, output_path
from geo.batch.sources import PartitionSpec
from geo.geocoders.base import redact_url  # credentials never reach _geo_run.json
from geo.io import atomic_write_text

MANIFEST = "_geo_run.json"
#: messages kept per partition in the manifest (the count is always complete)
MAX_MESSAGES = 20


class BatchError(Exception):
    """A batch run that cannot start or finish (bad output folder, options differ from the earlier run,
    partitions left to do, an unreachable scheduler...)."""


def _manifest_options(options: Options, partition_size: int, text_field: str | None, id_field: str | None) -> dict:
    return {"model": options.model, "offline": options.offline, "geocoder": options.geocoder_service,
            "geocoder_url": redact_url(options.geocoder_url) if options.geocoder_url else None,
            "format": options.fmt, "partition_size": partition_size,
            "text_field": text_field, "id_field": id_field,
            # only when given: manifests of runs without it stay resumable
            **({"lang": options.lang} if options.lang is not None else {})}


def _write_json(path: Path, obj: dict) -> None:
    atomic_write_text(path, json.dumps(obj, indent=1, sort_keys=True) + "\n")


def _read_manifest(out: Path) -> dict | None:
    try:
        earlier = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return earlier if isinstance(earlier, dict) else None


def prepare(out_dir: str | os.PathLike, run_options: dict) -> Path:
    """Create ``out_dir``; refuse to resume a run that was started with other options."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BatchError(f"{out}: not a folder (--engine writes one file per partition into a folder)")
    out.mkdir(parents=True, exist_ok=True)
    earlier = (_read_manifest(out) or {}).get("options") if (out / MANIFEST).exists() else None
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
        progress: bool = True, on_summary: Callable[[dict], None] | None = None,
        connect_timeout: float | None = None) -> dict:
    """Run every partition not done yet; returns the totals (also written to ``_geo_run.json``).

    ``scheduler`` (dask): None (a local cluster of ``workers`` processes), an address
    (``tls://host:8786``), or a ``distributed.Client`` you made (e.g. ``gateway_cluster.get_client()``),
    which is left open. ``connect_timeout``: seconds to reach the scheduler (default: Dask's
    ``distributed.comm.timeouts.connect``, 30 s). ``workers`` (pool, dask): processes (default: one per core).

    Raises :class:`BatchError` when partitions are left to do (their input could not all be read, their
    task failed, or the run was cut short): the manifest then says ``"complete": false`` and names them,
    and running the same call again does only those."""
    if engine not in ENGINES:
        raise BatchError(f"unknown engine {engine!r} ({', '.join(ENGINES)})")
    run_options = _manifest_options(options, partition_size, text_field, id_field)
    out = prepare(out_dir, run_options)
    earlier = _read_manifest(out) or {}
    names = {s.name for s in specs}

    todo = [s for s in specs if not output_path(s, out, options.fmt).exists()]
    todo_names = {s.name for s in todo}
    totals = {"partitions": len(specs), "skipped": len(specs) - len(todo), "ran": 0, "failed": 0, "docs": 0,
              "mentions": 0, "resolved": 0, "words": 0, "errors": 0, "seconds": 0.0, "workers": 0}
    workers_seen: dict[str, dict] = {}
    # problems of finished partitions stay on record; those of partitions to do now are found again
    input_errors = {k: v for k, v in (earlier.get("input_errors") or {}).items()
                    if k in names and k not in todo_names and isinstance(v, dict)}
    # failures of partitions still to do stay on record until they run again
    failed = {k: v for k, v in (earlier.get("failed") or {}).items() if k in todo_names and isinstance(v, dict)}
    manifest = {"geo": __version__, "options": run_options, "partitions": len(specs), "complete": False,
                "totals": totals, "workers": workers_seen, "input_errors": input_errors, "failed": failed}
    manifest["errors"] = _count_errors(manifest)
    _write_json(out / MANIFEST, manifest)
    t0 = time.perf_counter()
    bar = _Bar(len(todo), progress)

    def on_result(summary: dict) -> None:
        bar.advance()
        if not summary["skipped"]:
            totals["errors"] += len(summary["errors"])
            record = {"input": summary["input"], "errors": summary["errors"][:MAX_MESSAGES],
                      "count": len(summary["errors"])}
            if summary.get("failed"):
                totals["failed"] += 1
                failed[summary["name"]] = record
            else:
                failed.pop(summary["name"], None)
                totals["ran"] += 1
                for k in ("docs", "mentions", "resolved", "words"):
                    totals[k] += summary[k]
                if summary["errors"]:
                    input_errors[summary["name"]] = record
            _worker_stats(workers_seen, summary)
        if on_summary:
            on_summary(summary)

    def on_failure(spec: PartitionSpec, message: str) -> None:
        bar.advance()
        totals["errors"] += 1
        totals["failed"] += 1
        failed[spec.name] = {"input": spec.describe(), "errors": [f"{spec.describe()}: {message}"], "count": 1}

    try:
        if engine == "local":
            totals["workers"] = local.run(todo, out, options, on_result, on_failure)
        elif engine == "pool":
            totals["workers"] = pool.run(todo, out, options, on_result, on_failure, workers=workers)
        else:
            from geo.batch.engines import dask as dask_engine  # dask.distributed: an optional dependency

            try:
                totals["workers"] = dask_engine.run(todo, out, options, on_result, on_failure, scheduler=scheduler,
                                                    workers=workers, connect_timeout=connect_timeout)
            except dask_engine.SchedulerUnreachable as exc:
                raise BatchError(str(exc)) from None
    finally:
        bar.close()
        totals["seconds"] = round(time.perf_counter() - t0, 2)
        missing = [s.name for s in specs if not output_path(s, out, options.fmt).exists()]
        manifest["complete"] = not missing
        manifest["missing"] = missing[:MAX_MESSAGES]
        manifest["errors"] = _count_errors(manifest)
        _write_json(out / MANIFEST, manifest)
        _clean_temporaries(out)
    if failed:
        first = next(iter(failed.values()))["errors"][0]
        raise BatchError(f"{len(failed)} partition(s) were not written because their input could not all be "
                         f"read or their task failed (first: {first}); see \"failed\" in {out / MANIFEST}. "
                         f"Fix the cause and rerun the same command: finished partitions are kept, these are retried")
    if missing:
        raise BatchError(f"{len(missing)} partition(s) have no output ({', '.join(missing[:5])}); "
                         f"rerun the same command to finish them")
    return totals


def _count_errors(manifest: dict) -> int:
    """Problems on record for the output folder: skipped inputs of finished partitions, failed partitions."""
    return sum(int(r.get("count", 0)) for part in ("input_errors", "failed") for r in manifest[part].values())


def _worker_stats(workers_seen: dict, summary: dict) -> None:
    w = workers_seen.setdefault(f"{summary['pid']}@{summary['host']}",
                                {"partitions": 0, "docs": 0, "busy_seconds": 0.0})
    w["partitions"] += 1
    w["docs"] += summary["docs"]
    w["busy_seconds"] = round(w["busy_seconds"] + summary["seconds"], 3)
    w["task_cpu_seconds"] = round(w.get("task_cpu_seconds", 0.0) + summary["task_cpu_seconds"], 3)
    w["cpu_seconds"] = max(w.get("cpu_seconds", 0.0), summary["cpu_seconds"])  # the process's, model load included
    w["pipeline_loads"] = summary["pipeline_loads"]  # 1: the model is loaded once per worker process
    w["peak_rss_mb"] = max(w.get("peak_rss_mb", 0.0), summary["peak_rss_mb"])


class _Bar:
    """Partitions done out of the total (rich, on stderr)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._p = None
        if enabled and total and sys.stderr.isatty():
            from rich.console import Console  # only for a terminal
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
