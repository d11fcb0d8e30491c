"""Is a geocoder's answer consistent with the document's other places?"""
from __future__ import annotations

from typing import Sequence

from geo.types import Place

__all__ = ["nearest_context", "plausible"]


def nearest_context(place: Place, context: Sequence[Place]) -> tuple[float, Place] | None:
    """Great-circle distance (km) from ``place`` to the closest other place of ``context``."""
    from geopy.distance import great_circle

    best: tuple[float, Place] | None = None
    for other in context:
        if other is place or other.id == place.id:
            continue
        d = great_circle((place.lat, place.lon), (other.lat, other.lon)).km
        if best is None or d < best[0]:
            best = (d, other)
    return best


def plausible(place: Place, context: Sequence[Place], *, max_km: float = 3000.0) -> bool:
    """Is a geocoder answer consistent with the document's other places?

    True when there is no other place to compare with, when the answer shares a country with
    one of them, or when it lies within ``max_km`` of the nearest one; False for a hit far from
    all of them (typically on another continent).
    """
    others = [p for p in context if p is not place and p.id != place.id]
    if not others:
        return True
    cc = (place.country_code or "").upper()
    if cc and any((p.country_code or "").upper() == cc for p in others):
        return True
    near = nearest_context(place, others)
    return near is None or near[0] <= max_km
