"""Shapes in the real shipped gazetteer: rivers along their whole course, same-named rivers kept apart,
the EU and other supranational areas with an outline, and the API the map renderer draws from."""
from __future__ import annotations

import itertools

import pytest
from shapely.geometry import Point
from shapely.ops import nearest_points

from geo.gazetteer import haversine_km, shipped_country_shapes

# GeoNames ids of the cities each river must pass (GeoNames' own points, cities500)
RIVER_CITIES = {
    "Euphrates": {"170794": "Deir ez-Zor", "172955": "Raqqa"},
    "Tigris": {"99072": "Mosul", "98182": "Baghdad"},
    "Nile": {"379252": "Khartoum", "360630": "Cairo"},
    "Danube": {"2761369": "Vienna", "3054643": "Budapest", "792680": "Belgrade"},
    "Dnieper": {"703448": "Kyiv"},
    "Mississippi": {"4335045": "New Orleans"},
}


def km_to(geom, lat: float, lon: float) -> float:
    """Great-circle distance from a point to the nearest point of a geometry."""
    near, _ = nearest_points(geom, Point(lon, lat))
    return haversine_km(lat, lon, near.y, near.x)


def river(gazetteer, name):
    cands = [c for c in gazetteer.exact(name) if c.place.feature_code == "STM"]
    assert cands, name
    return cands[0].place


@pytest.mark.parametrize("name", list(RIVER_CITIES))
def test_rivers_are_drawn_along_their_whole_course(gazetteer, name):
    place = river(gazetteer, name)
    shape = gazetteer.shape(place.id)
    assert shape is not None and shape.kind == "river"
    assert shape.geometry.geom_type in ("LineString", "MultiLineString")
    for gid, city in RIVER_CITIES[name].items():
        c = gazetteer.get(gid)
        assert c is not None, gid
        d = km_to(shape.geometry, c.lat, c.lon)
        assert d <= 10.0, f"the {name} passes {d:.1f} km from {city}"


def test_euphrates_joins_its_turkish_and_syrian_reaches(gazetteer):
    place = river(gazetteer, "Euphrates")
    g = gazetteer.geometry(place.id)
    # Turkish upper course (Keban dam area), Syrian reach (Deir ez-Zor), Iraqi reach (Fallujah)
    for lat, lon in ((38.8, 38.8), (35.34, 40.14), (33.35, 43.78)):
        assert km_to(g, lat, lon) < 25, (lat, lon)
    # the reach names are names of the river, and no separate "Al Furat" river is left over
    for alt in ("Firat", "Al Furat"):
        assert any(c.place.id == place.id for c in gazetteer.exact(alt))
        assert all(c.place.id == place.id for c in gazetteer.exact(alt) if c.place.feature_code == "STM")


def test_white_nile_is_part_of_the_nile_and_still_its_own_river(gazetteer):
    nile, white = river(gazetteer, "Nile"), river(gazetteer, "White Nile")
    assert nile.id != white.id
    assert km_to(gazetteer.geometry(nile.id), 9.5, 30.5) < 40  # the Sudd, South Sudan
    assert not any(c.place.id == nile.id for c in gazetteer.exact("White Nile"))
    assert 15 < nile.lat < 31  # its point stays on the Nile proper (Sudan/Egypt)


@pytest.mark.parametrize("name", ["Salado", "Grand", "Wairoa"])
def test_same_named_rivers_far_apart_are_distinct_places(gazetteer, name):
    rivers = [c.place for c in gazetteer.exact(name) if c.place.feature_code == "STM"]
    assert len(rivers) >= 2, name
    assert len({p.id for p in rivers}) == len(rivers)
    far = max(haversine_km(a.lat, a.lon, b.lat, b.lon) for a, b in itertools.combinations(rivers, 2))
    assert far > 300, (name, [(p.id, p.lat, p.lon) for p in rivers])
    a, b = rivers[0], rivers[1]
    ga, gb = gazetteer.geometry(a.id), gazetteer.geometry(b.id)
    assert ga is not None and gb is not None and ga.distance(gb) > 0.5  # separate lines, not one merged shape


