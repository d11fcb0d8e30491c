"""The real gazetteer store: coverage of names the news uses, priors, ids, geometry and spatial helpers."""
from __future__ import annotations

import math

import pytest

def _expect(codes: set[str], names: dict[str, str | None]) -> dict[str, tuple[set[str], str | None]]:
    return {name: (codes, cc) for name, cc in names.items()}


# name -> (expected feature codes of the top candidate, expected country code or None)
TOP = {
    **_expect({"PPLA", "PPL"}, {"Deir ez-Zor": "SY", "Aleppo": "SY", "Raqqa": "SY", "Mosul": "IQ", "Donetsk": "UA",
                                "Kherson": "UA"}),
    **_expect({"ADM1"}, {"Deir ez-Zor Governorate": "SY", "Kurdistan Region": "IQ", "Gaza Strip": "PS", "Ohio": "US",
                         "Alberta": "CA", "Queensland": "AU"}),
    **_expect({"STM"}, {"Euphrates": None, "Tigris": None}),
    "Mediterranean Sea": ({"SEA"}, None),
    "Persian Gulf": ({"GULF"}, None),
    "Strait of Hormuz": ({"STRT"}, None),
    "Sahel": ({"RGN", "PLN"}, None),
    **_expect({"RGN"}, {"Middle East": None, "Donbas": "UA"}),
    "Balkans": ({"RGN", "PEN"}, None),
    "Crimea": ({"ADM1", "PEN"}, "UA"),
    "Golan Heights": ({"PLAT"}, "SY"),
    **_expect({"PPLC"}, {"Moscow": "RU", "Tirana": "AL", "Oslo": "NO"}),
    **_expect({"PCLI"}, {"Syria": "SY", "Russia": "RU", "United States": "US", "U.S.": "US", "USA": "US", "UK": "GB",
                         "UAE": "AE", "DRC": "CD"}),
    **_expect({"CONT"}, {"Africa": None, "Europe": None}),
}

# Known GeoNames ids / our ids for some of them (GeoNames' own points for countries, admin1 and cities).
IDS = {"Deir ez-Zor": "170794", "Deir ez-Zor Governorate": "170792", "Moscow": "524901", "Syria": "163843",
       "Russia": "2017370", "United States": "6252001", "Ohio": "5165418", "Aleppo": "170063",
       "Middle East": "6269133", "Mediterranean Sea": "363196", "Persian Gulf": "235616", "Europe": "6255148"}


@pytest.mark.parametrize("name", list(TOP))
def test_top_candidate_is_the_right_place(gazetteer, name):
    codes, cc = TOP[name]
    cands = gazetteer.lookup(name, limit=5)
    assert cands, name
    top = cands[0].place
    assert top.feature_code in codes, (name, [(c.place.name, c.place.feature_code, c.place.country_code) for c in cands])
    if cc:
        assert top.country_code == cc, (name, top)
    if name in IDS:
        assert top.id == IDS[name]


@pytest.mark.parametrize("pid, lat, lon", [
    ("2017370", 60.0, 100.0),          # Russia (GeoNames PCLI point)
    ("6252001", 39.76, -98.5),         # United States
    ("163843", 35.0, 38.0),            # Syria
    ("5165418", 40.25034, -83.00018),  # Ohio
    ("170792", 35.16667, 40.28333),    # Deir ez-Zor Governorate
    ("170794", 35.33588, 40.14084),    # Deir ez-Zor city (cities500)
])
def test_points_match_geonames(gazetteer, pid, lat, lon):
    p = gazetteer.get(pid)
    assert p is not None and p.geonameid == int(pid)
    assert (p.lat, p.lon) == pytest.approx((lat, lon), abs=1e-5)


@pytest.mark.parametrize("variant", ["Deir Ezzor", "Deir ez-Zor", "Dayr az Zawr", "Deir al-Zour", "deir ez zor",
                                     "DEIR EZ-ZOR", "Deir-ez-Zor"])
def test_transliteration_variants_find_the_city(gazetteer, variant):
    top = gazetteer.lookup(variant, limit=3)[0]
    assert top.place.id == "170794"
    assert 0.8 <= top.similarity <= 1.0


def test_fuzzy_second_pass_scores_near_spellings(gazetteer):
    cands = gazetteer.lookup("Aleppp", limit=5)
    assert cands[0].place.id == "170063"
    assert 0.8 <= cands[0].similarity < 1.0
    assert gazetteer.lookup("Aleppp", fuzzy=False) == []
    assert all(c.similarity == 1.0 for c in gazetteer.lookup("Aleppo"))
    assert gazetteer.lookup("Qxzwvvbq") == []


