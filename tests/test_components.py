"""geo's spaCy components (geo/components.py) in real spaCy pipelines with the real model and store."""
from __future__ import annotations

import pickle

import pytest
import spacy
from spacy.tokens import Doc, DocBin

import geo.components  # noqa: F401  (registers the factories)
from geo.components import GeoResolver, mentions_of
from geo.extract import DEFAULT_MODEL
from geo.pipeline import Pipeline
from geo.types import Document, Place

TEXT = "Fighting continued near Deir Ezzor, east of the Euphrates. Syrian troops also entered Raqqa."


@pytest.fixture(scope="module")
def nlp(gazetteer):
    nlp = spacy.load(DEFAULT_MODEL, exclude=["parser", "lemmatizer"])
    nlp.add_pipe("geo_toponyms").use(gazetteer=gazetteer)
    nlp.add_pipe("geo_resolver").use(gazetteer=gazetteer)
    return nlp


def _places(doc: Doc) -> dict[str, Place | None]:
    return {s.text: s._.geo_place for s in doc.spans["geo"]}


def test_spans_and_extensions_on_a_real_text(nlp):
    doc = nlp(TEXT)
    spans = {s.text: s for s in doc.spans["geo"]}
    assert list(spans) == ["Deir Ezzor", "Euphrates", "Syrian", "Raqqa"]
    deir, euph, syr = spans["Deir Ezzor"], spans["Euphrates"], spans["Syrian"]
    assert deir._.geo_place.name == "Deir ez-Zor" and deir._.geo_place.country_code == "SY"
    assert deir.label_ == "GPE" and syr.label_ == "DEMONYM" and syr._.geo_place.feature_code == "PCLI"
    assert euph._.geo_place.feature_code == "STM" and euph._.geo_source == "gazetteer"
    assert 0 < deir._.geo_score <= 1 and "in SY" in deir._.geo_why
    # the runner-up: the governorate of the same name, scored lower
    alts = deir._.geo_candidates
    assert alts and alts[0].place.feature_code == "ADM1" and alts[0].score < deir._.geo_score
    m = deir._.geo_mention
    assert doc.text[m.start:m.end] == "Deir Ezzor" and m.label == "GPE"


def test_same_answers_as_geo_pipeline(nlp, gazetteer):
    texts = [TEXT, "CHARLESTON, W.Va. - Flooding closed roads in Kanawha County and the city of Huntington.",
             "Gainesville Police said the Alachua County Sheriff and officials in Ocala, Fla., agreed."]
    pipe = Pipeline(gazetteer=gazetteer, progress=False)
    for i, text in enumerate(texts):
        pd = pipe.parse_one(Document(f"t{i}", text))
        doc = nlp(text)
        assert [(r.mention.start, r.mention.end, r.mention.label, r.place.id if r.place else None, r.score, r.why)
                for r in pd.resolutions] == \
            [(s._.geo_mention.start, s._.geo_mention.end, s.label_, s._.geo_place.id if s._.geo_place else None,
              s._.geo_score, s._.geo_why) for s in doc.spans["geo"]]


def test_toponyms_alone_and_a_blank_pipeline_with_sourced_ner(gazetteer):
    src = spacy.load(DEFAULT_MODEL)
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec", source=src)
    nlp.add_pipe("ner", source=src)
    nlp.add_pipe("geo_toponyms").use(gazetteer=gazetteer)
    doc = nlp("Fighting continued near Deir Ezzor, east of the Euphrates river.")
    assert [(s.text, s.label_) for s in doc.spans["geo"]] == [("Deir Ezzor", "GPE"), ("Euphrates", "LOC")]
    assert all(s._.geo_place is None for s in doc.spans["geo"])  # no resolver in this pipeline
    assert doc.spans["geo"][1]._.geo_cue == "river"
    assert [(m.doc_id, m.text) for m in mentions_of(doc, "d")] == [("d", "Deir Ezzor"), ("d", "Euphrates")]


def test_without_ner_the_error_says_what_to_do(gazetteer):
    nlp = spacy.blank("en")
    nlp.add_pipe("geo_toponyms").use(gazetteer=gazetteer)
    with pytest.raises(ValueError, match="after the 'ner' component"):
        nlp("Rain in Oslo.")
    nlp2 = spacy.blank("en")
    nlp2.add_pipe("geo_resolver").use(gazetteer=gazetteer)
    with pytest.raises(ValueError, match="add 'geo_toponyms' before it"):
        nlp2("Rain in Oslo.")


def test_config_round_trip_through_disk(tmp_path, gazetteer):
    nlp = spacy.load(DEFAULT_MODEL, exclude=["parser", "lemmatizer"])
    nlp.add_pipe("geo_toponyms", config={"gazetteer_path": str(gazetteer.path), "demonyms": False})
    nlp.add_pipe("geo_resolver", config={"gazetteer_path": str(gazetteer.path), "geocoder": None})
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.pipe_names[-2:] == ["geo_toponyms", "geo_resolver"]
    cfg = loaded.config["components"]
    assert cfg["geo_toponyms"]["demonyms"] is False and cfg["geo_toponyms"]["gazetteer_path"] == str(gazetteer.path)
    assert cfg["geo_resolver"]["geocoder"] is None
    doc = loaded("Syrian troops entered Raqqa.")
    assert list(_places(doc)) == ["Raqqa"]  # demonyms off, as configured
    assert _places(doc)["Raqqa"].country_code == "SY"


def test_docs_serialise_and_components_pickle(nlp, gazetteer):
    doc = nlp(TEXT)
    db = DocBin(store_user_data=True)
    db.add(doc)
    (back,) = DocBin(store_user_data=True).from_bytes(db.to_bytes()).get_docs(nlp.vocab)
    assert _places(back) == _places(doc)
    comp = pickle.loads(pickle.dumps(nlp.get_pipe("geo_resolver")))
    assert isinstance(comp, GeoResolver) and comp._gz is None  # reopened lazily in the receiving process
    assert comp.gazetteer.path == gazetteer.path


@pytest.mark.slow
def test_multiprocess_pipe(nlp):
    texts = ["Rain in Paris, Texas.", "Snow fell in Oslo and Bergen.", TEXT]
    one = [[(s.text, s._.geo_place.id) for s in d.spans["geo"]] for d in nlp.pipe(texts)]
    two = [[(s.text, s._.geo_place.id) for s in d.spans["geo"]] for d in nlp.pipe(texts, n_process=2)]
    assert one == two and one[1] == [("Oslo", one[1][0][1]), ("Bergen", one[1][1][1])]
