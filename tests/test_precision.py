"""Every resolution's ``precision`` (exact / town / region / country) in every output, and the filter on it:
``--precision LEVELS`` on ``geo map`` (articles and results) and ``geo extract``, and the map's own filter."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.outputs.registry import WRITERS, Options, Source
from geo.types import ParsedDocument, Place

from map_samples import ALEPPO, IRAQ, SYRIA, parsed, syria_corpus

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "us-urges-syria-cooperation-with-russia-after-strike.txt"
HOMS = Place("169577", "Homs", 34.72682, 36.72339, "P", "PPLA", "SY", "11", "Homs", 775404, 0.6, 169577)
IDLIB = Place("169388", "Idlib Governorate", 35.75, 36.5, "A", "ADM1", "SY", "12", "Idlib", 1_500_000, 0.5, 169388)
#: What each place's precision is in :func:`precise_corpus` (a place's: its most precise mention's).
EXPECTED = {"Ar Raqqah": "exact", "Euphrates": "exact", "Damascus": "exact", "Aleppo": "exact", "Syria": "country",
            "Iraq": "country", "Homs": "town", "Idlib Governorate": "region"}


def _with_precision(pd: ParsedDocument, by_name: dict[str, str]) -> ParsedDocument:
    return ParsedDocument(pd.document, tuple(
        dataclasses.replace(r, precision=by_name[r.mention.text]) if r.place is not None else r
        for r in pd.resolutions))


def precise_corpus() -> list[ParsedDocument]:
    """The Syria sample with each mention's precision as the resolver sets it, and a third article with a
    square put at the town named with it (town) and a camp put at the province (region)."""
    a, b = syria_corpus()
    own = {"Raqqa": "exact", "Euphrates": "exact", "Damascus": "exact", "Syria": "country", "Aleppo": "exact",
           "Iraq": "country"}
    c = parsed("news/homs.txt", "Protesters filled Clock Square on Friday. Families fled to Atmeh Camp. "
               "Aleppo stayed calm.",
               [("Clock Square", HOMS), ("Atmeh Camp", IDLIB), ("Aleppo", ALEPPO)], title="Protests",
               date="2017-06-03")
    return [_with_precision(a, own), _with_precision(b, own),
            _with_precision(c, {"Clock Square": "town", "Atmeh Camp": "region", "Aleppo": "exact"})]


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def write_results(path: Path, docs) -> Path:
    from geo.outputs.jsonl import extract_record, jsonl_line

    path.write_text("".join(jsonl_line(extract_record(pd)) for pd in docs), encoding="utf-8")
    return path


def _map_places(html: str) -> list[dict]:
    import re

    m = re.search(r'<script type="application/json" id="\w+_data">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


# -- the precision in each writer's output -------------------------------------------------------------

@pytest.fixture(scope="module")
def written(tmp_path_factory, gazetteer):
    """Every writer's file of the precise corpus (articles mode)."""
    out = tmp_path_factory.mktemp("precision")
    files = {}
    for fmt in ("map", "geojson", "gpkg", "csv", "jsonl", "parquet"):
        if fmt == "gpkg":
            pytest.importorskip("pyogrio")
        if fmt == "parquet":
            pytest.importorskip("geopandas")
        path = out / f"out{WRITERS[fmt].suffixes[0]}"
        WRITERS[fmt].write(Source(parsed=precise_corpus(), gazetteer=gazetteer), path, Options(tiles=None))
        files[fmt] = path
    return files


def test_the_map_data_popups_and_filter_list_carry_the_precision(written):
    data = _map_places(written["map"].read_text(encoding="utf-8"))
    got = {p["name"]: p.get("precision", "exact") for p in data["places"]}  # "exact", the default, is left out
    assert got == EXPECTED
    assert [(q["key"], q["count"]) for q in data["precisions"]] == [("exact", 4), ("town", 1), ("region", 1),
                                                                     ("country", 2)]
    assert data["ui"]["precision_town"] == "Within or near a named town"


def test_geojson_properties_carry_the_precision(written):
    fc = json.loads(written["geojson"].read_text(encoding="utf-8"))
    assert fc["features"]
    assert {f["properties"]["name"]: f["properties"]["precision"] for f in fc["features"]} == EXPECTED


