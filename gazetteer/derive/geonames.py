"""GeoNames: countryInfo, admin1CodesASCII, and the no-country.txt physical features (H/L/T) whose id,
point and names a Natural Earth feature takes when both describe the same feature."""
from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from shapely.geometry import Point

from geo.gazetteer.names import normalize

from .common import Collector, add_alts, log, place, read_tsv


def read_country_info(src: Path) -> dict[str, dict]:
    out = {}
    for line in open(src / "geonames/countryInfo.txt", encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        out[f[0]] = {"iso": f[0], "name": f[4], "capital": f[5], "pop": int(f[7] or 0), "continent": f[8],
                     "gid": f[16]}
    return out



def read_admin1_ascii(src: Path) -> dict[str, list[str]]:
    """admin1CodesASCII rows by code ("SY.07": [code, name, ascii name, geonameid])."""
    a1_ascii = {}
    for f in read_tsv(src / "geonames/admin1CodesASCII.txt", header=False):
        a1_ascii[f[0]] = f
    return a1_ascii


class NoCountryFeatures:
    """GeoNames no-country.txt physical features (H/L/T), indexed by every normalised name."""

    def __init__(self, src: Path) -> None:
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
        self.by_key = gn_phys
        self.merged: set[str] = set()  # ids already taken by another feature

    def merge(self, rec: dict, geom, col: Collector) -> dict:
        """Give an NE feature GeoNames' id, point and names if GeoNames has the same feature."""
        for key in [normalize(rec["name"])] + [normalize(a) for a in rec["alts"]]:
            for g in self.by_key.get(key, []):
                if g["id"] in self.merged or g["id"] in col.places:
                    continue
                if geom is not None and geom.distance(Point(g["lon"], g["lat"])) > 3.0:
                    continue
                self.merged.add(g["id"])
                rec.update(id=g["id"], gid=g["gid"], lat=g["lat"], lon=g["lon"], fcode=g["fcode"], fcl=g["fcl"],
                           src=rec["src"] + "; id, point and names from GeoNames no-country.txt")
                add_alts(rec, [g["name"]] + g["alts"])
                return rec
        return rec

    def add_unmerged(self, col: Collector) -> None:
        """The features no Natural Earth feature took, as places of their own."""
        for key, recs in sorted(self.by_key.items()):
            for g in recs:
                if g["id"] not in self.merged and g["id"] not in col.places:
                    col.add(g)
