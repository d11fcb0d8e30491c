"""Filling a new store, step by step: the shipped places and geometry in bulk, the user's GeoNames dumps,
alternate names and extra places, the priors, every name's keys and prior, the key table, demonyms,
indexes and metadata (``fill`` runs the steps in order)."""
from __future__ import annotations

import csv
import gzip
import sqlite3
import time
from collections import defaultdict
from typing import TYPE_CHECKING, Iterator

from . import importers
from .names import is_latin, normalize, variant_key, variant_key_of_key
from .priors import (ADMIN1_TYPE_WORDS, CITY_CLASH_FACTOR, KIND_ALIAS, KIND_ALT, KIND_DERIVED, KIND_FACTOR,
                     SHADOW_MIN_IMPORTANCE, SHADOWED_FACTOR, admin_short_names, importance, physical_short_names)
from .records import GazetteerBuildError, Rec
from .schema import INDEXES, SCHEMA, SCHEMA_VERSION, fuzzy_bucket
from .shipped import (L10N_DEMONYMS, L10N_FILE, read_shipped_geometry, read_shipped_keys, read_shipped_places,
                      read_small_tsv)

if TYPE_CHECKING:
    from pathlib import Path

    from .build import BuildInputs, _Progress


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
            self.con.executemany("INSERT INTO alts(pid, name, kind) VALUES (?,?,?)", ((pid, a, alt_kind) for a in r.alts))
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


def fill(con: sqlite3.Connection, inputs: BuildInputs, version: str, bar: _Progress, size: int, t0: float) -> None:
    """Everything a new store holds, into the empty database ``con``."""
    data = inputs.data
    create_schema(con)
    shipped_keys = load_shipped(con, data, bar, size)
    # the user's inputs, streamed; each validated (errors name the file and line)
    writer = _Writer(con)
    import_geonames(con, writer, inputs, bar)
    add_l10n_names(con, inputs.data)  # names in other languages ("Syrie", "Pékin", "mer Rouge")
    import_extras(writer, inputs, bar)
    compute_priors(con, bar)
    index_names(con, data, shipped_keys, bar)
    index_keys(con, bar)
    add_demonyms(con, data)
    finish(con, inputs, version, bar, t0)


def create_schema(con: sqlite3.Connection) -> None:
    """Bulk-load settings, the tables, and the SQL functions the later steps call."""
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA page_size=8192")
    con.execute("PRAGMA cache_size=-300000")
    con.executescript(SCHEMA)
    con.create_function("importance", 4, importance, deterministic=True)
    con.create_function("bucket", 1, fuzzy_bucket, deterministic=True)


def load_shipped(con: sqlite3.Connection, data: Path, bar: _Progress, size: int) -> dict[str, tuple[str, str]]:
    """The shipped places (bulk) and their geometry; returns the precomputed keys of every shipped name."""
    import numpy as np
    import shapely

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
    con.executemany("INSERT INTO alts(pid, name, kind) VALUES (?,?,?)", recs_alts)
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
    return shipped_keys


def import_geonames(con: sqlite3.Connection, writer: _Writer, inputs: BuildInputs, bar: _Progress) -> None:
    """The user's GeoNames dumps (``--geonames``) and alternate names (``--alternate-names``)."""
    for gpath in inputs.geonames:
        bar.update(0.3, f"Importing {gpath.name}")
        for r in importers.iter_geonames(gpath):
            writer.add(r)
    if inputs.alternate_names:
        bar.update(0.32, f"Importing {inputs.alternate_names.name}")
        for gid, name in importers.iter_alternate_names(inputs.alternate_names):
            pid = writer.pid_of_geonameid(gid)
            if pid is not None:
                con.execute("INSERT INTO alts(pid, name, kind) VALUES (?,?,?)", (pid, name, KIND_ALT))


def add_l10n_names(con: sqlite3.Connection, data) -> None:
    """Localized names (``place_id, name, lang, source``) as alternate names of the shipped places they
    name, with their language (``names.lang``: they count for documents in it), and localized demonyms; rows naming a place the data does not have (another data version) are
    skipped."""
    path = data / L10N_FILE
    if not path.is_file():
        return
    pids = dict(con.execute("SELECT id, pid FROM places"))
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = [(pids[r["place_id"]], r["name"], KIND_ALT, l10n_language(r.get("lang")))
                for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r["place_id"] in pids and r["name"]]
    con.executemany("INSERT INTO alts VALUES (?,?,?,?)", rows)
    dpath = data / L10N_DEMONYMS
    if dpath.is_file():  # the curated (English) demonyms are inserted later and win a clash
        con.executemany("INSERT OR IGNORE INTO demonyms VALUES (?,?,?)",
                        [(normalize(d["word"]), pids[d["place_id"]], d["word"]) for d in read_small_tsv(dpath)
                         if d["place_id"] in pids])


def l10n_language(code: str | None) -> str:
    """The ``names.lang`` of a localized name: its language, or "" (any) for English, whose names the
    main and alternate names already are."""
    code = (code or "").strip().lower()
    return "" if code in ("", "en") else code


