"""Document focus: the countries, provinces and cities an article is mainly about.

Computed much as CLIFF does (``FrequencyOfMentionFocusStrategy``): every resolved mention counts for
its place, for the province (admin1) it lies in, and for its country; the focus is, at each level, the
place(s) with the highest weight (ties kept). Places where things happen weigh more than actors: a
demonym ("Russian") or a doubtful name (a team, an organisation) counts a quarter, a country named
outside a locative phrase ("Russia said") half, every other mention one (``_weight``); ``count`` in a
record is still the number of mentions. A city is a focus only when it is mentioned more than
once or is the only city of the article, so an article naming twenty towns once each has no city
focus; provinces and countries always have one when any place is resolved.

``focus(parsed, gazetteer=None)`` returns :class:`FocusPlace` records, countries first. The country
or province a focus stands for is the place the article names when it names it; otherwise it is
looked up in ``gazetteer`` when one is given, else reported by code only (``id`` None).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .features import feature_type
from .types import ParsedDocument, Place

LEVELS: tuple[str, ...] = ("country", "province", "city")


@dataclass(frozen=True)
class FocusPlace:
    level: str  # country | province | city
    count: int  # mentions counted for it (its own and those of places inside it)
    country_code: str | None
    admin1_code: str | None = None
    place: Place | None = None

    @property
    def id(self) -> str | None:
        return self.place.id if self.place is not None else None

    def record(self) -> dict:
        """The JSONL form: ``{"level", "count", "name", "id", "geonameid", "country_code", "admin1_code", "lat", "lon"}``."""
        p = self.place
        return {
            "level": self.level,
            "count": self.count,
            "name": p.name if p else None,
            "id": p.id if p else None,
            "geonameid": p.geonameid if p else None,
            "country_code": self.country_code,
            "admin1_code": self.admin1_code,
            "lat": round(p.lat, 6) if p else None,
            "lon": round(p.lon, 6) if p else None,
        }


def _top(counts: dict[Any, int]) -> list[tuple[Any, int]]:
    if not counts:
        return []
    best = max(counts.values())
    return sorted(((k, c) for k, c in counts.items() if c == best), key=lambda kc: str(kc[0]))


#: how much a mention counts towards its places' focus: a demonym ("Russian", an actor) and a place name
#: that may stand for something else (a team, an organisation: a low score) count a quarter, a country
#: named as such half (a country is most often an actor: "Russia said..."), unless a locative word puts
#: the story there ("in Syria"); every other place (a town, a province, a river: where things happen) one
DEMONYM_WEIGHT = 0.25
DOUBT_WEIGHT = 0.25
DOUBT_SCORE = 0.3
COUNTRY_WEIGHT = 0.5
_LOCATIVE: list = []


def _locative() -> "re.Pattern[str]":
    """ "in Syria", "across the Sahel": a locative word (the language data's) right before a name."""
    if not _LOCATIVE:
        from .lang import alternation, load

        en = load("en")
        _LOCATIVE.append(re.compile(rf"\b(?:{alternation(en.locative_words)})\s+(?:(?:{alternation(en.articles)})\s+)?$",
                                    re.IGNORECASE))
    return _LOCATIVE[0]


def _weight(r: Any, text: str, kind: str) -> float:
    m = r.mention
    if m.label == "DEMONYM":
        return DEMONYM_WEIGHT
    if r.score <= DOUBT_SCORE:
        return DOUBT_WEIGHT
    if kind == "country":
        src = text if m.field == "text" else ""
        if src and _locative().search(src, max(0, m.start - 12), m.start):
            return 1.0
        return COUNTRY_WEIGHT
    return 1.0


def _top_weighted(weights: dict[Any, float], counts: dict[Any, int]) -> list[tuple[Any, int]]:
    """The keys of the highest weight (ties kept), with their mention counts."""
    if not weights:
        return []
    best = max(weights.values())
    return sorted(((k, counts[k]) for k, w in weights.items() if abs(w - best) < 1e-9), key=lambda kc: str(kc[0]))


def focus(parsed: ParsedDocument, gazetteer: Any = None) -> list[FocusPlace]:
    """The focus places of one document (see the module docstring)."""
    countries: dict[str, int] = {}
    provinces: dict[tuple[str, str], int] = {}
    cities: dict[str, int] = {}
    wc: dict[str, float] = {}
    wp: dict[tuple[str, str], float] = {}
    text = parsed.document.text or ""
    named: dict[Any, Place] = {}  # ("country", cc) / ("province", cc, a1) / ("city", id) -> the place named
    seen: set[tuple[int, int, str]] = set()
    for r in parsed.resolutions:
        p = r.place
        if p is None:
            continue
        key = (r.mention.start, r.mention.end, p.id)
        if key in seen:
            continue
        seen.add(key)
        kind = feature_type(p.feature_class, p.feature_code)
        cc = (p.country_code or "").upper() or None
        w = _weight(r, text, kind)
        if cc:
            countries[cc] = countries.get(cc, 0) + 1
            wc[cc] = wc.get(cc, 0.0) + w
        if kind == "country" and cc:
            named.setdefault(("country", cc), p)
            continue
        if cc and p.admin1_code and p.admin1_code not in ("00", ""):
            pk = (cc, p.admin1_code)
            provinces[pk] = provinces.get(pk, 0) + 1
            wp[pk] = wp.get(pk, 0.0) + w
            if p.feature_code == "ADM1":
                named.setdefault(("province",) + pk, p)
        if kind == "city":
            cities[p.id] = cities.get(p.id, 0) + 1
            named.setdefault(("city", p.id), p)
    out: list[FocusPlace] = []
    for cc, n in _top_weighted(wc, countries):
        place = named.get(("country", cc))
        if place is None:
            gz = gazetteer if gazetteer is not None else _default_gazetteer()
            place = _safe(gz.country, cc) if gz is not None else None
        out.append(FocusPlace("country", n, cc, None, place))
    for (cc, a1), n in _top_weighted(wp, provinces):
        place = named.get(("province", cc, a1))
        if place is None:
            gz = gazetteer if gazetteer is not None else _default_gazetteer()
            place = _safe(gz.admin1, cc, a1) if gz is not None else None
        out.append(FocusPlace("province", n, cc, a1, place))
    top_cities = _top(cities)
    if top_cities and (top_cities[0][1] > 1 or len(cities) == 1):
        for pid, n in top_cities:
            place = named[("city", pid)]
            out.append(FocusPlace("city", n, place.country_code, place.admin1_code, place))
    return out


_DEFAULT: list = []


def _default_gazetteer() -> Any:
    """The shipped gazetteer's store, if it is built (opened once per process; never built here): a
    focus country or province the text does not name is still reported with its name, id and point."""
    if not _DEFAULT:
        try:
            from .gazetteer.store import Gazetteer

            _DEFAULT.append(Gazetteer.open(build=False, progress=False))
        except Exception:  # noqa: BLE001 - no store: the focus is reported by its codes
            _DEFAULT.append(None)
    return _DEFAULT[0]


def _safe(fn: Any, *args: Any) -> Place | None:
    try:
        return fn(*args)
    except Exception:  # noqa: BLE001 - a gazetteer problem must not lose the document's record
        return None


def focus_ids(parsed: ParsedDocument, gazetteer: Any = None) -> list[str]:
    """The ids of the focus places (those known as places), in :func:`focus` order."""
    return [f.id for f in focus(parsed, gazetteer) if f.id is not None]
