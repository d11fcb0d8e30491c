"""Requests spaced at least ``min_delay`` seconds apart, within a process and across processes.

:class:`RateLimitedGeocoder` spaces the calls to the geocoder inside it with geopy's
``RateLimiter`` (this process) and, given :class:`SharedSlots`, reserves each request's time slot
in a small SQLite table that every geo process using the same cache folder shares, so a worker
pool or two runs at once keep to the service's limit together.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

from geo.types import Place

from .base import Geocoder, GeocoderWrapper

log = logging.getLogger(__name__)


class SharedSlots:
    """Next free request time per endpoint, in the ``slots`` table of an SQLite file."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock  # wall-clock seconds shared between processes (injectable for tests)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS slots (endpoint TEXT PRIMARY KEY, next REAL)")
            self._db = db
        except (OSError, sqlite3.Error) as exc:  # the cache reports an unusable file; slots stay per process
            log.debug("geocoder request slots unavailable in %s: %s", self.path, exc)

    def reserve(self, endpoint: str, min_delay: float) -> float:
        """Reserve the next slot for ``endpoint``; returns how long to wait before sending.

        Slots are ``min_delay`` apart. Returns 0 when the file is unusable (the in-process limiter
        still spaces this process's requests).
        """
        if self._db is None or min_delay <= 0:
            return 0.0
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    row = self._db.execute("SELECT next FROM slots WHERE endpoint=?", (endpoint,)).fetchone()
                    now = self.clock()
                    start = now if row is None else min(max(now, row[0]), now + 3600.0)
                    self._db.execute("INSERT OR REPLACE INTO slots VALUES (?, ?)", (endpoint, start + min_delay))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                log.debug("geocoder slot reservation failed: %s", exc)
                return 0.0
        return max(0.0, start - now)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class RateLimitedGeocoder(GeocoderWrapper):
    """At most one call to ``inner`` per ``min_delay`` seconds (per endpoint, with ``slots``).

    ``clock`` (seconds, for the in-process spacing; default geopy's ``default_timer``) and ``sleep`` can be
    injected, e.g. a fake clock whose sleep only advances it, so spacing is tested without waiting."""

    def __init__(self, inner: Geocoder, min_delay: float, *, slots: SharedSlots | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] | None = None) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        super().__init__(inner)
        self.min_delay = float(min_delay)
        self.slots = slots
        self._sleep = sleep
        # RateLimiter only spaces the calls; retrying is another wrapper's job.
        options = dict(min_delay_seconds=self.min_delay, max_retries=0, swallow_exceptions=False)
        if clock is None and sleep is time.sleep:
            self._call = RateLimiter(inner.geocode, **options)
        else:
            self._call = _injected_limiter()(inner.geocode, clock=clock, sleep=sleep, **options)

    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        if self.slots is not None:
            wait = self.slots.reserve(str(getattr(self.inner, "endpoint", "")), self.min_delay)
            if wait > 0:
                self._sleep(wait)
        return self._call(name, country_codes=country_codes)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            if self.slots is not None:
                self.slots.close()


def _injected_limiter() -> type:
    """geopy's RateLimiter reading the time and sleeping through injected functions (its ``_clock`` and
    ``_sleep`` hooks)."""
    from geopy.extra.rate_limiter import RateLimiter

    class InjectedRateLimiter(RateLimiter):
        def __init__(self, func: Callable, *, clock: Callable[[], float] | None,
                     sleep: Callable[[float], None], **options) -> None:
            super().__init__(func, **options)
            self._clock_fn, self._sleep_fn = clock, sleep

        def _clock(self) -> float:
            return self._clock_fn() if self._clock_fn is not None else super()._clock()

        def _sleep(self, seconds: float) -> None:
            self._sleep_fn(seconds)

    return InjectedRateLimiter
