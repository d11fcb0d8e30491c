"""``make_geocoder``: a provider from the registry, wrapped for real use.

The layers, outermost first (each one a class in its own module, usable alone)::

    FallbackGeocoder      never raises: failures -> None (+ stats, one warning for surprises)
      CachedGeocoder      answers on disk, negative ones too            (cache.py)
        CircuitBreaker    stops asking for the run when the service is down (breaker.py)
          RetryingGeocoder  backoff on 429 / 5xx                        (retry.py)
            RateLimitedGeocoder  >= min_delay apart, across processes   (ratelimit.py)
              DeadlineGeocoder   the whole request within 2 x timeout + 0.5 s (deadline.py)
                NominatimGeocoder / PhotonGeocoder / PeliasGeocoder     (one module each)

A tripped breaker still lets the cache answer; a failure is never cached.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable, Sequence

from geo.types import Place

from .base import DEFAULT_TIMEOUT, Geocoder, GeocoderWrapper, default_cache_dir, normalize_query
from .breaker import CircuitBreaker
from .cache import CACHE_FILE, AnswerCache, CachedGeocoder
from .deadline import DeadlineGeocoder
from .ratelimit import RateLimitedGeocoder, SharedSlots
from .registry import get_geocoder, provider_class
from .retry import RetryingGeocoder

log = logging.getLogger(__name__)


class FallbackGeocoder(GeocoderWrapper):
    """The outermost layer: one lookup at a time, never an exception, and the run's figures.

    ``stats``: lookups, cache_hits, requests (HTTP requests sent), answers (places found),
    failures (lookups that failed: not cached). ``available`` is False once a circuit breaker
    inside has tripped (cached answers are still returned).
    """

    def __init__(self, inner: Geocoder, *, on_warning: Callable[[str], None] | None = None) -> None:
        super().__init__(inner)
        self._on_warning = on_warning
        self._lock = threading.RLock()
        self._warned = False
        self._counts = {"lookups": 0, "answers": 0, "failures": 0}

    @property
    def available(self) -> bool:
        breaker = self.find(CircuitBreaker)
        return breaker is None or breaker.available

    @property
    def tripped_reason(self) -> str | None:
        breaker = self.find(CircuitBreaker)
        return None if breaker is None else breaker.tripped_reason

    @property
    def stats(self) -> dict[str, int]:
        cache = self.find(CachedGeocoder)
        provider = self.layers()[-1]
        return {"lookups": self._counts["lookups"], "cache_hits": cache.hits if cache else 0,
                "requests": int(getattr(provider, "requests", 0)), "answers": self._counts["answers"],
                "failures": self._counts["failures"]}

    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        """The best answer for ``name`` (optionally within ``country_codes``), or None.

        Network and service errors never raise: the lookup returns None (and is not cached).
        """
        from geopy.exc import GeopyError

        query, ccs = normalize_query(name, country_codes)
        if not query:
            return None
        with self._lock:
            self._counts["lookups"] += 1
            try:
                place = self.inner.geocode(query, country_codes=ccs)
            except GeopyError:  # reported by the breaker (or not worth a word: the breaker is open)
                self._counts["failures"] += 1
                return None
            except Exception as exc:  # never let a geocoder problem end the run
                log.debug("geocoder lookup of %r failed", query, exc_info=True)
                if not self._warned:
                    self._warned = True
                    detail = str(exc) or ("out of memory" if isinstance(exc, MemoryError) else "no details")
                    message = (f"geocoder lookup of {query!r} failed unexpectedly "
                               f"({exc.__class__.__name__}: {detail})")
                    if self._on_warning is not None:
                        self._on_warning(message)
                    else:
                        log.warning("%s", message)
                self._counts["failures"] += 1
                return None
            if place is not None:
                self._counts["answers"] += 1
            return place

    def __enter__(self) -> "FallbackGeocoder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_geocoder(
    *,
    offline: bool = False,
    service: str | None = None,
    url: str | None = None,
    user_agent: str | None = None,
    timeout: float | None = None,
    cache_dir: Path | None = None,
    min_delay: float | None = None,
    on_warning: Callable[[str], None] | None = None,
    config: Any | None = None,
    language: str | None = "en",
    use_cache: bool = True,
    max_retries: int = 2,
    backoff: float = 1.0,
    max_backoff: float = 10.0,
    trip_after_timeouts: int = 2,
    trip_after_failures: int = 3,
    deadline: float | None = None,
    sleep: Callable[[float], None] | None = None,
) -> FallbackGeocoder | None:
    """Build the fallback geocoder, or return None when offline.

    ``sleep`` replaces ``time.sleep`` for the waits between retries (tests). Unset arguments come from ``config`` (default: :func:`geo.geocoders.config.load_config`, which reads
    ``GEO_GEOCODER_URL`` and friends and the config file). Raises :class:`GeocoderConfigError`
    (or :class:`geo.geocoders.config.ConfigError`) for unusable settings.
    """
    if offline:
        return None
    if config is None:
        from geo.geocoders.config import load_config

        config = load_config()
    if config.offline:
        return None
    service = (service or config.geocoder or "nominatim").strip().lower()
    provider_class(service)  # GeocoderConfigError for an unknown name, before anything else
    timeout = float(timeout if timeout is not None else config.timeout or DEFAULT_TIMEOUT)
    provider = get_geocoder(service, url=url or config.geocoder_url, timeout=timeout, language=language,
                            user_agent=user_agent or config.user_agent)
    delay = min_delay if min_delay is not None else config.min_delay
    if delay is None:
        delay = 1.0 if provider.public else 0.0
    if provider.public:
        delay = max(1.0, float(delay))  # the public services' usage policy
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    layer: Geocoder = DeadlineGeocoder(provider, deadline)
    layer = RateLimitedGeocoder(layer, float(delay), slots=SharedSlots(directory / CACHE_FILE) if use_cache else None)
    layer = RetryingGeocoder(layer, max_retries=max_retries, backoff=backoff, max_backoff=max_backoff,
                             min_wait=float(delay), on_warning=on_warning,
                             **({"sleep": sleep} if sleep is not None else {}))
    layer = CircuitBreaker(layer, trip_after_timeouts=trip_after_timeouts, trip_after_failures=trip_after_failures,
                           on_warning=on_warning)
    if use_cache:
        layer = CachedGeocoder(layer, AnswerCache(directory, on_warning=on_warning))
    return FallbackGeocoder(layer, on_warning=on_warning)
