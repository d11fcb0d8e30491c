"""Shapes on the map by feature kind (issue 13, map side): a style and a legend row per kind, no
outlines for continents and oceans, and long features' markers next to the story."""
from __future__ import annotations

import pytest

from geo.gazetteer import haversine_km
from geo.outputs.map import map_data

from map_samples import gazetteer_for_tests, parsed


@pytest.fixture(scope="module")
def gz():
    return gazetteer_for_tests()


def _place(gz, name):
    return gz.lookup(name, limit=1)[0].place


def test_long_feature_marker_sits_near_the_story(gz):
    dnieper, kherson = _place(gz, "Dnieper"), _place(gz, "Kherson")
    miss, orleans = _place(gz, "Mississippi River"), _place(gz, "New Orleans")
    docs = [parsed("ua", "Shelling hit Kherson on the Dnieper overnight.", [("Kherson", kherson), ("Dnieper", dnieper)]),
            parsed("us", "Barges left New Orleans on the Mississippi.", [("New Orleans", orleans), ("Mississippi", miss)])]
    data = map_data(docs, gz, basemap=False)
    by = {p["name"]: p for p in data["places"]}
    # the gazetteer points lie in Belarus and Minnesota, ~690 and ~1,580 km from the stories
    assert haversine_km(dnieper.lat, dnieper.lon, kherson.lat, kherson.lon) > 500
    assert haversine_km(miss.lat, miss.lon, orleans.lat, orleans.lon) > 1000
    d, m = by["Dnieper"], by["Mississippi"]
    assert haversine_km(d["lat"], d["lon"], kherson.lat, kherson.lon) < 30
    assert haversine_km(m["lat"], m["lon"], orleans.lat, orleans.lon) < 30
    # the marker is on the river's own line
    import shapely
    assert gz.geometry(dnieper.id).distance(shapely.Point(d["lon"], d["lat"])) < 0.01


def test_a_style_per_kind_and_no_outline_for_continents_and_oceans(gz):
    names = {"Alps": "mountain", "Mediterranean Sea": "water", "Crete": "area", "Dnieper": "river",
             "Europe": None, "Atlantic Ocean": None}
    places = {n: _place(gz, n) for n in names}
    text = " ".join(f"News from the {n}." for n in names)
    data = map_data([parsed("d", text, [(n, p) for n, p in places.items()])], gz, basemap=False)
    drawn = {data["places"][s["place"]]["name"]: s["kind"] for s in data["shapes"]}
    assert drawn == {places[n].name: k for n, k in names.items() if k is not None}
    assert {p["name"] for p in data["places"]} >= {places["Europe"].name, places["Atlantic Ocean"].name}  # markers stay
    kinds = {k["key"]: k for k in data["kinds"]}
    assert set(kinds) == {"river", "water", "mountain", "area"}
    assert kinds["river"]["text"].startswith("River") and kinds["mountain"]["text"].startswith("Mountains")
    assert kinds["water"]["text"].startswith("Sea / lake")
    # each kind looks different: mountains are not drawn in the rivers' blue; a sea is the palette's
    # water blue with a fill, a river the same blue as a line
    colours = {k: (v["style"]["color"], v["style"].get("fillColor")) for k, v in kinds.items() if "style" in v}
    assert len(set(colours.values())) == len(colours)
    assert colours["mountain"][0] != colours["river"][0] and colours["river"][1] is None
