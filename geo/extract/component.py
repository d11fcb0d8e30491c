"""The ``geo_toponyms`` spaCy component: the place names in a Doc (after ``ner``) -> ``doc.spans["geo"]``.

The component owns its rules (:class:`geo.extract.rules.ToponymRules`, built on first use from the
language data of ``nlp.lang`` -- or of the ``lang`` setting -- and the gazetteer store). On a Doc that
is one piece of a longer document (``doc._.geo_piece``, set by :func:`geo.extract.chunking.run`), it
also gathers the document's mentions so far and, on its last piece, stores them all
(``doc._.geo_document_mentions``) for ``geo_resolver``. See :mod:`geo.components` for the user's side.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import lang as languages
from ..gazetteer import Gazetteer
from ..types import Document, Mention
from .chunking import PIECE, Sizes, assemble, run
from .rules import ToponymRules

SPANS_KEY = "geo"
MENTIONS = "geo_mentions"  # Doc extension: [[start, end, label, sent_start, sent_end, cue], ...] in order
DATA = "geo_data"  # Span extension: {"m": mention row, "r": resolution dict} (plain data)
DOCUMENT_MENTIONS = "geo_document_mentions"  # Doc extension on a document's last piece: all its Mentions


def data(span: Span) -> dict:
    return span._.get(DATA) or {}


def mention_from_row(text: str, doc_id: str, row: Sequence) -> Mention:
    s, e, label, ss, se, cue = row
    return Mention(doc_id, text[s:e], s, e, label, ss, se, cue)


def _mention_of(span: Span) -> Mention | None:
    m = data(span).get("m")
    return None if m is None else mention_from_row(span.doc.text, "", m)


def register_extensions() -> None:
    """Declare the Doc/Span extensions the toponyms component writes (idempotent)."""
    for name in (MENTIONS, DOCUMENT_MENTIONS):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Span.has_extension(DATA):
        Span.set_extension(DATA, default=None)
    getters = {
        "geo_mention": _mention_of,
        "geo_cue": lambda sp: (data(sp).get("m") or [None] * 6)[5],
    }
    for name, getter in getters.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)


register_extensions()


def mentions_of(doc: Doc, doc_id: str = "", text: str | None = None) -> list[Mention]:
    """The Mentions ``geo_toponyms`` found in ``doc``, in text order (exact character offsets;
    ``text``: ``doc.text``, if the caller has it already)."""
    rows = doc._.get(MENTIONS)
    if rows is None:
        raise ValueError("no geo mentions on this Doc: add the 'geo_toponyms' component after 'ner'")
    if text is None:
        text = doc.text  # built from the tokens on each access: once per Doc, not once per mention
    return [mention_from_row(text, doc_id, r) for r in rows]


def extract_many(nlp: Language, docs: Iterable[Document], sizes: Sizes | None = None, *,
                 disable: Sequence[str] = ()) -> Iterator[tuple[Document, list[Mention]]]:
    """(Document, its Mentions) for every document, in order, through ``nlp`` (which has
    ``geo_toponyms``; components named in ``disable`` are skipped, e.g. ``geo_resolver``)."""
    for sdoc in run(nlp, docs, sizes or Sizes(), disable=disable):
        yield sdoc._.get(PIECE).document, sdoc._.get(DOCUMENT_MENTIONS)


def stop_words(code: str) -> frozenset[str]:
    """spaCy's stop words for language ``code`` (none if spaCy has no such language)."""
    try:
        return frozenset(spacy.util.get_lang_class(code).Defaults.stop_words)
    except Exception:  # noqa: BLE001 - spaCy raises ImportError/KeyError variants for unknown codes
        return frozenset()


