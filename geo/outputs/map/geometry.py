"""Place shapes for display: fetched from the gazetteer, simplified within a vertex budget, and the
point of a long feature (a river, a sea, a range) where its marker sits."""
from __future__ import annotations

import logging
from typing import Any, Sequence

import shapely
import shapely.ops

from geo.features import shape_kind
from geo.outputs.aggregate import PlaceEntry

log = logging.getLogger(__name__)

#: Vertices of all river/province/country shapes together (~18 bytes each in the page: ~0.7 MB).
SHAPE_VERTEX_BUDGET = 40_000
#: Shapes fetched at most (for the most mentioned places); beyond this they could only be specks.
MAX_SHAPES = 2_000


def place_geometry(gazetteer: Any, entry: PlaceEntry) -> Any | None:
    """The raw gazetteer geometry of a place (lines/areas only; none for continents/oceans), or None."""
    if gazetteer is None or not entry.place.has_geometry:
        return None
    if shape_kind(entry.place.feature_class, entry.place.feature_code) is None:
        return None
    try:
        geom = gazetteer.geometry(entry.place.id)
    except Exception as exc:  # a broken shape must not sink the whole map
        log.warning("no geometry for %s (%s): %s", entry.place.name, entry.place.id, exc)
        return None
    if geom is None or geom.is_empty or geom.geom_type in ("Point", "MultiPoint"):
        return None
    return geom


def place_geometries(gazetteer: Any, entries: Sequence[PlaceEntry], limit: int = MAX_SHAPES) -> list[tuple[int, Any]]:
    """``(index, raw geometry)`` of the first ``limit`` ``entries`` (most important first) that have one."""
    out: list[tuple[int, Any]] = []
    for i, e in enumerate(entries):
        if len(out) >= limit:
            break
        geom = place_geometry(gazetteer, e)
        if geom is not None:
            out.append((i, geom))
    return out


def marker_point(geom: Any, context: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The point of ``geom`` nearest the (lon, lat) ``context`` points, as (lat, lon)."""
    if not context:
        return None
    try:
        near, _ = shapely.ops.nearest_points(geom, shapely.MultiPoint(context))
    except Exception:  # noqa: BLE001 - a broken shape keeps its gazetteer point
        return None
    return round(near.y, 5), round(near.x, 5)


def round_coords(geom: Any, ndigits: int) -> Any:
    """``geom`` with every coordinate rounded to ``ndigits`` decimals."""
    return shapely.transform(geom, lambda xy: xy.round(ndigits))


def simplify_geometry(geom: Any, *, detail: int = 400, ndigits: int = 4) -> Any | None:
    """Simplify for display: tolerance is the geometry's extent / ``detail``; coordinates rounded."""
    if geom is None or geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    tol = max(maxx - minx, maxy - miny) / detail
    out = geom.simplify(tol, preserve_topology=True) if tol > 0 else geom
    out = round_coords(out, ndigits)
    return None if out.is_empty else out


def shapes_within_budget(geoms: list[tuple[int, Any]], budget: int = SHAPE_VERTEX_BUDGET,
                         detail: int = 400, min_detail: int = 40) -> list[tuple[int, Any]]:
    """Simplify ``(index, geometry)`` pairs (most important first) to at most ``budget`` vertices in all.

    Each shape is simplified relative to its own extent (``detail`` steps across it); when the total
    is over budget the detail is lowered for all, down to ``min_detail``, and then the least
    important shapes are left out (their markers stay). Keeps big maps small whatever they mention.
    """
    while True:
        out = []
        for idx, g in geoms:
            sg = simplify_geometry(g, detail=detail)
            if sg is not None:
                out.append((idx, sg))
        total = sum(shapely.get_num_coordinates(g) for _, g in out)
        if total <= budget or detail <= min_detail:
            break
        detail = max(min_detail, int(detail * budget / total * 0.95))
    kept, used = [], 0
    for idx, g in out:
        n = shapely.get_num_coordinates(g)
        if used + n > budget:
            continue
        kept.append((idx, g))
        used += n
    if len(kept) < len(out):
        log.info("map: %d of %d shapes left out to keep the file small", len(out) - len(kept), len(out))
    return kept
