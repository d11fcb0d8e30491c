"""What a non-editable install carries: the wheel is built and installed once for this file (~12 s), then
the gazetteer works from the data it ships as geo/_gazetteer_data, and the language data and the spaCy
factories are there."""
from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from geo import lang
from test_gazetteer_build import make_data

REPO = Path(__file__).resolve().parents[1]
LANG_DIR = Path(lang.__file__).parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, set[str], Path]:
    """(the wheel, the names in it, the folder it is installed in with ``pip install --target``)."""
    tmp = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "wheels"), str(REPO)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot build a wheel here (needs hatchling from the package index): {r.stderr[-300:]}")
    (whl,) = (tmp / "wheels").glob("geo-*.whl")
    target = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(whl)],
                   check=True, capture_output=True)
    return whl, set(zipfile.ZipFile(whl).namelist()), target


def test_wheel_ships_data_and_builds_store_from_it(wheel, tmp_path):
    whl, names, installed = wheel
    for f in ("places.tsv.gz", "geometry.tsv.gz", "keys.tsv.gz", "aliases.tsv", "demonyms.tsv", "VERSION",
              "ATTRIBUTION.md"):
        assert f"geo/_gazetteer_data/{f}" in names
    assert {"geo/resolve/ranker.json", "geo/resolve/ranker-hand.json"} <= names  # the resolver's models
    # the wheel's data is gazetteer/data byte for byte: the store every other test uses is built from it
    shipped = installed / "geo" / "_gazetteer_data"
    same = filecmp.dircmp(REPO / "gazetteer" / "data", shipped)
    assert same.left_only == same.right_only == same.diff_files == same.funny_files == []
    assert filecmp.cmpfiles(REPO / "gazetteer" / "data", shipped, same.common_files, shallow=False)[0] == sorted(
        same.common_files)
    # the installed geo finds its own data folder and builds its store from what is there: a copy of the
    # install whose data folder holds a small data set of the same format (building the full one takes ~30 s)
    target = tmp_path / "site"
    shutil.copytree(installed, target, ignore=shutil.ignore_patterns("_gazetteer_data"))
    make_data(target / "geo" / "_gazetteer_data", version="wheel.1")
    code = ("import geo.gazetteer.shipped as s, geo.gazetteer as g; print(s.data_dir()); "
            "gz = g.Gazetteer.open(progress=False); c = gz.lookup('Deir ez-Zor')[0]; "
            "print(c.place.id, gz.path, gz.meta['data_version'])")
    env = {k: v for k, v in os.environ.items() if k not in ("GEO_GAZETTEER_DATA",)}
    env.update(PYTHONPATH=str(target), GEO_GAZETTEER_PATH=str(tmp_path / "store.sqlite"))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == str(target / "geo" / "_gazetteer_data")
    pid, store, version = out[1].split(" ")
    assert (pid, store) == ("170794", str(tmp_path / "store.sqlite")) and version.startswith("wheel.1-")


def test_wheel_ships_language_data_and_declares_the_spacy_factories(wheel, tmp_path):
    whl, names, target = wheel
    found = sorted((LANG_DIR / "en").glob("*.txt"))
    assert found
    for p in found:
        assert f"geo/lang/en/{p.name}" in names
    # spacy.load() of a saved pipeline finds geo's components through these entry points
    (ep,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(whl).read(ep).decode()
    assert "[spacy_factories]" in text and "geo_toponyms = geo.components:make_toponyms" in text
    assert "geo_resolver = geo.components:make_resolver" in text
    # and it does: a pipeline saved here loads in a fresh process, on the installed wheel alone, that never
    # imports geo.components itself
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("geo_toponyms", config={"demonyms": False})
    nlp.to_disk(tmp_path / "p")
    env = dict(os.environ, PYTHONPATH=str(target))
    code = ("import spacy, sys; nlp = spacy.load(sys.argv[1]); c = nlp.get_pipe('geo_toponyms'); "
            "print(type(c).__module__, c.demonyms)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p")], env=env, cwd=tmp_path, check=True,
                         capture_output=True, text=True).stdout.split()
    assert out == ["geo.extract.component", "False"]
