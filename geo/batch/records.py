"""Moved to :mod:`geo.outputs.records` (the result-record format, beside the other writers). This name
stays until nothing imports it (geo/outputs/registry.py, tests/test_outputs.py)."""
from geo.outputs.records import MAX_SENTENCE_CHARS, RESULT_FIELDS, SNIPPET_WINDOW, result_record
__all__ = ["MAX_SENTENCE_CHARS", "RESULT_FIELDS", "SNIPPET_WINDOW", "result_record"]