def test_exact_is_ranked_by_prior_and_filters_by_country(gazetteer):
    paris = gazetteer.exact("Paris")
    assert paris[0].place.country_code == "FR" and paris[0].place.feature_code == "PPLC"
    assert [c.prior for c in paris] == sorted((c.prior for c in paris), reverse=True)
    us_paris = gazetteer.exact("Paris", country="US")
    assert us_paris and all(c.place.country_code == "US" for c in us_paris)
    assert gazetteer.exact("") == []


def test_ambiguous_names_keep_both_senses_near_the_top(gazetteer):
    top2 = {(c.place.feature_code, c.place.country_code) for c in gazetteer.lookup("Washington", limit=2)}
    assert top2 == {("PPLC", "US"), ("ADM1", "US")}
    top2 = {(c.place.feature_code, c.place.country_code) for c in gazetteer.lookup("Georgia", limit=2)}
    assert top2 == {("PCLI", "GE"), ("ADM1", "US")}
    assert gazetteer.lookup("Georgia")[0].place.country_code == "GE"


@pytest.mark.parametrize("name, cc, code", [("Maryland", "US", "ADM1"), ("Victoria", "AU", "ADM1"),
                                            ("Mexico", "MX", "PCLI"), ("NSW", "AU", "ADM1"), ("Kiev", "UA", "PPLC")])
def test_main_names_outrank_borrowed_alternate_names(gazetteer, name, cc, code):
    top = gazetteer.lookup(name, limit=3)[0].place
    assert (top.country_code, top.feature_code) == (cc, code), top


def test_us_counties_are_admin2(gazetteer):
    cands = gazetteer.lookup("Orange County", limit=5)
    assert cands[0].place.feature_code == "ADM2"
    assert {c.place.admin1_code for c in cands} >= {"CA", "FL"}
    oc = [c.place for c in cands if c.place.admin1_code == "CA"][0]
    assert oc.admin1 == "California" and oc.population > 1_000_000
    assert 33.3 < oc.lat < 34.0 and -118.2 < oc.lon < -117.4  # weighted centroid of its cities


def test_has_name_and_name_keys(gazetteer):
    assert gazetteer.has_name("Deir ez-Zor") and gazetteer.has_name("U.S.") and gazetteer.has_name("mosul")
    assert not gazetteer.has_name("Qxzwvvbq")
    keys = {k: (imp, fc) for k, imp, fc in gazetteer.name_keys(min_importance=0.9)}
    assert keys["syria"][1] == "A" and keys["syria"][0] >= 0.9
    assert keys["europe"][1] == "L"
    assert "deir ez zor" not in keys  # below the threshold
    assert all(imp >= 0.9 for imp, _ in keys.values())


def test_get_country_admin1(gazetteer):
    assert gazetteer.get("does-not-exist") is None
    sy = gazetteer.country("sy")
    assert sy.name == "Syria" and sy.feature_code == "PCLI" and sy.importance > 0.9
    dz = gazetteer.admin1("SY", "07")
    assert dz.id == "170792" and dz.feature_code == "ADM1"
    city = gazetteer.get("170794")
    assert city.admin1 == dz.name and city.admin1_code == "07"
    assert gazetteer.country("ZZ") is None and gazetteer.admin1("SY", "99") is None
    river = gazetteer.lookup("Euphrates")[0].place
    assert river.id.startswith("ne:river:") and river.geonameid is None and river.has_geometry


def test_demonyms(gazetteer):
    assert gazetteer.demonym("Syrian").id == "163843"
    assert gazetteer.demonym("Syrians").id == "163843"
    assert gazetteer.demonym("Russian").country_code == "RU"
    assert gazetteer.demonym("American").country_code == "US"
    assert gazetteer.demonym("British").country_code == "GB"
    assert gazetteer.demonym("Kurdish").name == "Kurdistan Region"
    assert gazetteer.demonym("Chair") is None


def test_geometry_types(gazetteer):
    river = gazetteer.geometry(gazetteer.lookup("Euphrates")[0].place.id)
    assert river.geom_type in ("LineString", "MultiLineString") and river.length > 10
    syria = gazetteer.geometry("163843")
    assert syria.geom_type in ("Polygon", "MultiPolygon")
    assert 150_000 / 12_000 < syria.area < 250_000 / 8_000  # ~185,000 km2 in square degrees at 35N
    assert gazetteer.geometry("170792").geom_type in ("Polygon", "MultiPolygon")
    assert gazetteer.geometry("363196").geom_type in ("Polygon", "MultiPolygon")  # Mediterranean Sea
    kurd = gazetteer.geometry("cur:kurdistan-region")
    assert kurd is not None and kurd.contains(__import__("shapely").Point(44.01, 36.19))  # Erbil
    assert gazetteer.geometry("170794") is None  # cities are points


