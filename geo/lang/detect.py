"""The language of a document, detected offline (py3langid, the ``fr`` extra), among the languages geo
has data for.

    >>> from geo.lang.detect import detect, choose
    >>> detect("Des combats ont éclaté près de Tombouctou, dans le nord du Mali.")
    'fr'
    >>> choose("auto", "Floods hit Porto Alegre.")
    'en'
    >>> choose("fr", "whatever the text says")      # an explicit language is taken as given
    'fr'

Only the registered languages (:mod:`geo.lang`: shipped ones and those given to
:func:`geo.lang.register`) are candidates, so a text is always given a language geo can parse. A text
too short to tell (fewer than :data:`MIN_LETTERS` letters) gets :data:`DEFAULT` ("en"). The
detector reads at most the first :data:`SAMPLE_CHARS` characters (headline and first paragraphs say
it; a long text costs no more).

The detector is deterministic (a naive Bayes model over byte n-grams, no sampling), loaded once per
process and per set of candidate languages.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from . import _PACKS, _SHIPPED, pack

__all__ = ["AUTO", "DEFAULT", "MIN_LETTERS", "SAMPLE_CHARS", "DetectorMissing", "choose", "detect", "languages"]

AUTO = "auto"
DEFAULT = "en"
MIN_LETTERS = 12
SAMPLE_CHARS = 3000


class DetectorMissing(ImportError):
    """``lang="auto"`` without py3langid installed: the message says how to install it."""


def languages() -> tuple[str, ...]:
    """The codes geo can parse (shipped and registered), sorted."""
    return tuple(sorted(set(_SHIPPED) | set(_PACKS)))


@lru_cache(maxsize=8)
def _identifier(codes: tuple[str, ...]):
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise DetectorMissing("language detection (--lang auto) needs py3langid: pip install 'geo[fr]' "
                              "(or pip install py3langid), or give the language (--lang en|fr)") from e
    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    known = set(ident.labels)
    usable = [c for c in codes if c in known]
    if not usable:
        return None
    ident.set_languages(usable)
    return ident


def detect(text: str, candidates: Iterable[str] | None = None) -> str:
    """The most likely language of ``text`` among ``candidates`` (default: every language geo has data
    for); :data:`DEFAULT` when the text has too few letters to tell, or only one candidate."""
    codes = tuple(sorted(set(candidates) if candidates is not None else languages()))
    if not codes:
        raise ValueError("no candidate language to detect")
    if len(codes) == 1:
        return codes[0]
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return DEFAULT if DEFAULT in codes else codes[0]
    ident = _identifier(codes)
    if ident is None:  # none of the candidates is a language the detector knows
        return DEFAULT if DEFAULT in codes else codes[0]
    code, _score = ident.classify(sample)
    return code


def choose(lang_option: str | None, text: str = "") -> str:
    """The language to parse ``text`` in, from a ``--lang`` option / ``lang`` argument: None or ""
    means :data:`DEFAULT`; ``"auto"`` detects it from the text (:func:`detect`); any other value is a
    language code that must be registered (ValueError naming the known ones otherwise)."""
    if not lang_option:
        return DEFAULT
    option = lang_option.strip().lower()
    if option == AUTO:
        return detect(text)
    return pack(option).code
