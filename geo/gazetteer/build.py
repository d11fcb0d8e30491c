"""Build the gazetteer's SQLite store from the shipped data (plus optional GeoNames dumps and extras).

The store is written to a temporary file beside the target and moved over it with ``os.replace``,
so a crash leaves the previous store intact and concurrent builders never expose a partial file.
A lock file serialises concurrent first uses: the second process waits, then finds the store built.
What goes into the store is ``fill``'s (one function per step); the priors are ``priors``', the layout
``schema``'s, and where the shipped data is and how to read it ``shipped``'s (import them from there).
"""
from __future__ import annotations

import gc
import os
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .fill import fill
from .records import GazetteerBuildError
from .shipped import data_dir, data_version

__all__ = ["BuildInputs", "GazetteerBuildError", "build_store", "default_inputs", "iter_extra_inputs",
           "read_only_query", "remove_stale_stores", "store_version", "unlink_quietly"]


@dataclass
class BuildInputs:
    data: Path
    geonames: list[Path] = field(default_factory=list)
    alternate_names: Path | None = None
    extra: list[Path] = field(default_factory=list)


class _Progress:
    """A rich progress bar, or nothing."""

    def __init__(self, enabled: bool, description: str) -> None:
        self.enabled = enabled
        self.description = description
        self._progress = None
        self._task = None

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

            # on stderr: stdout may carry the command's output (JSON, CSV)
            self._progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                                      TimeElapsedColumn(), transient=False, console=Console(stderr=True))
            self._progress.__enter__()
            self._task = self._progress.add_task(self.description, total=100)
        return self

    def update(self, fraction: float, description: str | None = None) -> None:
        if self._progress is not None:
            kw = {"description": description} if description else {}
            self._progress.update(self._task, completed=max(0.0, min(100.0, fraction * 100)), **kw)

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


@contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    lock_path = target.with_name(target.name + ".lock")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, os.replace keeps it safe anyway
        yield
        return
    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another process is building: say so, then wait for it
            t0 = time.perf_counter()
            print(f"geo: waiting for another process to finish building the gazetteer store at {target} ...",
                  file=sys.stderr, flush=True)
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            print(f"geo: the other build finished after {time.perf_counter() - t0:.1f} s",
                  file=sys.stderr, flush=True)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def build_store(target: Path, inputs: BuildInputs, *, progress: bool = False, version: str | None = None,
                if_missing: bool = False) -> Path:
    """Build the store at ``target`` atomically. With ``if_missing``, do nothing if another process built it."""
    target = Path(target)
    version = version or data_version(inputs.data)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _build_lock(target):
            if if_missing and target.exists() and store_version(target) == version:
                return target
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".building", dir=target.parent)
            os.close(fd)
            try:
                _build_into(Path(tmp), inputs, version, progress)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            except BaseException:
                for p in (tmp, tmp + "-journal"):
                    try:
                        os.unlink(p)
                    except FileNotFoundError:
                        pass
                raise
    except (OSError, sqlite3.Error) as e:  # unwritable cache dir, disk full, ...
        raise GazetteerBuildError(f"{target}: cannot build the gazetteer store here ({e}); "
                                  f"set GEO_GAZETTEER_PATH to a writable file path") from None
    return target


def remove_stale_stores(current: Path) -> list[Path]:
    """Delete other versions' stores (``gazetteer-*.sqlite``) beside ``current``; returns what was removed.
    Processes that still have an old store open keep reading it (POSIX unlink semantics)."""
    removed = []
    for p in current.parent.glob("gazetteer-*.sqlite*"):
        if p.name in (current.name, current.name + ".lock"):
            continue
        if unlink_quietly(p):
            removed.append(p)
    return removed


def unlink_quietly(path: Path) -> bool:
    """Delete ``path``; False (and nothing raised) if that failed."""
    try:
        path.unlink()
    except OSError:
        return False
    return True


def read_only_query(path: Path, sql: str) -> list[tuple]:
    """The rows of ``sql`` on the SQLite file at ``path``, opened read-only (never created);
    raises ``sqlite3.Error``."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def store_version(path: Path) -> str | None:
    """The data version recorded in the store at ``path``; None if it has none or is not a store."""
    try:
        rows = read_only_query(path, "SELECT value FROM meta WHERE key='data_version'")
    except sqlite3.Error:
        return None
    return rows[0][0] if rows else None


def _build_into(path: Path, inputs: BuildInputs, version: str, progress: bool) -> None:
    t0 = time.perf_counter()
    data = inputs.data
    places_path = data / "places.tsv.gz"
    size = places_path.stat().st_size
    con = sqlite3.connect(path)
    # The build allocates millions of small tuples and lists that all live until it ends: the cyclic
    # garbage collector would rescan them again and again (a third of the build's time) and find nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with _Progress(progress, "Building gazetteer") as bar:
            fill(con, inputs, version, bar, size, t0)
    finally:
        con.close()
        if gc_was_enabled:
            gc.enable()


def default_inputs() -> BuildInputs:
    return BuildInputs(data=data_dir())


def iter_extra_inputs(values: Iterable[str]) -> list[Path]:
    return [Path(v) for v in values]
