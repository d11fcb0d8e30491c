"""QGIS world_map.gpkg admin-1 polygons, each given to the GeoNames admin1 unit that most of the
cities500 points inside it (weighted by log population) and the ADM1 point belong to."""
from __future__ import annotations

import math
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import shapely
from shapely import wkb as shapely_wkb
from shapely.ops import unary_union

from .common import TOL_ADMIN1, Collector, log, simplify


def gpkg_geom(blob: bytes):
    flags = blob[3]
    env = (flags >> 1) & 0x07
    size = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[env]
    return shapely_wkb.loads(bytes(blob[size:]))



def admin1_polygons(src: Path, col: Collector, cities: dict, a1_recs: dict[str, dict]) -> None:
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
