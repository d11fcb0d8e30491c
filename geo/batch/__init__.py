"""Batch geoparsing at scale: partitioned inputs, one partition function, engines that schedule it.

``geo extract PATH... --engine dask -o OUTDIR`` (see docs/scale.md):

* :mod:`geo.batch.sources`    - plan the input into partitions; read one partition into Documents
* :mod:`geo.batch.partition`  - the work: one partition through the whole pipeline into one file
* :mod:`geo.batch.engines`    - what schedules it: ``local`` (this process), ``pool`` (forked processes;
  also ``-j N``), ``dask`` (dask.distributed, a TLS-only local cluster or an existing one)
* :mod:`geo.batch.engine`     - a run: resume, the ``_geo_run.json`` manifest, totals

Result records (:func:`geo.outputs.jsonl.extract_record`, the record plain ``geo extract`` writes too) and GeoParquet (:mod:`geo.outputs.geoparquet`) are writers,
in geo.outputs. ``-j N`` everywhere (CLI, :func:`geo.parse_many`, ``geo eval``) is
:func:`geo.batch.engines.pool.parse`.
"""
from __future__ import annotations

_EXPORTS = {"Options": "geo.batch.partition", "run_partition": "geo.batch.partition",
            "PartitionSpec": "geo.batch.sources", "plan_partitions": "geo.batch.sources",
            "read_partition": "geo.batch.sources"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    # lazy, for start-up speed: importing geo.batch.sources (or a Dask worker importing
    # geo.batch.engines.dask_cluster) must not load the spaCy pipeline that geo.batch.partition imports
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'geo.batch' has no attribute {name!r}")