def import_extras(writer: _Writer, inputs: BuildInputs, bar: _Progress) -> None:
    """The user's own places (``--extra`` CSV/GeoJSON), with their outlines."""
    for epath in inputs.extra:
        bar.update(0.34, f"Importing {epath.name}")
        for r, geom in importers.iter_extra(epath):
            pid = writer.add(r)
            writer.add_geometry(pid, geom)


def compute_priors(con: sqlite3.Connection, bar: _Progress) -> None:
    """Every place's importance, and the name of the admin1 unit it lies in."""
    bar.update(0.36, "Computing priors")
    con.execute("UPDATE places SET importance = importance(fclass, fcode, population, rank)")
    con.execute("CREATE INDEX places_admin ON places(cc, fcode, a1code)")
    con.execute("UPDATE places SET a1name = (SELECT q.name FROM places q WHERE q.cc = places.cc AND q.fcode = 'ADM1' "
                "AND q.a1code = places.a1code LIMIT 1) WHERE a1code IS NOT NULL AND cc IS NOT NULL")


def index_names(con: sqlite3.Connection, data: Path, shipped_keys: dict[str, tuple[str, str]],
                bar: _Progress) -> None:
    """Main, alternate, derived short admin/physical names and curated aliases, each with its key,
    variant key and prior; then alternate names that are another notable place's main name are lowered."""
    bar.update(0.4, "Indexing names")
    city_keys = city_keys_by_admin(con, shipped_keys)
    total = con.execute("SELECT (SELECT COUNT(*) FROM places) + (SELECT COUNT(*) FROM alts)").fetchone()[0]
    add_aliases(con, data)
    insert_names(con, name_rows(con, shipped_keys, city_keys, bar, total))
    con.execute("DROP TABLE alts")
    shadow_alternate_names(con)


def city_keys_by_admin(con: sqlite3.Connection, shipped_keys: dict[str, tuple[str, str]]
                       ) -> dict[tuple[str, str], set[str]]:
    """{(country, admin1 code): keys of the notable cities in it}: an admin unit named like one of them gets
    ``CITY_CLASH_FACTOR`` (main names of cities of 10,000+, ASCII alternate names of cities of 100,000+)."""
    def key_of(name: str) -> str:
        known = shipped_keys.get(name)
        return known[0] if known is not None else normalize(name)

    city_keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, cc, a1 in con.execute("SELECT name, cc, a1code FROM places WHERE fclass='P' AND population >= 10000"):
        city_keys[(cc, a1)].add(key_of(name))
    for name, cc, a1 in con.execute("SELECT a.name, p.cc, p.a1code FROM alts a JOIN places p ON p.pid = a.pid "
                                    "WHERE p.fclass='P' AND p.population >= 100000 AND a.lang = ''"):
        if name.isascii():  # alternate names count only for big cities ("Raqqa" of Ar Raqqah)
            city_keys[(cc, a1)].add(key_of(name))
    return city_keys


def add_aliases(con: sqlite3.Connection, data: Path) -> None:
    """The curated aliases ("U.S." -> the United States) as names of kind ``KIND_ALIAS``."""
    alias_rows = []
    for a in read_small_tsv(data / "aliases.tsv"):
        row = con.execute("SELECT pid FROM places WHERE id=?", (a["place_id"],)).fetchone()
        if row is None:
            raise GazetteerBuildError(f"{data / 'aliases.tsv'}: unknown place id {a['place_id']!r}")
        alias_rows.append((row[0], a["alias"], KIND_ALIAS))
    con.executemany("INSERT INTO alts(pid, name, kind) VALUES (?,?,?)", alias_rows)


def name_rows(con: sqlite3.Connection, shipped_keys: dict[str, tuple[str, str]],
              city_keys: dict[tuple[str, str], set[str]], bar: _Progress, total: int) -> Iterator[tuple]:
    """(key, pid, prior, kind, name, variant key) of every main and alternate name, and of the forms derived
    from them (short admin names, "<admin1> province", short physical names)."""
    cur = con.cursor()
    q = ("SELECT p.pid, p.name, 0, p.importance, p.fclass, p.fcode, p.cc, p.a1code, '' FROM places p "
         "UNION ALL SELECT a.pid, a.name, a.kind, p.importance, p.fclass, p.fcode, p.cc, p.a1code, a.lang "
         "FROM alts a JOIN places p ON p.pid = a.pid")
    for n, (pid, name, kind, imp, fclass, fcode, cc, a1, lang) in enumerate(cur.execute(q)):
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
        yield key, pid, round(imp * KIND_FACTOR[kind] * f, 4), kind, name, vkey, lang, lang
        if admin and not lang:  # a localized form ("province d'Idleb") is that form only: no bare "Idleb" from it
            shorts = admin_short_names(name, key)
            for short in shorts:
                f = CITY_CLASH_FACTOR if short in clash else 1.0
                prior = round(imp * KIND_FACTOR[KIND_DERIVED] * f, 4)
                yield short, pid, prior, KIND_DERIVED, name, variant_key(short), lang, ""
            if fcode == "ADM1" and is_latin(name):
                # "Idlib province", "Kherson region", "Deir ez-Zor governorate": explicit, no clash penalty
                for short in {key, *shorts}:
                    for word in ADMIN1_TYPE_WORDS:
                        sw = f"{short} {word}"
                        prior = round(imp * KIND_FACTOR[KIND_DERIVED], 4)
                        yield sw, pid, prior, KIND_DERIVED, name, variant_key(sw), lang, ""
        elif fclass in ("T", "H") and kind != KIND_ALIAS:
            for short in physical_short_names(fcode, name, key):
                prior = round(imp * KIND_FACTOR[KIND_DERIVED], 4)
                yield short, pid, prior, KIND_DERIVED, name, variant_key(short), lang, ""


