"""The gazetteer works from a non-editable install: the wheel carries the data as geo/_gazetteer_data."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_data_and_builds_store_from_it(tmp_path):
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot build a wheel here (needs hatchling from the package index): {r.stderr[-300:]}")
    (wheel,) = wheels.glob("geo-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("places.tsv.gz", "geometry.tsv.gz", "keys.tsv.gz", "aliases.tsv", "demonyms.tsv", "VERSION",
              "ATTRIBUTION.md"):
        assert f"geo/_gazetteer_data/{f}" in names
    assert {"geo/resolve/ranker.json", "geo/resolve/ranker-hand.json"} <= names  # the resolver's models
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("import geo.gazetteer.build as b, geo.gazetteer as g; print(b.data_dir()); "
            "gz = g.Gazetteer.open(progress=False); c = gz.lookup('Deir ez-Zor')[0]; print(c.place.id, gz.path)")
    env = {k: v for k, v in os.environ.items() if k not in ("GEO_GAZETTEER_DATA",)}
    env.update(PYTHONPATH=str(target), GEO_GAZETTEER_PATH=str(tmp_path / "store.sqlite"))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0].startswith(str(target)) and out[0].endswith("_gazetteer_data")
    assert out[1] == f"170794 {tmp_path / 'store.sqlite'}"
