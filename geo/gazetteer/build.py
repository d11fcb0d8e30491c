"""Build the gazetteer's SQLite store from the shipped data (plus optional GeoNames dumps and extras).

The store is written to a temporary file beside the target and moved over it with ``os.replace``,
so a crash leaves the previous store intact and concurrent builders never expose a partial file.
A lock file serialises concurrent first uses: the second process waits, then finds the store built.
"""
from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import math
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .names import is_latin, normalize, normalizer_version, variant_key, variant_key_of_key

SCHEMA_VERSION = 2  # bump when the store layout, name keys or priors change: every store rebuilds
csv.field_size_limit(2**31 - 1)


class GazetteerBuildError(Exception):
    """A build input is unusable; the message names the file and line."""


# ---------------------------------------------------------------- data location and version


def data_dir() -> Path:
    """The shipped data: ``$GEO_GAZETTEER_DATA`` if set, ``geo/_gazetteer_data`` in an installed wheel,
    else the repository's ``gazetteer/data``."""
    env = os.environ.get("GEO_GAZETTEER_DATA")
    if env:
        if not (Path(env) / "VERSION").is_file():
            raise GazetteerBuildError(f"{env}: GEO_GAZETTEER_DATA has no VERSION file")
        return Path(env)
    try:
        pkg = resources.files("geo") / "_gazetteer_data"
        if pkg.is_dir() and (pkg / "VERSION").is_file():
            return Path(str(pkg))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    repo = Path(__file__).resolve().parents[2] / "gazetteer" / "data"
    if (repo / "VERSION").is_file():
        return repo
    raise GazetteerBuildError(
        "gazetteer data not found: neither geo/_gazetteer_data (installed wheel) nor gazetteer/data (checkout)")


def data_version(directory: Path | None = None) -> str:
    """The version of the shipped data plus the store schema, e.g. ``20261125.8de6b34e2f-s1``."""
    d = directory or data_dir()
    return f"{(d / 'VERSION').read_text(encoding='utf-8').strip()}{_l10n_version(d)}-s{SCHEMA_VERSION}"


L10N_FILE = "names_l10n.tsv.gz"  # names in other languages (gazetteer/derive_l10n.py), optional
L10N_DEMONYMS = "demonyms_l10n.tsv"  # demonyms in other languages ("syriens"), optional


def _l10n_version(d: Path) -> str:
    """``+l`` and a hash of the localized names and demonyms when the data has them (their own derivation)."""
    paths = [d / n for n in (L10N_FILE, L10N_DEMONYMS) if (d / n).is_file()]
    return f"+l{hashlib.sha256(b''.join(p.read_bytes() for p in paths)).hexdigest()[:8]}" if paths else ""


def _add_l10n_names(con: sqlite3.Connection, data: Path) -> None:
    """Localized names (``place_id, name, lang, source``) as alternate names of the shipped places they
    name, and localized demonyms; rows naming a place the data does not have (another data version) are
    skipped."""
    path = data / L10N_FILE
    if not path.is_file():
        return
    pids = dict(con.execute("SELECT id, pid FROM places"))
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = [(pids[r["place_id"]], r["name"], KIND_ALT) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if r["place_id"] in pids and r["name"]]
    con.executemany("INSERT INTO alts VALUES (?,?,?)", rows)
    dpath = data / L10N_DEMONYMS
    if dpath.is_file():  # the curated (English) demonyms are inserted later and win a clash
        con.executemany("INSERT OR IGNORE INTO demonyms VALUES (?,?,?)",
                        [(normalize(d["word"]), pids[d["place_id"]], d["word"]) for d in read_small_tsv(dpath)
                         if d["place_id"] in pids])


# ---------------------------------------------------------------- priors


def pop_scale(pop: int) -> float:
    """0 for <=100 people, 1 for >=100 million, log-linear between."""
    if pop <= 100:
        return 0.0
    return min(1.0, (math.log10(pop) - 2.0) / 6.0)


_COUNTRY_CODES = {"PCLI": 0.9, "PCLS": 0.8, "PCLF": 0.78, "PCLD": 0.75, "PCL": 0.8, "TERR": 0.72, "PCLH": 0.45}
_CITY_BONUS = {"PPLC": 0.15, "PPLA": 0.06, "PPLA2": 0.03, "PPLG": 0.05}


