"""The kinds of names news uses (issue 19), on texts written for these tests (not the held-out
bench/news_eval set): a country named alone, official and "the" forms, a name whose own words say its
kind, spans that keep their words, place names standing for organisations or teams (kept, with a
score that shows the doubt; teams left unplaced), local places put at the town the text names (``precision``), and a focus
on where things happen rather than on the actors. Real spaCy model, real gazetteer."""
from __future__ import annotations

import json

import pytest

from geo.focus import focus
from geo.outputs.jsonl import MENTION_FIELDS, mention_record
from geo.pipeline import Pipeline
from geo.resolve.resolver import DOUBT_SCORE

from parse_util import by_text, parse  # tests/ is on sys.path (rootdir conftest)


@pytest.fixture(scope="module")
def pipe(gazetteer):
    return Pipeline(gazetteer=gazetteer, progress=False)


# -- a country named alone is the country -------------------------------------------------------------

# (text, a name in it, the country of its place, whether the name is a country named alone)
COUNTRY_CASES = [
    ("Djibouti said on Sunday that the port would stay open to shipping.", "Djibouti", "DJ", True),
    ("Kuwait recalled its ambassador after the dispute.", "Kuwait", "KW", True),
    ("Officials in Mexico announced new measures for farmers.", "Mexico", "MX", True),
    ("Traders in Singapore shrugged off the news.", "Singapore", "SG", True),
    ("Aid reached the Democratic Republic of the Congo after the floods.", "Democratic Republic of the Congo", "CD",
     False),
    ("Voters in Trinidad and Tobago went to the polls on Monday.", "Trinidad and Tobago", "TT", False),
    ("Saint Kitts and Nevis signed the treaty in the morning.", "Saint Kitts and Nevis", "KN", False),
    ("Tourism in French Polynesia grew last year.", "French Polynesia", "PF", False),
    ("Shops in İzmir stayed closed after the earthquake.", "İzmir", "TR", False),
    ("Cape Verde held a general election on Sunday.", "Cape Verde", "CV", True),  # a country, not Senegal's cape
    ("Fishing boats left the Falkland Islands early.", "Falkland Islands", "FK", True),  # the territory
]


@pytest.mark.parametrize("text, name, cc", [case[:3] for case in COUNTRY_CASES if case[3]])
def test_a_country_named_alone_is_the_country(pipe, text, name, cc):
    r = by_text(parse(pipe, text))[name]
    assert r.place is not None and r.place.country_code == cc
    assert r.place.feature_code.startswith("PCL"), r.place
    assert r.precision == "country"


@pytest.mark.parametrize("text, cc", [
    ("Congo's army said it had retaken the hills above Goma.", "CD"),
    ("Oil exports from Pointe-Noire rose as Congo cut taxes.", "CG"),
])
def test_either_congo_as_the_text_points(pipe, text, cc):
    r = by_text(parse(pipe, text))["Congo"]
    assert r.place is not None and r.place.country_code == cc and r.place.feature_code.startswith("PCL"), r.place


def test_a_province_named_with_a_lowercase_region_word(pipe):
    r = by_text(parse(pipe, "In the Donetsk region, fighting intensified on Monday."))["Donetsk"]
    assert r.place.feature_code == "ADM1" and r.place.country_code == "UA", r.place


def test_the_city_when_the_text_points_there(pipe):
    r = by_text(parse(pipe, "The blast hit the city of Djibouti near its port."))["Djibouti"]
    assert r.place is not None and r.place.feature_class == "P"


@pytest.mark.parametrize("text, surface, cc", [case[:3] for case in COUNTRY_CASES if not case[3]])
def test_whole_names_and_their_forms(pipe, text, surface, cc):
    r = by_text(parse(pipe, text))[surface]
    assert r.place is not None and r.place.country_code == cc


# -- a name's own words say its kind ------------------------------------------------------------------

@pytest.mark.parametrize("text, surface, codes", [
    ("Tankers were diverted from the Red Sea near Eritrea.", "Red Sea", {"SEA"}),
    ("Barges sat idle on the Red River near Shreveport.", "Red River", {"STM"}),
])
def test_a_feature_word_decides_the_kind(pipe, text, surface, codes):
    r = by_text(parse(pipe, text))[surface]
    assert r.place is not None and r.place.feature_code in codes, r.place


def test_a_strait_is_never_the_state_it_is_named_after(pipe):
    pd = parse(pipe, "A ferry crossed the Strait of Georgia from Vancouver in a gale.")
    r = by_text(pd)["Strait of Georgia"]
    # the gazetteer may not know the strait under this name; it must not become the US state
    assert r.place is None or r.place.feature_class != "A"


# -- place names standing for something else: kept, with a doubtful score (a bank "of" a place, a country's state
# agency: off the map, tests/test_non_places.py) -----------------------------------------------------------------

