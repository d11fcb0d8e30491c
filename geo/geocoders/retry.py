"""Retries with exponential backoff, as a wrapper around any geocoder.

Retried: HTTP 429 and HTTP 5xx answers (geopy's
``GeocoderServiceError``/``GeocoderTimedOut`` carrying a 5xx status). Not retried: a timeout
without an answer (it would cost the same again), a refused connection, 4xx, malformed answers.
The last failure is re-raised with an ``attempts`` attribute (how many requests it took).

Waits: after a 429 with a ``Retry-After`` header, exactly what the server asks (never sooner than
``min_wait``) as long as it is at most ``max_retry_after`` (:data:`RETRY_AFTER_CAP`, 60 s); a
server that asks for longer (``Retry-After: 3600``) is not asked again for that name: the 429 is
raised at once, with a warning that says so (and the circuit breaker outside stops asking for the
run). Without the header, and after a 5xx: the exponential backoff, at most ``max_backoff``.
"""
from __future__ import annotations

import logging
import time
from typing import Callable, Sequence

from geo.types import Place

from .base import Geocoder, GeocoderWrapper
from .errors import http_status

log = logging.getLogger(__name__)

#: The longest ``Retry-After`` geo waits for; a server asking for longer is not asked again for that name.
RETRY_AFTER_CAP = 60.0


def retryable(e: BaseException) -> bool:
    from geopy import exc as gx

    if isinstance(e, gx.GeocoderRateLimited):
        return True
    if isinstance(e, gx.GeocoderTimedOut):
        return http_status(e) is not None  # 503/504 carry a status; a real timeout does not
    if isinstance(e, gx.GeocoderServiceError) and not isinstance(e, gx.GeocoderParseError):
        status = http_status(e)
        return status is not None and status >= 500
    return False


class RetryingGeocoder(GeocoderWrapper):
    """Up to ``max_retries`` more tries of ``inner`` after a retryable failure."""

    def __init__(self, inner: Geocoder, *, max_retries: int = 2, backoff: float = 1.0, max_backoff: float = 10.0,
                 min_wait: float = 0.0, sleep: Callable[[float], None] = time.sleep,
                 max_retry_after: float | None = None, on_warning: Callable[[str], None] | None = None) -> None:
        super().__init__(inner)
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, not {max_retries}")
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.min_wait = min_wait
        self.max_retry_after = RETRY_AFTER_CAP if max_retry_after is None else float(max_retry_after)
        self._sleep = sleep
        self._on_warning = on_warning

    def wait_before(self, e: BaseException, attempt: int) -> float | None:
        """Seconds to wait after failure ``e`` of try number ``attempt`` (0-based); None when the
        server asks for a wait longer than ``max_retry_after`` (do not ask again)."""
        from geopy.exc import GeocoderRateLimited

        if isinstance(e, GeocoderRateLimited):
            if e.retry_after is not None:
                if e.retry_after > self.max_retry_after:
                    return None
                return max(float(e.retry_after), self.min_wait)
            return min(max(self.backoff * 2 ** attempt, self.min_wait), self.max_backoff)
        return min(self.backoff * 2 ** attempt, self.max_backoff)

    def _warn(self, message: str) -> None:
        if self._on_warning is not None:
            self._on_warning(message)
        else:
            log.warning("%s", message)

    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        from geopy.exc import GeopyError

        attempt = 0
        while True:
            try:
                return self.inner.geocode(name, country_codes=country_codes)
            except GeopyError as e:
                if attempt >= self.max_retries or not retryable(e):
                    e.attempts = attempt + 1  # type: ignore[attr-defined]
                    raise
                wait = self.wait_before(e, attempt)
                if wait is None:
                    e.attempts = attempt + 1  # type: ignore[attr-defined]
                    where = getattr(self.inner, "endpoint", None) or "the service"
                    self._warn(f"geocoder {where}: asked to wait {getattr(e, 'retry_after', 0):g} s before the next "
                               f"request (HTTP 429, Retry-After); geo waits at most {self.max_retry_after:g} s, "
                               f"so {name!r} was given up")
                    raise
                self._sleep(wait)
                attempt += 1
