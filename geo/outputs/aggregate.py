"""Group resolved mentions across documents into one entry per distinct place.

Both the HTML map and the GeoJSON export read :func:`aggregate`: each :class:`PlaceEntry` holds the
place, how often it is mentioned, and per document the snippets (:mod:`geo.outputs.snippets`: the
sentence around each mention split into plain and highlighted parts).

The output order is deterministic: most-mentioned first, then by name and id.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable
from urllib.parse import urlsplit

from geo.features import FEATURE_TYPES  # noqa: F401  (re-exported for the renderers)
from geo.features import feature_type as _feature_type
from geo.outputs.palette import TYPE_COLOURS
from geo.outputs.snippets import Snippet, make_snippet, sentence_bounds
from geo.types import Document, Mention, ParsedDocument, Place, Resolution

#: Each place type's colour, from the one palette (:mod:`geo.outputs.palette`, Okabe-Ito), as the map's
#: markers (geomap.css) and outlines, the GeoPackage's QGIS style and the static figure draw it.
TYPE_COLORS: dict[str, str] = dict(TYPE_COLOURS)
#: How precisely a point places what the text names (:attr:`geo.types.Resolution.precision`, in the
#: spirit of ACLED's geo_precision), most precise first: the place itself; a place the gazetteer does not
#: know, put at the town the text names it in; a province or region (or a local place put at one); a
#: country (or a local place put at one).
PRECISIONS: tuple[str, ...] = ("exact", "town", "region", "country")
# (the names of the place types and precision levels, on the map and in the figure, are language data:
# geo/lang/<code>/ui.json, read by geo.outputs.ui)


def feature_type(place: Place) -> str:
    """Classify a place by its GeoNames class/code: country, province, city, physical or other
    (:func:`geo.features.feature_type`, the one classifier)."""
    return _feature_type(place.feature_class, place.feature_code)


@dataclass(frozen=True)
class DocumentMentions:
    """One document's mentions of a place."""

    document: Document  # the document's metadata (its text is not kept: see :class:`Aggregator`)
    mentions: int
    snippets: tuple[Snippet, ...]
    more_snippets: int = 0  # snippets left out (beyond ``max_snippets``)
    index: int = -1  # the document's position in the input (0 = first added)


@dataclass(frozen=True)
class PlaceEntry:
    """One distinct place across all documents."""

    place: Place
    mentions: int
    documents: tuple[DocumentMentions, ...]  # the first ones (all, unless the aggregator was bounded)
    names: tuple[str, ...]  # the surface forms used in the texts, most frequent first
    document_count: int = -1  # documents mentioning the place (``len(documents)`` when not given)
    focus: int = 0  # documents whose focus (:mod:`geo.focus`) includes the place
    best_score: float = 0.0  # the highest resolution score among the place's mentions
    alternatives: tuple = ()  # runner-up candidates of its best-scored mention (geo.types.Alternative)
    # the most precise :data:`PRECISIONS` level among its mentions (None: none known, e.g. old results)
    precision: str | None = None

    def __post_init__(self) -> None:
        if self.document_count < 0:
            object.__setattr__(self, "document_count", len(self.documents))

    @property
    def feature_type(self) -> str:
        return feature_type(self.place)

    @property
    def more_documents(self) -> int:
        """Documents mentioning the place that :attr:`documents` leaves out."""
        return max(0, self.document_count - len(self.documents))


#: Distinct surface forms remembered per place (more are counted under the ones already seen).
MAX_NAMES_PER_PLACE = 64


class _OpenDocument:
    """A place's mentions in the document being added, until that document is complete."""

    __slots__ = ("document", "index", "mentions")

    def __init__(self, document: Document, index: int):
        self.document = document
        self.index = index
        # (mention, source text, offset of the source text in the document's text, source is its sentence)
        self.mentions: list[tuple[Mention, str, int, bool]] = []


class _PlaceState:
    __slots__ = ("place", "mentions", "document_count", "documents", "names", "open", "focus", "best_score",
                 "alternatives", "precision")

    def __init__(self, place: Place):
        self.place = place
        self.mentions = 0
        self.document_count = 0
        self.documents: list[DocumentMentions] = []
        self.names: dict[str, int] = {}
        self.open: _OpenDocument | None = None
        self.focus = 0
        self.best_score = float("-inf")
        self.alternatives: tuple = ()
        self.precision: str | None = None


