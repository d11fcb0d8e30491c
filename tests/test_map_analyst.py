"""What analysts do with the map (issue 12), in headless Chromium with the network disabled: the time
slider, the filters panel, cluster counts, focus places, confidence with runner-ups, the heat map -
and none of it runs hostile text."""
from __future__ import annotations

import dataclasses
import json
import re

import pytest

from geo.outputs.map import build_map, map_data, render_html, save_map
from geo.types import Alternative, Place

from browser_util import browser_fixture, open_map, requires_browser
from map_samples import ALEPPO, DAMASCUS, IRAQ, SYRIA, parsed, syria_corpus

MARYLAND_DAMASCUS = Place("4352728", "Damascus", 39.28844, -77.20387, "P", "PPL", "US", "MD", "Maryland", 15257)
HOSTILE_ALT = Place("x:1", "<img src=x onerror=window.__pwned=31>", 10.0, 10.0, "P", "PPL", "XX",
                    admin1="<script>window.__pwned=32</script>")

browser = browser_fixture()


def _with_alternatives(pds):
    """Damascus (Syria) resolved with Damascus (Maryland) and a hostile name as runner-ups."""
    out = []
    for pd in pds:
        res = tuple(dataclasses.replace(r, score=0.62, alternatives=(Alternative(MARYLAND_DAMASCUS, 0.41),
                                                                     Alternative(HOSTILE_ALT, 0.05)))
                    if r.place is DAMASCUS else r for r in pd.resolutions)
        out.append(dataclasses.replace(pd, resolutions=res))
    return out


def analyst_corpus():
    a, b = _with_alternatives(syria_corpus())
    c = parsed("wire/baghdad.txt", "Officials in Iraq met. Later Iraq and Syria talked again, in Iraq.",
               [("Iraq", IRAQ), ("Syria", SYRIA)], title="Talks <script>window.__pwned=33</script>",
               date="2017-06-05T08:00:00Z<script>window.__pwned=34</script>", url="javascript:window.__pwned=35")
    return [a, b, c]


@pytest.fixture(scope="module")
def analyst_html(tmp_path_factory):
    path = tmp_path_factory.mktemp("analyst") / "analyst.html"
    save_map(build_map(analyst_corpus(), tiles=None, title="Syria, June 2017"), path)
    return path


def test_data_carries_dates_sources_focus_and_runner_ups():
    data = map_data(analyst_corpus())
    days = [d.get("day") for d in data["docs"]]
    assert days == [1496275200000, 1496361600000, 1496620800000]  # 2017-06-01, -02, -05 (a date-time's day)
    assert data["sources"] == ["example.org", "news", "wire"]
    by = {p["name"]: p for p in data["places"]}
    dam = by["Damascus"]
    assert dam["score"] == 0.62
    alt = dam["alts"][0]
    assert (alt["name"], alt["sub"], alt["score"]) == ("Damascus", "Maryland, US", 0.41)
    assert 9300 < alt["km"] < 9500  # great-circle distance Damascus (SY) - Damascus (MD)
    # Syria is the focus of the first article; the second is about Syria too without naming it: its focus
    # country is looked up in the built store, so every focus entry names its place (issue 19.7); the third
    # is about Iraq
    assert by["Syria"]["focus"] == 2 and by["Iraq"]["focus"] == 1 and by["Ar Raqqah"]["focus"] == 1
    assert "focus" not in by["Aleppo"]
    # popups list articles by date
    assert [d["doc"] for d in dam["docs"]] == [0, 1]
    # the view fits the focus places (and the outlines of focus countries, when drawn), not every place
    assert data["focusBounds"] is not None
    # --min-score leaves doubtful places out
    assert {p["name"] for p in map_data(analyst_corpus(), min_score=0.7)["places"]} == \
        {"Ar Raqqah", "Euphrates", "Syria", "Aleppo", "Iraq"}


def test_without_dates_nothing_changes():
    undated = [dataclasses.replace(pd, document=dataclasses.replace(pd.document, date=None)) for pd in syria_corpus()]
    data = map_data(undated)
    assert data["dated"] is False and not any("day" in d for d in data["docs"])
    html = render_html(build_map(undated, tiles=None, basemap=False))
    assert "timelineSliderControl" not in html.split("geo.start(")[-1] and "geo.timeSlider(" not in html


def test_jinja_syntax_in_an_article_stays_text():
    """branca compiled every element's output as a template: '{{ 7*7 }}' in an article became 49."""
    pd = parsed("d", "Rain in Aleppo {{ 7*7 }} today {% if 1 %}x{% endif %}.", [("Aleppo", ALEPPO)],
                title="{{ 6*7 }}")
    html = render_html(build_map([pd], tiles=None, basemap=False))
    data = json.loads(re.search(r'id="geo_data[^"]*">(.*?)</script>', html, re.S).group(1))
    assert data["places"][0]["docs"][0]["snippets"][0][2] == " {{ 7*7 }} today {% if 1 %}x{% endif %}."
    assert data["docs"][0]["title"] == "{{ 6*7 }}"


