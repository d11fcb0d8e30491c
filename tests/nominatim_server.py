"""A small geocoding server on 127.0.0.1 for tests: the Nominatim search API (and Photon's, Pelias').

It answers ``GET /search`` (Nominatim: ``format=json``/``jsonv2``, ``addressdetails``,
``countrycodes``, ``limit``), ``GET /api`` (Photon, GeoJSON) and ``GET /v1/search`` (Pelias,
GeoJSON, ``boundary.country``) from a tiny table of places,
with scripted misbehaviour. ``mode`` is the default behaviour; ``script`` is a queue of modes
used first, one per request:

``ok``        answer from the table ([] when the name is unknown)
``empty``     ``[]``
``hang``      accept, read the request, never answer (until the server stops)
``429``       HTTP 429 with ``Retry-After: <retry_after>``
``500``/``502``/``503``/``403``  that HTTP status
``malformed`` HTTP 200 with a body that is not JSON
``trickle``   HTTP 200 headers, then the body one byte every 0.2 s (never trips a read timeout)
``junk``      HTTP 200 with JSON of the wrong shape (records without coordinates)
``badcoords`` HTTP 200: records with lat 999 and lat NaN first, then the real record (when known)
``allbad``    HTTP 200: only records with lat 999 / NaN
``redirect``  HTTP 302 to ``redirect_to`` + the request's path and query (another server, or this one)
``huge``      HTTP 200, a JSON list ``huge_bytes`` long, streamed (no Content-Length: chunked)
``hugelen``   HTTP 200 whose Content-Length says ``huge_bytes`` (the body is never sent in full)

Every request is logged in ``requests`` (time, path, query parameters, User-Agent).
"""
from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

def _record(place_id: int, osm: tuple[str, int], lat: str, lon: str, kind: tuple[str, str, str], rank: int,
            importance: float, name: str, within: list[str], address: dict, bbox: list[str]) -> dict:
    """A Nominatim "format=json" record (trimmed, the real API's field names, types and order). ``kind``:
    (class, type, addresstype); the display name is the name followed by ``within``."""
    return {"place_id": place_id, "licence": "test data", "osm_type": osm[0], "osm_id": osm[1], "lat": lat,
            "lon": lon, "class": kind[0], "type": kind[1], "place_rank": rank, "importance": importance,
            "addresstype": kind[2], "name": name, "display_name": ", ".join([name, *within]), "address": address,
            "boundingbox": bbox}


_KHARKIV_OBLAST = ["Kharkiv Oblast", "Ukraine"]
# name -> its record
PLACES: dict[str, dict] = {
    "kharkiv": _record(1001, ("relation", 3051), "49.9923181", "36.2310146", ("boundary", "administrative", "city"),
                       16, 0.71, "Kharkiv", _KHARKIV_OBLAST,
                       {"city": "Kharkiv", "state": "Kharkiv Oblast", "country": "Ukraine", "country_code": "ua"},
                       ["49.88", "50.10", "36.10", "36.45"]),
    "izium": _record(1002, ("node", 337), "49.2103", "37.2569", ("place", "town", "town"), 18, 0.45, "Izium",
                     _KHARKIV_OBLAST,
                     {"town": "Izium", "state": "Kharkiv Oblast", "country": "Ukraine", "country_code": "ua"},
                     ["49.18", "49.23", "37.22", "37.30"]),
    "dnipro river": _record(1003, ("relation", 1233), "46.52", "32.43", ("waterway", "river", "river"), 19, 0.62,
                            "Dnipro", ["Ukraine"], {"river": "Dnipro", "country": "Ukraine", "country_code": "ua"},
                            ["46.4", "55.9", "30.4", "35.3"]),
    "paris": _record(1004, ("relation", 7444), "48.8534951", "2.3483915", ("boundary", "administrative", "city"),
                     12, 0.88, "Paris", ["Ile-de-France", "France"],
                     {"city": "Paris", "state": "Ile-de-France", "country": "France", "country_code": "fr"},
                     ["48.81", "48.90", "2.22", "2.47"]),
    "paris texas": _record(1005, ("relation", 115357), "33.6617962", "-95.555513",
                           ("boundary", "administrative", "city"), 16, 0.5, "Paris",
                           ["Lamar County", "Texas", "United States"],
                           {"city": "Paris", "state": "Texas", "country": "United States", "country_code": "us"},
                           ["33.6", "33.7", "-95.6", "-95.5"]),
}


