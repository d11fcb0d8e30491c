"""Generated maps in headless Chromium with the network disabled: they render, work, and stay safe."""
from __future__ import annotations

import pytest

from geo.outputs.map import build_map, save_map

from browser_util import browser_fixture, open_map, requires_browser
from map_samples import gazetteer_for_tests, hostile_corpus, parsed, syria_corpus

pytestmark = [pytest.mark.browser, requires_browser]
browser = browser_fixture()

OPEN_POPUP_JS = """async (name) => {
  const s = window.geoMapState;
  const i = s.data.places.findIndex(p => p.name === name);
  const m = s.markers[i];
  await new Promise(res => s.cluster.zoomToShowLayer(m, res));
  return i;
}"""


@pytest.fixture(scope="module")
def syria_html(tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "syria.html"
    save_map(build_map(syria_corpus(), gazetteer_for_tests(), title="Syria, June 2017"), path)
    return path


def test_renders_offline_with_markers_river_and_popups(browser, syria_html):
    with open_map(browser, syria_html) as mp:
        assert mp.js("L.version") == "1.9.3"
        assert mp.js("typeof L.markerClusterGroup") == "function"
        # the offline basemap (country shapes) lies under the (blocked) tiles
        assert mp.js("document.querySelectorAll('.leaflet-geoBasemap-pane path').length") > 0
        assert mp.js("getComputedStyle(document.querySelector('.leaflet-geoBasemap-pane')).zIndex") == "150"
        assert mp.js("document.querySelectorAll('.leaflet-marker-icon').length") > 0
        # the Euphrates is drawn as an SVG line with a real extent on screen
        box = mp.js("""() => {
          const s = window.geoMapState;
          const river = s.shapes.find(l => s.data.places[l._geoIdx].name === 'Euphrates');
          if (!river || !river._map) return null;
          const path = river.getLayers()[0].getElement();
          const r = path.getBoundingClientRect();
          return {d: path.getAttribute('d').length, w: r.width, h: r.height, fill: path.getAttribute('fill')};
        }""")
        assert box and box["d"] > 20 and max(box["w"], box["h"]) > 50 and box["fill"] == "none"
        # shapes are highlighted on hover
        widths = mp.js("""() => {
          const s = window.geoMapState;
          const river = s.shapes.find(l => s.data.places[l._geoIdx].name === 'Euphrates');
          const path = river.getLayers()[0].getElement();
          const before = path.getAttribute('stroke-width');
          river.fire('mouseover');
          const during = path.getAttribute('stroke-width');
          river.fire('mouseout');
          return [before, during, path.getAttribute('stroke-width')];
        }""")
        assert widths[0] == widths[2] and float(widths[1]) > float(widths[0])
        # a real pointer on the river line: tooltip, then its popup on click
        x, y = mp.js("""() => {
          const s = window.geoMapState;
          const river = s.shapes.find(l => s.data.places[l._geoIdx].name === 'Euphrates');
          const path = river.getLayers()[0].getElement();
          const pt = path.getPointAtLength(path.getTotalLength() * 0.3), m = path.getScreenCTM();
          return [pt.x * m.a + m.e, pt.y * m.d + m.f];
        }""")
        mp.page.mouse.move(x, y)
        mp.page.locator(".leaflet-tooltip", has_text="Euphrates").wait_for(timeout=3000)
        mp.page.mouse.click(x, y)
        assert "The Euphrates river, which runs through Raqqa, was low" in \
            mp.page.locator(".leaflet-popup-content").inner_text()
        mp.js("() => { window.geoMapState.map.closePopup(); }")
        mp.page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0", polling=50)
        # the view is fitted to the content: every marker is inside the visible bounds
        assert mp.js("""() => { const s = window.geoMapState, b = s.map.getBounds();
                        return s.markers.every(m => b.contains(m.getLatLng())); }""")
        assert mp.js("window.geoMapState.map.getZoom()") >= 4
        # a real click on the Damascus marker opens its popup with both articles' snippets
        mp.js(OPEN_POPUP_JS, "Damascus")
        mp.page.locator(".leaflet-marker-icon[aria-label='Damascus']").click()
        popup = mp.page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert "Officials in Damascus said Syria would respond." in text
        assert "Damascus denied blocking it." in text
        assert "Battle for Raqqa" in text and "2017-06-01" in text
        assert popup.locator("mark").all_inner_texts() == ["Damascus", "Damascus"]
        assert popup.locator("a").get_attribute("href") == "https://example.org/raqqa"
        # hovering shows the tooltip with name and count
        mp.page.mouse.move(0, 0)
        mp.page.locator(".leaflet-marker-icon[aria-label='Damascus']").hover()
        tip = mp.page.locator(".leaflet-tooltip", has_text="Damascus")
        tip.wait_for()
        assert tip.inner_text() == "Damascus — 2 mentions"
        # legend and title
        assert "Cities / towns (3)" in mp.page.locator(".geo-legend").inner_text()
        assert mp.page.locator(".geo-title-box").inner_text() == "Syria, June 2017"
        assert mp.page_errors == [] and mp.console_errors == [] and mp.dialogs == []
        # nothing but tiles was requested from the network (and it was refused)
        assert all("tile" in u or "arcgisonline" in u for u in mp.blocked), mp.blocked


def test_search_box_finds_a_place_and_opens_its_popup(browser, syria_html):
    with open_map(browser, syria_html) as mp:
        search = mp.page.locator(".leaflet-control-search")
        search.locator(".search-button").click()
        search.locator("input").press_sequentially("Alep", delay=30)
        tip = mp.page.locator(".search-tip", has_text="Aleppo")
        tip.click()
        popup = mp.page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5000)
        assert "An aid convoy reached Aleppo on Tuesday." in popup.inner_text()
        mp.js("() => { window.geoMapState.map.closePopup(); }")
        mp.page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0", polling=50)
        mp.js(OPEN_POPUP_JS, "Ar Raqqah")
        mp.js("() => { const s = window.geoMapState; return s.open(s.data.places.findIndex(p => p.name === 'Ar Raqqah')); }")
        assert "Mentioned as: Raqqa" in mp.page.locator(".leaflet-popup-content").inner_text()
        assert mp.page_errors == []


