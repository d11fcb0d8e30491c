"""The fork-pool engine: ``jobs`` processes on this machine, forked from a parent that loaded the pipeline.

Two ways in, the same partition work (:mod:`geo.batch.partition`):

* :func:`parse_in_pool` - documents already in memory (the ``-j N`` of ``geo map/extract/eval``), cut
  into partitions of ``batch_size`` documents; parsed documents come back in input order, with at most
  ``2 * jobs`` partitions in flight, so memory stays bounded however long the input.
* :func:`run` - planned partitions into an output folder, like the local and Dask engines.

Each worker inherits the parent's pipeline (spaCy model, gazetteer store) through ``fork``: loaded
once, shared copy-on-write. Without ``fork`` (Windows, macOS's default) the work runs in this process.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from geo.batch.engines import local
from geo.batch.partition import (Options, adopt_pipeline, current_pipeline, parse_partition, run_partition,
                                 worker_pipeline)
from geo.batch.sources import PartitionSpec, docs_partition
from geo.pipeline import Pipeline
from geo.types import ParsedDocument


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def _parse_task(spec: PartitionSpec) -> list[ParsedDocument]:
    return parse_partition(spec, current_pipeline())


def parse(pipeline: Pipeline, docs: Iterable, jobs: int, batch_size: int | None = None) -> Iterator[ParsedDocument]:
    """``pipeline.parse(docs)`` in ``jobs`` forked processes (in this process when ``jobs <= 1``), partitions of
    ``batch_size`` documents (default: the pipeline's ``nlp.pipe`` batch size). What ``-j N`` calls."""
    if jobs <= 1:
        return pipeline.parse(docs)
    return parse_in_pool(pipeline, docs, jobs, batch_size or pipeline.batch_size)


def parse_in_pool(pipeline: Pipeline, docs: Iterable, jobs: int, batch_size: int) -> Iterator[ParsedDocument]:
    """Parse ``docs`` in ``jobs`` forked processes, ``batch_size`` documents per partition, in order."""
    if not can_fork():
        yield from pipeline.parse(docs)
        return
    # a worker killed by the system (out of memory) makes the pool raise BrokenProcessPool, never hang
    with ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork"), initializer=adopt_pipeline,
                             initargs=(pipeline,)) as pool:
        pending: deque = deque()
        batch: list = []
        index = 0

        def submit() -> None:
            nonlocal index, batch
            pending.append(pool.submit(_parse_task, docs_partition(index, batch)))
            index += 1
            batch = []

        for d in docs:
            batch.append(d)
            if len(batch) >= batch_size:
                submit()
                while len(pending) >= 2 * jobs:
                    yield from pending.popleft().result()
        if batch:
            submit()
        while pending:
            yield from pending.popleft().result()


def run(todo: Sequence[PartitionSpec], out: Path, options: Options, on_result: Callable[[dict], None],
        on_failure: Callable[[PartitionSpec, str], None], *, workers: int | None = None) -> int:
    """Run the partitions in ``workers`` forked processes (default: one per core)."""
    jobs = max(1, workers or os.cpu_count() or 1)
    if not todo:
        return jobs
    if jobs == 1 or not can_fork():
        return local.run(todo, out, options, on_result, on_failure)
    pipeline = worker_pipeline(options)  # loaded once here; the workers inherit it
    with ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork"), initializer=adopt_pipeline,
                             initargs=(pipeline, options)) as pool:
        pending = {pool.submit(run_partition, spec, out, options): spec for spec in todo}
        for fut in as_completed(pending):
            spec = pending[fut]
            try:
                summary = fut.result()
            except Exception as exc:  # the partition stays to do, the rest go on
                on_failure(spec, f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__)
                continue
            on_result(summary)
    return jobs
