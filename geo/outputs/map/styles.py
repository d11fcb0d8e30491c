"""How the map draws place outlines: one style per place type and per shape kind
(:func:`geo.features.shape_kind`), in the one palette's colours (:mod:`geo.outputs.palette`)."""
from __future__ import annotations

from typing import Any

from geo.outputs.aggregate import TYPE_COLORS
from geo.outputs.palette import KIND_COLOURS

_RIVER, _WATER = KIND_COLOURS["river"], KIND_COLOURS["water"]  # (edge, fill)
_MOUNTAIN, _ISLAND = KIND_COLOURS["mountain"], KIND_COLOURS["island"]
TYPE_STYLE: dict[str, dict[str, Any]] = {  # outlines in the palette's colours
    "country": {"color": TYPE_COLORS["country"], "weight": 2, "opacity": 0.8, "fillOpacity": 0.04, "dashArray": "6 4"},
    "province": {"color": TYPE_COLORS["province"], "weight": 2, "opacity": 0.8, "fillOpacity": 0.05,
                 "dashArray": "4 3"},
    "city": {"color": TYPE_COLORS["city"], "weight": 2, "opacity": 0.8, "fillOpacity": 0.08},
    "physical": {"color": TYPE_COLORS["physical"], "weight": 2, "opacity": 0.85, "fillOpacity": 0.08,
                 "dashArray": "5 4"},  # land areas (regions, peninsulas); water, mountains, islands have their kinds
    "other": {"color": TYPE_COLORS["other"], "weight": 2, "opacity": 0.8, "fillOpacity": 0.08},
}
#: Added to a style while the pointer is over the shape.
HOVER_EXTRA = {"weight": 5, "opacity": 1.0, "fillOpacity": 0.2}
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