@pytest.mark.parametrize("text, surface", [
    ("Students at the University of Nebraska marched in Lincoln on Monday.", "Nebraska"),
    ("Fires burned near Austin, according to the Texas Forest Service.", "Texas"),
])
def test_a_place_name_that_stands_for_something_else_scores_low(pipe, text, surface):
    by = by_text(parse(pipe, text))
    r = by[surface]
    assert r.place is not None and r.score <= DOUBT_SCORE
    assert "organisation" in r.why


@pytest.mark.parametrize("text, surface", [
    ("Economists expect the Bank of Canada to hold rates in Ottawa next week.", "Canada"),
    ("Officials at the Bank of England met in London on Monday.", "England"),  # (an airline: test_non_places)
])
def test_a_bank_of_a_place_is_off_the_map(pipe, text, surface):
    r = by_text(parse(pipe, text))[surface]
    assert r.place is None and "organisation" in r.why, r


@pytest.mark.parametrize("text, teams, places", [
    ("Wales beat Scotland 27-13 in the Six Nations at the weekend.", ["Scotland"], []),
    ("Argentina's captain was booked early. Uruguay won the match 2-0 after a late goal, and the coach "
     "praised the squad. The game was played in Montevideo.", ["Argentina", "Uruguay"], ["Montevideo"]),
    ("Brazil beat Colombia 2-1 on Sunday night.", ["Brazil"], []),
    ("Ghana lost to Nigeria 0-3 in the qualifier at Kumasi.", ["Ghana"], []),
    ("France's coach named an unchanged side for Saturday, when the players fly to Dublin.", ["France"], ["Dublin"]),
    ("England's bowlers struggled in the heat of Perth.", ["England"], ["Perth"]),
    ("The Wales captain praised the crowd after the match.", ["Wales"], []),
    ("Australia were bowled out for 187 as New Zealand won by 72 runs in Melbourne.", ["Australia", "New Zealand"],
     ["Melbourne"]),  # a cricket score
])
def test_teams_stay_off_the_map(pipe, text, teams, places):
    """A country (or a home nation) that the text shows to be a team is reported unplaced: in a match
    report, by its players and staff, or beating or losing to another with a score."""
    by = by_text(parse(pipe, text))
    for t in teams:
        assert by[t].place is None and "team" in by[t].why, by[t]
    for p in places:
        assert by[p].place is not None and by[p].score > DOUBT_SCORE, by[p]


@pytest.mark.parametrize("text, name", [
    ("Russia lost 3-4 positions near Bakhmut, officials said on Tuesday.", "Russia"),
    ("Sanctions against Russia were extended on Monday.", "Russia"),
    ("Russia's defence ministry said the strikes hit Kharkiv.", "Russia"),
    ("The Ukraine government said talks would resume.", "Ukraine"),
    ("The final was played in France after a 2-1 win in the semi-final.", "France"),
])
def test_a_country_in_war_or_as_a_venue_is_no_team(pipe, text, name):
    r = by_text(parse(pipe, text))[name]
    assert r.place is not None and r.place.feature_code.startswith("PCL"), r


def test_brands_in_business_news(pipe):
    business = by_text(parse(pipe, "Hitachi said profits from its rail unit rose 8 percent."))
    assert business["Hitachi"].score <= DOUBT_SCORE and "company" in business["Hitachi"].why
    war = by_text(parse(pipe, "Russia lost 3-4 positions near Bakhmut, officials said on Tuesday."))
    assert war["Russia"].score > DOUBT_SCORE  # a number pair alone is no match report


def test_the_venue_of_a_match_is_no_team(pipe):
    by = by_text(parse(pipe, "Wales beat Scotland 27-13 in the Six Nations in Cardiff."))
    assert by["Cardiff"].score > DOUBT_SCORE
    assert by["Scotland"].place is None


# -- local places and precision ------------------------------------------------------------------------

def test_local_places_are_put_at_the_town_the_text_names(pipe):
    pd = parse(pipe, "Police closed Shevchenko Avenue in Kharkiv after the strike. "
                      "Residents of Kharkiv gathered in the square.")
    by = by_text(pd)
    street = by["Shevchenko Avenue"]
    assert street.place is not None and street.place.id == by["Kharkiv"].place.id
    assert street.precision == "town" and street.score < by["Kharkiv"].score
    assert by["Kharkiv"].precision == "exact"
    rec = mention_record(street)
    assert "precision" in MENTION_FIELDS and rec["precision"] == "town"
    json.dumps(rec)


def test_precision_of_countries_and_regions(pipe):
    by = by_text(parse(pipe, "Floods hit Bavaria in Germany on Monday."))
    assert by["Germany"].precision == "country"
    assert by["Bavaria"].precision == "region"


