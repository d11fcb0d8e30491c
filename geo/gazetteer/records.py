"""What a gazetteer build reads: one place record (:class:`Rec`), and the error naming an unusable input."""
from __future__ import annotations

from dataclasses import dataclass, field


class GazetteerBuildError(Exception):
    """A build input is unusable; the message names the file and line."""



@dataclass
class Rec:
    id: str
    name: str
    lat: float
    lon: float
    fclass: str
    fcode: str
    cc: str = ""
    a1: str = ""
    population: int = 0
    rank: float | None = None
    geonameid: int | None = None
    alts: list[str] = field(default_factory=list)
    source: str = ""
    wkt: str | None = None
