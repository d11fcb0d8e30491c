"""The in-process engine: every partition in this process, one after another."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from geo.batch.partition import Options, run_partition
from geo.batch.sources import PartitionSpec


def run(todo: Sequence[PartitionSpec], out: Path, options: Options, on_result: Callable[[dict], None],
        on_failure: Callable[[PartitionSpec, str], None]) -> int:
    for spec in todo:
        try:
            summary = run_partition(spec, out, options)
        except Exception as exc:  # e.g. MemoryError while parsing: this partition stays to do, the rest go on
            on_failure(spec, f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__)
            continue
        on_result(summary)
    return 1
