"""The offline basemap of a figure, from the gazetteer's Natural Earth shapes.

Country polygons (``Gazetteer.country_shapes``, or the shipped data files when no store is built),
first-level divisions, rivers and lakes inside the view, all clipped to the view and simplified to
what the figure's resolution can show.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

import shapely

from geo.types import Place

log = logging.getLogger(__name__)

_COUNTRIES: dict[str, list[tuple[Place, Any]]] = {}


def open_gazetteer(gazetteer: Any = None) -> Any:
    """``gazetteer`` if given, else the store opened without building (None if there is none yet)."""
    if gazetteer is not None:
        return gazetteer
    try:
        from geo.gazetteer import Gazetteer

        return Gazetteer.open(build=False, progress=False)
    except Exception as exc:  # noqa: BLE001 - no store: the shipped files give the countries
        log.info("figure: no gazetteer store (%s); countries from the shipped files", exc)
        return None


def country_shapes(gazetteer: Any = None) -> list[tuple[Place, Any]]:
    """(country, polygon) pairs for every country with a shape, memoised per gazetteer data version."""
    from geo.gazetteer import data_version

    key = data_version()
    if key not in _COUNTRIES:
        if gazetteer is not None:
            shapes = gazetteer.country_shapes()
        else:
            from geo.gazetteer.store import shipped_country_shapes

            shapes = shipped_country_shapes()
        _COUNTRIES[key] = [(s.place, s.geometry) for s in shapes]
    return _COUNTRIES[key]


def features_in(gazetteer: Any, bbox: tuple[float, float, float, float], fcodes: Iterable[str],
                limit: int = 5000) -> list[tuple[Place, Any]]:
    """(place, geometry) for places with the given feature codes whose shape's box meets ``bbox``
    (west, south, east, north), most important first, through the store's R-tree.

    Uses the store's SQLite connection read-only (the store has no public box query yet)."""
    if gazetteer is None:
        return []
    codes = tuple(fcodes)
    w, s, e, n = bbox
    try:
        db = gazetteer._db
        rows = db.execute(
            f"SELECT p.pid, p.id FROM geom_index g JOIN places p ON p.pid = g.pid "
            f"WHERE g.minx <= ? AND g.maxx >= ? AND g.miny <= ? AND g.maxy >= ? "
            f"AND p.fcode IN ({','.join('?' * len(codes))}) ORDER BY p.importance DESC, p.id LIMIT ?",
            (e, w, n, s, *codes, limit)).fetchall()
    except Exception as exc:  # noqa: BLE001 - a store without the index: no extra layers
        log.info("figure: no shapes in view (%s)", exc)
        return []
    out = []
    for _pid, place_id in rows:
        shp = gazetteer.shape(place_id)
        if shp is not None:
            out.append((shp.place, shp.geometry))
    return out


def clip(geom: Any, bbox: tuple[float, float, float, float], tolerance: float) -> Any | None:
    """``geom`` clipped to ``bbox`` and simplified by ``tolerance`` degrees; None when nothing is left."""
    if geom is None:
        return None
    w, s, e, n = bbox
    gb = geom.bounds
    if gb[2] < w or gb[0] > e or gb[3] < s or gb[1] > n:
        return None
    try:
        g = shapely.clip_by_rect(geom, w, s, e, n)
        if tolerance > 0:
            g = g.simplify(tolerance, preserve_topology=True)
    except Exception:  # noqa: BLE001 - an invalid shape is skipped, not fatal
        return None
    return None if g.is_empty else g


def main_bounds(geom: Any) -> tuple[float, float, float, float]:
    """Bounds of a shape's main part: its largest polygon and the parts close to it (within a tenth of
    its size: Hokkaido, Sicily), so Alaska does not stretch the United States nor Réunion France;
    the whole shape for anything but a MultiPolygon."""
    if geom.geom_type == "MultiPolygon":
        parts = sorted(geom.geoms, key=lambda p: -p.area)
        main = parts[0]
        m = main.bounds
        reach = 0.1 * max(m[2] - m[0], m[3] - m[1])
        b = list(m)
        for p in parts[1:50]:
            if main.distance(p) <= reach:
                pb = p.bounds
                b = [min(b[0], pb[0]), min(b[1], pb[1]), max(b[2], pb[2]), max(b[3], pb[3])]
        return tuple(b)  # type: ignore[return-value]
    return geom.bounds


def towns_in(gazetteer: Any, bbox: tuple[float, float, float, float], limit: int = 40,
             min_population: int = 20_000) -> list[Place]:
    """The capitals, then the provincial capitals, then the other towns inside ``bbox`` (west, south,
    east, north), biggest first in each group: context
    for a map of a few places. (A scan of the store's place table, read-only: ~0.15 s.)"""
    if gazetteer is None:
        return []
    w, s, e, n = bbox
    try:
        rows = gazetteer._db.execute(
            "SELECT id FROM places WHERE fclass = 'P' AND population >= ? AND lon BETWEEN ? AND ? "
            "AND lat BETWEEN ? AND ? ORDER BY fcode = 'PPLC' DESC, fcode = 'PPLA' DESC, population DESC, id LIMIT ?",
            (min_population, w, e, s, n, limit)).fetchall()
    except Exception as exc:  # noqa: BLE001 - no towns: the map still stands
        log.info("figure: no context towns (%s)", exc)
        return []
    return [p for (pid,) in rows if (p := gazetteer.get(pid)) is not None]
