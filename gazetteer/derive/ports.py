"""Sea and river ports: NGA's World Port Index (Pub. 150), each port named as news names a port ("Port of
Hodeidah", "Hodeidah Port"), never by the bare town name, which stays the town's."""
from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path
from typing import Callable

from geo.gazetteer.names import is_latin, normalize

from .common import Collector, add_alts, log, place

# a name that already says it is a port ("Port Sudan", "Porto di Palermo", "Kuantan New Port", "Puerto Cortés")
PORT_WORD = re.compile(r"(?i)\b(port|porto|puerto|ports?mouth|harbou?r|haven|havn|hamn|hafen|terminal|anchorage|"
                       r"marina|wharf|pier|jetty|mina|bandar|liman[iı]?|limani)\b")
PORT_RANK = {"Large": "0.300", "Medium": "0.260"}  # the rest 0.200: below towns' and airports' priors
OTHER_RANK = "0.200"


def port_names(name: str) -> list[str]:
    """A WPI port name in the forms news uses: "Port of X" and "X Port" (a name with a port word of its own
    is kept as it is)."""
    name = re.sub(r"\s+", " ", name).strip()
    if not name or not is_latin(name):
        return []
    if PORT_WORD.search(name):
        return [name]
    return [f"Port of {name}", f"{name} Port"]


def derive_ports(src: Path, col: Collector, country_of: Callable[[float, float], str]) -> int:
    """Add the World Port Index's ports (S.PRT; point = WPI's; country = the outline the point is in, else
    WPI's country name); a port named exactly like a town within 0.2 degrees ("Port Sudan") is left to it."""
    country_by_name = {}
    for cc, pid in col.country_ids.items():
        r = col.places[pid]
        for n in [r["name"]] + r["alts"]:
            country_by_name.setdefault(normalize(n), cc)
    with gzip.open(src / "ports_wpi" / "UpdatedPub150.csv.gz", "rt", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    towns: dict[str, list[tuple[float, float]]] = {}
    for t in col.places.values():
        if t["fcl"] == "P":
            towns.setdefault(normalize(t["name"]), []).append((t["lat"], t["lon"]))
    n = skipped = 0
    for r in rows:
        names = port_names(r["Main Port Name"])
        if not names:
            continue
        lat, lon = float(r["Latitude"]), float(r["Longitude"])
        if any(abs(a - lat) < 0.2 and abs(b - lon) < 0.2 for a, b in towns.get(normalize(names[0]), [])):
            skipped += 1  # a town's own name with a port word ("Port Sudan", "Port of Spain"): the town's
            continue
        cc = country_of(lat, lon) or country_by_name.get(normalize(r["Country Code"]), "")
        pid = f"wpi:{int(float(r['World Port Index Number']))}"
        if pid in col.places:
            continue  # the export repeats a few index numbers: the first row is the port
        rec = place(pid, names[0], lat, lon, "S", "PRT", cc, "", 0,
                    PORT_RANK.get(r["Harbor Size"].strip(), OTHER_RANK),
                    src="NGA World Port Index (Pub. 150) via UpdatedPub150.csv")
        alts = names[1:]
        for alt in (r.get("Alternate Port Name") or "").split(";"):
            alts += port_names(alt)
        add_alts(rec, alts)
        col.add(rec)
        n += 1
    log(f"  ports: {n}; left to the town of the same name: {skipped}")
    return n
