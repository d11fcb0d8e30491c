"""Providers by name. Adding one is a class (see :mod:`.base`) plus one line in ``PROVIDERS``.

Entries are classes or ``"module:Class"`` strings; geo's own are strings so that naming and validating a service (the config file,
``--geocoder``) imports neither the provider nor geopy.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from .errors import GeocoderConfigError

PROVIDERS: dict[str, "str | type"] = {
    "nominatim": "geo.geocoders.nominatim:NominatimGeocoder",
    "photon": "geo.geocoders.photon:PhotonGeocoder",
    "pelias": "geo.geocoders.pelias:PeliasGeocoder",
}



def names() -> tuple[str, ...]:
    """The registered service names, in registration order."""
    return tuple(PROVIDERS)


def public_hosts() -> dict[str, str]:
    """Service name -> host of its public server (those get the strict >= 1 s rate limit)."""
    out = {}
    for name in PROVIDERS:
        host = getattr(provider_class(name), "public_host", None)
        if host:
            out[name] = host
    return out


def register(name: str, target: str | type) -> None:
    """Add (or replace) a provider: ``target`` is a class or a ``"module:Class"`` string."""
    PROVIDERS[name.strip().lower()] = target


def provider_class(name: str) -> type:
    """The provider class registered as ``name``; :class:`GeocoderConfigError` if there is none."""
    key = (name or "").strip().lower()
    target = PROVIDERS.get(key)
    if target is None:
        *first, last = PROVIDERS
        choices = f"{', '.join(first)} or {last}" if first else last
        raise GeocoderConfigError(f"unknown geocoder {name!r} (choose {choices})")
    if not isinstance(target, str):
        return target
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


def get_geocoder(name: str = "nominatim", **kwargs: Any) -> Any:
    """A bare provider (one request per lookup, no cache, no rate limit, no retries): the class
    registered as ``name`` built with ``kwargs`` (``url``, ``user_agent``, ``timeout``,
    ``language``). :func:`geo.geocoders.make_geocoder` wraps it for real use."""
    return provider_class(name)(**kwargs)
