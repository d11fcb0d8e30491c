"""Long texts, batches and offsets: the one place where documents become spaCy Docs and back.

A :class:`~geo.types.Document` reaches spaCy as one or more *pieces*: its text cut into chunks of at
most ``max_chunk`` characters at the best break available (spaCy refuses texts over
``nlp.max_length``, and its memory grows with a batch's characters), then its headline if the text
does not already carry it. Each piece's Doc carries a :class:`Piece` (``doc._.geo_piece``); the
``geo_toponyms`` component gathers the pieces' mentions with :func:`assemble` (offsets into the
whole ``Document.text`` or ``Document.title``), and ``geo_resolver`` resolves them together on the
document's last piece. :func:`run` drives ``nlp.pipe`` over the pieces, batch by batch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from spacy.tokens import Doc

from ..types import Document, Mention

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

PIECE = "geo_piece"  # Doc extension: the Piece a Doc was made from (None for a Doc made by the user)
_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?]\s+"), re.compile(r"\s+"))

if not Doc.has_extension(PIECE):
    Doc.set_extension(PIECE, default=None)


@dataclass(frozen=True)
class Piece:
    """Where a Doc's text comes from: ``document``'s ``field`` ("text" or "title") at ``offset``;
    ``first`` / ``last``: the document's first and last piece; ``text``: the text given to spaCy (the
    Doc's ``doc.text``, which spaCy rebuilds from the tokens on every access)."""

    document: Document
    offset: int
    field: str
    first: bool
    last: bool
    text: str | None = None


@dataclass
class Sizes:
    """How documents are cut and batched (peak memory stays bounded whatever a document's length)."""

    batch_size: int = 32  # pieces per nlp.pipe batch at most
    max_batch_chars: int = 100_000  # characters per batch, about (spaCy needs ~3 KB per character)
    max_chunk: int = 20_000  # the longest piece (and no more than nlp.max_length)


def chunks(text: str, size: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) pieces of at most ``size`` characters, cut at the best break available."""
    start, n = 0, len(text)
    while n - start > size:
        window = text[start:start + size]
        cut = 0
        for pat in _BREAKS:
            ends = [m.end() for m in pat.finditer(window, size // 2)]
            if ends:
                cut = ends[-1]
                break
        cut = cut or size
        yield start, text[start:start + cut]
        start += cut
    yield start, text[start:]


def pieces(docs: Iterable[Document], max_chunk: int) -> Iterator[tuple[str, Piece]]:
    """(text for spaCy, Piece) for every piece of every document, in order."""
    for d in docs:
        parts = list(chunks(d.text, max_chunk))
        # the headline is text too -- unless the text already carries it (a .txt file's first
        # line, an HTML page's <h1>): its places are not counted twice
        title = d.title if d.title and d.title.strip() and len(d.title) <= max_chunk else ""
        if title and title.strip() in d.text:
            title = ""
        for k, (off, chunk) in enumerate(parts):
            # spaCy cannot hash lone surrogates: same-length stand-in, offsets unchanged
            chunk = _SURROGATE.sub("\ufffd", chunk)
            yield chunk, Piece(d, off, "text", k == 0, k == len(parts) - 1 and not title, chunk)
        if title:  # its mentions index Document.title (field "title")
            head = _SURROGATE.sub("\ufffd", d.title)
            yield head, Piece(d, 0, "title", False, True, head)


def batches(items: Iterable[tuple[str, Piece]], sizes: Sizes) -> Iterator[list[tuple[str, Piece]]]:
    """At most ``batch_size`` pieces and about ``max_batch_chars`` characters per batch: a long text must
    not fill a batch with 32 large chunks (issue 13.2); reads ahead no further than one batch."""
    batch: list = []
    chars = 0
    for item in items:
        batch.append(item)
        chars += len(item[0])
        if len(batch) >= sizes.batch_size or chars >= sizes.max_batch_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def run(nlp: "Language", docs: Iterable[Document], sizes: Sizes, *, disable: Sequence[str] = ()) -> Iterator[Doc]:
    """Every document through ``nlp.pipe``, in pieces; yields the Doc of each document's last piece
    (``doc._.geo_piece.document`` is the Document), in order."""
    max_chunk = min(sizes.max_chunk, nlp.max_length)
    for batch in batches(pieces(docs, max_chunk), sizes):
        sdocs = []
        for text, piece in batch:
            sdoc = nlp.make_doc(text)
            sdoc._.set(PIECE, piece)
            sdocs.append(sdoc)
        for sdoc in nlp.pipe(sdocs, batch_size=len(sdocs), disable=disable):
            if sdoc._.get(PIECE).last:
                yield sdoc


def assemble(piece: Piece, piece_text: str, found: list[Mention]) -> list[Mention]:
    """A piece's mentions (offsets into ``piece_text``) as mentions of its document: offsets into the
    whole text (or the title, field "title"), texts as in the document (not surrogate stand-ins)."""
    off, doc = piece.offset, piece.document
    if off:
        found = [_shift(m, off) for m in found]
    if piece.field != "text":
        found = [replace(m, field=piece.field) for m in found]
    if "\ufffd" in piece_text:  # mention texts as in the document, not the stand-ins
        source = doc.text if piece.field == "text" else doc.title
        found = [m if source[m.start:m.end] == m.text else replace(m, text=source[m.start:m.end]) for m in found]
    return found


def _shift(m: Mention, off: int) -> Mention:
    return replace(m, start=m.start + off, end=m.end + off, sent_start=m.sent_start + off, sent_end=m.sent_end + off)
