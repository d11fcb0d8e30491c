"""The spaCy pipeline geo runs: loaded once per process and model, with only what NER needs enabled.

:func:`load_nlp` hands out a fresh :class:`spacy.language.Language` per call that shares the loaded
model's vocabulary, tokenizer and NER components (no copy, no reload), so that every
:class:`geo.pipeline.Pipeline` can add its own ``geo_toponyms`` and ``geo_resolver`` to its own nlp.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import spacy

from ..lang import default_model

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

DEFAULT_MODEL = default_model("en")
# The pipeline parts NER needs; everything else (tagger, parser, lemmatizer...) is disabled for speed.
_NER_PARTS = {"tok2vec", "transformer", "ner", "entity_ruler", "span_ruler"}


def _listened(config: dict, kept: set[str]) -> set[str]:
    """The embedding components (tok2vec, transformer) that a kept component listens to."""
    upstream: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if "Listener" in str(node.get("@architectures", "")) and "upstream" in node:
                upstream.add(str(node["upstream"]))
            for value in node.values():
                walk(value)

    for name in kept:
        walk(config.get("components", {}).get(name, {}))
    return upstream


def _unneeded(model: str) -> list[str]:
    """Start-up and throughput: the components of ``model`` that NER does not need, read from its
    config without loading it, so that they are never loaded (``exclude``), not merely disabled: the
    tagger, parser, lemmatizer... and the shared ``tok2vec`` when ``ner`` has its own embedding (as in
    the ``*_sm`` models, whose tok2vec only feeds tagger and parser). An unknown layout: [] (the
    components are then disabled after loading, as before)."""
    try:
        path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
        meta = spacy.util.get_model_meta(path)
        data = path / f"{meta['lang']}_{meta['name']}-{meta['version']}"
        config = spacy.util.load_config((data if data.is_dir() else path) / "config.cfg", interpolate=False)
        names = list(config["nlp"]["pipeline"]) + list(meta.get("disabled", []))
    except Exception:  # noqa: BLE001 -- an installed model geo cannot read ahead: loaded whole
        return []
    kept = {name for name in names if name in _NER_PARTS - {"tok2vec", "transformer"}}
    listened = _listened(config, kept)
    if "*" in listened:
        return []
    kept |= listened
    return [name for name in dict.fromkeys(names) if name not in kept]


@lru_cache(maxsize=4)
def _loaded(model: str) -> "Language":
    nlp = spacy.load(model, exclude=_unneeded(model))
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
    # the language class built directly with the loaded tokenizer: spacy.blank() would first build a
    # tokenizer of its own (~0.1 s of CPU: every special case validated) only to have it replaced
    nlp = spacy.util.get_lang_class(base.lang)(vocab=base.vocab, create_tokenizer=lambda _nlp: base.tokenizer,
                                               max_length=base.max_length)
    nlp.meta.update({k: base.meta[k] for k in ("name", "version") if k in base.meta})
    for name in base.pipe_names:
        nlp.add_pipe(name, source=base)
    return nlp