@pytest.mark.parametrize("lat, lon, cc", [
    (35.33588, 40.14084, "SY"), (48.8566, 2.3522, "FR"), (40.7128, -74.006, "US"), (-33.87, 151.21, "AU"),
    (44.95, 34.10, "UA"),  # Simferopol: Crimea drawn in Ukraine
    (31.5, 34.45, "PS"),   # Gaza
])
def test_country_at(gazetteer, lat, lon, cc):
    assert gazetteer.country_at(lat, lon) == cc


def test_country_at_sea_is_none(gazetteer):
    assert gazetteer.country_at(35.0, 18.0) is None  # Ionian Sea
    assert gazetteer.country_at(0.0, -140.0) is None


def test_admin1_at(gazetteer):
    a = gazetteer.admin1_at(35.33588, 40.14084)
    assert a is not None and a.id == "170792"
    assert gazetteer.admin1_at(40.0, -83.0).id == "5165418"  # Ohio


def test_distance_km(gazetteer):
    paris, moscow = gazetteer.get("2988507"), gazetteer.get("524901")
    d = gazetteer.distance_km(paris, moscow)
    assert 2480 < d < 2500
    assert gazetteer.distance_km(paris, paris) == 0
    assert math.isclose(gazetteer.distance_km(moscow, paris), d)


def test_info(gazetteer):
    info = gazetteer.info()
    assert info["places"] > 250_000 and info["geometries"] > 5000
    assert set(info["counts_by_feature_class"]) >= {"A", "P", "H", "L", "T"}
    assert info["data_version"] and info["path"].endswith(".sqlite")
    assert any("GeoNames" in s and "CC BY 4.0" in s for s in info["sources"])


# UN member states by common English name -> ISO 3166-1 alpha-2 (193)
UN_MEMBERS = {
    "Afghanistan": "AF", "Albania": "AL", "Algeria": "DZ", "Andorra": "AD", "Angola": "AO",
    "Antigua and Barbuda": "AG", "Argentina": "AR", "Armenia": "AM", "Australia": "AU", "Austria": "AT",
    "Azerbaijan": "AZ", "Bahamas": "BS", "Bahrain": "BH", "Bangladesh": "BD", "Barbados": "BB", "Belarus": "BY",
    "Belgium": "BE", "Belize": "BZ", "Benin": "BJ", "Bhutan": "BT", "Bolivia": "BO", "Bosnia and Herzegovina": "BA",
    "Botswana": "BW", "Brazil": "BR", "Brunei": "BN", "Bulgaria": "BG", "Burkina Faso": "BF", "Burundi": "BI",
    "Cabo Verde": "CV", "Cambodia": "KH", "Cameroon": "CM", "Canada": "CA", "Central African Republic": "CF",
    "Chad": "TD", "Chile": "CL", "China": "CN", "Colombia": "CO", "Comoros": "KM", "Republic of the Congo": "CG",
    "Costa Rica": "CR", "Ivory Coast": "CI", "Croatia": "HR", "Cuba": "CU", "Cyprus": "CY", "Czech Republic": "CZ",
    "Democratic Republic of the Congo": "CD", "Denmark": "DK", "Djibouti": "DJ", "Dominica": "DM",
    "Dominican Republic": "DO", "Ecuador": "EC", "Egypt": "EG", "El Salvador": "SV", "Equatorial Guinea": "GQ",
    "Eritrea": "ER", "Estonia": "EE", "Eswatini": "SZ", "Ethiopia": "ET", "Fiji": "FJ", "Finland": "FI",
    "France": "FR", "Gabon": "GA", "Gambia": "GM", "Georgia": "GE", "Germany": "DE", "Ghana": "GH", "Greece": "GR",
    "Grenada": "GD", "Guatemala": "GT", "Guinea": "GN", "Guinea-Bissau": "GW", "Guyana": "GY", "Haiti": "HT",
    "Honduras": "HN", "Hungary": "HU", "Iceland": "IS", "India": "IN", "Indonesia": "ID", "Iran": "IR", "Iraq": "IQ",
    "Ireland": "IE", "Israel": "IL", "Italy": "IT", "Jamaica": "JM", "Japan": "JP", "Jordan": "JO",
    "Kazakhstan": "KZ", "Kenya": "KE", "Kiribati": "KI", "Kuwait": "KW", "Kyrgyzstan": "KG", "Laos": "LA",
    "Latvia": "LV", "Lebanon": "LB", "Lesotho": "LS", "Liberia": "LR", "Libya": "LY", "Liechtenstein": "LI",
    "Lithuania": "LT", "Luxembourg": "LU", "Madagascar": "MG", "Malawi": "MW", "Malaysia": "MY", "Maldives": "MV",
    "Mali": "ML", "Malta": "MT", "Marshall Islands": "MH", "Mauritania": "MR", "Mauritius": "MU", "Mexico": "MX",
    "Micronesia": "FM", "Moldova": "MD", "Monaco": "MC", "Mongolia": "MN", "Montenegro": "ME", "Morocco": "MA",
    "Mozambique": "MZ", "Myanmar": "MM", "Namibia": "NA", "Nauru": "NR", "Nepal": "NP", "Netherlands": "NL",
    "New Zealand": "NZ", "Nicaragua": "NI", "Niger": "NE", "Nigeria": "NG", "North Korea": "KP",
    "North Macedonia": "MK", "Norway": "NO", "Oman": "OM", "Pakistan": "PK", "Palau": "PW", "Panama": "PA",
    "Papua New Guinea": "PG", "Paraguay": "PY", "Peru": "PE", "Philippines": "PH", "Poland": "PL",
    "Portugal": "PT", "Qatar": "QA", "Romania": "RO", "Russia": "RU", "Rwanda": "RW",
    "Saint Kitts and Nevis": "KN", "Saint Lucia": "LC", "Saint Vincent and the Grenadines": "VC", "Samoa": "WS",
    "San Marino": "SM", "Sao Tome and Principe": "ST", "Saudi Arabia": "SA", "Senegal": "SN", "Serbia": "RS",
    "Seychelles": "SC", "Sierra Leone": "SL", "Singapore": "SG", "Slovakia": "SK", "Slovenia": "SI",
    "Solomon Islands": "SB", "Somalia": "SO", "South Africa": "ZA", "South Korea": "KR", "South Sudan": "SS",
    "Spain": "ES", "Sri Lanka": "LK", "Sudan": "SD", "Suriname": "SR", "Sweden": "SE", "Switzerland": "CH",
    "Syria": "SY", "Tajikistan": "TJ", "Tanzania": "TZ", "Thailand": "TH", "East Timor": "TL", "Togo": "TG",
    "Tonga": "TO", "Trinidad and Tobago": "TT", "Tunisia": "TN", "Turkey": "TR", "Turkmenistan": "TM",
    "Tuvalu": "TV", "Uganda": "UG", "Ukraine": "UA", "United Arab Emirates": "AE", "United Kingdom": "GB",
    "United States": "US", "Uruguay": "UY", "Uzbekistan": "UZ", "Vanuatu": "VU", "Venezuela": "VE",
    "Vietnam": "VN", "Yemen": "YE", "Zambia": "ZM", "Zimbabwe": "ZW",
}


