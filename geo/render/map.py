"""Folium maps of the places found in documents: offline, fast with many places, safe with any text.

Design (see also ``geo/render/static/geomap.js``):

* One marker per distinct place (:func:`geo.render.aggregate.aggregate`), styled by feature type and
  sized by mention count, clustered with Leaflet.markercluster.
* All place data goes into the page as **one JSON document** in a ``<script type="application/json">``
  element (escaped by ``jinja2.utils.htmlsafe_json_dumps``, so no ``</script>`` can occur; parsed
  with ``JSON.parse``, never run as code); one function in the page builds the markers and, when a
  popup or tooltip opens, its content with DOM text nodes. Untrusted text is therefore never parsed
  as HTML. The few strings Leaflet itself insists on treating as HTML (layer-control labels) are
  escaped with ``markupsafe.escape``; article links are kept only for ``http``/``https`` URLs.
* Leaflet and plugin assets are inlined from installed packages (:mod:`geo.render.assets`);
  ``assets="cdn"`` is the opt-in for smaller files that need the internet.
* A basemap of country shapes is drawn below the tiles, so the map is readable offline; online tiles
  (OpenStreetMap by default) load over it when there is a network. ``tiles=None`` uses no tiles.
* Element ids are assigned deterministically, so the same inputs give the same bytes.
"""
from __future__ import annotations

import gzip
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
from branca.element import Element, MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import escape

from geo.io import atomic_write_text
from geo.render.aggregate import (FEATURE_TYPE_LABELS, FEATURE_TYPE_NAMES, FEATURE_TYPES, PlaceEntry, aggregate,
                                  safe_url)
from geo.render.assets import AssetMode, head_html, own_asset
from geo.types import Document, ParsedDocument

log = logging.getLogger(__name__)

#: Online base layers offered in the layer control besides the chosen ``tiles``.
DEFAULT_ALTERNATIVE_TILES: tuple[str, ...] = ("OpenTopoMap", "Esri.WorldImagery")
OFFLINE_LABEL = "Offline basemap only"

_TYPE_STYLE: dict[str, dict[str, Any]] = {
    "country": {"color": "#6a3d9a", "weight": 2, "opacity": 0.8, "fillOpacity": 0.04, "dashArray": "6 4"},
    "province": {"color": "#1f78b4", "weight": 2, "opacity": 0.8, "fillOpacity": 0.05, "dashArray": "4 3"},
    "city": {"color": "#e31a1c", "weight": 2, "opacity": 0.8, "fillOpacity": 0.08},
    "physical": {"color": "#1f78b4", "weight": 3, "opacity": 0.85, "fillColor": "#a6cee3", "fillOpacity": 0.25},
    "other": {"color": "#ff7f00", "weight": 2, "opacity": 0.8, "fillOpacity": 0.08},
}
_HOVER_EXTRA = {"weight": 5, "opacity": 1.0, "fillOpacity": 0.2}
#: Vertices of all river/province/country shapes together (~18 bytes each in the page: ~0.7 MB).
SHAPE_VERTEX_BUDGET = 40_000
#: Shapes fetched at most (for the most mentioned places); beyond this they could only be specks.
MAX_SHAPES = 2_000


def _json(obj: Any) -> str:
    """JSON safe to place inside ``<script>`` (library escaping of <, >, &, ')."""
    return str(htmlsafe_json_dumps(obj, dumps=json.dumps, separators=(",", ":"), ensure_ascii=False, sort_keys=True))


def _marker_size(mentions: int, max_mentions: int) -> int:
    """Marker diameter in px: 14 for one mention, growing with log(mentions) up to 34."""
    if max_mentions <= 1:
        return 16
    frac = math.log(max(mentions, 1)) / math.log(max_mentions)
    return int(round(14 + 20 * frac))


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


def _geometry_for(gazetteer: Any, entry: PlaceEntry) -> Any | None:
    """The raw gazetteer geometry of a place (lines/areas only), or None."""
    if gazetteer is None or not entry.place.has_geometry:
        return None
    try:
        geom = gazetteer.geometry(entry.place.id)
    except Exception as exc:  # a broken shape must not sink the whole map
        log.warning("no geometry for %s (%s): %s", entry.place.name, entry.place.id, exc)
        return None
    if geom is None or geom.is_empty or geom.geom_type in ("Point", "MultiPoint"):
        return None
    return geom


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
_BASEMAP_MEMO: dict[str, dict] = {}


def _country_shapes_from_store(gazetteer: Any) -> list[Any]:
    """Country polygons through the gazetteer's public API (``countries()`` if offered, else ``country(cc)``)."""
    if hasattr(gazetteer, "countries"):
        places = list(gazetteer.countries())
    else:
        letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
        places = [p for a in letters for b in letters if (p := gazetteer.country(a + b)) is not None]
    seen: set[str] = set()
    out = []
    for p in places:
        if p.has_geometry and p.id not in seen:
            seen.add(p.id)
            g = gazetteer.geometry(p.id)
            if g is not None and g.geom_type in ("Polygon", "MultiPolygon"):
                out.append(g)
    return out


