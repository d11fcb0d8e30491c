"""Result records for batch outputs: the JSONL contract of ``geo extract`` plus what a map needs.

Each mention of a batch result carries, after the usual fields (geo/outputs/jsonl.py), three more:

* ``place_id``: the gazetteer's place id (a GeoNames id as text, or ``ne:river:...``), so
  ``geo map RESULTS`` groups mentions by place and draws rivers and outlines without re-parsing;
* ``sentence`` and ``sentence_start``: the sentence around the mention (the map's snippet) and its
  offset in the document's text, so ``mention.start - sentence_start`` is the mention's offset in
  ``sentence`` (``sentence[start - sentence_start:end - sentence_start] == text``).

The text of the article itself is not stored. GeoParquet rows hold the same fields, one row per mention.
"""
from __future__ import annotations

from geo.outputs.jsonl import MAX_SENTENCE_CHARS, RESULT_FIELDS, SNIPPET_WINDOW, extract_record  # noqa: F401
from geo.types import ParsedDocument


def result_record(pd: ParsedDocument) -> dict:
    """The document's JSONL record with the result fields added to each mention: the record plain
    ``geo extract`` writes too (:func:`geo.outputs.jsonl.extract_record`, one function for both)."""
    return extract_record(pd)
