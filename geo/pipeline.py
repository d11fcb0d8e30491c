"""Wire the stages: documents -> extract -> resolve -> ParsedDocument.

One spaCy pipeline and one gazetteer per process, loaded once; documents stream through
``nlp.pipe`` in batches.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from .extract import DEFAULT_MODEL, Extractor, load_nlp
from .resolve import Resolver, Weights
from .types import Document, ParsedDocument

if TYPE_CHECKING:  # pragma: no cover
    from .fallback import Geocoder
    from .gazetteer import Gazetteer


class Pipeline:
    """The whole geoparser. ``Pipeline().parse(docs)`` yields one ParsedDocument per Document."""

    def __init__(self, *, model: str = DEFAULT_MODEL, gazetteer: "Gazetteer | None" = None,
                 geocoder: "Geocoder | None" = None, demonyms: bool = True, weights: Weights | None = None,
                 batch_size: int = 32, progress: bool = True):
        if gazetteer is None:
            from .gazetteer import Gazetteer

            gazetteer = Gazetteer.open(progress=progress)
        self.gazetteer = gazetteer
        self.geocoder = geocoder
        # Unknown one-word names are worth extracting only when a geocoder can try to place them.
        self.extractor = Extractor(gazetteer, load_nlp(model), batch_size=batch_size, demonyms=demonyms,
                                   keep_unknown_words=geocoder is not None)
        self.resolver = Resolver(gazetteer, geocoder, weights=weights)

    def parse(self, docs: Iterable[Document], *, jobs: int = 1) -> Iterator[ParsedDocument]:
        """Parse documents in order. ``jobs > 1`` runs the whole pipeline (extraction and resolution)
        over partitions of ``batch_size`` documents in that many forked worker processes, through the
        same partition function as the batch engines (geo.batch.partition); output order is unchanged."""
        if jobs > 1:
            from .batch.partition import parse_in_pool

            yield from parse_in_pool(self, docs, jobs, self.extractor.batch_size)
            return
        for doc, mentions in self.extractor.extract_many(docs):
            yield ParsedDocument(doc, tuple(self.resolver.resolve(doc, mentions)))

    def parse_one(self, doc: Document) -> ParsedDocument:
        return next(self.parse([doc]))
