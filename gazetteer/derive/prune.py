"""Pruning of alternate names that make news text land on the wrong place (country names, other
countries' units, curated not-names, generic English place words)."""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from geo.features import COUNTRY_CODES
from geo.gazetteer.names import is_latin, normalize
from geo.gazetteer.priors import admin_short_names

from .common import BIG_CITY, Collector, read_tsv


# English words that name a kind of place or a direction, never one place ("Area" listed for Mundelein,
# "Camp" for Camp County, the Icelandic "Ísland" that folds to "island")
GENERIC_WORDS = set("""area areas camp city town village park valley lake lakes river bay island islands point
beach harbour harbor station junction centre center central field springs falls heights hills hill port mount
creek north south east west district county state province region border crossing airport square street road
highway bridge dam coast sea gulf strait cape desert mountains mountain delta plain""".split())


def prune_alternate_names(col: Collector, curated: Path) -> Counter:
    """Drop alternate names that make news text land on the wrong place. Three rules (a place always keeps
    its own main name):

    1. ``country-name``: a place other than a country loses an alternate name that is a country's main
       name ("Mexico" of Mexico City, "Kuwait" of Kuwait City, "Panama" of Panama City): named alone in
       English, it is the country.
    2. ``other-country-unit``: a country loses an alternate name that is the main name of a country, a
       first-level division or a city of 100,000+ of another country ("Sikkim" listed for Slovakia).
    3. ``not-a-place``: an alternate name listed in ``curated/not_names.tsv`` (organisations, companies,
       brands and people far more often meant than the place that lists them as a secondary name:
       "Google" of Topeka, "Hamas" of Hamm, "Hilton" of Saint Clair).
    4. ``generic-word``: an alternate name that is, once normalised, a generic English word for a kind of
       place or a direction (``GENERIC_WORDS``: "Area" of Mundelein, "Island" from Iceland's "Ísland").
    5. ``other-unit-name``: a first-level division loses an alternate name that is the main name (or its
       short form, without "Province", "Region"...) of another first-level division of the same country
       ("Đồng Nai" listed for Bình Dương Province, "Lâm Đồng" for Tuyên Quang Province after a merger).
    """
    dropped: Counter = Counter()
    country_keys: dict[str, str] = {}
    unit_keys: dict[str, set[str]] = defaultdict(set)  # key -> country codes whose country/ADM1/big city has it
    for r in col.places.values():
        k = normalize(r["name"])
        if r["fcl"] == "A" and r["fcode"] in COUNTRY_CODES:
            country_keys[k] = r["cc"]
            unit_keys[k].add(r["cc"])
        elif (r["fcl"] == "A" and r["fcode"] == "ADM1") or (r["fcl"] == "P" and r["pop"] >= BIG_CITY):
            unit_keys[k].add(r["cc"])
    not_names = {normalize(r["name"]) for r in read_tsv(curated / "not_names.tsv")}
    adm1_keys: dict[tuple[str, str], set] = defaultdict(set)  # (cc, key) -> ids of ADM1s of that main name
    for pid, r in col.places.items():
        if r["fcl"] == "A" and r["fcode"] == "ADM1":
            k = normalize(r["name"])
            for key in (k, *admin_short_names(r["name"], k)):
                adm1_keys[(r["cc"], key)].add(pid)
    for pid, r in col.places.items():
        own = normalize(r["name"])
        is_country = r["fcl"] == "A" and r["fcode"] in COUNTRY_CODES
        keep = []
        for a in r["alts"]:
            k = normalize(a)
            if k == own:
                keep.append(a)
                continue
            if k in not_names:
                dropped["not-a-place"] += 1
                continue
            if k in GENERIC_WORDS:
                dropped["generic-word"] += 1
                continue
            if not is_country and r["fcl"] in ("A", "P") and k in country_keys:
                dropped["country-name"] += 1
                continue
            if is_country and unit_keys.get(k) and r["cc"] not in unit_keys[k] and is_latin(a):
                dropped["other-country-unit"] += 1
                continue
            if r["fcl"] == "A" and r["fcode"] == "ADM1" and adm1_keys.get((r["cc"], k), {pid}) - {pid}:
                dropped["other-unit-name"] += 1
                continue
            keep.append(a)
        r["alts"] = keep
    return dropped

