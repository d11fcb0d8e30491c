"""A local Dask cluster that only geo's own process can use.

A plain ``LocalCluster`` listens on 127.0.0.1 without credentials: any local user can connect a
``Client`` and run code in the workers as the user running geo; and every scheduler and worker also
serves HTTP (the scheduler on 127.0.0.1:8787) even with the dashboard off. :func:`secure_local_cluster`
instead:

* uses Dask's own TLS security with temporary credentials (:meth:`Security.temporary`: a private CA
  and a certificate made in memory, never written to disk, handed only to the worker processes geo
  starts), ``require_encryption`` and ``tls://`` for the scheduler, the nannies and the workers, so a
  client must present a certificate signed by that CA;
* starts no HTTP server at all (:class:`Scheduler` and :class:`Worker` below create theirs but never
  bind it): the only listening sockets are the TLS ones.

Only ``distributed`` is imported here (the worker processes import this module to find :class:`Worker`).
"""
from __future__ import annotations

import logging

from distributed import Nanny, SpecCluster
from distributed import Scheduler as _Scheduler
from distributed import Worker as _Worker
from distributed.http.routing import RoutingApplication
from distributed.security import Security
from distributed.worker_memory import parse_memory_limit
from tornado.httpserver import HTTPServer

HOST = "127.0.0.1"
_log = logging.getLogger("distributed.worker.memory")


class _NoHTTP:
    """A Dask server whose HTTP server (dashboard, /health, /metrics, /info) exists but never listens."""

    def start_http_server(self, routes, dashboard_address, default_port=0, ssl_options=None):
        self.http_application = RoutingApplication(routes)
        self.http_server = HTTPServer(self.http_application)  # not bound to any address


class Scheduler(_NoHTTP, _Scheduler):
    pass


class Worker(_NoHTTP, _Worker):
    pass


def secure_local_cluster(n_workers: int, *, threads_per_worker: int = 1,
                         silence_logs: int = logging.ERROR) -> SpecCluster:
    """``n_workers`` worker processes (under nannies) on 127.0.0.1, TLS only, no HTTP; ``Client(cluster)``
    takes the cluster's credentials. Close it (or use it as a context manager) when done."""
    security = Security.temporary()  # needs the `cryptography` package
    common = {"host": HOST, "protocol": "tls://", "security": security, "dashboard_address": None}
    scheduler = {"cls": Scheduler, "options": {**common, "port": 0, "dashboard": False}}
    worker = {"cls": Nanny, "options": {**common, "nthreads": threads_per_worker, "dashboard": False,
                                        "worker_class": Worker, "silence_logs": silence_logs,
                                        "memory_limit": parse_memory_limit("auto", 1, n_workers, logger=_log)}}
    return SpecCluster(workers={i: worker for i in range(n_workers)}, scheduler=scheduler, worker=worker,
                       security=security, silence_logs=silence_logs)