def test_un_member_list_is_complete():
    assert len(UN_MEMBERS) == 193 and len(set(UN_MEMBERS.values())) == 193


@pytest.mark.parametrize("name", sorted(UN_MEMBERS))
def test_every_un_member_resolves_by_common_name(gazetteer, name):
    top = gazetteer.lookup(name, limit=1)[0].place
    # GeoNames codes the three states in free association with the US as PCLF
    assert top.feature_code in ("PCLI", "PCLF") and top.country_code == UN_MEMBERS[name], (name, top)
    assert top.geonameid is not None and top.has_geometry


@pytest.mark.parametrize("abbr, admin1", [("W.Va.", "WV"), ("W. Va.", "WV"), ("S.C.", "SC"), ("Calif.", "CA"),
                                          ("N.Y", "NY"), ("Ind.", "IN"), ("Ky.", "KY"), ("Ont.", "08")])
def test_news_state_abbreviations(gazetteer, abbr, admin1):
    top = gazetteer.lookup(abbr, limit=3)[0].place
    assert top.feature_code == "ADM1" and top.admin1_code == admin1


@pytest.mark.parametrize("name, cc", [("South Ossetia", "GE"), ("Abkhazia", "GE"), ("Transnistria", "MD"),
                                      ("Nagorno-Karabakh", "AZ"), ("Darfur", "SD"), ("Sinai", "EG"),
                                      ("West Bank", "PS"), ("Kerch Strait", None)])
def test_contested_and_curated_regions(gazetteer, name, cc):
    top = gazetteer.lookup(name, limit=3)[0].place
    assert top.country_code == cc, top


@pytest.mark.parametrize("name, pid", [("Idlib province", "169387"), ("Kherson region", "706442"),
                                       ("Deir ez-Zor province", "170792"), ("Raqqa governorate", "172957"),
                                       ("Donetsk oblast", "709716")])
def test_admin1_with_type_word(gazetteer, name, pid):
    assert gazetteer.lookup(name, limit=1)[0].place.id == pid