def test_the_geopackage_has_a_precision_column(written):
    pyogrio = pytest.importorskip("pyogrio")
    df = pyogrio.read_dataframe(written["gpkg"], layer="places")
    assert len(df) == len(EXPECTED)
    assert dict(zip(df["name"], df["precision"])) == EXPECTED


def test_geoparquet_has_a_precision_column_per_mention(written):
    gpd = pytest.importorskip("geopandas")
    df = gpd.read_parquet(written["parquet"])
    rows = list(zip(df["text"], df["precision"]))
    assert rows
    assert ("Clock Square", "town") in rows and ("Atmeh Camp", "region") in rows and ("Syria", "country") in rows
    assert ("Tuesday", None) in [(t, p if isinstance(p, str) else None) for t, p in rows]  # unplaced: none


def test_csv_and_jsonl_carry_the_precision_per_mention(written):
    rows = list(csv.DictReader(io.StringIO(written["csv"].read_text(encoding="utf-8"))))
    assert rows
    by_text = {r["text"]: r["precision"] for r in rows}
    assert by_text["Clock Square"] == "town" and by_text["Atmeh Camp"] == "region" and by_text["Iraq"] == "country"
    assert by_text["Tuesday"] == ""
    recs = [json.loads(line) for line in written["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 3
    got = {m["text"]: m["precision"] for r in recs for m in r["mentions"]}
    assert got["Clock Square"] == "town" and got["Raqqa"] == "exact" and got["Tuesday"] is None


def test_results_read_back_keep_the_precision_and_older_results_get_their_places_own(tmp_path):
    from geo.outputs.results import aggregate_results

    entries, _ = aggregate_results([str(write_results(tmp_path / "r.jsonl", precise_corpus()))])
    assert entries
    assert {e.place.name: e.precision for e in entries} == EXPECTED
    # results written before precision was recorded: the place's own (country, region or exact)
    old = tmp_path / "old.jsonl"
    lines = []
    for line in write_results(tmp_path / "r2.jsonl", syria_corpus()).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        for m in rec["mentions"]:
            del m["precision"]
        lines.append(json.dumps(rec))
    old.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entries, _ = aggregate_results([str(old)])
    assert entries
    assert {e.place.name: e.precision for e in entries} == {
        "Ar Raqqah": "exact", "Euphrates": "exact", "Damascus": "exact", "Aleppo": "exact", "Syria": "country",
        "Iraq": "country"}


def test_a_stored_precision_that_is_not_a_level_is_named_and_skipped(tmp_path):
    from geo.outputs.results import aggregate_results

    path = write_results(tmp_path / "r.jsonl", precise_corpus()[:1])
    path.write_text(path.read_text(encoding="utf-8").replace('"precision": "country"', '"precision": "planet"'),
                    encoding="utf-8")
    problems = []
    entries, summary = aggregate_results([str(path)], on_error=problems.append)
    assert summary.skipped == 1 and len(problems) == 1
    assert "precision 'planet' is not one of exact, town, region, country" in str(problems[0])
    assert "Syria" not in {e.place.name for e in entries} and "Damascus" in {e.place.name for e in entries}


def test_geoparquet_results_map_with_their_precision(written, gazetteer):
    pytest.importorskip("geopandas")
    from geo.outputs.results import aggregate_results

    entries, _ = aggregate_results([str(written["parquet"])], gazetteer=gazetteer)
    assert entries
    assert {e.place.id: e.precision for e in entries}["169577"] == "town"


# -- --precision on the command line ---------------------------------------------------------------------

@pytest.mark.parametrize("value, problem", [
    ("city", "'city': not a precision level"),
    ("exact,", "an empty level: not a precision level"),
    ("exact,planet,town", "'planet': not a precision level"),
])
@pytest.mark.parametrize("cmd", ["map", "extract"])
def test_a_bad_precision_is_refused_naming_it(tmp_path, cmd, value, problem):
    results = write_results(tmp_path / "r.jsonl", precise_corpus())
    args = ["map", results, "-o", tmp_path / "out"] if cmd == "map" else ["extract", SEED]
    status, text = run(*args, "--offline", "--precision", value)
    assert status == 2, text
    assert problem in " ".join(text.split()) and "--precision" in text
    assert "exact, town, region, country" in " ".join(text.split())
    assert not (tmp_path / "out").exists()


def test_map_results_precision_filters_every_output(tmp_path):
    pytest.importorskip("pyogrio")
    results = write_results(tmp_path / "r.jsonl", precise_corpus())
    out = tmp_path / "out"
    status, text = run("map", results, "-o", out, "--offline", "--tiles", "none", "--precision", "exact,town",
                       "--geojson", out / "p.geojson", "--gpkg", out / "p.gpkg", "--figure", out / "f.svg")
    assert status == 0, text
    want = {n for n, p in EXPECTED.items() if p in ("exact", "town")}
    assert "5 places" in text
    fc = json.loads((out / "p.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["name"] for f in fc["features"]} == want
    data = _map_places((out / "index.html").read_text(encoding="utf-8"))
    assert {p["name"] for p in data["places"]} == want
    import pyogrio

    assert set(pyogrio.read_dataframe(out / "p.gpkg", layer="places")["name"]) == want
    svg = (out / "f.svg").read_text(encoding="utf-8")
    assert "Homs" in svg and ">Syria<" not in svg and "Iraq" not in svg
    status, text = run("map", results, "-o", out, "--offline", "--tiles", "none", "--precision", " Country ",
                       "--geojson", out / "p.geojson")
    assert status == 0, text
    assert {f["properties"]["name"] for f in json.loads((out / "p.geojson").read_text())["features"]} == {
        "Syria", "Iraq"}


def test_map_articles_precision_keeps_only_those_places(tmp_path):
    out = tmp_path / "out"
    status, text = run("map", SEED, "-o", out, "--offline", "--tiles", "none", "--geojson", out / "all.geojson")
    assert status == 0, text
    every = json.loads((out / "all.geojson").read_text())["features"]
    levels = {f["properties"]["precision"] for f in every}
    assert {"exact", "country"} <= levels
    status, text = run("map", SEED, "-o", out, "--offline", "--tiles", "none", "--precision", "country",
                       "--geojson", out / "p.geojson")
    assert status == 0, text
    kept = json.loads((out / "p.geojson").read_text())["features"]
    assert kept and len(kept) < len(every)
    assert {f["properties"]["precision"] for f in kept} == {"country"}
    assert f"{len(kept)} places" in text


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_extract_precision_keeps_only_those_mentions(tmp_path, fmt):
    status, everything = run("extract", SEED, "--offline", "-q", "--format", fmt)
    assert status == 0
    status, kept = run("extract", SEED, "--offline", "-q", "--format", fmt, "--precision", "country")
    assert status == 0
    if fmt == "jsonl":
        (full,), (rec,) = [json.loads(x) for x in everything.splitlines()], [json.loads(x) for x in kept.splitlines()]
        assert rec["mentions"] and len(rec["mentions"]) < len(full["mentions"])
        assert {m["precision"] for m in rec["mentions"]} == {"country"}
        assert rec["focus"] == full["focus"]  # the document's record is the document's: only mentions are left out
    else:
        rows = list(csv.DictReader(io.StringIO(kept)))
        assert rows and len(rows) < len(list(csv.DictReader(io.StringIO(everything))))
        assert {r["precision"] for r in rows} == {"country"}


def test_extract_precision_to_a_file_and_geojson(tmp_path):
    status, text = run("extract", SEED, "--offline", "-q", "-o", tmp_path / "p.geojson", "--precision", "exact")
    assert status == 0, text
    feats = json.loads((tmp_path / "p.geojson").read_text())["features"]
    assert feats and {f["properties"]["precision"] for f in feats} == {"exact"}


def test_extract_precision_is_refused_in_batch_runs(tmp_path):
    status, text = run("extract", SEED, "--offline", "--engine", "local", "-o", tmp_path / "r", "--precision", "exact")
    assert status == 2 and "--precision does not apply to batch runs" in text
