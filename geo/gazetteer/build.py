"""Build the gazetteer's SQLite store from the shipped data (plus optional GeoNames dumps and extras).

The store is written to a temporary file beside the target and moved over it with ``os.replace``,
so a crash leaves the previous store intact and concurrent builders never expose a partial file.
A lock file serialises concurrent first uses: the second process waits, then finds the store built.
"""
from __future__ import annotations

import csv
import gzip
import math
import os
import re
import sqlite3
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import shapely

from .names import normalize, variant_key

SCHEMA_VERSION = 1
csv.field_size_limit(2**31 - 1)


class GazetteerBuildError(Exception):
    """A build input is unusable; the message names the file and line."""


# ---------------------------------------------------------------- data location and version


def data_dir() -> Path:
    """The shipped data: ``geo/_gazetteer_data`` in an installed wheel, else the repo's ``gazetteer/data``."""
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
    return f"{(d / 'VERSION').read_text(encoding='utf-8').strip()}-s{SCHEMA_VERSION}"


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
CITY_CLASH_FACTOR = 0.75  # an admin unit named like a city inside it: news usually means the city

_ADMIN_AFFIX = re.compile(
    r"^(?:muhafazat|mintaqat|wilayat|provincia de|province de|provincia di|departamento de|departement de|"
    r"estado de|state of|region de|oblast|gouvernorat de|governorate of|province of)\s+|"
    r"\s+(?:governorate|province|oblast|oblast'|region|state|county|district|prefecture|department|"
    r"municipality|parish|emirate|voivodeship|kray|krai|republic|autonomous okrug|autonomous region|"
    r"territory|division|canton|governorate|city|municipal district)$")


def admin_short_names(name: str) -> list[str]:
    """'Deir ez-Zor Governorate' -> ['Deir ez-Zor']; 'Muhafazat Hims' -> ['Hims']."""
    out = []
    key = normalize(name)
    short = _ADMIN_AFFIX.sub("", key).strip()
    while short and short != key:
        out.append(short)
        key, short = short, _ADMIN_AFFIX.sub("", short).strip()
    return out


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


def read_small_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


# ---------------------------------------------------------------- schema

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE places(
  pid INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
  fclass TEXT NOT NULL, fcode TEXT NOT NULL, cc TEXT, a1code TEXT, a1name TEXT, population INTEGER NOT NULL,
  importance REAL NOT NULL, geonameid INTEGER, has_geom INTEGER NOT NULL DEFAULT 0, source TEXT);
CREATE TABLE names(key TEXT NOT NULL, pid INTEGER NOT NULL, prior REAL NOT NULL, kind INTEGER NOT NULL,
  name TEXT NOT NULL, vkey TEXT NOT NULL, PRIMARY KEY(key, pid)) WITHOUT ROWID;
CREATE TABLE keys(key TEXT PRIMARY KEY, importance REAL NOT NULL, fclass TEXT NOT NULL, bucket TEXT NOT NULL)
  WITHOUT ROWID;
