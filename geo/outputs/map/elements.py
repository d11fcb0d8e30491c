"""The parts of a geo map as folium elements: data, basemap, markers, shapes, heat map, legend,
search, time slider, filters, layer control, title and initial view.

Each is a :class:`branca.element.MacroElement` that renders its own template (one call into
``geo/outputs/map/static/geomap.js``) and declares the JavaScript/CSS it needs the folium way, in
``default_js`` / ``default_css`` (the CDN URLs folium's own classes declare, so the versions match).
:class:`GeoAssets` turns each declaration into a ``<script>``/``<style>`` with the file's content,
read from the installed ``folium-offline`` package (``assets="inline"``, the default: the map opens
offline), or into a link to the CDN (``assets="cdn"``). Our own ``geomap.js``/``geomap.css`` are
always inlined from the ``geo.outputs.map`` package.

All elements share one data object (:class:`MapData`): a JSON document with named keys in a
``<script type="application/json">`` element, escaped by ``jinja2.utils.htmlsafe_json_dumps`` and read
with ``JSON.parse``; untrusted text in it is never parsed as HTML (see geomap.js).
"""
from __future__ import annotations

import json
import re
from typing import Any

import folium
import folium.plugins
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from geo.outputs.map.assets import AssetError, AssetMode, _guard, asset_text, own_asset

OWN = "geo-package:"  # pseudo-URL prefix of our own static files (always inlined)


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_json(obj: Any) -> str:
    """JSON safe to place inside ``<script>`` (library escaping of <, >, &, '); a lone surrogate (text
    from the Python API) stays a ``\\uXXXX`` escape, so the page can be written as UTF-8."""
    text = str(htmlsafe_json_dumps(obj, dumps=json.dumps, separators=(",", ":"), ensure_ascii=False, sort_keys=True))
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _declared(cls: type, name: str, kind: str = "js") -> tuple[str, str]:
    pairs = cls.default_js if kind == "js" else cls.default_css
    for n, url in pairs:
        if n == name:
            return n, url
    raise AssetError(f"folium {folium.__version__} does not declare the asset {name!r} on {cls.__name__}")


