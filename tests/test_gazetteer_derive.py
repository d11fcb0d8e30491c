"""The gazetteer recipe (gazetteer/derive/): its command line and the rules of its steps on small inputs.

The full run over the public sources (``python -m gazetteer.derive``, minutes of CPU) is checked by
regenerating gazetteer/data/ byte for byte; these tests cover the pieces that need no sources."""
from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

from gazetteer.derive.admin1 import admin1_display
from gazetteer.derive.common import Collector, add_alts, place
from gazetteer.derive.naturalearth import apply_v5
from gazetteer.derive.prune import prune_alternate_names
from gazetteer.derive.write import COLUMNS, write_outputs

from geo.gazetteer.shipped import PLACE_COLUMNS

REPO = Path(__file__).resolve().parents[1]


def test_command_in_readme_runs():
    """gazetteer/README.md's command: ``python -m gazetteer.derive`` from the repository root."""
    assert "python -m gazetteer.derive --sources" in (REPO / "gazetteer/README.md").read_text(encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "gazetteer.derive", "--help"], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for option in ("--sources", "--cities500", "--curated", "--out"):
        assert option in out.stdout


def test_written_columns_are_what_the_store_reads():
    assert COLUMNS == PLACE_COLUMNS


def test_lake_and_mountain_names():
    lake = place("ne:lake:poyang-hu", "Poyang Hu", 29.1, 116.3, "H", "LK")
    apply_v5(lake, None, "lake")
    assert lake["name"] == "Poyang Hu"
    assert {"Lake Poyang", "Poyang Lake"} <= set(lake["alts"])
    gatun = place("ne:lake:gatun", "Gatun", 9.2, -79.9, "H", "LK")
    apply_v5(gatun, None, "lake")
    assert gatun["name"] == "Lake Gatun" and gatun["alts"][:2] == ["Gatun", "Gatun Lake"]
    peak = place("ne:point:gunung-merapi", "Gunung Merapi", -7.5, 110.4, "T", "MT")
    apply_v5(peak, None, "mountain")
    assert peak["name"] == "Mount Merapi"
    assert {"Gunung Merapi", "Merapi"} <= set(peak["alts"])  # "Mt. Merapi" has the main name's key


def test_v5_english_name_replaces_a_foreign_display_name():
    rec = place("ne:region:desierto-de-atacama", "Desierto De Atacama", -24.5, -69.2, "T", "DSRT")
    apply_v5(rec, {"name_en": "Atacama Desert", "name_es": "Desierto de Atacama", "name_fr": "Atacama"}, "region")
    assert rec["name"] == "Atacama Desert"
    assert "Desierto De Atacama" in rec["alts"]
    assert "Atacama" not in rec["alts"]  # fewer words than the English name: would answer for something else


def test_admin1_display_names():
    assert admin1_display("Muḩāfaz̧at Ḩamāh", "Hama", "Governorate", set()) == "Hama"
    assert admin1_display("Muḩāfaz̧at Ḩamāh", "Hama", "Governorate", {"hama"}) == "Hama Governorate"
    assert admin1_display("Idlib", "Idlib", "Governorate", {"idlib"}) == "Idlib"  # already plain: kept


def test_alternate_names_skip_codes_and_duplicates():
    rec = place("1", "Aleppo", 36.2, 37.16, "P", "PPL", "SY")
    add_alts(rec, ["Halab", "ALEPPO", "12345", "حلب", "Halab"], keep_nonlatin=False)
    assert rec["alts"] == ["Halab"]


def test_prune_drops_country_names_and_curated_not_names(tmp_path):
    (tmp_path / "not_names.tsv").write_text("name\tsource\nGoogle\ttest\n", encoding="utf-8")
    col = Collector()
    col.add(place("3996063", "Mexico", 23.0, -102.0, "A", "PCLI", "MX", "00"))
    city = col.add(place("3530597", "Mexico City", 19.43, -99.13, "P", "PPLC", "MX", alts=["Mexico", "Google",
                                                                                           "CDMX"]))
    dropped = prune_alternate_names(col, tmp_path)
    assert city["alts"] == ["CDMX"]
    assert dropped["country-name"] == 1 and dropped["not-a-place"] == 1


def test_a_province_loses_a_neighbours_name(tmp_path):
    """Rule 5 (other-unit-name): a first-level division listing another one's name (after a merger) loses it."""
    (tmp_path / "not_names.tsv").write_text("name\tsource\n", encoding="utf-8")
    col = Collector()
    col.add(place("1582720", "Dong Nai Province", 11.0, 107.2, "A", "ADM1", "VN", "43", alts=["Tinh Dong Nai"]))
    merged = col.add(place("1905475", "Binh Duong Province", 11.2, 106.7, "A", "ADM1", "VN", "75",
                           alts=["Dong Nai", "Tinh Binh Duong"]))
    town = col.add(place("1", "Binh Duong", 11.1, 106.6, "P", "PPL", "VN", "75", alts=["Dong Nai"]))
    dropped = prune_alternate_names(col, tmp_path)
    assert merged["alts"] == ["Tinh Binh Duong"] and dropped["other-unit-name"] == 1
    assert town["alts"] == ["Dong Nai"]  # (only provinces: a town may be named like a province)


def _tiny_recipe(root: Path) -> tuple[Collector, Path]:
    curated = root / "curated"
    curated.mkdir()
    (root / "ATTRIBUTION.md").write_text("# attribution\n", encoding="utf-8")
    (curated / "aliases.tsv").write_text("alias\ttarget\tsource\nU.S.\tUS\ttest\n", encoding="utf-8")
    (curated / "demonyms.tsv").write_text("word\ttarget\tsource\nSyrian\tSY\ttest\n", encoding="utf-8")
    col = Collector()
    for gid, name, cc in (("6252001", "United States", "US"), ("163843", "Syria", "SY")):
        col.add(place(gid, name, 35.0, 38.0, "A", "PCLI", cc, "00", gid=gid, alts=[f"{name} (alt)"]))
        col.country_ids[cc] = gid
    return col, curated


def test_outputs_are_deterministic(tmp_path):
    col, curated = _tiny_recipe(tmp_path)
    write_outputs(col, curated, tmp_path / "a")
    write_outputs(col, curated, tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["ATTRIBUTION.md", "VERSION", "aliases.tsv", "demonyms.tsv", "geometry.tsv.gz", "keys.tsv.gz",
                     "places.tsv.gz"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    rows = gzip.decompress((tmp_path / "a/places.tsv.gz").read_bytes()).decode().splitlines()
    assert rows[0].split("\t") == COLUMNS and [r.split("\t")[0] for r in rows[1:]] == ["163843", "6252001"]
    assert (tmp_path / "a/aliases.tsv").read_text().splitlines()[1] == "U.S.\t6252001\ttest"
    assert (tmp_path / "a/demonyms.tsv").read_text().splitlines()[1] == "Syrian\t163843\ttest"
