"""geo's geocoder errors, and reading geopy's exceptions: the HTTP status behind one, and a short human description."""
from __future__ import annotations


class GeocoderConfigError(ValueError):
    """Bad geocoder settings (unknown service, bad URL, missing URL for Pelias...)."""


def http_status(e: BaseException) -> int | None:
    """The HTTP status that made geopy raise ``e`` (None for network errors and timeouts)."""
    status = getattr(e, "status_code", None)
    if isinstance(status, int):
        return status
    cause = e.__cause__ or e.__context__
    code = getattr(cause, "status_code", None)
    return int(code) if isinstance(code, int) else None


def short(e: BaseException, limit: int = 120) -> str:
    text = " ".join(str(e).split())
    if "Connection refused" in text or "ECONNREFUSED" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "host name not found"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def attempts(e: BaseException) -> int:
    """How many requests a (retried) failure took; set by :class:`geo.geocoders.retry.RetryingGeocoder`."""
    n = getattr(e, "attempts", 1)
    return n if isinstance(n, int) and n > 0 else 1
