"""Paths: files, folders and globs -> a sorted, de-duplicated list of files, never leaving the paths given.

The rule (issue 13.1): geo reads what it is given and nothing around it.

* A folder is walked recursively in sorted order; hidden entries are skipped, symbolic links to
  folders are not followed, and a symbolic link to a file outside the folder being walked is skipped
  with a message (kind ``outside``).
* A filesystem root (``/``, ``C:\\``) and anything on a virtual filesystem (``/proc``, ``/sys``,
  ``/dev``, and any mount of type proc, sysfs, devtmpfs, cgroup... found in ``/proc/self/mounts``)
  are refused with a message (kind ``refused``), whether given directly, matched by a glob or met
  while walking (a virtual mount inside a folder is not entered).
"""
from __future__ import annotations

import glob
import os
import re
from typing import Callable, Iterable

from .errors import DocumentError, _os_error, _raise

SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".json", ".jsonl"}

_GLOB_CHARS = re.compile(r"[*?\[]")

#: Filesystem types whose files are not articles (kernel and device views, not storage).
VIRTUAL_FS_TYPES = frozenset({
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs",
    "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs", "binfmt_misc", "efivarfs",
    "rpc_pipefs", "nsfs",
})
_VIRTUAL_ROOTS = ("/proc", "/sys", "/dev")
_mounts_cache: frozenset[str] | None = None


def is_glob(path: str) -> bool:
    """True when ``path`` holds glob characters (``*``, ``?``, ``[``)."""
    return bool(_GLOB_CHARS.search(path))


def _virtual_mounts() -> frozenset[str]:
    """Mount points of virtual filesystems (from /proc/self/mounts where there is one)."""
    global _mounts_cache
    if _mounts_cache is None:
        points = set(_VIRTUAL_ROOTS) if os.name == "posix" else set()
        try:
            with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) >= 3 and parts[2] in VIRTUAL_FS_TYPES:
                        points.add(parts[1].replace("\\040", " "))
        except OSError:
            pass
        _mounts_cache = frozenset(points)
    return _mounts_cache


def refusal(path: str | os.PathLike) -> str | None:
    """Why ``path`` must not be read (a filesystem root, or on a virtual filesystem), else None."""
    real = os.path.realpath(os.fspath(path))
    if os.path.dirname(real) == real:
        return ("is the root of a filesystem; geo does not read a whole disk -- "
                "give the folder (or files) of your articles")
    for mount in _virtual_mounts():
        if mount != "/" and (real == mount or real.startswith(mount.rstrip(os.sep) + os.sep)):
            return f"is on a virtual filesystem ({mount}), not articles; refused"
    return None


def _inside(path: str, folder: str) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)

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

    def take(p: str) -> None:
        """One named or matched path: refused, walked (a folder) or kept (a file, a broken link, a missing path:
        those are reported when read)."""
        why = refusal(p) if os.path.exists(p) else None
        if why:
            report(DocumentError(p, why, kind="refused"))
        elif os.path.isdir(p):
            for f in _walk(p, report):
                add(f)
        else:
            add(p)

    for raw in paths:
        given = os.fspath(raw)
        if os.path.isdir(given) or os.path.lexists(given) or not _GLOB_CHARS.search(given):
            take(given)
        else:
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                report(DocumentError(given, "no files match this pattern", kind="no-match"))
            for m in matches:
                take(m)
    return out


def _walk(folder: str, report: Callable[[DocumentError], None]) -> list[str]:
    found: list[str] = []

    def onerror(exc: OSError) -> None:
        report(_os_error(exc.filename or folder, exc))

    virtual = _virtual_mounts()
    for root, dirs, files in os.walk(folder, onerror=onerror, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in [d for d in dirs if os.path.join(root, d) in virtual]:
            dirs.remove(d)  # a virtual filesystem mounted inside the folder is not entered
            report(DocumentError(os.path.join(root, d), f"is on a virtual filesystem ({os.path.join(root, d)}), "
                                 "not articles; refused", kind="refused"))
        for fn in sorted(files):
            if fn.startswith("."):
                continue
            f = os.path.join(root, fn)
            if os.path.islink(f) and os.path.exists(f) and not _inside(f, folder):
                report(DocumentError(f, f"symbolic link to {os.path.realpath(f)}, outside {folder}; skipped "
                                     "(geo reads only inside the folders it is given)", kind="outside"))
                continue
            suffix = os.path.splitext(fn)[1].lower()
            if suffix in SUPPORTED_SUFFIXES or suffix == "":
                found.append(f)
            elif os.path.islink(f) and not os.path.exists(f):
                found.append(f)  # reported as a broken link when read
            else:
                report(DocumentError(f, f"unsupported file type {suffix!r}, skipped", kind="unsupported"))
    found.sort()
    return found

