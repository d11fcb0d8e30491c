"""Folium maps of the places found in documents: offline, fast with many places, safe with any text.

Design (the parts are folium elements in :mod:`geo.outputs.map.elements`; their drawing code is
``geo/outputs/map/static/geomap.js``):

* One marker per distinct place (:class:`geo.outputs.aggregate.Aggregator`), styled by feature type,
  sized by mention count, ringed when it is an article's focus (:mod:`geo.focus`), clustered with
  Leaflet.markercluster (cluster icons count mentions and articles).
* All place data goes into the page as **one JSON document with named keys** in a
  ``<script type="application/json">`` element (escaped by ``jinja2.utils.htmlsafe_json_dumps``, so
  no ``</script>`` can occur; parsed with ``JSON.parse``, never run as code); popups and tooltips are
  built when opened, with DOM text nodes. Untrusted text is therefore never parsed as HTML. The few
  strings Leaflet itself insists on treating as HTML (layer-control labels) are escaped with
  ``markupsafe.escape``; article links are kept only for ``http``/``https`` URLs.
* Shapes from the gazetteer, one style per kind (:func:`geo.features.shape_kind`: river, sea/lake,
  mountains, island, area); continents and oceans get no outline. A long feature's marker (a river,
  a sea, a range) sits at its shape's point nearest the other places of the articles naming it.
* Articles with dates get a time slider (leaflet.timeline) and popups list them by date; a filters
  panel narrows by place type, source, article, date and focus; a heat map of mentions is an
  overlay; each popup shows the resolution's confidence and, on demand, the runner-up candidates.
* Leaflet and plugin assets are inlined from installed packages (:mod:`geo.outputs.map.assets`);
  ``assets="cdn"`` is the opt-in for smaller files that need the internet.
* A basemap of country shapes is drawn below the tiles, so the map is readable offline; online tiles
  (OpenStreetMap by default) load over it when there is a network. ``tiles=None`` uses no tiles.
* Element ids are assigned deterministically, so the same inputs give the same bytes.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import os
import re
from pathlib import Path
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

import folium
import shapely
import shapely.ops
from branca.element import Element
from markupsafe import escape

from geo.features import COUNTRY_CODES, shape_kind
from geo.focus import focus_ids
from geo.io import atomic_write_text, cache_dir
from geo.outputs.aggregate import (FEATURE_TYPE_LABELS, FEATURE_TYPE_NAMES, FEATURE_TYPES, TYPE_COLORS, Aggregator,
                                   PlaceEntry,
                                  safe_url)
from geo.outputs.map.assets import AssetMode
from geo.outputs.palette import KIND_COLOURS
from geo.outputs.map.elements import (Filters, HeatLayer, InitialView, LayerControl, Legend, MapData, MapTitle,
                                 OfflineBasemap, PlaceMarkers, PlaceSearch, PlaceShapes, TimeSlider)
from geo.types import Document, ParsedDocument

log = logging.getLogger(__name__)

#: Online base layers offered in the layer control besides the chosen ``tiles``.
DEFAULT_ALTERNATIVE_TILES: tuple[str, ...] = ("OpenTopoMap", "Esri.WorldImagery")
OFFLINE_LABEL = "Offline basemap only"
HEAT_LABEL = "Heat map of mentions"

_RIVER, _WATER = KIND_COLOURS["river"], KIND_COLOURS["water"]  # (edge, fill)
_MOUNTAIN, _ISLAND = KIND_COLOURS["mountain"], KIND_COLOURS["island"]
_TYPE_STYLE: dict[str, dict[str, Any]] = {  # outlines in the palette's colours
    "country": {"color": TYPE_COLORS["country"], "weight": 2, "opacity": 0.8, "fillOpacity": 0.04, "dashArray": "6 4"},
    "province": {"color": TYPE_COLORS["province"], "weight": 2, "opacity": 0.8, "fillOpacity": 0.05,
                 "dashArray": "4 3"},
    "city": {"color": TYPE_COLORS["city"], "weight": 2, "opacity": 0.8, "fillOpacity": 0.08},
    "physical": {"color": TYPE_COLORS["physical"], "weight": 2, "opacity": 0.85, "fillOpacity": 0.08,
                 "dashArray": "5 4"},  # land areas (regions, peninsulas); water, mountains, islands have their kinds
    "other": {"color": TYPE_COLORS["other"], "weight": 2, "opacity": 0.8, "fillOpacity": 0.08},
}
_HOVER_EXTRA = {"weight": 5, "opacity": 1.0, "fillOpacity": 0.2}
#: How each kind of shape is drawn (geo.features.shape_kind), in the one palette's kind colours (the
#: figure's); "area" outlines take their place type's style.
SHAPE_KIND_STYLE: dict[str, tuple[str, dict[str, Any] | None]] = {
    "river": ("River (line)", {"color": _RIVER[0], "weight": 3, "opacity": 0.85, "fill": False}),
    "water": ("Sea / lake / strait (blue area)", {"color": _WATER[0], "weight": 1.5, "opacity": 0.8,
                                                  "fillColor": _WATER[1], "fillOpacity": 0.35}),
    "mountain": ("Mountains (brown)", {"color": _MOUNTAIN[0], "weight": 2, "opacity": 0.85, "fillColor": _MOUNTAIN[1],
                                       "fillOpacity": 0.35, "dashArray": "2 3"}),
    "island": ("Island (green outline)", {"color": _ISLAND[0], "weight": 2, "opacity": 0.85, "fillColor": _ISLAND[1],
                                          "fillOpacity": 0.3}),
    "area": ("Country / province / area (dashed outline)", None),
}
#: Kinds whose marker moves to the shape's point nearest the article's other places.
LONG_KINDS = ("river", "water", "mountain")
#: Vertices of all river/province/country shapes together (~18 bytes each in the page: ~0.7 MB).
SHAPE_VERTEX_BUDGET = 40_000
#: Shapes fetched at most (for the most mentioned places); beyond this they could only be specks.
MAX_SHAPES = 2_000


def _geometry_for(gazetteer: Any, entry: PlaceEntry) -> Any | None:
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


def parse_day(date: str | None) -> _dt.date | None:
    """The calendar day of an article date (ISO 8601 date or date-time, as documents carry it), or None."""
    if not date:
        return None
    text = date.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _day_ms(d: _dt.date) -> int:
    return int((d - _dt.date(1970, 1, 1)).days) * 86_400_000


def _source(d: Document) -> str:
    """Where an article comes from: its URL's host, else its file's folder, else ''."""
    url = safe_url(d.url)
    if url:
        host = urlsplit(url).netloc.lower()
        return host[4:] if host.startswith("www.") else host
    if d.path:
        folder = os.path.dirname(d.path)
        return folder or "."
    return ""


def _distance_km(a: Any, b: Any) -> int | None:
    try:
        from geo.gazetteer import haversine_km
        return int(round(haversine_km(a.lat, a.lon, b.lat, b.lon)))
    except Exception:  # noqa: BLE001 - odd coordinates: no distance shown
        return None


def _marker_point(geom: Any, context: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The point of ``geom`` nearest the (lon, lat) ``context`` points, as (lat, lon)."""
    if not context:
        return None
    try:
        near, _ = shapely.ops.nearest_points(geom, shapely.MultiPoint(context))
    except Exception:  # noqa: BLE001 - a broken shape keeps its gazetteer point
        return None
    return round(near.y, 5), round(near.x, 5)


