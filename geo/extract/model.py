"""The spaCy pipeline geo runs: loaded once per process and model, with only what NER needs enabled.

:func:`load_nlp` hands out a fresh :class:`spacy.language.Language` per call that shares the loaded
model's vocabulary, tokenizer and NER components (no copy, no reload), so that every
:class:`geo.pipeline.Pipeline` can add its own ``geo_toponyms`` and ``geo_resolver`` to its own nlp.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import spacy

from ..lang import default_model

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

DEFAULT_MODEL = default_model("en")
# The pipeline parts NER needs; everything else (tagger, parser, lemmatizer...) is disabled for speed.
_NER_PARTS = {"tok2vec", "transformer", "ner", "entity_ruler", "span_ruler"}


@lru_cache(maxsize=4)
def _loaded(model: str) -> "Language":
    nlp = spacy.load(model)
    for name in [name for name in nlp.pipe_names if name not in _NER_PARTS]:
        nlp.disable_pipe(name)
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {model!r} has no 'ner' component")
    return nlp


def load_nlp(model: str = DEFAULT_MODEL) -> "Language":
    """A spaCy pipeline with ``model``'s NER parts: the model is loaded once per process; each call
    returns a new ``Language`` sharing its vocabulary, tokenizer and components, to which components
    can be added without touching the others."""
    base = _loaded(model)
    nlp = spacy.blank(base.lang, vocab=base.vocab)
    nlp.tokenizer = base.tokenizer
    nlp.max_length = base.max_length
    nlp.meta.update({k: base.meta[k] for k in ("name", "version") if k in base.meta})
    for name in base.pipe_names:
        nlp.add_pipe(name, source=base)
    return nlp
