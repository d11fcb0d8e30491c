"""RFC 7946 GeoJSON of the places found in documents: one Point feature per distinct place.

Properties are kept flat where GIS tools expect it (QGIS, kepler.gl read them as columns):
``name``, ``type`` (country/province/city/physical/other), ``feature_class``, ``feature_code``,
``country``, ``admin1``, ``precision`` (how precisely the point places it: exact, town, region or country;
:data:`geo.outputs.aggregate.PRECISIONS`), ``mentions``, ``documents`` (ids/paths), ``titles``, ``snippets`` (text);
``articles`` carries the same per document in detail, with the highlighted spans of each snippet.
Article URLs are kept only when they are absolute http(s) URLs (as in the map), so no consumer that
turns properties into links can be handed a ``javascript:`` one.
"""
from __future__ import annotations

import json
import math
import os
from typing import Any, Sequence

from geo.io import atomic_write_text
from geo.outputs.aggregate import PlaceEntry, aggregate, safe_url
from geo.types import ParsedDocument


def _coord(v: float) -> float:
    return round(float(v), 6)  # RFC 7946 §11.2: six decimals is ~10 cm


def to_geojson(parsed: Sequence[ParsedDocument] | None = None, *, max_snippets: int = 5,
               entries: Sequence[PlaceEntry] | None = None) -> dict[str, Any]:
    """A FeatureCollection with one feature per distinct place (most mentioned first), from ``parsed``
    documents or from ready place ``entries`` (e.g. results read back by :mod:`geo.outputs.results`)."""
    features: list[dict[str, Any]] = []
    if entries is None:
        entries = aggregate(parsed or (), max_snippets=max_snippets)
    for e in entries:
        p = e.place
        if not (math.isfinite(p.lat) and math.isfinite(p.lon)) or not (-90 <= p.lat <= 90):
            continue
        lon = ((p.lon + 180.0) % 360.0) - 180.0 if not -180 <= p.lon <= 180 else p.lon
        articles = []
        for dm in e.documents:
            d = dm.document
            articles.append({
                "document": d.id,
                "path": d.path,
                "title": d.title or None,
                "date": d.date,
                "url": safe_url(d.url),
                "mentions": dm.mentions,
                "snippets": [{"text": s.text, "highlights": [list(sp) for sp in s.spans]} for s in dm.snippets],
            })
        features.append({
            "type": "Feature",
            "id": p.id,
            "geometry": {"type": "Point", "coordinates": [_coord(lon), _coord(p.lat)]},
            "properties": {
                "id": p.id,
                "name": p.name,
                "type": e.feature_type,
                "feature_class": p.feature_class,
                "feature_code": p.feature_code,
                "country": p.country_code,
                "admin1": p.admin1,
                "geonameid": p.geonameid,
                "population": p.population,
                "precision": e.precision,
                "mentions": e.mentions,
                "names": list(e.names),
                "documents": [dm.document.id for dm in e.documents],
                "titles": [dm.document.title for dm in e.documents],
                "snippets": [s.text for dm in e.documents for s in dm.snippets],
                "articles": articles,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def dumps(fc: dict[str, Any]) -> str:
    """Serialise as UTF-8-ready text, deterministic, one feature per line."""
    head = '{"type": "FeatureCollection", "features": [\n'
    body = ",\n".join(json.dumps(f, ensure_ascii=False, sort_keys=False, allow_nan=False) for f in fc["features"])
    return head + body + ("\n" if body else "") + "]}\n"


def write_geojson(parsed: Sequence[ParsedDocument] | None, path: str | os.PathLike, *,
                  entries: Sequence[PlaceEntry] | None = None) -> None:
    """Write :func:`to_geojson` to ``path`` (UTF-8, atomically)."""
    atomic_write_text(path, dumps(to_geojson(parsed, entries=entries)))