def _round_coords(geom: Any, ndigits: int) -> Any:
    return shapely.transform(geom, lambda xy: xy.round(ndigits))


def simplify_geometry(geom: Any, *, detail: int = 400, ndigits: int = 4) -> Any | None:
    """Simplify for display: tolerance is the geometry's extent / ``detail``; coordinates rounded."""
    if geom is None or geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    tol = max(maxx - minx, maxy - miny) / detail
    out = geom.simplify(tol, preserve_topology=True) if tol > 0 else geom
    out = _round_coords(out, ndigits)
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


BASEMAP_TOLERANCE = 0.1  # degrees (~10 km): a backdrop for reading the map offline, not a survey
BASEMAP_MIN_AREA = 0.05  # square degrees: smaller islands are dropped (each country keeps its largest part)
#: The countries of the map's places are drawn in full detail (their coastline within the gazetteer's
#: precision, ~1-2 km): at street zoom a coastal city (Beirut) lies on land, not in the coarse outline's sea.
DETAIL_TOLERANCE = 0.005
DETAIL_COUNTRIES = 25  # at most (those with the most places; each that fits in the budget)
DETAIL_VERTEX_BUDGET = 6_000  # ~100 kB of page: big countries (US, Russia) stay coarse
_BASEMAP_MEMO: dict[str, dict] = {}


