"""End to end: `geo map` on article files (one of them hostile) -> HTML opened offline in Chromium,
plus GeoJSON and PNG outputs."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from browser_util import browser_fixture, open_map, requires_browser
from conftest import cli_ok

pytestmark = [pytest.mark.slow, pytest.mark.browser, requires_browser]
browser = browser_fixture()

HOSTILE_NAME = '"><img src=x onerror=window.__pwned=1>.txt'
HOSTILE_TEXT = """<script>window.__pwned=2;alert(2)</script> Fighting near Raqqa

Fighting continued near Raqqa on Monday <img src=x onerror="window.__pwned=3;alert(3)">, residents said.
The Euphrates river, which runs through Raqqa, was low. </script><script>window.__pwned=4</script>
Officials in Damascus said Syria would respond. See javascript:alert(5) for more.
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    (d / "in").mkdir()
    (d / "in" / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    (d / "in" / "aid.txt").write_text("Aid reaches Aleppo\n\nAn aid convoy reached Aleppo on Tuesday. "
                                      "Damascus denied blocking it.\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "geo.cli", "map", str(d / "in"), "-o", str(d / "out"),
           "--geojson", str(d / "out" / "places.geojson"), "--png", str(d / "out" / "map.png"),
           "--size", "640x400", "--tiles", "none", "--title", "<b>Syria</b>",
           "--gpkg", str(d / "out" / "places.gpkg")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)  # a real process: it drives Chromium
    assert proc.returncode == 0, proc.stderr
    cli_ok("map", d / "in", "-o", d / "strict", "--tiles", "none", "--min-score", "1", "-q")  # in this process
    return d / "out"


def _places(html_path):
    import re
    html = html_path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="geo_data[^"]*">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))["places"]


def test_min_score_leaves_out_doubtful_places(outputs):
    everything = _places(outputs / "index.html")
    assert everything and all(0 < p["score"] <= 1 for p in everything)
    strict = _places(outputs.parent / "strict" / "index.html")
    assert strict and len(strict) < len(everything) and all(p["score"] >= 1 for p in strict)


def test_geo_map_html_is_safe_and_complete(browser, outputs):
    with open_map(browser, outputs / "index.html") as mp:
        names = mp.js("window.geoMapState.data.places.map(p => p.name)")
        assert {"Damascus", "Aleppo", "Syria"} <= set(names)
        assert mp.js("window.geoMapState.shapes.length") > 0
        i = names.index("Damascus")
        mp.js("(i) => window.geoMapState.open(i)", i)
        text = mp.page.locator(".leaflet-popup-content").inner_text()
        assert "Officials in Damascus said Syria would respond." in text
        assert HOSTILE_NAME in text or "<script>window.__pwned=2" in text
        control = mp.page.locator(".leaflet-control-layers:not(.geo-time)")
        control.hover()
        mp.page.wait_for_timeout(200)
        assert mp.js("typeof window.__pwned") == "undefined"
        assert mp.dialogs == [] and mp.page_errors == [] and mp.console_errors == []
        assert mp.blocked == []  # --tiles none: not a single request leaves the machine
        assert mp.page.locator(".geo-title-box").inner_text() == "<b>Syria</b>"


def test_geo_map_geojson_and_png(outputs):
    fc = json.loads((outputs / "places.geojson").read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in fc["features"]}
    dam = by_name["Damascus"]
    assert dam["properties"]["mentions"] == 2 and len(dam["properties"]["documents"]) == 2
    assert dam["geometry"]["coordinates"][0] > dam["geometry"]["coordinates"][1]  # lon 36.3, lat 33.5
    import pyogrio
    assert pyogrio.read_info(outputs / "places.gpkg", layer="places")["features"] == len(fc["features"])
    png = (outputs / "map.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 640
