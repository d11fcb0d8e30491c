"""The geocoder interface, the geopy-backed provider base class and the helpers every layer shares.

A geocoder is anything with ``geocode(name, *, country_codes=None) -> Place | None`` and
``close()`` (:class:`Geocoder`). Providers (one module each: :mod:`.nominatim`, :mod:`.photon`,
:mod:`.pelias`) subclass :class:`GeopyGeocoder`: they send one request through geopy's client for
their service and turn its raw answer into a :class:`~geo.types.Place`. A provider *raises* geopy's
exceptions (``geopy.exc.GeocoderServiceError`` and subclasses) for failures and returns None for
"no such place"; the wrappers (:mod:`.cache`, :mod:`.ratelimit`, :mod:`.retry`, :mod:`.breaker`,
:mod:`.deadline`) keep that contract, and the front object built by
:func:`geo.geocoders.make_geocoder` turns failures into None.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable, Protocol, Sequence, runtime_checkable
from urllib.parse import urlsplit

from geo.io import cache_dir
from geo.types import Place

from .errors import GeocoderConfigError

DEFAULT_TIMEOUT = 5.0


@runtime_checkable
class Geocoder(Protocol):
    """What the resolver needs from a geocoder."""

    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        """The best place for ``name`` (optionally within ``country_codes``), or None."""

    def close(self) -> None:
        """Release connections and files."""


def normalize_query(name: str, country_codes: Iterable[str] | None = None) -> tuple[str, list[str]]:
    """(query with its whitespace collapsed, sorted distinct lower-case country codes)."""
    query = " ".join(str(name).split())
    ccs = sorted({c.strip().lower() for c in country_codes or () if c and c.strip()})
    return query, ccs


def default_user_agent() -> str:
    """``geo/<version> (news-to-map tool; geopy/<version>)``: identifies this application."""
    from geopy import __version__ as geopy_version

    from geo._version import __version__

    return f"geo/{__version__} (news-to-map tool; geopy/{geopy_version})"


def default_cache_dir() -> Path:
    """``<geo's cache folder>/geocoder`` (:func:`geo.io.cache_dir`: ``$GEO_CACHE_DIR`` if set)."""
    return cache_dir() / "geocoder"


def float_or(value: Any, default: float = 0.0) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return default
    return f if f == f else default


def upper_or_none(cc: Any) -> str | None:
    return cc.upper() if isinstance(cc, str) and cc.strip() else None