class NominatimServer:
    """Threaded HTTP server on 127.0.0.1, random port; use as a context manager."""

    def __init__(self, mode: str = "ok", *, retry_after: int = 1, host: str = "127.0.0.1") -> None:
        self.mode = mode
        self.script: deque[str] = deque()
        self.retry_after = retry_after
        self.redirect_to = ""
        self.huge_bytes = 0
        self.bytes_sent = 0
        self.requests: list[dict] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server._handle(self)

        self.host = host
        self._httpd = ThreadingHTTPServer((host, 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # -- lifecycle ------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def domain(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.domain}"

    def start(self) -> "NominatimServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "NominatimServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- behaviour ------------------------------------------------------------------------------
    def _next_mode(self) -> str:
        with self._lock:
            return self.script.popleft() if self.script else self.mode

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        mode = self._next_mode()
        with self._lock:
            self.requests.append({"time": time.monotonic(), "path": parts.path, "params": params,
                                  "user_agent": h.headers.get("User-Agent", ""), "mode": mode})
        if mode == "hang":
            self._stop.wait(120)  # never answer while the test runs
            return
        if mode == "429":
            self._send(h, 429, b'{"error": "Too Many Requests"}', {"Retry-After": str(self.retry_after)})
            return
        if mode.isdigit():
            self._send(h, int(mode), f"<html><body>Error {mode}</body></html>".encode(), ctype="text/html")
            return
        if mode == "malformed":
            self._send(h, 200, b'[{"place_id": 1, "lat": "49.9", "lon": ')  # truncated JSON
            return
        if mode == "trickle":
            try:
                h.send_response(200)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", "100000")
                h.end_headers()
                h.wfile.flush()
                while not self._stop.wait(0.2):
                    h.wfile.write(b" ")
                    h.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if mode == "redirect":
            self._send(h, 302, b"", {"Location": self.redirect_to + h.path})
            return
        if mode in ("badcoords", "allbad"):
            bad = [{"place_id": 7, "lat": "999", "lon": "36.2", "name": "Bogus", "class": "place", "type": "city"},
                   {"place_id": 8, "lat": "NaN", "lon": "36.2", "name": "Bogus", "class": "place", "type": "city"}]
            good = self._nominatim({**params, "limit": "10"}) if mode == "badcoords" else []
            self._send(h, 200, json.dumps(bad + good).encode())
            return
        if mode in ("huge", "hugelen"):
            self._huge(h, mode == "hugelen")
            return
        if mode == "junk":
            self._send(h, 200, b'[{"place_id": 1, "display_name": "Nowhere"}, {"lat": "north", "lon": []}]')
            return
        if parts.path.rstrip("/").endswith("/v1/search"):
            body = {"type": "FeatureCollection", "features": [] if mode == "empty" else self._pelias(params)}
        elif parts.path.rstrip("/").endswith("/search"):
            body = [] if mode == "empty" else self._nominatim(params)
        elif parts.path.rstrip("/").endswith("/api"):
            body = {"type": "FeatureCollection", "features": [] if mode == "empty" else self._photon(params)}
        else:
            self._send(h, 404, b'{"error": "not found"}')
            return
        self._send(h, 200, json.dumps(body).encode())

    def _huge(self, h: BaseHTTPRequestHandler, declare: bool) -> None:
        """A JSON list of ``huge_bytes`` bytes (records repeated), sent in 64 KB chunks until the client
        stops reading; ``bytes_sent`` counts what went out."""
        record = json.dumps(PLACES["kharkiv"]).encode() + b","
        block = record * (65536 // len(record))
        try:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            if declare:
                h.send_header("Content-Length", str(self.huge_bytes))
            else:
                h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            if declare:
                return  # the client must refuse on the header alone
            h.wfile.write(b"%x\r\n[\r\n" % 1)
            sent = 1
            while sent < self.huge_bytes and not self._stop.is_set():
                h.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                sent += len(block)
                with self._lock:
                    self.bytes_sent = sent
            h.wfile.write(b"1\r\n]\r\n0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _matches(self, params: dict) -> list[dict]:
        q = " ".join((params.get("q") or params.get("text") or "").replace(",", " ").split()).casefold()
        rec = PLACES.get(q)
        if rec is None:
            return []
        codes = params.get("countrycodes") or params.get("boundary.country") or ""
        ccs = [c.strip().lower() for c in codes.split(",") if c.strip()]
        if ccs and rec["address"]["country_code"] not in ccs:
            return []
        return [rec]

    def _nominatim(self, params: dict) -> list[dict]:
        out = []
        for rec in self._matches(params):
            rec = dict(rec)
            if params.get("addressdetails") not in ("1", "true"):
                rec.pop("address")
            if params.get("format") == "jsonv2":
                rec["category"] = rec.pop("class")
            out.append(rec)
        return out[: int(params.get("limit", "10") or 10)]

    def _photon(self, params: dict) -> list[dict]:
        feats = []
        for rec in self._matches(params):
            feats.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(rec["lon"]), float(rec["lat"])]},
                "properties": {
                    "osm_type": rec["osm_type"][0].upper(), "osm_id": rec["osm_id"],
                    "osm_key": rec["class"], "osm_value": rec["type"], "type": rec["addresstype"],
                    "name": rec["name"], "countrycode": rec["address"]["country_code"].upper(),
                    "state": rec["address"].get("state"), "country": rec["address"]["country"],
                },
            })
        return feats

    def _pelias(self, params: dict) -> list[dict]:
        layers = {"city": "locality", "town": "locality", "river": "venue"}
        return [{
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(rec["lon"]), float(rec["lat"])]},
            "properties": {
                "gid": f"openstreetmap:{rec['osm_type']}:{rec['osm_id']}", "layer": layers.get(rec["addresstype"], "venue"),
                "name": rec["name"], "country_code": rec["address"]["country_code"].upper(),
                "region": rec["address"].get("state"), "confidence": 0.9,
            },
        } for rec in self._matches(params)]

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict | None = None,
              ctype: str = "application/json; charset=utf-8") -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class SilentServer:
    """A socket that listens on 127.0.0.1 but never accepts: connections succeed, answers never come."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> "SilentServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"
