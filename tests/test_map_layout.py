"""The interactive map on any screen (issue 21): popups clear of the legend and the time slider, the
legend folded on phones and never over the slider, Sinai outlined as land, the offline basemap with
land under a coastal city at street zoom, and snippets in the popups whatever the input (articles,
``geo extract`` JSONL, GeoParquet). Browser tests run in headless Chromium at desktop and phone sizes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_util import browser_fixture, open_map, requires_browser
from click.testing import CliRunner
from map_samples import parsed, syria_corpus

from geo.cli import main
from geo.outputs.registry import WRITERS, Options, Source

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
browser = browser_fixture()
LAND = (0xF4, 0xF1, 0xEA)  # the offline basemap's land fill (geomap.js)
SEA = (0xC9, 0xDD, 0xE6)  # the map's background: the sea


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def page_data(html: Path) -> dict:
    text = html.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="geo_data[^"]*">(.*?)</script>', text, re.S)
    return json.loads(m.group(1))


def intersect(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.fixture(params=sorted(SIZES))
def screen(request) -> str:
    """Each screen size of SIZES, by name (a test may parametrize its own)."""
    return request.param


@pytest.fixture(scope="module")
def syria_html(tmp_path_factory):
    """The Syria sample (two dated articles: a time slider), with OpenStreetMap's long credits (its
    tiles are not fetched: the tests block the network)."""
    path = tmp_path_factory.mktemp("layout") / "index.html"
    WRITERS["map"].write(Source(parsed=syria_corpus()), path, Options())
    return path


BOX_JS = """
window.__box = function (el) {
  var c = geoMapState.map.getContainer().getBoundingClientRect(), r = el.getBoundingClientRect();
  return {left: r.left - c.left, top: r.top - c.top, right: r.right - c.left, bottom: r.bottom - c.top};
};
// open the marker's popup (as a click does); once the map has stopped moving, whether it auto-panned
window.__openAndSettle = async function (map, mk) {
  let panned = false;
  map.once("autopanstart", () => { panned = true; });
  await new Promise((resolve) => {
    map.once("moveend", resolve);
    mk.openPopup();
    if (!panned) { map.off("moveend", resolve); resolve(); }
  });
  return panned;
};
"""

POPUP_UNDER_BUTTONS_JS = BOX_JS + """
(async (name) => {
  const S = geoMapState, map = S.map, c = map.getContainer();
  const i = S.P.findIndex(p => p.name === name);
  map.setView(S.markers[i].getLatLng(), 9, {animate: false});
  const corner = __box(c.querySelector(".leaflet-top.leaflet-left"));
  const target = L.point((corner.left + corner.right) / 2, corner.bottom - 5);  // under the Filters button
  map.panBy(map.latLngToContainerPoint(S.markers[i].getLatLng()).subtract(target), {animate: false});
  const mk = S.bind(S.markers[i]);
  const panned = await __openAndSettle(map, mk);
  return {popup: __box(mk.getPopup().getElement()), corner: __box(c.querySelector(".leaflet-top.leaflet-left")),
          size: {x: map.getSize().x, y: map.getSize().y}, panned: panned};
})
"""


@requires_browser
@pytest.mark.browser
def test_a_popup_near_the_top_left_opens_clear_of_the_buttons(browser, syria_html, screen):
    w, h = SIZES[screen]
    with open_map(browser, syria_html, width=w, height=h) as mp:
        r = mp.page.evaluate(POPUP_UNDER_BUTTONS_JS.strip(), "Damascus")
        assert r["panned"] and not intersect(r["popup"], r["corner"]), r
        assert 0 <= r["popup"]["left"] and r["popup"]["right"] <= w and r["popup"]["bottom"] <= h, r
        assert not mp.page_errors


# Put place i's marker right under the centre of the legend, open its popup (as a click does) and
# report, once the map has stopped moving, where the popup and the legend are.
POPUP_UNDER_LEGEND_JS = BOX_JS + """
(async (name) => {
  const S = geoMapState, map = S.map;
  const i = S.P.findIndex(p => p.name === name);
  map.setView(S.markers[i].getLatLng(), 9, {animate: false});
  const lg = __box(S.legendBox);
  const target = L.point((lg.left + lg.right) / 2, (lg.top + lg.bottom) / 2);
  map.panBy(map.latLngToContainerPoint(S.markers[i].getLatLng()).subtract(target), {animate: false});
  const mk = S.bind(S.markers[i]);
  if (S.cluster.getVisibleParent(mk) !== mk) { return {error: "clustered"}; }
  const at = map.latLngToContainerPoint(mk.getLatLng());
  const panned = await __openAndSettle(map, mk);
  const size = map.getSize();
  return {popup: __box(mk.getPopup().getElement()), legend: __box(S.legendBox), marker: {x: at.x, y: at.y},
          size: {x: size.x, y: size.y}, panned: panned, open: mk.isPopupOpen(),
          folded: S.legendBox.querySelector(".geo-legend-body").hidden};
})
"""


@requires_browser
@pytest.mark.browser
@pytest.mark.parametrize("legend", ["open", "folded"])
def test_a_popup_near_the_lower_right_opens_clear_of_the_legend(browser, syria_html, screen, legend):
    w, h = SIZES[screen]
    with open_map(browser, syria_html, width=w, height=h) as mp:
        mp.js(f"geoMapState.setLegendOpen({'true' if legend == 'open' else 'false'})")
        r = mp.page.evaluate(POPUP_UNDER_LEGEND_JS.strip(), "Damascus")
        assert "error" not in r, r
        lg = r["legend"]
        assert lg["left"] <= r["marker"]["x"] <= lg["right"] and lg["top"] <= r["marker"]["y"] <= lg["bottom"]
        assert r["open"] and r["panned"], r  # the popup would have opened under the legend: the map moved
        pop = r["popup"]
        assert not intersect(pop, r["legend"]), r
        assert 0 <= pop["left"] and pop["right"] <= r["size"]["x"] and 0 <= pop["top"], r
        assert not mp.page_errors and not mp.console_errors


LEGEND_AND_SLIDER_JS = BOX_JS + """
(() => {
  const S = geoMapState;
  const c = S.map.getContainer();
  return {legend: __box(S.legendBox), slider: __box(S.timeControl.getContainer()),
          scale: __box(c.querySelector(".leaflet-control-scale")),
          credits: __box(c.querySelector(".leaflet-control-attribution")),
          folded: S.legendBox.querySelector(".geo-legend-body").hidden,
          expanded: S.legendBox.querySelector(".geo-legend-toggle").getAttribute("aria-expanded"),
          layers: S.layerControl.getContainer().classList.contains("leaflet-control-layers-expanded")};
})
"""


@requires_browser
@pytest.mark.browser
def test_the_legend_is_folded_on_phones_and_never_covers_the_time_slider(browser, syria_html, screen):
    w, h = SIZES[screen]
    with open_map(browser, syria_html, width=w, height=h) as mp:
        first = mp.page.evaluate(LEGEND_AND_SLIDER_JS.strip())
        phone = screen == "phone"
        assert first["folded"] is phone and first["expanded"] == ("false" if phone else "true"), first
        assert first["layers"] is not phone  # the layer control too: folded on a phone
        area = (first["legend"]["right"] - first["legend"]["left"]) * (first["legend"]["bottom"] - first["legend"]["top"])
        if phone:
            assert area < 0.05 * w * h, first  # a button, not 40% of the screen
        assert not intersect(first["legend"], first["slider"]), first
        assert not intersect(first["credits"], first["scale"]), first  # the credits never hide the scale bar
        mp.page.click(".geo-legend-toggle")  # unfolded (phone) / folded (desktop) by a tap
        second = mp.page.evaluate(LEGEND_AND_SLIDER_JS.strip())
        assert second["folded"] is not phone, second
        assert not intersect(second["legend"], second["slider"]), second
        if phone:  # open on a phone, the legend sits above the slider
            assert second["legend"]["bottom"] <= second["slider"]["top"], second
        assert not mp.page_errors and not mp.console_errors


# -- Sinai is land --------------------------------------------------------------------------------

def test_peninsulas_are_outlined_as_land_not_as_islands(gazetteer):
    from geo.features import shape_kind
    from geo.outputs.map import map_data
    from geo.outputs.map.styles import SHAPE_KIND_STYLE, TYPE_STYLE

    assert shape_kind("T", "PEN") == "area" and shape_kind("T", "ISL") == "island"
    sinai = next(c.place for c in gazetteer.lookup("Sinai Peninsula", limit=5) if c.place.feature_code == "PEN")
    assert sinai.has_geometry
    text = "Troops moved into the Sinai Peninsula on Monday."
    data = map_data([parsed("d", text, [("Sinai Peninsula", sinai)])], gazetteer, basemap=False)
    (shape,) = data["shapes"]
    assert shape["kind"] == "area"
    assert [k["key"] for k in data["kinds"]] == ["area"]  # no "Island" in the legend
    ptype = data["types"][data["places"][shape["place"]]["type"]]
    assert ptype["key"] == "physical"
    style = ptype["shape"]  # the outline drawn: the physical type's, dashed, not the island's, not water
    assert style == TYPE_STYLE["physical"] and style.get("dashArray") and "fillColor" not in style
    assert style != SHAPE_KIND_STYLE["island"][1]


# -- the offline basemap at street zoom -----------------------------------------------------------------

@pytest.fixture(scope="module")
def beirut_html(tmp_path_factory, gazetteer):
    beirut = next(c.place for c in gazetteer.lookup("Beirut", limit=5) if c.place.country_code == "LB")
    path = tmp_path_factory.mktemp("beirut") / "index.html"
    doc = parsed("d", "Protests filled the streets of Beirut.", [("Beirut", beirut)])
    WRITERS["map"].write(Source(parsed=[doc], gazetteer=gazetteer), path, Options(tiles=None))
    return path, beirut


def test_the_basemap_keeps_the_places_countries_in_detail(beirut_html):
    import shapely
    import shapely.geometry

    path, beirut = beirut_html
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="offline_basemap[^"]*_data">(\{"features".*?)</script>', text, re.S)
    fc = json.loads(m.group(1))
    lebanon = [f for f in fc["features"] if f["properties"]["cc"] == "LB"]
    assert len(lebanon) == 1 and lebanon[0]["properties"].get("detail") == 1
    assert shapely.geometry.shape(lebanon[0]["geometry"]).contains(shapely.Point(beirut.lon, beirut.lat))
    assert len([f for f in fc["features"] if f["properties"].get("detail")]) == 1  # the others stay coarse
    assert len(fc["features"]) > 200


@requires_browser
@pytest.mark.browser
def test_the_offline_basemap_has_land_under_a_coastal_city_at_street_zoom(browser, beirut_html):
    import io

    from PIL import Image

    path, beirut = beirut_html
    with open_map(browser, path, width=400, height=300) as mp:
        mp.js(f"(() => {{ const S = geoMapState; S.map.removeLayer(S.cluster); "
              f"S.map.setView([{beirut.lat}, {beirut.lon}], 16, {{animate: false}}); }})()")
        mp.page.wait_for_function("document.querySelectorAll('.leaflet-marker-icon').length === 0")
        img = Image.open(io.BytesIO(mp.page.screenshot(clip={"x": 190, "y": 140, "width": 20, "height": 20})))
        pixels = {colour for _, colour in img.convert("RGB").getcolors()}
        assert pixels == {LAND}, pixels  # land, not the sea, and not blank
        assert not mp.page_errors


# -- snippets whatever the input ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_maps(tmp_path_factory):
    """`geo map` of the seed articles, of `geo extract` JSONL, and of `geo extract` GeoParquet."""
    d = tmp_path_factory.mktemp("snippets")
    seeds = ROOT / "seeds"
    run("extract", seeds, "--offline", "-q", "-o", d / "plain.jsonl")
    run("extract", seeds, "--offline", "-q", "-o", d / "plain.parquet")
    maps = {}
    for name, src in (("articles", seeds), ("jsonl", d / "plain.jsonl"), ("parquet", d / "plain.parquet")):
        out = run("map", src, "--offline", "-o", d / name, "--tiles", "none")
        if name != "articles":
            assert "result files" in out  # read as results, not re-parsed
        maps[name] = d / name / "index.html"
    return maps


@pytest.mark.slow
def test_extract_jsonl_records_carry_the_sentence_of_each_mention(seed_maps):
    recs = [json.loads(line) for line in (seed_maps["jsonl"].parent.parent / "plain.jsonl").read_text().splitlines()]
    assert recs and recs[0]["mentions"]
    for m in recs[0]["mentions"]:
        s0 = m["sentence_start"]
        assert m["sentence"][m["start"] - s0:m["end"] - s0] == m["text"], m
        assert "place_id" in m


@pytest.mark.slow
def test_popup_data_has_snippets_from_articles_jsonl_and_parquet(seed_maps):
    found = {}
    for name, html in seed_maps.items():
        places = page_data(html)["places"]
        assert places
        found[name] = {p["name"]: [s for d in p["docs"] for s in d["snippets"]] for p in places}
        assert all(found[name].values()), (name, [n for n, s in found[name].items() if not s])
    assert found["jsonl"] == found["parquet"] == found["articles"]  # the same snippets however stored


@pytest.mark.slow
@requires_browser
@pytest.mark.browser
@pytest.mark.parametrize("name, screen", [("articles", "desktop"), ("jsonl", "desktop"), ("parquet", "desktop"),
                                          ("articles", "phone")])
def test_popups_show_snippets_whatever_the_input(browser, seed_maps, name, screen):
    w, h = SIZES[screen]
    with open_map(browser, seed_maps[name], width=w, height=h) as mp:
        i = mp.js("geoMapState.P.findIndex(p => p.name === 'Deir ez-Zor')")
        assert i >= 0
        mp.page.evaluate(f"geoMapState.open({i})")
        mp.page.wait_for_selector(".leaflet-popup .geo-snippet mark")
        marks = mp.page.eval_on_selector_all(".leaflet-popup .geo-snippet mark", "els => els.map(e => e.textContent)")
        assert marks and all("Deir" in t or "Zor" in t for t in marks), marks
        box = mp.page.evaluate(BOX_JS.strip() + "; __box(document.querySelector('.leaflet-popup'))")
        assert 0 <= box["left"] and box["right"] <= w, box  # the long snippets' popup fits the screen
        assert not mp.page_errors


def test_a_headline_mention_read_back_from_results_has_the_headline_as_its_snippet(tmp_path):
    from geo.outputs.jsonl import extract_record, jsonl_line
    from geo.outputs.results import aggregate_results
    from geo.types import Document, Mention, ParsedDocument, Place, Resolution

    nairobi = Place("184745", "Nairobi", -1.28333, 36.81667, "P", "PPLC", "KE", "05", "Nairobi", 2750547, 0.8, 184745)
    title, text = "Protests spread to Nairobi", "Crowds gathered on Monday. Nairobi was calm by night."
    doc = Document("a", text, title=title, path="a.json")
    pd = ParsedDocument(doc, [
        Resolution(Mention("a", "Nairobi", 19, 26, "GPE", 0, len(title), field="title"), nairobi, 0.9, "gazetteer", ""),
        Resolution(Mention("a", "Nairobi", 27, 34, "GPE", 27, len(text)), nairobi, 0.9, "gazetteer", "")])
    rec = extract_record(pd)
    head, body = rec["mentions"]
    assert head["field"] == "title" and (head["sentence"], head["sentence_start"]) == (title, 0)
    assert (body["sentence"], body["sentence_start"]) == ("Nairobi was calm by night.", 27)
    path = tmp_path / "r.jsonl"
    path.write_text(jsonl_line(rec), encoding="utf-8")
    (entry,) = aggregate_results([str(path)])[0]
    snippets = [s.parts for s in entry.documents[0].snippets]
    assert snippets == [("Protests spread to ", "Nairobi", ""), ("", "Nairobi", " was calm by night.")]