def in_range(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def geojson_place(raw: Any, query: str, *, place_id: Callable[[dict, str], str],
                  feature: Callable[[dict], tuple[str, str]], country_key: str, admin1_key: str,
                  importance: Callable[[dict], float] = lambda props: 0.0) -> Place | None:
    """The :class:`Place` of a GeoJSON Feature answer (Photon, Pelias); None if it has no usable point.

    Its name is ``properties.name`` (else the ``query``); the country code and first-level region are read
    under the service's keys; ``place_id(properties, name)``, ``feature(properties)`` (class, code) and
    ``importance(properties)`` are the service's own."""
    if not isinstance(raw, dict):
        return None
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    coords = (raw.get("geometry") or {}).get("coordinates") or [None, None]
    lon, lat = float_or(coords[0], float("nan")), float_or(coords[1], float("nan"))
    if not in_range(lat, lon):
        return None
    name = props.get("name") or query
    fclass, fcode = feature(props)
    admin1 = props.get(admin1_key)
    return Place(id=str(place_id(props, name)), name=str(name), lat=lat, lon=lon, feature_class=fclass,
                 feature_code=fcode, country_code=upper_or_none(props.get(country_key)),
                 admin1=str(admin1) if admin1 else None, importance=importance(props))


_SECRET_PARAMS = {"key", "api_key", "apikey", "api-key", "token", "access_token", "auth", "password", "secret",
                  "signature", "sig", "client_secret"}


def redact_url(url: str) -> str:
    """``url`` fit to print or store: credentials (``user:password@``) and secret-looking query
    parameters (``api_key=``, ``token=``...) become ``***``."""
    from urllib.parse import parse_qsl, urlencode, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() in _SECRET_PARAMS for k, _ in pairs):
            query = urlencode([(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in pairs], safe="*")
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# API paths a user may include in a service URL; stripped so that geopy can add its own.
_API_SUFFIXES = ("/search", "/api", "/v1/search", "/v1")


def parse_endpoint(url: str | None, *, public_host: str | None, service: str,
                   public_hosts: Iterable[str] = ()) -> tuple[str, str, bool]:
    """(scheme, domain[/path], is_public) for a service and an optional URL."""
    if not url:
        if not public_host:
            raise GeocoderConfigError(f"the {service} geocoder needs a URL (--geocoder-url or GEO_GEOCODER_URL)")
        return "https", public_host, True
    text = url.strip()
    if "://" not in text:
        local = text.startswith(("localhost", "127.", "[::1]"))
        text = ("http://" if local else "https://") + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GeocoderConfigError(f"geocoder URL {url!r} is not an http(s) URL")
    path = parts.path.rstrip("/")
    for suffix in _API_SUFFIXES:
        if path.endswith(suffix):  # accept a URL that already names the API path
            path = path[: -len(suffix)]
            break
    public = parts.netloc.lower() in set(public_hosts) | ({public_host} if public_host else set())
    return parts.scheme, parts.netloc + path, public


def adapter_factory() -> Callable:
    """geopy's requests adapter, bounded: no hidden transport retries (a hung server must cost one
    timeout), no redirect to another host, answers read up to a cap (:mod:`.http`)."""
    from .http import BoundedRequestsAdapter

    return functools.partial(BoundedRequestsAdapter, max_retries=0)


class _Raw:
    """One raw answer record, as geopy's ``Location`` carries it (``.raw``), unparsed."""

    __slots__ = ("raw",)

    def __init__(self, raw: Any) -> None:
        self.raw = raw


def _describe(raw: Any) -> str:
    """A short, printable account of a record's coordinates, for messages."""
    if isinstance(raw, dict):
        if "lat" in raw or "lon" in raw:
            return f"lat {str(raw.get('lat'))[:20]!s}, lon {str(raw.get('lon'))[:20]!s}"
        geometry = raw.get("geometry")
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        return f"coordinates {str(coords)[:40]}"
    return f"a JSON {type(raw).__name__}"


class GeopyGeocoder:
    """One provider: geopy's client for the service, and its raw answers turned into Places.

    Subclasses set :attr:`service` (the registry name), :attr:`public_host` (None when the service
    has no public server) and implement :meth:`make_client`, :meth:`request_options` and
    :meth:`to_place`. ``geocode`` sends exactly one request; geopy's exceptions propagate.
    """

    service: ClassVar[str] = ""
    public_host: ClassVar[str | None] = None

    def __init__(self, *, url: str | None = None, user_agent: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, language: str | None = "en") -> None:
        from geopy.exc import ConfigurationError

        from .registry import public_hosts

        self.timeout = float(timeout)
        if not self.timeout > 0:
            raise GeocoderConfigError(f"geocoder timeout must be positive, not {timeout}")
        self.scheme, self.domain, self.public = parse_endpoint(
            url, public_host=self.public_host, service=self.service, public_hosts=public_hosts().values())
        # what messages, the answer cache and the request slots name: never the URL's credentials
        self.endpoint = redact_url(f"{self.scheme}://{self.domain}")
        self.language = language or ""
        self.user_agent = user_agent or default_user_agent()
        self.requests = 0  # HTTP requests sent
        self.bad_records = 0  # answer records without usable coordinates (skipped, each on its own)
        try:
            self.client = self.make_client(domain=self.domain, scheme=self.scheme, user_agent=self.user_agent,
                                           timeout=self.timeout, adapter_factory=adapter_factory())
        except ConfigurationError as exc:
            raise GeocoderConfigError(f"geocoder settings rejected: {exc}") from None
        # geopy turns every record into a Location (a geopy Point) and drops the whole answer -- valid
        # records too, with a raw UserWarning -- when one has lat 999 or NaN (issue 20.10). geo reads
        # the records itself: the client hands them over unparsed, each is checked on its own.
        self.client._parse_json = self._unparsed

    # -- what a provider defines --------------------------------------------------------------
    def make_client(self, **kwargs: Any) -> Any:
        """The geopy geocoder instance for this service."""
        raise NotImplementedError

    def request_options(self, country_codes: list[str]) -> dict[str, Any]:
        """Keyword arguments for the geopy client's ``geocode`` (besides the query and timeout)."""
        raise NotImplementedError

    @classmethod
    def to_place(cls, raw: Any, *, query: str = "") -> Place | None:
        """One raw answer (geopy ``Location.raw``) as a Place; None if unusable."""
        raise NotImplementedError

    @classmethod
    def records(cls, answer: Any) -> list:
        """The answer records of a decoded JSON answer, unchecked (``[]`` for "nothing found").
        Raises geopy's ``GeocoderParseError`` for an answer of the wrong shape. Default: a
        GeoJSON FeatureCollection (Photon, Pelias)."""
        from geopy.exc import GeocoderParseError

        if answer is None:
            return []
        features = answer.get("features") if isinstance(answer, dict) else None
        if not isinstance(features, list):
            raise GeocoderParseError(f"the answer is not a GeoJSON FeatureCollection ({_describe(answer)})")
        return features

    def _unparsed(self, answer: Any, exactly_one: bool = False, **_: Any) -> list[_Raw]:
        return [_Raw(r) for r in self.records(answer)]

    # -- the Geocoder protocol ----------------------------------------------------------------
    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        query, ccs = normalize_query(name, country_codes)
        if not query:
            return None
        from geopy.exc import GeocoderParseError

        self.requests += 1
        locations = self.client.geocode(query, exactly_one=False, timeout=self.timeout,
                                        **self.request_options(ccs)) or []
        bad = []
        for loc in locations:
            raw = getattr(loc, "raw", None)
            place = self.to_place(raw, query=query)
            if place is None:  # lat 999, NaN, no coordinates...: this record only
                bad.append(raw)
                continue
            if ccs and place.country_code and place.country_code.lower() not in ccs:
                continue
            return place
        self.bad_records += len(bad)
        if bad and len(bad) == len(locations):
            # nothing usable in a non-empty answer: a bad answer, which counts toward the cut-off
            raise GeocoderParseError(f"{len(bad)} record(s) without usable coordinates ({_describe(bad[0])})")
        return None

    def close(self) -> None:
        try:
            self.client.__exit__(None, None, None)
        except Exception:  # pragma: no cover - best effort
            pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.endpoint!r})"


class GeocoderWrapper:
    """Base of the wrappers: holds ``inner`` and passes unknown attributes (``endpoint``,
    ``timeout``, ``service``...) and ``close()`` through to it."""

    def __init__(self, inner: Geocoder) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (during unpickling or a failed __init__)
            raise AttributeError(name)
        return getattr(self.inner, name)

    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        return self.inner.geocode(name, country_codes=country_codes)

    def close(self) -> None:
        self.inner.close()

    def layers(self) -> list[Any]:
        """This wrapper and everything inside it, outermost first."""
        out: list[Any] = [self]
        inner: Any = self.inner
        while True:
            out.append(inner)
            if not isinstance(inner, GeocoderWrapper):
                return out
            inner = inner.inner

    def find(self, kind: type) -> Any | None:
        """The first layer (this one or an inner one) that is a ``kind``."""
        return next((layer for layer in self.layers() if isinstance(layer, kind)), None)
