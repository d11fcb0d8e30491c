"""The resolver's scoring on small synthetic candidates (issue 9.6): hand-built Places and Candidates,
a tiny in-memory gazetteer, no spaCy and no store. Each feature, the ranker, and ranking decisions."""
from __future__ import annotations

import json
from pathlib import Path
import math
import re

import numpy as np
import pytest

from geo.resolve import FEATURES, LinearRanker, RankerError, Resolver
from geo.lang import load as load_language
from geo.resolve.context import Context, Others, container_after, support
from geo.resolve.features import INDEX, backed, name_features, place_type
from geo.resolve.ranker import HAND_PATH, MODEL_PATH
from geo.types import Candidate, Document, Mention, Place

# -- a tiny world --------------------------------------------------------------------------------------
FR = Place("1", "France", 46.0, 2.0, "A", "PCLI", "FR", "00", population=67_000_000, importance=0.9)
PARIS_FR = Place("2", "Paris", 48.85, 2.35, "P", "PPLC", "FR", "11", "Ile-de-France", 2_100_000, 0.95)
TX = Place("3", "Texas", 31.0, -99.0, "A", "ADM1", "US", "TX", "Texas", 29_000_000, 0.8)
PARIS_TX = Place("4", "Paris", 33.66, -95.55, "P", "PPL", "US", "TX", "Texas", 25_000, 0.3)
DALLAS = Place("5", "Dallas", 32.78, -96.8, "P", "PPL", "US", "TX", "Texas", 1_300_000, 0.7)
US = Place("6", "United States", 39.8, -98.5, "A", "PCLI", "US", "00", population=330_000_000, importance=1.0)
TN = Place("7", "Tennessee", 35.75, -86.25, "A", "ADM1", "US", "TN", "Tennessee", 6_900_000, 0.75)
PARIS_TN = Place("8", "Paris", 36.3, -88.33, "P", "PPL", "US", "TN", "Tennessee", 10_000, 0.25)
HENRY_TN = Place("9", "Henry County", 36.33, -88.3, "A", "ADM2", "US", "TN", "Tennessee", 32_000, 0.3)
NILE = Place("10", "Nile", 30.1, 31.2, "H", "STM", "EG", population=0, importance=0.6)
NILE_CO = Place("11", "Nile County", 3.0, 32.0, "A", "ADM2", "SS", population=10_000, importance=0.3)
ATLANTIC = Place("12", "Atlantic Ocean", 0.0, -25.0, "H", "OCN", importance=0.5)
GOODYEAR = Place("13", "Goodyear", 33.4, -112.4, "P", "PPL", "US", "AZ", "Arizona", 80_000, 0.4)


def cand(p: Place, prior: float | None = None, matched: str | None = None, sim: float = 1.0) -> Candidate:
    return Candidate(p, matched or p.name, sim, p.importance if prior is None else prior)


class FakeGazetteer:
    """What the resolver asks of a gazetteer: lookup, exact, demonym -- over a dict."""

    def __init__(self, names: dict[str, list[Candidate]], demonyms: dict[str, Place] | None = None):
        self.names = names
        self.demonyms = demonyms or {}
        self.asked: list[str] = []

    def lookup(self, name, limit=40, fuzzy=True):
        self.asked.append(name)
        return sorted(self.names.get(name, []), key=lambda c: -c.prior)[:limit]

    def exact(self, name):
        return self.lookup(name)

    def demonym(self, text):
        return self.demonyms.get(text)


GZ_NAMES = {
    "Paris": [cand(PARIS_FR), cand(PARIS_TX), cand(PARIS_TN)],
    "Texas": [cand(TX)],
    "Dallas": [cand(DALLAS)],
    "France": [cand(FR)],
    "Tennessee": [cand(TN)],
    "Henry County": [cand(HENRY_TN)],
    "Nile": [cand(NILE), cand(NILE_CO, matched="Nile")],
}


def row(X, i, f):
    return X[i, INDEX[f]]


def feats(cs, **kw):
    kw.setdefault("name", cs[0].matched_name)
    kw.setdefault("cues", set())
    kw.setdefault("ctx", Context())
    return name_features(cs, **kw)


