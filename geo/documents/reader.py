"""Reading: one file -> its documents (:func:`iter_path`), many paths -> all documents (:func:`iter_documents`).

Dispatches on the suffix (and on the content for saved pages without one) to the readers by format:
:mod:`.text`, :mod:`.html`, :mod:`.jsondocs`, :mod:`.large`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

from geo.types import Document

from . import html as _html
from .decoding import _decode_or_raise, _sniff_binary
from .errors import DocumentError, _mb, _os_error, _warner, log
from .files import _check_file, _read_all, _read_head
from .jsondocs import _iter_jsonl, _json_documents
from .large import CHUNK_CHARS, LARGE_FILE_BYTES, _iter_large_text
from .paths import expand_paths
from .progress import _Progress
from .text import _first_line_title, file_reference_date, text_date

HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown", ""}


def _max_structured_bytes() -> int:
    # read from the package at call time, so ``geo.documents.MAX_STRUCTURED_BYTES`` stays the knob
    import geo.documents

    return geo.documents.MAX_STRUCTURED_BYTES


def read_path(path: str | os.PathLike, **options) -> list[Document]:
    """Read one file into its documents (a ``.jsonl`` or large text file may hold many).

    Raises :class:`DocumentError` for a file that cannot be used. Options are those of
    :func:`iter_path`.
    """
    return list(iter_path(path, **options))


def iter_path(
    path: str | os.PathLike,
    *,
    on_error: Callable[[DocumentError], None] | None = None,
    on_warning: Callable[[DocumentError], None] | None = None,
    chunk_chars: int = CHUNK_CHARS,
    large_bytes: int = LARGE_FILE_BYTES,
    progress: "bool | _Progress" = False,
) -> Iterator[Document]:
    """Yield the documents of one file (lazily, so large files never sit in memory whole).

    A problem with the whole file raises :class:`DocumentError`. A bad line of a JSON Lines
    file (or a bad item of a JSON list) goes to ``on_error`` (with path ``"<path>#<n>"``) when
    given, and is raised otherwise. Notes that do not stop the file (bytes replaced, a large file split) go to
    ``on_warning`` when given, else to the ``geo.documents`` logger.
    """
    name = str(path)
    p = Path(path)
    _check_file(p, name)
    try:
        size = p.stat().st_size
    except OSError as exc:  # raced away, or unreadable metadata
        raise _os_error(name, exc) from None
    if size == 0:
        raise DocumentError(name, "empty file (0 bytes)", kind="empty")
    head = _read_head(p, name)
    what = _sniff_binary(head)
    if what:
        raise DocumentError(name, f"binary file ({what}), not an article", kind="binary")

    warn = _warner(on_warning)
    suffix = p.suffix.lower()
    if suffix == ".jsonl":
        yield from _iter_jsonl(p, name, on_error=on_error, warn=warn)
        return
    if suffix in HTML_SUFFIXES or suffix == ".json":
        limit = _max_structured_bytes()
        if size > limit:
            raise DocumentError(
                name,
                f"file too large ({_mb(size)}; {suffix} files are read whole, limit {_mb(limit)})",
                kind="too-large",
            )
        data = _read_all(p, name)
        if suffix == ".json":
            yield from _json_documents(data, name, warn=warn, on_error=on_error)
        else:
            yield _html._html_document(data, name, warn=warn)
        return
    if suffix not in (".txt", ".md", ".text", ".markdown") and _html._looks_like_html(head):  # saved pages: .php, none...
        yield _html._html_document(_read_all(p, name), name, warn=warn)
        return
    if size > large_bytes:
        yield from _iter_large_text(p, name, head, size, chunk_chars=chunk_chars, warn=warn, progress=progress)
        return
    data = _read_all(p, name)
    text = _decode_or_raise(data, name, warn)
    if not text.strip():
        raise DocumentError(name, "no text (the file holds only whitespace)", kind="empty")
    yield Document(
        id=name,
        text=text,
        title=_first_line_title(text, markdown=suffix in (".md", ".markdown")),
        path=name,
        date=text_date(text, reference=file_reference_date(p)),
    )



def iter_documents(
    paths: Iterable[str | os.PathLike],
    *,
    on_error: Callable[[DocumentError], None] | None = None,
    on_warning: Callable[[DocumentError], None] | None = None,
    progress: bool = False,
    chunk_chars: int = CHUNK_CHARS,
    large_bytes: int = LARGE_FILE_BYTES,
) -> Iterator[Document]:
    """Yield every readable document under ``paths`` (files, folders, globs), in a stable order.

    Each bad file is handed to ``on_error`` as a :class:`DocumentError` and the run goes on
    (without ``on_error`` problems are logged). Notes about files that were read all the same go
    to ``on_warning`` (else logged). ``progress=True`` shows a progress bar on stderr.
    """
    def report(err: DocumentError) -> None:
        if on_error is not None:
            on_error(err)
        else:
            log.warning("%s", err)

    files = expand_paths(paths, on_error=report)
    bar = _Progress(len(files)) if progress else None
    try:
        for f in files:
            if bar:
                bar.file(f)
            try:
                for doc in iter_path(
                    f, on_error=report, on_warning=on_warning, chunk_chars=chunk_chars,
                    large_bytes=large_bytes, progress=bar or False,
                ):
                    yield doc
            except DocumentError as err:
                report(err)
            except OSError as exc:
                report(_os_error(f, exc))
            except Exception as exc:  # last resort: a message, never a traceback, and the run goes on
                log.debug("unexpected error reading %s", f, exc_info=True)
                report(DocumentError(f, f"cannot read the file ({exc.__class__.__name__}: {exc})", kind="io"))
            if bar:
                bar.advance()
    finally:
        if bar:
            bar.close()

