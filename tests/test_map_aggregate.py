"""The incremental, bounded Aggregator behind the map and the GeoJSON export."""
from __future__ import annotations

import dataclasses

import pytest

from geo.focus import focus_ids
from geo.outputs.aggregate import Aggregator, aggregate
from geo.outputs.map import build_map_from_entries, map_data, render_html
from geo.types import Alternative, Document

from map_samples import ALEPPO, DAMASCUS, RAQQA, SYRIA, parsed, syria_corpus


def _key(entries):
    return [(e.place.id, e.mentions, e.document_count, e.names,
             [(dm.document.id, dm.index, dm.mentions, [s.parts for s in dm.snippets], dm.more_snippets)
              for dm in e.documents]) for e in entries]


def test_incremental_adds_give_what_aggregate_gives():
    corpus = syria_corpus()
    agg = Aggregator(snippets=5)
    for pd in corpus:
        agg.add(pd)
    assert agg.entries() and _key(agg.entries()) == _key(aggregate(corpus))
    assert agg.document_count == 2 and len(agg) == 6
    # entries() is a snapshot: adding goes on afterwards
    agg.add(corpus[0])
    raqqa = next(e for e in agg.entries() if e.place.id == RAQQA.id)
    assert raqqa.mentions == 4 and raqqa.document_count == 2 and [dm.index for dm in raqqa.documents] == [0, 2]


def test_document_texts_are_not_kept():
    agg = Aggregator()
    agg.add(syria_corpus()[0])
    assert agg.entries()
    for e in agg.entries():
        for dm in e.documents:
            assert dm.document.text == "" and dm.document.title == "Battle for Raqqa"


def test_mentions_with_their_sentence_give_the_same_snippets_as_the_whole_text():
    """Results read back from a file carry each mention's sentence, not the article."""
    corpus = syria_corpus()
    assert corpus and all(pd.resolutions for pd in corpus)
    agg = Aggregator(snippets=5)
    for pd in corpus:
        meta = dataclasses.replace(pd.document, text="")
        for r in pd.resolutions:
            m = r.mention
            agg.add_mention(meta, r, pd.document.text[m.sent_start:m.sent_end])
    assert _key(agg.entries()) == _key(aggregate(corpus))
    # a mention with no text at all is counted, without a snippet
    agg2 = Aggregator()
    r = corpus[0].resolutions[0]
    agg2.add_mention(Document("x", ""), r)
    (e,) = agg2.entries()
    assert e.mentions == 1 and e.documents[0].snippets == ()


def test_memory_is_bounded_per_place():
    """A place named in many documents keeps the first few documents' snippets, and counts the rest."""
    agg = Aggregator(snippets=2, documents=3)
    for k in range(50):
        agg.add(parsed(f"d{k}", f"Aleppo saw protests on day {k}. Aleppo was calm. Aleppo again. Then Damascus.",
                       [("Aleppo", ALEPPO), ("Damascus", DAMASCUS)]))
    entries = agg.entries()
    aleppo = next(e for e in entries if e.place.id == ALEPPO.id)
    assert aleppo.mentions == 150 and aleppo.document_count == 50 and aleppo.more_documents == 47
    assert [dm.document.id for dm in aleppo.documents] == ["d0", "d1", "d2"]
    assert all(len(dm.snippets) == 2 and dm.more_snippets == 1 for dm in aleppo.documents)
    # what the map shows: "+ 47 more articles"
    data = map_data(entries=entries)
    row = next(p for p in data["places"] if p["name"] == "Aleppo")
    assert row["moreDocs"] == 47 and len(row["docs"]) == 3


def test_best_score_and_alternatives_are_kept():
    pd = parsed("d", "Aleppo and Damascus.", [("Aleppo", ALEPPO), ("Damascus", DAMASCUS)])
    alt = (Alternative(SYRIA, 0.2),)
    res = tuple(dataclasses.replace(r, score=0.7, alternatives=alt) if r.place is ALEPPO else r
                for r in pd.resolutions)
    agg = Aggregator()
    agg.add(dataclasses.replace(pd, resolutions=res), focus=[DAMASCUS.id])
    by = {e.place.id: e for e in agg.entries()}
    assert by[ALEPPO.id].best_score == 0.7 and by[ALEPPO.id].alternatives == alt
    assert by[DAMASCUS.id].focus == 1 and by[ALEPPO.id].focus == 0


def test_map_from_entries_matches_the_map_from_documents():
    from geo.outputs.map import build_map
    corpus = syria_corpus()
    agg = Aggregator(snippets=3, documents=20)
    for pd in corpus:
        agg.add(pd, focus=focus_ids(pd))
    a = render_html(build_map(corpus, tiles=None, basemap=False))
    b = render_html(build_map_from_entries(agg.entries(), tiles=None, basemap=False,
                                           documents=[pd.document for pd in corpus]))
    assert a == b


def test_bad_bounds_are_refused():
    with pytest.raises(ValueError):
        Aggregator(snippets=-1)
