"""Building the store: atomic swap, version-triggered rebuilds, concurrent builders, and the importers
(GeoNames dumps, alternateNamesV2, extra CSV/GeoJSON) including bad input, on small files made here."""
from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.gazetteer import Gazetteer, GazetteerBuildError
from geo.gazetteer.build import PLACE_COLUMNS, BuildInputs, build_store, data_version
from geo.cli.gazetteer import gazetteer as gazetteer_cli

PLACES = [
    # id, name, lat, lon, class, code, cc, admin1, population, rank, geonameid, alternate names, source
    ["163843", "Syria", "35", "38", "A", "PCLI", "SY", "00", "16906283", "", "163843", "Syrian Arab Republic", "t"],
    ["170792", "Deir ez-Zor Governorate", "35.16667", "40.28333", "A", "ADM1", "SY", "07", "447454", "", "170792",
     "Deir ez-Zor|Dayr az Zawr", "t"],
    ["170794", "Deir ez-Zor", "35.33588", "40.14084", "P", "PPLA", "SY", "07", "271800", "", "170794",
     "Dayr az Zawr|Deir al-Zour", "t"],
    ["170063", "Aleppo", "36.20124", "37.16117", "P", "PPLA", "SY", "09", "2098210", "", "170063", "Halab", "t"],
    ["ne:river:euphrates", "Euphrates", "33.47", "43.23", "H", "STM", "IQ", "", "0", "0.62", "", "Firat", "t"],
]
GEOMETRY = {"163843": "POLYGON ((35.7 32.3, 42.4 32.3, 42.4 37.3, 35.7 37.3, 35.7 32.3))",
            "ne:river:euphrates": "LINESTRING (38 37, 40 35.5, 43.2 33.5, 47.4 31)"}


def make_data(directory: Path, version: str = "test.1") -> Path:
    """A tiny shipped-data directory in the real format."""
    directory.mkdir(parents=True, exist_ok=True)
    with gzip.open(directory / "places.tsv.gz", "wt", encoding="utf-8") as fh:
        fh.write("\t".join(PLACE_COLUMNS) + "\n")
        for row in PLACES:
            fh.write("\t".join(row) + "\n")
    with gzip.open(directory / "geometry.tsv.gz", "wt", encoding="utf-8") as fh:
        fh.write("id\twkt\n")
        for pid, wkt in GEOMETRY.items():
            fh.write(f"{pid}\t{wkt}\n")
    (directory / "aliases.tsv").write_text("alias\tplace_id\tsource\nSYR\t163843\ttest\n", encoding="utf-8")
    (directory / "demonyms.tsv").write_text("word\tplace_id\tsource\nSyrian\t163843\ttest\n", encoding="utf-8")
    (directory / "VERSION").write_text(version + "\n", encoding="utf-8")
    return directory


def geonames_row(gid, name, lat, lon, fclass, fcode, cc, a1, pop, alts="", ascii_name=None) -> str:
    cols = [str(gid), name, ascii_name or name, alts, str(lat), str(lon), fclass, fcode, cc, "", a1, "", "", "",
            str(pop), "", "200", "Asia/Damascus", "2024-01-01"]
    assert len(cols) == 19
    return "\t".join(cols) + "\n"


GN_ROWS = (
    geonames_row(170794, "Deir ez-Zor", 35.33588, 40.14084, "P", "PPLA", "SY", "07", 300000,
                 "Dayr az Zawr,Deir Ezzor Town,DEZ,dyr alzwr,دير الزور")
    + geonames_row(170418, "Al Mayadin", 35.01896, 40.45122, "P", "PPL", "SY", "07", 44028, "Mayadin,Al-Mayadeen")
)


@pytest.fixture()
def data(tmp_path) -> Path:
    return make_data(tmp_path / "data")


def build(tmp_path: Path, data: Path, **kw) -> Path:
    target = tmp_path / "store.sqlite"
    build_store(target, BuildInputs(data=data, **kw), progress=False)
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_and_open_tiny_store(tmp_path, data):
    target = build(tmp_path, data)
    with Gazetteer(target) as gz:
        assert gz.meta["data_version"] == data_version(data) == "test.1-s3"
        assert gz.lookup("Deir Ezzor")[0].place.id == "170794"
        assert gz.lookup("SYR")[0].place.id == "163843"
        assert gz.demonym("Syrian").id == "163843"
        assert gz.country_at(35.3, 40.1) == "SY" and gz.country_at(10, 10) is None
        assert gz.geometry("ne:river:euphrates").geom_type == "LineString"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".building")] == []


