"""Helpers for tests that open generated maps in headless Chromium with the network disabled."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from geo.outputs.png import WAIT_FOR_MAP_JS, block_network, browser_problem, launch_browser

BROWSER_PROBLEM = browser_problem()
requires_browser = pytest.mark.skipif(
    BROWSER_PROBLEM is not None, reason=f"headless browser tests skipped: {BROWSER_PROBLEM}"
)


@dataclass
class MapPage:
    page: Any
    page_errors: list[str] = field(default_factory=list)  # uncaught JavaScript exceptions
    console_errors: list[str] = field(default_factory=list)  # console.error, minus blocked-network noise
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt that fired
    blocked: list[str] = field(default_factory=list)  # non-file requests that were aborted

    def js(self, expr: str, arg: Any = None) -> Any:
        return self.page.evaluate(expr, arg)


def browser_fixture():
    """A module-scoped pytest fixture yielding a playwright Browser (skips when none is available)."""

    @pytest.fixture(scope="module")
    def browser():
        if BROWSER_PROBLEM:
            pytest.skip(f"headless browser tests skipped: {BROWSER_PROBLEM}")
        with launch_browser() as b:
            yield b

    return browser


@contextmanager
def open_map(browser: Any, html: Path, *, width: int = 1200, height: int = 800,
             timeout_ms: int = 20000, wait: bool = True) -> Iterator[MapPage]:
    """Open ``html`` from disk, every non-file request aborted, and (``wait``) wait for the markers."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    mp = MapPage(page)
    page.on("pageerror", lambda exc: mp.page_errors.append(str(exc)))

    def on_console(msg: Any) -> None:
        if msg.type == "error" and "net::ERR_" not in msg.text and "Failed to load resource" not in msg.text:
            mp.console_errors.append(msg.text)

    page.on("console", on_console)

    def on_dialog(dialog: Any) -> None:
        mp.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    mp.blocked = block_network(page)
    try:
        page.goto(Path(html).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
        if wait:
            page.wait_for_function(WAIT_FOR_MAP_JS, timeout=timeout_ms, polling=50)
        yield mp
    finally:
        context.close()
