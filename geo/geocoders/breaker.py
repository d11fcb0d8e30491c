"""A circuit breaker, as a wrapper around any geocoder.

It trips (no more calls to the geocoder inside it for the rest of the run, one warning) when the
service is unreachable (refused connection, DNS failure), refuses access (401/402/403), is still
rate-limiting after the retries, times out ``trip_after_timeouts`` times in a row, or fails
``trip_after_failures`` lookups in a row (5xx, malformed answers). Failures are re-raised (so a
cache outside does not store them); once tripped every call raises :class:`CircuitOpen` at once.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Sequence

from geopy.exc import GeocoderUnavailable

from geo.types import Place

from .base import Geocoder, GeocoderWrapper
from .errors import attempts, http_status, short

log = logging.getLogger(__name__)


class CircuitOpen(GeocoderUnavailable):
    """The breaker has tripped: no request was sent."""


class CircuitBreaker(GeocoderWrapper):
    def __init__(self, inner: Geocoder, *, trip_after_timeouts: int = 2, trip_after_failures: int = 3,
                 on_warning: Callable[[str], None] | None = None) -> None:
        super().__init__(inner)
        self.trip_after_timeouts = trip_after_timeouts
        self.trip_after_failures = trip_after_failures
        self._on_warning = on_warning
        self._lock = threading.Lock()
        self.tripped_reason: str | None = None
        self._timeouts = 0
        self._failures = 0
        self._warned: set[str] = set()

    @property
    def available(self) -> bool:
        """False once tripped."""
        return self.tripped_reason is None

    @property
    def _name(self) -> str:
        return str(getattr(self.inner, "endpoint", None) or self.inner)

    # -- warnings -----------------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        if self._on_warning is not None:
            self._on_warning(message)
        else:
            log.warning("%s", message)

    def _warn_once(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            self._warn(message)

    def trip(self, reason: str) -> None:
        with self._lock:
            if self.tripped_reason is not None:
                return
            self.tripped_reason = reason
        self._warn(f"geocoder {self._name}: {reason}; no more online lookups this run "
                   "(names the gazetteer cannot place stay unmapped)")

    def _failed(self, problem: str) -> None:
        self._failures += 1
        self._timeouts = 0
        if self._failures >= self.trip_after_failures:
            self.trip(f"{problem}, {self._failures} lookups in a row failed")
        else:
            self._warn_once(f"failed:{problem.split(' ')[0]}", f"geocoder {self._name}: {problem}")

    # -- the Geocoder protocol ----------------------------------------------------------------
    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        from geopy import exc as gx

        if self.tripped_reason is not None:
            raise CircuitOpen(f"geocoder {self._name} is off for this run: {self.tripped_reason}")
        try:
            result = self.inner.geocode(name, country_codes=country_codes)
        except gx.GeocoderRateLimited as e:
            self.trip(f"still rate-limited (HTTP 429) after {attempts(e)} attempts")
            raise
        except gx.GeocoderUnavailable as e:
            self.trip(f"service unreachable ({short(e)})")
            raise
        except (gx.GeocoderAuthenticationFailure, gx.GeocoderInsufficientPrivileges, gx.GeocoderQuotaExceeded) as e:
            status = http_status(e)
            self.trip(f"access refused ({f'{status} ' if status else ''}{short(e)}); "
                      "check the user agent and the service's usage policy")
            raise
        except gx.GeocoderQueryError as e:  # this query only: not the service's fault
            self._warn_once("query", f"geocoder {self._name} rejected the query {name!r} ({short(e)})")
            raise
        except gx.GeocoderTimedOut as e:
            status = http_status(e)
            if status is None:  # no answer in time
                self._timeouts += 1
                self._failures += 1
                timeout = getattr(self.inner, "timeout", None)
                within = f"within {timeout:g} s" if isinstance(timeout, (int, float)) else "in time"
                if self._timeouts >= self.trip_after_timeouts:
                    self.trip(f"no answer {within}, {self._timeouts} times in a row")
                else:
                    self._warn_once("timeout", f"geocoder {self._name}: no answer {within} for {name!r}")
            else:  # 503/504 (after the retries)
                self._failed(f"HTTP {status} after {attempts(e)} attempts")
            raise
        except gx.GeocoderParseError as e:
            self._failed(f"malformed answer ({short(e)})")
            raise
        except gx.GeocoderServiceError as e:
            status = http_status(e)
            self._failed(f"HTTP {status}" if status else short(e))
            raise
        self._timeouts = 0
        self._failures = 0
        return result
