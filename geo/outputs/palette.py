"""The one palette of geo's outputs: Okabe-Ito colours (safe for the common colour-vision deficiencies).

Okabe, M. & Ito, K. (2008), "Color Universal Design". One colour per place type
(``TYPE_COLOURS[geo.features.feature_type(...)]``) and per shape kind (``KIND_COLOURS``), read by
the static figure (:mod:`geo.outputs.figure`), the interactive map's markers and outlines
(:mod:`geo.outputs.map`; its ``geomap.css`` repeats the marker colours, checked by a test) and the
GeoPackage's QGIS style (:mod:`geo.outputs.gpkg`, through ``geo.outputs.aggregate.TYPE_COLORS``).
"""
from __future__ import annotations

#: The eight Okabe-Ito colours.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Marker / outline colour per feature type (geo.features.FEATURE_TYPES).
TYPE_COLOURS: dict[str, str] = {
    "country": OKABE_ITO["reddish_purple"],
    "province": OKABE_ITO["blue"],
    "city": OKABE_ITO["vermillion"],
    "physical": OKABE_ITO["bluish_green"],
    "other": OKABE_ITO["orange"],
}

#: Shape kinds (geo.features.shape_kind) of mentioned places: (edge colour, fill colour or None).
KIND_COLOURS: dict[str, tuple[str, str | None]] = {
    "river": (OKABE_ITO["blue"], None),
    "water": (OKABE_ITO["blue"], "#9ccbea"),
    "mountain": ("#8c6d31", "#e3d3a8"),
    "island": (OKABE_ITO["bluish_green"], "#bfe3d6"),
}

#: The basemap (muted, so the data stands out).
BASEMAP: dict[str, str] = {
    "sea": "#dfecf5",
    "land": "#f5f3ee",
    "border": "#9a968e",
    "province": "#c9c5bc",
    "river": "#8fbfe0",
    "lake": "#dfecf5",
    "frame": "#7f7f7f",
    "text": "#1a1a1a",
    "muted": "#5f5f5f",
    "country_label": "#6e6a63",
}
