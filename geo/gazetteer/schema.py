"""The store's SQLite layout: tables, indexes, schema version, and the fuzzy-match bucket of a key."""
from __future__ import annotations

SCHEMA_VERSION = 3  # 3: names.lang (the language of a localized name); bump when the store layout, name keys or priors change: every store rebuilds

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE places(
  pid INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
  fclass TEXT NOT NULL, fcode TEXT NOT NULL, cc TEXT, a1code TEXT, a1name TEXT, population INTEGER NOT NULL,
  importance REAL NOT NULL DEFAULT 0, geonameid INTEGER, has_geom INTEGER NOT NULL DEFAULT 0, source TEXT,
  rank REAL);
CREATE UNIQUE INDEX places_id ON places(id);
CREATE TABLE names(key TEXT NOT NULL, pid INTEGER NOT NULL, prior REAL NOT NULL, kind INTEGER NOT NULL,
  name TEXT NOT NULL, vkey TEXT NOT NULL, lang TEXT NOT NULL DEFAULT '', l10n TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(key, pid)) WITHOUT ROWID;
CREATE TABLE keys(key TEXT PRIMARY KEY, importance REAL NOT NULL, fclass TEXT NOT NULL, bucket TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE TABLE geometry(pid INTEGER PRIMARY KEY, wkb BLOB NOT NULL);
CREATE VIRTUAL TABLE geom_index USING rtree(pid, minx, maxx, miny, maxy);
CREATE TABLE demonyms(key TEXT PRIMARY KEY, pid INTEGER NOT NULL, word TEXT NOT NULL) WITHOUT ROWID;
CREATE TEMP TABLE alts(pid INTEGER NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL, lang TEXT NOT NULL DEFAULT '');
"""
INDEXES = """
CREATE INDEX places_gid ON places(geonameid);
CREATE INDEX names_vkey ON names(vkey);
CREATE INDEX keys_bucket ON keys(bucket);
"""


#: ``names.lang``: "" for a name of any language (main names, GeoNames' alternate names, curated aliases,
#: names the localized sources give in English); a language code for a name known only from the
#: localized names of that language (``names_l10n.tsv.gz``): it counts only for documents in it
#: (:meth:`geo.gazetteer.Gazetteer.lookup` with ``lang=``). ``names.l10n``: the languages whose localized
#: names give the place this very name ("fr" on Beijing's "Pekin", a GeoNames alternate name that is also
#: its French name "Pékin"): for a document in one of them it is the place's own name, not an alias.
ANY_LANGUAGE = ""


def fuzzy_bucket(key: str) -> str:
    """Fuzzy candidates share the first letter and a length band."""
    return f"{key[:1]}{min(len(key) // 3, 12):02d}"
