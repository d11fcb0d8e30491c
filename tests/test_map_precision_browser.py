"""The map's precision filter and its words in the documents' language, in headless Chromium (no network)."""
from __future__ import annotations

import pytest

from geo.outputs.map import build_map, save_map

from browser_util import browser_fixture, open_map, requires_browser
from map_samples import gazetteer_for_tests
from test_precision import EXPECTED, precise_corpus

pytestmark = [pytest.mark.browser, requires_browser]
browser = browser_fixture()

VISIBLE = "window.geoMapState.cluster.getLayers().map(m => m.options.alt).sort()"
POPUP_TEXT = """async (name) => {
  const s = window.geoMapState;
  s.map.closePopup();
  const i = s.data.places.findIndex(p => p.name === name);
  await s.open(i);
  const all = [...document.querySelectorAll('.leaflet-popup-content')]  // (one may still be fading out)
    .filter(e => e.querySelector('.geo-name') && e.querySelector('.geo-name').textContent === name);
  return all.length === 1 ? all[0].innerText : 'popups of ' + name + ': ' + all.length;
}"""


@pytest.fixture(scope="module")
def maps(tmp_path_factory):
    out = tmp_path_factory.mktemp("precision-map")
    gz = gazetteer_for_tests()
    save_map(build_map(precise_corpus(), gz, tiles=None), out / "en.html")
    save_map(build_map(precise_corpus(), gz, tiles=None, lang="fr"), out / "fr.html")
    return out


def test_the_precision_filter_hides_and_shows_markers(browser, maps):
    with open_map(browser, maps / "en.html") as mp:
        assert mp.js(VISIBLE) == sorted(EXPECTED)
        panel = mp.page.locator(".geo-filters")
        panel.get_by_text("Filters").click()
        section = panel.locator(".geo-filter-precision")
        assert section.locator("legend").inner_text() == "Precision"
        assert [r.inner_text().strip() for r in section.locator("label").all()] == [
            "Exact place (4)", "Within or near a named town (1)", "Region or province (1)", "Country only (2)"]
        panel.get_by_label("Country only (2)").uncheck()
        assert mp.js(VISIBLE) == sorted(n for n, p in EXPECTED.items() if p != "country")
        panel.get_by_label("Exact place (4)").uncheck()
        assert mp.js(VISIBLE) == ["Homs", "Idlib Governorate"]
        panel.get_by_label("Within or near a named town (1)").uncheck()
        assert mp.js(VISIBLE) == ["Idlib Governorate"]
        panel.get_by_label("Country only (2)").check()
        assert mp.js(VISIBLE) == ["Idlib Governorate", "Iraq", "Syria"]
        panel.get_by_label("Exact place (4)").check()
        panel.get_by_label("Within or near a named town (1)").check()
        assert mp.js(VISIBLE) == sorted(EXPECTED)
        # the tooltip of a point less precise than its place says so; an exact one's is as it was
        tips = mp.js("""() => { const s = window.geoMapState; const out = {};
          for (const name of ['Homs', 'Damascus']) {
            const i = s.data.places.findIndex(p => p.name === name);
            out[name] = s.tipFn(s.markers[i]).textContent;
          }
          return out; }""")
        assert tips["Homs"] == "Homs \u2014 1 mentionPrecision: Within or near a named town"
        assert tips["Damascus"] == "Damascus \u2014 2 mentions"
        # the popup says how precisely the point places what the text names
        assert "Precision: Within or near a named town" in mp.js(POPUP_TEXT, "Homs")
        assert "Precision: Exact place" in mp.js(POPUP_TEXT, "Damascus")
        assert mp.page_errors == [] and mp.console_errors == []


def test_a_french_map_speaks_french(browser, maps):
    with open_map(browser, maps / "fr.html") as mp:
        assert mp.page.title() == "Carte de 8 lieux dans 3 articles"
        legend = mp.page.locator(".geo-legend")
        assert legend.locator(".geo-legend-toggle").inner_text() == "Légende"
        text = legend.inner_text()
        assert "Lieux" in text and "Villes (4)" in text and "Pays (2)" in text and "Taille des marqueurs" in text
        assert "Places" not in text and "Cities" not in text and "Marker size" not in text
        panel = mp.page.locator(".geo-filters")
        panel.get_by_text("Filtres").click()
        body = panel.inner_text()
        assert "Types de lieux" in body and "Précision" in body and "Pays seulement (2)" in body
        assert "Place types" not in body and "Precision" not in body and "Filter the list" not in body
        panel.get_by_label("Pays seulement (2)").uncheck()
        assert "Syria" not in mp.js(VISIBLE) and "Damascus" in mp.js(VISIBLE)
        popup = mp.js(POPUP_TEXT, "Aleppo")
        assert popup.splitlines()[1].startswith("Ville · ") and "2 mentions dans 2 articles" in popup and "Précision : Lieu exact" in popup
        assert "Confiance 0.90" in popup
        assert " in " not in popup and "Confidence" not in popup
        assert mp.page_errors == [] and mp.console_errors == []
