"""Extract stage: spaCy NER + the geo_toponyms component (gazetteer matcher + filters) -> Mentions
(real model, real gazetteer)."""
from __future__ import annotations

import pytest

from geo.extract import Sizes, chunks, extract_many, load_nlp, sentence_spans
from geo.types import Document


class Extract:
    """An nlp with NER and geo_toponyms (unknown one-word names dropped: no geocoder to try them)."""

    def __init__(self, gazetteer, sizes=None):
        self.nlp = load_nlp()
        self.nlp.add_pipe("geo_toponyms", config={"keep_unknown_words": False}).use(gazetteer=gazetteer)
        self.sizes = sizes or Sizes()

    def extract(self, doc):
        ((got_doc, ms),) = extract_many(self.nlp, [doc], self.sizes)
        assert got_doc is doc
        return ms


@pytest.fixture(scope="module")
def ex(gazetteer):
    return Extract(gazetteer)


def mentions(ex, text):
    ms = ex.extract(Document("t", text))
    for m in ms:
        assert text[m.start:m.end] == m.text
        assert m.sent_start <= m.start < m.end <= m.sent_end
    return [(m.text, m.label) for m in ms]


def texts(ex, text):
    return [t for t, _ in mentions(ex, text)]


def test_uppercase_dateline_with_state_abbreviation(ex):
    got = mentions(ex, "CHARLESTON, W.Va. - Jim McMillon won first prize at the fair.")
    assert ("CHARLESTON", "DATELINE") in got and ("W.Va.", "DATELINE") in got


def test_wire_dateline_and_titlecase_dateline(ex):
    assert ("BEIRUT", "DATELINE") in mentions(ex, "BEIRUT (Reuters) - Talks began on Monday.")
    assert ("Oslo", "DATELINE") in mentions(ex, "Oslo - \n\nThe talks began on Monday.")


def test_leading_article_and_possessive_are_not_part_of_the_name(ex):
    got = texts(ex, "Officials in the United States praised Boone County's new plan.")
    assert "United States" in got and "Boone County" in got


def test_comma_pairs_are_two_places(ex):
    got = texts(ex, "He moved to Dublin, Ohio, last year.")
    assert "Dublin" in got and "Ohio" in got


def test_place_heading_an_institution(ex):
    assert "Gainesville" in texts(ex, "According to the Gainesville Public Utilities department, the spill was small.")
    assert "Laurel County" in texts(ex, "When Laurel County Clerk Dean Johnson was inducted, the crowd cheered.")


def test_country_inside_an_organisation_but_not_the_organisation(ex):
    got = texts(ex, "He is chairman of the US Joint Chiefs of Staff and met the UN General Assembly.")
    assert got == ["US"]


def test_people_organisations_and_lowercase_noise_are_not_places(ex):
    text = ("Barack Obama met Sergei Lavrov. Obama said the Islamic State group was weak. "
            "Later the SDF attacked.\n\nmuscat daily recycle")
    assert texts(ex, text) == []


def test_disease_names_are_not_places(ex):
    assert "Ebola" not in texts(ex, "The Ebola virus spread quickly. Ebola has killed hundreds in Guinea.")


def test_demonyms_are_their_own_kind(ex):
    got = mentions(ex, "Syrian troops and Russian warplanes struck near Raqqa.")
    assert ("Syrian", "DEMONYM") in got and ("Russian", "DEMONYM") in got
    assert ("Raqqa", "GPE") in got or ("Raqqa", "GAZ") in got


def test_gazetteer_matcher_finds_names_the_model_misses(ex):
    # the small model tags this "Euphrates" as an organisation (issue 3)
    got = texts(ex, '"We have been engaged at every level to re-establish deconfliction at the Euphrates river."')
    assert "Euphrates" in got


def test_cue_words_are_recorded(ex):
    ms = {m.text: m.cue for m in ex.extract(Document("t", "Fighting in the province of Deir Ezzor and in Deir Ezzor city."))}
    assert ms["Deir Ezzor"] in {"province", "city"}
    cues = [m.cue for m in ex.extract(Document("t", "Fighting in the province of Deir Ezzor and in Deir Ezzor city."))]
    assert cues == ["province", "city"]


