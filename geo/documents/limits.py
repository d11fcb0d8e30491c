"""Bounds on what one input may cost (issue 20.5): line length and decompressed size.

* :data:`MAX_LINE_BYTES` -- the longest JSON Lines line (one article) read; a longer line is skipped
  with a message naming the file and line, without ever being held in memory.
* :func:`open_gzip` -- a ``.gz`` file opened for reading whose decompressed size is capped at
  :func:`gzip_limit` (at least :data:`MIN_GZIP_LIMIT`, else :data:`MAX_GZIP_RATIO` times its size on
  disk): past it, reading stops with a :class:`DocumentError` (a decompression bomb).
* :func:`iter_lines` -- the lines of a binary stream, each at most ``max_line`` bytes.

The caps are module constants read at call time, so a test (or a user with unusual data) can
change them: ``geo.documents.limits.MAX_LINE_BYTES = ...``.
"""
from __future__ import annotations

import gzip
import io
import os
from typing import BinaryIO, Callable, Iterator

from .errors import DocumentError, _mb


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 1024 * 1024 else _mb(n)

#: The longest line of a JSON Lines file (one article object) that is read: 8 MB, as for a .json file.
MAX_LINE_BYTES = 8 * 1024 * 1024
#: A .gz file may always decompress to this much...
MIN_GZIP_LIMIT = 1024 * 1024 * 1024
#: ...and beyond it to at most this many times its size on disk (text compresses 3-10x; bombs 1000x).
MAX_GZIP_RATIO = 100

_SKIP_BLOCK = 1 << 20


def gzip_limit(compressed_size: int) -> int:
    """The most bytes a .gz file of ``compressed_size`` bytes may decompress to."""
    return max(MIN_GZIP_LIMIT, MAX_GZIP_RATIO * max(0, compressed_size))


class _CappedReader(io.RawIOBase):
    """A binary stream that raises :class:`DocumentError` once more than ``limit`` bytes were read."""

    def __init__(self, inner: BinaryIO, name: str, limit: int, compressed: int) -> None:
        self._inner = inner
        self._name = name
        self._limit = limit
        self._compressed = compressed
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        n = self._inner.readinto(b)
        self.total += n or 0
        if self.total > self._limit:
            raise DocumentError(
                self._name,
                f"decompresses to more than {_size(self._limit)} ({_size(self._compressed)} on disk; "
                f"limit {MAX_GZIP_RATIO}x its size, at least {_size(MIN_GZIP_LIMIT)}): a decompression bomb? "
                "Reading stopped here", kind="too-large")
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def open_gzip(path: str | os.PathLike, name: str | None = None, *, limit: int | None = None) -> io.BufferedReader:
    """Open a .gz file for reading (binary, buffered), its decompressed size capped (see the module)."""
    name = str(path) if name is None else name
    compressed = os.path.getsize(path)
    cap = gzip_limit(compressed) if limit is None else limit
    return io.BufferedReader(_CappedReader(gzip.open(path, "rb"), name, cap, compressed), buffer_size=1 << 16)


def iter_lines(fh: BinaryIO, name: str, *, start: int = 1, max_line: int | None = None,
               on_long: Callable[[DocumentError], None] | None = None,
               yield_long: bool = False) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` for each line of ``fh`` (numbers from ``start``), none longer than
    ``max_line`` bytes (default :data:`MAX_LINE_BYTES`). A longer line is read past in blocks, never
    held whole, and reported to ``on_long`` (raised when None) as ``<name>#<n>``; its number is
    still counted, and with ``yield_long`` it is yielded as ``(n, None)`` (for callers that track
    line numbers or byte offsets: ``fh.tell()`` after each item is where the next line starts)."""
    cap = MAX_LINE_BYTES if max_line is None else max_line
    n = start - 1
    while True:
        line = fh.readline(cap + 1)
        if not line:
            return
        n += 1
        if len(line) > cap and not (len(line) == cap + 1 and line.endswith(b"\n")):
            size = len(line)
            while not line.endswith(b"\n"):
                line = fh.readline(_SKIP_BLOCK)
                if not line:
                    break
                size += len(line)
            err = DocumentError(f"{name}#{n}", f"line of {_size(size)} is longer than the {_size(cap)} an article "
                                "may be; skipped", kind="too-large")
            if on_long is None:
                raise err
            on_long(err)
            if yield_long:
                yield n, None
            continue
        yield n, line
