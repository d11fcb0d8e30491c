"""Opening one file: checks (missing, broken link, folder, device) and reads with clear errors."""
from __future__ import annotations

import errno
import os
from pathlib import Path

from .decoding import SNIFF_BYTES
from .errors import DocumentError, _os_error


def _check_file(p: Path, name: str) -> None:
    if not os.path.lexists(p):
        raise DocumentError(name, "no such file or directory", kind="missing")
    try:
        os.stat(p)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # pathlib's exists() says False: not "broken", a loop
            raise DocumentError(name, "symbolic link loop (the link leads back to itself)", kind="broken-link") from None
    if p.is_symlink() and not p.exists():
        try:
            target = os.readlink(p)
        except OSError:
            target = "?"
        raise DocumentError(name, f"broken symbolic link (its target {target!r} does not exist)", kind="broken-link")
    if p.is_dir():
        raise DocumentError(name, "is a folder, not a file", kind="not-a-file")
    if not p.is_file():
        raise DocumentError(name, "not a regular file (device, pipe or socket)", kind="not-a-file")


def _read_head(p: Path, name: str) -> bytes:
    try:
        with open(p, "rb") as fh:
            return fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise _os_error(name, exc) from None


def _read_all(p: Path, name: str) -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise _os_error(name, exc) from None

