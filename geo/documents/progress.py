"""Progress display (rich, on stderr; transient): files done out of the total, bytes of a large file."""
from __future__ import annotations

import os

from .errors import _mb, display_path


def _markup_safe(text: str) -> str:
    from rich.markup import escape

    return escape(text)


class _Progress:
    """A rich progress display: files done out of the total, plus bytes of a large file."""

    def __init__(self, total: int, *, bytes_of: tuple[str, int] | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
            TimeRemainingColumn(), TextColumn("{task.fields[current]}", style="dim"),
            console=Console(stderr=True), transient=True,
        )
        self._files = None
        self._bytes = None
        if total:
            self._files = self._progress.add_task("reading", total=total, current="", count=f"0/{total} files")
        self._total = total
        self._done = 0
        self._progress.start()
        if bytes_of:
            self.start_bytes(*bytes_of)

    def file(self, name: str) -> None:
        if self._files is not None:
            from rich.markup import escape

            name = display_path(name)
            short = name if len(name) <= 50 else "\u2026" + name[-49:]
            self._progress.update(self._files, current=escape(short))  # a name is never markup

    def advance(self) -> None:
        self._done += 1
        if self._files is not None:
            self._progress.update(self._files, advance=1, count=f"{self._done}/{self._total} files")

    def start_bytes(self, name: str, size: int) -> None:
        self._bytes = self._progress.add_task(
            f"reading {_markup_safe(display_path(os.path.basename(name)))}", total=size, current="", count=_mb(size)
        )

    def bytes(self, n: int) -> None:
        if self._bytes is not None:
            self._progress.advance(self._bytes, n)

    def end_bytes(self) -> None:
        if self._bytes is not None:
            self._progress.remove_task(self._bytes)
            self._bytes = None

    def close(self) -> None:
        self._progress.stop()
