"""JSON Lines output: one object per document (the record contract of ``geo extract``).

Each mention of a ``geo extract`` record (:func:`extract_record`; batch runs write the same records) carries, after the fields of :func:`mention_record`, three more
that let ``geo map RESULTS`` draw without re-parsing:

* ``place_id``: the gazetteer's place id (a GeoNames id as text, or ``ne:river:...``), so mentions
  group by place and rivers and outlines are drawn;
* ``sentence`` and ``sentence_start``: the sentence around the mention (the map's snippet) and its
  offset in the text its offsets index (the document's text, or its title for ``"field": "title"``),
  so ``sentence[start - sentence_start:end - sentence_start] == text``.

CSV (one row per mention) is :mod:`geo.outputs.csv`, GeoJSON (one feature per place) :mod:`geo.outputs.geojson`.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Iterator

from geo.focus import focus
from geo.outputs.snippets import sentence_bounds
from geo.types import ParsedDocument, Resolution

#: Window (characters each side) used when no sentence is known; the same as the map's.
SNIPPET_WINDOW = 120
#: Longest sentence kept in a record (characters); longer ones are cut to a window around the mention.
MAX_SENTENCE_CHARS = 1000
#: The fields :func:`extract_record` adds to each mention.
RESULT_FIELDS = ["place_id", "sentence", "sentence_start"]

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


def mention_sentence(pd: ParsedDocument, r: Resolution) -> tuple[str | None, int | None]:
    """The sentence around a mention and its offset in the text the mention's offsets index (the
    document's text, or its title for a headline mention); ``(None, None)`` when the offsets do not fit."""
    mn = r.mention
    text = (pd.document.title if mn.field == "title" else pd.document.text) or ""
    if not 0 <= mn.start < mn.end <= len(text):
        return None, None
    if mn.field == "title":
        lo, hi = 0, len(text)  # a headline is its own sentence
    else:
        lo, hi = sentence_bounds(text, mn, SNIPPET_WINDOW)
    if hi - lo > MAX_SENTENCE_CHARS:
        lo = max(lo, mn.start - MAX_SENTENCE_CHARS // 2)
        hi = min(hi, max(mn.end, lo + MAX_SENTENCE_CHARS))
    return text[lo:hi], lo


def extract_record(pd: ParsedDocument, gazetteer: Any = None) -> dict:
    """The record ``geo extract`` writes (JSONL) and batch runs store: :func:`document_record` with
    ``place_id``, ``sentence`` and ``sentence_start`` added to each mention (see the module's docs)."""
    rec = document_record(pd, gazetteer)
    for m, r in zip(rec["mentions"], pd.resolutions):
        m["place_id"] = r.place.id if r.place is not None else None
        m["sentence"], m["sentence_start"] = mention_sentence(pd, r)
    return rec


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


def keep_mentions(record: dict, precision: Iterable[str] | None) -> dict:
    """``record`` with only the mentions at one of the ``precision`` levels (None: all of them; an
    unplaced mention has no precision, so a filter leaves it out). The rest of the record (its focus)
    is the document's, as without the filter."""
    if precision is None:
        return record
    levels = frozenset(precision)
    return {**record, "mentions": [m for m in record["mentions"] if m.get("precision") in levels]}


def jsonl_lines(parsed: Iterable[ParsedDocument], gazetteer: Any = None, *,
                precision: Iterable[str] | None = None) -> Iterator[str]:
    """``geo extract``'s JSONL: one :func:`extract_record` per document (with ``precision``, only the
    mentions at those levels: :func:`keep_mentions`)."""
    for pd in parsed:
        yield jsonl_line(keep_mentions(extract_record(pd, gazetteer), precision))
