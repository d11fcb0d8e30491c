"""Prominence: which places a reader knows by their bare name, wherever the text comes from.

A one-line bulletin ("Shelling hit Kharkiv overnight, officials said.") or a headline ("Earthquake
Strikes Kharkiv") carries no context that could back a name; what makes "Kharkiv" a place there is
the place itself: a city of 1.4 million. The extractor (headlines, names NER mislabels) and the
resolver (a lone capitalised word only the gazetteer matcher found) ask the same questions here:

* :func:`well_known`: is the place a country, a province, a big city, a capital, a major river/sea?
* :func:`own_name`: does the name the text used belong to the place (its name, a form or a spelling
  of it), or is it an alias that happens to be another word ("White House" for Casablanca)?
* :func:`latin`: is the matched name written in Latin letters (transliterated non-Latin aliases turn
  into noise such as "Gov" for Goa)?
"""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from rapidfuzz.fuzz import ratio

from .features import COUNTRY_CODES
from .gazetteer.names import normalize

if TYPE_CHECKING:  # pragma: no cover
    from .types import Candidate, Place

#: Feature classes of physical features (water, terrain, regions, vegetation, undersea).
PHYSICAL_CLASSES: frozenset[str] = frozenset({"H", "T", "L", "V", "U"})
#: Besides countries: areas that answer to short forms and acronyms (ZN: the EU and other unions).
SHORT_FORM_CODES: frozenset[str] = frozenset({"ADM1", "CONT", "ZN"})
MIN_POPULATION = 100_000  # a city this big is known by name
MIN_PHYSICAL = 0.5  # importance of a river, sea, range or region known by name (Natural Earth rank <= 5)


def well_known(place: "Place", *, min_population: int = MIN_POPULATION, min_physical: float = MIN_PHYSICAL) -> bool:
    """Is ``place`` one a reader knows by its bare name?

    Countries and continents; every first-level division (a state, a province, a region, a parish:
    the first level a country divides into is what its news names, whatever its size); cities of ``min_population`` people or more, capitals of
    countries, capitals of provinces of a fifth of that; rivers, seas, ranges and regions at least
    ``min_physical`` important (Natural Earth scale rank 5 or better). Not the Earth ("World").
    """
    fc = place.feature_code or ""
    if fc in COUNTRY_CODES or fc == "CONT":
        return True
    if fc == "ADM1":
        return True
    if place.feature_class == "P":
        return (place.population >= min_population or fc in {"PPLC", "PPLG"}
                or (fc == "PPLA" and place.population >= min_population // 5))
    if place.feature_class in PHYSICAL_CLASSES and fc != "AREA":
        return place.importance >= min_physical
    return False


def own_name(c: "Candidate") -> bool:
    """Does candidate ``c`` answer to the place's own name, a form of it ("Euphrates" for "Euphrates
    River") or a spelling of it ("Khan Younis" for "Khān Yūnis", "Seville" for "Sevilla"), rather than
    to an alias that is another word ("White House" for Casablanca, "Hamas" an old name of Hamm)?
    Countries, provinces, continents and unions of countries answer to their short forms and aliases
    ("Syria", "Idlib", "EU")."""
    p = c.place
    if not latin(c.matched_name):
        return False
    if p.feature_code in COUNTRY_CODES or p.feature_code in SHORT_FORM_CODES:
        return True
    na, nb = normalize(c.matched_name), normalize(p.name)
    return na == nb or f" {na} " in f" {nb} " or f" {nb} " in f" {na} " or ratio(na, nb) >= 80


def latin(name: str) -> bool:
    """Is ``name`` written in Latin letters? ("Gov" and "B" are what a Kannada name of Goa and an
    Arabic name of Ibb become once transliterated: no evidence that "Gov." is a place.)"""
    return all(ch < "\u0250" or unicodedata.name(ch, "").startswith("LATIN") for ch in name if ch.isalpha())
