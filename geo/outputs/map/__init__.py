"""Folium maps of the places found in documents: offline, fast with many places, safe with any text.

The modules, one concern each:

* :mod:`.build` -- the folium map: tiles, the page's data and the elements that draw it;
* :mod:`.data` -- the page's data object (places, articles, shapes, legend, extent), in named steps;
* :mod:`.documents` -- the page's article records (label, date and day, link, source);
* :mod:`.geometry` -- place shapes: fetched, simplified within a vertex budget, long features' marker points;
* :mod:`.basemap` -- the offline basemap of country outlines (cached), the map's countries in detail;
* :mod:`.styles` -- how outlines are drawn, per place type and shape kind;
* :mod:`.render` -- the HTML page with deterministic ids, saved atomically;
* :mod:`.elements` -- the folium elements of the page; :mod:`.assets` -- their JS/CSS (``static/``).

Design (the elements' drawing code is ``geo/outputs/map/static/geomap.js``):

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
from geo.outputs.map.basemap import basemap_geojson
from geo.outputs.map.build import DEFAULT_ALTERNATIVE_TILES, build_map, build_map_from_entries
from geo.outputs.map.data import map_data
from geo.outputs.map.geometry import SHAPE_VERTEX_BUDGET, shapes_within_budget, simplify_geometry
from geo.outputs.map.render import render_html, save_map, stable_ids

__all__ = ["DEFAULT_ALTERNATIVE_TILES", "SHAPE_VERTEX_BUDGET", "basemap_geojson", "build_map",
           "build_map_from_entries", "map_data", "render_html", "save_map", "shapes_within_budget",
           "simplify_geometry", "stable_ids"]
