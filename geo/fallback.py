"""Online geocoder fallback (geopy) for names the offline gazetteer cannot place.

Services: public Nominatim (default), Photon, Pelias, or any of them self-hosted by URL.
Behaviour, per the public services' usage rules and issue 5:

* one request at a time, at least ``min_delay`` seconds apart (geopy's ``RateLimiter`` within
  a process, plus request slots reserved in the shared cache file across processes, so a
  worker pool or two runs at once keep to the limit together; never below 1 s for the public
  Nominatim and Photon servers), with an identifying User-Agent (``geo/<version> ...``,
  overridable);
* a per-request ``timeout`` (5 s by default) and no hidden transport retries;
* limited retries with exponential backoff on HTTP 429 (honouring ``Retry-After``, capped)
  and 5xx answers;
* an on-disk SQLite cache of answers, negative ones included, reused across runs
  (``clear_cache()`` empties it; negative answers expire after 30 days);
* a circuit breaker: when the service is unreachable (refused connection, DNS failure),
  keeps timing out, refuses access (401/403), or keeps failing, lookups stop for the rest of
  the run and ``on_warning`` is told once;
* :func:`plausible` checks an answer against the document's other places.

``Geocoder.geocode`` never raises for network or service errors: it returns ``None``.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

from geo.types import Place

log = logging.getLogger(__name__)

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
    "PUBLIC_HOSTS",
]

#: Hosts of public services that get the strict (>= 1 s) rate limit.
PUBLIC_HOSTS = {
    "nominatim": "nominatim.openstreetmap.org",
    "photon": "photon.komoot.io",
}
DEFAULT_TIMEOUT = 5.0
NEGATIVE_TTL = 30 * 24 * 3600.0
_CACHE_FILE = "answers.sqlite3"


class GeocoderConfigError(ValueError):
    """Bad geocoder settings (unknown service, bad URL, missing URL for Pelias...)."""


def default_user_agent() -> str:
    """``geo/<version> (+news-to-map tool; geopy/<version>)``: identifies this application."""
    from geopy import __version__ as geopy_version

    from geo import __version__

    return f"geo/{__version__} (news-to-map tool; geopy/{geopy_version})"


def default_cache_dir() -> Path:
    """``$GEO_CACHE_DIR/geocoder`` if set, else ``platformdirs.user_cache_dir("geo")/geocoder``."""
    root = os.environ.get("GEO_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "geocoder"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("geo")) / "geocoder"


# --------------------------------------------------------------------------------------------
# Answers -> Place

# Nominatim/OSM (class, type) -> GeoNames (feature class, feature code)
_OSM_FEATURES: dict[tuple[str, str], tuple[str, str]] = {
    ("place", "country"): ("A", "PCLI"),
    ("place", "state"): ("A", "ADM1"),
    ("place", "province"): ("A", "ADM1"),
    ("place", "region"): ("L", "RGN"),
    ("place", "county"): ("A", "ADM2"),
    ("place", "district"): ("A", "ADM2"),
    ("place", "municipality"): ("A", "ADM3"),
    ("place", "city"): ("P", "PPL"),
    ("place", "town"): ("P", "PPL"),
    ("place", "village"): ("P", "PPL"),
    ("place", "hamlet"): ("P", "PPL"),
    ("place", "isolated_dwelling"): ("P", "PPL"),
    ("place", "farm"): ("S", "FRM"),
    ("place", "suburb"): ("P", "PPLX"),
    ("place", "quarter"): ("P", "PPLX"),
    ("place", "neighbourhood"): ("P", "PPLX"),
    ("place", "city_block"): ("P", "PPLX"),
    ("place", "locality"): ("L", "LCTY"),
    ("place", "island"): ("T", "ISL"),
    ("place", "islet"): ("T", "ISL"),
    ("place", "archipelago"): ("T", "ISLS"),
    ("place", "sea"): ("H", "SEA"),
    ("place", "ocean"): ("H", "OCN"),
    ("place", "continent"): ("L", "CONT"),
    ("waterway", "river"): ("H", "STM"),
    ("waterway", "stream"): ("H", "STM"),
    ("waterway", "canal"): ("H", "CNL"),
    ("waterway", "dam"): ("S", "DAM"),
    ("natural", "water"): ("H", "LK"),
    ("natural", "bay"): ("H", "BAY"),
    ("natural", "strait"): ("H", "STRT"),
    ("natural", "peak"): ("T", "PK"),
    ("natural", "volcano"): ("T", "VLC"),
    ("natural", "mountain_range"): ("T", "MTS"),
    ("natural", "ridge"): ("T", "RDGE"),
    ("natural", "valley"): ("T", "VAL"),
    ("natural", "desert"): ("T", "DSRT"),
    ("natural", "peninsula"): ("T", "PEN"),
    ("natural", "cape"): ("T", "CAPE"),
    ("natural", "beach"): ("T", "BCH"),
    ("natural", "wood"): ("V", "FRST"),
    ("landuse", "forest"): ("V", "FRST"),
    ("aeroway", "aerodrome"): ("S", "AIRP"),
    ("railway", "station"): ("S", "RSTN"),
    ("amenity", "hospital"): ("S", "HSP"),
    ("amenity", "school"): ("S", "SCH"),
    ("amenity", "university"): ("S", "UNIV"),
    ("amenity", "place_of_worship"): ("S", "CH"),
    ("building", "hospital"): ("S", "HSP"),
    ("historic", "castle"): ("S", "CSTL"),
    ("man_made", "bridge"): ("S", "BDG"),
    ("bridge", "yes"): ("S", "BDG"),
    ("military", "base"): ("S", "MILB"),
    ("landuse", "military"): ("S", "MILB"),
    ("leisure", "park"): ("L", "PRK"),
    ("leisure", "stadium"): ("S", "STDM"),
    ("tourism", "hotel"): ("S", "HTL"),
}
_OSM_CLASS_DEFAULT = {
    "waterway": ("H", "STM"),
    "natural": ("T", ""),
    "highway": ("R", "RD"),
    "railway": ("R", "RR"),
    "place": ("P", "PPL"),
    "landuse": ("L", ""),
    "leisure": ("L", ""),
}
# Nominatim "addresstype" of an administrative boundary -> GeoNames code
_ADDRESSTYPE_ADMIN = {
    "country": ("A", "PCLI"),
    "state": ("A", "ADM1"),
    "province": ("A", "ADM1"),
    "region": ("A", "ADM1"),
    "state_district": ("A", "ADM2"),
    "county": ("A", "ADM2"),
    "district": ("A", "ADM2"),
    "municipality": ("A", "ADM3"),
    "city": ("P", "PPL"),
    "town": ("P", "PPL"),
    "village": ("P", "PPL"),
    "hamlet": ("P", "PPL"),
    "suburb": ("P", "PPLX"),
    "city_district": ("P", "PPLX"),
}
_RANK_ADMIN = {4: ("A", "PCLI"), 8: ("A", "ADM1"), 10: ("A", "ADM2"), 12: ("A", "ADM2"), 14: ("A", "ADM3"), 16: ("P", "PPL")}

# Pelias layers
_PELIAS_LAYERS = {
    "country": ("A", "PCLI"),
    "macroregion": ("A", "ADM1"),
    "region": ("A", "ADM1"),
    "macrocounty": ("A", "ADM2"),
    "county": ("A", "ADM2"),
    "localadmin": ("A", "ADM3"),
    "locality": ("P", "PPL"),
    "borough": ("P", "PPLX"),
    "neighbourhood": ("P", "PPLX"),
    "venue": ("S", ""),
    "address": ("S", ""),
    "street": ("R", "ST"),
    "continent": ("L", "CONT"),
    "ocean": ("H", "OCN"),
    "marinearea": ("H", "SEA"),
}


def osm_feature(osm_class: str | None, osm_type: str | None, addresstype: str | None = None,
                place_rank: int | None = None) -> tuple[str, str]:
    """Map an OSM/Nominatim class and type to a GeoNames (feature class, feature code)."""
    c = (osm_class or "").lower()
    t = (osm_type or "").lower()
    if c == "boundary" and t in ("administrative", "political", ""):
        if addresstype and addresstype.lower() in _ADDRESSTYPE_ADMIN:
            return _ADDRESSTYPE_ADMIN[addresstype.lower()]
        if place_rank is not None:
            near = min(_RANK_ADMIN, key=lambda r: abs(r - place_rank))
            return _RANK_ADMIN[near]
        return ("A", "ADMD")
    if (c, t) in _OSM_FEATURES:
        return _OSM_FEATURES[(c, t)]
    if c in _OSM_CLASS_DEFAULT:
        return _OSM_CLASS_DEFAULT[c]
    if c in ("amenity", "building", "tourism", "historic", "man_made", "military", "office", "shop"):
        return ("S", "")
    return ("L", "")


def _float(value: Any, default: float = 0.0) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return default
    return f if f == f else default


def _upper(cc: Any) -> str | None:
    return cc.upper() if isinstance(cc, str) and cc.strip() else None


def place_from_raw(service: str, raw: dict, *, query: str = "") -> Place | None:
    """Turn one geocoder answer (geopy ``Location.raw``) into a Place; None if unusable."""
    if not isinstance(raw, dict):
        return None
    if service == "nominatim":
        lat, lon = _float(raw.get("lat"), float("nan")), _float(raw.get("lon"), float("nan"))
        address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
        osm_class = raw.get("class", raw.get("category"))
        rank = raw.get("place_rank")
        fclass, fcode = osm_feature(osm_class, raw.get("type"), raw.get("addresstype"),
                                    int(rank) if isinstance(rank, (int, float, str)) and str(rank).isdigit() else None)
        name = raw.get("name") or str(raw.get("display_name") or query).split(",")[0].strip()
        osm_type, osm_id = raw.get("osm_type"), raw.get("osm_id")
        pid = f"osm:{osm_type}:{osm_id}" if osm_type and osm_id is not None else f"nominatim:{raw.get('place_id', name)}"
        cc = _upper(address.get("country_code"))
        admin1 = address.get("state") or address.get("province") or address.get("region")
        importance = min(1.0, max(0.0, _float(raw.get("importance"))))
    elif service == "photon":
        props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
        coords = (raw.get("geometry") or {}).get("coordinates") or [None, None]
        lon, lat = _float(coords[0], float("nan")), _float(coords[1], float("nan"))
        fclass, fcode = osm_feature(props.get("osm_key"), props.get("osm_value"), props.get("type"))
        name = props.get("name") or query
        types = {"N": "node", "W": "way", "R": "relation"}
        osm_type = types.get(str(props.get("osm_type")), props.get("osm_type"))
        pid = f"osm:{osm_type}:{props.get('osm_id')}" if props.get("osm_id") is not None else f"photon:{name}"
        cc = _upper(props.get("countrycode"))
        admin1 = props.get("state")
        importance = 0.0
    elif service == "pelias":
        props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
        coords = (raw.get("geometry") or {}).get("coordinates") or [None, None]
        lon, lat = _float(coords[0], float("nan")), _float(coords[1], float("nan"))
        fclass, fcode = _PELIAS_LAYERS.get(str(props.get("layer")), ("L", ""))
        name = props.get("name") or query
        pid = f"pelias:{props.get('gid') or props.get('id') or name}"
        cc = _upper(props.get("country_code"))
        admin1 = props.get("region")
        importance = min(1.0, max(0.0, _float(props.get("confidence"))))
    else:
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return Place(
        id=str(pid),
        name=str(name),
        lat=lat,
        lon=lon,
        feature_class=fclass,
        feature_code=fcode,
        country_code=cc,
        admin1=str(admin1) if admin1 else None,
        importance=importance,
    )


# --------------------------------------------------------------------------------------------
# Context check

def nearest_context(place: Place, context: Sequence[Place]) -> tuple[float, Place] | None:
    """Great-circle distance (km) from ``place`` to the closest other place of ``context``."""
    from geopy.distance import great_circle

    best: tuple[float, Place] | None = None
    for other in context:
        if other is place or other.id == place.id:
            continue
        d = great_circle((place.lat, place.lon), (other.lat, other.lon)).km
        if best is None or d < best[0]:
            best = (d, other)
    return best


def plausible(place: Place, context: Sequence[Place], *, max_km: float = 3000.0) -> bool:
    """Is a geocoder answer consistent with the document's other places?

    True when there is no other place to compare with, when the answer shares a country with
    one of them, or when it lies within ``max_km`` of the nearest one; False for a hit far from
    all of them (typically on another continent).
    """
    others = [p for p in context if p is not place and p.id != place.id]
    if not others:
        return True
    cc = (place.country_code or "").upper()
    if cc and any((p.country_code or "").upper() == cc for p in others):
        return True
    near = nearest_context(place, others)
    return near is None or near[0] <= max_km


# --------------------------------------------------------------------------------------------
# Cache

class _Cache:
    """Answers on disk (SQLite), keyed by (service, endpoint, query, countries, language)."""

    def __init__(self, directory: Path, *, negative_ttl: float = NEGATIVE_TTL,
                 on_warning: Callable[[str], None] | None = None) -> None:
        self.path = directory / _CACHE_FILE
        self.negative_ttl = negative_ttl
        self._memory: dict[tuple, tuple[float, str | None]] = {}
        self._lock = threading.Lock()
        self._db_conn: sqlite3.Connection | None = None
        self._pid = os.getpid()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS answers (service TEXT, endpoint TEXT, query TEXT,"
                " countries TEXT, language TEXT, place TEXT, created REAL,"
                " PRIMARY KEY (service, endpoint, query, countries, language))"
            )
            db.execute("CREATE TABLE IF NOT EXISTS slots (endpoint TEXT PRIMARY KEY, next REAL)")
            self._db = db
        except (OSError, sqlite3.Error) as exc:
            if on_warning:
                on_warning(f"geocoder cache {self.path} unusable ({exc}); answers are kept for this run only")

    @property
    def _db(self) -> sqlite3.Connection | None:
        # A forked worker (``-j N``) never uses its parent's connection: it opens its own.
        if self._db_conn is not None and self._pid != os.getpid():
            self._pid = os.getpid()
            try:
                self._db_conn = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
            except sqlite3.Error:
                self._db_conn = None
        return self._db_conn

    @_db.setter
    def _db(self, value: sqlite3.Connection | None) -> None:
        self._db_conn = value

    def get(self, key: tuple) -> tuple[bool, Place | None]:
        """(hit, place): a hit with place None is a cached negative answer."""
        with self._lock:
            row = self._memory.get(key)
            if row is None and self._db is not None:
                try:
                    row = self._db.execute(
                        "SELECT created, place FROM answers WHERE service=? AND endpoint=? AND query=?"
                        " AND countries=? AND language=?", key).fetchone()
                except sqlite3.Error:
                    row = None
        if row is None:
            return False, None
        created, payload = row
        if payload is None:
            if time.time() - created > self.negative_ttl:
                return False, None
            return True, None
        try:
            return True, Place(**json.loads(payload))
        except (TypeError, ValueError):
            return False, None

    def put(self, key: tuple, place: Place | None) -> None:
        payload = json.dumps(asdict(place), sort_keys=True) if place is not None else None
        now = time.time()
        with self._lock:
            self._memory[key] = (now, payload)
            if self._db is not None:
                try:
                    self._db.execute("INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?,?)", (*key, payload, now))
                except sqlite3.Error as exc:
                    log.debug("geocoder cache write failed: %s", exc)

    def reserve(self, endpoint: str, min_delay: float) -> float:
        """Reserve the next request slot for ``endpoint`` among all processes sharing this cache.

        Returns how long to wait before sending. Slots are ``min_delay`` apart, so several geo
        processes (a worker pool, two runs at once) together keep to the service's rate limit.
        """
        if self._db is None or min_delay <= 0:
            return 0.0
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    row = self._db.execute("SELECT next FROM slots WHERE endpoint=?", (endpoint,)).fetchone()
                    now = time.time()
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


def clear_cache(cache_dir: Path | None = None) -> int:
    """Delete every cached geocoder answer; returns how many there were."""
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = directory / _CACHE_FILE
    if not path.exists():
        return 0
    db = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        (n,) = db.execute("SELECT COUNT(*) FROM answers").fetchone()
        db.execute("DELETE FROM answers")
        db.execute("VACUUM")
    except sqlite3.Error:  # not a cache we can read: remove the file itself
        db.close()
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        return 0
    finally:
        db.close()
    return int(n)


# --------------------------------------------------------------------------------------------
# The geocoder

_FAILED = object()  # a lookup that failed (not an answer: never cached)


class Geocoder:
    """Cached, rate-limited, retried and circuit-broken wrapper over a geopy geocoder."""

    def __init__(
        self,
        geocoder: Any,
        *,
        service: str,
        endpoint: str,
        min_delay: float = 1.0,
        timeout: float = DEFAULT_TIMEOUT,
        cache: _Cache | None = None,
        on_warning: Callable[[str], None] | None = None,
        language: str | None = "en",
        max_retries: int = 2,
        backoff: float = 1.0,
        max_backoff: float = 10.0,
        trip_after_timeouts: int = 2,
        trip_after_failures: int = 3,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        self.service = service
        self.endpoint = endpoint
        self.min_delay = min_delay
        self.timeout = timeout
        self.language = language or ""
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.trip_after_timeouts = trip_after_timeouts
        self.trip_after_failures = trip_after_failures
        self._geopy = geocoder
        # RateLimiter spaces the calls; retries are ours (they depend on the kind of error).
        self._call = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay, max_retries=0,
                                 swallow_exceptions=False)
        self._cache = cache
        self._on_warning = on_warning
        self._lock = threading.RLock()
        self._tripped: str | None = None
        self._timeouts = 0
        self._failures = 0
        self._warned: set[str] = set()
        self.stats = {"lookups": 0, "cache_hits": 0, "requests": 0, "answers": 0, "failures": 0}

    # -- public -------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """False once the circuit breaker has tripped (no more requests this run)."""
        return self._tripped is None

    @property
    def tripped_reason(self) -> str | None:
        return self._tripped

    def geocode(self, name: str, *, country_codes: list[str] | None = None) -> Place | None:
        """The best answer for ``name`` (optionally within ``country_codes``), or None.

        Cached answers (negative ones too) are returned without a request. Network and service
        errors never raise: the lookup returns None and is not cached.
        """
        query = " ".join(str(name).split())
        if not query:
            return None
        ccs = sorted({c.strip().lower() for c in country_codes or () if c and c.strip()})
        key = (self.service, self.endpoint, query.casefold(), ",".join(ccs), self.language)
        with self._lock:
            self.stats["lookups"] += 1
            if self._cache is not None:
                hit, place = self._cache.get(key)
                if hit:
                    self.stats["cache_hits"] += 1
                    return place
            if self._tripped:
                return None
            try:
                result = self._lookup(query, ccs)
            except Exception as exc:  # never let a geocoder problem end the run
                log.debug("geocoder lookup of %r failed", query, exc_info=True)
                self._warn_once("unexpected", f"geocoder lookup of {query!r} failed unexpectedly ({exc.__class__.__name__}: {exc})")
                result = _FAILED
            if result is _FAILED:
                self.stats["failures"] += 1
                return None
            self._cache_put(key, result)
            if result is not None:
                self.stats["answers"] += 1
            return result  # type: ignore[return-value]

    def close(self) -> None:
        """Release the HTTP session and the cache."""
        try:
            self._geopy.__exit__(None, None, None)
        except Exception:  # pragma: no cover - best effort
            pass
        if self._cache is not None:
            self._cache.close()

    def __enter__(self) -> "Geocoder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------
    def _cache_put(self, key: tuple, place: Place | None) -> None:
        if self._cache is not None:
            self._cache.put(key, place)

    def _warn(self, message: str) -> None:
        if self._on_warning is not None:
            self._on_warning(message)
        else:
            log.warning("%s", message)

    def _warn_once(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            self._warn(message)

    def _trip(self, reason: str) -> None:
        if self._tripped is None:
            self._tripped = reason
            self._warn(f"geocoder {self.endpoint}: {reason}; no more online lookups this run "
                       "(names the gazetteer cannot place stay unmapped)")

    def _request(self, query: str, ccs: list[str]) -> list:
        self.stats["requests"] += 1
        if self.service == "nominatim":
            kwargs: dict[str, Any] = {"exactly_one": False, "limit": 1, "addressdetails": True,
                                      "language": self.language or False}
            if ccs:
                kwargs["country_codes"] = ccs
        elif self.service == "photon":
            kwargs = {"exactly_one": False, "limit": 5 if ccs else 1}
            if self.language:
                kwargs["language"] = self.language
        else:  # pelias
            kwargs = {"exactly_one": False}
            if ccs:
                kwargs["countries"] = ccs
            if self.language:
                kwargs["language"] = self.language
        return self._with_deadline(query, kwargs) or []

    def _with_deadline(self, query: str, kwargs: dict) -> list | None:
        """Run the (rate-limited) request in a daemon thread and give up after a total deadline.

        The per-request ``timeout`` bounds connecting and each read, but a server that trickles
        bytes never trips it; the deadline (the rate-limit delay + twice the timeout + 0.5 s)
        bounds the whole request. An abandoned request finishes or fails on its own thread.
        """
        from geopy.exc import GeocoderTimedOut

        if self._cache is not None:  # the application-wide slot, shared with other processes
            wait = self._cache.reserve(self.endpoint, self.min_delay)
            if wait > 0:
                time.sleep(wait)
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["result"] = self._call(query, timeout=self.timeout, **kwargs)
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=run, name="geo-geocoder", daemon=True)
        worker.start()
        worker.join(self.min_delay + 2 * self.timeout + 0.5)
        if worker.is_alive():
            raise GeocoderTimedOut(f"no complete answer within {2 * self.timeout + 0.5:g} s")
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def _lookup(self, query: str, ccs: list[str]) -> object:
        from geopy import exc as gx

        for attempt in range(self.max_retries + 1):
            last = attempt == self.max_retries
            try:
                locations = self._request(query, ccs)
            except gx.GeocoderRateLimited as e:
                wait = e.retry_after if e.retry_after is not None else self.backoff * 2 ** attempt
                if last:
                    self._trip(f"still rate-limited (HTTP 429) after {self.max_retries + 1} attempts")
                    return _FAILED
                time.sleep(min(max(wait, self.min_delay), self.max_backoff))
                continue
            except gx.GeocoderUnavailable as e:
                self._trip(f"service unreachable ({_short(e)})")
                return _FAILED
            except (gx.GeocoderAuthenticationFailure, gx.GeocoderInsufficientPrivileges,
                    gx.GeocoderQuotaExceeded) as e:
                self._trip(f"access refused ({_status(e) or ''} {_short(e)}); check the user agent and the service's usage policy".replace("( ", "("))
                return _FAILED
            except gx.GeocoderQueryError as e:
                self._warn_once("query", f"geocoder {self.endpoint} rejected the query {query!r} ({_short(e)})")
                return _FAILED
            except gx.GeocoderTimedOut as e:
                status = _status(e)
                if status is None:  # a real timeout: no retry (it would cost the same again)
                    self._timeouts += 1
                    self._failures += 1
                    if self._timeouts >= self.trip_after_timeouts:
                        self._trip(f"no answer within {self.timeout:g} s, {self._timeouts} times in a row")
                    else:
                        self._warn_once("timeout", f"geocoder {self.endpoint}: no answer within {self.timeout:g} s for {query!r}")
                    return _FAILED
                if last:  # 503/504 after retries
                    return self._failed(f"HTTP {status} after {self.max_retries + 1} attempts")
                time.sleep(min(self.backoff * 2 ** attempt, self.max_backoff))
                continue
            except gx.GeocoderParseError as e:
                return self._failed(f"malformed answer ({_short(e)})")
            except gx.GeocoderServiceError as e:
                status = _status(e)
                if last or status is None or status < 500:
                    return self._failed(f"HTTP {status}" if status else _short(e))
                time.sleep(min(self.backoff * 2 ** attempt, self.max_backoff))
                continue
            # success
            self._timeouts = 0
            self._failures = 0
            for loc in locations:
                place = place_from_raw(self.service, getattr(loc, "raw", None), query=query)
                if place is None:
                    continue
                if ccs and place.country_code and place.country_code.lower() not in ccs:
                    continue
                return place
            return None
        return _FAILED  # pragma: no cover - the loop always returns

    def _failed(self, problem: str) -> object:
        self._failures += 1
        self._timeouts = 0
        if self._failures >= self.trip_after_failures:
            self._trip(f"{problem}, {self._failures} lookups in a row failed")
        else:
            self._warn_once(f"failed:{problem.split(' ')[0]}", f"geocoder {self.endpoint}: {problem}")
        return _FAILED


def _status(e: BaseException) -> int | None:
    cause = e.__cause__ or e.__context__
    code = getattr(cause, "status_code", None)
    return int(code) if isinstance(code, int) else None


def _short(e: BaseException, limit: int = 120) -> str:
    text = " ".join(str(e).split())
    if "Connection refused" in text or "ECONNREFUSED" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "host name not found"
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Construction

def _endpoint(service: str, url: str | None) -> tuple[str, str, bool]:
    """(scheme, domain[/path], is_public) for a service and optional URL."""
    if not url:
        if service not in PUBLIC_HOSTS:
            raise GeocoderConfigError(f"the {service} geocoder needs a URL (--geocoder-url or GEO_GEOCODER_URL)")
        return "https", PUBLIC_HOSTS[service], True
    text = url.strip()
    if "://" not in text:
        local = text.startswith(("localhost", "127.", "[::1]"))
        text = ("http://" if local else "https://") + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GeocoderConfigError(f"geocoder URL {url!r} is not an http(s) URL")
    path = parts.path.rstrip("/")
    for suffix in ("/search", "/api", "/v1/search", "/v1"):
        if path.endswith(suffix):  # accept a URL that already names the API path
            path = path[: -len(suffix)]
            break
    domain = parts.netloc + path
    public = parts.netloc.lower() in PUBLIC_HOSTS.values()
    return parts.scheme, domain, public


def _adapter_factory() -> Callable:
    """geopy adapter without hidden transport retries (a hung server must cost one timeout)."""
    from geopy.adapters import RequestsAdapter, URLLibAdapter

    if RequestsAdapter.is_available:
        return functools.partial(RequestsAdapter, max_retries=0)
    return URLLibAdapter


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
    **options: Any,
) -> Geocoder | None:
    """Build the fallback geocoder, or return None when offline.

    Unset arguments come from ``config`` (default: :func:`geo.config.load_config`, which reads
    ``GEO_GEOCODER_URL`` and friends and the config file). ``options`` go to :class:`Geocoder`
    (``max_retries``, ``backoff``, ``max_backoff``, ``trip_after_timeouts``, ...). Raises
    :class:`GeocoderConfigError` (or :class:`geo.config.ConfigError`) for unusable settings.
    """
    if offline:
        return None
    if config is None:
        from geo.config import load_config

        config = load_config()
    if config.offline:
        return None
    from geopy.exc import ConfigurationError
    from geopy.geocoders import Nominatim, Pelias, Photon

    service = (service or config.geocoder or "nominatim").strip().lower()
    if service not in ("nominatim", "photon", "pelias"):
        raise GeocoderConfigError(f"unknown geocoder {service!r} (choose nominatim, photon or pelias)")
    url = url or config.geocoder_url
    scheme, domain, public = _endpoint(service, url)
    agent = user_agent or config.user_agent or default_user_agent()
    timeout = float(timeout if timeout is not None else config.timeout or DEFAULT_TIMEOUT)
    if timeout <= 0:
        raise GeocoderConfigError(f"geocoder timeout must be positive, not {timeout}")
    delay = min_delay if min_delay is not None else config.min_delay
    if delay is None:
        delay = 1.0 if public else 0.0
    if public:
        delay = max(1.0, float(delay))  # the public services' usage policy
    cls = {"nominatim": Nominatim, "photon": Photon, "pelias": Pelias}[service]
    try:
        geocoder = cls(domain=domain, scheme=scheme, user_agent=agent, timeout=timeout,
                       adapter_factory=_adapter_factory())
    except ConfigurationError as exc:
        raise GeocoderConfigError(f"geocoder settings rejected: {exc}") from None
    cache = _Cache(Path(cache_dir) if cache_dir is not None else default_cache_dir(), on_warning=on_warning) if use_cache else None
    return Geocoder(geocoder, service=service, endpoint=f"{scheme}://{domain}", min_delay=float(delay),
                    timeout=timeout, cache=cache, on_warning=on_warning, language=language, **options)
