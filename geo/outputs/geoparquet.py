"""GeoParquet output: one row per mention, a WGS 84 point geometry, and the JSONL fields.

Written with geopandas (``GeoDataFrame.to_parquet``), which writes the GeoParquet ``geo`` metadata
(version, primary column, WKB encoding, CRS, geometry types); a fixed Arrow schema keeps every
partition's columns and types the same, so ``read_parquet('out/*.parquet')`` in DuckDB or
geopandas reads a whole run as one table. Unresolved mentions have a null geometry (and null
lat/lon). Documents without any mention have no row (the run's ``_geo_run.json`` counts them).
"""
from __future__ import annotations

import os
from typing import Iterable

from geo.io import atomic_open

DOC_COLUMNS = ["doc", "id", "title", "url", "date"]
STRING = ["text", "label", "name", "feature_class", "feature_code", "country_code", "admin1", "source", "why",
          "precision", "place_id", "sentence"]
INT = ["start", "end", "geonameid", "sentence_start"]
FLOAT = ["lat", "lon", "score"]
#: Column order: the document fields, then the mention fields of the JSONL contract, then the result fields.
COLUMNS = DOC_COLUMNS + ["text", "start", "end", "label", "name", "lat", "lon", "feature_class", "feature_code",
                         "country_code", "admin1", "geonameid", "score", "source", "why", "precision", "place_id", "sentence",
                         "sentence_start"]


def schema():
    import pyarrow as pa  # pyarrow, geopandas, shapely: optional dependencies (the `scale` extra)

    def typ(c: str):
        if c in INT:
            return pa.int64()
        if c in FLOAT:
            return pa.float64()
        return pa.string()

    return pa.schema([(c, typ(c)) for c in COLUMNS])


def mention_rows(records: Iterable[dict]) -> list[dict]:
    """Flatten result records (one per document) into rows (one per mention)."""
    rows = []
    for rec in records:
        head = {k: rec.get(k) for k in DOC_COLUMNS}
        for m in rec["mentions"]:
            rows.append({**head, **{k: m.get(k) for k in COLUMNS if k not in head}})
    return rows


def write_geoparquet(records: Iterable[dict], path: str | os.PathLike) -> int:
    """Write the mentions of ``records`` to ``path`` atomically (temp file + rename); returns the row count."""
    import geopandas as gpd  # optional dependencies (the `scale` extra)
    import pandas as pd
    import pyarrow as pa
    import shapely

    rows = mention_rows(records)
    table = pa.Table.from_pylist(rows, schema=schema())
    df = table.to_pandas(types_mapper=pd.ArrowDtype)
    points = [shapely.Point(r["lon"], r["lat"]) if r["lat"] is not None and r["lon"] is not None else None
              for r in rows]
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(points, crs="EPSG:4326", index=df.index))
    with atomic_open(path, "wb") as fh:  # a temp file beside the target, fsynced, renamed onto it
        gdf.to_parquet(fh, index=False, compression="zstd", write_covering_bbox=False)
    return len(rows)
