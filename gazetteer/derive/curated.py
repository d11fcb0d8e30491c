"""Curated places (curated/places.tsv: Kurdistan Region, Donbas, Strait of Hormuz, ...): our own points,
or iso3166-2 subdivision points, or a point inside a union of other places' outlines. A row whose id is a
derived place's (``ne:adm0:cyn``) only adds its alternate names to that place."""
from __future__ import annotations

import json
from pathlib import Path

from shapely.ops import unary_union

from .common import Collector, add_alts, log, place, read_tsv, rep_point


def derive_curated(src: Path, curated: Path, col: Collector) -> None:
    log("curated")
    iso_pts = json.load(open(src / "iso3166_2/iso3166-2.json", encoding="utf-8"))
    for r in read_tsv(curated / "places.tsv"):
        if r["id"].startswith("#"):
            continue
        if r["id"] in col.places:  # a derived place: the row only adds its news names
            if r["name"] != col.places[r["id"]]["name"]:
                raise SystemExit(f"curated/places.tsv: {r['id']} is {col.places[r['id']]['name']!r}, not {r['name']!r}")
            add_alts(col.places[r["id"]], [a for a in r["alternate_names"].split("|") if a])
            continue
        geom = None
        recipe = r.get("geometry", "").strip()
        if recipe.startswith("union:"):
            gs = [col.geoms.get(i) for i in recipe[6:].split("+")]
            geom = unary_union([g for g in gs if g is not None]) if any(g is not None for g in gs) else None
        if r["lat"].startswith("iso3166-2:"):  # a subdivision point from the iso3166-2 package
            code = r["lat"].split(":", 1)[1]
            lat, lon = iso_pts[code[:2]][code]["latLng"]
        elif r["lat"]:
            lat, lon = float(r["lat"]), float(r["lon"])
        elif geom is not None:
            lat, lon = rep_point(geom)
        else:
            raise SystemExit(f"curated/places.tsv: {r['id']} has neither a point nor a geometry")
        rec = place(r["id"], r["name"], lat, lon, r["feature_class"], r["feature_code"], r["country_code"],
                    r["admin1_code"], int(r["population"] or 0), r["rank"], r["geonameid"],
                    src="curated: " + r["source"])
        add_alts(rec, [a for a in r["alternate_names"].split("|") if a])
        col.add(rec, geom)
