"""The folium map: the page's data (:mod:`.data`) drawn by the map's elements (:mod:`.elements`) over
online tiles and the offline basemap (:mod:`.basemap`), rendered once with stable ids (:mod:`.render`)."""
from __future__ import annotations

import re
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

import folium
from branca.element import Element
from markupsafe import escape

from geo.outputs.aggregate import PlaceEntry
from geo.outputs.map.assets import AssetMode
from geo.outputs.map.basemap import basemap_geojson, detailed_basemap
from geo.outputs.map.data import map_data
from geo.outputs.map.elements import (Filters, HeatLayer, InitialView, LayerControl, Legend, MapData, MapTitle,
                                      OfflineBasemap, PlaceMarkers, PlaceSearch, PlaceShapes, TimeSlider)
from geo.outputs.map.geometry import SHAPE_VERTEX_BUDGET
from geo.outputs.map.render import render_html
from geo.outputs.ui import strings
from geo.types import Document, ParsedDocument

#: Online base layers offered in the layer control besides the chosen ``tiles``.
DEFAULT_ALTERNATIVE_TILES: tuple[str, ...] = ("OpenTopoMap", "Esri.WorldImagery")


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
    precision: Any = None,
    lang: str | None = None,
) -> folium.Map:
    """A ``folium.Map`` of all places in ``parsed`` (renders in Jupyter; save it with :func:`save_map`).

    ``tiles``: an online tile set drawn over the offline basemap (any folium/xyzservices name or URL
    template), or None for no online tiles at all. ``alternative_tiles`` are offered in the layer
    control. ``assets="cdn"`` links Leaflet from CDNs instead of inlining it (smaller files, needs
    the internet). ``gazetteer`` (optional) supplies river/sea/mountain/area geometry, simplified to
    ``shape_budget`` vertices in all, and the article focus. ``min_score`` leaves out places whose
    best resolution score is lower; ``precision`` (levels of :data:`~geo.outputs.aggregate.PRECISIONS`:
    exact, town, region, country) keeps only the places at those. ``lang``: the language of the legend,
    popups and filters (:mod:`geo.outputs.ui`; default: the language most documents are in, else
    English). Instead of ``parsed``, ``entries`` from an
    :class:`~geo.outputs.aggregate.Aggregator` (and optionally all ``documents``) may be given: see
    :func:`build_map_from_entries`.

    The map is composed of folium elements (:mod:`geo.outputs.map.elements`); add your own to it as to any
    folium map.
    """
    data = map_data(parsed, gazetteer, title=title, doc_layers_max=doc_layers_max,
                    max_popup_documents=max_popup_documents, max_snippets=max_snippets, basemap=False,
                    shape_budget=shape_budget, entries=entries, documents=documents, min_score=min_score,
                    precision=precision, lang=lang)
    countries = data.pop("countries")  # for the basemap's detail, not a part of the page's data
    center = [20.0, 0.0]
    if data["bounds"]:
        (s, w), (n, e) = data["bounds"]
        center = [round((s + n) / 2, 5), round((w + e) / 2, 5)]
    # (Leaflet's zoom and scale controls come from geomap.js's geo.start, with the page's language: their
    # button titles "Zoom in"/"Zoom out" and the scale's units are Leaflet options)
    m = folium.Map(location=center, zoom_start=2, tiles=None, width=width, height=height,
                   control_scale=False, zoom_control=False, world_copy_jump=False)
    # Assets come from our elements (inline or CDN); keep folium's default links (jQuery, Bootstrap,
    # Font Awesome, ...) out: none are used, and icon fonts by URL would not load offline anyway.
    m.default_js = []
    m.default_css = []
    n_docs, n_places = len(data["docs"]), len(data["places"])
    ui = strings(data["lang"])
    page_title = title or ui.text("page_title", places=ui.count(n_places, "place"), articles=ui.count(n_docs, "article"))
    m.get_root().title = str(escape(re.sub("[\ud800-\udfff]", "\ufffd", page_title)))  # lone surrogates: not UTF-8
    base_layers = _tile_layers(m, tiles, alternative_tiles)
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


def _tile_layers(m: folium.Map, tiles: str | None, alternative_tiles: Iterable[str]) -> list[tuple[str, Element]]:
    """Add the online tile layers (``tiles`` shown, the alternatives offered) to ``m``: (label, layer) each."""
    base_layers: list[tuple[str, Element]] = []
    if tiles is None:
        return base_layers
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
    return base_layers


def build_map_from_entries(entries: Sequence[PlaceEntry], gazetteer: Any = None, *,
                           documents: Sequence[Document] | None = None, **options: Any) -> folium.Map:
    """:func:`build_map` from an :class:`~geo.outputs.aggregate.Aggregator`'s ``entries()`` (bounded memory:
    no document texts needed). ``documents``: all input documents in order, if known."""
    return build_map(None, gazetteer, entries=entries, documents=documents, **options)
