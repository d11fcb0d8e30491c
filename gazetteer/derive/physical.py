"""Physical features from Natural Earth v4 (rivers, lakes, seas, regions, peaks and capes) with v5's
English names, each merged with the same GeoNames no-country feature where there is one."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

from shapely.geometry import Point, shape
from shapely.ops import unary_union

from geo.gazetteer.names import is_latin

from .common import TOL_PHYSICAL, Collector, add_alts, clean_display, log, place, rep_point, simplify, slug
from .geonames import NoCountryFeatures
from .naturalearth import (LATIN_RIVER_CC, V5_MISMATCHED, V5Names, apply_v5, core_name, load_v5, ne_json, ne_rank,
                           v5_key_lake, v5_key_named, v5_key_point, v5_key_region)
from .rivers import derive_rivers


ISLAND_WORD = re.compile(r"(?i)\b(island|islands|isla|islas|ile|île|iles|îles|isle|isles|is\.|atoll|archipelago|"
                         r"pulau|jazireh|jazirat|ostrov|ostrova|nusa|char|ko|koh)\b")
OF_FORMS = re.compile(r"(?i)^(bay|gulf|strait|straits|sea|isle|isles)\s+of\s+(?:the\s+)?(.+)$")
FORM_OF = re.compile(r"(?i)^(.+?)\s+(bay|gulf|strait)$")
JEBEL = re.compile(r"(?i)^(jabal|jebel|djebel|jbel|gebel)\s+(.+)$")
MTS = re.compile(r"(?i)^(.+?)\s+(?:mts\.?|mountains)$")


def kind_variants(rec: dict) -> None:
    """The other forms news gives a physical feature's names, derived from its kind for every feature:
    an island also answers to "X Island" ("Qeshm Island"; islands groups to "X Islands"); a bay, gulf or
    strait to both "Bay of X" and "X Bay" ("Ha Long Bay" / "Bay of Ha Long"); a range "X Mountains" to
    "X Mts." and back; an Arabic "Jabal X" to its other spellings ("Jebel Marra", "Djebel Marra")."""
    names = [rec["name"]] + list(rec["alts"])
    out = []
    code = rec["fcode"]
    for n in names:
        if not n or not is_latin(n):
            continue
        if code in ("ISL", "ISLS") and not ISLAND_WORD.search(n) and len(n.split()) <= 3:
            out.append(f"{n} Islands" if code == "ISLS" else f"{n} Island")
        if code in ("BAY", "GULF", "STRT", "SD", "SEA", "LGN", "INLT", "FJD", "CHN"):
            m = OF_FORMS.match(n)
            if m and m.group(1).lower() in ("bay", "gulf", "strait"):
                out.append(f"{m.group(2)} {m.group(1).title()}")
            m = FORM_OF.match(n)
            if m:
                out.append(f"{m.group(2).title()} of {m.group(1)}")
        m = JEBEL.match(n)
        if m:
            out += [f"{w} {m.group(2)}" for w in ("Jebel", "Jabal", "Djebel")]
        m = MTS.match(n)
        if m and code in ("MTS", "MT", "HLLS", "PLAT"):
            out += [f"{m.group(1)} Mountains", f"{m.group(1)} Mts."]
    add_alts(rec, out)


def derive_physical(src: Path, curated: Path, col: Collector, country_of: Callable[[float, float], str],
                    nocountry: NoCountryFeatures) -> None:
    def merge_gn(rec: dict, geom) -> dict:
        return nocountry.merge(rec, geom, col)

    log("Natural Earth physical")
    used_ids: Counter = Counter()

    def ne_id(kind: str, name: str) -> str:
        base = f"ne:{kind}:{slug(name)}"
        used_ids[base] += 1
        return base if used_ids[base] == 1 else f"{base}-{used_ids[base]}"

    v5_lakes = V5Names(load_v5(src, "ne_10m_lakes"), v5_key_lake)
    v5_marine = V5Names(load_v5(src, "ne_10m_geography_marine_polys"), v5_key_named)
    v5_regions = V5Names(load_v5(src, "ne_10m_geography_regions_polys"), v5_key_region)
    v5_points = V5Names(load_v5(src, "ne_10m_geography_regions_points")
                        + load_v5(src, "ne_10m_geography_regions_elevation_points"), v5_key_point)
    for rec, geom in derive_rivers(src, curated):
        rec["id"] = ne_id("river", rec["name"])
        rec["cc"] = country_of(rec["lat"], rec["lon"])
        if rec["cc"] in LATIN_RIVER_CC and not re.match(r"(?i)r[ií]o\b", rec["name"]):
            add_alts(rec, [f"Rio {rec['name']}", f"Río {rec['name']}"])
        merge_gn(rec, geom)
        col.add(rec, geom)

    lake_codes = {"Lake": "LK", "Reservoir": "RSV", "Alkaline Lake": "LKSL"}
    lakes = ne_json(src, "ne_10m_lakes")
    lake_cores = {core_name(clean_display(f["properties"]["name"])) for f in lakes if f["properties"].get("name")}
    for f in lakes:
        p = f["properties"]
        if not p.get("name") or not f["geometry"]:
            continue
        name = clean_display(p["name"])
        geom = simplify(shape(f["geometry"]), TOL_PHYSICAL)
        lat, lon = rep_point(geom)
        rec = place(ne_id("lake", name), name, lat, lon, "H", lake_codes.get(p["featurecla"], "LK"),
                    country_of(lat, lon), "", 0, ne_rank(p.get("scalerank")),
                    src="Natural Earth 10m lakes (v4); representative point inside")
        add_alts(rec, [a for a in (p.get("name_alt"), p.get("name_abb")) if a])
        apply_v5(rec, v5_lakes.get(p), "lake", lake_cores - {core_name(name)})
        kind_variants(rec)
        merge_gn(rec, geom)
        col.add(rec, geom)

    marine_codes = {"sea": "SEA", "gulf": "GULF", "bay": "BAY", "strait": "STRT", "sound": "SD", "channel": "CHN",
                    "generic": "SEA", "lagoon": "LGN", "fjord": "FJD", "ocean": "OCN", "river": "STMM",
                    "reef": "RF", "inlet": "INLT"}
    marine: dict[str, list] = defaultdict(list)
    for f in ne_json(src, "ne_10m_geography_marine_polys"):
        p = f["properties"]
        if p.get("name") and f["geometry"]:
            marine[clean_display(p["name"])].append((p, shape(f["geometry"])))
    for name, items in sorted(marine.items()):
        geom = simplify(unary_union([g for _, g in items]), TOL_PHYSICAL)
        p = items[0][0]
        lat, lon = rep_point(geom)
        rec = place(ne_id("marine", name), name, lat, lon, "H", marine_codes.get(p["featurecla"], "SEA"), "", "",
                    0, ne_rank(p.get("scalerank")), src="Natural Earth 10m marine polygons (v4); representative point")
        if p.get("namealt"):
            add_alts(rec, [p["namealt"]])
        apply_v5(rec, v5_marine.get(p), "marine")
        kind_variants(rec)
        merge_gn(rec, geom)
        col.add(rec, geom)

    region_codes = {"Island": ("T", "ISL"), "Range/mtn": ("T", "MTS"), "Island group": ("T", "ISLS"),
                    "Plateau": ("T", "PLAT"), "Desert": ("T", "DSRT"), "Pen/cape": ("T", "PEN"),
                    "Geoarea": ("L", "RGN"), "Coast": ("L", "CST"), "Plain": ("T", "PLN"), "Delta": ("T", "DLTA"),
                    "Peninsula": ("T", "PEN"), "Basin": ("T", "BSNU"), "Valley": ("T", "VAL"),
                    "Lowland": ("T", "LWLD"), "Tundra": ("L", "TUND"), "Isthmus": ("T", "ISTH"),
                    "Wetlands": ("H", "WTLD"), "Gorge": ("T", "GRGE"), "Foothills": ("T", "HLLS"),
                    "Lake": ("H", "LK"), "Depression": ("T", "DPR")}
    regions: dict[tuple, list] = defaultdict(list)
    for f in ne_json(src, "ne_10m_geography_regions_polys"):
        p = f["properties"]
        if not p.get("name") or not f["geometry"] or p["featurecla"] in ("Continent", "Dragons-be-here"):
            continue
        regions[(clean_display(p["name"]), p["featurecla"])].append((p, shape(f["geometry"])))
    for (name, fc), items in sorted(regions.items()):
        geom = simplify(unary_union([g for _, g in items]), TOL_PHYSICAL)
        p = items[0][0]
        fcl, fcode = region_codes.get(fc, ("L", "RGN"))
        lat, lon = rep_point(geom)
        rec = place(ne_id("region", name), name, lat, lon, fcl, fcode, country_of(lat, lon), "", 0,
                    ne_rank(p.get("scalerank")), src="Natural Earth 10m geography regions (v4); representative point")
        alts = [p.get("namealt")] if p.get("namealt") else []
        if name != p["name"].strip():
            alts.append(p["name"])
        add_alts(rec, alts)
        apply_v5(rec, v5_regions.get(p), "region")
        kind_variants(rec)
        merge_gn(rec, geom)
        col.add(rec, geom)

    point_codes = {"island": ("T", "ISL"), "cape": ("T", "CAPE"), "waterfall": ("H", "FLLS"), "pole": ("L", "PT"),
                   "plain": ("T", "PLN"), "island group": ("T", "ISLS"), "mountain": ("T", "MT"),
                   "depression": ("T", "DPR"), "plateau": ("T", "PLAT"), "pass": ("T", "PASS")}
    for fname in ("ne_10m_geography_regions_points", "ne_10m_geography_regions_elevation_points"):
        for f in ne_json(src, fname):
            p = f["properties"]
            if not p.get("name") or p["featurecla"] not in point_codes:
                continue
            name = clean_display(p["name"])
            fcl, fcode = point_codes[p["featurecla"]]
            lat, lon = p["lat_y"], p["long_x"]
            rec = place(ne_id("point", name), name, lat, lon, fcl, fcode, country_of(lat, lon), "", 0,
                        ne_rank((p.get("scalerank") or 8) + 1), src=f"Natural Earth 10m {fname[7:]} (v4)")
            if p.get("name_alt"):
                add_alts(rec, [p["name_alt"]])
            if name != p["name"]:
                add_alts(rec, [p["name"]])
            apply_v5(rec, v5_points.get(p), "mountain" if fcode == "MT" else "point")
            kind_variants(rec)
            merge_gn(rec, Point(lon, lat).buffer(0.5))
            if rec["id"] not in col.places:
                col.add(rec)

    log(f"  Natural Earth v5 joins refused (another feature's English name): {len(V5_MISMATCHED)}: "
        + ", ".join(f"{a} / {b}" for a, b in V5_MISMATCHED[:40]))
    log(f"  Natural Earth v5 names joined: lakes {v5_lakes.joined}, marine {v5_marine.joined}, "
        f"regions {v5_regions.joined}, points {v5_points.joined}")