def more_precise(a: str | None, b: str | None) -> str | None:
    """The more precise of two :data:`PRECISIONS` levels (None and unknown levels count least)."""
    rank = {p: k for k, p in enumerate(PRECISIONS)}
    if b is None or b not in rank:
        return a
    if a is None or a not in rank:
        return b
    return a if rank[a] <= rank[b] else b


class Aggregator:
    """Incremental, bounded grouping of resolved mentions into one :class:`PlaceEntry` per place.

    Feed it documents one at a time with :meth:`add` (a :class:`ParsedDocument`), or mention by mention
    with :meth:`add_mention` (results read back from JSONL/GeoParquet: a resolution and the text of its
    sentence), then read :meth:`entries`. Memory grows with the number of distinct places only: each
    place keeps its mention count, its document count, its surface names, and the snippets of the
    first ``documents`` documents mentioning it (``snippets`` per document, mentions in one sentence
    sharing a snippet); document texts are not kept.

    Mentions of one document must arrive together (as :meth:`add` and a JSONL file give them).
    """

    def __init__(self, snippets: int = 5, *, documents: int | None = None, max_snippet_chars: int = 300,
                 window: int = 120):
        if snippets < 0 or (documents is not None and documents < 0):
            raise ValueError("snippets and documents must be >= 0")
        self.snippets = snippets
        self.max_documents = documents
        self.max_snippet_chars = max_snippet_chars
        self.window = window
        self._places: dict[str, _PlaceState] = {}
        self._open: set[str] = set()  # places with mentions in the current document
        self._doc_key: tuple[str, int] | None = None
        self._doc_meta: Document | None = None
        self.document_count = 0  # documents seen (with or without places)
        self.mention_count = 0  # resolved mentions added

    # -- input --------------------------------------------------------------------------------------

    def add(self, parsed: ParsedDocument, focus: Iterable[str] | None = None) -> None:
        """Add one document and its resolved mentions; ``focus``: the ids of its focus places."""
        doc = parsed.document
        self._start_document(doc, force=True)
        text = doc.text or ""
        title = doc.title or ""
        for res in parsed.resolutions:
            if res.place is not None:
                # title mentions (field "title") index the headline; their snippet comes from it
                self._add(res, title if res.mention.field == "title" else text, 0, False)
        if focus:
            self.add_focus(focus)
        self._close_open()

    def add_mention(self, document: Document, resolution: Resolution, sentence: str | None = None) -> None:
        """Add one resolved mention of ``document``.

        ``sentence`` is the text of the mention's sentence, starting at ``mention.sent_start``
        (what a results file stores instead of the whole text); without it the document's own text
        is used, and with neither the mention is counted but gets no snippet. A new document starts
        whenever ``document.id`` differs from the previous call's.
        """
        self._start_document(document)
        if resolution.place is None:
            return
        m = resolution.mention
        if m.field == "title" and document.title:
            self._add(resolution, document.title, 0, False)
        elif sentence is not None:
            self._add(resolution, sentence, m.sent_start, True)
        else:
            self._add(resolution, document.text or "", 0, False)

    def add_focus(self, place_ids: Iterable[str]) -> None:
        """Count the current document as one whose focus includes each of ``place_ids``."""
        for pid in dict.fromkeys(place_ids):
            st = self._places.get(pid)
            if st is not None:
                st.focus += 1

    def _start_document(self, doc: Document, force: bool = False) -> None:
        if not force and self._doc_key is not None and self._doc_key[0] == doc.id:
            return
        self._close_open()
        self._doc_key = (doc.id, self.document_count)
        self._doc_meta = replace(doc, text="") if doc.text else doc
        self.document_count += 1

    def _add(self, res: Resolution, source: str, offset: int, is_sentence: bool) -> None:
        place = res.place
        assert place is not None and self._doc_key is not None and self._doc_meta is not None
        st = self._places.get(place.id)
        if st is None:
            st = self._places[place.id] = _PlaceState(place)
        if st.open is None:
            st.open = _OpenDocument(self._doc_meta, self._doc_key[1])
            self._open.add(place.id)
        st.open.mentions.append((res.mention, source, offset, is_sentence))
        self.mention_count += 1
        st.precision = more_precise(st.precision, getattr(res, "precision", None))
        if res.score > st.best_score:
            st.best_score = res.score
            st.alternatives = tuple(getattr(res, "alternatives", ()) or ())

    def _close_open(self) -> None:
        for pid in sorted(self._open):
            st = self._places[pid]
            if st.open is not None:
                dm, count = self._finish(st.open, st.names, keep_snippets=self._room(st))
                st.mentions += count
                st.open = None
                st.document_count += 1
                if self._room(st):
                    st.documents.append(dm)
        self._open.clear()

    def _room(self, st: _PlaceState) -> bool:
        return self.max_documents is None or len(st.documents) < self.max_documents

    # -- output -------------------------------------------------------------------------------------

    def _finish(self, od: _OpenDocument, names: dict[str, int],
                keep_snippets: bool) -> tuple[DocumentMentions, int]:
        """The document's entry for the place and its mention count (its surface forms counted into ``names``)."""
        groups: dict[tuple[bool, int, int], tuple[str, int, list[tuple[int, int]]]] = {}
        count = 0
        seen_spans: set[tuple[str, int, int]] = set()
        # headline mentions first, then the body's in text order
        for m, source, off, is_sentence in sorted(od.mentions, key=lambda t: (t[0].field != "title", t[0].start,
                                                                               t[0].end)):
            if (m.field, m.start, m.end) in seen_spans:  # the same span reported twice counts once
                continue
            seen_spans.add((m.field, m.start, m.end))
            count += 1
            s, e = m.start - off, m.end - off
            fits = 0 <= s < e <= len(source)
            surface = source[s:e] if fits else m.text
            if surface in names or len(names) < MAX_NAMES_PER_PLACE:
                names[surface] = names.get(surface, 0) + 1
            if not fits or not keep_snippets:
                continue  # offsets do not fit this text: count it, but no snippet
            if is_sentence:
                lo, hi = off, off + len(source)
            else:
                lo, hi = sentence_bounds(source, m, self.window)
            groups.setdefault((m.field != "title", lo, hi), (source, off, []))[2].append((m.start, m.end))
        snippets: list[Snippet] = []
        seen: set[tuple[str, ...]] = set()
        for (_body, lo, hi), (source, off, spans) in sorted(groups.items(), key=lambda kv: kv[0]):
            sn = make_snippet(source, lo - off, hi - off, [(a - off, b - off) for a, b in spans],
                               self.max_snippet_chars)
            if sn.parts in seen:
                continue
            seen.add(sn.parts)
            snippets.append(sn)
        kept = tuple(snippets[:self.snippets])
        return DocumentMentions(od.document, count, kept, len(snippets) - len(kept), od.index), count

    def entries(self) -> list[PlaceEntry]:
        """One entry per place, most mentioned first (then by name and id); adding may go on after."""
        out: list[PlaceEntry] = []
        for st in self._places.values():
            docs, mentions, ndocs, names = st.documents, st.mentions, st.document_count, st.names
            if st.open is not None:  # the current document, not closed yet: count it without closing
                names = dict(names)
                dm, count = self._finish(st.open, names, keep_snippets=self._room(st))
                mentions += count
                ndocs += 1
                docs = docs + [dm] if self._room(st) else docs
            ordered = tuple(n for n, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0])))
            out.append(PlaceEntry(st.place, mentions, tuple(docs), ordered, ndocs, st.focus,
                                  max(st.best_score, 0.0) if st.best_score != float("-inf") else 0.0,
                                  st.alternatives, st.precision))
        out.sort(key=lambda e: (-e.mentions, e.place.name, e.place.id))
        return out

    def __len__(self) -> int:
        return len(self._places)


def aggregate(
    parsed: Iterable[ParsedDocument],
    *,
    max_snippets: int = 5,
    max_snippet_chars: int = 300,
    window: int = 120,
    max_documents: int | None = None,
) -> list[PlaceEntry]:
    """One :class:`PlaceEntry` per distinct ``place.id`` over all documents (resolved mentions only).

    ``max_snippets`` caps the snippets kept per place and document (the rest are counted in
    ``more_snippets``); mentions in the same sentence share one snippet with several highlights.
    ``max_documents`` (default: all) caps the documents kept per place. Built on :class:`Aggregator`.
    """
    agg = Aggregator(max_snippets, documents=max_documents, max_snippet_chars=max_snippet_chars, window=window)
    for pd in parsed:
        agg.add(pd)
    return agg.entries()


def safe_url(url: str | None) -> str | None:
    """Keep only absolute http(s) URLs; anything else (javascript:, data:, relative) is dropped."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(c) < 0x20 or c.isspace() for c in url):
        return None
    return url
