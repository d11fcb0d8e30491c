"""The HTTP client under every provider: geopy's requests adapter, bounded (issue 20.5, 20.6).

* **Redirects stay on the server asked.** A redirect is followed only to the same host and port (or
  from ``http`` to ``https`` on the same host), at most :data:`MAX_REDIRECTS` times; a redirect to
  another host is refused (geopy's ``GeocoderServiceError``, "redirected to another host ... not
  followed"), so no other server's answers are ever plotted.
* **Answers are read up to :data:`MAX_ANSWER_BYTES`** (after any ``Content-Encoding`` is undone): a
  larger answer is refused (``GeocoderParseError``, counted by the circuit breaker as a bad answer)
  without being held in memory; an error page is read up to 64 KB.
* No transport retries (a hung server must cost one timeout), as before.

The exceptions are geopy's, mapped as geopy's own ``RequestsAdapter`` maps them.
"""
from __future__ import annotations

import json
from socket import timeout as SocketTimeout
from ssl import SSLError
from typing import Any
from urllib.parse import urljoin, urlsplit

from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)

#: The largest geocoder answer read (a real one, for one name, is a few KB).
MAX_ANSWER_BYTES = 2 * 1024 * 1024
#: How many redirects on the same server are followed.
MAX_REDIRECTS = 5
_ERROR_BODY_BYTES = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    except ValueError:  # a port that is not a number
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def same_server(url: str, target: str) -> bool:
    """True when a redirect from ``url`` to ``target`` stays on the server: same host and port, or
    ``http`` -> ``https`` on the same host with default ports."""
    s1, h1, p1 = _origin(url)
    s2, h2, p2 = _origin(target)
    if not h2 or h1 != h2 or s2 not in ("http", "https"):
        return False
    if (s1, p1) == (s2, p2):
        return True
    return s1 == "http" and s2 == "https" and p1 == 80 and p2 == 443


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MB"


class BoundedRequestsAdapter(RequestsAdapter):
    """geopy's :class:`~geopy.adapters.RequestsAdapter` that never follows a redirect to another host
    and never reads more than ``max_answer_bytes`` of an answer (default :data:`MAX_ANSWER_BYTES`,
    read at call time)."""

    def __init__(self, *, max_answer_bytes: int | None = None, max_redirects: int | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault("max_retries", 0)
        super().__init__(**kwargs)
        self.max_answer_bytes = max_answer_bytes
        self.max_redirects = max_redirects

    def get_json(self, url, *, timeout, headers):
        body = self._fetch(url, timeout=timeout, headers=headers)
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            snippet = body[:200].decode("utf-8", errors="replace")
            raise GeocoderParseError(f"the answer is not JSON: {snippet!r}") from None

    def get_text(self, url, *, timeout, headers):
        return self._fetch(url, timeout=timeout, headers=headers).decode("utf-8", errors="replace")

    # -- one request, redirects on the same server followed by hand -----------------------------
    def _fetch(self, url: str, *, timeout, headers) -> bytes:
        limit = MAX_ANSWER_BYTES if self.max_answer_bytes is None else self.max_answer_bytes
        hops = MAX_REDIRECTS if self.max_redirects is None else self.max_redirects
        current = url
        for _ in range(hops + 1):
            resp = self._get(current, timeout=timeout, headers=headers)
            try:
                if resp.is_redirect:
                    target = urljoin(current, resp.headers.get("Location", ""))
                    if not same_server(current, target):
                        host = urlsplit(target).netloc or target
                        raise GeocoderServiceError(
                            f"the server redirected to another host ({host}); not followed -- "
                            f"give that server's URL if it is the one to use")
                    current = target
                    continue
                if resp.status_code >= 400:
                    text = self._read(resp, _ERROR_BODY_BYTES, truncate=True).decode("utf-8", errors="replace")
                    raise AdapterHTTPError(f"Non-successful status code {resp.status_code}",
                                           status_code=resp.status_code, headers=resp.headers, text=text)
                return self._read(resp, limit)
            finally:
                resp.close()
        raise GeocoderServiceError(f"more than {hops} redirects; not followed")

    def _get(self, url: str, *, timeout, headers):
        import requests

        try:
            return self.session.get(url, timeout=timeout, headers=headers, stream=True, allow_redirects=False)
        except Exception as error:  # the mapping of geopy's RequestsAdapter._request
            message = str(error)
            if isinstance(error, SocketTimeout):
                raise GeocoderTimedOut("Service timed out")
            if isinstance(error, SSLError) and "timed out" in message:
                raise GeocoderTimedOut("Service timed out")
            if isinstance(error, requests.ConnectionError):
                if "unauthorized" in message.lower():
                    raise GeocoderServiceError(message)
                raise GeocoderUnavailable(message)
            if isinstance(error, requests.Timeout):
                raise GeocoderTimedOut("Service timed out")
            raise GeocoderServiceError(message)

    @staticmethod
    def _read(resp, limit: int, *, truncate: bool = False) -> bytes:
        import requests

        declared = resp.headers.get("Content-Length", "")
        if not truncate and declared.isdigit() and int(declared) > limit:
            raise GeocoderParseError(f"answer of {_size(int(declared))} is larger than the {_size(limit)} "
                                     "geo reads; not read")
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in resp.iter_content(64 * 1024):
                total += len(chunk)
                if total > limit:
                    if truncate:
                        chunks.append(chunk[: limit - (total - len(chunk))])
                        break
                    raise GeocoderParseError(f"answer larger than the {_size(limit)} geo reads; "
                                             "reading stopped")
                chunks.append(chunk)
        except requests.RequestException as error:  # the connection broke or timed out mid-answer
            if "timed out" in str(error).lower():
                raise GeocoderTimedOut("Service timed out") from None
            raise GeocoderServiceError(f"the answer was cut off ({error})") from None
        return b"".join(chunks)
