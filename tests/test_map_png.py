"""`geo map --png`: a static image of the map through headless Chromium."""
from __future__ import annotations

import struct

import pytest

from geo.outputs.map import build_map, save_map
from geo.outputs.png import BrowserUnavailable, save_png

from browser_util import requires_browser
from map_samples import syria_corpus

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def syria_html(tmp_path_factory):
    path = tmp_path_factory.mktemp("png") / "syria.html"
    save_map(build_map(syria_corpus(), title="Syria"), path)
    return path


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@requires_browser
def test_save_png_offline(tmp_path, syria_html):
    out = tmp_path / "map.png"
    save_png(syria_html, out, width=800, height=500, offline=True)
    data = out.read_bytes()
    assert _png_size(data) == (800, 500)
    assert len(data) > 10_000  # a drawn map, not a blank page


def test_save_png_without_browser_is_a_clear_error(tmp_path, syria_html, monkeypatch):
    monkeypatch.setenv("GEO_CHROMIUM", str(tmp_path / "no-such-chrome"))
    with pytest.raises(BrowserUnavailable, match="no Chromium found"):
        save_png(syria_html, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_save_png_checks_its_arguments(tmp_path, syria_html):
    with pytest.raises(FileNotFoundError, match="no such map file"):
        save_png(tmp_path / "missing.html", tmp_path / "x.png")
    with pytest.raises(ValueError, match="out of range"):
        save_png(syria_html, tmp_path / "x.png", width=5, height=5)


@requires_browser
def test_save_png_of_a_page_that_is_not_a_map(tmp_path):
    from geo.outputs.png import MapRenderError
    page = tmp_path / "page.html"
    page.write_text("<html><body>hello</body></html>", encoding="utf-8")
    with pytest.raises(MapRenderError, match="did not finish drawing"):
        save_png(page, tmp_path / "x.png", timeout=2)
    assert not (tmp_path / "x.png").exists()
