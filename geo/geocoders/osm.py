"""OpenStreetMap tags -> GeoNames feature (class, code): the one table Nominatim and Photon share."""
from __future__ import annotations

__all__ = ["osm_feature"]

# Nominatim/OSM (class, type) -> GeoNames (feature class, feature code)
_OSM_FEATURES: dict[tuple[str, str], tuple[str, str]] = {
    ("place", "country"): ("A", "PCLI"),
    ("place", "state"): ("A", "ADM1"),
    ("place", "province"): ("A", "ADM1"),
    ("place", "region"): ("L", "RGN"),
    ("place", "county"): ("A", "ADM2"),
    ("place", "district"): ("A", "ADM2"),
    ("place", "municipality"): ("A", "ADM3"),
    ("place", "city"): ("P", "PPL"),
    ("place", "town"): ("P", "PPL"),
    ("place", "village"): ("P", "PPL"),
    ("place", "hamlet"): ("P", "PPL"),
    ("place", "isolated_dwelling"): ("P", "PPL"),
    ("place", "farm"): ("S", "FRM"),
    ("place", "suburb"): ("P", "PPLX"),
    ("place", "quarter"): ("P", "PPLX"),
    ("place", "neighbourhood"): ("P", "PPLX"),
    ("place", "city_block"): ("P", "PPLX"),
    ("place", "locality"): ("L", "LCTY"),
    ("place", "island"): ("T", "ISL"),
    ("place", "islet"): ("T", "ISL"),
    ("place", "archipelago"): ("T", "ISLS"),
    ("place", "sea"): ("H", "SEA"),
    ("place", "ocean"): ("H", "OCN"),
    ("place", "continent"): ("L", "CONT"),
    ("waterway", "river"): ("H", "STM"),
    ("waterway", "stream"): ("H", "STM"),
    ("waterway", "canal"): ("H", "CNL"),
    ("waterway", "dam"): ("S", "DAM"),
    ("natural", "water"): ("H", "LK"),
    ("natural", "bay"): ("H", "BAY"),
    ("natural", "strait"): ("H", "STRT"),
    ("natural", "peak"): ("T", "PK"),
    ("natural", "volcano"): ("T", "VLC"),
    ("natural", "mountain_range"): ("T", "MTS"),
    ("natural", "ridge"): ("T", "RDGE"),
    ("natural", "valley"): ("T", "VAL"),
    ("natural", "desert"): ("T", "DSRT"),
    ("natural", "peninsula"): ("T", "PEN"),
    ("natural", "cape"): ("T", "CAPE"),
    ("natural", "beach"): ("T", "BCH"),
    ("natural", "wood"): ("V", "FRST"),
    ("landuse", "forest"): ("V", "FRST"),
    ("aeroway", "aerodrome"): ("S", "AIRP"),
    ("railway", "station"): ("S", "RSTN"),
    ("amenity", "hospital"): ("S", "HSP"),
    ("amenity", "school"): ("S", "SCH"),
    ("amenity", "university"): ("S", "UNIV"),
    ("amenity", "place_of_worship"): ("S", "CH"),
    ("building", "hospital"): ("S", "HSP"),
    ("historic", "castle"): ("S", "CSTL"),
    ("man_made", "bridge"): ("S", "BDG"),
    ("bridge", "yes"): ("S", "BDG"),
    ("military", "base"): ("S", "MILB"),
    ("landuse", "military"): ("S", "MILB"),
    ("leisure", "park"): ("L", "PRK"),
    ("leisure", "stadium"): ("S", "STDM"),
    ("tourism", "hotel"): ("S", "HTL"),
}
_OSM_CLASS_DEFAULT = {
    "waterway": ("H", "STM"),
    "natural": ("T", ""),
    "highway": ("R", "RD"),
    "railway": ("R", "RR"),
    "place": ("P", "PPL"),
    "landuse": ("L", ""),
    "leisure": ("L", ""),
}
# Nominatim "addresstype" of an administrative boundary -> GeoNames code
_ADDRESSTYPE_ADMIN = {
    "country": ("A", "PCLI"),
    "state": ("A", "ADM1"),
    "province": ("A", "ADM1"),
    "region": ("A", "ADM1"),
    "state_district": ("A", "ADM2"),
    "county": ("A", "ADM2"),
    "district": ("A", "ADM2"),
    "municipality": ("A", "ADM3"),
    "city": ("P", "PPL"),
    "town": ("P", "PPL"),
    "village": ("P", "PPL"),
    "hamlet": ("P", "PPL"),
    "suburb": ("P", "PPLX"),
    "city_district": ("P", "PPLX"),
}
_RANK_ADMIN = {4: ("A", "PCLI"), 8: ("A", "ADM1"), 10: ("A", "ADM2"), 12: ("A", "ADM2"), 14: ("A", "ADM3"), 16: ("P", "PPL")}


def osm_feature(osm_class: str | None, osm_type: str | None, addresstype: str | None = None,
                place_rank: int | None = None) -> tuple[str, str]:
    """Map an OSM/Nominatim class and type to a GeoNames (feature class, feature code)."""
    c = (osm_class or "").lower()
    t = (osm_type or "").lower()
    if c == "boundary" and t in ("administrative", "political", ""):
        if addresstype and addresstype.lower() in _ADDRESSTYPE_ADMIN:
            return _ADDRESSTYPE_ADMIN[addresstype.lower()]
        if place_rank is not None:
            near = min(_RANK_ADMIN, key=lambda r: abs(r - place_rank))
            return _RANK_ADMIN[near]
        return ("A", "ADMD")
    if (c, t) in _OSM_FEATURES:
        return _OSM_FEATURES[(c, t)]
    if c in _OSM_CLASS_DEFAULT:
        return _OSM_CLASS_DEFAULT[c]
    if c in ("amenity", "building", "tourism", "historic", "man_made", "military", "office", "shop"):
        return ("S", "")
    return ("L", "")
