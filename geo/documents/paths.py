"""Paths: files, folders and globs -> a sorted, de-duplicated list of files, never leaving the paths given."""
from __future__ import annotations

import glob
import os
import re
from typing import Callable, Iterable

from .errors import DocumentError, _os_error, _raise

SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl"}

_GLOB_CHARS = re.compile(r"[*?\[]")

def expand_paths(
    paths: Iterable[str | os.PathLike],
    *,
    on_error: Callable[[DocumentError], None] | None = None,
) -> list[str]:
    """Turn files, folders and glob patterns into a sorted, de-duplicated list of file paths.

    Folders are walked recursively (hidden entries skipped, symbolic links to folders not
    followed); only files with a supported suffix or no suffix are kept, and other files are
    reported as ``unsupported``. Problems go to ``on_error`` (raised when it is None).
    """
    report = on_error or _raise
    out: list[str] = []
    seen: set[str] = set()

    def add(f: str) -> None:
        key = os.path.realpath(f) if os.path.exists(f) else os.path.abspath(f)
        if key not in seen:
            seen.add(key)
            out.append(f)

    for raw in paths:
        given = os.fspath(raw)
        if os.path.isdir(given):
            for f in _walk(given, report):
                add(f)
        elif os.path.lexists(given) or not _GLOB_CHARS.search(given):
            add(given)  # files, broken links and missing paths: reported when read
        else:
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                report(DocumentError(given, "no files match this pattern", kind="no-match"))
            for m in matches:
                if os.path.isdir(m):
                    for f in _walk(m, report):
                        add(f)
                else:
                    add(m)
    return out



def _walk(folder: str, report: Callable[[DocumentError], None]) -> list[str]:
    found: list[str] = []

    def onerror(exc: OSError) -> None:
        report(_os_error(exc.filename or folder, exc))

    for root, dirs, files in os.walk(folder, onerror=onerror, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for fn in sorted(files):
            if fn.startswith("."):
                continue
            f = os.path.join(root, fn)
            suffix = os.path.splitext(fn)[1].lower()
            if suffix in SUPPORTED_SUFFIXES or suffix == "":
                found.append(f)
            elif os.path.islink(f) and not os.path.exists(f):
                found.append(f)  # reported as a broken link when read
            else:
                report(DocumentError(f, f"unsupported file type {suffix!r}, skipped", kind="unsupported"))
    found.sort()
    return found

