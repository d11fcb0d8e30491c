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