VISIBLE = "window.geoMapState.cluster.getLayers().map(m => m.options.alt).sort()"


def _slide(mp, ms):
    mp.js("""(ms) => { const r = document.querySelector('.geo-time input[type=range]');
                     r.value = String(ms); r.dispatchEvent(new Event('input', {bubbles: true})); }""", ms)


@pytest.mark.browser
@requires_browser
def test_time_slider_moves_and_hides_pins(browser, analyst_html):
    with open_map(browser, analyst_html) as mp:
        assert mp.js(VISIBLE) == ["Aleppo", "Ar Raqqah", "Damascus", "Euphrates", "Iraq", "Syria"]
        assert mp.page.locator(".geo-time output").inner_text() == "up to 2017-06-05"
        _slide(mp, 1496275200000)  # up to 2017-06-01: the first article only
        assert mp.page.locator(".geo-time output").inner_text() == "up to 2017-06-01"
        assert mp.js(VISIBLE) == ["Ar Raqqah", "Damascus", "Euphrates", "Syria"]
        # a popup now lists only that article's snippets
        i = mp.js("window.geoMapState.data.places.findIndex(p => p.name === 'Damascus')")
        mp.js("(i) => window.geoMapState.open(i)", i)
        text = mp.page.locator(".leaflet-popup-content").inner_text()
        assert "Officials in Damascus said Syria would respond." in text
        assert "Damascus denied blocking it." not in text and "1 article hidden by the filters" in text
        mp.js("() => { window.geoMapState.map.closePopup(); }")
        _slide(mp, 1496361600000)  # up to 2017-06-02
        assert mp.js(VISIBLE) == ["Aleppo", "Ar Raqqah", "Damascus", "Euphrates", "Iraq", "Syria"]
        # the play button steps through time to the end
        mp.page.locator(".geo-time button.play").click()
        mp.page.wait_for_function("document.querySelector('.geo-time output').textContent === 'up to 2017-06-05'",
                                  timeout=15000, polling=100)
        assert len(mp.js(VISIBLE)) == 6
        assert mp.page_errors == [] and mp.console_errors == []


@pytest.mark.browser
@requires_browser
def test_filters_panel_types_sources_articles_focus(browser, analyst_html):
    with open_map(browser, analyst_html) as mp:
        panel = mp.page.locator(".geo-filters")
        panel.get_by_text("Filters").click()
        panel.get_by_label("Cities / towns (3)").uncheck()
        assert mp.js(VISIBLE) == ["Euphrates", "Iraq", "Syria"]
        # the layer control's overlay follows the panel
        assert mp.page.locator(".leaflet-control-layers:not(.geo-time) input[type=checkbox]").first.is_checked()
        panel.get_by_label("Cities / towns (3)").check()
        panel.get_by_label("wire").uncheck()  # a source: the Baghdad article's folder
        panel.get_by_label("news").uncheck()
        assert mp.js(VISIBLE) == ["Ar Raqqah", "Damascus", "Euphrates", "Syria"]
        panel.get_by_label("news").check()
        panel.get_by_label("wire").check()
        assert len(mp.js(VISIBLE)) == 6
        # articles: narrow the list, then untick one
        panel.locator(".geo-filter-find").fill("aid")
        assert panel.locator(".geo-filter-list label").count() == 1
        panel.get_by_label(re.compile("Aid convoy reaches Aleppo")).uncheck()
        assert "Aleppo" not in mp.js(VISIBLE)
        panel.locator(".geo-filter-find").fill("")
        panel.get_by_role("button", name="All").click()
        assert len(mp.js(VISIBLE)) == 6
        # dates from: the range's other end
        panel.locator(".geo-filter-from").select_option("1496620800000")
        assert mp.js(VISIBLE) == ["Iraq", "Syria"]
        panel.locator(".geo-filter-from").select_option("")
        panel.get_by_label("Only the articles' focus places").check()
        assert mp.js(VISIBLE) == ["Ar Raqqah", "Iraq", "Syria"]
        assert mp.js("document.querySelectorAll('.leaflet-marker-icon.geo-focus').length") == 3
        assert mp.page_errors == [] and mp.console_errors == []


