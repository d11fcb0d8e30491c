"""The priors: a place's importance (0..1, from its feature code, population or rank) and each name's
factor on it (alternate, derived, shadowed, city clash), and the derived short forms of admin and physical
names ("Deir ez-Zor Governorate" -> "deir ez zor", "Negev Desert" -> "negev")."""
from __future__ import annotations

import math
import re

from .names import normalize


def pop_scale(pop: int) -> float:
    """0 for <=100 people, 1 for >=100 million, log-linear between."""
    if pop <= 100:
        return 0.0
    return min(1.0, (math.log10(pop) - 2.0) / 6.0)


# base importance of each country-like feature code (the keys are geo.features.COUNTRY_CODES
# without PCLIX, a section of a country, scored as any other admin area)
_COUNTRY_BASE = {"PCLI": 0.9, "PCLS": 0.8, "PCLF": 0.78, "PCLD": 0.75, "PCL": 0.8, "TERR": 0.72, "PCLH": 0.45}
_CITY_BONUS = {"PPLC": 0.15, "PPLA": 0.06, "PPLA2": 0.03, "PPLG": 0.05}


def importance(fclass: str, fcode: str, population: int, rank: float | None = None) -> float:
    """A 0..1 prior: continents and countries high, admin1 and big cities next, villages near 0."""
    ps = pop_scale(population)
    if rank is not None:
        value = rank
    elif fcode == "CONT":
        value = 0.97
    elif fcode in _COUNTRY_BASE:
        value = _COUNTRY_BASE[fcode] + 0.1 * ps
    elif fcode == "ADM1":
        value = 0.5 + 0.25 * ps
    elif fcode == "ADM2":
        value = 0.3 + 0.25 * ps
    elif fclass == "A":
        value = 0.25 + 0.25 * ps
    elif fclass == "P":
        value = 0.9 * ps + _CITY_BONUS.get(fcode, 0.0)
    else:
        value = 0.3 + 0.3 * ps
    return round(max(0.0, min(1.0, value)), 4)


# name kinds and their factor on the prior
KIND_MAIN, KIND_ALT, KIND_ALIAS, KIND_DERIVED = 0, 1, 2, 3
KIND_FACTOR = {KIND_MAIN: 1.0, KIND_ALT: 0.97, KIND_ALIAS: 1.0, KIND_DERIVED: 0.95}
ADMIN1_TYPE_WORDS = ("province", "region", "governorate", "oblast", "state")
SHADOWED_FACTOR = 0.8  # an alternate name that is another notable place's main name
SHADOW_MIN_IMPORTANCE = 0.3
CITY_CLASH_FACTOR = 0.75  # an admin unit named like a city inside it: news usually means the city

_ADMIN_AFFIX = re.compile(
    r"^(?:muhafazat|mintaqat|wilayat|provincia de|province de|provincia di|departamento de|departement de|"
    r"estado de|state of|region de|oblast|gouvernorat de|governorate of|province of)\s+|"
    r"\s+(?:governorate|province|oblast|oblast'|region|state|county|district|prefecture|department|"
    r"municipality|parish|emirate|voivodeship|kray|krai|republic|autonomous okrug|autonomous region|"
    r"territory|division|canton|governorate|city|municipal district|"
    # the romanised unit words GeoNames keeps in division names ("Shanxi Sheng", "Beijing Shi", "Ningxia Huizu
    # Zizhiqu", "Dagana Dzongkhag", "Moca Municipio")
    r"sheng|shi|(?:huizu |zhuangzu |uygur )?zizhiqu|dzongkhag|rayon|aymag|municipio|novads|megye|marz|oblysy)$")


_LEADING_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an) (?=\w{3,})")
_PHYSICAL_SUFFIX = {
    "DSRT": re.compile(r"\s+desert$"), "MTS": re.compile(r"\s+(?:mountains|range)$"),
    "PLAT": re.compile(r"\s+plateau$"), "STM": re.compile(r"\s+river$"),
}


def admin_short_names(name: str, key: str | None = None) -> list[str]:
    """Normalised short forms: 'Deir ez-Zor Governorate' -> ['deir ez zor']; 'Muhafazat al Anbar' ->
    ['al anbar', 'anbar']."""
    out = []
    key = normalize(name) if key is None else key  # key: normalize(name), when already known
    short = _ADMIN_AFFIX.sub("", key).strip()
    while short and short != key:
        out.append(short)
        key, short = short, _ADMIN_AFFIX.sub("", short).strip()
    if out and _LEADING_ARTICLE.match(out[-1]):
        out.append(_LEADING_ARTICLE.sub("", out[-1]))
    return out


def physical_short_names(fcode: str, name: str, key: str | None = None) -> list[str]:
    """'Negev Desert' -> ['negev']; 'Zagros Mountains' -> ['zagros'] (at least 4 letters left)."""
    rx = _PHYSICAL_SUFFIX.get(fcode)
    if rx is None:
        return []
    key = normalize(name) if key is None else key
    short = rx.sub("", key)
    return [short] if short != key and len(short) >= 4 else []
