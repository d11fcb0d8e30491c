"""Language data, apart from the machinery that uses it (spaCy's ``lang/`` pattern).

Every word list and word table the extractor and the resolver consult lives in a plain text file
under ``geo/lang/<code>/`` -- one list or table per file, commented, sorted, without duplicates --
and is read here, once per process::

    >>> from geo.lang import load
    >>> en = load("en")
    >>> en.cue_suffixes["governorate"]
    'province'
    >>> "sheriff" in en.institution_words
    True

File format: ``#`` starts a comment (whole line or trailing); blank lines are ignored; a word list
has one entry per line (an entry may contain spaces: "Port of"); a table has ``key value`` per
line, separated by whitespace. Feature-code groups (what "river" or "country" means in GeoNames
terms) are not language data: they live in :mod:`geo.features`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Iterable, Mapping


@dataclass(frozen=True)
class LanguageData:
    """The word lists and tables of one language (see the comment at the top of each file)."""

    code: str
    cue_suffixes: Mapping[str, str]  # "X River", "X County": word -> cue kind (geo.features.CUE_FEATURES)
    cue_prefixes: Mapping[str, str]  # "province of X": word -> cue kind
    cues_lowercase: frozenset[str]  # cue words that count in lower case ("the Euphrates river")
    non_place_tails: frozenset[str]  # "Dublin Road", "Lincoln Center"
    generic_words: frozenset[str]  # "North", "Union", "March": never a place alone
    institution_words: frozenset[str]  # "Gainesville Police", "Dublin City Council"
    titles: frozenset[str]  # "Mr.", "Gen.": the next name is a person
    directions: frozenset[str]  # "North Texas" -> Texas
    articles: frozenset[str]  # a, an, the
    leading_words: frozenset[str]  # stripped from an entity's front: "the Mediterranean"
    name_joiners: frozenset[str]  # lower-case words inside an unknown name ("Isle of Wight")
    match_joiners: frozenset[str]  # lower-case words inside a gazetteer match ("Bay of Bengal")
    admin_units: frozenset[str]  # "Laurel County ...": the county, not the town
    disease_words: frozenset[str]  # "Ebola virus": a disease, not a place
    place_acronyms: frozenset[str]  # "US", "UAE": all-capital words that are places
    head_prefixes: frozenset[str]  # "Lake Lanier" -> Lanier (resolver)
    head_suffixes: frozenset[str]  # "Hamilton Township" -> Hamilton (resolver)
    street_words: frozenset[str]  # "Regent Street", "Tahrir Square": a mention labelled STREET
    neighbourhood_words: frozenset[str]  # "the Rimal neighbourhood": a mention labelled NEIGHBOURHOOD
    title_minor_words: frozenset[str]  # words a Title Case headline leaves in lower case ("of", "for")
    headline_common_words: frozenset[str]  # "Independence", "Split": in a headline, an ordinary word


_TABLES = {"cue_suffixes", "cue_prefixes"}


def _lines(text: str) -> Iterable[str]:
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield line


def parse_words(text: str) -> frozenset[str]:
    return frozenset(" ".join(line.split()) for line in _lines(text))


def parse_table(text: str, *, where: str = "table") -> Mapping[str, str]:
    out: dict[str, str] = {}
    for line in _lines(text):
        parts = line.split()
        if len(parts) != 2:
            raise ValueError(f"{where}: expected 'key value', got {line!r}")
        out[parts[0]] = parts[1]
    return MappingProxyType(out)


@lru_cache(maxsize=None)
def load(code: str = "en") -> LanguageData:
    """The language data for ``code`` (read from the package's files once per process)."""
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise ValueError(f"not a language code: {code!r}")
    folder = resources.files(__name__).joinpath(code)
    if not folder.is_dir():
        raise ValueError(f"no language data for {code!r} (expected geo/lang/{code}/)")
    values: dict[str, object] = {"code": code}
    for f in fields(LanguageData):
        if f.name == "code":
            continue
        path = folder.joinpath(f"{f.name}.txt")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(f"geo/lang/{code}/{f.name}.txt is missing") from None
        where = f"geo/lang/{code}/{f.name}.txt"
        values[f.name] = parse_table(text, where=where) if f.name in _TABLES else parse_words(text)
    return LanguageData(**values)  # type: ignore[arg-type]


def alternation(words: Iterable[str]) -> str:
    """A regex alternation matching any of ``words`` literally, longest first (so that "Mt." is tried
    before "Mt" and "viruses" before "virus"), ties in sorted order: deterministic."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
