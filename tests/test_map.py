"""Map composition without a browser: aggregation, data, escaping, assets, determinism."""
from __future__ import annotations

import json
import re

import folium
import pytest

from geo.outputs.aggregate import aggregate, feature_type
from geo.outputs.map import build_map, map_data, render_html, save_map, simplify_geometry
from geo.types import Place

from map_samples import (ALEPPO, DAMASCUS, EUPHRATES, IRAQ, RAQQA, SYRIA, gazetteer_for_tests, hostile_corpus,
                         parsed, syria_corpus)


@pytest.fixture(scope="module")
def gz():
    return gazetteer_for_tests()


def _place(code: str, cls: str) -> Place:
    return Place("x", "X", 0, 0, cls, code)


@pytest.mark.parametrize("cls,code,expected", [
    ("P", "PPL", "city"), ("P", "PPLC", "city"), ("A", "ADM1", "province"), ("A", "ADM2", "province"),
    ("A", "ADMD", "province"), ("A", "PCLI", "country"), ("A", "PCLD", "country"), ("H", "STM", "physical"),
    ("H", "SEA", "physical"), ("H", "LK", "physical"), ("L", "RGN", "physical"), ("L", "CONT", "physical"),
    ("T", "MTS", "physical"), ("T", "ISL", "physical"), ("S", "AIRP", "other"),
])
def test_feature_type(cls, code, expected):
    assert feature_type(_place(code, cls)) == expected


def test_aggregate_groups_places_across_documents():
    entries = aggregate(syria_corpus())
    by_id = {e.place.id: e for e in entries}
    assert set(by_id) == {RAQQA.id, DAMASCUS.id, SYRIA.id, EUPHRATES.id, ALEPPO.id, IRAQ.id}  # unresolved dropped
    raqqa, damascus = by_id[RAQQA.id], by_id[DAMASCUS.id]
    assert raqqa.mentions == 2 and len(raqqa.documents) == 1
    # both Raqqa mentions are in different sentences: two snippets, each highlighting the name
    assert [s.parts[1] for s in raqqa.documents[0].snippets] == ["Raqqa", "Raqqa"]
    assert raqqa.documents[0].snippets[0].text == "Fighting continued near Raqqa on Monday, residents said."
    assert damascus.mentions == 2 and [d.document.id for d in damascus.documents] == ["news/raqqa.txt", "news/aid.txt"]
    assert entries[0].mentions >= entries[-1].mentions  # most mentioned first
    for e in entries:
        for dm in e.documents:
            for s in dm.snippets:
                for a, b in s.spans:
                    assert s.text[a:b] in e.names


def test_snippet_merges_mentions_in_one_sentence_and_clips_long_ones():
    long_tail = " and".join([" then more words"] * 80)
    pd = parsed("d", "Syria and Iraq met in Damascus" + long_tail + ".",
                [("Syria", SYRIA), ("Iraq", IRAQ), ("Damascus", DAMASCUS)])
    (e,) = [e for e in aggregate([pd], max_snippet_chars=120) if e.place.id == SYRIA.id]
    (sn,) = e.documents[0].snippets
    assert sn.parts[:2] == ("", "Syria")
    assert len(sn.text) <= 125 and sn.text.endswith("…")
    pd2 = parsed("d2", "In Damascus, Damascus officials spoke.", [("Damascus", DAMASCUS)])
    (e2,) = aggregate([pd2])
    (sn2,) = e2.documents[0].snippets
    assert e2.mentions == 2 and sn2.parts == ("In ", "Damascus", ", ", "Damascus", " officials spoke.")


def test_snippet_without_sentence_bounds_uses_a_window():
    from geo.types import Document, Mention, ParsedDocument, Resolution
    text = "word " * 100 + "Aleppo" + " word" * 100
    start = text.index("Aleppo")
    pd = ParsedDocument(Document("d", text), (Resolution(Mention("d", "Aleppo", start, start + 6, "GPE"), ALEPPO),))
    (e,) = aggregate([pd], window=40)
    (sn,) = e.documents[0].snippets
    assert sn.parts[1] == "Aleppo" and 60 < len(sn.text) < 100


