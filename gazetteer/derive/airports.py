"""Airports: Natural Earth's 10m airports (v4 point, v5 English name joined on the IATA/ICAO code), and
the airportsdata airports that have an IATA code (scheduled-service airports and airfields)."""
from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
import re
from pathlib import Path
from typing import Callable

from geo.gazetteer.names import is_latin, normalize

from .common import Collector, add_alts, log, place, slug
from .naturalearth import V5_LANGS, load_v5


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



# words that make a name an airport's (airportsdata names: "RAF Akrotiri", "CFB Trenton", "X Air Park")
AIRPORT_NAME = re.compile(r"(?i)\b(airport|international|airfield|aerodrome|air base|airstrip|field|air ?park|"
                          r"air force (base|station)|air station|seaplane base|landing strip|raf|rnas|rnzaf|cfb|"
                          r"aeropuerto|aeroporto|a[ée]roport)\b")
AIRPORTSDATA_RANK = "0.250"  # below Natural Earth's airports (0.3 / 0.4): the smaller fields


def airport_display(name: str) -> str:
    """An airportsdata name as news writes it: "Intl" spelt out, and "Airport" added to a bare place name
    ("Kabwum" -> "Kabwum Airport": the bare name is the town's)."""
    name = re.sub(r"\s+", " ", re.sub(r"(?i)\bIntl\b\.?", "International", name)).strip()
    if not AIRPORT_NAME.search(name):
        name = f"{name} International Airport" if name.endswith("International") else f"{name} Airport"
    if re.search(r"(?i)\binternational$", name):
        name += " Airport"
    return name


def derive_airportsdata(src: Path) -> list[dict]:
    """The airportsdata airports with an IATA code (7,884 of 28,298; the rest are private strips), named as
    the source names them, never by a bare place name or a code; an airport that is the only one of its
    city also answers to "<city> Airport" ("Lukla Airport")."""
    with gzip.open(src / "airports_airportsdata" / "airports.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["iata"] and r["name"]]
    per_city = Counter((r["country"], r["city"]) for r in rows)
    out = []
    for r in rows:
        name = airport_display(r["name"])
        rec = place(f"ap:{(r['icao'] or r['iata']).lower()}", name, float(r["lat"]), float(r["lon"]), "S", "AIRP",
                    r["country"], "", 0, AIRPORTSDATA_RANK, src="airportsdata 20260905 (IATA-coded airports)")
        alts = []
        if name.endswith(" International Airport"):
            alts.append(name.replace(" International Airport", " Airport"))
        city = r["city"].strip()
        if city and per_city[(r["country"], r["city"])] == 1 and normalize(city) not in normalize(name):
            alts.append(f"{city} Airport")
        add_alts(rec, [a for a in alts if is_latin(a)])
        rec["codes"] = {r["iata"].lower(), r["icao"].lower()} - {""}
        out.append(rec)
    return out


def add_airports(src: Path, col: Collector, country_of: Callable[[float, float], str]) -> None:
    log("airports")
    n_air = 0
    for rec in derive_airports(src):
        rec["cc"] = country_of(rec["lat"], rec["lon"])
        if rec["id"] not in col.places:
            col.add(rec)
            n_air += 1
    n_new = n_merged = 0
    for rec in derive_airportsdata(src):
        codes = rec.pop("codes")
        ne = next((col.places[f"ne:airport:{c}"] for c in sorted(codes) if f"ne:airport:{c}" in col.places), None)
        if ne is not None:  # Natural Earth's airport: airportsdata's name as another name of it
            add_alts(ne, [rec["name"]] + rec["alts"])
            n_merged += 1
        elif rec["id"] not in col.places:
            col.add(rec)
            n_new += 1
    log(f"  airports: Natural Earth {n_air}; airportsdata {n_new} added, {n_merged} merged into Natural Earth's")
