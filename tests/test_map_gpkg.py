"""The GeoPackage export: readable by GDAL (pyogrio) with its columns, and styled for QGIS."""
from __future__ import annotations

import sqlite3

import pytest

from map_samples import hostile_corpus, syria_corpus

pyogrio = pytest.importorskip("pyogrio")


def test_geopackage_has_the_places_and_a_default_qgis_style(tmp_path):
    from geo.outputs.gpkg import write_gpkg
    path = tmp_path / "out" / "places.gpkg"
    assert write_gpkg(syria_corpus(), path) == 6
    info = pyogrio.read_info(path, layer="places")
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "Point" and info["features"] == 6
    meta, _, geom, fields = pyogrio.raw.read(path, layer="places")
    rows = {fields[0][i]: {c: fields[k][i] for k, c in enumerate(meta["fields"])} for i in range(len(fields[0]))}
    dam = rows["Damascus"]
    assert (dam["type"], dam["country"], dam["mentions"], dam["articles"]) == ("city", "SY", 2, 2)
    assert dam["titles"] == "Battle for Raqqa | Aid convoy reaches Aleppo" and "Damascus" in dam["snippet"]
    import shapely
    pt = shapely.from_wkb(geom[list(fields[0]).index("Damascus")])
    assert (round(pt.x, 4), round(pt.y, 4)) == (36.2913, 33.5102)
    con = sqlite3.connect(path)
    (name, qml, default), = con.execute("SELECT f_table_name, styleQML, useAsDefault FROM layer_styles").fetchall()
    assert name == "places" and default == 1
    assert 'attr="type"' in qml and 'value="city"' in qml and "mentions" in qml
    assert not list(tmp_path.glob("out/.*"))  # written atomically


def test_geopackage_keeps_hostile_text_as_data(tmp_path):
    from geo.outputs.gpkg import write_gpkg
    path = tmp_path / "h.gpkg"
    write_gpkg(hostile_corpus(), path)
    _, _, _, fields = pyogrio.raw.read(path, layer="places")
    assert "<img src=x onerror=window.__pwned=12>" in list(fields[0])
