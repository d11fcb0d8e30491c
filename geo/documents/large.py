"""Large plain-text files: streamed, never read whole, split at paragraph or line boundaries.

Files over :data:`LARGE_FILE_BYTES` are split into parts of at most ``chunk_chars`` characters (ids
``"<path>#part<n>"``); their encoding is guessed from the first 64 KB (bytes that do not fit later are
replaced, with a warning).
"""
from __future__ import annotations

import codecs
from pathlib import Path
from typing import Callable, Iterator

from geo.types import Document

from .decoding import _bom, _normalise_newlines, decode_bytes
from .errors import DocumentError, _mb, _os_error
from .progress import _Progress
from .text import _first_line_title, file_reference_date, text_date

#: Plain-text files above this size are streamed and split into parts.
LARGE_FILE_BYTES = 8 * 1024 * 1024
#: Largest part (in characters) a large file is split into; under spaCy's default max_length.
CHUNK_CHARS = 500_000

def _split_point(buf: str, limit: int) -> int:
    """Where to cut ``buf`` (len > limit): after a blank line, else a newline, else a space."""
    window = buf[:limit]
    floor = limit // 2
    for sep in ("\n\n", "\n", " "):
        i = window.rfind(sep)
        if i >= floor:
            return i + len(sep)
    return limit


def _iter_large_text(
    p: Path,
    name: str,
    head: bytes,
    size: int,
    *,
    chunk_chars: int,
    warn: Callable[[str, str], None],
    progress: "bool | _Progress",
) -> Iterator[Document]:
    bom = _bom(head)
    if bom:
        enc, skip = bom
    else:
        skip = 0
        # Guess from the head only (the file is streamed); cut at a line to avoid a split char.
        if b"\x00" in head:  # wide text: keep whole code units
            sample = head[: len(head) - len(head) % 4]
        else:
            sample = head[: head.rfind(b"\n") + 1] or head
        try:
            dec = decode_bytes(sample)
        except ValueError:
            raise DocumentError(name, "cannot decode the text: not UTF-8, and no other encoding fits", kind="decode") from None
        enc = dec.encoding.replace("utf-8-sig", "utf-8")
        if dec.guessed:
            warn(name, f"not valid UTF-8; read as {enc} (a guess: save the file as UTF-8 to be sure)")
    decoder = codecs.getincrementaldecoder(enc)(errors="replace")
    warn(name, f"large file ({_mb(size)}): read in parts of at most {chunk_chars:,} characters")
    if isinstance(progress, _Progress):
        bar: _Progress | None = progress
        progress.start_bytes(name, size)
    else:
        bar = _Progress(0, bytes_of=(name, size)) if progress else None
    title = ""
    date = None
    part = 0
    replaced = 0
    buf = ""
    pending_cr = False
    try:
        with open(p, "rb") as fh:
            fh.seek(skip)
            while True:
                block = fh.read(1024 * 1024)
                final = not block
                piece = decoder.decode(block, final=final)
                replaced += piece.count("\ufffd")
                if pending_cr:
                    piece = "\r" + piece
                    pending_cr = False
                if piece.endswith("\r") and not final:
                    piece, pending_cr = piece[:-1], True
                buf += _normalise_newlines(piece)
                if bar:
                    bar.bytes(len(block))
                while len(buf) > chunk_chars or (final and buf):
                    cut = len(buf) if (final and len(buf) <= chunk_chars) else _split_point(buf, chunk_chars)
                    text, buf = buf[:cut], buf[cut:]
                    if not text.strip():
                        continue
                    part += 1
                    if part == 1:
                        text = text.lstrip("\ufeff")
                        title = _first_line_title(text, markdown=p.suffix.lower() == ".md")
                        date = text_date(text, reference=file_reference_date(p))
                    yield Document(
                        id=f"{name}#part{part}",
                        text=text,
                        title=title if part == 1 else f"{title} (part {part})",
                        path=name,
                        date=date,
                    )
                if final:
                    break
    except OSError as exc:
        raise _os_error(name, exc) from None
    finally:
        if bar is not None:
            if bar is progress:
                bar.end_bytes()
            else:
                bar.close()
    if replaced:
        warn(name, f"invalid {enc.upper()} in places: {replaced} undecodable byte(s) replaced by \ufffd")
    if part == 0:
        raise DocumentError(name, "no text (the file holds only whitespace)", kind="empty")

