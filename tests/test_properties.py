"""Property-based tests (issue 5, item 4): for any Unicode text, extraction and resolution never raise,
offsets index the text, mentions do not overlap and lie inside their sentence, and the JSONL is valid.

The properties run on one shared, loaded pipeline (``Pipeline.parse_one(document_from_text(text))``, which
is exactly what ``geo.parse(text)`` does); ``geo.parse`` itself is checked separately below.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.documents import document_from_text
from geo.outputs import jsonl as export
from geo.types import Document, ParsedDocument
from text_samples import DOC_KEYS, LABELS, MENTION_KEYS, any_text

ROOT = Path(__file__).resolve().parents[1]
PROPS = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def pipe(gazetteer):
    from geo.pipeline import Pipeline

    return Pipeline(gazetteer=gazetteer, progress=False)


def source_text(doc: Document, field: str) -> str:
    """The text a mention's offsets index: the document's text, or its title for ``field == "title"``."""
    return doc.title if field == "title" else doc.text


def check_parsed(doc: Document, pd: ParsedDocument) -> None:
    """The invariants every ParsedDocument keeps, whatever the text."""
    assert pd.document == doc
    prev_end = {"text": 0, "title": 0}
    for r in pd.resolutions:
        m = r.mention
        assert m.doc_id == doc.id
        assert m.label in LABELS, m
        assert m.field in ("text", "title"), m
        text = source_text(doc, m.field)  # a headline's mentions index the title (issue 13.5)
        assert isinstance(m.start, int) and isinstance(m.end, int)
        assert 0 <= m.start < m.end <= len(text), m
        assert text[m.start:m.end] == m.text, m
        assert m.start >= prev_end[m.field], f"{m} overlaps the mention before it"  # sorted, disjoint per field
        prev_end[m.field] = m.end
        assert 0 <= m.sent_start <= m.start < m.end <= m.sent_end <= len(text), m
        assert math.isfinite(r.score) and 0.0 <= r.score <= 1.0, r
        if r.place is None:
            assert r.source is None, r
        else:
            p = r.place
            assert r.source in {"gazetteer", "geocoder"}, r
            assert math.isfinite(p.lat) and math.isfinite(p.lon), p
            assert -90.0 <= p.lat <= 90.0 and -180.0 <= p.lon <= 180.0, p
            assert p.name and p.feature_class and p.feature_code, p


def _no_nan(token: str):
    raise ValueError(f"non-standard JSON constant {token}")


def check_jsonl(pd: ParsedDocument, lines: list[str]) -> None:
    """One valid JSON object per line, with the documented keys, whose mentions index the document text."""
    doc = pd.document
    assert len(lines) == 1
    line = lines[0]
    assert line.endswith("\n") and "\n" not in line[:-1] and "\r" not in line
    line.encode("utf-8")  # writable as UTF-8
    rec = json.loads(line, parse_constant=_no_nan)  # strict JSON: no NaN / Infinity
    assert isinstance(rec, dict) and DOC_KEYS <= rec.keys(), rec.keys()
    assert rec["doc"] == (doc.path if doc.path is not None else doc.id) and rec["title"] == doc.title
    assert len(rec["mentions"]) == len(pd.resolutions)
    for m, r in zip(rec["mentions"], pd.resolutions):
        assert MENTION_KEYS <= m.keys(), m.keys()
        # the "field" key is there for a headline's mentions only, and then their offsets index the title
        assert m.get("field", "text") == r.mention.field and m.get("field") != "text", m
        assert source_text(doc, r.mention.field)[m["start"]:m["end"]] == m["text"] == r.mention.text
        assert m["label"] == r.mention.label
        assert type(m["start"]) is int and type(m["end"]) is int
        assert isinstance(m["score"], (int, float)) and 0 <= m["score"] <= 1
        if r.place is None:
            assert m["name"] is m["lat"] is m["lon"] is m["source"] is m["geonameid"] is None
        else:
            assert m["name"] == r.place.name and m["source"] == r.source
            assert isinstance(m["lat"], float) and isinstance(m["lon"], float)
            assert abs(m["lat"] - r.place.lat) < 1e-5 and abs(m["lon"] - r.place.lon) < 1e-5
            assert m["geonameid"] is None or type(m["geonameid"]) is int


HOSTILE_EXAMPLES = [
    "",
    "\x00",
    "BEIRUT (Reuters) -",
    "BEIRUT (Reuters) - Fighting near Deir Ezzor, east of the Euphrates River, and in Aleppo, Syria.",
    "Aleppo\u0301, Syria\x00 and \u202eDamascus\u202c",
    "ALEPPO" * 2000,
    "Syria" + "\u0301" * 500,
    "\U0001F1F8\U0001F1FE Syria \U0001F1F8\U0001F1FE",
    "دمشق Damascus حلب Aleppo",
    "Washington,\u2028D.C.\u2029New York\x85Ohio",
    "Gainesville, Ga.",
    "U.S.",
    "\r\n\r\nOSLO -\r\nTirana\r",
]


@PROPS
@given(text=any_text())
@example(text=HOSTILE_EXAMPLES[0])
@example(text=HOSTILE_EXAMPLES[3])
@example(text=HOSTILE_EXAMPLES[4])
def test_any_text_parses_with_offsets_inside_the_text(pipe, text):
    doc = document_from_text(text)
    check_parsed(doc, pipe.parse_one(doc))


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES, ids=[f"hostile{i}" for i in range(len(HOSTILE_EXAMPLES))])
def test_hostile_examples(pipe, text):
    doc = document_from_text(text)
    pd = pipe.parse_one(doc)
    check_parsed(doc, pd)
    check_jsonl(pd, list(export.jsonl_lines([pd])))


@PROPS
@given(text=any_text(), title=st.text(max_size=50))
# found by this test (issue 24): random titles that resolved to a place ('Mð' -> Maryland, 'NaN' -> Nan,
# Thailand, 'Dn' -> a Yemeni governorate) made the helpers index the body with a title offset
@example(text="0", title="Mð")
@example(text="", title="NaN")
@example(text="", title="Dn")
@example(text="Fighting in Aleppo, Syria.", title="NaN")
def test_jsonl_is_valid_for_any_text(pipe, text, title):
    doc = document_from_text(text, title=title)
    pd = pipe.parse_one(doc)
    check_parsed(doc, pd)
    check_jsonl(pd, list(export.jsonl_lines([pd])))


@pytest.mark.parametrize("text, title", [("x", "Oslo, Norway"), ("Rain in Oslo.", "Floods in Damascus"),
                                         ("Fighting in Aleppo, Syria.", "Envoys meet in Moscow")])
def test_title_mentions_index_the_title(pipe, text, title):
    """The helpers above follow a mention's field: these titles do give title mentions, checked by them."""
    doc = document_from_text(text, title=title)
    pd = pipe.parse_one(doc)
    titled = [r.mention for r in pd.resolutions if r.mention.field == "title"]
    assert titled, f"no mention found in the title {title!r}: the helpers' title branch is not exercised"
    for m in titled:
        assert title[m.start:m.end] == m.text
    check_parsed(doc, pd)
    check_jsonl(pd, list(export.jsonl_lines([pd])))


