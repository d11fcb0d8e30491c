"""Extract: find place names in documents -- the ``geo_toponyms`` spaCy component and what it runs.

* ``model.py``     -- the spaCy pipeline (loaded once per process, NER parts only): :func:`load_nlp`;
* ``chunking.py``  -- documents into spaCy Docs and back: long texts cut into pieces, batches,
  offsets into the whole text or title (:func:`~geo.extract.chunking.run` drives ``nlp.pipe``);
* ``rules.py``     -- :class:`ToponymRules`: the language's data, what the gazetteer knows about a
  name, and :meth:`~ToponymRules.find`, which runs the rules, one part per file: ``entities.py``
  (spaCy's entities cleaned, split, extended, filtered; demonyms), ``matcher.py`` (the gazetteer
  matcher), ``headlines.py``, ``datelines.py``, ``local_names.py`` (streets, neighbourhoods), over
  ``spans.py`` (labels, spans, sentences); their words come from ``geo/lang/<code>/``;
* ``component.py`` -- :class:`GeoToponyms`, the component that owns the rules.

Everything works on character offsets into ``Document.text``: ``text[start:end] == mention.text``.
"""
from __future__ import annotations

from .chunking import Piece, Sizes, chunks
from .component import GeoToponyms, extract_many, make_toponyms, mentions_of
from .model import _NER_PARTS, DEFAULT_MODEL, load_nlp
from .rules import LOCAL_LABELS, TOPONYM_LABELS, ToponymRules, sentence_spans

__all__ = ["DEFAULT_MODEL", "GeoToponyms", "LOCAL_LABELS", "Piece", "Sizes", "TOPONYM_LABELS", "ToponymRules",
           "_NER_PARTS", "chunks", "extract_many", "load_nlp", "make_toponyms", "mentions_of", "sentence_spans"]
