"""The ``geo_resolver`` spaCy component: place every span of ``doc.spans["geo"]`` (after ``geo_toponyms``).

Gazetteer candidates ranked with the document's context (:class:`geo.resolve.Resolver`), the
fallback geocoder (if configured) for names the gazetteer lacks, and the document policy
(:mod:`geo.resolve.policy`: headline and body together, lone words checked). On a Doc made by the
user the whole Doc is the document: each span gets its place. On the pieces of a geo Document
(:mod:`geo.extract.chunking`), the document is resolved once, on its last piece, from all the mentions
``geo_toponyms`` gathered; the Resolutions are stored there (``doc._.geo_resolutions``).
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import lang as languages
from ..extract.chunking import PIECE
from ..extract.component import DATA, DOCUMENT_MENTIONS, MENTIONS, SPANS_KEY, LazyComponent, data, mentions_of
from ..gazetteer import Gazetteer
from ..types import Alternative, Document, Mention, Place, Resolution
from .policy import resolve_document
from .resolver import Resolver

if TYPE_CHECKING:  # pragma: no cover
    from ..geocoders import Geocoder

RESOLUTIONS = "geo_resolutions"  # Doc extension on a Document's last piece: its Resolutions, in text order

_PLACE_FIELDS = tuple(f.name for f in dataclasses.fields(Place))


def _place_row(p: Place | None) -> list | None:
    return None if p is None else [getattr(p, f) for f in _PLACE_FIELDS]


def _place_of(row: list | None) -> Place | None:
    return None if row is None else Place(*row)


def _res(span: Span) -> dict:
    return data(span).get("r") or {}


def register_extensions() -> None:
    """Declare the Doc/Span extensions the resolver writes (idempotent)."""
    if not Doc.has_extension(RESOLUTIONS):
        Doc.set_extension(RESOLUTIONS, default=None)
    getters = {
        "geo_place": lambda sp: _place_of(_res(sp).get("place")),
        "geo_candidates": lambda sp: tuple(Alternative(_place_of(p), s) for p, s in _res(sp).get("alts", ())),
        "geo_score": lambda sp: _res(sp).get("score"),
        "geo_source": lambda sp: _res(sp).get("source"),
        "geo_why": lambda sp: _res(sp).get("why"),
        "geo_precision": lambda sp: _res(sp).get("precision"),
    }
    for name, getter in getters.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)


register_extensions()


def resolution_dict(r: Resolution) -> dict[str, Any]:
    return {"place": _place_row(r.place), "score": r.score, "source": r.source, "why": r.why,
            "precision": r.precision, "alts": [[_place_row(a.place), a.score] for a in r.alternatives]}


class GeoResolver(LazyComponent):
    """Place every span of ``doc.spans["geo"]`` (after ``geo_toponyms``): gazetteer candidates ranked
    with the document's context, and the fallback geocoder (if configured) for names it lacks."""

    _settings = ("gazetteer_path", "geocoder_name", "geocoder_url", "lang")

    def __init__(self, nlp: Language | None = None, name: str = "geo_resolver", *, gazetteer_path: str | None = None,
                 geocoder: str | None = None, geocoder_url: str | None = None, lang: str | None = None,
                 gazetteer: Gazetteer | None = None, geocoder_object: "Geocoder | None" = None, weights=None):
        self.name = name
        self.gazetteer_path = gazetteer_path
        self.geocoder_name = geocoder
        self.geocoder_url = geocoder_url
        self.lang = languages.for_nlp(nlp, lang)  # the setting, else nlp.lang; its data loaded (checked) now
        self._gz = gazetteer
        self._geocoder = geocoder_object
        self._weights = weights
        self._resolver: Resolver | None = None

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state["_weights"] = self._weights
        return state

    def _reset(self) -> None:
        self._resolver = None
        if not hasattr(self, "_geocoder"):
            self._geocoder = None
        if not hasattr(self, "_weights"):
            self._weights = None

    def use(self, *, gazetteer: Gazetteer | None = None, geocoder: "Geocoder | None" = None,
            weights=None) -> None:
        """Use an opened gazetteer, a ready geocoder and/or resolver settings (:class:`geo.resolve.Weights`)
        instead of the configured ones."""
        super().use(gazetteer=gazetteer)
        if geocoder is not None:
            self._geocoder = geocoder
            self._resolver = None
        if weights is not None:
            self._weights = weights
            self._resolver = None

    @property
    def geocoder(self) -> "Geocoder | None":
        if self._geocoder is None and (self.geocoder_name or self.geocoder_url):
            # lazy: the providers (geopy, HTTP) are imported only when a geocoder is configured (start-up speed)
            from ..geocoders import make_geocoder

            self._geocoder = make_geocoder(service=self.geocoder_name, url=self.geocoder_url)
        return self._geocoder

    @property
    def resolver(self) -> Resolver:
        """The scoring (geo.resolve.Resolver), bound to this component's gazetteer, geocoder and language."""
        if self._resolver is None:
            self._resolver = Resolver(self.gazetteer, self.geocoder, weights=self._weights,
                                      lang=languages.load(self.lang))
        return self._resolver

    @resolver.setter
    def resolver(self, resolver: Resolver) -> None:
        self._resolver = resolver

    def resolve(self, document: Document, mentions: Sequence[Mention]) -> list[Resolution]:
        """Resolve a whole document's mentions (:func:`geo.resolve.policy.resolve_document`)."""
        return resolve_document(self.resolver, document, mentions)

    def __call__(self, doc: Doc) -> Doc:
        piece = doc._.get(PIECE)
        if piece is not None:  # a piece of a geo Document: resolve the whole document on its last piece
            if piece.last:
                mentions = doc._.get(DOCUMENT_MENTIONS)
                if mentions is None:
                    raise ValueError(f"{self.name} needs the document's mentions: add 'geo_toponyms' before it")
                doc._.set(RESOLUTIONS, self.resolve(piece.document, mentions))
            return doc
        if doc._.get(MENTIONS) is None:
            raise ValueError(f"{self.name} needs doc.spans['geo']: add 'geo_toponyms' before it")
        mentions = mentions_of(doc)
        resolutions = {(r.mention.start, r.mention.end): r
                       for r in self.resolve(Document(id="", text=doc.text), mentions)}
        kept_rows, spans = [], []
        for span in doc.spans[SPANS_KEY]:
            row = data(span).get("m")
            r = resolutions.get((row[0], row[1])) if row else None
            if r is None:
                continue  # dropped by the resolver (a lone word naming a minor place, nothing backing it)
            span._.set(DATA, {"m": row, "r": resolution_dict(r)})
            kept_rows.append(row)
            spans.append(span)
        doc._.set(MENTIONS, kept_rows)
        doc.spans[SPANS_KEY] = spans
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("geo_resolver", default_config={"gazetteer_path": None, "geocoder": None, "geocoder_url": None,
                                                   "lang": None})
def make_resolver(nlp: Language, name: str, gazetteer_path: str | None, geocoder: str | None,
                  geocoder_url: str | None, lang: str | None) -> GeoResolver:
    return GeoResolver(nlp, name, gazetteer_path=gazetteer_path, geocoder=geocoder, geocoder_url=geocoder_url,
                       lang=lang)