def test_open_builds_once_and_rebuilds_when_version_changes(tmp_path, data):
    target = tmp_path / "cache" / "gz.sqlite"
    gz = Gazetteer.open(target, progress=False, data=data)
    assert gz.meta["data_version"] == "test.1-s3"
    gz.close()
    mtime = target.stat().st_mtime_ns
    Gazetteer.open(target, progress=False, data=data).close()
    assert target.stat().st_mtime_ns == mtime  # not rebuilt
    (data / "VERSION").write_text("test.2\n")
    with Gazetteer.open(target, progress=False, data=data) as gz2:
        assert gz2.meta["data_version"] == "test.2-s3"


def test_corrupt_store_is_rebuilt(tmp_path, data):
    target = tmp_path / "gz.sqlite"
    target.write_bytes(b"this is not a database")
    with Gazetteer.open(target, progress=False, data=data) as gz:
        assert gz.get("170794").name == "Deir ez-Zor"


def _build_in_process(args):
    target, data = args
    build_store(Path(target), BuildInputs(data=Path(data)), progress=False, if_missing=True)
    with Gazetteer(Path(target)) as gz:
        return gz.lookup("Aleppo")[0].place.id


def test_concurrent_first_use_builds_one_good_store(tmp_path, data):
    target = tmp_path / "gz.sqlite"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        results = pool.map(_build_in_process, [(str(target), str(data))] * 3)
    assert results == ["170063"] * 3
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith((".building", "-journal"))]
    assert leftovers == []


_INHERITED: list = []


def test_forked_worker_reconnects_and_store_pickles(tmp_path, data):
    gz = Gazetteer(build(tmp_path, data))
    assert gz.get("170063").name == "Aleppo"
    _INHERITED[:] = [gz]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        assert pool.apply(_lookup_inherited) == "170063"  # inherited across fork: reconnects
        assert pool.apply(_lookup_in_child, (gz,)) == "170063"  # pickled: reopened by path
    assert gz.lookup("Aleppo")[0].place.id == "170063"


def _lookup_inherited():
    return _INHERITED[0].lookup("Aleppo")[0].place.id


def _lookup_in_child(gz):
    return gz.lookup("Aleppo")[0].place.id


# ---------------------------------------------------------------- GeoNames dumps


def test_import_geonames_txt_updates_and_adds(tmp_path, data):
    dump = tmp_path / "SY.txt"
    dump.write_text(GN_ROWS, encoding="utf-8")
    with Gazetteer(build(tmp_path, data, geonames=[dump])) as gz:
        city = gz.get("170794")
        assert city.population == 300000 and city.geonameid == 170794
        assert gz.lookup("Deir Ezzor Town")[0].place.id == "170794"  # alternate name from the dump
        assert not gz.has_name("DEZ")  # IATA code dropped
        new = gz.lookup("Al-Mayadeen")[0].place
        assert new.id == "170418" and new.admin1 == "Deir ez-Zor Governorate" and new.feature_code == "PPL"


def test_import_geonames_zip_per_country(tmp_path, data):
    z = tmp_path / "SY.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "GeoNames readme, not data\n")
        zf.writestr("SY.txt", GN_ROWS)
    with Gazetteer(build(tmp_path, data, geonames=[z])) as gz:
        assert gz.get("170418").name == "Al Mayadin"


def test_import_alternate_names_v2(tmp_path, data):
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text(
        "1\t170063\ten\tAleppo City\t1\t\t\t\t\t\n"
        "2\t170063\tlink\thttps://en.wikipedia.org/wiki/Aleppo\t\t\t\t\t\t\n"
        "3\t170063\tfr\tAlep\t\t\t\t\t\t\n"
        "4\t999999999\ten\tNowhere Town\t\t\t\t\t\t\n"
        "5\t170063\t\tBeroea\t\t\t\t1\t\t\n",  # historic: skipped
        encoding="utf-8")
    with Gazetteer(build(tmp_path, data, alternate_names=alt)) as gz:
        assert gz.exact("Aleppo City")[0].place.id == "170063"
        assert gz.exact("Alep")[0].place.id == "170063"
        assert not gz.has_name("https://en.wikipedia.org/wiki/Aleppo")
        assert not gz.has_name("Nowhere Town") and not gz.has_name("Beroea")


# ---------------------------------------------------------------- extra places


