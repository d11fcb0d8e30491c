"""The small typed objects that flow between the pipeline's stages.

documents -> Document; extract -> Mention; gazetteer -> Place / Candidate;
resolve -> Resolution; pipeline -> ParsedDocument (what outputs read).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One article as read from disk (or given as text)."""

    id: str  # stable id: the input path as given, or "text-<n>" for raw text
    text: str  # the text exactly as read; mention offsets index into it
    title: str = ""
    path: str | None = None
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Mention:
    """A place name found in a document: ``doc.text[start:end] == text`` (``doc.title[start:end]`` for
    ``field == "title"``)."""

    doc_id: str
    text: str
    start: int
    end: int
    label: str  # GPE, LOC, FAC, DATELINE, GAZ (gazetteer matcher), DEMONYM
    sent_start: int = 0  # the sentence around the mention, for snippets
    sent_end: int = 0
    cue: str | None = None  # feature-type cue from the context: "river", "province", "city", "county", ...
    # which text the offsets index: "text" (Document.text) or "title" (Document.title, the headline)
    field: str = "text"


@dataclass(frozen=True)
class Place:
    """A gazetteer (or geocoder) feature."""

    id: str  # GeoNames id as text where one exists, otherwise a stable id of ours ("ne:river:Euphrates")
    name: str
    lat: float
    lon: float
    feature_class: str  # GeoNames class: A, P, H, L, T, S, V, U, R
    feature_code: str  # GeoNames code: PCLI, ADM1, ADM2, PPLC, PPL, STM, SEA, STRT, RGN, CONT, ...
    country_code: str | None = None
    admin1_code: str | None = None
    admin1: str | None = None  # admin1 name
    population: int = 0
    importance: float = 0.0  # 0..1 prior: population, feature type, capital status
    geonameid: int | None = None
    has_geometry: bool = False


@dataclass(frozen=True)
class Candidate:
    """A gazetteer answer for a name: the place, how well the name matched, and its prior."""

    place: Place
    matched_name: str
    similarity: float  # 1.0 for an exact (normalised) match, lower for fuzzy ones
    prior: float  # the store's ranking prior (importance, feature type, name kind)


@dataclass(frozen=True)
class Alternative:
    """A runner-up candidate for a mention: the place and its score on the same scale as the winner's."""

    place: Place
    score: float


@dataclass(frozen=True)
class Resolution:
    mention: Mention
    place: Place | None
    score: float = 0.0
    source: str | None = None  # "gazetteer" | "geocoder" | None
    why: str = ""
    # the best other candidates, best first (at most a few): lets a reader spot a doubtful placement
    alternatives: tuple[Alternative, ...] = ()
    # how precisely the point places what the mention names (in the spirit of ACLED's geo_precision):
    # "exact" (the named place itself: a town, a feature, a street), "town" (a place the gazetteer does
    # not know, put at the town the text names it in), "region" (a province or region, or a local place
    # put at one), "country" (a country, or a local place put at one); None when unplaced
    precision: str | None = None


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    resolutions: tuple[Resolution, ...] = field(default_factory=tuple)

    @property
    def resolved(self) -> tuple[Resolution, ...]:
        return tuple(r for r in self.resolutions if r.place is not None)