def _country_shapes_from_files(data: Path) -> list[Any]:
    """Country polygons read straight from the shipped ``places.tsv.gz`` + ``geometry.tsv.gz``."""
    import shapely.wkt

    ids: set[str] = set()
    with gzip.open(data / "places.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            cols = line.split("\t", 6)
            if len(cols) > 5 and cols[4] == "A" and cols[5].startswith("PCL"):
                ids.add(cols[0])
    out = []
    with gzip.open(data / "geometry.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            pid, _, wkt = line.rstrip("\n").partition("\t")
            if pid in ids:
                out.append(shapely.wkt.loads(wkt))
    return out


def _basemap_from_shapes(shapes: Iterable[Any]) -> dict:
    feats = []
    for g in shapes:
        parts = list(g.geoms) if g.geom_type == "MultiPolygon" else [g]
        if not parts:
            continue
        biggest = max(parts, key=lambda q: q.area)
        keep = [q for q in parts if q.area >= BASEMAP_MIN_AREA or q is biggest]
        g2 = shapely.MultiPolygon(keep) if len(keep) > 1 else keep[0]
        s = _round_coords(g2.simplify(BASEMAP_TOLERANCE, preserve_topology=True), 2)
        if not s.is_empty:
            feats.append({"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(s)})
    return json.loads(json.dumps({"type": "FeatureCollection", "features": feats}))


def basemap_geojson(gazetteer: Any = None) -> dict | None:
    """Simplified country outlines (~360 kB of JSON) drawn under the tiles so maps read offline.

    Drawn from the gazetteer's country geometries (the store, opened without building when
    ``gazetteer`` is None), or straight from the shipped gazetteer data files when no store exists.
    Cached in memory and in the user cache dir, keyed by the gazetteer data version.
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
    from platformdirs import user_cache_dir

    cache = Path(user_cache_dir("geo")) / f"basemap-{version}.json"
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


class GeoLayer(MacroElement):
    """Everything geo adds to a folium map: assets in the head, one data object and one build call."""

    _template = Template(
        """
{% macro header(this, kwargs) %}{{ this.head }}{% endmacro %}
{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.get_name() }}_data">{{ this.data_json }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
    var {{ this.get_name() }} = geoMap({{ this._parent.get_name() }},
        JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent), [
    {%- for label, layer in this.base_layers %}
        [{{ label|tojson }}, {{ layer.get_name() }}]{{ "," if not loop.last }}
    {%- endfor %}
    ]);
{% endmacro %}
"""
    )

    def __init__(self, data: dict, base_layers: list[tuple[str, Element]], assets: AssetMode = "inline"):
        super().__init__()
        self._name = "GeoLayer"
        self.data_json = _json(data)
        self.base_layers = base_layers
        self.head = head_html(assets, extra_css=own_asset("geomap.css"), extra_js=own_asset("geomap.js"))


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
) -> dict:
    """The data object the page's ``geoMap`` function draws (plain JSON-able values).

    From ``parsed`` documents, or from ready ``entries`` (an :class:`~geo.render.aggregate.Aggregator`'s,
    e.g. over results read back from a file) with, optionally, the list of all ``documents`` in input
    order (default: the documents the entries name).
    """
    if entries is None:
        parsed = list(parsed or ())
        entries = aggregate(parsed, max_snippets=max_snippets, max_documents=max_popup_documents)
        documents = [pd.document for pd in parsed]
    entries = [e for e in entries
               if math.isfinite(e.place.lat) and math.isfinite(e.place.lon) and -90 <= e.place.lat <= 90]
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
    docs = []
    used_labels: dict[str, int] = {}
    for d in documents:
        name = d.title or (os.path.basename(d.path) if d.path else d.id) or "(untitled)"
        used_labels[name] = used_labels.get(name, 0) + 1
        if used_labels[name] > 1:  # the layer control needs distinct labels
            name = f"{name} ({used_labels[name]})"
        docs.append({
            "t": d.title or "",
            "f": d.path or (d.id if not d.title else ""),
            "d": d.date or "",
            "u": safe_url(d.url),
            "l": str(escape(f"Article: {name}")),  # Leaflet's layer control treats labels as HTML
        })
    present = [t for t in FEATURE_TYPES if any(e.feature_type == t for e in entries)]
    tindex = {t: i for i, t in enumerate(present)}
    max_mentions = max((e.mentions for e in entries), default=1)
    labels = _search_labels(entries)
    places = []
    shapes = []
    raw_geoms: list[tuple[int, Any]] = []
    lats: list[float] = []
    lons: list[float] = []
    for i, e in enumerate(entries):
        p = e.place
        docs_arr = []
        for dm in e.documents[:max_popup_documents]:
            docs_arr.append([doc_pos[dm.index], dm.mentions, [list(s.parts) for s in dm.snippets],
                             dm.more_snippets])
        places.append([
            round(p.lat, 5), round(p.lon, 5), tindex[e.feature_type], e.mentions, p.name,
            labels[i] if labels[i] != p.name else 0,  # search label, 0 when it is the name
            _place_subtitle(e), docs_arr, max(0, e.document_count - len(docs_arr)),
            _marker_size(e.mentions, max_mentions),
            [n for n in e.names if n != p.name][:5],  # other names the texts used for it
        ])
        lats.append(p.lat)
        lons.append(p.lon)
        geom = _geometry_for(gazetteer, e) if len(raw_geoms) < MAX_SHAPES else None
        if geom is not None:
            raw_geoms.append((i, geom))
    for i, geom in shapes_within_budget(raw_geoms, shape_budget):
        shapes.append({"p": i, "g": shapely.geometry.mapping(geom)})
        minx, miny, maxx, maxy = geom.bounds
        lats += [miny, maxy]
        lons += [minx, maxx]
    types = []
    for t in present:
        style = _TYPE_STYLE[t]
        count = sum(1 for e in entries if e.feature_type == t)
        types.append({
            "key": t, "name": FEATURE_TYPE_NAMES[t], "text": FEATURE_TYPE_LABELS[t],
            "label": str(escape(f"{FEATURE_TYPE_LABELS[t]} ({count})")), "count": count,
            "shape": style, "hover": {**style, **_HOVER_EXTRA},
        })
    bounds = [[min(lats), min(lons)], [max(lats), max(lons)]] if lats else None
    data = {
        "places": places, "docs": docs, "types": types, "shapes": shapes, "bounds": bounds,
        "title": title or None, "docLayers": 1 < len(docs) <= doc_layers_max, "offlineLabel": OFFLINE_LABEL,
        "basemap": basemap_geojson(gazetteer) if basemap else None,
        "shapeKinds": sorted({"line" if "Line" in sh["g"]["type"] else "area" for sh in shapes}),
    }
    return json.loads(json.dumps(data))  # tuples -> lists: same bytes however it was built


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
) -> folium.Map:
    """A ``folium.Map`` of all places in ``parsed`` (renders in Jupyter; save it with :func:`save_map`).

    ``tiles``: an online tile set drawn over the offline basemap (any folium/xyzservices name or URL
    template), or None for no online tiles at all. ``alternative_tiles`` are offered in the layer
    control. ``assets="cdn"`` links Leaflet from CDNs instead of inlining it (smaller files, needs
    the internet). ``gazetteer`` (optional) supplies river/province/country geometry, simplified to
    ``shape_budget`` vertices in all. Instead of ``parsed``, ``entries`` from an
    :class:`~geo.render.aggregate.Aggregator` (and optionally all ``documents``) may be given: see
    :func:`build_map_from_entries`.
    """
    data = map_data(parsed, gazetteer, title=title, doc_layers_max=doc_layers_max,
                    max_popup_documents=max_popup_documents, max_snippets=max_snippets, basemap=basemap,
                    shape_budget=shape_budget, entries=entries, documents=documents)
    center = [20.0, 0.0]
    if data["bounds"]:
        (s, w), (n, e) = data["bounds"]
        center = [round((s + n) / 2, 5), round((w + e) / 2, 5)]
    m = folium.Map(location=center, zoom_start=2, tiles=None, width=width, height=height,
                   control_scale=True, world_copy_jump=False)
    # Assets come from our GeoLayer (inline or CDN); keep folium's default links (jQuery, Bootstrap,
    # Font Awesome, ...) out: none are used, and icon fonts by URL would not load offline anyway.
    m.default_js = []
    m.default_css = []
    n_docs, n_places = len(data["docs"]), len(data["places"])
    page_title = title or f"Map of {n_places} place{'s' * (n_places != 1)} in {n_docs} article{'s' * (n_docs != 1)}"
    m.get_root().title = str(escape(page_title))
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
    GeoLayer(data, base_layers, assets=assets).add_to(m)
    # Render once so folium's render-time children exist, and give everything stable ids: any later
    # render (save_map, or folium's own m.save / notebook display) then yields the same bytes.
    render_html(m)
    return m


def build_map_from_entries(entries: Sequence[PlaceEntry], gazetteer: Any = None, *,
                           documents: Sequence[Document] | None = None, **options: Any) -> folium.Map:
    """:func:`build_map` from an :class:`~geo.render.aggregate.Aggregator`'s ``entries()`` (bounded memory:
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
