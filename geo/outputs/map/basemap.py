"""The offline basemap: simplified country outlines drawn under the tiles so maps read without a
network, cached per gazetteer data version, with the map's own countries in full detail."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterable, Sequence

import shapely
import shapely.geometry

from geo.io import atomic_write_text, cache_dir
from geo.outputs.map.geometry import round_coords

log = logging.getLogger(__name__)

BASEMAP_TOLERANCE = 0.1  # degrees (~10 km): a backdrop for reading the map offline, not a survey
BASEMAP_MIN_AREA = 0.05  # square degrees: smaller islands are dropped (each country keeps its largest part)
#: The countries of the map's places are drawn in full detail (their coastline within the gazetteer's
#: precision, ~1-2 km): at street zoom a coastal city (Beirut) lies on land, not in the coarse outline's sea.
DETAIL_TOLERANCE = 0.005
DETAIL_COUNTRIES = 25  # at most (those with the most places; each that fits in the budget)
DETAIL_VERTEX_BUDGET = 6_000  # ~100 kB of page: big countries (US, Russia) stay coarse
_BASEMAP_MEMO: dict[str, dict] = {}


def country_shapes_from_store(gazetteer: Any) -> list[tuple[str, Any]]:
    """(country code, polygon) of every country, through the gazetteer's API (:meth:`Gazetteer.country_shapes`)."""
    return [(s.place.country_code or "", s.geometry) for s in gazetteer.country_shapes()]


def country_shapes_from_files(data: Path) -> list[tuple[str, Any]]:
    """(country code, polygon) from the shipped data files (no store built yet): the gazetteer's own
    :func:`geo.gazetteer.shipped_country_shapes`, the same countries in the same order as the store's
    :meth:`Gazetteer.country_shapes`, so the basemap is the same bytes either way."""
    from geo.gazetteer import shipped_country_shapes

    return [(s.place.country_code or "", s.geometry) for s in shipped_country_shapes(data)]


def basemap_from_shapes(shapes: Iterable[tuple[str, Any]]) -> dict:
    """The coarse world of (country code, polygon) ``shapes``: small islands dropped, outlines simplified."""
    feats = []
    for cc, g in shapes:
        parts = list(g.geoms) if g.geom_type == "MultiPolygon" else [g]
        if not parts:
            continue
        biggest = max(parts, key=lambda q: q.area)
        keep = [q for q in parts if q.area >= BASEMAP_MIN_AREA or q is biggest]
        g2 = shapely.MultiPolygon(keep) if len(keep) > 1 else keep[0]
        s = round_coords(g2.simplify(BASEMAP_TOLERANCE, preserve_topology=True), 2)
        if not s.is_empty:
            feats.append({"type": "Feature", "properties": {"cc": cc}, "geometry": shapely.geometry.mapping(s)})
    return json.loads(json.dumps({"type": "FeatureCollection", "features": feats}))


def basemap_geojson(gazetteer: Any = None) -> dict | None:
    """Simplified country outlines (~360 kB of JSON) drawn under the tiles so maps read offline.

    Drawn from the gazetteer's country geometries (the store, opened without building when
    ``gazetteer`` is None), or straight from the shipped gazetteer data files when no store exists.
    Cached in memory and in geo's cache folder (:func:`geo.io.cache_dir`, ``$GEO_CACHE_DIR``),
    keyed by the gazetteer data version. Each feature's ``cc`` is its country code.
    """
    try:
        from geo.gazetteer import Gazetteer, GazetteerBuildError, data_version
        from geo.gazetteer.shipped import data_dir

        version = data_version()
    except Exception as exc:  # no gazetteer data at all: maps still work, on tiles only
        log.warning("no offline basemap: %s", exc)
        return None
    if version in _BASEMAP_MEMO:
        return _BASEMAP_MEMO[version]
    # "-3": each feature names its country (older cached basemaps are not reused)
    cache = cache_dir() / f"basemap-{version}-3.json"
    try:
        fc = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        fc = None
    if not fc:
        gz = gazetteer
        if gz is None:
            try:
                gz = Gazetteer.open(build=False, progress=False)
            except (GazetteerBuildError, OSError, Exception) as exc:  # no store yet: read the files
                log.info("basemap from shipped files (%s)", exc)
                gz = None
        shapes = country_shapes_from_store(gz) if gz is not None else country_shapes_from_files(data_dir())
        fc = basemap_from_shapes(shapes)
        try:
            atomic_write_text(cache, json.dumps(fc, separators=(",", ":")))
        except OSError as exc:  # read-only cache dir: fine, just slower next time
            log.info("cannot cache basemap at %s: %s", cache, exc)
    _BASEMAP_MEMO[version] = fc
    return fc


def _wanted_country_shapes(gazetteer: Any, wanted: Sequence[str]) -> dict[str, Any]:
    """{country code: polygon} of the ``wanted`` countries, as :func:`country_shapes_from_store` gives
    them (the same entities in the same order; of several with one code, the last). Speed: only the
    wanted countries' geometries are read and parsed, not all ~250 (a gazetteer-like object without
    ``countries``/``shape`` is asked for all of them)."""
    if not (hasattr(gazetteer, "countries") and hasattr(gazetteer, "shape")):
        return {cc: g for cc, g in country_shapes_from_store(gazetteer) if cc in wanted}
    by_cc = {}
    for place in gazetteer.countries():
        cc = place.country_code or ""
        if cc in wanted and place.has_geometry:
            s = gazetteer.shape(place.id)
            if s is not None and s.geometry.geom_type in ("Polygon", "MultiPolygon"):
                by_cc[cc] = s.geometry
    return by_cc


def detailed_basemap(fc: dict | None, gazetteer: Any, country_codes: Sequence[str]) -> dict | None:
    """``fc`` (the coarse world of :func:`basemap_geojson`) with the countries in ``country_codes`` (most
    important first) replaced by their full outlines (within :data:`DETAIL_TOLERANCE` and
    :data:`DETAIL_VERTEX_BUDGET`): the countries the map is about keep their coastline at any zoom."""
    if fc is None or gazetteer is None or not country_codes:
        return fc
    wanted = list(dict.fromkeys(c for c in country_codes if c))[:DETAIL_COUNTRIES]
    try:
        by_cc = _wanted_country_shapes(gazetteer, wanted)
    except Exception as exc:  # noqa: BLE001 - no store: the coarse basemap only
        log.info("no detailed basemap: %s", exc)
        return fc
    detail, used = [], 0
    for cc in wanted:
        g = by_cc.get(cc)
        if g is None:
            continue
        s = round_coords(g.simplify(DETAIL_TOLERANCE, preserve_topology=True), 4)
        n = shapely.get_num_coordinates(s)
        if s.is_empty or used + n > DETAIL_VERTEX_BUDGET:
            continue
        used += n
        detail.append({"type": "Feature", "properties": {"cc": cc, "detail": 1}, "geometry": shapely.geometry.mapping(s)})
    if not detail:
        return fc
    done = {f["properties"]["cc"] for f in detail}
    coarse = [f for f in fc["features"] if (f.get("properties") or {}).get("cc") not in done]
    return {"type": "FeatureCollection", "features": coarse + json.loads(json.dumps(detail))}
