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
        assert pd.resolutions, text  # both found places: the comparison is not between two empty lists
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


# -- titles are text (issue 13.5) -------------------------------------------------------------------------

def test_title_places_are_extracted_with_title_offsets(gazetteer):
    pipe = Pipeline(gazetteer=gazetteer, progress=False)
    title = "Fighting near Deir Ezzor as Syrian troops advance"
    pd = pipe.parse_one(Document("a", "Shelling went on overnight, residents said.", title=title))
    got = [(r.mention.field, r.mention.text, r.place.name if r.place else None) for r in pd.resolutions]
    assert ("title", "Deir Ezzor", "Deir ez-Zor") in got and ("title", "Syrian", "Syria") in got
    for r in pd.resolutions:
        assert r.mention.field == "title" and title[r.mention.start:r.mention.end] == r.mention.text
        assert r.mention.sent_start <= r.mention.start < r.mention.end <= r.mention.sent_end <= len(title)


def test_title_and_body_give_each_other_context(gazetteer):
    pipe = Pipeline(gazetteer=gazetteer, progress=False)
    pd = pipe.parse_one(Document("a", "Officials in Paris said the storm had passed.", title="Storm hits Texas"))
    by = {(r.mention.field, r.mention.text): r for r in pd.resolutions}
    assert by[("title", "Texas")].place.feature_code == "ADM1"
    assert by[("text", "Paris")].place.country_code == "US"  # Paris, Texas: the headline says where


def test_a_title_repeated_in_the_text_is_not_counted_twice(gazetteer):
    pipe = Pipeline(gazetteer=gazetteer, progress=False)
    text = "Floods in Mozambique\n\nRain fell on Beira for a week."
    pd = pipe.parse_one(Document("a", text, title="Floods in Mozambique"))
    assert [(r.mention.field, r.mention.text) for r in pd.resolutions] == [("text", "Mozambique"), ("text", "Beira")]


def test_geo_parse_scans_the_title():
    import geo

    pd = geo.parse("No place is named here.", title="Quake shakes Lima")
    (r,) = pd.resolved
    assert (r.mention.field, r.mention.text, r.place.country_code) == ("title", "Lima", "PE")


def test_title_mentions_in_jsonl_map_snippets_and_not_in_eval(gazetteer, tmp_path):
    import json

    from conftest import cli_ok

    from geo.evaluate import GoldArticle, GoldToponym, Scores, score_document
    from geo.outputs.aggregate import aggregate

    art = tmp_path / "a.json"
    art.write_text(json.dumps({"title": "Protests spread to Nairobi", "text": "Crowds gathered on Monday."}))
    out = cli_ok("extract", str(art), "--offline", "-q").stdout
    (rec,) = [json.loads(line) for line in out.splitlines()]
    (m,) = rec["mentions"]
    assert m["field"] == "title" and rec["title"][m["start"]:m["end"]] == "Nairobi" and m["country_code"] == "KE"
    pipe = Pipeline(gazetteer=gazetteer, progress=False)
    pd = pipe.parse_one(Document("a", "On Monday crowds gathered in Mombasa.", title="Protests spread to Nairobi"))
    (entry,) = [e for e in aggregate([pd]) if e.place.name == "Nairobi"]
    (sn,) = entry.documents[0].snippets
    assert sn.text == "Protests spread to Nairobi"
    # eval scores the body only: a gold toponym at the title mention's offsets is not matched by it
    tm = next(r.mention for r in pd.resolutions if r.mention.field == "title")
    sc = Scores()
    score_document(sc, GoldArticle("a", pd.document.text, (GoldToponym(tm.start, tm.end, "Nairobi"),)), pd)
    assert sc.tp_exact == 0 and sc.predicted == 1  # Mombasa, from the body


# -- offline and online give the same mentions (issue 13.7) ------------------------------------------------

def test_same_mentions_offline_and_with_a_geocoder_that_knows_nothing(gazetteer, tmp_path):
    from nominatim_server import NominatimServer

    from geo.geocoders.config import Config
    from geo.geocoders import make_geocoder

    texts = ["Boats crossed the Mediterranean on Sunday. Ukrainian officials met in Istanbul, while Hamas "
             "said Gaza was calm. Zzyzxgrad and the Qwertyvale Valley were shelled.",
             "CHARLESTON, W.Va. - Jim McMillon of Blorptown won first prize at the Kanawha County fair."]
    offline = Pipeline(gazetteer=gazetteer, progress=False)
    with NominatimServer() as srv:
        geocoder = make_geocoder(url=srv.url, cache_dir=tmp_path / "cache", config=Config(), backoff=0.05)
        online = Pipeline(gazetteer=gazetteer, geocoder=geocoder, progress=False)
        docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
        on = list(online.parse(docs))
        geocoder.close()
    off = list(offline.parse(docs))
    assert srv.requests  # the geocoder was asked (and knew nothing)
    assert [pd.resolutions for pd in on] == [pd.resolutions for pd in off]
    names = {r.mention.text: r for r in off[0].resolutions}
    assert names["Mediterranean"].place.feature_code == "SEA"
    assert names["Ukrainian"].mention.label == "DEMONYM" and names["Ukrainian"].place.country_code == "UA"
    assert "Zzyzxgrad" not in names  # a lone unknown word nobody could place is not reported


def test_both_components_take_their_language_from_one_rule():
    """geo.lang.for_nlp: the ``lang`` setting, else ``nlp.lang``, else "en"; the data is checked at once."""
    from geo import lang as languages
    from geo.extract.component import GeoToponyms

    fr = spacy.blank("fr")
    assert languages.for_nlp(fr) == "fr"
    assert languages.for_nlp(fr, "en") == "en"
    assert languages.for_nlp(None) == "en"
    assert GeoToponyms(fr).lang == GeoResolver(fr).lang == "fr"
    assert GeoToponyms(fr, lang="en").lang == GeoResolver(fr, lang="en").lang == "en"
    with pytest.raises(ValueError, match="no language data for 'xx'"):
        languages.for_nlp(spacy.blank("xx"))
    with pytest.raises(ValueError, match="no language data for 'zz'"):
        GeoResolver(fr, lang="zz")
