"""The spaCy pipeline geo runs: loaded once per process and model, with only what NER needs enabled.

:func:`load_nlp` hands out a fresh :class:`spacy.language.Language` per call that shares the loaded
model's vocabulary, tokenizer and NER components (no copy, no reload), so that every
:class:`geo.pipeline.Pipeline` can add its own ``geo_toponyms`` and ``geo_resolver`` to its own nlp.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import spacy
from spacy.tokenizer import Tokenizer

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


@lru_cache(maxsize=4)
def _config(model: str) -> tuple[dict, dict]:
    """The (uninterpolated) config and the meta of an installed pipeline, read without loading it."""
    path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
    meta = spacy.util.get_model_meta(path)
    data = path / f"{meta['lang']}_{meta['name']}-{meta['version']}"
    config = spacy.util.load_config((data if data.is_dir() else path) / "config.cfg", interpolate=False)
    return config, meta


def _spacy_tokenizer(model: str) -> bool:
    """Does ``model`` use spaCy's own rule-based tokenizer (``spacy.Tokenizer.v1``)?"""
    try:
        return _config(model)[0]["nlp"]["tokenizer"]["@tokenizers"] == "spacy.Tokenizer.v1"
    except Exception:  # noqa: BLE001 -- a pipeline geo cannot read ahead: loaded as spaCy does
        return False


def _unneeded(model: str) -> list[str]:
    """Start-up and throughput: the components of ``model`` that NER does not need, read from its
    config without loading it, so that they are never loaded (``exclude``), not merely disabled: the
    tagger, parser, lemmatizer... and the shared ``tok2vec`` when ``ner`` has its own embedding (as in
    the ``*_sm`` models, whose tok2vec only feeds tagger and parser). An unknown layout: [] (the
    components are then disabled after loading, as before)."""
    try:
        config, meta = _config(model)
        names = list(config["nlp"]["pipeline"]) + list(meta.get("disabled", []))
    except Exception:  # noqa: BLE001 -- an installed model geo cannot read ahead: loaded whole
        return []
    kept = {name for name in names if name in _NER_PARTS - {"tok2vec", "transformer"}}
    listened = _listened(config, kept)
    if "*" in listened:
        return []
    kept |= listened
    return [name for name in dict.fromkeys(names) if name not in kept]


@spacy.registry.tokenizers("geo.tokenizer_from_disk.v1")
def _tokenizer_from_disk() -> Callable[["Language"], Tokenizer]:
    """spaCy's own tokenizer factory (``spacy.Tokenizer.v1``) without the language's special cases, for
    loading a pipeline (start-up speed): ``spacy.load`` builds the language's tokenizer and then replaces
    its special cases (and its patterns) with the pipeline's own, read from its ``tokenizer`` file -- so
    the ~2,700 special cases would be built twice (~0.1 s of CPU). Everything else as spaCy makes it."""

    def make(nlp: "Language") -> Tokenizer:
        d = nlp.Defaults
        return Tokenizer(
            nlp.vocab,
            rules=None,
            prefix_search=spacy.util.compile_prefix_regex(d.prefixes).search if d.prefixes else None,
            suffix_search=spacy.util.compile_suffix_regex(d.suffixes).search if d.suffixes else None,
            infix_finditer=spacy.util.compile_infix_regex(d.infixes).finditer if d.infixes else None,
            token_match=d.token_match,
            url_match=d.url_match,
        )

    return make


_FROM_DISK = {"nlp": {"tokenizer": {"@tokenizers": "geo.tokenizer_from_disk.v1"}}}


@lru_cache(maxsize=4)
def _loaded(model: str) -> "Language":
    nlp = spacy.load(model, exclude=_unneeded(model), config=_FROM_DISK) if _spacy_tokenizer(model) else None
    if nlp is None or not nlp.tokenizer.rules:
        # another tokenizer, or no special cases in the pipeline's files (the language's are kept then):
        # loaded as spaCy does
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