def _country_shapes_from_store(gazetteer: Any) -> list[tuple[str, Any]]:
    """(country code, polygon) of every country, through the gazetteer's API (:meth:`Gazetteer.country_shapes`)."""
    return [(s.place.country_code or "", s.geometry) for s in gazetteer.country_shapes()]


def _country_shapes_from_files(data: Path) -> list[tuple[str, Any]]:
    """(country code, polygon) from the shipped data files (no store built yet), read by the gazetteer's readers."""
    import shapely.wkt

    from geo.gazetteer.build import read_shipped_geometry, read_shipped_places

    codes = COUNTRY_CODES - {"PCLH"}  # the countries the store's country_shapes() draws: same basemap either way
    ccs = {r.id: r.cc for r in read_shipped_places(data / "places.tsv.gz") if r.fclass == "A" and r.fcode in codes}
    return [(ccs[pid], shapely.wkt.loads(wkt)) for pid, wkt in read_shipped_geometry(data / "geometry.tsv.gz")
            if pid in ccs]


def _basemap_from_shapes(shapes: Iterable[tuple[str, Any]]) -> dict:
    feats = []
    for cc, g in shapes:
        parts = list(g.geoms) if g.geom_type == "MultiPolygon" else [g]
        if not parts:
            continue
        biggest = max(parts, key=lambda q: q.area)
        keep = [q for q in parts if q.area >= BASEMAP_MIN_AREA or q is biggest]
        g2 = shapely.MultiPolygon(keep) if len(keep) > 1 else keep[0]
        s = _round_coords(g2.simplify(BASEMAP_TOLERANCE, preserve_topology=True), 2)
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
        from geo.gazetteer.build import data_dir

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
        shapes = _country_shapes_from_store(gz) if gz is not None else _country_shapes_from_files(data_dir())
        fc = _basemap_from_shapes(shapes)
        try:
            atomic_write_text(cache, json.dumps(fc, separators=(",", ":")))
        except OSError as exc:  # read-only cache dir: fine, just slower next time
            log.info("cannot cache basemap at %s: %s", cache, exc)
    _BASEMAP_MEMO[version] = fc
    return fc


def detailed_basemap(fc: dict | None, gazetteer: Any, country_codes: Sequence[str]) -> dict | None:
    """``fc`` (the coarse world of :func:`basemap_geojson`) with the countries in ``country_codes`` (most
    important first) replaced by their full outlines (within :data:`DETAIL_TOLERANCE` and
    :data:`DETAIL_VERTEX_BUDGET`): the countries the map is about keep their coastline at any zoom."""
    if fc is None or gazetteer is None or not country_codes:
        return fc
    wanted = list(dict.fromkeys(c for c in country_codes if c))[:DETAIL_COUNTRIES]
    try:
        by_cc = {cc: g for cc, g in _country_shapes_from_store(gazetteer) if cc in wanted}
    except Exception as exc:  # noqa: BLE001 - no store: the coarse basemap only
        log.info("no detailed basemap: %s", exc)
        return fc
    detail, used = [], 0
    for cc in wanted:
        g = by_cc.get(cc)
        if g is None:
            continue
        s = _round_coords(g.simplify(DETAIL_TOLERANCE, preserve_topology=True), 4)
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


def _place_subtitle(entry: PlaceEntry) -> str:
    p = entry.place
    bits = [b for b in (p.admin1, p.country_code) if b and b != p.name]
    return ", ".join(bits)


