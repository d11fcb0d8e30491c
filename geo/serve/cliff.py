"""A CLIFF-compatible answer for ``/parse/text`` (CLIFF-CLAVIN 2.x, as Media Cloud's clients read it).

CLIFF's shape is kept so that a client can switch by changing the URL::

    {"status": "ok", "version": "geo-0.1.0 (CLIFF 2.6.1 compatible)", "milliseconds": 41,
     "results": {"organizations": [], "people": [],
                 "places": {"mentions": [...], "focus": {"countries": [...], "states": [...], "cities": [...]}}}}

Which fields are filled (docs/serve.md has the table): every mention has ``id`` (GeoNames id, or 0 for a
place without one), ``name``, ``lat``, ``lon``, ``featureClass``, ``featureCode``, ``countryCode``,
``stateCode`` (admin1 code), ``population``, ``confidence`` (geo's resolution score, 0..1; CLIFF always
said 1) and ``source`` (``{"string": the text as written, "charIndex": its offset in q}``);
``countryGeoNameId`` and ``stateGeoNameId`` come from the gazetteer when it knows the country or
province. ``organizations`` and ``people`` are always empty lists: geo finds places only. Focus entries
have the same place fields plus ``score`` (the mentions counted for them, as CLIFF's focus did).
"""
from __future__ import annotations

from typing import Any

from geo import __version__
from geo.focus import focus
from geo.types import ParsedDocument, Place

CLIFF_VERSION = "2.6.1"
VERSION = f"geo-{__version__} (CLIFF {CLIFF_VERSION} compatible)"


def _ids(gazetteer: Any, p: Place, cache: dict) -> tuple[str, str]:
    """(countryGeoNameId, stateGeoNameId) as CLIFF spelt them: text, "" when unknown."""
    key = (p.country_code, p.admin1_code)
    if key not in cache:
        country = state = ""
        if gazetteer is not None and p.country_code:
            try:
                c = gazetteer.country(p.country_code)
                country = str(c.geonameid) if c is not None and c.geonameid else ""
                if p.admin1_code:
                    s = gazetteer.admin1(p.country_code, p.admin1_code)
                    state = str(s.geonameid) if s is not None and s.geonameid else ""
            except Exception:  # noqa: BLE001 - an id is optional; the answer never fails for it
                pass
        cache[key] = (country, state)
    return cache[key]


def _place(p: Place, gazetteer: Any, cache: dict) -> dict:
    country_id, state_id = _ids(gazetteer, p, cache)
    return {
        "id": p.geonameid or 0,
        "name": p.name,
        "lat": round(p.lat, 6),
        "lon": round(p.lon, 6),
        "featureClass": p.feature_class,
        "featureCode": p.feature_code,
        "countryCode": p.country_code or "",
        "countryGeoNameId": country_id,
        "stateCode": p.admin1_code or "",
        "stateGeoNameId": state_id,
        "population": p.population or 0,
    }


def cliff_response(pd: ParsedDocument, gazetteer: Any, milliseconds: int) -> dict:
    cache: dict = {}
    mentions = []
    for r in pd.resolutions:
        if r.place is None or r.mention.field != "text":
            continue
        m = _place(r.place, gazetteer, cache)
        m["confidence"] = round(float(r.score), 4)
        m["source"] = {"string": r.mention.text, "charIndex": r.mention.start}
        mentions.append(m)
    groups: dict[str, list] = {"countries": [], "states": [], "cities": []}
    level_key = {"country": "countries", "province": "states", "city": "cities"}
    for f in focus(pd, gazetteer):
        key = level_key.get(f.level)
        if key is None or f.place is None:
            continue
        item = _place(f.place, gazetteer, cache)
        item["score"] = f.count
        groups[key].append(item)
    return {
        "status": "ok",
        "version": VERSION,
        "milliseconds": milliseconds,
        "results": {
            "organizations": [],
            "people": [],
            "places": {"mentions": mentions, "focus": groups},
        },
    }