# -- features one by one -------------------------------------------------------------------------------
def test_prior_similarity_exact_and_rank():
    cs = [cand(PARIS_FR, 0.9), cand(PARIS_TX, 0.3, sim=0.92)]
    X = feats(cs)
    assert X.shape == (2, len(FEATURES))
    assert row(X, 0, "prior") == 0.9 and row(X, 1, "prior") == 0.3
    assert row(X, 0, "similarity") == 0 and row(X, 1, "similarity") == pytest.approx(-0.08)
    assert row(X, 0, "exact") == 1 and row(X, 1, "exact") == 0
    assert row(X, 0, "top_prior") == 1 and row(X, 1, "top_prior") == 0
    assert row(X, 0, "prior_gap") == 0 and row(X, 1, "prior_gap") == pytest.approx(0.6)


def test_alias_but_not_for_countries_and_provinces():
    X = feats([cand(GOODYEAR, matched="Egypt"), cand(US, matched="America"), cand(PARIS_FR, matched="Paris")],
              name="Egypt")
    assert row(X, 0, "alias") == 1  # "Egypt" is an old name of Goodyear, Arizona
    assert row(X, 1, "alias") == 0  # a country's short forms are aliases by design
    assert row(X, 2, "alias") == 0


def test_bare_admin2_unless_the_county_cue():
    cs = [cand(HENRY_TN, matched="Henry")]
    assert row(feats(cs, name="Henry"), 0, "bare_admin2") == 1
    assert row(feats(cs, name="Henry", cues={"county"}), 0, "bare_admin2") == 0
    assert row(feats(cs, name="Henry County"), 0, "bare_admin2") == 0


def test_country_and_admin1_named():
    ctx = Context.build({"Texas": [cand(TX)], "France": [cand(FR)]}, {"Texas": 1, "France": 1})
    assert ctx.countries["US"] == 0.5 and ctx.countries["FR"] == 1 and ctx.admin1[("US", "TX")] == 1
    X = feats([cand(PARIS_FR), cand(PARIS_TX), cand(PARIS_TN), cand(FR)], ctx=ctx)
    assert list(X[:, INDEX["country_named"]]) == [1, 1, 1, 0]  # a country is not "in a country named"
    assert list(X[:, INDEX["admin1_named"]]) == [0, 1, 0, 0]


def test_a_province_with_a_namesake_city_does_not_steer():
    new_york_state = Place("20", "New York", 43.0, -75.0, "A", "ADM1", "US", "NY", importance=0.8)
    new_york_city = Place("21", "New York City", 40.7, -74.0, "P", "PPL", "US", "NY", importance=0.95)
    ctx = Context.build({"New York": [cand(new_york_state, 0.8), cand(new_york_city, 0.75, matched="New York")]},
                        {"New York": 1})
    # neither the province nor its country: "Manchester" (a Jamaican parish first, the English city a
    # close second) must not make Jamaica "named in the text" for its own candidates
    assert not ctx.countries and not ctx.admin1


def test_demonyms_count_half():
    ctx = Context.build({}, {}, [FR, None])
    assert ctx.countries == {"FR": 0.5}


def test_container_x_comma_y_and_x_in_y():
    gz = FakeGazetteer(GZ_NAMES)
    text = "The tornado struck Paris, Texas, on Sunday."
    m = Mention("d", "Paris", text.index("Paris"), text.index("Paris") + 5, "GPE")
    in_after = re.compile(load_language("en").patterns["in_after"])  # "X in Y", from geo/lang/en/patterns.txt
    assert container_after(gz, text, m, in_after) == TX
    text2 = "He left Paris in March."
    assert container_after(gz, text2, Mention("d", "Paris", 8, 13, "GPE"), in_after) is None
    X = feats(GZ_NAMES["Paris"], containers=[TX])
    assert list(X[:, INDEX["container"]]) == [0, 1, 0]


def test_cue_match_and_miss():
    X = feats(GZ_NAMES["Nile"], cues={"river"})
    assert row(X, 0, "cue_match") == 1 and row(X, 0, "cue_miss") == 0
    assert row(X, 1, "cue_match") == 0 and row(X, 1, "cue_miss") == 1
    X = feats(GZ_NAMES["Nile"])
    assert not X[:, [INDEX["cue_match"], INDEX["cue_miss"]]].any()


def _others(*places_by_name):
    groups = {(n, None): [None] for n, _ in places_by_name}
    return Others.from_choices({(n, None): p for n, p in places_by_name}, groups)


