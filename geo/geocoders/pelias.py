"""Pelias (self-hosted; no public server without a key) through geopy's client."""
from __future__ import annotations

from typing import Any

from geo.types import Place

from .base import GeopyGeocoder, float_or, geojson_place

# Pelias layers -> GeoNames (feature class, feature code)
PELIAS_LAYERS = {
    "country": ("A", "PCLI"),
    "macroregion": ("A", "ADM1"),
    "region": ("A", "ADM1"),
    "macrocounty": ("A", "ADM2"),
    "county": ("A", "ADM2"),
    "localadmin": ("A", "ADM3"),
    "locality": ("P", "PPL"),
    "borough": ("P", "PPLX"),
    "neighbourhood": ("P", "PPLX"),
    "venue": ("S", ""),
    "address": ("S", ""),
    "street": ("R", "ST"),
    "continent": ("L", "CONT"),
    "ocean": ("H", "OCN"),
    "marinearea": ("H", "SEA"),
}


class PeliasGeocoder(GeopyGeocoder):
    """``GET /v1/search?text=...[&boundary.country=..]``; needs ``url``."""

    service = "pelias"
    public_host = None

    def make_client(self, **kwargs: Any) -> Any:
        from geopy.geocoders import Pelias

        return Pelias(**kwargs)

    def request_options(self, country_codes: list[str]) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if country_codes:
            options["countries"] = country_codes
        if self.language:
            options["language"] = self.language
        return options

    @classmethod
    def to_place(cls, raw: Any, *, query: str = "") -> Place | None:
        return geojson_place(
            raw, query, place_id=lambda props, name: f"pelias:{props.get('gid') or props.get('id') or name}",
            feature=lambda props: PELIAS_LAYERS.get(str(props.get("layer")), ("L", "")),
            country_key="country_code", admin1_key="region",
            importance=lambda props: min(1.0, max(0.0, float_or(props.get("confidence")))))
