"""Nominatim (OpenStreetMap's geocoder; public server or self-hosted) through geopy's client."""
from __future__ import annotations

from typing import Any

from geo.types import Place

from .base import GeopyGeocoder, float_or, in_range, upper_or_none
from .osm import osm_feature


class NominatimGeocoder(GeopyGeocoder):
    """``GET /search?q=...&format=json&addressdetails=1&limit=1[&countrycodes=..]``."""

    service = "nominatim"
    public_host = "nominatim.openstreetmap.org"

    def make_client(self, **kwargs: Any) -> Any:
        from geopy.geocoders import Nominatim

        return Nominatim(**kwargs)

    def request_options(self, country_codes: list[str]) -> dict[str, Any]:
        options: dict[str, Any] = {"limit": 1, "addressdetails": True, "language": self.language or False}
        if country_codes:
            options["country_codes"] = country_codes
        return options

    @classmethod
    def records(cls, answer: Any) -> list:
        """Nominatim answers a JSON list of records (``{"error": ...}`` for a bad query)."""
        from geopy.exc import GeocoderParseError, GeocoderQueryError

        if not answer:
            return []
        if isinstance(answer, dict):
            if "error" in answer:
                if answer["error"] == "Unable to geocode":
                    return []
                raise GeocoderQueryError(str(answer["error"])[:200])
            return [answer]
        if not isinstance(answer, list):
            raise GeocoderParseError(f"the answer is not a list of places (a JSON {type(answer).__name__})")
        return answer

    @classmethod
    def to_place(cls, raw: Any, *, query: str = "") -> Place | None:
        if not isinstance(raw, dict):
            return None
        lat, lon = float_or(raw.get("lat"), float("nan")), float_or(raw.get("lon"), float("nan"))
        if not in_range(lat, lon):
            return None
        address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
        rank = raw.get("place_rank")
        fclass, fcode = osm_feature(raw.get("class", raw.get("category")), raw.get("type"), raw.get("addresstype"),
                                    int(rank) if isinstance(rank, (int, float, str)) and str(rank).isdigit() else None)
        name = raw.get("name") or str(raw.get("display_name") or query).split(",")[0].strip()
        osm_type, osm_id = raw.get("osm_type"), raw.get("osm_id")
        pid = f"osm:{osm_type}:{osm_id}" if osm_type and osm_id is not None else f"nominatim:{raw.get('place_id', name)}"
        admin1 = address.get("state") or address.get("province") or address.get("region")
        return Place(id=str(pid), name=str(name), lat=lat, lon=lon, feature_class=fclass, feature_code=fcode,
                     country_code=upper_or_none(address.get("country_code")),
                     admin1=str(admin1) if admin1 else None,
                     importance=min(1.0, max(0.0, float_or(raw.get("importance")))))
