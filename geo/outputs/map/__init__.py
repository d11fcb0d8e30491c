"""The HTML map: folium elements (:mod:`.elements`), their JS/CSS assets (:mod:`.assets`, ``static/``)
and the map built from them (:mod:`.build`)."""
from geo.outputs.map.build import (DEFAULT_ALTERNATIVE_TILES, SHAPE_VERTEX_BUDGET, basemap_geojson, build_map,
                                   build_map_from_entries, map_data, render_html, save_map, shapes_within_budget,
                                   simplify_geometry, stable_ids)

__all__ = ["DEFAULT_ALTERNATIVE_TILES", "SHAPE_VERTEX_BUDGET", "basemap_geojson", "build_map",
           "build_map_from_entries", "map_data", "render_html", "save_map", "shapes_within_budget",
           "simplify_geometry", "stable_ids"]
