"""Atomic file output: write to a temporary file in the target folder, then rename over the target.

An interrupted run never leaves a half-written output, and two runs writing the same file each
replace it whole (last one wins) instead of interleaving bytes.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


def cache_dir() -> Path:
    """geo's one cache folder: ``$GEO_CACHE_DIR`` if set, else ``platformdirs.user_cache_dir("geo")``
    (``~/.cache/geo`` on Linux). Everything geo caches lives under it: the geocoder's answers
    (``geocoder/``), the gazetteer store (``gazetteer-VERSION.sqlite``) and the map's basemap
    (``basemap-VERSION.json``). In this bottom module so that every layer can use it."""
    env = os.environ.get("GEO_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("geo"))


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on clean exit fsync it and rename it onto ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(target.name), suffix=".tmp", dir=target.parent)
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


def temporary_beside(target: str | os.PathLike, suffix: str = ".tmp") -> Path:
    """A new, empty temporary file in ``target``'s folder, named the way :func:`clean_stale_temporaries`
    recognises (``.NAME.pPID.XXXX`` + ``suffix``; ``suffix`` should start with ``.tmp``), for writers
    that need a path rather than an open file (GDAL, a browser)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(target.name), suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(tmp)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


JOURNAL = ".geo-outputs.journal"


class OutputSet:
    """Several output files that are replaced together, or not at all -- even across a kill.

    ``stage(target)`` gives a temporary path beside ``target`` (same extension, so a browser or
    another tool reading it sees the right type) to write the new content to; ``commit()`` fsyncs
    every staged file, writes a journal of the renames (``.geo-outputs.journal`` in the folder of the
    first target), renames every staged file onto its target with SIGINT/SIGTERM held off and removes
    the journal. A run killed between the renames (``kill -9``, power loss) leaves the journal: the
    next :class:`OutputSet` for that folder (or :func:`recover`) completes the renames, so the set
    ends up all new. Commits into one folder take a lock, so two overlapping runs cannot interleave
    their renames (the last one wins, whole). ``discard()`` removes the temporary files. As a context
    manager it commits on a clean exit and discards on any exception (KeyboardInterrupt included).
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def stage(self, target: str | os.PathLike) -> Path:
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.parent not in {t.parent for _, t in self._staged}:
            recover(target.parent)
            clean_stale_temporaries(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(target.stem), suffix=f".tmp{target.suffix}", dir=target.parent)
        os.close(fd)
        self._staged.append((Path(tmp), target))
        return Path(tmp)

    @property
    def targets(self) -> list[Path]:
        return [target for _, target in self._staged]

    def commit(self) -> None:
        import signal

        if not self._staged:
            return
        folder = self._staged[0][1].parent
        mask = hasattr(signal, "pthread_sigmask")
        if mask:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for tmp, _ in self._staged:
                os.chmod(tmp, 0o644)
                _fsync_path(tmp)
            with _locked(folder):
                journal = folder / JOURNAL
                pairs = [[str(tmp.resolve()), str(target.resolve())] for tmp, target in self._staged]
                atomic_write_text(journal, json.dumps(pairs))
                _replace_all(pairs)
                journal.unlink()
                _fsync_path(folder)
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


def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)  # the folder itself is the lock: nothing left behind in it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _replace_all(pairs: list[list[str]]) -> None:
    for tmp, target in pairs:
        if os.path.exists(tmp):  # already renamed by an earlier, interrupted attempt otherwise
            os.replace(tmp, target)


def recover(folder: str | os.PathLike) -> bool:
    """Finish the renames of an output set whose run was killed half-way (see :class:`OutputSet`);
    True when there was one to finish."""
    folder = Path(folder)
    journal = folder / JOURNAL
    if not journal.exists():
        return False
    with _locked(folder):
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError):  # a journal cut short: it was never complete, so no rename started
            journal.unlink()
            return False
        _replace_all(pairs)
        journal.unlink()
    return True


# -- stale temporary files ---------------------------------------------------------------------

#: Temporary files without a process id in their name (older versions of geo) older than this
#: (seconds) are from killed runs and removed.
STALE_AFTER = 3600.0
# tempfile.mkstemp's names: PREFIX + 8 characters of [a-z0-9_] + SUFFIX
_TMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp(\.[A-Za-z0-9]+)?$")
_TMP_PID = re.compile(r"\.p(\d+)\.[a-z0-9_]{8}\.tmp(\.[A-Za-z0-9]+)?$")


def _tmp_prefix(name: str) -> str:
    """Temporary names carry the writing process's id, so a later run can tell a live one from a stale one."""
    return f".{name}.p{os.getpid()}."


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: alive
        return True
    return True


def clean_stale_temporaries(folder: str | os.PathLike, *, older_than: float = STALE_AFTER,
                            now: float | None = None) -> list[Path]:
    """Remove geo's temporary files (``.NAME.pPID.XXXX.tmp[.ext]``, as :func:`atomic_open` and
    :class:`OutputSet` make them) left in ``folder`` by runs that were killed; returns what was removed.

    A file goes when the process named in it is gone; a file without a process id (older versions)
    when it is older than ``older_than`` seconds (``now``, default the clock, is injectable). A run
    writing into the same folder at the same time keeps its own files. Run before each output set is
    staged, after :func:`recover` (whose journal names temporary files it still needs).
    """
    import time

    d = Path(folder)
    if not d.is_dir() or (d / JOURNAL).exists():
        return []
    limit = (time.time() if now is None else now) - older_than
    removed = []
    try:
        names = sorted(n for n in os.listdir(d) if _TMP_NAME.match(n))
    except OSError:
        return []
    for name in names:
        p = d / name
        try:
            if not p.is_file() or p.is_symlink():
                continue
            m = _TMP_PID.search(name)
            stale = not _alive(int(m.group(1))) if m else p.stat().st_mtime < limit
            if stale:
                p.unlink()
                removed.append(p)
        except (OSError, ValueError):
            pass
    return removed


# -- messages ----------------------------------------------------------------------------------

def output_error(path: str | os.PathLike, exc: OSError) -> str:
    """One line for an output that could not be written: the file and the cause in words."""
    import errno

    why = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
           errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied (the folder is not writable)",
           errno.EPERM: "permission denied (the folder is not writable)",
           errno.ENOTDIR: "a part of the path is not a folder", errno.EISDIR: "it is a folder"}.get(exc.errno)
    return f"{os.fspath(path)}: cannot write: {why or exc.strerror or exc}; nothing was replaced"


# -- one progress bar --------------------------------------------------------------------------

@contextmanager
def progress_bar(label: str, total: int | None, *, enabled: bool = True) -> Iterator:
    """A rich progress bar on stderr (only on a terminal); yields ``advance(n=1)``."""
    import sys

    if not enabled or not sys.stderr.isatty():
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=total)
    bar.start()
    try:
        yield lambda n=1: bar.advance(task, n)
    finally:
        bar.stop()