CREATE TABLE geometry(pid INTEGER PRIMARY KEY, wkb BLOB NOT NULL);
CREATE VIRTUAL TABLE geom_index USING rtree(pid, minx, maxx, miny, maxy);
CREATE TABLE demonyms(key TEXT PRIMARY KEY, pid INTEGER NOT NULL, word TEXT NOT NULL) WITHOUT ROWID;
"""
INDEXES = """
CREATE UNIQUE INDEX places_id ON places(id);
CREATE INDEX places_gid ON places(geonameid);
CREATE INDEX places_admin ON places(cc, fcode, a1code);
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
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                                      TimeElapsedColumn(), transient=False)
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
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def build_store(target: Path, inputs: BuildInputs, *, progress: bool = False, version: str | None = None,
                if_missing: bool = False) -> Path:
    """Build the store at ``target`` atomically. With ``if_missing``, do nothing if another process built it."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    version = version or data_version(inputs.data)
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
    return target


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


def _build_into(path: Path, inputs: BuildInputs, version: str, progress: bool) -> None:
    from . import importers

    t0 = time.perf_counter()
    data = inputs.data
    places_path = data / "places.tsv.gz"
    size = places_path.stat().st_size
    recs: dict[str, Rec] = {}
    with _Progress(progress, "Building gazetteer") as bar:
        bar.update(0.0, "Reading places")
        for r in read_shipped_places(places_path, lambda b: bar.update(0.35 * b / size)):
            recs[r.id] = r
        for pid, wkt in read_shipped_geometry(data / "geometry.tsv.gz"):
            if pid in recs:
                recs[pid].wkt = wkt
        # optional user inputs: GeoNames dumps, alternate names, extras (each validated, errors name file+line)
        for gpath in inputs.geonames:
            bar.update(0.36, f"Importing {gpath.name}")
            importers.import_geonames(gpath, recs)
        if inputs.alternate_names:
            bar.update(0.38, f"Importing {inputs.alternate_names.name}")
            importers.import_alternate_names(inputs.alternate_names, recs)
        for epath in inputs.extra:
            bar.update(0.39, f"Importing {epath.name}")
            importers.import_extra(epath, recs)
        aliases = read_small_tsv(data / "aliases.tsv")
        demonyms = read_small_tsv(data / "demonyms.tsv")

        bar.update(0.4, "Writing places")
        con = sqlite3.connect(path)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA page_size=8192")
        con.execute("PRAGMA cache_size=-400000")
        con.execute("PRAGMA temp_store=MEMORY")
        con.executescript(SCHEMA)
        a1names = {(r.cc, r.a1): r.name for r in recs.values() if r.fcode == "ADM1"}
        pid_of: dict[str, int] = {}
        rows = []
        for i, r in enumerate(recs.values(), start=1):
            pid_of[r.id] = i
            imp = importance(r.fclass, r.fcode, r.population, r.rank)
            rows.append((i, r.id, r.name, r.lat, r.lon, r.fclass, r.fcode, r.cc or None, r.a1 or None,
                         a1names.get((r.cc, r.a1)) if r.a1 and r.fcode != "ADM1" else (r.name if r.fcode == "ADM1" else None),
                         r.population, imp, r.geonameid, 1 if r.wkt else 0, r.source))
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        imp_of = {row[0]: row[11] for row in rows}
        fclass_of = {row[0]: row[5] for row in rows}
        del rows

        bar.update(0.5, "Indexing names")
        # city keys per admin unit, to lower the prior of admin units named after a city inside them
        city_keys: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in recs.values():
            if r.fclass == "P" and r.population >= 10000:
                ck = city_keys[(r.cc, r.a1)]
                ck.add(normalize(r.name))
                ck.update(normalize(a) for a in r.alts if a.isascii())
        names: dict[tuple[str, int], tuple[float, int, str]] = {}

        def add(name: str, pid: int, kind: int, factor: float = 1.0) -> None:
            key = normalize(name)
            if not key:
                return
            prior = round(imp_of[pid] * KIND_FACTOR[kind] * factor, 4)
            old = names.get((key, pid))
            if old is None or prior > old[0]:
                names[(key, pid)] = (prior, kind, name)

        n_done, n_total = 0, len(recs)
        for r in recs.values():
            pid = pid_of[r.id]
            admin = r.fclass == "A" and r.fcode in ("ADM1", "ADM2", "ADM3")
            clash = city_keys.get((r.cc, r.a1), set()) if admin else set()
            for kind, nm in [(KIND_MAIN, r.name)] + [(KIND_ALT, a) for a in r.alts]:
                f = CITY_CLASH_FACTOR if admin and normalize(nm) in clash else 1.0
                add(nm, pid, kind, f)
                if admin:
                    for short in admin_short_names(nm):
                        add(short, pid, KIND_DERIVED, CITY_CLASH_FACTOR if short in clash else 1.0)
            n_done += 1
            if n_done % 20000 == 0:
                bar.update(0.5 + 0.3 * n_done / n_total)
        for a in aliases:
            pid = pid_of.get(a["place_id"])
            if pid is None:
                raise GazetteerBuildError(f"{data / 'aliases.tsv'}: unknown place id {a['place_id']!r}")
            add(a["alias"], pid, KIND_ALIAS)

        bar.update(0.8, "Writing names")
        con.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)",
                        ((k, pid, p, kind, nm, variant_key(nm)) for (k, pid), (p, kind, nm) in sorted(names.items())))
        best: dict[str, tuple[float, str]] = {}
        for (k, pid), _ in names.items():
            imp = imp_of[pid]
            if k not in best or imp > best[k][0]:
                best[k] = (imp, fclass_of[pid])
        con.executemany("INSERT INTO keys VALUES (?,?,?,?)",
                        ((k, imp, fc, fuzzy_bucket(k)) for k, (imp, fc) in sorted(best.items())))
        n_names = len(names)
        del names, best

        bar.update(0.88, "Writing geometry")
        geo_items = [(pid_of[r.id], r.wkt) for r in recs.values() if r.wkt]
        geoms = shapely.from_wkt(np.array([w for _, w in geo_items], dtype=object))  # object dtype: no giant <U array
        wkbs = shapely.to_wkb(geoms)
        bounds = shapely.bounds(geoms)
        con.executemany("INSERT INTO geometry VALUES (?,?)", ((pid, wkbs[i]) for i, (pid, _) in enumerate(geo_items)))
        con.executemany("INSERT INTO geom_index VALUES (?,?,?,?,?)",
                        ((pid, *map(float, (bounds[i][0], bounds[i][2], bounds[i][1], bounds[i][3])))
                         for i, (pid, _) in enumerate(geo_items)))
        for d in demonyms:
            pid = pid_of.get(d["place_id"])
            if pid is None:
                raise GazetteerBuildError(f"{data / 'demonyms.tsv'}: unknown place id {d['place_id']!r}")
            con.execute("INSERT OR REPLACE INTO demonyms VALUES (?,?,?)", (normalize(d["word"]), pid, d["word"]))

        bar.update(0.92, "Creating indexes")
        con.executescript(INDEXES)
        counts = dict(con.execute("SELECT fclass, COUNT(*) FROM places GROUP BY fclass").fetchall())
        meta = {
            "data_version": version,
            "schema": str(SCHEMA_VERSION),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": f"{time.perf_counter() - t0:.1f}",
            "places": str(len(recs)),
            "names": str(n_names),
            "geometries": str(len(geo_items)),
            "counts_by_class": repr(counts),
            "inputs": "; ".join([str(data)] + [str(p) for p in inputs.geonames] +
                                ([str(inputs.alternate_names)] if inputs.alternate_names else []) +
                                [str(p) for p in inputs.extra]),
        }
        con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        con.commit()
        con.execute("ANALYZE")
        con.commit()
        con.close()
        bar.update(1.0, "Gazetteer ready")


def default_inputs() -> BuildInputs:
    return BuildInputs(data=data_dir())


def iter_extra_inputs(values: Iterable[str]) -> list[Path]:
    return [Path(v) for v in values]