def test_layer_control_filters_by_type_and_document(browser, syria_html):
    with open_map(browser, syria_html) as mp:
        count = "window.geoMapState.cluster.getLayers().length"
        assert mp.js(count) == 6
        control = mp.page.locator(".leaflet-control-layers:not(.geo-time)")
        control.hover()
        control.get_by_text("Cities / towns (3)").click()
        assert mp.js(count) == 3  # Damascus, Aleppo, Raqqa hidden
        control.get_by_text("Cities / towns (3)").click()
        assert mp.js(count) == 6
        control.get_by_text("Article: Aid convoy reaches Aleppo").click()  # hide the second article
        names = mp.js("window.geoMapState.cluster.getLayers().map(m => m.options.alt).sort()")
        assert names == ["Ar Raqqah", "Damascus", "Euphrates", "Syria"]
        # base layer switch to the offline basemap only
        control.get_by_text("Offline basemap only").click()
        assert mp.js("document.querySelectorAll('.leaflet-tile-container img').length") == 0
        assert mp.page_errors == []


def test_hostile_articles_execute_nothing(browser, tmp_path):
    path = tmp_path / "hostile.html"
    save_map(build_map(hostile_corpus(), title="<img src=x onerror=window.__pwned=13>"), path)
    with open_map(browser, path) as mp:
        n = mp.js("window.geoMapState.markers.length")
        seen = []
        for i in range(n):
            mp.js("() => { window.geoMapState.map.closePopup(); }")
            mp.page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0", polling=50)
            name = mp.js("(i) => window.geoMapState.data.places[i].name", i)
            mp.js(OPEN_POPUP_JS, name)
            mp.js("(i) => { const s = window.geoMapState, m = s.bind(s.markers[i]); m.openTooltip(); m.openPopup(); }", i)
            seen.append(mp.page.locator(".leaflet-popup-content").inner_text())
            seen.append(mp.page.locator(".leaflet-tooltip").last.inner_text())
        control = mp.page.locator(".leaflet-control-layers:not(.geo-time)")
        control.hover()
        seen.append(control.inner_text())
        search = mp.page.locator(".leaflet-control-search")
        search.locator(".search-button").click()
        search.locator("input").press_sequentially("img", delay=30)
        mp.page.locator(".search-tip").first.wait_for()
        seen.append(mp.page.locator(".search-tooltip").inner_text())
        mp.page.wait_for_timeout(300)
        joined = "\n".join(seen)
        # shown as text ...
        for raw in ('<img src=x onerror="window.__pwned=1;alert(1)">', "</script><script>window.__pwned=2;alert(2)</script>",
                    "<script>window.__pwned=3;alert(3)</script>Breaking", 'evil/"><img src=x onerror=window.__pwned=5>.txt',
                    "<svg onload=window.__pwned=7>", "<img src=x onerror=window.__pwned=9>",
                    "<img src=x onerror=window.__pwned=12>", "</script><script>window.__pwned=11</script>.txt"):
            assert raw in joined, raw
        assert mp.page.locator(".geo-title-box").inner_text() == "<img src=x onerror=window.__pwned=13>"
        # ... and nothing ran or became markup
        assert mp.js("typeof window.__pwned") == "undefined"
        assert mp.dialogs == []
        assert mp.js("document.querySelectorAll('img:not(.leaflet-tile), svg image, script[src], iframe').length") == 0
        assert mp.js("Array.from(document.querySelectorAll('a[href]')).filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length") == 0
        assert mp.page_errors == [] and mp.console_errors == []