def _search_labels(entries: Sequence[PlaceEntry]) -> list[str]:
    """Unique search labels: the name, qualified by admin1/country (and a number) where names repeat."""
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.place.name] = counts.get(e.place.name, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for e in entries:
        label = e.place.name
        if counts[label] > 1:
            q = _place_subtitle(e)
            label = f"{label} ({q})" if q else label
        n = seen.get(label, 0)
        seen[label] = n + 1
        out.append(label if n == 0 else f"{label} [{n + 1}]")
    return out


def _keyed_documents(documents: Sequence[Document]) -> tuple[list[dict], list[str]]:
    docs = []
    used_labels: dict[str, int] = {}
    sources: dict[str, int] = {}
    for d in documents:
        name = d.title or (os.path.basename(d.path) if d.path else d.id) or "(untitled)"
        used_labels[name] = used_labels.get(name, 0) + 1
        if used_labels[name] > 1:  # the layer control needs distinct labels
            name = f"{name} ({used_labels[name]})"
        rec: dict[str, Any] = {
            "title": d.title or "",
            "file": d.path or (d.id if not d.title else ""),
            "date": d.date or "",
            "label": str(escape(f"Article: {name}")),  # Leaflet's layer control treats labels as HTML
        }
        url = safe_url(d.url)
        if url:
            rec["url"] = url
        day = parse_day(d.date)
        if day is not None:
            rec["day"] = _day_ms(day)
        src = _source(d)
        rec["source"] = sources.setdefault(src, len(sources))
        docs.append(rec)
    names = list(sources)
    if len(names) <= 1:  # one source: nothing to choose
        for rec in docs:
            del rec["source"]
        names = []
    return docs, names


def map_data(
    parsed: Sequence[ParsedDocument] | None = None,
    gazetteer: Any = None,
    *,
    title: str | None = None,
    doc_layers_max: int = 10,
    max_popup_documents: int = 20,
    max_snippets: int = 3,
    basemap: bool = True,
    shape_budget: int = SHAPE_VERTEX_BUDGET,
    entries: Sequence[PlaceEntry] | None = None,
    documents: Sequence[Document] | None = None,
    min_score: float | None = None,
) -> dict:
    """The data object the page's parts draw (plain JSON-able values, records with named keys).

    From ``parsed`` documents, or from ready ``entries`` (an :class:`~geo.outputs.aggregate.Aggregator`'s,
    e.g. over results read back from a file) with, optionally, the list of all ``documents`` in input
    order (default: the documents the entries name). ``min_score`` leaves out places whose best
    resolution score is lower.

    A place is ``{"lat", "lon", "type" (index into "types"), "name", "score", "docs": [{"doc" (index
    into "docs"), "snippets": [[plain, highlighted, plain, ...], ...], "mentions", "more"}], "mentions",
    "label", "sub", "moreDocs", "aka", "focus", "alts": [{"name", "sub", "km", "score"}]}``; keys at
    their default (``mentions`` 1, ``more``/``moreDocs``/``focus`` 0, no ``label``/``sub``/``aka``/
    ``alts``) are left out, which keeps a 10,000-place page within 4 MB. A document is ``{"title",
    "file", "date", "label", "url", "day" (ms since 1970, UTC), "source" (index into "sources")}``.
    """
    if entries is None:
        parsed = list(parsed or ())
        agg = Aggregator(max_snippets, documents=max_popup_documents)
        for pd in parsed:
            agg.add(pd, focus=focus_ids(pd, gazetteer))
        entries = agg.entries()
        documents = [pd.document for pd in parsed]
    entries = [e for e in entries
               if math.isfinite(e.place.lat) and math.isfinite(e.place.lon) and -90 <= e.place.lat <= 90
               and -180 <= e.place.lon <= 180 and (min_score is None or e.best_score >= min_score)]
    if documents is None:
        by_index: dict[int, Document] = {}
        for e in entries:
            for dm in e.documents:
                by_index.setdefault(dm.index, dm.document)
        doc_pos = {ix: k for k, ix in enumerate(sorted(by_index))}
        documents = [by_index[ix] for ix in sorted(by_index)]
    else:
        documents = list(documents)
        doc_pos = {k: k for k in range(len(documents))}
    docs, sources = _keyed_documents(documents)
    dated = any("day" in d for d in docs)
    doc_day = [(0, d["day"]) if "day" in d else (1, 0) for d in docs]

    type_of = [e.feature_type for e in entries]
    type_counts = {t: type_of.count(t) for t in FEATURE_TYPES}
    present = [t for t in FEATURE_TYPES if type_counts[t]]
    tindex = {t: i for i, t in enumerate(present)}
    labels = _search_labels(entries)
    # geometry first: long features' markers move next to the articles' other places
    raw_geoms: list[tuple[int, Any]] = []
    for i, e in enumerate(entries):
        if len(raw_geoms) >= MAX_SHAPES:
            break
        geom = _geometry_for(gazetteer, e)
        if geom is not None:
            raw_geoms.append((i, geom))
    kinds_of = {i: shape_kind(entries[i].place.feature_class, entries[i].place.feature_code) for i, _ in raw_geoms}
    moved: dict[int, tuple[float, float]] = {}
    long_ids = {i for i, _ in raw_geoms if kinds_of[i] in LONG_KINDS}
    if long_ids:
        per_doc: dict[int, list[tuple[float, float]]] = {}
        for i, e in enumerate(entries):
            if i in long_ids or type_of[i] == "country":
                continue
            for dm in e.documents:
                per_doc.setdefault(dm.index, []).append((e.place.lon, e.place.lat))
        for i, geom in raw_geoms:
            if i in long_ids:
                ctx = sorted({pt for dm in entries[i].documents for pt in per_doc.get(dm.index, ())})
                pt = _marker_point(geom, ctx)
                if pt is not None:
                    moved[i] = pt

    places = []
    lats: list[float] = []
    lons: list[float] = []
    focus_pts: list[tuple[float, float]] = []
    for i, e in enumerate(entries):
        p = e.place
        lat, lon = moved.get(i, (round(p.lat, 5), round(p.lon, 5)))
        shown = list(e.documents)
        if dated:  # popups list the articles by date (undated ones last), in input order otherwise
            shown.sort(key=lambda dm: doc_day[doc_pos[dm.index]])
        rec: dict[str, Any] = {
            "lat": lat, "lon": lon, "type": tindex[type_of[i]], "name": p.name,
            "docs": [], "score": round(float(e.best_score), 2),
        }
        if e.mentions != 1:
            rec["mentions"] = e.mentions
        for dm in shown:
            drec: dict[str, Any] = {"doc": doc_pos[dm.index], "snippets": [list(s.parts) for s in dm.snippets]}
            if dm.mentions != 1:  # keys at their default are left out (10,000 places stay small)
                drec["mentions"] = dm.mentions
            if dm.more_snippets:
                drec["more"] = dm.more_snippets
            rec["docs"].append(drec)
        if labels[i] != p.name:
            rec["label"] = labels[i]  # the search label, where names repeat
        sub = _place_subtitle(e)
        if sub:
            rec["sub"] = sub
        more = max(0, e.document_count - len(shown))
        if more:
            rec["moreDocs"] = more
        aka = [n for n in e.names if n != p.name][:5]  # other names the texts used for it
        if aka:
            rec["aka"] = aka
        if e.focus:
            rec["focus"] = e.focus
            focus_pts.append((lat, lon))
        alts = []
        for a in e.alternatives[:3]:
            ap = a.place
            alt: dict[str, Any] = {"name": ap.name, "score": round(float(a.score), 2)}
            bits = [b for b in (ap.admin1, ap.country_code) if b and b != ap.name]
            if bits:
                alt["sub"] = ", ".join(bits)
            km = _distance_km(p, ap)
            if km is not None:
                alt["km"] = km
            alts.append(alt)
        if alts:
            rec["alts"] = alts
        places.append(rec)
        lats.append(lat)
        lons.append(lon)
    shapes = []
    kinds_present: set[str] = set()
    focus_lats = [a for a, _ in focus_pts]
    focus_lons = [b for _, b in focus_pts]
    for i, geom in shapes_within_budget(raw_geoms, shape_budget):
        kind = kinds_of[i] or "area"
        kinds_present.add(kind)
        shapes.append({"place": i, "kind": kind, "geometry": shapely.geometry.mapping(geom)})
        minx, miny, maxx, maxy = geom.bounds
        lats += [miny, maxy]
        lons += [minx, maxx]
        if entries[i].focus and kind == "area":
            focus_lats += [miny, maxy]
            focus_lons += [minx, maxx]
    types = []
    for t in present:
        style = _TYPE_STYLE[t]
        count = type_counts[t]
        types.append({
            "key": t, "name": FEATURE_TYPE_NAMES[t], "text": FEATURE_TYPE_LABELS[t],
            "label": str(escape(f"{FEATURE_TYPE_LABELS[t]} ({count})")), "count": count,
            "shape": style, "hover": {**style, **_HOVER_EXTRA},
        })
    kinds = []
    for k, (text, style) in SHAPE_KIND_STYLE.items():
        if k in kinds_present:
            rec = {"key": k, "text": text}
            if style is not None:
                rec["style"] = style
                rec["hover"] = {**style, **_HOVER_EXTRA}
            kinds.append(rec)
    bounds = [[min(lats), min(lons)], [max(lats), max(lons)]] if lats else None
    focus_bounds = ([[min(focus_lats), min(focus_lons)], [max(focus_lats), max(focus_lons)]]
                    if focus_lats and len(focus_pts) < len(places) else None)
    data = {
        "places": places, "docs": docs, "types": types, "shapes": shapes, "kinds": kinds, "bounds": bounds,
        "focusBounds": focus_bounds, "title": title or None, "docLayers": 1 < len(docs) <= doc_layers_max,
        "offlineLabel": OFFLINE_LABEL, "heatLabel": str(escape(HEAT_LABEL)), "sources": sources,
        "dated": dated,
    }
    data["basemap"] = basemap_geojson(gazetteer) if basemap else None
    counts: dict[str, int] = {}
    for e in entries:
        if e.place.country_code:
            counts[e.place.country_code] = counts.get(e.place.country_code, 0) + 1
    data["countries"] = counts  # country code -> places (build_map draws these countries in detail)
    return data


def stable_ids(root: Element, prefix: str = "geo") -> None:
    """Give every element in the tree a deterministic id (folium draws random ones).

    Ids follow the element's path in the tree, so children that rendering appends later (folium's
    ``addTo`` helpers) do not shift the ids of anything else, and re-rendering gives the same bytes.
    """

    def walk(el: Element, ident: str) -> None:
        el._id = ident
        for k, child in enumerate(list(el._children.values())):
            walk(child, f"{ident}_{k}")

    walk(root, prefix)


def build_map(
    parsed: Sequence[ParsedDocument] | None = None,
    gazetteer: Any = None,
    *,
    tiles: str | None = "OpenStreetMap",
    title: str | None = None,
    alternative_tiles: Iterable[str] = DEFAULT_ALTERNATIVE_TILES,
    assets: AssetMode = "inline",
    basemap: bool = True,
    doc_layers_max: int = 10,
    max_popup_documents: int = 20,
    max_snippets: int = 3,
    width: str | int = "100%",
    height: str | int = "100%",
    shape_budget: int = SHAPE_VERTEX_BUDGET,
    entries: Sequence[PlaceEntry] | None = None,
    documents: Sequence[Document] | None = None,
    min_score: float | None = None,
    heat: bool = True,
    filters: bool = True,
) -> folium.Map:
    """A ``folium.Map`` of all places in ``parsed`` (renders in Jupyter; save it with :func:`save_map`).

    ``tiles``: an online tile set drawn over the offline basemap (any folium/xyzservices name or URL
    template), or None for no online tiles at all. ``alternative_tiles`` are offered in the layer
    control. ``assets="cdn"`` links Leaflet from CDNs instead of inlining it (smaller files, needs
    the internet). ``gazetteer`` (optional) supplies river/sea/mountain/area geometry, simplified to
    ``shape_budget`` vertices in all, and the article focus. ``min_score`` leaves out places whose
    best resolution score is lower. Instead of ``parsed``, ``entries`` from an
    :class:`~geo.outputs.aggregate.Aggregator` (and optionally all ``documents``) may be given: see
    :func:`build_map_from_entries`.

    The map is composed of folium elements (:mod:`geo.outputs.map.elements`); add your own to it as to any
    folium map.
    """
    data = map_data(parsed, gazetteer, title=title, doc_layers_max=doc_layers_max,
                    max_popup_documents=max_popup_documents, max_snippets=max_snippets, basemap=False,
                    shape_budget=shape_budget, entries=entries, documents=documents, min_score=min_score)
    countries = data.pop("countries")  # for the basemap's detail, not a part of the page's data
    center = [20.0, 0.0]
    if data["bounds"]:
        (s, w), (n, e) = data["bounds"]
        center = [round((s + n) / 2, 5), round((w + e) / 2, 5)]
    m = folium.Map(location=center, zoom_start=2, tiles=None, width=width, height=height,
                   control_scale=True, world_copy_jump=False)
    # Assets come from our elements (inline or CDN); keep folium's default links (jQuery, Bootstrap,
    # Font Awesome, ...) out: none are used, and icon fonts by URL would not load offline anyway.
    m.default_js = []
    m.default_css = []
    n_docs, n_places = len(data["docs"]), len(data["places"])
    page_title = title or f"Map of {n_places} place{'s' * (n_places != 1)} in {n_docs} article{'s' * (n_docs != 1)}"
    m.get_root().title = str(escape(re.sub("[\ud800-\udfff]", "\ufffd", page_title)))  # lone surrogates: not UTF-8
    base_layers: list[tuple[str, Element]] = []
    if tiles is not None:
        names = [tiles] + [t for t in alternative_tiles if t != tiles]
        for k, name in enumerate(names):
            attr = None
            if "{z}" in name:  # a custom URL template: credit its host
                attr = str(escape(f"Tiles: {urlsplit(name).netloc or name}"))
            try:
                layer = folium.TileLayer(name, name=name, attr=attr, show=(k == 0), overlay=False, control=False)
            except ValueError:
                if k == 0:
                    raise ValueError(
                        f"unknown tile set {name!r}: use a tile provider name such as 'OpenStreetMap', "
                        f"'OpenTopoMap' or 'Esri.WorldImagery', a URL template with {{z}}/{{x}}/{{y}}, "
                        f"or None for the offline basemap only") from None
                continue
            layer.add_to(m)
            base_layers.append((str(escape(name)), layer))
    md = MapData(data, assets=assets).add_to(m)
    base = None
    if basemap:  # the countries of the places, most places first, in full detail
        ccs = [cc for cc, _ in sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))]
        base = detailed_basemap(basemap_geojson(gazetteer), gazetteer, ccs)
    OfflineBasemap(md, base, assets=assets).add_to(m)
    PlaceMarkers(md, assets=assets).add_to(m)
    if data["shapes"]:
        PlaceShapes(md, assets=assets).add_to(m)
    if heat and data["places"]:
        HeatLayer(md, assets=assets).add_to(m)
    LayerControl(md, base_layers, assets=assets).add_to(m)
    if data["places"]:
        PlaceSearch(md, assets=assets).add_to(m)
    if data["dated"]:
        TimeSlider(md, assets=assets).add_to(m)
    if filters and data["places"]:
        Filters(md, assets=assets).add_to(m)
    Legend(md, assets=assets).add_to(m)
    if data["title"]:
        MapTitle(md, assets=assets).add_to(m)
    InitialView(md, assets=assets).add_to(m)
    # Render once so folium's render-time children exist, and give everything stable ids: any later
    # render (save_map, or folium's own m.save / notebook display) then yields the same bytes.
    render_html(m)
    m.geo_places = n_places  # how many places the map draws (after min_score), for summaries
    return m


