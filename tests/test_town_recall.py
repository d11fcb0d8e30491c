"""Lesser towns named once (issue 19, "missed though in the gazetteer"): a small town or area that spaCy's
small model does not tag as a place and that is too minor for the gazetteer matcher's lone-word gate is
taken where the text itself says a place follows -- right after a locative preposition ("at", "from",
"between"...) or in a list begun after one -- when it is the own name of a town few places share, in a
country where the text's well-known places lie; never a person's name in the text, a place of another
country, a name many towns share or a word qualifying a noun. Texts written for these tests (not the
held-out bench/news_eval set). Real spaCy model, real gazetteer."""
from __future__ import annotations

import pytest

from geo.pipeline import Pipeline

from parse_util import placed as pipe_placed  # tests/ is on sys.path (rootdir conftest)


@pytest.fixture(scope="module")
def pipe(gazetteer):
    return Pipeline(gazetteer=gazetteer, progress=False)


def _town_in(placed: dict, name: str, cc: str) -> None:
    assert name in placed, f"{name!r} not placed: {sorted(placed)}"
    p = placed[name]
    assert p.feature_class == "P" and p.country_code == cc, (name, p.name, p.feature_code, p.country_code)


# -- taken ---------------------------------------------------------------------------------------------------

def test_small_towns_listed_after_from(pipe):
    """NER calls both towns organisations; "from" puts the first, "and" lists the second."""
    placed = pipe_placed(pipe, "Fighting in South Sudan forced families from Torit and Kapoeta toward the border on Tuesday.")
    _town_in(placed, "Torit", "SS")
    _town_in(placed, "Kapoeta", "SS")


def test_town_listed_after_between(pipe):
    placed = pipe_placed(pipe, "Floods in Peru cut off villages between Nauta and Requena, officials in Iquitos said.")
    _town_in(placed, "Nauta", "PE")
    _town_in(placed, "Requena", "PE")


def test_town_ner_calls_a_person_once(pipe):
    """"the camps at Kakuma and Dadaab": NER calls both people; each is so named once, after "at"."""
    placed = pipe_placed(pipe, "Aid convoys left Nairobi for northern Kenya and reached the camps at Kakuma and Dadaab "
                           "two days later.")
    _town_in(placed, "Dadaab", "KE")
    _town_in(placed, "Kakuma", "KE")


def test_town_after_at_then_its_country(pipe):
    placed = pipe_placed(pipe, "The clinic that Medecins Sans Frontieres runs at Kapoeta in South Sudan was full.")
    _town_in(placed, "Kapoeta", "SS")


# -- not taken -----------------------------------------------------------------------------------------------

def test_a_persons_name_in_the_text_is_not_a_town(pipe):
    placed = pipe_placed(pipe, "Maria Kapoeta, a nurse, said aid in South Sudan was scarce. A letter from Kapoeta reached Juba.")
    assert "South Sudan" in placed
    assert "Kapoeta" not in placed


def test_a_town_of_another_country_than_the_texts_is_not_taken(pipe):
    placed = pipe_placed(pipe, "Refugees crossed into Kenya at Kapoeta, officials in Nairobi said.")
    assert placed["Kenya"].country_code == "KE"
    assert "Kapoeta" not in placed


def test_a_name_many_towns_share_is_not_taken(pipe):
    """Harvard is a small town in three US states (and a university): "from Harvard" is no town."""
    placed = pipe_placed(pipe, "A letter from Harvard reached officials in Boston, Massachusetts.")
    assert placed["Massachusetts"].country_code == "US"
    assert "Harvard" not in placed


def test_a_name_qualifying_a_noun_is_not_taken(pipe):
    placed = pipe_placed(pipe, "Aid workers in South Sudan met traders from Kapoeta markets on Monday.")
    assert "South Sudan" in placed
    assert "Kapoeta" not in placed


# -- a site named after its town -----------------------------------------------------------------------------

def test_town_naming_a_site_in_a_province_the_text_names(pipe):
    """"the Bonny terminal": the town, in the state the text names (NER calls it a person)."""
    placed = pipe_placed(pipe, "Militants attacked a pipeline in Rivers State, Nigeria, cutting exports from the Bonny terminal.")
    _town_in(placed, "Bonny", "NG")


def test_town_naming_a_site_in_another_province_is_not_taken(pipe):
    """Kapoeta lies in South Sudan, not in the Kenya of the text: "the Kapoeta market" is no town here."""
    placed = pipe_placed(pipe, "Officials in Nairobi said the Kapoeta market reopened.")
    assert placed["Nairobi"].country_code == "KE"
    assert "Kapoeta" not in placed