@PROPS
@given(texts=st.lists(any_text(), min_size=1, max_size=6))
def test_batched_parse_equals_one_at_a_time(pipe, texts):
    """``parse_many`` streams spaCy batches: a document's result must not depend on its batch-mates."""
    docs = [document_from_text(t, id=f"text-{i}") for i, t in enumerate(texts)]
    batched = list(pipe.parse(docs))
    assert [pd.document for pd in batched] == docs
    for doc, pd in zip(docs, batched):
        check_parsed(doc, pd)
        assert pd == pipe.parse_one(doc)


def test_jsonl_written_through_atomic_open_reads_back(pipe, tmp_path):
    """JSONL with every hostile example, written as the CLI writes it, reads back line by line."""
    from geo.io import atomic_open

    docs = [document_from_text(t, id=f"text-{i}") for i, t in enumerate(HOSTILE_EXAMPLES)]
    parsed = list(pipe.parse(docs))
    out = tmp_path / "out.jsonl"
    with atomic_open(out) as fh:
        for line in export.jsonl_lines(parsed):
            fh.write(line)
    with open(out, encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    assert lines[-1] == "" and len(lines) == len(parsed) + 1
    for pd, line in zip(parsed, lines):
        check_jsonl(pd, [line + "\n"])
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def _write_article(folder: Path, text: str, kind: str) -> Path:
    if kind == ".json":
        data = json.dumps({"title": "t", "text": text}, ensure_ascii=False)
    elif kind == ".jsonl":
        data = json.dumps({"text": text}, ensure_ascii=False) + "\n" + json.dumps({"text": text[::-1]}) + "\n"
    else:
        data = text
    f = folder / f"article{kind}"
    f.write_text(data, encoding="utf-8", newline="")
    return f


@PROPS
@given(text=any_text(), kind=st.sampled_from([".txt", ".md", ".json", ".jsonl"]))
def test_any_text_in_a_file_reads_parses_and_exports(pipe, tmp_path_factory, text, kind):
    """From a file: either a clear DocumentError naming the file, or documents that parse and export."""
    from geo.documents import iter_documents

    f = _write_article(tmp_path_factory.mktemp("art"), text, kind)
    errors, warnings = [], []
    docs = list(iter_documents([str(f)], on_error=errors.append, on_warning=warnings.append))
    assert docs or errors or warnings, f"{f.name}: no document, and no error or warning saying why"
    for e in errors:
        assert str(f) in str(e) and e.problem, e
    if kind in (".json", ".jsonl") and text.strip():  # JSON keeps the text, newlines normalised to \n
        assert docs and docs[0].text == text.replace("\r\n", "\n").replace("\r", "\n")
    for doc, pd in zip(docs, pipe.parse(docs)):
        check_parsed(doc, pd)
        check_jsonl(pd, list(export.jsonl_lines([pd])))


# -- bugs found by these tests, fixed since: regression tests ---------------------------------------------

def test_public_parse_works_after_geo_pipeline_is_imported():
    """Regression: the submodule geo.pipeline once replaced the function of that name, so geo.parse() raised
    TypeError: 'module' object is not callable (found by these tests; fixed by renaming it default_pipeline)."""
    import geo
    import geo.pipeline  # noqa: F401  (as the CLI, or anyone using geo.pipeline.Pipeline, does)

    pd = geo.parse("Fighting in Aleppo, Syria.")
    (pd2,) = geo.parse_many(texts=["Envoys met in Oslo."])  # raw text is passed explicitly (issue 13.1)
    assert [r.place.name for r in pd.resolved + pd2.resolved] == ["Aleppo", "Syria", "Oslo"]


def test_text_with_lone_surrogate_parses(pipe):
    doc = document_from_text("Aleppo \ud800 Syria \udc80")
    check_parsed(doc, pipe.parse_one(doc))


def test_text_longer_than_spacy_max_length_parses(pipe):
    text = "\n" * 1_000_000 + "Fighting in Aleppo, Syria."
    doc = document_from_text(text)
    pd = pipe.parse_one(doc)
    check_parsed(doc, pd)
    assert [r.mention.text for r in pd.resolutions] == ["Aleppo", "Syria"]
    assert pd.resolutions[0].mention.start == 1_000_012


def test_cli_extract_of_one_megabyte_article(gazetteer, tmp_path):
    from conftest import cli_ok

    f = tmp_path / "long.txt"
    f.write_text("Long read\n" + " " * 1_000_000 + "\nFighting in Aleppo, Syria.\n", encoding="utf-8")
    proc = cli_ok("extract", str(f), "--offline", "-q", env={"GEO_GAZETTEER_PATH": str(gazetteer.path)})
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    rec = json.loads(proc.stdout)
    assert [m["text"] for m in rec["mentions"]] == ["Aleppo", "Syria"]


def test_cli_extract_json_article_with_escaped_lone_surrogate(gazetteer, tmp_path):
    """A real process: what its UTF-8 stdout does with a lone surrogate is the point."""
    f = tmp_path / "articles.jsonl"
    f.write_text('{"text": "Fighting in Aleppo, Syria \\ud800 today."}\n{"text": "Envoys met in Oslo."}\n',
                 encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "geo.cli", "extract", str(f), "--offline", "-q"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "GEO_GAZETTEER_PATH": str(gazetteer.path)})
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 0
    names = [m["name"] for line in proc.stdout.splitlines() for m in json.loads(line)["mentions"]]
    assert "Oslo" in names  # the good document is not lost
