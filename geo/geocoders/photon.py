"""Photon (komoot's OSM geocoder; public server or self-hosted) through geopy's client."""
from __future__ import annotations

from typing import Any

from geo.types import Place

from .base import GeopyGeocoder, geojson_place
from .osm import osm_feature

_OSM_TYPES = {"N": "node", "W": "way", "R": "relation"}


class PhotonGeocoder(GeopyGeocoder):
    """``GET /api?q=...&limit=1`` (5 candidates when filtering by country: Photon has no country filter)."""

    service = "photon"
    public_host = "photon.komoot.io"

    def make_client(self, **kwargs: Any) -> Any:
        from geopy.geocoders import Photon

        return Photon(**kwargs)

    def request_options(self, country_codes: list[str]) -> dict[str, Any]:
        options: dict[str, Any] = {"limit": 5 if country_codes else 1}
        if self.language:
            options["language"] = self.language
        return options

    @classmethod
    def to_place(cls, raw: Any, *, query: str = "") -> Place | None:
        return geojson_place(raw, query, place_id=_place_id, country_key="countrycode", admin1_key="state",
                             feature=lambda props: osm_feature(props.get("osm_key"), props.get("osm_value"),
                                                               props.get("type")))


def _place_id(props: dict, name: str) -> str:
    osm_type = _OSM_TYPES.get(str(props.get("osm_type")), props.get("osm_type"))
    return f"osm:{osm_type}:{props.get('osm_id')}" if props.get("osm_id") is not None else f"photon:{name}"
