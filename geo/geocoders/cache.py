"""On-disk answers (SQLite), negative ones included, as a wrapper around any geocoder.

:class:`CachedGeocoder` answers from the cache when it can and otherwise asks the geocoder inside
it; an answer (a Place or None, "no such place") is stored, a failure (an exception) is not.
Keys are (service, endpoint, name case- and space-folded, country codes, language); negative
answers expire after 30 days. An unusable cache file is reported once and answers are kept in
memory for the run.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Sequence

from geo.types import Place

from .base import Geocoder, GeocoderWrapper, default_cache_dir, normalize_query

log = logging.getLogger(__name__)

CACHE_FILE = "answers.sqlite3"
NEGATIVE_TTL = 30 * 24 * 3600.0


class AnswerCache:
    """The answers table: ``(service, endpoint, query, countries, language) -> Place JSON | NULL``."""

    def __init__(self, directory: str | Path | None = None, *, negative_ttl: float = NEGATIVE_TTL,
                 on_warning: Callable[[str], None] | None = None) -> None:
        directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = directory / CACHE_FILE
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

    @property
    def usable(self) -> bool:
        return self._db is not None

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

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class CachedGeocoder(GeocoderWrapper):
    """Answers from ``cache`` first; asks ``inner`` otherwise and stores its answer (None too).

    ``service``, ``endpoint`` and ``language`` (part of the key) are read from ``inner``.
    """

    def __init__(self, inner: Geocoder, cache: AnswerCache | None = None, **cache_options: Any) -> None:
        super().__init__(inner)
        self.cache = cache if cache is not None else AnswerCache(**cache_options)
        self.hits = 0

    def key(self, query: str, country_codes: list[str]) -> tuple:
        return (str(getattr(self.inner, "service", "")), str(getattr(self.inner, "endpoint", "")),
                query.casefold(), ",".join(country_codes), str(getattr(self.inner, "language", "") or ""))

    def geocode(self, name: str, *, country_codes: Sequence[str] | None = None) -> Place | None:
        query, ccs = normalize_query(name, country_codes)
        if not query:
            return None
        key = self.key(query, ccs)
        hit, place = self.cache.get(key)
        if hit:
            self.hits += 1
            return place
        place = self.inner.geocode(query, country_codes=ccs)  # a failure raises: nothing is stored
        self.cache.put(key, place)
        return place

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.cache.close()


def clear_cache(cache_dir: str | Path | None = None) -> int:
    """Delete every cached geocoder answer; returns how many there were."""
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = directory / CACHE_FILE
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
