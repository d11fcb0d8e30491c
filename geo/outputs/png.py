"""Static images of generated maps through headless Chromium (Python playwright).

Playwright drives the system's Chromium (``/usr/bin/chromium`` on Debian, or ``$GEO_CHROMIUM``)
through ``executable_path``; playwright's own browser download is not needed. Playwright is an
optional dependency: ``pip install 'geo[png]'``.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from geo.io import atomic_write_bytes

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BrowserUnavailable(RuntimeError):
    """No headless browser (or no playwright) to render with."""


class MapRenderError(RuntimeError):
    """The browser opened the file but the map never finished drawing."""


def find_browser() -> str | None:
    """Path of a Chromium to drive: ``$GEO_CHROMIUM``, else the first of chromium/chrome on PATH."""
    env = os.environ.get("GEO_CHROMIUM")
    if env:
        return env if os.path.isfile(env) and os.access(env, os.X_OK) else None
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


INSTALL_PLAYWRIGHT = "pip install 'geo[png]' (or: pip install playwright)"
INSTALL_CHROMIUM = "apt install chromium on Debian/Ubuntu, or set GEO_CHROMIUM=/path/to/chrome"


def browser_problem() -> str | None:
    """Why no browser can be used here (what is missing and how to install it), or None when one can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"the Python package playwright is not installed; install it with {INSTALL_PLAYWRIGHT}"
    if find_browser() is None:
        env = os.environ.get("GEO_CHROMIUM")
        where = f"GEO_CHROMIUM={env} is not an executable file" if env else "none of chromium, chromium-browser, google-chrome on PATH"
        return f"no Chromium found ({where}); install one: {INSTALL_CHROMIUM}"
    return None


def check_png_path(png_path: str | os.PathLike) -> None:
    """Only PNG is written: a file name that does not end in ``.png`` is refused (ValueError)."""
    if Path(png_path).suffix.lower() != ".png":
        raise ValueError(f"{png_path}: only PNG images are written; give a file name ending in .png")


@contextmanager
def launch_browser() -> Iterator[Any]:
    """A headless Chromium browser (playwright ``Browser``); raises :class:`BrowserUnavailable`."""
    problem = browser_problem()
    if problem:
        raise BrowserUnavailable(problem)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=find_browser(), headless=True, args=BROWSER_ARGS)
        except PlaywrightError as exc:
            raise BrowserUnavailable(f"cannot start {find_browser()}: {exc}".splitlines()[0]) from exc
        try:
            yield browser
        finally:
            browser.close()


def block_network(page: Any) -> list[str]:
    """Abort every request that is not a ``file:``/``data:``/``about:`` URL; returns the blocked URLs."""
    blocked: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("internetdisconnected")

    page.route("**/*", handle)
    return blocked


WAIT_FOR_MAP_JS = """() => {
  const s = window.geoMapState;
  if (!s) return false;
  if (s.markers.length === 0) return true;
  return document.querySelectorAll('.leaflet-marker-icon').length > 0;
}"""

WAIT_FOR_TILES_JS = """() => Array.from(document.querySelectorAll('img.leaflet-tile'))
  .every(t => t.complete)"""


def save_png(
    html_path: str | os.PathLike,
    png_path: str | os.PathLike,
    *,
    width: int = 1200,
    height: int = 800,
    offline: bool = False,
    timeout: float = 30.0,
    tile_wait: float = 8.0,
) -> None:
    """Screenshot the map in ``html_path`` at ``width`` x ``height`` CSS pixels into ``png_path``.

    Waits for the markers and (up to ``tile_wait`` seconds) for online tiles; with ``offline=True``
    no request leaves the machine and the picture shows the built-in basemap. The search box and
    layer switcher are hidden in the image; title and legend stay. Written atomically.
    Raises :class:`BrowserUnavailable` with the reason when no browser can be used, ValueError
    for a file name not ending in ``.png``.
    """
    check_png_path(png_path)
    html = Path(html_path)
    if not html.is_file():
        raise FileNotFoundError(f"{html}: no such map file")
    if not (100 <= width <= 10000 and 100 <= height <= 10000):
        raise ValueError(f"image size {width}x{height} is out of range (100..10000 px each side)")
    with launch_browser() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        if offline:
            block_network(page)
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page.goto(html.resolve().as_uri(), wait_until="load", timeout=timeout * 1000)
        try:
            page.wait_for_function(WAIT_FOR_MAP_JS, timeout=timeout * 1000, polling=100)
        except PlaywrightTimeout:
            raise MapRenderError(
                f"{html}: the map did not finish drawing within {timeout:g} s (not a geo map, or one "
                f"whose Leaflet is linked from a CDN and cannot load here)") from None
        page.add_style_tag(content=".leaflet-control-search,.leaflet-control-layers{display:none!important}")
        try:
            page.wait_for_function(WAIT_FOR_TILES_JS, timeout=tile_wait * 1000)
        except Exception:  # tiles that never arrive (offline, slow server) leave the basemap visible
            pass
        page.wait_for_timeout(300)  # let marker-cluster animations settle
        data = page.screenshot(type="png", full_page=False)
    atomic_write_bytes(png_path, data)
