"""Importers for user-supplied gazetteer inputs (GeoNames dumps, alternateNamesV2, extra places)."""
from __future__ import annotations

from pathlib import Path


def import_geonames(path: Path, recs: dict) -> None:
    raise NotImplementedError("GeoNames import is not implemented yet")


def import_alternate_names(path: Path, recs: dict) -> None:
    raise NotImplementedError("alternateNames import is not implemented yet")


def import_extra(path: Path, recs: dict) -> None:
    raise NotImplementedError("extra import is not implemented yet")
