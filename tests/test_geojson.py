"""RFC 7946 GeoJSON export: one feature per distinct place, with mentions, documents and snippets."""
from __future__ import annotations

import json

import shapely.geometry

from geo.outputs.geojson import to_geojson, write_geojson

from map_samples import DAMASCUS, EUPHRATES, hostile_corpus, parsed, syria_corpus


def test_feature_collection_one_feature_per_place():
    fc = to_geojson(syria_corpus())
    assert fc["type"] == "FeatureCollection" and "crs" not in fc  # RFC 7946 has no crs member
    ids = [f["id"] for f in fc["features"]]
    assert len(ids) == len(set(ids)) == 6
    for f in fc["features"]:
        assert f["type"] == "Feature"
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.geom_type == "Point" and -180 <= geom.x <= 180 and -90 <= geom.y <= 90
        assert {"name", "type", "country", "mentions", "documents", "snippets"} <= set(f["properties"])


def test_properties_and_lon_lat_order():
    fc = to_geojson(syria_corpus())
    (dam,) = [f for f in fc["features"] if f["id"] == DAMASCUS.id]
    assert dam["geometry"]["coordinates"] == [36.29128, 33.5102]  # [lon, lat]
    p = dam["properties"]
    assert (p["name"], p["type"], p["country"], p["mentions"]) == ("Damascus", "city", "SY", 2)
    assert p["documents"] == ["news/raqqa.txt", "news/aid.txt"]
    assert p["titles"] == ["Battle for Raqqa", "Aid convoy reaches Aleppo"]
    assert p["snippets"] == ["Officials in Damascus said Syria would respond.", "Damascus denied blocking it."]
    art = p["articles"][0]
    assert art["url"] == "https://example.org/raqqa" and art["date"] == "2017-06-01"
    (sn,) = art["snippets"]
    a, b = sn["highlights"][0]
    assert sn["text"][a:b] == "Damascus"
    (riv,) = [f for f in fc["features"] if f["id"] == EUPHRATES.id]
    assert riv["properties"]["type"] == "physical" and riv["properties"]["feature_code"] == "STM"


def test_write_geojson_utf8_atomic_deterministic(tmp_path):
    docs = syria_corpus() + [parsed("ar", "وصلت المساعدات إلى دمشق.", [("دمشق", DAMASCUS)], title="دمشق")]
    out = tmp_path / "out" / "places.geojson"
    write_geojson(docs, out)
    first = out.read_bytes()
    write_geojson(docs, out)
    assert out.read_bytes() == first
    fc = json.loads(first.decode("utf-8"))
    assert fc == json.loads(json.dumps(to_geojson(docs)))
    assert "دمشق" in first.decode("utf-8")  # not \u-escaped
    assert [p.name for p in out.parent.iterdir()] == ["places.geojson"]


def test_hostile_text_is_plain_data():
    fc = to_geojson(hostile_corpus())
    text = json.dumps(fc, ensure_ascii=False)
    assert "<script>window.__pwned=3;alert(3)</script>Breaking" in text  # titles kept verbatim: data, not HTML
    assert "javascript:" not in text.lower().replace("<a href=javascript:alert(8)>", "")  # no javascript: URL
    urls = {a["url"] for f in fc["features"] for a in f["properties"]["articles"]}
    assert urls == {None}
    names = {f["properties"]["name"] for f in fc["features"]}
    assert names == {"Ar Raqqah", "Damascus", "Aleppo", "Iraq", "Syria", "<img src=x onerror=window.__pwned=12>"}


def test_empty_input():
    assert to_geojson([]) == {"type": "FeatureCollection", "features": []}
