"""Short stories written for training the ranker (issue 10: "tune only on the dev corpora and on the
texts you write"). The dev corpora are local US news and disease reports: they hardly ever name an
ocean or a famous city among namesakes, so these teach the ranker that prominence wins over local
coherence unless the text points elsewhere -- and, as counterweights, stories where it does point
elsewhere ("Paris, Texas", "Atlantic County", Washington state).

Each story: (text, {phrase: (feature code or class, country code or None, admin1 code or None)}).
The tests (tests/test_resolve_scoring.py, tests/test_resolve.py) use *other* texts.
"""
from __future__ import annotations

STORIES: list[tuple[str, dict[str, tuple[str, str | None, str | None]]]] = [
    # oceans in stories full of US places
    ("Coast guard crews in Boston and Portland, Maine, searched the Atlantic for a missing fishing boat.",
     {"Atlantic": ("OCN", None, None), "Boston": ("P", "US", "MA")}),
    ("Hurricane Ida strengthened over the Gulf before moving up from Louisiana toward the Atlantic coast of "
     "New Jersey.", {"Atlantic": ("OCN", None, None), "Louisiana": ("ADM1", "US", "LA")}),
    ("Surfers in Honolulu and Malibu watched the Pacific swell grow as the storm approached California.",
     {"Pacific": ("OCN", None, None), "California": ("ADM1", "US", "CA")}),
    ("Salmon runs from Alaska to Oregon depend on cold water in the Pacific, scientists in Seattle said.",
     {"Pacific": ("OCN", None, None), "Seattle": ("P", "US", "WA"), "Oregon": ("ADM1", "US", "OR")}),
    ("The cargo ship left Savannah, Georgia, crossed the Atlantic and docked in Rotterdam.",
     {"Atlantic": ("OCN", None, None), "Savannah": ("P", "US", "GA"), "Rotterdam": ("P", "NL", None)}),
    ("Japan and Chile both issued tsunami warnings for the Pacific after the earthquake.",
     {"Pacific": ("OCN", None, None), "Japan": ("PCLI", "JP", None)}),
    # ... and the namesakes when the text says so
    ("Atlantic County commissioners in New Jersey approved the casino tax on Tuesday.",
     {"Atlantic County": ("ADM2", "US", "NJ")}),
    ("Voters in Pacific County, Washington, rejected the school levy.",
     {"Pacific County": ("ADM2", "US", "WA")}),
    # Washington: the capital in national politics, the state when its places are around
    ("Congress returned to Washington on Monday as senators from Florida and Arizona pushed for a vote.",
     {"Washington": ("PPLC", "US", "DC"), "Florida": ("ADM1", "US", "FL")}),
    ("Diplomats from Kenya flew to Washington for talks with the State Department.",
     {"Washington": ("PPLC", "US", "DC"), "Kenya": ("PCLI", "KE", None)}),
    ("The governor of Michigan met the president in Washington to ask for flood aid for Detroit.",
     {"Washington": ("PPLC", "US", "DC"), "Michigan": ("ADM1", "US", "MI"), "Detroit": ("P", "US", "MI")}),
    ("Wildfires spread across eastern Washington, and smoke reached Spokane, Yakima and Seattle.",
     {"Washington": ("ADM1", "US", "WA"), "Spokane": ("P", "US", "WA"), "Yakima": ("P", "US", "WA")}),
    ("Measles cases rose in Washington, where health officials in Olympia and Tacoma urged vaccination.",
     {"Washington": ("ADM1", "US", "WA"), "Olympia": ("P", "US", "WA"), "Tacoma": ("P", "US", "WA")}),
    # famous cities among namesakes
    ("Tourists crowded Venice and Florence as summer heat hit Rome.",
     {"Venice": ("P", "IT", None), "Florence": ("P", "IT", None), "Rome": ("PPLC", "IT", None)}),
    ("Students in Cambridge and Oxford protested tuition fees outside Parliament in London.",
     {"Cambridge": ("P", "GB", None), "Oxford": ("P", "GB", None), "London": ("PPLC", "GB", None)}),
    ("Harvard researchers in Cambridge, Massachusetts, shared data with colleagues in Boston.",
     {"Cambridge": ("P", "US", "MA"), "Boston": ("P", "US", "MA")}),
    ("Fashion buyers from Dallas and Atlanta flew to Paris and Milan for the shows.",
     {"Paris": ("PPLC", "FR", None), "Milan": ("P", "IT", None), "Dallas": ("P", "US", "TX")}),
    ("A tornado damaged homes in Paris, Texas, and in nearby Sulphur Springs.",
     {"Paris": ("P", "US", "TX")}),
    ("Gas prices rose in Moscow and St. Petersburg as Russia cut exports.",
     {"Moscow": ("PPLC", "RU", None), "Russia": ("PCLI", "RU", None)}),
    ("Flights between Sydney, Melbourne and Perth were cancelled as storms hit Australia.",
     {"Sydney": ("P", "AU", None), "Melbourne": ("P", "AU", None), "Perth": ("P", "AU", None)}),
    ("Farmers near Perth and Dundee in Scotland counted the cost of the floods.",
     {"Perth": ("P", "GB", None), "Dundee": ("P", "GB", None)}),
    ("Police in Birmingham, Alabama, and Montgomery arrested three suspects.",
     {"Birmingham": ("P", "US", "AL"), "Montgomery": ("P", "US", "AL")}),
    ("Factories in Birmingham and Manchester cut jobs, Britain's statistics office said.",
     {"Birmingham": ("P", "GB", None), "Manchester": ("P", "GB", None)}),
    ("Protesters marched in Berlin and Hamburg against the new law.",
     {"Berlin": ("PPLC", "DE", None), "Hamburg": ("P", "DE", None)}),
    ("Rain flooded streets in Toronto and Ottawa as the storm crossed Canada.",
     {"Toronto": ("P", "CA", None), "Ottawa": ("PPLC", "CA", None)}),
    # world news: Washington is the capital, New York the city, unless the text is about the states
    ("Beijing accused Washington of bullying as the trade talks collapsed.",
     {"Washington": ("PPLC", "US", "DC")}),
    ("The envoy flew from Kabul to Washington to brief officials on the ceasefire.",
     {"Washington": ("PPLC", "US", "DC")}),
    ("Tehran and Washington exchanged prisoners in a deal brokered by Qatar.",
     {"Washington": ("PPLC", "US", "DC"), "Qatar": ("PCLI", "QA", None)}),
    ("Officials in Brussels and Washington agreed new sanctions on Belarus.",
     {"Washington": ("PPLC", "US", "DC"), "Belarus": ("PCLI", "BY", None)}),
    ("Republicans in Washington blocked the bill, and governors in Iowa and Kansas complained.",
     {"Washington": ("PPLC", "US", "DC"), "Iowa": ("ADM1", "US", "IA")}),
    ("World leaders gathered in New York for the United Nations summit on climate.",
     {"New York": ("P", "US", "NY")}),
    ("Negotiators from Cyprus and Turkey met in New York under UN auspices.",
     {"New York": ("P", "US", "NY"), "Cyprus": ("PCLI", "CY", None), "Turkey": ("PCLI", "TR", None)}),
    ("Stocks fell in London, Frankfurt and New York as oil prices surged.",
     {"New York": ("P", "US", "NY"), "London": ("PPLC", "GB", None)}),
    ("The Nigerian novelist moved from Lagos to New York in 2001.",
     {"New York": ("P", "US", "NY"), "Lagos": ("P", "NG", None)}),
    ("Snow closed schools across upstate New York, from Buffalo and Rochester to Albany.",
     {"New York": ("ADM1", "US", "NY"), "Buffalo": ("P", "US", "NY"), "Albany": ("P", "US", "NY")}),
    ("Voters in New York, New Jersey and Connecticut will decide on the measure in November.",
     {"New York": ("ADM1", "US", "NY"), "New Jersey": ("ADM1", "US", "NJ")}),
    # world cities whose English name is a GeoNames alternate name, against namesakes elsewhere
    ("Fans filled the streets of Manchester after the derby.",
     {"Manchester": ("P", "GB", None)}),
    ("Tourists queued for the cathedral in Seville as Spain's summer began.",
     {"Seville": ("P", "ES", None)}),
    ("Israeli troops withdrew from Jenin after a two-day operation.",
     {"Jenin": ("P", "PS", None)}),
    ("Aid convoys reached Derna a week after the dams burst in Libya.",
     {"Derna": ("P", "LY", None)}),
    ("Wildfires in Alaska sent smoke as far as Canada.",
     {"Alaska": ("ADM1", "US", "AK")}),
    # countries against the states named like them
    ("Georgia and Armenia signed a border agreement after talks with Azerbaijan.",
     {"Georgia": ("PCLI", "GE", None), "Armenia": ("PCLI", "AM", None)}),
    ("Pro-Russian separatists in Abkhazia accused Georgia of massing troops on the border.",
     {"Georgia": ("PCLI", "GE", None)}),
    ("Peaches from Georgia and pecans from Alabama sold out at the farmers' market.",
     {"Georgia": ("ADM1", "US", "GA"), "Alabama": ("ADM1", "US", "AL")}),
]


def gold_index(candidates, spec) -> int:
    """The index of the candidate matching ``spec`` (code or class, cc, admin1), best prior first; -1 if none."""
    code, cc, a1 = spec
    best = -1
    for i, c in enumerate(candidates):
        p = c.place
        if (p.feature_code == code or p.feature_class == code) and (cc is None or p.country_code == cc) \
                and (a1 is None or p.admin1_code == a1):
            if best < 0 or c.prior > candidates[best].prior:
                best = i
    return best