def test_coherence_far_and_admin1_others():
    others = _others(("Dallas", DALLAS), ("Paris", None)).without("Paris")
    assert others.total == 1
    X = feats(GZ_NAMES["Paris"], others=others)
    assert row(X, 1, "coherence") == 1 and row(X, 0, "coherence") == 0 and row(X, 2, "coherence") == 0
    # Paris, Tennessee is ~800 km from Dallas: beyond 500 km, within 1000
    assert row(feats(GZ_NAMES["Paris"], others=others, coherence_km=1000), 2, "coherence") == 1
    assert row(X, 0, "far_from_others") == 1 and row(X, 1, "far_from_others") == 0
    assert row(X, 1, "admin1_others") == 1 and row(X, 2, "admin1_others") == 0
    # the first round has no others: all of these are 0
    X0 = feats(GZ_NAMES["Paris"])
    for f in ("coherence", "far_from_others", "admin1_others", "contains_admin1", "area_contains_none"):
        assert not X0[:, INDEX[f]].any(), f


def test_contains_and_contains_none():
    others = _others(("Dallas", DALLAS), ("Paris", PARIS_TX), ("Texas", None)).without("Texas")
    X = feats([cand(TX), cand(TN), cand(US)], name="Texas", others=others)
    assert row(X, 0, "contains_admin1") == 1 and row(X, 1, "contains_admin1") == 0
    assert row(X, 2, "contains_country") == 0.5
    assert row(X, 0, "area_contains_none") == 0 and row(X, 1, "area_contains_none") == 1
    # a province gets no containment credit over its own namesake city ("Kharkiv")
    X = feats([cand(TX)], name="Texas", others=others, seats={("US", "TX")})
    assert row(X, 0, "contains_admin1") == 0


def test_countries_and_regions_give_no_coherence():
    others = _others(("France", FR), ("Paris", None)).without("Paris")
    assert others.total == 0  # a country says nothing about where in it the story is


def test_support_from_namesakes_of_other_names():
    s = support({"Paris": GZ_NAMES["Paris"], "Henry County": GZ_NAMES["Henry County"]}, 60.0)
    assert s[("Paris", PARIS_TN.id)] == 1.0 and ("Paris", PARIS_TX.id) not in s
    X = feats(GZ_NAMES["Paris"], support=s)
    assert list(X[:, INDEX["support"]]) == [0, 0, 1]
    assert support({"Paris": GZ_NAMES["Paris"]}, 60.0) == {}


def test_type_one_hots():
    assert [place_type(p) for p in (FR, TX, HENRY_TN, PARIS_FR, PARIS_TX, NILE, ATLANTIC)] == \
        ["country", "admin1", "admin2", "capital", "city", "water", "huge"]
    X = feats([cand(PARIS_FR), cand(NILE)])
    types = [f for f in FEATURES if f.startswith("type_")]
    assert (X[:, [INDEX[f] for f in types]].sum(axis=1) == 1).all()


def test_population_by_kind():
    X = feats([cand(TX), cand(DALLAS), cand(ATLANTIC)])
    assert row(X, 0, "log_population_area") == pytest.approx(math.log10(1 + 29_000_000) / 7)
    assert row(X, 0, "log_population_point") == 0
    assert row(X, 1, "log_population_point") == pytest.approx(math.log10(1 + 1_300_000) / 7)
    assert row(X, 2, "log_population_point") == 0


def test_backed_means_evidence_from_the_text():
    ctx = Context.build({"Texas": [cand(TX)]}, {"Texas": 1})
    X = feats(GZ_NAMES["Paris"], ctx=ctx)
    assert backed(X[1]) and backed(X[2]) and not backed(X[0])  # prior alone does not back a candidate


# -- the ranker ----------------------------------------------------------------------------------------
def hand_ranker(**coef) -> LinearRanker:
    return LinearRanker(tuple(coef), tuple(coef.values()), (0.0,) * len(coef), (1.0,) * len(coef), 1.0, "test")


def test_shipped_models_are_data_with_provenance():
    assert LinearRanker.load("trained") == LinearRanker.load()  # the trained model is the default
    for path in (MODEL_PATH, HAND_PATH):
        d = json.loads(path.read_text())
        assert d["format"] == "geo-linear-ranker/1" and d["version"]
        assert set(d["features"]) <= set(FEATURES) and len(d["coef"]) == len(d["features"])
    d = json.loads(MODEL_PATH.read_text())
    assert len(d["meta"]["training_data_sha256"]) == 64 and d["meta"]["cv_by_document"]
    m = LinearRanker.load("trained")
    assert LinearRanker.from_dict(m.to_dict()).coef == pytest.approx(m.coef, abs=1e-6)
    # the prominent place has a positive weight, a fuzzy match pays
    w = dict(zip(m.features, m.coef))
    assert w["prior"] > 0 and w["similarity"] < 0 and w["country_named"] > 0