def test_import_extra_csv_and_geojson(tmp_path, data):
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text("name,lat,lon,type,country,alternate_names\n"
                        "Al-Omar Oil Field,35.07,40.53,site,SY,Omar oil field|Al Omar field\n"
                        "Conoco Gas Plant,35.29,40.24,,SY,\n", encoding="utf-8")
    gj = tmp_path / "areas.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Jazira Region", "type": "region", "country": "SY",
                                           "alternate_names": ["Al-Jazira"]},
         "geometry": {"type": "Polygon", "coordinates": [[[39, 35], [42, 35], [42, 37], [39, 37], [39, 35]]]}},
        {"type": "Feature", "properties": {"name": "Tabqa Dam", "type": "dam"},
         "geometry": {"type": "Point", "coordinates": [38.58, 35.87]}},
    ]}), encoding="utf-8")
    with Gazetteer(build(tmp_path, data, extra=[csv_path, gj])) as gz:
        omar = gz.lookup("Omar oil field")[0].place
        assert (omar.name, omar.feature_code, omar.country_code) == ("Al-Omar Oil Field", "HSTS", "SY")
        assert gz.lookup("Conoco Gas Plant")[0].place.feature_code == "PPL"
        jaz = gz.lookup("Al-Jazira")[0].place
        assert jaz.feature_code == "RGN" and jaz.has_geometry
        assert gz.geometry(jaz.id).contains(__import__("shapely").Point(jaz.lon, jaz.lat))
        dam = gz.lookup("Tabqa Dam")[0].place
        assert (dam.lat, dam.lon, dam.has_geometry) == (35.87, 38.58, False)


# ---------------------------------------------------------------- bad input: message names file and line;
# the previous store stays in place


def _zip_truncated(tmp_path: Path) -> Path:
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("SY.txt", GN_ROWS * 200)
    bad = tmp_path / "SY.zip"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return bad


BAD = {
    "geonames_columns": ("geonames", "SY.txt", GN_ROWS + "170000\tShort row\t35\t40\n", r"SY.txt: line 3: expected 19"),
    "geonames_lat": ("geonames", "SY.txt", geonames_row(1, "X", 135.0, 40, "P", "PPL", "SY", "07", 1),
                     "SY.txt: line 1: coordinates out of range"),
    "geonames_id": ("geonames", "SY.txt", GN_ROWS.replace("170418", "17O418"), "SY.txt: line 2: geonameid"),
    "geonames_binary": ("geonames", "SY.txt", b"\xff\xfe\x00garbage\x00\n", "SY.txt: line 1: not UTF-8"),
    "geonames_empty": ("geonames", "SY.txt", "", "SY.txt: no GeoNames rows"),
    "alternate_columns": ("alternate_names", "alternateNamesV2.txt", "1\t170063\ten\n",
                          "alternateNamesV2.txt: line 1: expected 10"),
    "csv_missing_column": ("extra", "mine.csv", "name,lat\nA,1\n", "mine.csv: line 1: missing column(s) lon"),
    "csv_bad_lat": ("extra", "mine.csv", "name,lat,lon\nA,1,2\nB,1,2\nC,north,2\n", "mine.csv: line 4: bad coordinates"),
    "csv_bad_type": ("extra", "mine.csv", "name,lat,lon,type\nA,1,2,spaceship\n", "mine.csv: line 2: unknown type"),
    "csv_no_name": ("extra", "mine.csv", "name,lat,lon\n,1,2\n", "mine.csv: line 2: missing name"),
    "geojson_syntax": ("extra", "mine.geojson", '{"type": "FeatureCollection",\n "features": [}',
                       "mine.geojson: line 2: invalid JSON"),
    "geojson_geometry": ("extra", "mine.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Polygon", "coordinates": [[1]]}}]}),
        "mine.geojson: feature 2: invalid geometry"),
    "extra_suffix": ("extra", "mine.xlsx", "x", "mine.xlsx: unsupported extra file type"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_stops_build_and_keeps_previous_store(tmp_path, data, case):
    kind, fname, content, message = BAD[case]
    target = build(tmp_path, data)
    before = digest(target)
    bad = tmp_path / fname
    bad.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    kw = {"geonames": [bad]} if kind == "geonames" else {"extra": [bad]} if kind == "extra" else {"alternate_names": bad}
    with pytest.raises(GazetteerBuildError) as err:
        build_store(target, BuildInputs(data=data, **kw), progress=False)
    assert message in str(err.value) and str(tmp_path) in str(err.value)
    assert digest(target) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".building")] == []
    with Gazetteer(target) as gz:
        assert gz.lookup("Aleppo")[0].place.id == "170063"


def test_truncated_zip_names_the_file(tmp_path, data):
    bad = _zip_truncated(tmp_path)
    with pytest.raises(GazetteerBuildError, match=r"SY\.zip.*(not a readable zip|corrupt or truncated)"):
        build_store(tmp_path / "s.sqlite", BuildInputs(data=data, geonames=[bad]), progress=False)
    assert not (tmp_path / "s.sqlite").exists()


