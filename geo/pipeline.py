"""Wire the stages: documents -> extract -> resolve -> ParsedDocument.

One spaCy pipeline and one gazetteer per process, loaded once; documents stream through
``nlp.pipe`` in batches. The two stages are geo's spaCy components (geo/components.py):
``geo_toponyms`` runs on every Doc spaCy's NER has seen, ``geo_resolver`` places a whole
document's mentions (long texts reach spaCy in several pieces, resolved together).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from .components import GeoResolver, GeoToponyms
from .extract import DEFAULT_MODEL, Extractor, load_nlp
from .resolve import Resolver, Weights
from .types import Document, ParsedDocument

if TYPE_CHECKING:  # pragma: no cover
    from .geocoders import Geocoder
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
        # The same mentions with and without a geocoder: one-word names the gazetteer does not know are
        # extracted either way, and geo_resolver drops those that no geocoder places.
        self.extractor = Extractor(gazetteer, load_nlp(model), batch_size=batch_size, demonyms=demonyms,
                                   keep_unknown_words=True)
        # the spaCy components: extract_many runs NER, then geo_toponyms on each Doc
        self.toponyms: GeoToponyms = self.extractor.component
        self.geo_resolver = GeoResolver(gazetteer=gazetteer, geocoder_object=geocoder, weights=weights)

    @property
    def resolver(self) -> Resolver:
        """The geo_resolver component's scoring (``Resolver``)."""
        return self.geo_resolver.resolver

    @resolver.setter
    def resolver(self, resolver: Resolver) -> None:
        self.geo_resolver._resolver = resolver

    def parse(self, docs: Iterable[Document], *, jobs: int = 1) -> Iterator[ParsedDocument]:
        """Parse documents in order. ``jobs > 1`` runs the whole pipeline (extraction and resolution)
        over partitions of ``batch_size`` documents in that many forked worker processes, through the
        same partition function as the batch engines (geo.batch.partition); output order is unchanged."""
        if jobs > 1:
            from .batch.partition import parse_in_pool

            yield from parse_in_pool(self, docs, jobs, self.extractor.batch_size)
            return
        for doc, mentions in self.extractor.extract_many(docs):
            yield ParsedDocument(doc, tuple(self.geo_resolver.resolve(doc, mentions)))

    def parse_one(self, doc: Document) -> ParsedDocument:
        return next(self.parse([doc]))
