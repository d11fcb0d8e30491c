"""Shared helpers of the derivation: the record collector, record construction, alternate names, text
cleaning and geometry simplification (what every source module uses)."""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import shapely
from shapely.ops import unary_union

from geo.gazetteer.names import is_latin, normalize

csv.field_size_limit(10**9)

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

