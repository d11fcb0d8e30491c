"""Batch geoparsing at scale: partitioned inputs, one partition function, engines that schedule it.

``geo extract PATH... --engine dask -o OUTDIR`` (see docs/scale.md):

* :mod:`geo.batch.sources`   - plan the input into partitions; read one partition into Documents
* :mod:`geo.batch.partition` - the work: one partition through the whole pipeline into one file
* :mod:`geo.batch.engine`    - dask.distributed (or this process) schedules the partitions
* :mod:`geo.batch.records`   - result records (the JSONL contract + place id and sentence)
* :mod:`geo.batch.geoparquet` - GeoParquet output, one row per mention
"""
from geo.batch.partition import Options, run_partition
from geo.batch.sources import PartitionSpec, plan_partitions, read_partition

__all__ = ["Options", "PartitionSpec", "plan_partitions", "read_partition", "run_partition"]
