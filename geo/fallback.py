"""Compatibility module: the online fallback now lives in :mod:`geo.geocoders` (one module per
provider, cache / rate limit / retry / circuit breaker / deadline as wrappers). Import from there."""
from __future__ import annotations

from geo.geocoders import (
    DEFAULT_TIMEOUT,
    NEGATIVE_TTL,
    Geocoder,
    GeocoderConfigError,
    clear_cache,
    default_cache_dir,
    default_user_agent,
    make_geocoder,
    nearest_context,
    osm_feature,
    place_from_raw,
    plausible,
)
from geo.geocoders.registry import public_hosts as _public_hosts

__all__ = [
    "Geocoder",
    "GeocoderConfigError",
    "make_geocoder",
    "plausible",
    "nearest_context",
    "clear_cache",
    "default_cache_dir",
    "default_user_agent",
    "place_from_raw",
    "osm_feature",
    "PUBLIC_HOSTS",
    "DEFAULT_TIMEOUT",
    "NEGATIVE_TTL",
]


def __getattr__(name: str):
    if name == "PUBLIC_HOSTS":  # service name -> public host, from the registry
        return _public_hosts()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
