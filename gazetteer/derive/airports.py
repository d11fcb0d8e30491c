"""Airports: Natural Earth's 10m airports (v4 point, v5 English name joined on the IATA/ICAO code)."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Callable

from geo.gazetteer.names import is_latin

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



def add_airports(src: Path, col: Collector, country_of: Callable[[float, float], str]) -> None:
    log("airports")
    n_air = 0
    for rec in derive_airports(src):
        rec["cc"] = country_of(rec["lat"], rec["lon"])
        if rec["id"] not in col.places:
            col.add(rec)
            n_air += 1
    log(f"  airports: {n_air}")
