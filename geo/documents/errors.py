"""Errors: :class:`DocumentError` (a file, or a line of one, that cannot be used) and OS-error mapping."""
from __future__ import annotations

import logging
import os
from typing import Callable

log = logging.getLogger("geo.documents")

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
        return f"{self.path}: {self.problem}"

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
        return DocumentError(name, "symbolic link loop", kind="broken-link")
    return DocumentError(name, f"cannot read the file ({exc.strerror or exc})", kind="io")