class RawHTML(Element):
    """Markup placed as is (an inlined library is not a Jinja template: ``{{`` in its code stays code)."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def asset_tag(url: str, kind: str, mode: AssetMode) -> Element:
    """The ``<script>``/``<style>`` (inline) or ``<script src>``/``<link>`` (cdn) for one asset."""
    if url.startswith(OWN):
        text = own_asset(url[len(OWN):])
        tag = "script" if kind == "js" else "style"
        return RawHTML(f"<{tag}>\n{_guard(text, tag)}\n</{tag}>")
    if mode == "cdn":
        return JavascriptLink(url) if kind == "js" else CssLink(url)
    if mode != "inline":
        raise ValueError(f"unknown asset mode {mode!r} (use 'inline' or 'cdn')")
    text = asset_text(url)
    if kind == "js":
        return RawHTML(f"<script>/* {escape(url)} */\n{_guard(text, 'script')}\n</script>")
    return RawHTML(f"<style>/* {escape(url)} */\n{_guard(text, 'style')}\n</style>")


class GeoAssets(MacroElement):
    """Adds the ``default_js``/``default_css`` it declares to the page head, inline or as CDN links.

    Like folium's ``JSCSSMixin``, keyed by asset name, so an asset two elements need is added once.
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []

    def __init__(self, assets: AssetMode = "inline"):
        super().__init__()
        if assets not in ("inline", "cdn"):
            raise ValueError(f"unknown asset mode {assets!r} (use 'inline' or 'cdn')")
        self.assets = assets

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
        for name, url in self.default_css:
            figure.header.add_child(asset_tag(url, "css", self.assets), name=name)
        for name, url in self.default_js:
            figure.header.add_child(asset_tag(url, "js", self.assets), name=name)
        # As MacroElement.render, except that a macro's output goes into the page as is: branca would
        # wrap it in a new Element, i.e. compile it as a Jinja template, so that "{{ ... }}" in an
        # article's text (inside the data JSON) would be evaluated, and megabytes of JSON tokenised.
        module = self._template.module
        for part, macro_name in ((figure.header, "header"), (figure.html, "html"), (figure.script, "script")):
            macro = module.__dict__.get(macro_name)
            if macro is not None:
                part.add_child(RawHTML(str(macro(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _Part(GeoAssets):
    """An element that draws one part of the map from the shared :class:`MapData`."""

    _call = ""  # the geomap.js function it calls: geo.<name>(state)

    def __init__(self, data: "MapData", assets: AssetMode = "inline"):
        super().__init__(assets)
        self._name = type(self).__name__
        self.data = data

    _template = Template("""
{% macro script(this, kwargs) %}
    geo.{{ this._call }}({{ this.data.get_name() }});
{% endmacro %}
""")


class MapData(GeoAssets):
    """Leaflet, geomap.js/css and the map's data (one JSON object with named keys); starts the state
    object every other part draws from (``window.geoMapState`` in the page)."""

    default_js = [_declared(folium.Map, "leaflet"), ("geomap.js", OWN + "geomap.js")]
    default_css = [_declared(folium.Map, "leaflet_css", "css"), ("geomap.css", OWN + "geomap.css")]

    _template = Template("""
{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.get_name() }}_data">{{ this.data_json }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
    var {{ this.get_name() }} = geo.start({{ this._parent.get_name() }},
        JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent));
{% endmacro %}
""")

    def __init__(self, data: dict, assets: AssetMode = "inline"):
        super().__init__(assets)
        self._name = "GeoData"
        self.data_json = to_json(data)


class OfflineBasemap(_Part):
    """Country shapes in a pane under the tiles, so the map reads with no network."""

    _template = Template("""
{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.get_name() }}_data">{{ this.basemap_json }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
    geo.basemap({{ this.data.get_name() }},
        JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent));
{% endmacro %}
""")

    def __init__(self, data: "MapData", basemap: dict | None, assets: AssetMode = "inline"):
        super().__init__(data, assets)
        self.basemap_json = to_json(basemap)


class PlaceMarkers(_Part):
    """One marker per place (styled by type, sized by mentions, focus places ringed), clustered with
    Leaflet.markercluster; cluster icons count mentions and articles; popups built on demand."""

    default_js = [_declared(folium.plugins.MarkerCluster, "markerclusterjs")]
    default_css = [_declared(folium.plugins.MarkerCluster, "markerclustercss", "css"),
                   _declared(folium.plugins.MarkerCluster, "markerclusterdefaultcss", "css")]
    _call = "markers"


class PlaceShapes(_Part):
    """Rivers, seas/lakes, mountains, islands and areas drawn from the gazetteer, one style per kind."""

    _call = "shapes"


class HeatLayer(_Part):
    """A heat map of mentions (Leaflet.heat, as folium.plugins.HeatMap), an overlay that starts hidden."""

    default_js = [_declared(folium.plugins.HeatMap, "leaflet-heat.js")]
    _call = "heat"


class TimeSlider(_Part):
    """A slider over the articles' dates (leaflet.timeline's TimelineSliderControl, as
    folium.plugins.TimelineSlider): shows the places of articles dated up to the chosen day."""

    default_js = [_declared(folium.plugins.TimelineSlider, "timeline")]
    _call = "timeSlider"


class Filters(_Part):
    """A panel to show only chosen place types, sources, articles, a date range, focus places."""

    _call = "filters"


class LayerControl(_Part):
    """Base layers (tiles / offline basemap) and overlays per type, per article (few), heat map."""

    _template = Template("""
{% macro script(this, kwargs) %}
    geo.layers({{ this.data.get_name() }}, [
    {%- for label, layer in this.base_layers %}
        [{{ label|tojson }}, {{ layer.get_name() }}]{{ "," if not loop.last }}
    {%- endfor %}
    ]);
{% endmacro %}
""")

    def __init__(self, data: "MapData", base_layers: list[tuple[str, Element]], assets: AssetMode = "inline"):
        super().__init__(data, assets)
        self.base_layers = [(Markup(label), layer) for label, layer in base_layers]


class PlaceSearch(_Part):
    """A search box over the places' names (leaflet-search, as folium.plugins.Search)."""

    default_js = [_declared(folium.plugins.Search, "Leaflet.Search.js")]
    default_css = [_declared(folium.plugins.Search, "Leaflet.Search.css", "css")]
    _call = "search"


class Legend(_Part):
    """What the marker styles, shape styles, focus ring, cluster numbers and marker sizes mean."""

    _call = "legend"


class MapTitle(_Part):
    _call = "title"


class InitialView(_Part):
    """Fits the view to the articles' focus places (all places when no article has a focus), then
    adds the markers to the map."""

    _call = "view"