def build_map_from_entries(entries: Sequence[PlaceEntry], gazetteer: Any = None, *,
                           documents: Sequence[Document] | None = None, **options: Any) -> folium.Map:
    """:func:`build_map` from an :class:`~geo.outputs.aggregate.Aggregator`'s ``entries()`` (bounded memory:
    no document texts needed). ``documents``: all input documents in order, if known."""
    return build_map(None, gazetteer, entries=entries, documents=documents, **options)


_ADD_TO = re.compile(r"\s*[A-Za-z_$][\w$]*\.addTo\([A-Za-z_$][\w$]*\);\s*")


def _render_parts(root: Element) -> tuple[Element, Element, Element]:
    return root.header, root.html, root.script


def render_html(m: folium.Map) -> str:
    """The complete HTML page of ``m``: deterministic element ids, same map gives the same bytes.

    Rendering fills the figure's header/html/script parts with entries keyed by element names. The
    entries an earlier render produced are dropped first (they are produced again), so re-renders
    cannot pile up duplicates; anything a user added to those parts by hand is kept.
    """
    root = m.get_root()
    parts = _render_parts(root)
    for part, keys in zip(parts, getattr(root, "_geo_rendered", ((), (), ()))):
        for key in keys:
            part._children.pop(key, None)
    # folium's layers make a fresh ``x.addTo(map)`` helper (random id) on every render; drop the ones
    # a render outside this function (m.save, notebook display) left behind
    for key, value in list(root.script._children.items()):
        if key.startswith("macro_element_") and _ADD_TO.fullmatch(value.render()):
            root.script._children.pop(key)
    before = [set(part._children) for part in parts]
    stable_ids(root)
    html = root.render()
    root._geo_rendered = tuple(tuple(k for k in part._children if k not in b) for part, b in zip(parts, before))
    return html


def save_map(m: folium.Map, path: str | os.PathLike) -> None:
    """Write the map as one self-contained HTML file, atomically; same map, same bytes."""
    atomic_write_text(path, render_html(m))
