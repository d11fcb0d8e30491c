"""Short texts: one-sentence news items and headlines (tests/data/short_texts.jsonl, written for geo).

Every expected place must be found with exactly its span and placed within 161 km of the expected
point (for rivers, seas and regions: of the place's drawn shape); names that are people or
organisations must not come out as places. All texts go through the real pipeline (real spaCy model,
real gazetteer) in one batch. Also: "Washington, D.C." as one span, streets/squares/neighbourhoods
with labels of their own (placed through a geocoder on 127.0.0.1), the EU as a place.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from geo.geocoders.config import Config
from geo.geocoders import make_geocoder
from geo.pipeline import Pipeline
from geo.types import Document

from nominatim_server import NominatimServer  # tests/ is on sys.path (rootdir conftest)

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("short_texts_bench", ROOT / "bench" / "short_texts.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench  # (dataclasses look their module up)
_spec.loader.exec_module(bench)

ITEMS = bench.load(ROOT / "tests" / "data" / "short_texts.jsonl")


@pytest.fixture(scope="module")
def pipe(gazetteer):
    return Pipeline(gazetteer=gazetteer, progress=False)


@pytest.fixture(scope="module")
def outcomes(pipe):
    return {o.item["text"]: o for o in bench.run(ITEMS, pipe)}


def test_the_set_is_large_and_covers_every_continent():
    pos = [d for d in ITEMS if d.get("kind") != "negative"]
    assert len(pos) >= 200 and len(ITEMS) - len(pos) >= 10
    assert {d["continent"] for d in pos} == {"Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania",
                                            "South America"}
    assert {"capital", "city", "conflict", "admin", "country", "river", "sea", "region"} <= {d["kind"] for d in pos}
    assert sum(d["text"].istitle() or bench_title_case(d["text"]) for d in pos) >= 40  # headlines in Title Case


def bench_title_case(text: str) -> bool:
    words = [w for w in text.split() if w.lower() not in {"a", "an", "the", "of", "in", "on", "for", "to", "and",
                                                           "by", "as", "at", "over", "after"}]
    return len(words) >= 3 and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def _positive(d: dict):
    marks = [pytest.mark.xfail(reason=d["xfail"], strict=False)] if d.get("xfail") else []
    return pytest.param(d, marks=marks, id=d["text"][:60])


@pytest.mark.parametrize("item", [_positive(d) for d in ITEMS if d.get("kind") != "negative"])
def test_the_place_is_found_and_placed(outcomes, item):
    o = outcomes[item["text"]]
    assert o.found, f"{item['place']!r} not found in {item['text']!r}"
    assert o.placed_ok, f"{item['place']!r} placed at {o.placed}, {o.error_km} km from the expected point"
    if item.get("cc"):
        assert o.cc_ok, f"{item['place']!r} placed at {o.placed}, not in {item['cc']}"
    assert not o.spurious, f"spurious mentions {o.spurious} in {item['text']!r}"


@pytest.mark.parametrize("item", [d for d in ITEMS if d.get("kind") == "negative"], ids=lambda d: d["text"][:60])
def test_people_and_organisations_are_not_places(outcomes, item):
    assert not outcomes[item["text"]].spurious


def test_figures_on_the_whole_set(outcomes):
    s = bench.scores(list(outcomes.values()))
    assert s["recognition"]["f1"] >= 0.95 and s["acc161"] >= 0.95, s


# -- "Washington, D.C." -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,span", [
    ("The senator flew to Washington, D.C. on Monday.", "Washington, D.C."),
    ("Tourists flooded Washington D.C. this spring.", "Washington D.C."),
    ("Rents rose fastest in Washington DC.", "Washington DC"),
    ("Rents rose fastest in Washington, DC, last year.", "Washington, DC"),
])
def test_washington_dc_is_one_span_and_the_capital(pipe, text, span):
    pd = pipe.parse_one(Document("t", text))
    (r,) = [r for r in pd.resolutions if r.mention.label != "DEMONYM"]
    assert r.mention.text == span
    assert r.place.feature_code == "PPLC" and r.place.country_code == "US"


def test_washington_state_stays_apart_from_dc(pipe):
    pd = pipe.parse_one(Document("t", "Wildfires spread in Washington state as Washington, D.C. sweltered."))
    spans = [r.mention.text for r in pd.resolutions]
    assert "Washington, D.C." in spans


# -- streets, squares and neighbourhoods ------------------------------------------------------------------------

def test_streets_and_squares_are_mentions_with_a_label_of_their_own(pipe):
    pd = pipe.parse_one(Document("t", "Crowds gathered in Tahrir Square in Cairo, and police closed Regent Street "
                                      "in London and the Champs-Elysees in Paris."))
    by = {r.mention.text: r for r in pd.resolutions}
    assert by["Tahrir Square"].mention.label == "STREET"
    assert by["Regent Street"].mention.label == "STREET"
    assert by["Cairo"].place.country_code == "EG" and by["Cairo"].mention.label != "STREET"
    # offline, a street the gazetteer lacks is put at the town the text names it in (never at some
    # village of that name), and its precision says so
    assert by["Tahrir Square"].place.id == by["Cairo"].place.id
    assert by["Tahrir Square"].precision == "town"
    assert by["Regent Street"].place.id == by["London"].place.id and by["Regent Street"].precision == "town"
    assert by["Cairo"].precision == "exact"
    assert by["Tahrir Square"].score < by["Cairo"].score


def test_a_neighbourhood_named_as_such_gets_its_label(pipe):
    pd = pipe.parse_one(Document("t", "Gaza City's Rimal neighbourhood was hit overnight."))
    by = {r.mention.text: r for r in pd.resolutions}
    assert by["Gaza City"].place.country_code == "PS"
    assert by["Rimal"].mention.label == "NEIGHBOURHOOD"


def test_known_neighbourhoods_are_placed_from_the_gazetteer(pipe):
    pd = pipe.parse_one(Document("t", "Rents in Brooklyn rose again."))
    (r,) = pd.resolutions
    assert r.mention.text == "Brooklyn" and r.place.country_code == "US"
    assert abs(r.place.lat - 40.65) < 0.2 and abs(r.place.lon + 73.95) < 0.2


def test_streets_are_placed_by_the_geocoder_near_the_story(gazetteer, tmp_path, monkeypatch):
    import nominatim_server

    rec = dict(nominatim_server.PLACES["paris"])
    monkeypatch.setitem(nominatim_server.PLACES, "tahrir square", dict(
        rec, place_id=2001, osm_type="way", lat="30.0444", lon="31.2357", **{"class": "highway"}, type="pedestrian",
        addresstype="road", name="Tahrir Square", display_name="Tahrir Square, Cairo, Egypt",
        address={"road": "Tahrir Square", "city": "Cairo", "country": "Egypt", "country_code": "eg"}))
    monkeypatch.setitem(nominatim_server.PLACES, "regent street", dict(
        rec, place_id=2002, osm_type="way", lat="51.5117", lon="-0.1392", **{"class": "highway"}, type="primary",
        addresstype="road", name="Regent Street", display_name="Regent Street, London, United Kingdom",
        address={"road": "Regent Street", "city": "London", "country": "United Kingdom", "country_code": "gb"}))
    with NominatimServer() as srv:
        geocoder = make_geocoder(url=srv.url, cache_dir=tmp_path / "cache", config=Config(), backoff=0.05)
        p = Pipeline(gazetteer=gazetteer, geocoder=geocoder, progress=False)
        pd = p.parse_one(Document("t", "Crowds gathered in Tahrir Square in Cairo on Friday."))
        far = p.parse_one(Document("u", "Police closed Regent Street in Paris."))  # the one Regent Street known is in London
        geocoder.close()
    by = {r.mention.text: r for r in pd.resolutions}
    sq = by["Tahrir Square"]
    assert sq.mention.label == "STREET" and sq.source == "geocoder"
    assert abs(sq.place.lat - 30.044) < 0.01 and sq.place.feature_class == "R"
    (st,) = [r for r in far.resolutions if r.mention.text == "Regent Street"]
    # a street is placed only close to the places the text names: never at the London one; it is put at
    # the town the text names it in, and its precision says so
    assert st.place is not None and st.place.name == "Paris" and st.precision == "town"
    assert sq.precision == "exact"


# -- the EU --------------------------------------------------------------------------------------------------

def _knows_eu(gazetteer) -> bool:
    return any(c.place.name == "European Union" for c in gazetteer.exact("European Union"))


@pytest.mark.parametrize("text,span", [
    ("EU leaders met to discuss the budget.", "EU"),
    ("The European Union imposed new sanctions.", "European Union"),
    ("Ministers from the EU and Canada signed the deal.", "EU"),
])
def test_the_eu_is_a_place_mention(pipe, gazetteer, text, span):
    if not _knows_eu(gazetteer):
        pytest.skip("this gazetteer has no European Union (the outline comes with the shapes data)")
    pd = pipe.parse_one(Document("t", text))
    by = {r.mention.text: r for r in pd.resolutions}
    assert span in by and by[span].place is not None and by[span].place.name == "European Union"