@pytest.mark.browser
@requires_browser
def test_confidence_popup_shows_runner_ups_on_demand(browser, analyst_html):
    with open_map(browser, analyst_html) as mp:
        i = mp.js("window.geoMapState.data.places.findIndex(p => p.name === 'Damascus')")
        mp.js("(i) => window.geoMapState.open(i)", i)
        popup = mp.page.locator(".leaflet-popup-content")
        assert "Confidence 0.62" in popup.inner_text()
        alts = popup.locator(".geo-alts")
        assert alts.is_hidden()
        popup.get_by_role("button", name="Other candidates (2)").click()
        assert alts.is_visible()
        rows = alts.locator("li").all_inner_texts()
        assert re.fullmatch("Damascus \u2014 Maryland, US \u00b7 9[34]\\d\\d km away \u00b7 score 0.41", rows[0]), rows[0]
        assert rows[1].startswith("<img src=x onerror=window.__pwned=31> \u2014 <script>window.__pwned=32</script>")
        assert mp.js("typeof window.__pwned") == "undefined"
        assert mp.page_errors == []


@pytest.mark.browser
@requires_browser
def test_clusters_count_mentions_and_articles_and_heat_layer(browser, analyst_html):
    with open_map(browser, analyst_html) as mp:
        mp.js("() => { window.geoMapState.map.setView([34, 40], 3, {animate: false}); }")
        mp.page.wait_for_function("document.querySelector('.geo-cluster')", polling=50)
        clusters = mp.js("""() => { const s = window.geoMapState, out = [];
            s.cluster._featureGroup.eachLayer(c => {
              if (!c.getAllChildMarkers || !c._icon) return;
              const ms = c.getAllChildMarkers(), arts = new Set();
              let mentions = 0;
              ms.forEach(m => { const p = s.data.places[m._geoIdx]; mentions += p.mentions;
                                p.docs.forEach(d => arts.add(d.doc)); });
              const span = c._icon.querySelector('span');
              out.push([span.firstChild.textContent, span.querySelector('small').textContent,
                        String(mentions), arts.size + ' art.', c._icon.title || '']);
            });
            return out; }""")
        assert clusters, "no cluster at zoom 3"
        for shown_mentions, shown_articles, mentions, articles, _ in clusters:
            assert (shown_mentions, shown_articles) == (mentions, articles)
        # heat map overlay: off at first, a canvas when switched on
        assert mp.js("document.querySelectorAll('canvas.leaflet-heatmap-layer').length") == 0
        control = mp.page.locator(".leaflet-control-layers:not(.geo-time)")
        control.hover()
        control.get_by_text("Heat map of mentions").click()
        assert mp.js("document.querySelectorAll('canvas.leaflet-heatmap-layer').length") == 1
        assert mp.js("window.geoMapState.heat._latlngs.length") == 6
        assert mp.page_errors == [] and mp.console_errors == []


@pytest.mark.browser
@requires_browser
def test_initial_view_fits_the_focus(browser, analyst_html):
    with open_map(browser, analyst_html) as mp:
        inside = mp.js("""() => { const s = window.geoMapState, b = s.map.getBounds();
            return s.data.places.filter(p => p.focus).every(p => b.contains([p.lat, p.lon])); }""")
        assert inside
        legend = mp.page.locator(".geo-legend").inner_text()
        assert "Ringed: the focus of an article" in legend


@pytest.mark.browser
@requires_browser
def test_hostile_text_in_the_new_controls_stays_inert(browser, tmp_path):
    from map_samples import hostile_corpus
    pds = hostile_corpus() + [analyst_corpus()[2]]
    pds[0] = dataclasses.replace(pds[0], document=dataclasses.replace(
        pds[0].document, date="2017-06-01\"><script>window.__pwned=36</script>"))
    path = tmp_path / "hostile.html"
    save_map(build_map(_with_alternatives(pds), tiles=None), path)
    with open_map(browser, path) as mp:
        panel = mp.page.locator(".geo-filters")
        panel.get_by_text("Filters").click()
        text = panel.inner_text()
        assert "<script>window.__pwned=3;alert(3)</script>Breaking" in text
        assert "Talks <script>window.__pwned=33</script>" in text
        assert "2017-06-01\"><script>window.__pwned=36</script>" in text
        for i in range(mp.js("window.geoMapState.data.places.length")):
            mp.js("(i) => window.geoMapState.open(i)", i)
            for b in mp.page.locator(".leaflet-popup-content .geo-alts-button").all():
                b.dispatch_event("click")
        mp.js("() => { window.geoMapState.map.closePopup(); }")
        _slide(mp, 1496275200000)
        assert mp.page.locator(".geo-time output").inner_text() == "up to 2017-06-01"
        assert mp.js("(i) => window.geoMapState.open(0)") in (0, None)  # a place hidden by the slider: no error
        mp.page.wait_for_timeout(200)
        assert mp.js("typeof window.__pwned") == "undefined" and mp.dialogs == []
        assert mp.js("document.querySelectorAll('img:not(.leaflet-tile), svg image, script[src], iframe').length") == 0
        assert mp.js("Array.from(document.querySelectorAll('a[href]')).filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length") == 0
        assert mp.page_errors == [] and mp.console_errors == []