def test_build_map_is_a_folium_map_with_inline_assets_and_no_network_links():
    m = build_map(syria_corpus(), title="Syria")
    assert isinstance(m, folium.Map)
    html = render_html(m)
    assert "Leaflet 1.9.3" in html and "markerClusterGroup" in html and "L.Control.Search" in html
    assert not re.search(r"<script[^>]+src=", html), "scripts must be inlined"
    assert not re.search(r"<link[^>]+href=", html), "stylesheets must be inlined"
    assert "fontawesome" not in html.lower() and "bootstrap" not in html.lower()
    # the only http(s) URLs that will be fetched are tile templates
    assert "tile.openstreetmap.org" in html
    assert "<title>Syria</title>" in html
    # Jupyter: folium's own notebook representation works
    assert "iframe" in m._repr_html_()


def test_cdn_assets_are_opt_in():
    html = render_html(build_map(syria_corpus(), assets="cdn"))
    assert re.search(r'<script src="https://cdn\.jsdelivr\.net/npm/leaflet@1\.9\.3/dist/leaflet\.js">', html)
    assert "Leaflet 1.9.3, a JS library" not in html


def test_no_tiles_means_no_tile_requests():
    html = render_html(build_map(syria_corpus(), tiles=None))
    assert "L.tileLayer" not in html.split("geoMap = function")[-1]
    assert "openstreetmap.org/{z}" not in html and "{z}/{x}/{y}" not in html


