"""An overall deadline per call, as a wrapper around any geocoder.

A per-request timeout bounds connecting and each read, but a server that trickles bytes never
trips it. :class:`DeadlineGeocoder` runs each call on a daemon thread and raises geopy's
``GeocoderTimedOut`` when it has not returned within ``deadline`` seconds; the abandoned call
finishes or fails on its own thread.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Sequence

from geo.types import Place

from .base import Geocoder, GeocoderWrapper


def _join(thread: threading.Thread, timeout: float) -> None:
    thread.join(timeout)


class DeadlineGeocoder(GeocoderWrapper):
    """``inner.geocode`` bounded to ``deadline`` seconds (default: twice ``inner.timeout`` + 0.5 s).

    ``wait(thread, seconds)`` waits for the call's thread at most that long (default ``thread.join``);
    a test injects one that returns at once to check the cut-off without waiting."""

    def __init__(self, inner: Geocoder, deadline: float | None = None, *,
                 wait: Callable[[threading.Thread, float], None] = _join) -> None:
        super().__init__(inner)
        self._wait = wait
        if deadline is None:
            deadline = 2 * float(getattr(inner, "timeout")) + 0.5
        if not deadline > 0:
            raise ValueError(f"deadline must be positive, not {deadline}")
        self.deadline = float(deadline)

    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        from geopy.exc import GeocoderTimedOut

        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["result"] = self.inner.geocode(name, country_codes=country_codes)
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=run, name="geo-geocoder", daemon=True)
        worker.start()
        self._wait(worker, self.deadline)
        if worker.is_alive():
            raise GeocoderTimedOut(f"no complete answer within {self.deadline:g} s")
        if "error" in box:
            raise box["error"]
        return box.get("result")
