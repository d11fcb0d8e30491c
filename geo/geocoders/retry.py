"""Retries with exponential backoff, as a wrapper around any geocoder.

Retried: HTTP 429 (after the ``Retry-After`` header when there is one, else the backoff; never
sooner than ``min_wait``, never longer than ``max_backoff``) and HTTP 5xx answers (geopy's
``GeocoderServiceError``/``GeocoderTimedOut`` carrying a 5xx status). Not retried: a timeout
without an answer (it would cost the same again), a refused connection, 4xx, malformed answers.
The last failure is re-raised with an ``attempts`` attribute (how many requests it took).
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

from geo.types import Place

from .base import Geocoder, GeocoderWrapper
from .errors import http_status


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
                 min_wait: float = 0.0, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(inner)
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, not {max_retries}")
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.min_wait = min_wait
        self._sleep = sleep

    def wait_before(self, e: BaseException, attempt: int) -> float:
        """Seconds to wait after failure ``e`` of try number ``attempt`` (0-based)."""
        from geopy.exc import GeocoderRateLimited

        if isinstance(e, GeocoderRateLimited):
            wait = e.retry_after if e.retry_after is not None else self.backoff * 2 ** attempt
            return min(max(wait, self.min_wait), self.max_backoff)
        return min(self.backoff * 2 ** attempt, self.max_backoff)

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
                self._sleep(self.wait_before(e, attempt))
                attempt += 1
