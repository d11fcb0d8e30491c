"""Supranational areas (curated/supranational.tsv: EU, Schengen Area, eurozone): GeoNames no-country.txt
feature, outline = union of the member countries' polygons."""
from __future__ import annotations

from pathlib import Path

from shapely.ops import unary_union

from .common import Collector, add_alts, place, read_tsv, simplify


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