def test_ranker_is_a_dot_product_of_standardised_features():
    m = LinearRanker(("prior", "country_named"), (2.0, 1.0), (0.5, 0.2), (0.25, 0.5), 0.5, "t")
    X = np.zeros((2, len(FEATURES)))
    X[0, INDEX["prior"]], X[0, INDEX["country_named"]] = 0.9, 1
    X[1, INDEX["prior"]] = 0.3
    s = m.scores(X)
    assert s[0] == pytest.approx(2 * (0.9 - 0.5) / 0.25 + (1 - 0.2) / 0.5)
    assert s[1] == pytest.approx(2 * (0.3 - 0.5) / 0.25 + (0 - 0.2) / 0.5)
    p = m.probabilities(s)
    assert p.sum() == pytest.approx(1) and p[0] == pytest.approx(1 / (1 + math.exp((s[1] - s[0]) / 0.5)))
    contrib = dict(m.contributions(X[0]))
    assert contrib["prior"] == pytest.approx(3.2) and contrib["country_named"] == pytest.approx(1.6)


def test_bad_models_are_refused_clearly(tmp_path):
    with pytest.raises(RankerError, match="features the resolver does not compute"):
        hand_ranker(prior=1.0, moon_phase=2.0)
    with pytest.raises(RankerError, match="format"):
        LinearRanker.from_dict({"format": "pickle"})
    bad = tmp_path / "m.json"
    bad.write_text("{not json")
    with pytest.raises(RankerError, match="m.json"):
        LinearRanker.load(bad)


# -- ranking decisions, end to end on the fake gazetteer -----------------------------------------------
def resolve(text, names=GZ_NAMES, ranker=None):
    gz = FakeGazetteer(names)
    r = Resolver(gz, ranker=ranker)
    mentions = []
    for name in sorted(names, key=len, reverse=True):
        start = 0
        while (i := text.find(name, start)) >= 0:
            if not any(m.start <= i < m.end for m in mentions):
                mentions.append(Mention("d", name, i, i + len(name), "GPE"))
            start = i + len(name)
    mentions.sort(key=lambda m: m.start)
    return {m.mention.text: m for m in r.resolve(Document("d", text), mentions)}, gz


def test_prominence_alone_picks_the_famous_place():
    got, _ = resolve("Rain fell on Paris.")
    assert got["Paris"].place == PARIS_FR


def test_the_text_points_elsewhere():
    got, _ = resolve("The tornado struck Paris, Texas, on Sunday.")
    assert got["Paris"].place == PARIS_TX
    got, _ = resolve("Storms hit Dallas in Texas and Paris.")
    assert got["Paris"].place == PARIS_TX  # the province named, coherence with the other place
    got, _ = resolve("Deputies in Henry County said Paris schools close early.")
    assert got["Paris"].place == PARIS_TN  # a namesake of another name is next door


def test_one_candidate_set_per_name_and_cache():
    got, gz = resolve("Paris and Paris again, then Paris.")
    assert gz.asked.count("Paris") == 1
    assert len({r.place.id for r in got.values()}) == 1


def test_score_is_a_probability_and_alternatives_share_its_scale():
    got, _ = resolve("Storms hit Dallas and Paris.")
    r = got["Paris"]
    assert 0 < r.score <= 1
    alts = r.alternatives
    assert {a.place for a in alts} == {PARIS_FR, PARIS_TN, PARIS_TX} - {r.place}
    assert [a.score for a in alts] == sorted((a.score for a in alts), reverse=True)
    assert all(0 <= a.score <= r.score for a in alts)
    assert r.score + sum(a.score for a in alts) == pytest.approx(1, abs=2e-4)
    assert got["Dallas"].score == 1.0 and got["Dallas"].alternatives == ()


def test_why_lists_the_largest_contributions():
    got, _ = resolve("The tornado struck Paris, Texas, on Sunday.")
    why = got["Paris"].why
    assert "inside Texas, named right after it +" in why
    terms = [float(t) for t in re.findall(r" ([+-]\d+\.\d)(?:, |$)", why)]
    assert len(terms) >= 2
    assert terms == sorted(terms, key=abs, reverse=True)