def test_basemap_only_map_makes_no_request(browser, tmp_path):
    path = tmp_path / "notiles.html"
    save_map(build_map(syria_corpus(), tiles=None), path)
    with open_map(browser, path) as mp:
        assert mp.js("document.querySelectorAll('.leaflet-geoBasemap-pane path').length") > 0
        assert mp.js("document.querySelectorAll('.leaflet-tile').length") == 0
        assert mp.js("window.geoMapState.cluster.getLayers().length") == 6
        assert mp.blocked == [] and mp.page_errors == [] and mp.console_errors == []


def test_jupyter_representation_renders_offline(browser, tmp_path):
    """What a notebook shows for ``geo.map(...)``: folium's iframe, working without a network."""
    m = build_map(syria_corpus(), title="In a notebook")
    page_path = tmp_path / "notebook.html"
    page_path.write_text(f"<!DOCTYPE html><html><body><div style='width:900px'>{m._repr_html_()}</div></body></html>",
                         encoding="utf-8")
    with open_map(browser, page_path, wait=False) as mp:
        mp.page.wait_for_function("document.querySelector('iframe') !== null")
        frame = mp.page.frame_locator("iframe").first
        frame.locator(".leaflet-marker-icon").first.wait_for(timeout=20000)
        inner = mp.page.frames[1]
        assert inner.evaluate("window.geoMapState.markers.length") == 6
        assert inner.evaluate("L.version") == "1.9.3"
        assert frame.locator(".geo-title-box").inner_text() == "In a notebook"
        assert mp.page_errors == [] and mp.console_errors == [] and mp.dialogs == []


def test_map_without_places_still_opens(browser, tmp_path):
    path = tmp_path / "empty.html"
    save_map(build_map([parsed("d", "Nothing to see here.", [])], tiles=None), path)
    with open_map(browser, path) as mp:
        assert mp.js("window.geoMapState.markers.length") == 0
        assert mp.js("document.querySelectorAll('.leaflet-geoBasemap-pane path').length") > 0
        assert mp.page_errors == [] and mp.console_errors == []


def test_right_to_left_snippets(browser, tmp_path):
    from map_samples import DAMASCUS
    path = tmp_path / "rtl.html"
    save_map(build_map([parsed("ar", "وصلت المساعدات إلى دمشق يوم الثلاثاء.", [("دمشق", DAMASCUS)], title="دمشق")],
                       tiles=None), path)
    with open_map(browser, path) as mp:
        mp.js("() => window.geoMapState.open(0)")
        li = mp.page.locator(".geo-snippet")
        assert li.locator("mark").inner_text() == "دمشق"
        assert li.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert mp.page_errors == []


def test_marker_popup_by_click_toggle_and_keyboard(browser, syria_html):
    with open_map(browser, syria_html) as mp:
        mp.js(OPEN_POPUP_JS, "Aleppo")
        icon = mp.page.locator(".leaflet-marker-icon[aria-label='Aleppo']")
        popups = "document.querySelectorAll('.leaflet-popup').length"
        icon.click()
        mp.page.locator(".leaflet-popup-content", has_text="An aid convoy reached Aleppo").wait_for()
        icon.click(force=True)  # a second click closes it again (Leaflet's own toggle)
        mp.page.wait_for_function(f"{popups} === 0", polling=50)
        # keyboard: focus the Damascus marker (not yet opened) and press Enter
        mp.js(OPEN_POPUP_JS, "Damascus")
        mp.page.wait_for_function(f"{popups} === 0", polling=50)
        dam = mp.page.locator(".leaflet-marker-icon[aria-label='Damascus']")
        dam.focus()
        mp.page.keyboard.press("Enter")
        mp.page.locator(".leaflet-popup-content", has_text="Officials in Damascus").wait_for(timeout=3000)
        assert mp.page_errors == []