class LazyComponent:
    """Settings plus lazily opened resources; pickles as the settings (and the gazetteer's path)."""

    _settings: tuple[str, ...] = ()

    def __getstate__(self) -> dict:
        state = {k: getattr(self, k) for k in self._settings}
        state["name"] = self.name
        if self._gz is not None and self.gazetteer_path is None:
            state["gazetteer_path"] = str(self._gz.path)
        return state

    def __setstate__(self, state: dict) -> None:
        self.name = state.pop("name")
        for k, v in state.items():
            setattr(self, k, v)
        self._gz = None
        self._reset()

    def _reset(self) -> None:  # pragma: no cover - overridden
        pass

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gz is None:
            self._gz = Gazetteer.open(self.gazetteer_path, progress=False)
        return self._gz

    def use(self, *, gazetteer: Gazetteer | None = None) -> None:
        """Use an already opened gazetteer store instead of opening ``gazetteer_path``."""
        if gazetteer is not None:
            self._gz = gazetteer
            self._reset()


class GeoToponyms(LazyComponent):
    """Find the place names in a Doc (after ``ner``): spaCy's entities, filtered and split, plus the
    gazetteer matcher, datelines and demonyms. Sets ``doc.spans["geo"]``."""

    _settings = ("gazetteer_path", "demonyms", "keep_unknown_words", "lang")

    def __init__(self, nlp: Language | None = None, name: str = "geo_toponyms", *, gazetteer_path: str | None = None,
                 demonyms: bool = True, keep_unknown_words: bool = True, lang: str | None = None,
                 gazetteer: Gazetteer | None = None):
        self.name = name
        self.gazetteer_path = gazetteer_path
        self.demonyms = demonyms
        self.keep_unknown_words = keep_unknown_words
        self.lang = languages.for_nlp(nlp, lang)  # the setting, else nlp.lang; its data loaded (checked) now
        self._gz = gazetteer
        self._reset()

    def _reset(self) -> None:
        self._rules: ToponymRules | None = None
        self._pending: dict[int, list[Mention]] = {}  # the mentions of documents being assembled from pieces

    @property
    def rules(self) -> ToponymRules:
        """The rules, bound to this component's gazetteer and language (built on first use)."""
        if self._rules is None:
            self._rules = ToponymRules(self.gazetteer, languages.load(self.lang), stop_words(self.lang),
                                       demonyms=self.demonyms, keep_unknown_words=self.keep_unknown_words)
        return self._rules

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("ENT_IOB") and len(doc):
            raise ValueError(f"{self.name} needs named entities: add it after the 'ner' component")
        piece = doc._.get(PIECE)
        # spaCy joins the tokens on each access of doc.text: once per Doc, or the text a piece was made from
        text = piece.text if piece is not None and piece.text is not None else doc.text
        found = self.rules.find(doc, text=text)
        rows = [[m.start, m.end, m.label, m.sent_start, m.sent_end, m.cue] for m in found]
        doc._.set(MENTIONS, rows)
        spans = []
        for row in rows:
            span = doc.char_span(row[0], row[1], label=row[2], alignment_mode="expand")
            if span is None:  # pragma: no cover - expand always finds tokens for a non-empty range
                continue
            span._.set(DATA, {"m": row})
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        if piece is not None:  # one piece of a Document: gather its mentions for geo_resolver
            key = id(piece.document)  # (per document: two streams through one nlp do not mix)
            if piece.first:
                self._pending[key] = []
            found = self._pending.setdefault(key, [])
            found.extend(assemble(piece, text, mentions_of(doc, piece.document.id, text)))
            if piece.last:
                doc._.set(DOCUMENT_MENTIONS, self._pending.pop(key))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("geo_toponyms", default_config={"gazetteer_path": None, "demonyms": True,
                                                   "keep_unknown_words": True, "lang": None})
def make_toponyms(nlp: Language, name: str, gazetteer_path: str | None, demonyms: bool,
                  keep_unknown_words: bool, lang: str | None) -> GeoToponyms:
    return GeoToponyms(nlp, name, gazetteer_path=gazetteer_path, demonyms=demonyms,
                       keep_unknown_words=keep_unknown_words, lang=lang)
