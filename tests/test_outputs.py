"""The writer registry (geo.outputs.registry): every writer in every mode, one suffix map, and the
failures of issue 20 that concern outputs (nothing lost, nothing unsafe, nothing mixed)."""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.outputs.registry import ARTICLES, RESULTS, WRITERS, Options, Source, format_for_path

from map_samples import DAMASCUS, parsed, syria_corpus

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def run(*args, env=None):
    """The command in this process (click's runner): exit status and everything it printed."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, env=env)
    return result.exit_code, result.output


def write_results(path: Path, docs=None) -> Path:
    """Extraction results (the records ``geo extract --engine`` writes) of the Syria sample corpus."""
    from geo.outputs.jsonl import extract_record
    from geo.outputs.jsonl import jsonl_line

    path.write_text("".join(jsonl_line(extract_record(pd)) for pd in (docs or syria_corpus())), encoding="utf-8")
    return path


def results_source(tmp_path: Path, gazetteer) -> Source:
    from geo.outputs.results import aggregate_results

    entries, summary = aggregate_results([str(write_results(tmp_path / "results.jsonl"))], gazetteer=gazetteer)
    assert summary.documents == 2 and entries
    return Source(entries=entries, gazetteer=gazetteer)


def check_output(fmt: str, path: Path, expect_places: int | None = None) -> None:
    """The file is a valid file of its format, with something in it."""
    assert path.is_file() and path.stat().st_size > 0, path
    if fmt == "map":
        html = path.read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>") and "geo.view(" in html and "Damascus" in html
    elif fmt == "geojson":
        fc = json.loads(path.read_text(encoding="utf-8"))
        assert fc["type"] == "FeatureCollection" and fc["features"]
        assert "Damascus" in {f["properties"]["name"] for f in fc["features"]}
        if expect_places is not None:
            assert len(fc["features"]) == expect_places
    elif fmt == "gpkg":
        pyogrio = pytest.importorskip("pyogrio")
        info = pyogrio.read_info(path, layer="places")
        assert info["features"] > 0
        if expect_places is not None:
            assert info["features"] == expect_places
    elif fmt == "png":
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    elif fmt == "figure":  # the static figure (SVG by the writer's first suffix): text kept as text
        svg = path.read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<svg" in svg and "Damascus" in svg
    elif fmt == "jsonl":
        text = gzip.open(path, "rt", encoding="utf-8").read() if path.name.endswith(".gz") else path.read_text("utf-8")
        recs = [json.loads(line) for line in text.splitlines()]
        assert len(recs) == 2 and recs[0]["mentions"]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert rows and "Damascus" in {r["name"] for r in rows}
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        t = pq.read_table(path)
        assert t.num_rows > 0 and "geometry" in t.column_names
    else:  # a new writer needs its check here
        raise AssertionError(f"no check for {fmt}")


# -- every writer in every mode ------------------------------------------------------------------

@pytest.mark.parametrize("mode", [ARTICLES, RESULTS])
@pytest.mark.parametrize("fmt", [pytest.param(f, marks=pytest.mark.browser) if f == "png" else f
                                 for f in sorted(WRITERS)])
def test_every_writer_in_every_mode(tmp_path, gazetteer, fmt, mode):
    writer = WRITERS[fmt]
    if fmt == "png":
        pytest.importorskip("playwright")
        from geo.outputs.png import browser_problem

        if browser_problem():
            pytest.skip(browser_problem())
    if mode not in writer.modes:  # a per-document format: results hold no documents to write
        assert writer.kind == "documents" and mode == RESULTS
        return
    source = Source(parsed=syria_corpus(), gazetteer=gazetteer) if mode == ARTICLES else \
        results_source(tmp_path, gazetteer)
    options = Options(tiles=None, size=(400, 300))
    if fmt == "png":
        options.html = tmp_path / "map.html"
        WRITERS["map"].write(source, options.html, options)
    path = tmp_path / f"out{writer.suffixes[0]}"
    n = writer.write(source, path, options)
    assert n > 0
    check_output(fmt, path)


def test_every_registered_format_is_checked_and_named_by_its_suffixes():
    assert set(WRITERS) == {"map", "geojson", "gpkg", "png", "figure", "jsonl", "csv", "parquet"}
    for name, w in WRITERS.items():
        assert w.suffixes and all(format_for_path("x" + s.upper()) == name for s in w.suffixes), name


def test_one_suffix_map_for_writers_and_result_readers():
    from geo.outputs.results import _kind

    assert format_for_path("a.jsonl.gz") == "jsonl" and format_for_path("A.NDJSON") == "jsonl"
    assert format_for_path("a.json") == "geojson" and format_for_path("a.pq") == "parquet"
    assert format_for_path("a.gz") is None and format_for_path("a.txt") is None
    for name in ("a.jsonl", "a.jsonl.gz", "a.ndjson", "a.parquet", "a.pq", "a.geoparquet"):
        assert _kind(name) == format_for_path(name)
    assert _kind("a.geojson") is None and _kind("a.csv") is None


def test_extract_writes_gzipped_jsonl_by_its_name(tmp_path):
    out = tmp_path / "r.jsonl.gz"
    status, text = run("extract", SEEDS, "--offline", "-q", "-o", out)
    assert status == 0, text
    lines = gzip.open(out, "rt", encoding="utf-8").read().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["mentions"]
    again = tmp_path / "again.jsonl.gz"
    assert run("extract", SEEDS, "--offline", "-q", "-o", again)[0] == 0
    assert out.read_bytes() == again.read_bytes()  # no timestamp in the gzip header: same bytes


# -- geo map RESULTS: every option works as with articles ----------------------------------------

def test_map_results_writes_geojson_and_gpkg_and_honours_min_score(tmp_path):
    pytest.importorskip("pyogrio")
    docs = syria_corpus()
    low = parsed("news/low.txt", "Rumours from Aleppo.", [("Aleppo", None)])  # unresolved: not a place
    results = write_results(tmp_path / "results.jsonl", docs + [low])
    out = tmp_path / "out"
    status, text = run("map", results, "-o", out, "--offline", "--tiles", "none",
                       "--geojson", out / "p.geojson", "--gpkg", out / "p.gpkg")
    assert status == 0, text
    check_output("map", out / "index.html")
    check_output("geojson", out / "p.geojson", expect_places=6)
    check_output("gpkg", out / "p.gpkg", expect_places=6)
    assert "6 places" in text
    # every mention scores 0.9 in the sample: --min-score 0.95 leaves nothing, 0.5 everything
    status, text = run("map", results, "-o", out, "--offline", "--tiles", "none", "--min-score", "0.95",
                       "--geojson", out / "p.geojson")
    assert status == 0, text
    assert "0 places" in text
    assert json.loads((out / "p.geojson").read_text())["features"] == []
    assert '"places":[]' in (out / "index.html").read_text(encoding="utf-8")


def test_min_score_applies_to_every_output_and_the_summary_with_articles(tmp_path):
    out = tmp_path / "out"
    status, text = run("map", SEEDS, "-o", out, "--offline", "--tiles", "none", "--geojson", out / "all.geojson")
    assert status == 0, text
    everything = len(json.loads((out / "all.geojson").read_text())["features"])
    assert f"{everything} places" in text
    status, text = run("map", SEEDS, "-o", out, "--offline", "--tiles", "none", "--min-score", "0.95",
                       "--geojson", out / "p.geojson")
    assert status == 0, text
    kept = json.loads((out / "p.geojson").read_text())["features"]
    assert 0 < len(kept) < everything  # the summary counts the places shown, not those hidden
    assert f"{len(kept)} places" in text
    assert all(f["properties"]["name"] in (out / "index.html").read_text(encoding="utf-8") for f in kept)


# -- issue 20 (1): a run that produced nothing replaces nothing -----------------------------------

@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.geojson"])
def test_extract_of_a_missing_path_keeps_the_old_output(tmp_path, name):
    out = tmp_path / name
    out.write_text("precious results\n")
    status, text = run("extract", tmp_path / "NO-SUCH-PATH", "--offline", "-o", out)
    assert status == 1, text
    assert "NO-SUCH-PATH" in text and "no document could be processed" in text
    assert out.read_text() == "precious results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


# -- issue 20 (7): CSV cells that a spreadsheet would run ----------------------------------------

def test_csv_cells_that_could_start_a_formula_are_neutralised():
    from geo.outputs.csv import csv_text

    pd = parsed("=HYPERLINK(\"http://x\",\"y\").txt", "Officials in Damascus said so.", [("Damascus", DAMASCUS)],
                title="+cmd|' /C calc'!A0", path="@SUM(1+1)")
    rows = list(csv.DictReader(io.StringIO(csv_text([pd]))))
    assert rows and rows[0]["title"] == "'+cmd|' /C calc'!A0" and rows[0]["doc"] == "'@SUM(1+1)"
    for bad in ("=1+1", "-2+3", "\t=1", "\r=1"):
        doc = parsed("d", "Officials in Damascus said so.", [("Damascus", DAMASCUS)], title=bad)
        (row,) = csv.DictReader(io.StringIO(csv_text([doc]), newline=""))
        assert row["title"] == "'" + bad, row
    assert rows[0]["lat"] == "33.5102" and rows[0]["lon"] == "36.29128"  # numbers stay numbers


# -- issue 20 (9): results are validated record by record ---------------------------------------

def test_map_results_names_and_skips_bad_records_and_maps_the_rest(tmp_path):
    results = write_results(tmp_path / "results.jsonl")
    lines = results.read_text().splitlines()
    rec = json.loads(lines[0])
    rec["mentions"][0]["lat"] = "abc"
    rec["mentions"][1]["lon"] = 1e308
    lines[0] = json.dumps(rec)
    results.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    status, text = run("map", results, "-o", out, "--offline", "--tiles", "none", "--geojson", out / "p.geojson")
    assert status == 0, text
    assert "results.jsonl#1 mention 1" in text and "lat 'abc' is not a number" in text
    assert "results.jsonl#1 mention 2" in text and "lon 1e+308 is outside -180..180" in text
    assert "Traceback" not in text
    names = {f["properties"]["name"] for f in json.loads((out / "p.geojson").read_text())["features"]}
    assert {"Damascus", "Aleppo", "Iraq"} <= names  # the rest mapped


# -- issue 20 (10) -------------------------------------------------------------------------------

def _geo_cmd(*args):
    return [sys.executable, "-m", "geo.cli", *map(str, args)]


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _refused_in_a_mount_namespace(script: str, setup: str):
    """``sh -c script`` in a private mount namespace (``unshare -rm``: no privileges needed), the script
    echoing ``status=$?`` after geo's run; skips when ``setup`` cannot be done here. geo must have exited 1
    with a message that nothing was replaced, and no traceback."""
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=_env(),
                          timeout=300)
    if "status=" not in proc.stdout:
        pytest.skip(f"cannot {setup} here: {proc.stderr.strip()}")
    assert "status=1" in proc.stdout, proc.stdout + proc.stderr
    assert "nothing was replaced" in proc.stderr and "Traceback" not in proc.stderr
    return proc


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs unshare (util-linux)")
def test_a_full_disk_is_a_message_and_keeps_the_old_outputs(tmp_path):
    """A 64 kB tmpfs in a private mount namespace (unprivileged user namespace): the map does not fit."""
    disk = tmp_path / "disk"
    disk.mkdir()
    results = write_results(tmp_path / "results.jsonl")
    script = (f"mount -t tmpfs -o size=64k tmpfs {disk} && echo old > {disk}/index.html && "
              f"{' '.join(_geo_cmd('map', results, '-o', disk, '--offline', '--tiles', 'none'))}; "
              f"echo status=$?; cat {disk}/index.html; ls -a {disk}")
    proc = _refused_in_a_mount_namespace(script, "mount a tmpfs")
    assert "no space left on the device" in proc.stderr
    listing = proc.stdout.split("status=1", 1)[1].split()
    assert listing[0] == "old" and sorted(listing[1:]) == [".", "..", "index.html"]  # old map, no temp files


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs unshare (util-linux)")
def test_a_read_only_output_folder_is_a_message(tmp_path):
    """The output folder bind-mounted read-only in a private mount namespace (no privileges needed)."""
    results = write_results(tmp_path / "results.jsonl")
    out = tmp_path / "ro"
    out.mkdir()
    (out / "index.html").write_text("old")
    script = (f"mount --bind {out} {out} && mount -o remount,ro,bind {out} && "
              f"{' '.join(_geo_cmd('map', results, '-o', out, '--offline', '--tiles', 'none'))}; echo status=$?")
    proc = _refused_in_a_mount_namespace(script, "make a read-only mount")
    assert "the file system is read-only" in proc.stderr
    assert (out / "index.html").read_text() == "old"


def test_stale_temporary_files_of_killed_runs_are_cleaned(tmp_path):
    from geo.io import clean_stale_temporaries

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".index.p{dead}.ab12cd_x.tmp.html"
    stale.write_text("x" * 1000)
    old_style = tmp_path / ".places.geojson.k3j4m5n6.tmp"  # without a process id: cleaned when old
    old_style.write_text("x")
    os.utime(old_style, (1_000_000, 1_000_000))
    mine = tmp_path / f".index.p{os.getpid()}.zz99yy88.tmp.html"  # a live run's file stays
    mine.write_text("y")
    keep = tmp_path / ".notes.tmp"  # someone else's file, however old: not a name geo makes
    keep.write_text("z")
    os.utime(keep, (1_000_000, 1_000_000))
    removed = clean_stale_temporaries(tmp_path, now=1_000_000 + 7200)
    assert sorted(p.name for p in removed) == sorted([stale.name, old_style.name])
    assert mine.exists() and keep.exists()
    # and geo map does it by itself
    stale.write_text("x")
    out = tmp_path
    status, text = run("map", write_results(tmp_path / "r.jsonl"), "-o", out, "--offline", "--tiles", "none")
    assert status == 0, text
    assert not stale.exists() and mine.exists()


def test_an_output_set_killed_between_its_renames_is_completed_by_the_next_run(tmp_path):
    """The process dies (os._exit) after the first of three renames: a mixed set on disk, and a journal.
    The next OutputSet for the folder finishes the renames: all new."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("index.html", "p.geojson", "p.gpkg"):
        (out / name).write_text("old")
    script = f"""
import os
from pathlib import Path
from geo.io import OutputSet
out = Path({str(out)!r})
real = os.replace
calls = []
def dying_replace(a, b):
    if str(b).endswith(("index.html", "p.geojson", "p.gpkg")):
        calls.append(b)
        if len(calls) == 2:
            os._exit(9)
    real(a, b)
os.replace = dying_replace
with OutputSet() as outs:
    for name in ("index.html", "p.geojson", "p.gpkg"):
        outs.stage(out / name).write_text("new")
"""
    proc = subprocess.run([sys.executable, "-c", script], env=_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 9, proc.stderr
    contents = {p.name: p.read_text() for p in out.iterdir() if not p.name.startswith(".")}
    assert sorted(contents.values()) == ["new", "old", "old"]  # the kill left a mixed set...
    assert (out / ".geo-outputs.journal").exists()
    from geo.io import OutputSet, recover

    with OutputSet() as outs:  # ...which the next run in the folder completes before its own work
        outs.stage(out / "other.txt").write_text("x")
    assert {p.name: p.read_text() for p in out.iterdir() if p.name != "other.txt"} == \
        {"index.html": "new", "p.geojson": "new", "p.gpkg": "new"}
    assert recover(out) is False


def test_file_names_reach_the_terminal_escaped(tmp_path):
    evil = tmp_path / "bad\n\x1b[31mname.jsonl"
    evil.write_text('{"mentions": [{"lat": "abc", "lon": 1, "name": "X", "text": "X"}]}\n')
    status, text = run("map", evil, "-o", tmp_path / "out", "--offline", "--tiles", "none")
    assert "\x1b[31m" not in text and "bad\\n\\x1b[31mname.jsonl" in text, text


def test_credentials_in_the_geocoder_url_are_never_printed(tmp_path):
    from geo.geocoders.base import redact_url

    assert redact_url("https://alice:s3cret@geo.example.org/search?key=K123&q=x") == \
        "https://***@geo.example.org/search?key=***&q=x"
    status, text = run("extract", SEEDS, "--geocoder-url", "ftp://alice:s3cret@geo.example.org/",
                       "-o", tmp_path / "o.jsonl")
    assert status == 2
    assert "ftp://***@geo.example.org/" in text and "s3cret" not in text


def test_a_lone_surrogate_does_not_break_map_save(tmp_path):
    from geo.outputs.map import build_map

    pd = parsed("d\ud800.txt", "Officials in Damascus said so \udcff.", [("Damascus", DAMASCUS)],
                title="Title \ud83d alone")
    m = build_map([pd], tiles=None, basemap=False, title="Map \udfff")
    m.save(str(tmp_path / "folium.html"))  # folium's own save: UTF-8 throughout
    html = (tmp_path / "folium.html").read_text(encoding="utf-8")
    assert "Damascus" in html and "\\ud83d" in html


# -- help ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("cmd", ["map", "extract", "eval", "gazetteer", "cache"])
def test_each_command_shows_its_own_examples(cmd):
    status, text = run(cmd, "--help")
    assert status == 0
    examples = text.split("Examples:", 1)[1]
    lines = [line.strip() for line in examples.splitlines() if line.strip().startswith("geo ")]
    assert lines and all(line.startswith(f"geo {cmd}") or f"geo {cmd} " in line for line in lines), lines
    assert "../shared" not in text


def test_geo_help_imports_no_heavy_library():
    code = ("import sys; from click.testing import CliRunner; from geo.cli import main; "
            "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('spacy', 'folium', 'rich', 'geo.gazetteer', 'pandas', 'shapely') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# -- every option works in every mode, or is refused ----------------------------------------------

@pytest.mark.parametrize("args, problem", [
    (["--size", "400x300"], "--size is the size of the --png or --figure picture"),
    (["--dpi", "300"], "--dpi: applies to the static figure"),
    (["RESULTS", "--bbox", "Syria", "--embed", "e.html"], "--bbox, --embed: apply to the static figure"),
    (["--figure", "f.gif"], "the figure must be .svg, .pdf or .png"),
    (["RESULTS", "--figure", "f.svg", "--embed", "e.txt"], "the embed page is written to a .html file"),
    (["--figure", "f.svg", "--dpi", "5"], "--dpi"),
    (["RESULTS", "--figure", "f.svg", "--size", "huge"], "give WIDTHxHEIGHT with a unit"),
    (["--figure", "f.svg", "--bbox", "50,0,40,10"], "need west < east"),
    (["RESULTS", "--figure", "f.svg", "--bbox", "Nowhereland Xq"], "no such place in the gazetteer"),
    (["--figure", "f.png", "--png", "f.png"], "the same file for the png and the figure output"),
    (["RESULTS", "-j", "2"], "--jobs: the results are mapped as they were stored"),
    (["RESULTS", "--model", "xx"], "--model: the results are mapped"),
    (["RESULTS", "--geocoder", "photon"], "--geocoder: the results are mapped"),
])
def test_map_options_that_cannot_apply_are_refused(tmp_path, args, problem):
    source = write_results(tmp_path / "r.jsonl") if "RESULTS" in args else SEEDS
    args = [a for a in args if a != "RESULTS"]
    status, text = run("map", source, "-o", tmp_path / "out", "--offline", *args)
    assert status == 2, text
    assert problem in text
    assert not (tmp_path / "out").exists()


def test_snippets_bounds_the_popups_with_articles_too(tmp_path):
    from geo.outputs.registry import Source

    few = tmp_path / "few.html"
    WRITERS["map"].write(Source(parsed=syria_corpus()), few, Options(tiles=None, snippets=1))
    html = few.read_text(encoding="utf-8")
    assert '"moreDocs":1' in html  # Damascus is in two articles: one shown, one counted


@pytest.mark.parametrize("args", [["--workers", "2"], ["--partition-size", "5"]])
def test_extract_batch_options_without_an_engine_are_refused(tmp_path, args):
    status, text = run("extract", SEEDS, "--offline", "-o", tmp_path / "o.jsonl", *args)
    assert status == 2 and "only apply to batch runs" in text


# -- one palette, one set of countries ----------------------------------------------------------

def test_one_palette_for_markers_gpkg_outlines_and_the_figure():
    import re

    from geo.outputs import palette
    from geo.outputs.aggregate import FEATURE_TYPES, TYPE_COLORS
    from geo.outputs.figure import KIND_COLOURS, TYPE_COLOURS
    from geo.outputs.gpkg import _qml
    from geo.outputs.map.assets import own_asset
    from geo.outputs.map.styles import SHAPE_KIND_STYLE, TYPE_STYLE

    css = own_asset("geomap.css")
    assert set(TYPE_COLORS) == set(FEATURE_TYPES)
    # one source: the figure's colours and the map's are the Okabe-Ito palette of geo.outputs.palette
    assert TYPE_COLORS == TYPE_COLOURS == palette.TYPE_COLOURS
    assert set(TYPE_COLORS.values()) <= set(palette.OKABE_ITO.values())
    assert KIND_COLOURS is palette.KIND_COLOURS
    for kind, (edge, fill) in KIND_COLOURS.items():  # rivers, seas, mountains, islands: as the figure draws them
        style = SHAPE_KIND_STYLE[kind][1]
        assert style["color"] == edge and style.get("fillColor") == fill, kind
    for t, color in TYPE_COLORS.items():
        assert re.search(rf"\.geo-{t} i {{ background: {color};", css), t  # the markers
        rgb = ",".join(str(int(color[i:i + 2], 16)) for i in (1, 3, 5))
        assert f'value="{rgb},235"' in _qml()  # the QGIS style
        assert TYPE_STYLE[t]["color"] == color  # the outlines of areas


def test_the_offline_basemap_has_the_same_countries_from_the_store_or_the_files(gazetteer):
    from geo.gazetteer.shipped import data_dir
    from geo.outputs.map.basemap import basemap_from_shapes, country_shapes_from_files, country_shapes_from_store

    from_files = basemap_from_shapes(country_shapes_from_files(data_dir()))
    from_store = basemap_from_shapes(country_shapes_from_store(gazetteer))
    assert len(from_files["features"]) > 150
    assert len(from_files["features"]) == len(from_store["features"])


def test_the_basemap_is_cached_under_geo_cache_dir(tmp_path, monkeypatch):
    from geo.io import cache_dir
    from geo.outputs.map import basemap

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(basemap, "_BASEMAP_MEMO", {})
    assert cache_dir() == tmp_path / "cache"
    fc = basemap.basemap_geojson()
    assert fc and fc["features"]
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith("basemap-")]


def test_credentials_in_the_geocoder_url_stay_out_of_the_run_record(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(next(SEEDS.glob("*.txt")), src / "a.txt")
    out = tmp_path / "out"
    status, text = run("extract", src, "--engine", "local", "--offline", "-o", out, "--geocoder", "nominatim",
                       "--geocoder-url", "http://alice:s3cret@127.0.0.1:9/?api_key=K9")
    assert status == 0, text
    record = (out / "_geo_run.json").read_text()
    assert "s3cret" not in record and "K9" not in record and "***@127.0.0.1:9" in record
    assert "s3cret" not in text


def test_geo_cache_dir_moves_every_cache_the_store_and_the_geocoder_answers_too(tmp_path, monkeypatch):
    from geo.gazetteer.store import default_store_path
    from geo.geocoders.base import default_cache_dir

    monkeypatch.delenv("GEO_GAZETTEER_PATH", raising=False)
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    assert default_store_path().parent == tmp_path / "cache"
    assert default_store_path().name.startswith("gazetteer-")
    assert default_cache_dir() == tmp_path / "cache" / "geocoder"
    monkeypatch.setenv("GEO_GAZETTEER_PATH", str(tmp_path / "mine.sqlite"))
    assert default_store_path() == tmp_path / "mine.sqlite"
