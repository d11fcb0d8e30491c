"""The Pipeline: a spaCy ``nlp`` with geo's two components, driven over Documents.

``Pipeline().nlp`` is a spaCy pipeline (the model's NER parts, loaded once per process) with
``geo_toponyms`` and ``geo_resolver`` added by ``nlp.add_pipe`` -- the same components a user adds to
their own pipeline (geo/components.py). :meth:`Pipeline.parse` streams Documents through
``nlp.pipe`` in batches, long texts in pieces (:mod:`geo.extract.chunking`, the one place where
documents are cut and their offsets mapped back); ``geo_resolver`` resolves each document once, on
its last piece, headline and body together (:mod:`geo.resolve.policy`).

The language is a parameter: ``Pipeline(lang="de")`` loads that language's default spaCy pipeline
(:func:`geo.lang.default_model`) and the components read its data (``geo/lang/<code>/``, or a
folder given to :func:`geo.lang.register`). ``lang="auto"``: :class:`MultiPipeline` detects each
document's language (:mod:`geo.lang.detect`) and parses it with that language's Pipeline.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from . import lang as languages
from .extract import DEFAULT_MODEL, GeoToponyms, load_nlp
from .extract.chunking import PIECE, Sizes, run
from .extract.component import extract_many
from .gazetteer import Gazetteer
from .lang.detect import AUTO, detect
from .resolve import Resolver, Weights
from .resolve.component import RESOLUTIONS, GeoResolver
from .types import Document, Mention, ParsedDocument

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

    from .geocoders import Geocoder

__all__ = ["DEFAULT_MODEL", "MultiPipeline", "Pipeline", "document_language"]


class Pipeline:
    """The whole geoparser. ``Pipeline().parse(docs)`` yields one ParsedDocument per Document.

    ``model``: a spaCy pipeline with ``ner`` (default: the language's, :func:`geo.lang.default_model`);
    ``lang``: the language code (default: the model's ``nlp.lang``, else "en"); ``gazetteer``: an
    opened store (default: the shipped one); ``geocoder``: the online fallback (default: none).
    """

    def __init__(self, *, model: str | None = None, lang: str | None = None, gazetteer: Gazetteer | None = None,
                 geocoder: "Geocoder | None" = None, demonyms: bool = True, weights: Weights | None = None,
                 batch_size: int = 32, progress: bool = True):
        if model is None:
            model = languages.default_model(lang or "en")
        nlp = load_nlp(model)
        if lang is not None and nlp.lang != lang:
            languages.load(lang)  # an unregistered code says so first
            raise ValueError(f"spaCy pipeline {model!r} is for language {nlp.lang!r}, not {lang!r}")
        languages.load(nlp.lang)  # a language geo has no data for: a clear error now
        if gazetteer is None:
            gazetteer = Gazetteer.open(progress=progress)
        self.model = model
        self.lang = nlp.lang
        self.gazetteer = gazetteer
        self.geocoder = geocoder
        self.sizes = Sizes(batch_size=batch_size)
        # The same mentions with and without a geocoder: one-word names the gazetteer does not know are
        # extracted either way, and geo_resolver drops those that no geocoder places.
        self.toponyms: GeoToponyms = nlp.add_pipe(
            "geo_toponyms", config={"demonyms": demonyms, "keep_unknown_words": True})
        self.toponyms.use(gazetteer=gazetteer)
        self.geo_resolver: GeoResolver = nlp.add_pipe("geo_resolver")
        self.geo_resolver.use(gazetteer=gazetteer, geocoder=geocoder, weights=weights)
        self.nlp: "Language" = nlp

    @property
    def batch_size(self) -> int:
        """Documents (pieces of them, for long texts) per ``nlp.pipe`` batch."""
        return self.sizes.batch_size

    @property
    def resolver(self) -> Resolver:
        """The geo_resolver component's scoring (``Resolver``)."""
        return self.geo_resolver.resolver

    @resolver.setter
    def resolver(self, resolver: Resolver) -> None:
        self.geo_resolver.resolver = resolver

    def parse(self, docs: Iterable[Document]) -> Iterator[ParsedDocument]:
        """Parse documents in order, through ``nlp.pipe`` in this process. Several processes (``-j N``) are an
        engine's job: :func:`geo.batch.engines.pool.parse` (``geo.parse_many(jobs=)`` and the CLI call it)."""
        for sdoc in run(self.nlp, docs, self.sizes):
            yield ParsedDocument(sdoc._.get(PIECE).document, tuple(sdoc._.get(RESOLUTIONS)))

    def parse_one(self, doc: Document) -> ParsedDocument:
        return next(self.parse([doc]))

    def extract_many(self, docs: Iterable[Document]) -> Iterator[tuple[Document, list[Mention]]]:
        """Only the toponyms: (Document, its Mentions) in order, ``geo_resolver`` disabled."""
        return extract_many(self.nlp, docs, self.sizes, disable=[self.geo_resolver.name])

    def extract(self, doc: Document) -> list[Mention]:
        return next(self.extract_many([doc]))[1]


# ---- lang="auto": documents in several languages -----------------------------------------------------

def document_language(doc: Document, candidates: Iterable[str] | None = None) -> str:
    """The detected language of a Document (its headline and text)."""
    return detect(f"{doc.title}\n{doc.text}" if doc.title else doc.text, candidates)


class MultiPipeline:
    """Pipelines per detected language, behind one ``parse``. ``factory(code)`` makes (or returns a
    shared) Pipeline for a language; by default ``Pipeline(lang=code, gazetteer=<one shared store>,
    geocoder=geocoder, batch_size=batch_size, progress=progress)``. ``languages``: the candidates for
    detection (default: every language geo has data for)."""

    lang = AUTO

    def __init__(self, *, languages: Iterable[str] | None = None, gazetteer: Gazetteer | None = None,
                 geocoder=None, batch_size: int = 32, progress: bool = True,
                 factory: Callable[[str], Pipeline] | None = None):
        self.languages = tuple(languages) if languages is not None else None
        self._gazetteer = gazetteer
        self._geocoder = geocoder
        self._batch_size = batch_size
        self._progress = progress
        self._factory = factory
        self._pipes: dict[str, Pipeline] = {}
        self.languages_seen: Counter[str] = Counter()

    @property
    def gazetteer(self) -> "Gazetteer":
        if self._gazetteer is None:
            if self._pipes:
                self._gazetteer = next(iter(self._pipes.values())).gazetteer
            elif self._factory is not None:
                self._gazetteer = self.pipeline("en" if self.languages is None or "en" in self.languages
                                                else self.languages[0]).gazetteer
            else:
                self._gazetteer = Gazetteer.open(progress=self._progress)
        return self._gazetteer

    @property
    def batch_size(self) -> int:
        return self._batch_size

    def pipeline(self, code: str) -> Pipeline:
        """The Pipeline for language ``code`` (created on first use)."""
        pipe = self._pipes.get(code)
        if pipe is None:
            if self._factory is not None:
                pipe = self._factory(code)
            else:
                pipe = Pipeline(lang=code, gazetteer=self.gazetteer, geocoder=self._geocoder,
                                batch_size=self._batch_size, progress=self._progress)
            self._pipes[code] = pipe
        return pipe

    def language_of(self, doc: Document) -> str:
        return document_language(doc, self.languages)

    def parse(self, docs: Iterable[Document], *, jobs: int = 1) -> Iterator[ParsedDocument]:
        """Parse documents in order, each with its language's pipeline (windows of ``4 * batch_size``
        documents are grouped by language, so each model still sees whole batches)."""
        window: list[Document] = []
        for doc in docs:
            window.append(doc)
            if len(window) >= 4 * self._batch_size:
                yield from self._parse_window(window, jobs)
                window = []
        if window:
            yield from self._parse_window(window, jobs)

    def _parse_window(self, window: list[Document], jobs: int) -> Iterator[ParsedDocument]:
        codes = [self.language_of(d) for d in window]
        self.languages_seen.update(codes)
        results: list[ParsedDocument | None] = [None] * len(window)
        for code in dict.fromkeys(codes):
            idx = [i for i, c in enumerate(codes) if c == code]
            for i, pd in zip(idx, self.pipeline(code).parse([window[i] for i in idx], jobs=jobs)):
                results[i] = pd
        for pd in results:
            assert pd is not None
            yield pd

    def parse_one(self, doc: Document) -> ParsedDocument:
        return next(self.parse([doc]))