def test_decisions_follow_the_ranker():
    prior_only = hand_ranker(prior=1.0)
    got, _ = resolve("Storms hit Dallas and Paris.", ranker=prior_only)
    assert got["Paris"].place == PARIS_FR and got["Paris"].why.startswith("prior 0.95 +")
    local = hand_ranker(prior=1.0, admin1_others=5.0)
    got, _ = resolve("Storms hit Dallas and Paris.", ranker=local)
    assert got["Paris"].place == PARIS_TX and "in the same province as other places" in got["Paris"].why


def test_names_without_candidates_are_unplaced():
    got, _ = resolve("Rain on Zzyzx and Paris.", names={**GZ_NAMES, "Zzyzx": []})
    assert got["Zzyzx"].place is None and got["Zzyzx"].why == "no gazetteer candidate"


def test_the_ranker_is_trained_on_texts_the_tests_do_not_use():
    """bench/ranker_stories.py's training stories are other texts than the ones tests assert on."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("ranker_stories", root / "bench" / "ranker_stories.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    stories = [t for t, _ in mod.STORIES]
    assert len(stories) >= 40
    short = {json.loads(ln)["text"] for ln in (root / "tests" / "data" / "short_texts.jsonl").read_text().splitlines()
             if ln.strip()}
    tests_src = "\n".join(p.read_text(encoding="utf-8") for p in (root / "tests").glob("*.py"))
    for t in stories:
        assert t not in short and t[:40] not in tests_src, t


# -- speed without changing a number (issue 24.6) -----------------------------------------------------

def test_near_many_counts_as_near_does_for_every_name():
    import random

    rng = random.Random(24)
    places = [Place(str(100 + i), f"P{i}", rng.uniform(30.0, 40.0), rng.uniform(-100.0, -85.0), "P", "PPL", "US",
                    "TX", population=1000) for i in range(40)]
    # some places chosen for several names or mentions (weights above 1), some points shared
    chosen = {(f"n{i}", None): places[i % 25] for i in range(40)}
    groups = {k: [None] * (1 + i % 3) for i, k in enumerate(chosen)}
    o = Others.from_choices(chosen, groups)
    lats = [rng.uniform(28.0, 42.0) for _ in range(30)] + [p.lat for p in places[:5]]
    lons = [rng.uniform(-102.0, -83.0) for _ in range(30)] + [p.lon for p in places[:5]]
    seen_some, seen_none = False, False
    for view in [o] + [o.without(f"n{i}") for i in range(0, 40, 3)] + [o.without("nobody")]:
        for km in (60.0, 500.0):
            for n in (1, 4, len(lats)):  # the Python loop and numpy, by the number of pairs
                got = view.near_many(lats[:n], lons[:n], km)
                want = [view.near(la, lo, km) for la, lo in zip(lats[:n], lons[:n])]
                assert got == want
                seen_some |= any(v > 0 for v in got)
                seen_none |= any(v == 0 for v in got)
    assert seen_some and seen_none


def test_fixed_features_follow_a_list_of_candidates_changed_in_place():
    cs = [cand(PARIS_TX), cand(PARIS_FR)]
    X = feats(cs, name="Paris")
    assert row(X, 1, "top_prior") == 1.0 and row(X, 0, "top_prior") == 0.0
    cs[0] = cand(PARIS_TX, prior=0.99)  # the same list object, another candidate: not the features kept
    X = feats(cs, name="Paris")
    assert row(X, 0, "top_prior") == 1.0 and row(X, 0, "prior") == 0.99
    assert row(X, 1, "prior_gap") == pytest.approx(0.99 - 0.95)


def test_explain_lists_the_largest_contributions_of_the_features_present():
    from geo.resolve.ranker import explain

    r = LinearRanker.load()
    X = feats([cand(PARIS_FR), cand(PARIS_TX), cand(PARIS_TN)], name="Paris",
              ctx=Context(countries={"US": 2}), support={("Paris", "8"): 0.5})
    for i in range(len(X)):
        row_ = X[i]
        want = [f"{f} {v:+.1f}" for f, v in r.contributions(row_)
                if (row_[INDEX[f]] != 0 or f == "prior") and abs(v) >= 0.05][:6]
        assert want
        assert explain(r, row_, lambda f: f) == ", ".join(want)