def insert_names(con: sqlite3.Connection, rows: Iterator[tuple]) -> None:
    """Insert name rows in sorted batches; a (key, place) seen twice keeps its highest prior, except that
    a name of any language (``lang`` "") replaces one known only in a language, whatever their priors:
    a name English (or every language) has keeps the row it has without the localized names. ``l10n``
    collects the languages whose localized names give the place that name, whichever row wins."""
    batch: list[tuple] = []
    win = "((excluded.lang = '' AND names.lang != '') OR (excluded.lang = names.lang AND excluded.prior > names.prior))"
    cols = ", ".join(f"{c} = CASE WHEN {win} THEN excluded.{c} ELSE names.{c} END"
                     for c in ("prior", "kind", "name", "vkey", "lang"))
    # l10n: the languages of every localized source of this (key, place), whichever row won
    l10n = ("l10n = CASE WHEN excluded.l10n = '' OR instr(',' || names.l10n || ',', ',' || excluded.l10n || ',') > 0 "
            "THEN names.l10n WHEN names.l10n = '' THEN excluded.l10n ELSE names.l10n || ',' || excluded.l10n END")

    def flush() -> None:
        con.executemany(f"INSERT INTO names VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(key, pid) DO UPDATE SET {cols}, {l10n}",
                        sorted(batch))
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= 200_000:
            flush()
    flush()


def shadow_alternate_names(con: sqlite3.Connection) -> None:
    """A name belongs first to the places it is the main name of: alternate and derived names that are
    also the main name of another notable place get a lower prior ("Victoria" is not Hong Kong,
    "Santa Ana" not Taguig, "Mexico" the country before Mexico City)."""
    con.execute("CREATE TEMP TABLE main_keys AS SELECT DISTINCT n.key FROM names n JOIN places p ON p.pid = n.pid "
                "WHERE n.kind = 0 AND p.importance >= ?", (SHADOW_MIN_IMPORTANCE,))
    # an alternate name in another script that reads as another notable place's main name is only a
    # transliteration clash (Tunisia's Russian "Тунис" -> "tunis", the city's name): dropped
    con.create_function("is_latin", 1, is_latin, deterministic=True)
    con.execute("DELETE FROM names WHERE kind = 1 AND key IN (SELECT key FROM main_keys) AND NOT is_latin(name)")
    # in every language: "Tombouctou" is the city before the French name of its region
    con.execute(f"UPDATE names SET prior = round(prior * {SHADOWED_FACTOR}, 4) WHERE kind IN (1, 3) "
                f"AND key IN (SELECT key FROM main_keys)")
    con.execute("DROP TABLE main_keys")


def index_keys(con: sqlite3.Connection, bar: _Progress) -> None:
    """One row per distinct key: the best importance behind it and its fuzzy bucket."""
    bar.update(0.82, "Indexing keys")
    # bucket() in SQL: the same value as fuzzy_bucket(key) for these ASCII keys, without a Python call per key
    # lang: "" when a name of any language has the key, else the languages whose names have it ("fr",
    # "de,fr"); no MIN()/MAX() besides the one that picks the bare column fclass
    con.execute("INSERT INTO keys SELECT n.key, MAX(p.importance), p.fclass, "
                "substr(n.key, 1, 1) || printf('%02d', min(length(n.key) / 3, 12)), "
                "CASE WHEN SUM(n.lang = '') > 0 THEN '' ELSE group_concat(DISTINCT n.lang) END "
                "FROM names n JOIN places p ON p.pid = n.pid GROUP BY n.key")


def add_demonyms(con: sqlite3.Connection, data: Path) -> None:
    """The curated demonyms ("Syrian" -> Syria), keyed like names."""
    for d in read_small_tsv(data / "demonyms.tsv"):
        row = con.execute("SELECT pid FROM places WHERE id=?", (d["place_id"],)).fetchone()
        if row is None:
            raise GazetteerBuildError(f"{data / 'demonyms.tsv'}: unknown place id {d['place_id']!r}")
        con.execute("INSERT OR REPLACE INTO demonyms VALUES (?,?,?)", (normalize(d["word"]), row[0], d["word"]))


def finish(con: sqlite3.Connection, inputs: BuildInputs, version: str, bar: _Progress, t0: float) -> None:
    """Secondary indexes, the metadata row set, and ANALYZE."""
    data = inputs.data
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
