"""Spans, label names, sentences and the shapes of names: what every toponym rule shares."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..features import COUNTRY_CODES
from ..prominence import well_known as _well_known_place

TOPONYM_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NOT_PLACE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "NORP", "EVENT", "LAW",
                     "WORK_OF_ART", "PRODUCT"}  # (LANGUAGE is left to the matcher: "in Aleppo" gets tagged so)
_NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
LOCAL_LABELS = frozenset({"STREET", "NEIGHBOURHOOD"})  # parts of a town: streets, squares, neighbourhoods
_SENT_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+(?=[\"'\u2018\u201c(\[]?[A-Z0-9])|\n\s*\n|\n")


@dataclass
class _Span:
    start: int
    end: int
    label: str
    cue: str | None = None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Cheap sentence boundaries for snippets: sentence punctuation before a capital, or a line break."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        end = m.start() + 1 if text[m.start()] in ".!?" else m.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    # trim whitespace so snippets are tidy
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((s, e))
    return out


def _boundary(word: str) -> bool:
    return word in {".", "!", "?", ":", ";", '"', "\u201c", "(", "-", "\u2014"} or "\n" in word


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _as_name(surface: str) -> str:
    """An all-capital surface as the gazetteer spells names ("KHARKIV" -> "Kharkiv"); short acronyms
    ("UAE") stay as they are."""
    return surface.title() if surface.isupper() and len(surface) > 3 else surface


def _big_place(p) -> bool:
    """A country, a province or a city of 100,000 people (not a capital of a few hundred: "Kampungu" is
    no spelling of Flying Fish Cove's "Kampung")."""
    return p.feature_code in COUNTRY_CODES or (p.feature_code == "ADM1" and _well_known_place(p)) or (
        p.feature_class == "P" and p.population >= 100_000)
