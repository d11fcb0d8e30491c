"""GeoNames feature codes, grouped once for the whole package.

Every stage that asks "is this a country?", "which features does the cue word *river* ask for?",
"how is this place drawn?" reads the groups defined here, so the extractor, the resolver, the
gazetteer and the renderer cannot disagree (see http://www.geonames.org/export/codes.html).
"""
from __future__ import annotations


#: Independent and dependent political entities (PCLH: historical, e.g. Serbia and Montenegro).
COUNTRY_CODES: frozenset[str] = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCL", "PCLIX", "TERR", "PCLH"})
#: Administrative divisions below a country.
ADMIN_CODES: frozenset[str] = frozenset({"ADM1", "ADM2", "ADM3", "ADM4", "ADM5", "ADMD"})
#: Areas that contain other places (countries, provinces, counties, continents, regions).
AREA_CODES: frozenset[str] = COUNTRY_CODES | {"ADM1", "ADM2", "ADMD", "CONT", "RGN"}
#: Areas far too large to say anything about where a story is (no outline, no coherence).
HUGE_CODES: frozenset[str] = frozenset({"CONT", "OCN"})
RIVER_CODES: frozenset[str] = frozenset({"STM", "STMS", "STMI", "CNL", "WAD"})
WATER_CODES: frozenset[str] = frozenset({"SEA", "GULF", "BAY", "STRT", "OCN", "SD", "CHN", "LK", "LKS", "RSV", "LGN"})
MOUNTAIN_CODES: frozenset[str] = frozenset({"MT", "MTS", "PK", "PKS", "HLL", "HLLS", "RDGE", "VLC", "PLAT"})
ISLAND_CODES: frozenset[str] = frozenset({"ISL", "ISLS", "ISLF", "ISLX", "ATOL"})
#: Land joined to the mainland (a peninsula, a cape, an isthmus): outlined as an area, not as an island.
LAND_CODES: frozenset[str] = frozenset({"PEN", "CAPE", "PT", "ISTH"})

#: Which features a cue word asks for: cue -> (feature classes, feature codes); either may match.
CUE_FEATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "river": (frozenset({"H"}), frozenset({"STM", "STMS", "CNL", "STMI"})),
    "county": (frozenset(), frozenset({"ADM2", "ADM3", "ADMD"})),
    "district": (frozenset(), frozenset({"ADM2", "ADM3", "ADMD", "ADM1"})),
    "province": (frozenset(), frozenset({"ADM1", "ADM2", "ADMD"})),
    "state": (frozenset(), frozenset({"ADM1"})),
    "region": (frozenset({"L", "T"}), frozenset({"ADM1", "ADM2", "RGN", "ADMD"})),
    "city": (frozenset({"P"}), frozenset()),
    "lake": (frozenset(), frozenset({"LK", "LKS", "RSV"})),
    "sea": (frozenset(), frozenset({"SEA", "GULF", "BAY", "STRT", "OCN", "SD", "CHN"})),
    "island": (frozenset(), frozenset({"ISL", "ISLS", "ISLF"})),
    "mountain": (frozenset(), frozenset({"MT", "MTS", "PK", "HLL", "VLC"})),
    "cape": (frozenset(), frozenset({"CAPE", "PT", "PEN"})),
    "country": (frozenset(), COUNTRY_CODES - {"PCLH"}),
}


def is_country(code: str | None) -> bool:
    return (code or "") in COUNTRY_CODES


def cue_matches(cue: str, feature_class: str, feature_code: str) -> bool:
    classes, codes = CUE_FEATURES.get(cue, (frozenset(), frozenset()))
    return feature_class in classes or feature_code in codes


#: Feature types used for styling markers, legends and layers, in display order.
FEATURE_TYPES: tuple[str, ...] = ("country", "province", "city", "physical", "other")


def feature_type(feature_class: str | None, feature_code: str | None) -> str:
    """country, province, city, physical or other, from a GeoNames class and code."""
    cls = (feature_class or "").upper()
    code = (feature_code or "").upper()
    if cls == "A":
        if code in COUNTRY_CODES or code.startswith(("PCL", "TERR")):
            return "country"
        return "province" if code else "other"
    if cls == "P":
        return "city"
    if cls in ("H", "L", "T", "V", "U"):
        return "physical"
    return "other"


#: How a shape is drawn: kind -> what it is. Continents and oceans get no outline at all.
SHAPE_KINDS: tuple[str, ...] = ("river", "water", "mountain", "island", "area")


def shape_kind(feature_class: str | None, feature_code: str | None) -> str | None:
    """The drawing style of a place's shape: river, water (sea/lake), mountain, island, area (an
    administrative or other outline) -- or None for features too large to outline (continents, oceans)."""
    code = (feature_code or "").upper()
    cls = (feature_class or "").upper()
    if code in HUGE_CODES:
        return None
    if code in RIVER_CODES:
        return "river"
    if code in WATER_CODES:
        return "water"
    if code in MOUNTAIN_CODES:
        return "mountain"
    if code in ISLAND_CODES:
        return "island"
    if code in LAND_CODES:
        return "area"
    if cls == "H":
        return "water"
    if cls == "T":
        return "mountain"
    return "area"
