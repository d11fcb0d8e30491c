"""The Dask engine: dask.distributed schedules :func:`~geo.batch.partition.run_partition`.

* Without ``scheduler``: a local cluster of ``workers`` single-threaded worker processes (one per core
  by default) that listens only on TLS with credentials held by this process
  (:func:`~geo.batch.engines.dask_cluster.secure_local_cluster`).
* ``scheduler="tls://host:8786"`` (or ``tcp://``): join an existing cluster (dask-jobqueue,
  Kubernetes, ``dask scheduler``/``dask worker``). Credentials come from Dask's configuration
  (``distributed.comm.tls.*``, e.g. ``DASK_DISTRIBUTED__COMM__TLS__CA_FILE``; docs/scale.md).
  The connection, handshake included, must succeed within ``connect_timeout`` seconds (default:
  Dask's ``distributed.comm.timeouts.connect``, 30 s): an address that accepts and never answers is
  an error, not a hang.
* ``scheduler=<a distributed.Client>`` you made (e.g. ``gateway_cluster.get_client()``): used, left open.

A worker that dies mid-task is replaced by the scheduler, which reruns its partitions elsewhere
(``retries``); outputs are written atomically under a fixed name, so a partition is never
half-written and never written twice under two names.
"""
from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

import dask
from distributed import Client, as_completed
from distributed.comm import connect
from distributed.security import Security
from dask.utils import parse_timedelta

from geo.batch.engines.dask_cluster import secure_local_cluster
from geo.batch.partition import Options, run_partition
from geo.batch.sources import PartitionSpec


class SchedulerUnreachable(Exception):
    """No Dask scheduler answered at the address within the timeout."""


def connect_timeout_default() -> float:
    """Dask's ``distributed.comm.timeouts.connect`` (30 s unless configured), in seconds."""
    return float(parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), default="seconds"))


def _probe(address: str, security: Security, timeout: float) -> None:
    """Open a connection to ``address`` and complete Dask's handshake within ``timeout`` seconds.

    distributed's ``connect`` bounds the TCP/TLS connect but then waits for the handshake without a
    limit, so an endpoint that accepts and never answers hangs a ``Client`` forever; here the whole
    exchange has one deadline."""

    async def go() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=timeout, **security.get_connection_args("client")),
                                      timeout)
        await comm.close()

    with ThreadPoolExecutor(1) as ex:  # its own event loop, even when the caller runs one (Jupyter)
        try:
            ex.submit(asyncio.run, go()).result()
        except asyncio.TimeoutError:
            raise SchedulerUnreachable(f"{address}: no Dask scheduler answered within {timeout:g} s "
                                       f"(is it a Dask scheduler, and up?)") from None
        except OSError as exc:
            raise SchedulerUnreachable(f"{address}: cannot reach a Dask scheduler ({exc})") from None
        except (TypeError, ValueError) as exc:  # e.g. tls:// without TLS credentials configured
            raise SchedulerUnreachable(f"{address}: {exc}") from None


def connect_client(address: str, *, timeout: float | None = None, security: Security | None = None) -> Client:
    """A ``Client`` of the scheduler at ``address``, or :class:`SchedulerUnreachable` within ``timeout`` s."""
    timeout = connect_timeout_default() if timeout is None else float(timeout)
    security = security if security is not None else Security()  # Dask's config: distributed.comm.tls.*
    if address.startswith("tls://") and security.get_connection_args("client").get("ssl_context") is None:
        raise SchedulerUnreachable(
            f"{address}: a tls:// scheduler needs this client's TLS credentials in Dask's configuration: "
            "distributed.comm.tls.ca-file, .client.cert and .client.key (e.g. DASK_DISTRIBUTED__COMM__TLS__CA_FILE, "
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT, DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY); see docs/scale.md")
    _probe(address, security, timeout)
    return Client(address, timeout=timeout, security=security)


def _quiet_logs() -> None:
    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)


def run(todo: Sequence[PartitionSpec], out: Path, options: Options, on_result: Callable[[dict], None],
        on_failure: Callable[[PartitionSpec, str], None], *, scheduler=None, workers: int | None = None,
        connect_timeout: float | None = None) -> int:
    _quiet_logs()
    cluster = None
    own_client = True
    if scheduler is not None and hasattr(scheduler, "submit"):  # a Client made by the caller (dask-gateway...)
        client, own_client = scheduler, False
    elif scheduler:
        client = connect_client(scheduler, timeout=connect_timeout)
    else:
        dask.config.set({"distributed.worker.profile.enabled": False})  # see partition._quiet_dask_worker
        # one single-threaded process per core: spaCy is CPU-bound and holds the GIL
        cluster = secure_local_cluster(workers or os.cpu_count() or 1)
        client = Client(cluster)
    try:
        n_workers = len(client.scheduler_info().get("workers", {}))
        if not todo:
            return n_workers
        futures = client.map(run_partition, list(todo), out_dir=str(out.resolve()), options=options, pure=False,
                             key=[f"geo-{s.name}" for s in todo], retries=2)
        specs = {f"geo-{s.name}": s for s in todo}
        for fut in as_completed(futures):
            try:
                summary = fut.result()
            except Exception as exc:  # a partition that failed on every try: named, the rest go on
                on_failure(specs[fut.key], f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__)
                continue
            on_result(summary)
        return max(n_workers, len(client.scheduler_info().get("workers", {})))
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
