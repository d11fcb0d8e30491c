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

from geo.outputs.aggregate import _sentence_bounds
from geo.outputs.jsonl import document_record
from geo.types import ParsedDocument

#: Window (characters each side) used when no sentence is known; the same as the map's.
SNIPPET_WINDOW = 120
#: Longest sentence kept in a result (characters); longer ones are cut to a window around the mention.
MAX_SENTENCE_CHARS = 1000

RESULT_FIELDS = ["place_id", "sentence", "sentence_start"]


def result_record(pd: ParsedDocument) -> dict:
    """The document's JSONL record (the existing contract) with the result fields added to each mention."""
    rec = document_record(pd)
    text = pd.document.text or ""
    for m, r in zip(rec["mentions"], pd.resolutions):
        mn = r.mention
        m["place_id"] = r.place.id if r.place is not None else None
        if 0 <= mn.start < mn.end <= len(text):
            lo, hi = _sentence_bounds(text, mn, SNIPPET_WINDOW)
            if hi - lo > MAX_SENTENCE_CHARS:
                lo = max(lo, mn.start - MAX_SENTENCE_CHARS // 2)
                hi = min(hi, max(mn.end, lo + MAX_SENTENCE_CHARS))
            m["sentence"] = text[lo:hi]
            m["sentence_start"] = lo
        else:
            m["sentence"] = None
            m["sentence_start"] = None
    return rec