def test_same_input_same_bytes(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    save_map(build_map(syria_corpus(), title="T"), a)
    m = build_map(syria_corpus(), title="T")
    m._repr_html_()
    save_map(m, b)
    save_map(m, tmp_path / "c.html")
    assert a.read_bytes() == b.read_bytes() == (tmp_path / "c.html").read_bytes()
    assert not list(tmp_path.glob(".*.tmp")), "atomic write leaves no temporary file"


def test_map_data_content():
    data = map_data(syria_corpus())
    places = {p["name"]: p for p in data["places"]}
    assert set(places) == {"Ar Raqqah", "Damascus", "Syria", "Euphrates", "Aleppo", "Iraq"}
    types = [t["key"] for t in data["types"]]
    assert types == ["country", "city", "physical"]
    dam = places["Damascus"]
    assert (dam["lat"], dam["lon"], types[dam["type"]], dam["mentions"]) == (33.5102, 36.29128, "city", 2)
    assert "mentions" not in places["Aleppo"]  # 1, the default, is left out
    assert dam["mentions"] > places["Aleppo"].get("mentions", 1)
    assert places["Ar Raqqah"]["aka"] == ["Raqqa"] and "aka" not in dam  # names used in the texts
    assert dam["score"] == 0.9 and "alts" not in dam
    docs = data["docs"]
    assert docs[0] == {"title": "Battle for Raqqa", "file": "news/raqqa.txt", "date": "2017-06-01",
                       "url": "https://example.org/raqqa", "label": "Article: Battle for Raqqa",
                       "day": 1496275200000, "source": 0}
    assert data["dated"] is True and data["sources"] == ["example.org", "news"]  # URL host, else folder
    assert data["docLayers"] is True
    (s, w), (n, e) = data["bounds"]
    assert s <= 33.4692 and n >= 36.20124 and w <= 36.29128 and e >= 44.0


def test_document_layers_only_for_few_documents():
    many = [parsed(f"d{i}", "Rain in Aleppo.", [("Aleppo", ALEPPO)]) for i in range(12)]
    assert map_data(many)["docLayers"] is False
    assert map_data(many[:3])["docLayers"] is True
    (place,) = map_data(many, max_popup_documents=5)["places"]
    assert place["mentions"] == 12 and len(place["docs"]) == 5 and place["moreDocs"] == 7  # 7 more articles


def test_geometry_is_drawn_simplified(gz):
    data = map_data(syria_corpus(), gz)
    shapes = {data["places"][s["place"]]["name"]: s["geometry"] for s in data["shapes"]}
    assert shapes["Euphrates"]["type"] in ("LineString", "MultiLineString")
    assert shapes["Syria"]["type"] in ("Polygon", "MultiPolygon")
    assert "Damascus" not in shapes  # cities have no geometry
    raw = gz.geometry(SYRIA.id)
    assert len(json.dumps(shapes["Syria"])) < len(json.dumps(__import__("shapely").geometry.mapping(raw)))
    # river extends the fitted view beyond its marker
    (s, w), (n, e) = data["bounds"]
    river = gz.geometry(EUPHRATES.id)
    assert n >= river.bounds[3] - 0.01 and w <= river.bounds[0] + 0.01


def test_simplify_geometry_keeps_shape_type():
    from shapely.geometry import LineString
    line = LineString([(x / 100, (x % 7) / 1000) for x in range(1000)])
    s = simplify_geometry(line)
    assert s.geom_type == "LineString" and len(s.coords) < 100


def test_hostile_text_stays_data():
    html = render_html(build_map(hostile_corpus(), title="<script>alert('t')</script>"))
    for needle in ("<script>window", "<img src=x", "</script><script>", "<svg onload", "<b onmouseover", "<script>alert"):
        assert needle not in html
    # 4 libraries (Leaflet, markercluster, heat, search), ours, folium switches, data, basemap, main
    assert html.count("<script") == html.count("</script>") == 9
    assert '<script type="application/json" id="geo_data_geo_0_' in html
    assert "<title>&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;</title>" in html
    data = map_data(hostile_corpus())
    assert [d.get("url") for d in data["docs"]] == [None, None]  # javascript: links dropped
    assert "day" not in data["docs"][0]  # a hostile date is no date
    assert data["docs"][1]["label"] == "Article: &lt;img src=x onerror=window.__pwned=9&gt;"  # HTML-escaped layer label


def test_offline_basemap_of_country_shapes_is_small():
    fc = map_data(syria_corpus())["basemap"]
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) > 200
    assert len(json.dumps(fc, separators=(",", ":"))) < 450_000
    import shapely.geometry
    world = [shapely.geometry.shape(f["geometry"]) for f in fc["features"]]
    assert any(g.contains(shapely.geometry.Point(36.29, 33.51)) for g in world)  # Damascus is on land
    assert not any(g.contains(shapely.geometry.Point(-30.0, 30.0)) for g in world)  # mid-Atlantic is sea
    assert map_data(syria_corpus(), basemap=False)["basemap"] is None


def test_document_layer_labels_are_distinct_and_bad_coordinates_skipped():
    from dataclasses import replace
    docs = [parsed(f"d{i}", "Rain in Aleppo.", [("Aleppo", ALEPPO)], title="Daily report") for i in range(3)]
    bad = replace(ALEPPO, id="nan", lat=float("nan"))
    docs.append(parsed("d9", "Rain in Aleppo.", [("Aleppo", bad)], title="Other"))
    data = map_data(docs)
    assert [d["label"] for d in data["docs"]] == ["Article: " + t for t in ("Daily report", "Daily report (2)", "Daily report (3)", "Other")]
    assert [p["name"] for p in data["places"]] == ["Aleppo"]
    json.dumps(data, allow_nan=False)


@pytest.mark.parametrize("url,kept", [
    ("https://example.org/a?b=1#c", True), ("http://example.org", True), ("javascript:alert(1)", False),
    (" JaVaScRiPt:alert(1)", False), ("java\nscript:alert(1)", False), ("data:text/html,<script>1</script>", False),
    ("vbscript:x", False), ("//example.org/a", False), ("/local/file.html", False), ("https://exa mple.org", False),
    ("https:alert(1)", False), (None, False), ("", False),
])
def test_safe_url(url, kept):
    from geo.outputs.aggregate import safe_url
    assert (safe_url(url) is not None) is kept


def test_unknown_tiles_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown tile set 'nonsense'"):
        build_map(syria_corpus(), tiles="nonsense")


