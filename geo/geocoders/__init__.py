"""Online geocoders (through geopy) for the names the offline gazetteer cannot place.

* :class:`Geocoder` -- the interface: ``geocode(name, *, country_codes=None) -> Place | None``, ``close()``;
* providers, one module each: :mod:`.nominatim`, :mod:`.photon`, :mod:`.pelias`, by name through
  :func:`get_geocoder` (:mod:`.registry`);
* wrappers around any geocoder: :class:`CachedGeocoder` (:mod:`.cache`), :class:`RateLimitedGeocoder`
  (:mod:`.ratelimit`), :class:`RetryingGeocoder` (:mod:`.retry`), :class:`CircuitBreaker`
  (:mod:`.breaker`), :class:`DeadlineGeocoder` (:mod:`.deadline`);
* :func:`make_geocoder` -- the configured provider with all of them (what geo uses);
* :func:`plausible` / :func:`nearest_context` -- checking an answer against the document (:mod:`.context`).

See docs/fallback.md.
"""
from __future__ import annotations

from .base import (
    DEFAULT_TIMEOUT,
    Geocoder,
    GeocoderWrapper,
    GeopyGeocoder,
    default_cache_dir,
    default_user_agent,
    normalize_query,
)
from .breaker import CircuitBreaker, CircuitOpen
from .errors import GeocoderConfigError
from .cache import NEGATIVE_TTL, AnswerCache, CachedGeocoder, clear_cache
from .context import nearest_context, plausible
from .deadline import DeadlineGeocoder
from .factory import FallbackGeocoder, make_geocoder
from .osm import osm_feature
from .ratelimit import RateLimitedGeocoder, SharedSlots
from .registry import PROVIDERS, get_geocoder, names, provider_class, public_hosts, register
from .retry import RetryingGeocoder

__all__ = [
    "AnswerCache", "CachedGeocoder", "CircuitBreaker", "CircuitOpen", "DEFAULT_TIMEOUT", "DeadlineGeocoder",
    "FallbackGeocoder", "Geocoder", "GeocoderConfigError", "GeocoderWrapper", "GeopyGeocoder", "NEGATIVE_TTL",
    "PROVIDERS", "RateLimitedGeocoder", "RetryingGeocoder", "SharedSlots", "clear_cache", "default_cache_dir",
    "default_user_agent", "get_geocoder", "make_geocoder", "names", "nearest_context", "normalize_query",
    "osm_feature", "place_from_raw", "plausible", "provider_class", "public_hosts", "register",
]


def place_from_raw(service: str, raw: dict, *, query: str = ""):
    """Turn one raw answer of ``service`` (geopy ``Location.raw``) into a Place; None if unusable."""
    try:
        cls = provider_class(service)
    except GeocoderConfigError:
        return None
    return cls.to_place(raw, query=query)
