"""Engines schedule the one partition function (:func:`geo.batch.partition.run_partition`); none parses.

* :mod:`~geo.batch.engines.local` - this process, one partition after another (``--engine local``)
* :mod:`~geo.batch.engines.pool`  - forked processes on this machine sharing the parent's pipeline
  (``-j N`` of ``geo map/extract/eval`` over documents in memory, and ``engine="pool"`` over partitions)
* :mod:`~geo.batch.engines.dask`  - dask.distributed: a TLS-only LocalCluster made by geo
  (:mod:`~geo.batch.engines.dask_cluster`), or an existing cluster (``--scheduler``)

Each ``run(todo, out_dir, options, on_result, on_failure, ...)`` calls ``on_result(summary)`` for every
partition that ran and ``on_failure(spec, message)`` for one whose task raised, and returns the number
of workers it used. :func:`geo.batch.engine.run` plans the resume, the manifest and the totals.
"""
ENGINES = ("local", "pool", "dask")
