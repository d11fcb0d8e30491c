"""Acceptance on the seed article (issue 3): `geo extract seeds/ --offline` finds and places
every occurrence of the places the article reports, and plots none of the people or organisations."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from conftest import cli_ok

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "us-urges-syria-cooperation-with-russia-after-strike.txt"

# GeoNames' own points (geonameid: lat, lon) for the places the seed reports.
GEONAMES = {
    "Deir Ezzor": (35.33588, 40.14084),  # 170794 Deir ez-Zor (city)
    "Oslo": (59.91273, 10.74609),  # 3143244
    "Tirana": (41.3275, 19.81889),  # 3183875
    "Moscow": (55.75222, 37.61556),  # 524901
    "Washington": (38.89511, -77.03637),  # 4140963 Washington, D.C.
    "New York": (40.71427, -74.00597),  # 5128581 New York City
    "Syria": (35.0, 38.0),  # 163843
    "Russia": (60.0, 100.0),  # 2017370
    "US": (39.76, -98.5),  # 6252001
}
GOVERNORATE = (35.16667, 40.28333)  # 170792 Deir ez-Zor Governorate


def km(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def seed_record():
    out = cli_ok("extract", str(SEED.parent), "--offline", "-q")  # in this process (click's CliRunner)
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == 1
    return records[0], SEED.read_text(encoding="utf-8")


def test_offsets_index_the_text(seed_record):
    rec, text = seed_record
    assert len(rec["mentions"]) >= 20  # the seed names dozens of places
    for m in rec["mentions"]:
        assert text[m["start"]:m["end"]] == m["text"]


@pytest.mark.parametrize("name", sorted(GEONAMES))
def test_every_occurrence_found_and_placed(seed_record, name):
    rec, text = seed_record
    occurrences = [m.start() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
    assert occurrences, name
    by_start = {m["start"]: m for m in rec["mentions"]}
    for start in occurrences:
        m = by_start.get(start)
        assert m is not None, f"{name!r} at {start} not found"
        assert m["lat"] is not None, f"{name!r} at {start} unresolved"
        d = km((m["lat"], m["lon"]), GEONAMES[name])
        before = text[max(0, start - 20):start]
        if name == "Deir Ezzor" and "province of" in before:
            d = min(d, km((m["lat"], m["lon"]), GOVERNORATE))
        assert d <= 161, f"{name!r} at {start} placed {d:.0f} km away: {m}"


def test_every_euphrates_is_the_river(seed_record):
    rec, text = seed_record
    starts = [m.start() for m in re.finditer("Euphrates", text)]
    assert len(starts) == 4
    by_start = {m["start"]: m for m in rec["mentions"]}
    for s in starts:
        m = by_start.get(s)
        assert m is not None, f"Euphrates at {s} not found"
        assert m["feature_code"] == "STM", m


@pytest.mark.parametrize("not_a_place", ["Islamic State", "SDF", "Gerasimov", "Lavrov", "Tillerson", "NATO",
                                         "Military Committee", "General Assembly", "UN", "muscat", "Dunford", "Joe"])
def test_people_and_organisations_not_plotted(seed_record, not_a_place):
    rec, _ = seed_record
    plotted = [m["text"] for m in rec["mentions"] if m["lat"] is not None]
    assert plotted  # something was plotted, so the check below is not vacuous
    assert not any(not_a_place.lower() in t.lower().split() or not_a_place.lower() == t.lower() or
                   (" " in not_a_place and not_a_place.lower() in t.lower()) for t in plotted), plotted
