"""Map units without a country code: Natural Earth admin-0 features that are no ISO 3166 country
(breakaway states such as Somaliland and Northern Cyprus, sovereign base areas, leased bases, disputed
islands and reefs, terra nullius) and the QGIS / Natural Earth admin-1 polygons whose admin-0 unit is
such a feature (Siachen Glacier, Baykonur Cosmodrome)."""
from __future__ import annotations

import io
import re
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Callable

from shapely.geometry import shape
from shapely.ops import unary_union

from geo.gazetteer.names import normalize

from .common import TOL_COUNTRY, Collector, add_alts, clean_display, log, place, rep_point, simplify
from .naturalearth import same_name
from .qgis import gpkg_geom

NAME_FIELDS = ("ADMIN", "NAME_LONG", "NAME", "FORMAL_EN", "NAME_SORT", "NAME_ALT", "GEOUNIT", "SUBUNIT",
               "BRK_NAME", "NAME_CIAWF", "NAME_EN", "NAME_FR", "NAME_ES", "NAME_DE", "NAME_PT", "NAME_IT",
               "NAME_AR", "NAME_RU", "NAME_FA", "NAME_HE", "NAME_UK", "NAME_TR", "NAME_ZH")
ENGLISH_FIELDS = NAME_FIELDS[:10]
# the kind a unit's own name states; the rest are administrative units (ADMD, as curated breakaway regions)
KIND_OF_NAME = ((re.compile(r"(?i)\breef\b"), ("H", "RF")), (re.compile(r"(?i)\bglacier\b"), ("H", "GLCR")),
                (re.compile(r"(?i)\b(islands|is\.)$"), ("T", "ISLS")), (re.compile(r"(?i)\b(island|i\.)$"), ("T", "ISL")))
DE_FACTO_STATE_RANK = "0.62"  # as the curated breakaway regions (Transnistria 0.6): below a country, above towns
MINOR_UNIT_RANK = "0.40"      # bases, reefs, islets and terra nullius


def _kind(name: str) -> tuple[str, str]:
    for rx, kind in KIND_OF_NAME:
        if rx.search(name):
            return kind
    return ("A", "ADMD")


def _read_shp(path_or_zip: Path, base: str) -> list[tuple[dict, object]]:
    import shapefile  # pyshp; optional dependency of the derivation only

    if path_or_zip.suffix == ".zip":
        import zipfile
        z = zipfile.ZipFile(path_or_zip)
        r = shapefile.Reader(shp=io.BytesIO(z.read(base + ".shp")), shx=io.BytesIO(z.read(base + ".shx")),
                             dbf=io.BytesIO(z.read(base + ".dbf")), encoding="utf-8")
    else:
        r = shapefile.Reader(str(path_or_zip / base), encoding="utf-8")
    fields = [f[0] for f in r.fields[1:]]
    return [(dict(zip(fields, sr.record)), shape(sr.shape.__geo_interface__)) for sr in r.iterShapeRecords()]


def _no_iso(attrs: dict, country_names: set[str]) -> bool:
    """No ISO 3166 code of its own: ISO_A2 is -99 and the unit is not the country its ISO_A2_EH names
    (NE gives Norway, France and Kosovo -99 too)."""
    if str(attrs.get("ISO_A2")) != "-99":
        return False
    return normalize(str(attrs.get("ADMIN", ""))) not in country_names