def importance(fclass: str, fcode: str, population: int, rank: float | None = None) -> float:
    """A 0..1 prior: continents and countries high, admin1 and big cities next, villages near 0."""
    ps = pop_scale(population)
    if rank is not None:
        value = rank
    elif fcode == "CONT":
        value = 0.97
    elif fcode in _COUNTRY_CODES:
        value = _COUNTRY_CODES[fcode] + 0.1 * ps
    elif fcode == "ADM1":
        value = 0.5 + 0.25 * ps
    elif fcode == "ADM2":
        value = 0.3 + 0.25 * ps
    elif fclass == "A":
        value = 0.25 + 0.25 * ps
    elif fclass == "P":
        value = 0.9 * ps + _CITY_BONUS.get(fcode, 0.0)
    else:
        value = 0.3 + 0.3 * ps
    return round(max(0.0, min(1.0, value)), 4)


# name kinds and their factor on the prior
KIND_MAIN, KIND_ALT, KIND_ALIAS, KIND_DERIVED = 0, 1, 2, 3
KIND_FACTOR = {KIND_MAIN: 1.0, KIND_ALT: 0.97, KIND_ALIAS: 1.0, KIND_DERIVED: 0.95}
ADMIN1_TYPE_WORDS = ("province", "region", "governorate", "oblast", "state")
SHADOWED_FACTOR = 0.8  # an alternate name that is another notable place's main name
SHADOW_MIN_IMPORTANCE = 0.3
CITY_CLASH_FACTOR = 0.75  # an admin unit named like a city inside it: news usually means the city

_ADMIN_AFFIX = re.compile(
    r"^(?:muhafazat|mintaqat|wilayat|provincia de|province de|provincia di|departamento de|departement de|"
    r"estado de|state of|region de|oblast|gouvernorat de|governorate of|province of)\s+|"
    r"\s+(?:governorate|province|oblast|oblast'|region|state|county|district|prefecture|department|"
    r"municipality|parish|emirate|voivodeship|kray|krai|republic|autonomous okrug|autonomous region|"
    r"territory|division|canton|governorate|city|municipal district)$")


_LEADING_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an) (?=\w{3,})")
_PHYSICAL_SUFFIX = {
    "DSRT": re.compile(r"\s+desert$"), "MTS": re.compile(r"\s+(?:mountains|range)$"),
    "PLAT": re.compile(r"\s+plateau$"), "STM": re.compile(r"\s+river$"),
}


def admin_short_names(name: str, key: str | None = None) -> list[str]:
    """Normalised short forms: 'Deir ez-Zor Governorate' -> ['deir ez zor']; 'Muhafazat al Anbar' ->
    ['al anbar', 'anbar']."""
    out = []
    key = normalize(name) if key is None else key  # key: normalize(name), when already known
    short = _ADMIN_AFFIX.sub("", key).strip()
    while short and short != key:
        out.append(short)
        key, short = short, _ADMIN_AFFIX.sub("", short).strip()
    if out and _LEADING_ARTICLE.match(out[-1]):
        out.append(_LEADING_ARTICLE.sub("", out[-1]))
    return out


def physical_short_names(fcode: str, name: str, key: str | None = None) -> list[str]:
    """'Negev Desert' -> ['negev']; 'Zagros Mountains' -> ['zagros'] (at least 4 letters left)."""
    rx = _PHYSICAL_SUFFIX.get(fcode)
    if rx is None:
        return []
    key = normalize(name) if key is None else key
    short = rx.sub("", key)
    return [short] if short != key and len(short) >= 4 else []


# ---------------------------------------------------------------- records


@dataclass
class Rec:
    id: str
    name: str
    lat: float
    lon: float
    fclass: str
    fcode: str
    cc: str = ""
    a1: str = ""
    population: int = 0
    rank: float | None = None
    geonameid: int | None = None
    alts: list[str] = field(default_factory=list)
    source: str = ""
    wkt: str | None = None


PLACE_COLUMNS = ["id", "name", "lat", "lon", "feature_class", "feature_code", "country_code", "admin1_code",
                 "population", "rank", "geonameid", "alternate_names", "source"]