def test_corrupt_member_inside_zip(tmp_path, data):
    z = tmp_path / "SY.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("SY.txt", GN_ROWS * 500)
    raw = bytearray(z.read_bytes())
    mid = len(raw) // 3
    raw[mid:mid + 40] = b"\x00" * 40  # damage the compressed stream, keep the directory
    z.write_bytes(bytes(raw))
    with pytest.raises(GazetteerBuildError, match=r"SY\.zip:SY\.txt.*(corrupt|truncated|not UTF-8|expected 19)"):
        build_store(tmp_path / "s.sqlite", BuildInputs(data=data, geonames=[z]), progress=False)


# ---------------------------------------------------------------- CLI


def test_cli_build_bad_extra_exits_with_message(tmp_path, data, monkeypatch):
    monkeypatch.setenv("GEO_GAZETTEER_DATA", str(data))
    target = tmp_path / "cli.sqlite"
    r = CliRunner().invoke(gazetteer_cli, ["build", "--path", str(target), "--quiet"])
    assert r.exit_code == 0, r.output
    before = digest(target)
    bad = tmp_path / "mine.csv"
    bad.write_text("name,lat,lon\nA,1,2\nB,1,999\n", encoding="utf-8")
    r = CliRunner().invoke(gazetteer_cli, ["build", "--path", str(target), "--extra", str(bad), "--quiet"])
    assert r.exit_code == 1
    assert "mine.csv: line 3: coordinates out of range" in r.output and "previous gazetteer store" in r.output
    assert "Traceback" not in r.output
    assert digest(target) == before


