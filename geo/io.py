"""Atomic file output: write to a temporary file in the target folder, then rename over the target.

An interrupted run never leaves a half-written output, and two runs writing the same file each
replace it whole (last one wins) instead of interleaving bytes.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on clean exit fsync it and rename it onto ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


class OutputSet:
    """Several output files that are replaced together, or not at all.

    ``stage(target)`` gives a temporary path beside ``target`` (same extension, so a browser or
    another tool reading it sees the right type) to write the new content to; ``commit()`` renames
    every staged file onto its target with SIGINT held off, so Ctrl-C cannot leave some outputs new
    and others old (it takes effect once the renames are done); ``discard()`` removes the temporary
    files. As a context manager it commits on a clean exit and discards on any exception
    (KeyboardInterrupt included).
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def stage(self, target: str | os.PathLike) -> Path:
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent)
        os.close(fd)
        self._staged.append((Path(tmp), target))
        return Path(tmp)

    @property
    def targets(self) -> list[Path]:
        return [target for _, target in self._staged]

    def commit(self) -> None:
        import signal

        mask = hasattr(signal, "pthread_sigmask")
        if mask:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for tmp, target in self._staged:
                os.chmod(tmp, 0o644)
            for tmp, target in self._staged:
                os.replace(tmp, target)
            self._staged.clear()
        finally:
            if mask:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
            self.discard()

    def discard(self) -> None:
        for tmp, _ in self._staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        self._staged.clear()

    def __enter__(self) -> "OutputSet":
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()