@pytest.mark.parametrize("name", ["EU", "European Union", "the E.U.", "E.U."])
def test_the_eu_is_a_place_with_an_outline(gazetteer, name):
    top = gazetteer.lookup(name, limit=3)[0].place
    assert top.id == "6695072" and top.geonameid == 6695072, (name, top)
    assert (top.feature_class, top.feature_code) == ("L", "ZN")
    assert top.importance >= 0.8
    shape = gazetteer.shape(top.id)
    assert shape is not None and shape.kind == "area"
    assert shape.geometry.geom_type in ("Polygon", "MultiPolygon")


def test_eu_outline_is_its_member_states(gazetteer):
    g = gazetteer.geometry("6695072")
    inside = {"Paris": (48.85, 2.35), "Warsaw": (52.23, 21.01), "Lisbon": (38.72, -9.14), "Helsinki": (60.17, 24.94),
              "Nicosia": (35.17, 33.36)}
    outside = {"London": (51.51, -0.13), "Oslo": (59.91, 10.75), "Bern": (46.95, 7.45), "Kyiv": (50.45, 30.52),
               "Ankara": (39.93, 32.86)}
    for city, (lat, lon) in inside.items():
        assert g.intersects(Point(lon, lat)), city
    for city, (lat, lon) in outside.items():
        assert not g.intersects(Point(lon, lat)), city


def test_schengen_and_eurozone(gazetteer):
    schengen = gazetteer.lookup("Schengen Area")[0].place
    euro = gazetteer.lookup("eurozone")[0].place
    assert schengen.id == "12503661" and euro.id == "12718413"
    oslo, warsaw, dublin = Point(10.75, 59.91), Point(21.01, 52.23), Point(-6.26, 53.35)
    sg, eg = gazetteer.geometry(schengen.id), gazetteer.geometry(euro.id)
    assert sg.intersects(oslo) and sg.intersects(warsaw) and not sg.intersects(dublin)
    assert eg.intersects(dublin) and not eg.intersects(warsaw) and not eg.intersects(oslo)


def test_the_town_of_eu_is_still_there(gazetteer):
    # Eu (Seine-Maritime) keeps its entry; the EU ranks first for the bare name
    cands = gazetteer.exact("Eu")
    assert cands[0].place.id == "6695072"
    assert any(c.place.feature_class == "P" and c.place.country_code == "FR" for c in cands)


def test_shape_api(gazetteer):
    syria = gazetteer.shape("163843")
    assert syria.place.name == "Syria" and syria.kind == "area"
    assert syria.geometry.equals(gazetteer.geometry("163843"))  # geometry() keeps working
    assert gazetteer.shape("170794") is None  # a city: a point, no shape
    assert gazetteer.shape("no such id") is None
    africa = gazetteer.shape("6255146")
    assert africa is not None and africa.kind is None  # too large to outline: the renderer skips it
    med = gazetteer.lookup("Mediterranean Sea")[0].place
    got = gazetteer.shapes(["163843", "170794", med.id, "163843"])
    assert list(got) == ["163843", med.id]
    assert got[med.id].kind == "water"
    alps = [c.place for c in gazetteer.exact("Alps") if c.place.has_geometry][0]
    assert gazetteer.shape(alps.id).kind == "mountain"


def test_country_shapes_from_store_and_from_shipped_files_agree(gazetteer):
    shapes = gazetteer.country_shapes()
    assert len(shapes) >= 190
    assert all(s.geometry.geom_type in ("Polygon", "MultiPolygon") and s.kind == "area" for s in shapes)
    assert {"SY", "US", "FR", "UA", "PS"} <= {s.place.country_code for s in shapes}
    assert {s.place.feature_code for s in shapes} <= {"PCLI", "PCLD", "PCLS", "PCLF", "PCL", "PCLIX", "TERR"}
    shipped = shipped_country_shapes()
    assert [s.place.id for s in shipped] == [s.place.id for s in shapes]
    by_id = {s.place.id: s for s in shipped}
    assert by_id["163843"].geometry.equals(gazetteer.geometry("163843"))
