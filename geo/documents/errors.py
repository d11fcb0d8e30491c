"""Errors: :class:`DocumentError` (a file, or a line of one, that cannot be used) and OS-error mapping."""
from __future__ import annotations

import logging
import os
import unicodedata
from typing import Callable

log = logging.getLogger("geo.documents")

# Characters a terminal acts on rather than shows: C0/C1 controls (newline, ESC of ANSI sequences),
# DEL, line/paragraph separators, bidirectional overrides and isolates (they reorder what follows).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape_char(ch: str) -> str:
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{o - 0xDC00:02x}"
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if o < 0x100:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}"


def display_path(text: str | os.PathLike | bytes) -> str:
    """``text`` (a file name, or a message holding one) safe to print on a terminal: newlines, ANSI
    escape sequences, other control characters, bidirectional overrides and lone surrogates are
    shown escaped (``\\n``, ``\\x1b``, ``\\u202e``, ``\\xff``); every other character, accented or
    not, is kept. For messages to people, not for opening the file."""
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    s = os.fspath(text) if not isinstance(text, str) else text
    if isinstance(s, bytes):
        s = os.fsdecode(s)
    if s.isprintable():
        return s
    out = []
    for ch in s:
        if ch in _BIDI or 0xD800 <= ord(ch) <= 0xDFFF or unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


class DocumentError(Exception):
    """A file (or a line of one) that cannot be used as an article.

    ``kind`` classifies the problem for callers that count or filter: ``missing``,
    ``broken-link``, ``not-a-file``, ``permission``, ``io``, ``empty``, ``binary``,
    ``decode``, ``format``, ``too-large``, ``unsupported``, ``no-match``, ``refused`` (a filesystem
    root or a virtual filesystem), ``outside`` (a link leading out of the folder walked) and -- for problems
    reported as warnings, where the file was still read -- ``warning``.
    """

    def __init__(self, path: str | os.PathLike, problem: str, *, kind: str = "format") -> None:
        self.path = str(path)
        self.problem = problem
        self.kind = kind
        super().__init__(f"{self.path}: {problem}")

    def __str__(self) -> str:
        # the path (and a problem that quotes a path or a link target) reaches terminals and logs:
        # control characters in it are shown escaped, never acted on (issue 20.10)
        return f"{display_path(self.path)}: {display_path(self.problem)}"

    @property
    def is_warning(self) -> bool:
        """True when the file was read all the same (the message is informative only)."""
        return self.kind == "warning"



def _raise(err: DocumentError) -> None:
    raise err


def _warner(on_warning: Callable[[DocumentError], None] | None) -> Callable[[str, str], None]:
    def warn(name: str, problem: str) -> None:
        err = DocumentError(name, problem, kind="warning")
        if on_warning is not None:
            on_warning(err)
        else:
            log.warning("%s", err)

    return warn


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _os_error(name: str, exc: OSError) -> DocumentError:
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM):
        return DocumentError(name, "permission denied", kind="permission")
    if exc.errno == errno.ENOENT:
        return DocumentError(name, "no such file or directory", kind="missing")
    if exc.errno == errno.EISDIR:
        return DocumentError(name, "is a folder, not a file", kind="not-a-file")
    if exc.errno == errno.ELOOP:
        return DocumentError(name, "symbolic link loop (the link leads back to itself)", kind="broken-link")
    return DocumentError(name, f"cannot read the file ({exc.strerror or exc})", kind="io")