def test_long_text_goes_through_in_chunks_with_exact_offsets(gazetteer):
    # the same logic as a text over spaCy's limit, with small pieces: 2,000 characters, batches of 5,000
    small = Extract(gazetteer, Sizes(max_chunk=2_000, max_batch_chars=5_000))
    filler = "The council met on Tuesday to discuss the budget for next year. " * 100  # ~6,400 characters
    text = filler + "Then fighting broke out in Aleppo.\n\n" + filler + "Envoys met in Oslo."
    doc = Document("t", text, title="Talks in Geneva")
    got = small.extract(doc)
    assert [(m.text, m.field) for m in got] == [("Aleppo", "text"), ("Oslo", "text"), ("Geneva", "title")]
    assert all((text if m.field == "text" else doc.title)[m.start:m.end] == m.text for m in got)
    assert all(m.doc_id == "t" for m in got)
    # the next document starts afresh (nothing left over from the pieces of this one)
    ((_, a), (_, b)) = extract_many(small.nlp, [doc, Document("u", "Rain in Oslo.")], small.sizes)
    assert a == got and [(m.doc_id, m.text, m.start) for m in b] == [("u", "Oslo", 8)]


def test_a_lone_surrogate_keeps_the_offsets(ex):
    text = "Talks in \ud800Oslo ended. Rain fell on Bergen."  # spaCy sees a same-length stand-in
    got = ex.extract(Document("t", text))
    assert [(m.text, m.start) for m in got] == [("Oslo", 10), ("Bergen", 35)]
    assert all(text[m.start:m.end] == m.text for m in got)


def test_chunks_cover_the_text_exactly():
    text = ("para one. " * 50 + "\n\n") * 40
    pieces = list(chunks(text, 1000))
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 1000 for _, p in pieces)
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]


def test_sentence_spans():
    text = "First one. Second one here!\nThird line"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one here!", "Third line"]


def test_the_pipeline_is_an_nlp_and_resolves_a_long_document_in_pieces_together(gazetteer):
    from geo.pipeline import Pipeline

    pipe = Pipeline(gazetteer=gazetteer, progress=False)
    assert pipe.nlp.pipe_names[-2:] == ["geo_toponyms", "geo_resolver"]
    assert pipe.nlp.get_pipe("geo_toponyms") is pipe.toponyms and pipe.nlp.get_pipe("geo_resolver") is pipe.geo_resolver
    filler = "The council met on Tuesday to discuss the budget for next year. " * 60  # ~3,800 characters
    text = "Officials in Paris said the storm had passed.\n\n" + filler + "\n\nRain fell across Texas again."
    doc = Document("d", text, title="Storm news")
    whole = pipe.parse_one(doc)
    pipe.sizes.max_chunk, pipe.sizes.max_batch_chars = 1_000, 2_000  # now the text reaches spaCy in 5 pieces
    pieces = pipe.parse_one(doc)
    places = {r.mention.text: r.place for r in pieces.resolutions}
    assert list(places) == ["Paris", "Texas"]
    # Paris is placed in Texas: the document's mentions were resolved together, not piece by piece
    assert places["Paris"].country_code == "US" and places["Paris"].admin1_code == "TX"
    assert pieces.resolutions == whole.resolutions


def test_rules_given_the_docs_text_and_tokens_find_what_they_find_alone(ex):
    """The component hands the rules the Doc's text (and the rules share one list of its tokens among
    their parts): the same mentions as the rules reading everything from the Doc themselves, and the
    memoised demonym answers are the store's."""
    rules = ex.nlp.get_pipe("geo_toponyms").rules
    text = ("WASHINGTON (AP) - Syrian refugees crossed from Aleppo into Turkey, officials in Gaziantep said.\n"
            "The Laurel County Fiscal Court met on Main Street in London, Ky., near the Bay of Bengal Cafe.")
    sdoc = ex.nlp(text)
    alone = rules.find(sdoc)
    assert {m.text for m in alone} >= {"WASHINGTON", "Aleppo", "Turkey", "Gaziantep", "Syrian"}
    assert rules.find(sdoc, text=sdoc.text) == alone
    toks = list(sdoc)
    words = [t.text for t in toks]
    taken = bytearray(len(text) + 1)
    plain = list(rules._gazetteer_matches(sdoc, text, set(), set(), taken))
    shared = list(rules._gazetteer_matches(sdoc, text, set(), set(), taken, toks=toks, words=words, ents=sdoc.ents))
    assert plain and shared == plain
    local = list(rules._local_names(sdoc, text))
    assert [text[s.start:s.end] for s in local] == ["Main Street"]
    assert list(rules._local_names(sdoc, text, toks=toks, words=words)) == local
    for word in ("Syrian", "Aleppo", "Turkish"):
        assert rules._is_demonym(word) == (rules.gz.demonym(word) is not None)