def derive_map_units(src: Path, col: Collector, country_of: Callable[[float, float], str]) -> int:
    """Add the admin-0 map units that have no ISO code: the 10m Germany point-of-view edition's (bases,
    disputed islands, Bir Tawil, Brazilian Island...), the default edition's 110m units missing from it
    (Somaliland and Northern Cyprus, which the German edition draws inside Somalia and Cyprus), and the
    QGIS admin-1 polygons whose admin-0 code is none of those nor a country's. A unit whose names are a
    place's nearby (within 2.5 degrees: "Clipperton Island", "Spratly Islands") only adds its names to that place."""
    country_names = {normalize(col.places[pid]["name"]) for pid in col.country_ids.values()}
    country_names |= {normalize(a) for pid in col.country_ids.values() for a in col.places[pid]["alts"]}
    units: dict[str, tuple[dict, object]] = {}
    base = src / "naturalearth_v5_admin0"
    deu = _read_shp(base / "ne_10m_admin_0_countries_deu.zip", "ne_10m_admin_0_countries_deu")
    known_a3 = {str(a.get("ADM0_A3")) for a, _ in deu}
    for attrs, geom in deu:
        if _no_iso(attrs, country_names):
            units.setdefault(attrs["ADM0_A3"], (attrs, geom))
    for attrs, geom in _read_shp(base, "ne_110m_admin_0_countries"):
        if _no_iso(attrs, country_names):
            units.setdefault(attrs["ADM0_A3"], (attrs, geom))
    # admin-1 polygons of admin-0 units that are no country (QGIS world_map, from NE 10m admin-1 v4.1)
    con = sqlite3.connect(f"file:{src / 'qgis_world_map/world_map.gpkg'}?mode=ro", uri=True)
    parts: dict[tuple[str, str], list] = defaultdict(list)
    for admin, a3, blob in con.execute("SELECT admin, adm0_a3, geom FROM states_provinces"):
        if a3 in units or not admin or normalize(admin) in country_names:
            continue
        parts[(a3, admin)].append(gpkg_geom(blob))
    con.close()
    for (a3, admin), gs in parts.items():
        if a3 not in known_a3:  # an admin-0 unit of its own in NE (KAS, KAB), not a province of a country
            units[a3] = ({"ADMIN": admin, "ADM0_A3": a3, "TYPE": "Indeterminate"}, unary_union(gs))
    n_new = 0
    merged: list[str] = []
    by_name: dict[str, list[dict]] = defaultdict(list)
    for r in col.places.values():
        if r["fcl"] in ("A", "T", "H", "L", "S"):
            by_name[normalize(r["name"])].append(r)
    for a3, (attrs, geom) in sorted(units.items()):
        name = clean_display(str(attrs["ADMIN"]))
        geom = simplify(geom, TOL_COUNTRY)
        try:
            lat, lon = float(attrs["LABEL_Y"]), float(attrs["LABEL_X"])
        except (KeyError, TypeError, ValueError):
            lat, lon = rep_point(geom)
        fields = NAME_FIELDS
        if not same_name(name, str(attrs.get("NAME_EN") or "")):
            fields = ENGLISH_FIELDS  # NE 5.1.1 gives the Spratly Islands Wake Island's names in every language
        # NAME_ALT lists names ("Gitmo, GTMO"); NAME_SORT inverts one ("Cyprus, Northern": left out)
        names = [clean_display(n) for k in fields if k != "NAME_SORT"
                 for n in (re.split(r",\s*", str(attrs.get(k) or "")) if k == "NAME_ALT" else [str(attrs.get(k) or "")])]
        names = [n for n in names if n and n != "-99"]
        near = [r for n in names for r in by_name.get(normalize(n), [])
                if abs(r["lat"] - lat) < 2.5 and abs(r["lon"] - lon) < 2.5]
        if near:
            add_alts(near[0], names)
            merged.append(f"{name} -> {near[0]['id']} {near[0]['name']}")
            continue
        fcl, fcode = _kind(str(attrs.get("NAME") or name))
        de_facto = attrs.get("TYPE") == "Sovereign country"
        cc = country_of(lat, lon) or (attrs.get("ISO_A2_EH") if str(attrs.get("ISO_A2_EH", "-99")) != "-99" else "")
        rec = place(f"ne:adm0:{a3.lower()}", name, lat, lon, fcl, fcode, cc, "", 0,
                    DE_FACTO_STATE_RANK if de_facto else MINOR_UNIT_RANK,
                    src="Natural Earth admin-0 map unit without an ISO code (v5.1.1"
                        + (", 110m default edition" if de_facto else ", 10m") + "); label point")
        add_alts(rec, names)
        col.add(rec, geom)
        n_new += 1
    log(f"  admin-0 map units without an ISO code: {n_new} added; merged into a place: "
        + ", ".join(merged))
    return n_new
