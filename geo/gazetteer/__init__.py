"""The offline gazetteer: an indexed SQLite store of places built once from the shipped data.

    from geo.gazetteer import Gazetteer, normalize
    gz = Gazetteer.open()            # builds into the user cache dir on first use
    gz.lookup("Deir ez-Zor")[0].place
"""
from __future__ import annotations

from .build import GazetteerBuildError
from .priors import importance
from .shipped import data_version
from .names import normalize, variant_key
from .store import Gazetteer, PlaceShape, default_store_path, haversine_km, shipped_country_shapes

__all__ = ["Gazetteer", "GazetteerBuildError", "normalize", "variant_key", "data_version", "default_store_path",
           "haversine_km", "importance", "PlaceShape", "shipped_country_shapes"]