def test_a_local_place_with_no_town_named_stays_unplaced(pipe):
    by = by_text(parse(pipe, "Crowds gathered on Zzyzxqua Boulevard on Monday."))
    r = by.get("Zzyzxqua Boulevard")
    assert r is not None and r.place is None and r.precision is None


# -- focus: where things happen, and every entry names its place ---------------------------------------

def test_focus_is_where_things_happen_not_the_actors(pipe):
    text = ("Russian officials said Russian jets had not struck the town. Russia denied the reports, and "
            "Russian diplomats in Moscow called them false. Shelling hit Idlib overnight, and residents of "
            "Idlib fled north. Aid groups in Idlib said the hospital in Idlib was damaged.")
    pd = parse(pipe, text)
    fs = focus(pd)
    countries = [f for f in fs if f.level == "country"]
    assert countries and countries[0].country_code == "SY"
    assert all(f.place is not None and f.place.name and f.id for f in fs), fs


# -- names of every size, whatever NER calls them (issue 19: world names, the lone-word gate) -------------

@pytest.mark.parametrize("text, name, cc", [
    ("Encamp closed its ski lifts after the storm.", "Encamp", "AD"),  # a parish of 17,000: a first-level division
    ("The governor said Jalilabad would get new schools.", "Jalilabad", "AZ"),
    ("Shelling continued around Chasiv Yar overnight.", "Chasiv Yar", "UA"),  # NER: a person
    ("Troops pulled out of the village of Krynky last week.", "Krynky", "UA"),
    ("Trains between Karachi and Lahore were halted by the floods.", "Karachi", "PK"),  # NER: one ORG
    ("Trains between Karachi and Lahore were halted by the floods.", "Lahore", "PK"),
])
def test_places_of_every_size_named_alone(pipe, text, name, cc):
    r = by_text(parse(pipe, text))[name]
    assert r.place is not None and r.place.country_code == cc, r


def test_a_fuzzy_match_is_a_respelling_not_another_word(pipe):
    r = by_text(parse(pipe, "Heavy rain flooded the Hudson Valley on Monday."))["Hudson Valley"]
    assert r.place is None or r.place.country_code == "US", r.place  # never Huon Valley, Tasmania
    r = by_text(parse(pipe, "Shelling hit Khan Yunis overnight."))["Khan Yunis"]
    assert r.place is not None and r.place.country_code == "PS"


@pytest.mark.parametrize("text, site, town", [
    ("Fans packed Wembley Stadium in London on Saturday.", "Wembley Stadium", "London"),
    ("Families sheltered in Zamzam Camp near El Fasher.", "Zamzam Camp", "El Fasher"),
])
def test_a_site_named_with_its_kind_is_put_at_its_town(pipe, text, site, town):
    by = by_text(parse(pipe, text))
    r = by[site]
    assert r.place is not None and r.place.id == by[town].place.id and r.precision == "town", r
    assert r.score < by[town].score


def test_an_airport_the_gazetteer_knows_is_placed_itself(pipe):
    r = by_text(parse(pipe, "Flights at Jomo Kenyatta International Airport resumed in Nairobi."))[
        "Jomo Kenyatta International Airport"]
    assert r.place is not None and r.place.feature_code == "AIRP" and r.precision == "exact", r


@pytest.mark.parametrize("text, name, cc, admin1", [
    ("Floodwater reached the levee at Cairo, Illinois, on Monday.", "Cairo", "US", "IL"),
    ("CAIRO, Ill. \u2014 The river crested overnight, officials said.", "CAIRO", "US", "IL"),
    ("Storms hit Paris, Texas, on Sunday.", "Paris", "US", "TX"),
])
def test_the_province_named_after_a_town_decides(pipe, text, name, cc, admin1):
    r = by_text(parse(pipe, text))[name]
    assert r.place is not None and r.place.country_code == cc and r.place.admin1_code == admin1, r.place


def test_the_ohio_is_the_river_and_ohio_the_state(pipe):
    by = by_text(parse(pipe, "Barges waited on the Mississippi near Memphis as the Ohio rose."))
    assert by["Mississippi"].place.feature_code == "STM" and by["Ohio"].place.feature_code == "STM"
    for text in ("Voters in Mississippi went to the polls.", "The bill passed the Ohio legislature on Monday."):
        r = next(iter(by_text(parse(pipe, text)).values()))
        assert r.place.feature_code == "ADM1", (text, r.place)


def test_a_site_is_not_pinned_at_a_town_of_another_sentence(pipe):
    by = by_text(parse(pipe, "Climbers returned to Kathmandu on Monday. Crowds gathered at Everest Base Camp."))
    assert by["Kathmandu"].place is not None
    assert by["Everest Base Camp"].place is None  # the capital lies 150 km from the camp