def read_shipped_places(path: Path, on_bytes: Callable[[int], None] | None = None) -> Iterator[Rec]:
    raw = open(path, "rb")
    with raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header != PLACE_COLUMNS:
            raise GazetteerBuildError(f"{path}: line 1: unexpected header {header}")
        for lineno, f in enumerate(reader, start=2):
            if len(f) != len(PLACE_COLUMNS):
                raise GazetteerBuildError(f"{path}: line {lineno}: expected {len(PLACE_COLUMNS)} fields, got {len(f)}")
            yield Rec(f[0], f[1], float(f[2]), float(f[3]), f[4], f[5], f[6], f[7], int(f[8] or 0),
                      float(f[9]) if f[9] else None, int(f[10]) if f[10] else None,
                      [a for a in f[11].split("|") if a], f[12])
            if on_bytes and lineno % 5000 == 0:
                on_bytes(raw.tell())


def read_shipped_geometry(path: Path) -> Iterator[tuple[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        next(fh)
        for line in fh:
            pid, _, wkt = line.rstrip("\n").partition("\t")
            yield pid, wkt


def read_shipped_keys(path: Path, places: list[tuple[str, list[str]]]) -> dict[str, tuple[str, str]]:
    """{name: (normalised key, variant key)} from ``keys.tsv.gz``, aligned with ``places`` ((id, [name, *alts])
    in file order); empty if the file is missing, was made by another version of names.py, or does not
    line up with places.tsv.gz (then the builder computes every key itself)."""
    if not path.is_file():
        return {}
    out: dict[str, tuple[str, str]] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        if fh.readline().strip() != f"# normalizer {normalizer_version()}":
            return {}
        for (pid, names), line in zip(places, fh):
            kid, keys, vkeys = line.rstrip("\n").split("\t")
            ks, vs = keys.split("|"), vkeys.split("|")
            if kid != pid or len(ks) != len(names) or len(vs) != len(names):
                return {}
            for n, k, v in zip(names, ks, vs):
                out[n] = (k or n.lower(), v)
    return out


def read_small_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


# ---------------------------------------------------------------- schema

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE places(
  pid INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
  fclass TEXT NOT NULL, fcode TEXT NOT NULL, cc TEXT, a1code TEXT, a1name TEXT, population INTEGER NOT NULL,
  importance REAL NOT NULL DEFAULT 0, geonameid INTEGER, has_geom INTEGER NOT NULL DEFAULT 0, source TEXT,
  rank REAL);
CREATE UNIQUE INDEX places_id ON places(id);
CREATE TABLE names(key TEXT NOT NULL, pid INTEGER NOT NULL, prior REAL NOT NULL, kind INTEGER NOT NULL,
  name TEXT NOT NULL, vkey TEXT NOT NULL, PRIMARY KEY(key, pid)) WITHOUT ROWID;
CREATE TABLE keys(key TEXT PRIMARY KEY, importance REAL NOT NULL, fclass TEXT NOT NULL, bucket TEXT NOT NULL)
  WITHOUT ROWID;
CREATE TABLE geometry(pid INTEGER PRIMARY KEY, wkb BLOB NOT NULL);
CREATE VIRTUAL TABLE geom_index USING rtree(pid, minx, maxx, miny, maxy);
CREATE TABLE demonyms(key TEXT PRIMARY KEY, pid INTEGER NOT NULL, word TEXT NOT NULL) WITHOUT ROWID;
CREATE TEMP TABLE alts(pid INTEGER NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL);
"""
INDEXES = """
CREATE INDEX places_gid ON places(geonameid);
CREATE INDEX names_vkey ON names(vkey);
CREATE INDEX keys_bucket ON keys(bucket);
"""


def fuzzy_bucket(key: str) -> str:
    """Fuzzy candidates share the first letter and a length band."""
    return f"{key[:1]}{min(len(key) // 3, 12):02d}"


# ---------------------------------------------------------------- build


@dataclass
class BuildInputs:
    data: Path
    geonames: list[Path] = field(default_factory=list)
    alternate_names: Path | None = None
    extra: list[Path] = field(default_factory=list)


class _Progress:
    """A rich progress bar, or nothing."""

    def __init__(self, enabled: bool, description: str) -> None:
        self.enabled = enabled
        self.description = description
        self._progress = None
        self._task = None

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

            # on stderr: stdout may carry the command's output (JSON, CSV)
            self._progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                                      TimeElapsedColumn(), transient=False, console=Console(stderr=True))
            self._progress.__enter__()
            self._task = self._progress.add_task(self.description, total=100)
        return self

    def update(self, fraction: float, description: str | None = None) -> None:
        if self._progress is not None:
            kw = {"description": description} if description else {}
            self._progress.update(self._task, completed=max(0.0, min(100.0, fraction * 100)), **kw)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


@contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    lock_path = target.with_name(target.name + ".lock")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, os.replace keeps it safe anyway
        yield
        return
    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another process is building: say so, then wait for it
            t0 = time.perf_counter()
            print(f"geo: waiting for another process to finish building the gazetteer store at {target} ...",
                  file=sys.stderr, flush=True)
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            print(f"geo: the other build finished after {time.perf_counter() - t0:.1f} s",
                  file=sys.stderr, flush=True)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def build_store(target: Path, inputs: BuildInputs, *, progress: bool = False, version: str | None = None,
                if_missing: bool = False) -> Path:
    """Build the store at ``target`` atomically. With ``if_missing``, do nothing if another process built it."""
    target = Path(target)
    version = version or data_version(inputs.data)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _build_lock(target):
            if if_missing and target.exists() and _store_version(target) == version:
                return target
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".building", dir=target.parent)
            os.close(fd)
            try:
                _build_into(Path(tmp), inputs, version, progress)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            except BaseException:
                for p in (tmp, tmp + "-journal"):
                    try:
                        os.unlink(p)
                    except FileNotFoundError:
                        pass
                raise
    except (OSError, sqlite3.Error) as e:  # unwritable cache dir, disk full, ...
        raise GazetteerBuildError(f"{target}: cannot build the gazetteer store here ({e}); "
                                  f"set GEO_GAZETTEER_PATH to a writable file path") from None
    return target


def remove_stale_stores(current: Path) -> list[Path]:
    """Delete other versions' stores (``gazetteer-*.sqlite``) beside ``current``; returns what was removed.
    Processes that still have an old store open keep reading it (POSIX unlink semantics)."""
    removed = []
    for p in current.parent.glob("gazetteer-*.sqlite*"):
        if p.name in (current.name, current.name + ".lock"):
            continue
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass
    return removed


def _store_version(path: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key='data_version'").fetchone()
            return row[0] if row else None
        finally:
            con.close()
    except sqlite3.Error:
        return None


_UPSERT = """
INSERT INTO places(id, name, lat, lon, fclass, fcode, cc, a1code, population, geonameid, source, rank)
VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
ON CONFLICT(id) DO UPDATE SET name=excluded.name, lat=excluded.lat, lon=excluded.lon, fclass=excluded.fclass,
  fcode=excluded.fcode, cc=excluded.cc, a1code=excluded.a1code,
  population=CASE WHEN excluded.population > 0 THEN excluded.population ELSE places.population END,
  geonameid=excluded.geonameid, source=places.source || '; ' || excluded.source,
  rank=COALESCE(excluded.rank, places.rank)
RETURNING pid
"""


class _Writer:
    """Streams records into the store being built (bounded memory: SQLite holds the data)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def add(self, r: Rec, alt_kind: int = KIND_ALT) -> int:
        import shapely

        pid = self.con.execute(_UPSERT, (r.id, r.name, r.lat, r.lon, r.fclass, r.fcode, r.cc or None, r.a1 or None,
                                         r.population, r.geonameid, r.source, r.rank)).fetchone()[0]
        if r.alts:
            self.con.executemany("INSERT INTO alts VALUES (?,?,?)", ((pid, a, alt_kind) for a in r.alts))
        if r.wkt is not None:
            self.add_geometry(pid, shapely.from_wkt(r.wkt))
        return pid

    def add_geometry(self, pid: int, geom) -> None:
        import shapely

        if geom is None or geom.is_empty:
            return
        minx, miny, maxx, maxy = geom.bounds
        self.con.execute("INSERT OR REPLACE INTO geometry VALUES (?,?)", (pid, shapely.to_wkb(geom)))
        self.con.execute("DELETE FROM geom_index WHERE pid=?", (pid,))
        self.con.execute("INSERT INTO geom_index VALUES (?,?,?,?,?)", (pid, minx, maxx, miny, maxy))
        self.con.execute("UPDATE places SET has_geom=1 WHERE pid=?", (pid,))

    def pid_of_geonameid(self, gid: int) -> int | None:
        row = self.con.execute("SELECT pid FROM places WHERE id=?", (str(gid),)).fetchone()
        return row[0] if row else None


def _build_into(path: Path, inputs: BuildInputs, version: str, progress: bool) -> None:
    from . import importers

    t0 = time.perf_counter()
    data = inputs.data
    places_path = data / "places.tsv.gz"
    size = places_path.stat().st_size
    con = sqlite3.connect(path)
    # The build allocates millions of small tuples and lists that all live until it ends: the cyclic
    # garbage collector would rescan them again and again (a third of the build's time) and find nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with _Progress(progress, "Building gazetteer") as bar:
            _fill(con, inputs, version, bar, size, t0, importers)
    finally:
        con.close()
        if gc_was_enabled:
            gc.enable()


def _fill(con: sqlite3.Connection, inputs: BuildInputs, version: str, bar: _Progress, size: int, t0: float,
          importers) -> None:
    import numpy as np
    import shapely
    data = inputs.data
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA page_size=8192")
    con.execute("PRAGMA cache_size=-300000")
    con.executescript(SCHEMA)
    con.create_function("importance", 4, importance, deterministic=True)
    con.create_function("bucket", 1, fuzzy_bucket, deterministic=True)

    # 1. shipped places (bulk) and their geometry
    bar.update(0.0, "Reading places")
    pid_of: dict[str, int] = {}
    rows = []
    recs_alts = []
    names_of: list[tuple[str, list[str]]] = []
    for i, r in enumerate(read_shipped_places(data / "places.tsv.gz", lambda b: bar.update(0.25 * b / size)),
                          start=1):
        pid_of[r.id] = i
        rows.append((i, r.id, r.name, r.lat, r.lon, r.fclass, r.fcode, r.cc or None, r.a1 or None, r.population,
                     r.geonameid, r.source, r.rank))
        recs_alts.extend((i, a, KIND_ALT) for a in r.alts)
        names_of.append((r.id, [r.name, *r.alts]))
    shipped_keys = read_shipped_keys(data / "keys.tsv.gz", names_of)  # precomputed keys: no normalising
    del names_of
    con.executemany("INSERT INTO places(pid, id, name, lat, lon, fclass, fcode, cc, a1code, population, geonameid,"
                    " source, rank) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO alts VALUES (?,?,?)", recs_alts)
    del rows, recs_alts
    bar.update(0.28, "Reading geometry")
    geo_items = [(pid_of[pid], wkt) for pid, wkt in read_shipped_geometry(data / "geometry.tsv.gz") if pid in pid_of]
    geoms = shapely.from_wkt(np.array([w for _, w in geo_items], dtype=object))  # object dtype: no giant <U array
    wkbs = shapely.to_wkb(geoms)
    bounds = shapely.bounds(geoms)
    con.executemany("INSERT INTO geometry VALUES (?,?)", ((pid, wkbs[i]) for i, (pid, _) in enumerate(geo_items)))
    con.executemany("INSERT INTO geom_index VALUES (?,?,?,?,?)",
                    ((pid, float(bounds[i][0]), float(bounds[i][2]), float(bounds[i][1]), float(bounds[i][3]))
                     for i, (pid, _) in enumerate(geo_items)))
    con.executemany("UPDATE places SET has_geom=1 WHERE pid=?", ((pid,) for pid, _ in geo_items))
    del geo_items, geoms, wkbs, bounds, pid_of

    # 2. optional user inputs, streamed; each validated (errors name the file and line)
    writer = _Writer(con)
    for gpath in inputs.geonames:
        bar.update(0.3, f"Importing {gpath.name}")
        for r in importers.iter_geonames(gpath):
            writer.add(r)
    if inputs.alternate_names:
        bar.update(0.32, f"Importing {inputs.alternate_names.name}")
        for gid, name in importers.iter_alternate_names(inputs.alternate_names):
            pid = writer.pid_of_geonameid(gid)
            if pid is not None:
                con.execute("INSERT INTO alts VALUES (?,?,?)", (pid, name, KIND_ALT))
    _add_l10n_names(con, data)  # names in other languages ("Syrie", "Pékin", "mer Rouge")
    for epath in inputs.extra:
        bar.update(0.34, f"Importing {epath.name}")
        for r, geom in importers.iter_extra(epath):
            pid = writer.add(r)
            writer.add_geometry(pid, geom)

    # 3. priors and admin1 names
    bar.update(0.36, "Computing priors")
    con.execute("UPDATE places SET importance = importance(fclass, fcode, population, rank)")
    con.execute("CREATE INDEX places_admin ON places(cc, fcode, a1code)")
    con.execute("UPDATE places SET a1name = (SELECT q.name FROM places q WHERE q.cc = places.cc AND q.fcode = 'ADM1' "
                "AND q.a1code = places.a1code LIMIT 1) WHERE a1code IS NOT NULL AND cc IS NOT NULL")

    # 4. names: main, alternate, derived short admin names, curated aliases
    bar.update(0.4, "Indexing names")
    def key_of(name: str) -> str:
        known = shipped_keys.get(name)
        return known[0] if known is not None else normalize(name)

    city_keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, cc, a1 in con.execute("SELECT name, cc, a1code FROM places WHERE fclass='P' AND population >= 10000"):
        city_keys[(cc, a1)].add(key_of(name))
    for name, cc, a1 in con.execute("SELECT a.name, p.cc, p.a1code FROM alts a JOIN places p ON p.pid = a.pid "
                                    "WHERE p.fclass='P' AND p.population >= 100000"):
        if name.isascii():  # alternate names count only for big cities ("Raqqa" of Ar Raqqah)
            city_keys[(cc, a1)].add(key_of(name))
    total = con.execute("SELECT (SELECT COUNT(*) FROM places) + (SELECT COUNT(*) FROM alts)").fetchone()[0]
    aliases = read_small_tsv(data / "aliases.tsv")
    alias_rows = []
    for a in aliases:
        row = con.execute("SELECT pid FROM places WHERE id=?", (a["place_id"],)).fetchone()
        if row is None:
            raise GazetteerBuildError(f"{data / 'aliases.tsv'}: unknown place id {a['place_id']!r}")
        alias_rows.append((row[0], a["alias"], KIND_ALIAS))
    con.executemany("INSERT INTO alts VALUES (?,?,?)", alias_rows)

    def name_rows() -> Iterator[tuple]:
        cur = con.cursor()
        q = ("SELECT p.pid, p.name, 0, p.importance, p.fclass, p.fcode, p.cc, p.a1code FROM places p "
             "UNION ALL SELECT a.pid, a.name, a.kind, p.importance, p.fclass, p.fcode, p.cc, p.a1code "
             "FROM alts a JOIN places p ON p.pid = a.pid")
        for n, (pid, name, kind, imp, fclass, fcode, cc, a1) in enumerate(cur.execute(q)):
            if n % 50000 == 0:
                bar.update(0.4 + 0.4 * n / max(total, 1))
            admin = fclass == "A" and fcode in ("ADM1", "ADM2", "ADM3")
            clash = city_keys.get((cc, a1), ()) if admin else ()
            known = shipped_keys.get(name)
            if known is None:
                key = normalize(name)
                vkey = variant_key_of_key(key)  # == variant_key(name)
            else:
                key, vkey = known
            if not key:
                continue
            f = CITY_CLASH_FACTOR if key in clash else 1.0
            yield key, pid, round(imp * KIND_FACTOR[kind] * f, 4), kind, name, vkey
            if admin:
                shorts = admin_short_names(name, key)
                for short in shorts:
                    f = CITY_CLASH_FACTOR if short in clash else 1.0
                    prior = round(imp * KIND_FACTOR[KIND_DERIVED] * f, 4)
                    yield short, pid, prior, KIND_DERIVED, name, variant_key(short)
                if fcode == "ADM1" and is_latin(name):
                    # "Idlib province", "Kherson region", "Deir ez-Zor governorate": explicit, no clash penalty
                    for short in {key, *shorts}:
                        for word in ADMIN1_TYPE_WORDS:
                            sw = f"{short} {word}"
                            prior = round(imp * KIND_FACTOR[KIND_DERIVED], 4)
                            yield sw, pid, prior, KIND_DERIVED, name, variant_key(sw)
            elif fclass in ("T", "H") and kind != KIND_ALIAS:
                for short in physical_short_names(fcode, name, key):
                    prior = round(imp * KIND_FACTOR[KIND_DERIVED], 4)
                    yield short, pid, prior, KIND_DERIVED, name, variant_key(short)

    batch: list[tuple] = []

    def flush() -> None:
        con.executemany(
            "INSERT INTO names VALUES (?,?,?,?,?,?) ON CONFLICT(key, pid) DO UPDATE SET prior=excluded.prior, "
            "kind=excluded.kind, name=excluded.name, vkey=excluded.vkey WHERE excluded.prior > names.prior",
            sorted(batch))
        batch.clear()

    for row in name_rows():
        batch.append(row)
        if len(batch) >= 200_000:
            flush()
    flush()
    con.execute("DROP TABLE alts")
    # A name belongs first to the places it is the main name of: alternate and derived names that are
    # also the main name of another notable place get a lower prior ("Victoria" is not Hong Kong,
    # "Santa Ana" not Taguig, "Mexico" the country before Mexico City).
    con.execute("CREATE TEMP TABLE main_keys AS SELECT DISTINCT n.key FROM names n JOIN places p ON p.pid = n.pid "
                "WHERE n.kind = 0 AND p.importance >= ?", (SHADOW_MIN_IMPORTANCE,))
    con.execute(f"UPDATE names SET prior = round(prior * {SHADOWED_FACTOR}, 4) WHERE kind IN (1, 3) "
                f"AND key IN (SELECT key FROM main_keys)")
    con.execute("DROP TABLE main_keys")

    bar.update(0.82, "Indexing keys")
    # bucket() in SQL: the same value as fuzzy_bucket(key) for these ASCII keys, without a Python call per key
    con.execute("INSERT INTO keys SELECT n.key, MAX(p.importance), p.fclass, "
                "substr(n.key, 1, 1) || printf('%02d', min(length(n.key) / 3, 12)) "
                "FROM names n JOIN places p ON p.pid = n.pid GROUP BY n.key")
    for d in read_small_tsv(data / "demonyms.tsv"):
        row = con.execute("SELECT pid FROM places WHERE id=?", (d["place_id"],)).fetchone()
        if row is None:
            raise GazetteerBuildError(f"{data / 'demonyms.tsv'}: unknown place id {d['place_id']!r}")
        con.execute("INSERT OR REPLACE INTO demonyms VALUES (?,?,?)", (normalize(d["word"]), row[0], d["word"]))

    bar.update(0.9, "Creating indexes")
    con.executescript(INDEXES)
    counts = dict(con.execute("SELECT fclass, COUNT(*) FROM places GROUP BY fclass").fetchall())
    meta = {
        "data_version": version,
        "schema": str(SCHEMA_VERSION),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": f"{time.perf_counter() - t0:.1f}",
        "places": str(sum(counts.values())),
        "names": str(con.execute("SELECT COUNT(*) FROM names").fetchone()[0]),
        "geometries": str(con.execute("SELECT COUNT(*) FROM geometry").fetchone()[0]),
        "counts_by_class": repr(counts),
        "inputs": "; ".join([str(data)] + [str(p) for p in inputs.geonames] +
                            ([str(inputs.alternate_names)] if inputs.alternate_names else []) +
                            [str(p) for p in inputs.extra]),
    }
    con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    bar.update(1.0, "Gazetteer ready")


def default_inputs() -> BuildInputs:
    return BuildInputs(data=data_dir())


def iter_extra_inputs(values: Iterable[str]) -> list[Path]:
    return [Path(v) for v in values]
