"""JSON Lines output: one object per document (the record contract of ``geo extract``).

CSV (one row per mention) is :mod:`geo.outputs.csv`, GeoJSON (one feature per place) :mod:`geo.outputs.geojson`.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Iterator

from geo.focus import focus
from geo.types import ParsedDocument, Resolution

MENTION_FIELDS = ["text", "start", "end", "label", "name", "lat", "lon", "feature_class", "feature_code",
                  "country_code", "admin1", "geonameid", "score", "source", "why", "precision"]


def mention_record(r: Resolution) -> dict:
    """One mention. ``start``/``end`` index the document's text; a mention found in the headline has
    ``"field": "title"`` and its offsets index the title (the key is left out for body mentions)."""
    p = r.place
    rec = {
        "text": r.mention.text,
        "start": r.mention.start,
        "end": r.mention.end,
        "label": r.mention.label,
        "name": p.name if p else None,
        "lat": round(p.lat, 6) if p else None,
        "lon": round(p.lon, 6) if p else None,
        "feature_class": p.feature_class if p else None,
        "feature_code": p.feature_code if p else None,
        "country_code": p.country_code if p else None,
        "admin1": p.admin1 if p else None,
        "geonameid": p.geonameid if p else None,
        "score": r.score,
        "source": r.source,
        "why": r.why,
        "precision": r.precision,
    }
    if r.mention.field != "text":
        rec["field"] = r.mention.field
    return rec


def document_record(pd: ParsedDocument, gazetteer: Any = None) -> dict:
    """One document's JSONL object; ``focus`` lists the countries/provinces/cities it is mainly about
    (:mod:`geo.focus`; with a ``gazetteer``, a focus country or province the text does not name is
    looked up by its code)."""
    d = pd.document
    return {
        "doc": d.path if d.path is not None else d.id,
        "id": d.id,
        "title": d.title,
        "url": d.url,
        "date": d.date,
        "mentions": [mention_record(r) for r in pd.resolutions],
        "focus": [f.record() for f in focus(pd, gazetteer)],
    }


# Line separators that some JSONL readers (Python's str.splitlines, JavaScript) treat as line breaks.
_SURROGATES = re.compile("[\ud800-\udfff]")
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def jsonl_line(record: dict) -> str:
    """One JSON object on one line, UTF-8 text kept readable, Unicode line separators escaped."""
    line = json.dumps(record, ensure_ascii=False, allow_nan=False)
    line = _SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", line)  # lone surrogates (API input) stay escaped
    for ch, esc in _LINE_BREAKERS.items():
        if ch in line:
            line = line.replace(ch, esc)
    return line + "\n"


def jsonl_lines(parsed: Iterable[ParsedDocument], gazetteer: Any = None) -> Iterator[str]:
    for pd in parsed:
        yield jsonl_line(document_record(pd, gazetteer))