def test_cli_build_with_imports_then_lookup_json(tmp_path, data, monkeypatch):
    monkeypatch.setenv("GEO_GAZETTEER_DATA", str(data))
    target = tmp_path / "cli.sqlite"
    dump = tmp_path / "SY.txt"
    dump.write_text(GN_ROWS, encoding="utf-8")
    extra = tmp_path / "mine.csv"
    extra.write_text("name,lat,lon,type,country\nAl-Omar Oil Field,35.07,40.53,site,SY\n", encoding="utf-8")
    r = CliRunner().invoke(gazetteer_cli, ["build", "--path", str(target), "--geonames", str(dump),
                                           "--extra", str(extra), "--quiet"])
    assert r.exit_code == 0, r.output
    monkeypatch.setenv("GEO_GAZETTEER_PATH", str(target))
    r = CliRunner().invoke(gazetteer_cli, ["lookup", "Mayadin", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out[0]["geonameid"] == 170418 and out[0]["feature_code"] == "PPL" and out[0]["score"] > 0
    r = CliRunner().invoke(gazetteer_cli, ["lookup", "Al-Omar Oil Field", "--json"])
    got = json.loads(r.output)[0]
    assert got["geonameid"] is None and got["country_code"] == "SY"
    for key in ("name", "lat", "lon", "feature_class", "feature_code", "country_code", "admin1", "population",
                "geonameid", "score"):
        assert key in got


def test_cli_missing_file(tmp_path, data, monkeypatch):
    monkeypatch.setenv("GEO_GAZETTEER_DATA", str(data))
    r = CliRunner().invoke(gazetteer_cli, ["build", "--path", str(tmp_path / "x.sqlite"),
                                           "--geonames", str(tmp_path / "nope.zip")])
    assert r.exit_code != 0 and "nope.zip" in r.output and "Traceback" not in r.output


def test_unwritable_store_location_is_a_clear_error(tmp_path, data):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(GazetteerBuildError, match="cannot build the gazetteer store here"):
        Gazetteer.open(blocker / "sub" / "gz.sqlite", progress=False, data=data)


def test_stale_stores_are_removed_from_the_cache_dir(tmp_path, data, monkeypatch):
    monkeypatch.delenv("GEO_GAZETTEER_PATH", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with Gazetteer.open(progress=False, data=data) as gz:
        first = gz.path
    assert first.parent == tmp_path / "cache" / "geo" and first.name == "gazetteer-test.1-s3.sqlite"
    (data / "VERSION").write_text("test.2\n")
    with Gazetteer.open(progress=False, data=data) as gz:
        assert gz.path.name == "gazetteer-test.2-s3.sqlite"
    assert not first.exists()


def test_progress_bar_goes_to_stderr(tmp_path, data, capfd):
    build_store(tmp_path / "p.sqlite", BuildInputs(data=data), progress=True)
    out, err = capfd.readouterr()
    assert out == "" and "Gazetteer ready" in err


_SLOW_BUILDER = """
import sys, time
from pathlib import Path
import geo.gazetteer.build as b
real = b._build_into
def slow(path, inputs, version, progress):  # hold the build lock until the test says the other process waits
    Path(sys.argv[2]).write_text("building")
    release = Path(sys.argv[4])
    while not release.exists():
        time.sleep(0.02)
    real(path, inputs, version, progress)
b._build_into = slow
from geo.gazetteer import Gazetteer
with Gazetteer.open(Path(sys.argv[1]), progress=False, data=Path(sys.argv[3])) as gz:
    print(gz.meta["built_at"], gz.lookup("Aleppo")[0].place.id)
"""
_WAITER = """
import sys
from pathlib import Path
from geo.gazetteer import Gazetteer
with Gazetteer.open(Path(sys.argv[1]), progress=False, data=Path(sys.argv[2])) as gz:
    print(gz.meta["built_at"], gz.lookup("Aleppo")[0].place.id)
"""


def test_a_second_process_says_it_waits_for_the_first_build(tmp_path, data):
    """Two real processes: the second one starts while the first builds, says so, waits, and uses its store.

    No timing: the first holds the build lock until the second has said that it waits (the test relays)."""
    import os
    import subprocess
    import sys
    import time

    target, marker, release = tmp_path / "cache" / "gz.sqlite", tmp_path / "marker", tmp_path / "release"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    first = subprocess.Popen([sys.executable, "-c", _SLOW_BUILDER, str(target), str(marker), str(data), str(release)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    second = None
    try:
        while not marker.exists():  # the first process holds the lock
            assert first.poll() is None, first.communicate()
            time.sleep(0.02)
        second = subprocess.Popen([sys.executable, "-c", _WAITER, str(target), str(data)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
        said = ""
        for line in second.stderr:  # until the second process says that it waits (or ends)
            said += line
            if "waiting for another process" in line:
                break
        release.write_text("go")  # now the first one may finish its build
        out2, err2 = second.communicate(timeout=300)  # (a hang guard, not a time limit on the behaviour)
        out1, err1 = first.communicate(timeout=300)
    finally:
        release.write_text("go")
        for p in (first, second):
            if p is not None and p.poll() is None:
                p.kill()
    assert first.returncode == 0, err1
    assert second.returncode == 0, said + err2
    assert f"waiting for another process to finish building the gazetteer store at {target}" in said
    assert "waiting" not in err1
    assert out1.split()[1] == out2.split()[1] == "170063"
    assert out1.split()[0] == out2.split()[0]  # the second process used the first one's store


def _names_table(path: Path) -> list[tuple]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT * FROM names ORDER BY key, pid").fetchall()
    finally:
        con.close()


def write_keys(directory: Path, header: str | None = None, spoil: bool = False) -> None:
    from geo.gazetteer.names import normalize, normalizer_version, variant_key

    with gzip.open(directory / "keys.tsv.gz", "wt", encoding="utf-8") as fh:
        fh.write((header or f"# normalizer {normalizer_version()}") + "\n")
        for row in PLACES:  # in the places file's order
            names = [row[1]] + [a for a in row[11].split("|") if a]
            keys = ["spoilt" if spoil else normalize(n) for n in names]
            fh.write(f"{row[0]}\t{'|'.join('' if k == n.lower() else k for n, k in zip(names, keys))}\t"
                     f"{'|'.join(variant_key(n) for n in names)}\n")


def test_shipped_keys_give_the_same_store_and_stale_ones_are_ignored(tmp_path, data):
    plain = _names_table(build(tmp_path / "a", data))
    write_keys(data)
    assert _names_table(build(tmp_path / "b", data)) == plain
    write_keys(data, header="# normalizer 000000000000", spoil=True)  # made by another names.py
    assert _names_table(build(tmp_path / "c", data)) == plain


def test_shipped_keys_are_current():
    """gazetteer/data/keys.tsv.gz was written by this names.py (else re-run python -m gazetteer.derive: a first build
    would still be right, only slower)."""
    from geo.gazetteer.build import data_dir, read_shipped_keys, read_shipped_places
    from geo.gazetteer.names import normalize, variant_key

    d = data_dir()
    places = [(r.id, [r.name, *r.alts]) for r in read_shipped_places(d / "places.tsv.gz")]
    keys = read_shipped_keys(d / "keys.tsv.gz", places)
    assert len(keys) > 500_000
    for name in [n for _, names in places[::997] for n in names]:
        assert keys[name] == (normalize(name), variant_key(name)), name
