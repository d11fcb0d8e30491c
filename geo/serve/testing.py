"""Run a ``geo serve`` app on 127.0.0.1 in a background thread (tests, benchmarks, notebooks).

    >>> with serve_in_thread(create_app(config, pipeline=pipe)) as base:   # "http://127.0.0.1:PORT"
    ...     urllib.request.urlopen(base + "/health")

Real HTTP: uvicorn on a socket bound to a free port of the loopback interface, stopped on exit.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Iterator


@contextlib.contextmanager
def serve_in_thread(app: Any, *, ready_timeout: float = 300.0) -> Iterator[str]:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", server_header=False)
    server = uvicorn.Server(config)
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)

    thread = threading.Thread(target=target, name=f"geo-serve-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, errors, ready_timeout)
    except BaseException:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        raise
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def _wait_ready(base: str, errors: list, ready_timeout: float) -> None:
    deadline = time.monotonic() + ready_timeout
    while True:  # until the pipeline is loaded (bounded)
        if errors:
            raise RuntimeError(f"the server did not start: {errors[0]!r}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as r:
                if json.load(r).get("status") == "ok":
                    return
        except urllib.error.HTTPError as exc:
            if exc.code != 503:
                raise
            body = json.loads(exc.read() or b"{}")
            if body.get("status") == "error":
                raise RuntimeError(f"the server cannot load its pipeline: {body.get('error')}") from None
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server on {base} was not ready within {ready_timeout:g} s")
        time.sleep(0.05)