def test_custom_tile_url_template_gets_an_attribution():
    html = render_html(build_map(syria_corpus(), tiles="https://tiles.example.org/{z}/{x}/{y}.png"))
    assert '"https://tiles.example.org/{z}/{x}/{y}.png"' in html and "Tiles: tiles.example.org" in html


@pytest.mark.slow
def test_same_bytes_across_processes(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    code = ("import sys; sys.path.insert(0, 'tests'); from map_samples import syria_corpus, gazetteer_for_tests; "
            "from geo.outputs.map import build_map, save_map; "
            "save_map(build_map(syria_corpus(), gazetteer_for_tests(), title='T'), sys.argv[1])")
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"{seed}.html"
        subprocess.run([sys.executable, "-c", code, str(out)], cwd=repo, check=True, timeout=300,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_search_labels_tell_same_named_places_apart():
    from geo.types import Place as P
    md = P("4352728", "Damascus", 39.28844, -77.20387, "P", "PPL", "US", "MD", "Maryland", 15257)
    docs = [parsed("a", "Rain in Damascus.", [("Damascus", DAMASCUS)]),
            parsed("b", "Snow in Damascus.", [("Damascus", md)]), parsed("c", "Sun in Aleppo.", [("Aleppo", ALEPPO)])]
    labels = {p.get("label") or p["name"] for p in map_data(docs)["places"]}
    assert labels == {"Damascus (SY)", "Damascus (Maryland, US)", "Aleppo"}


def test_duplicate_resolutions_of_one_span_count_once():
    from geo.types import ParsedDocument
    pd = parsed("d", "Rain in Aleppo.", [("Aleppo", ALEPPO)])
    twice = ParsedDocument(pd.document, pd.resolutions * 2)
    (e,) = aggregate([twice])
    assert e.mentions == 1 and len(e.documents[0].snippets) == 1


def test_basemap_can_be_drawn_from_the_shipped_files_without_a_store():
    from geo.gazetteer.shipped import data_dir
    from geo.outputs.map.basemap import basemap_from_shapes, country_shapes_from_files
    fc = basemap_from_shapes(country_shapes_from_files(data_dir()))
    assert len(fc["features"]) > 200
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in fc["features"])


def test_shapes_stay_within_the_vertex_budget(gz):
    import string

    import shapely.geometry
    countries = [p for a in string.ascii_uppercase for b in string.ascii_uppercase
                 if (p := gz.country(a + b)) is not None and p.has_geometry]
    assert len(countries) > 200
    text = " ".join(f"News from {p.name}." for p in countries) + " Syria again. Syria again."
    doc = parsed("world", text, [(p.name, p) for p in countries])
    data = map_data([doc], gz)  # (its speed is bench/bench_map.py's business, not a timed test's)
    coords = sum(shapely.get_num_coordinates(shapely.geometry.shape(s["geometry"])) for s in data["shapes"])
    assert coords <= 40_000
    assert len(data["shapes"]) >= 0.9 * len(countries)  # coarser, but (nearly) all still drawn
    small = map_data([doc], gz, shape_budget=5_000)
    assert sum(shapely.get_num_coordinates(shapely.geometry.shape(s["geometry"])) for s in small["shapes"]) <= 5_000
    kept = [small["places"][s["place"]]["name"] for s in small["shapes"]]
    assert "Syria" in kept and len(kept) < len(data["shapes"])  # most mentioned first, the rest left out


def test_elements_added_by_hand_survive_and_renders_do_not_pile_up(tmp_path):
    m = build_map(syria_corpus(), title="T")
    m.get_root().header.add_child(folium.Element("<style>.my-report{color:red}</style>"))
    folium.Marker([10, 10], tooltip="added by hand").add_to(m)
    m._repr_html_()
    first = render_html(m)
    m.save(str(tmp_path / "folium_save.html"))
    second = render_html(m)
    assert first == second
    assert first.count(".my-report{color:red}") == 1
    assert first.count("addTo(map_geo_0)") == second.count("addTo(map_geo_0)")
    assert "added by hand" in first
