"""Reading articles from disk: files, folders and globs -> :class:`~geo.types.Document`.

Formats: plain text (``.txt``, ``.md``, files without a suffix), HTML (``.html``/``.htm``:
the page's main content and its title), JSON (``.json``: one article object or a list of them) and
JSON Lines (``.jsonl``: one article object per line), with the fields ``text``, ``title``,
``url`` and ``date``.

Where each concern lives:

=================  ==========================================================================
``paths``          files, folders and globs -> sorted file list; never leaves the paths given
``files``          opening one file: missing, broken link, folder, device -> clear errors
``decoding``       BOMs, binary sniffing, UTF-8/UTF-16/32, legacy code pages
``text``           plain text and Markdown: titles, front matter, :func:`document_from_text`
``html``           HTML: main content, visible-text fallback, title, charset
``jsondocs``       JSON and JSON Lines articles
``large``          large plain-text files, streamed and split into parts
``reader``         dispatch by format: :func:`iter_path`, :func:`read_path`, :func:`iter_documents`
``progress``       the rich progress display
``errors``         :class:`DocumentError`, OS-error mapping, :func:`display_path`
``limits``         caps: JSON Lines line length, decompressed size of .gz inputs
=================  ==========================================================================

Robustness rules (issue 5): every file that cannot be used -- missing, a broken link, empty,
binary, undecodable, not an article -- becomes a :class:`DocumentError` naming the file and the
problem; :func:`iter_documents` hands it to ``on_error`` and goes on with the next file.

Large files: plain-text files over :data:`LARGE_FILE_BYTES` are streamed, never read whole, and
split at paragraph or line boundaries into parts of at most ``chunk_chars`` characters
(ids ``"<path>#part<n>"``). HTML and JSON files over :data:`MAX_STRUCTURED_BYTES` are refused;
JSON Lines files are streamed line by line at any size.
"""
from __future__ import annotations

from .decoding import SNIFF_BYTES, Decoded, decode_bytes  # noqa: F401
from .errors import DocumentError, display_path
from .html import html_to_text
from .large import CHUNK_CHARS, LARGE_FILE_BYTES
from .paths import SUPPORTED_SUFFIXES, expand_paths
from .reader import HTML_SUFFIXES, TEXT_SUFFIXES, iter_documents, iter_path, read_path  # noqa: F401
from .text import document_from_text

#: HTML and JSON files must fit in memory whole; above this they are refused (read at call time).
MAX_STRUCTURED_BYTES = LARGE_FILE_BYTES

__all__ = [
    "DocumentError",
    "display_path",
    "SUPPORTED_SUFFIXES",
    "LARGE_FILE_BYTES",
    "CHUNK_CHARS",
    "MAX_STRUCTURED_BYTES",
    "read_path",
    "iter_path",
    "iter_documents",
    "expand_paths",
    "document_from_text",
    "decode_bytes",
    "html_to_text",
    "Decoded",
]
