"""A damaged gazetteer store (issue 20.8): pages scribbled mid-file are found and the store rebuilt;
builds killed midway leave no ``.building`` files behind. On a tiny store built in tmp_path."""
from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

import pytest

from geo.gazetteer import Gazetteer, GazetteerBuildError

try:
    from tests.test_gazetteer_build import make_data
except ImportError:  # tests/ is not a package: pytest puts this folder on sys.path
    from test_gazetteer_build import make_data


@pytest.fixture
def data(tmp_path) -> Path:
    return make_data(tmp_path / "data")


@pytest.fixture
def store(tmp_path, data) -> Path:
    target = tmp_path / "cache" / "gz.sqlite"
    with Gazetteer.open(target, progress=False, data=data) as gz:
        assert gz.lookup("Aleppo")[0].place.id == "170063"
    return target


def _scribble(path: Path, *, keep_mtime: bool = False) -> int:
    """Overwrite every page but the first (the schema) and the ``meta`` table's with a pattern, as a
    failing disk or a stray write would; the file keeps its size (it is not truncated)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (meta_root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name='meta'").fetchone()
        (page_size,) = con.execute("PRAGMA page_size").fetchone()
    finally:
        con.close()
    st = os.stat(path)
    pages = st.st_size // page_size
    hit = 0
    with open(path, "r+b") as fh:
        for n in range(2, pages + 1):  # 1-based page numbers
            if n == meta_root:
                continue
            fh.seek((n - 1) * page_size)
            fh.write(bytes([0x5A, 0xA5, 0x00, 0xFF]) * (page_size // 4))
            hit += 1
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size
    return hit


def test_scribbled_store_is_found_on_open_and_rebuilt(store, data, capsys):
    assert _scribble(store) > 3
    with Gazetteer.open(store, progress=False, data=data) as gz:
        assert gz.lookup("Aleppo")[0].place.id == "170063"
        assert gz.lookup("Deir Ezzor")[0].place.id == "170794"
        assert gz.geometry("ne:river:euphrates").geom_type == "LineString"
    err = capsys.readouterr().err
    assert f"the gazetteer store {store} is damaged" in err and "rebuilding it" in err
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def test_damage_met_during_a_lookup_rebuilds_once(store, data, capsys):
    # damage that keeps the file's size and time: not seen on open, met by the first query
    _scribble(store, keep_mtime=True)
    with Gazetteer.open(store, progress=False, data=data) as gz:
        capsys.readouterr()
        assert gz.lookup("Aleppo")[0].place.id == "170063"
        assert gz.demonym("Syrian").id == "163843"
        keys = list(gz.name_keys())
        assert keys and any(k == "aleppo" for k, _, _ in keys)
    err = capsys.readouterr().err
    assert err.count("is damaged") == 1 and "rebuilding it" in err


def test_damaged_store_without_data_to_rebuild_from_says_so(store):
    _scribble(store, keep_mtime=True)
    with Gazetteer(store) as gz, \
            pytest.raises(GazetteerBuildError, match="the gazetteer store is damaged .*geo gazetteer build"):
        gz.lookup("Aleppo")


def test_damaged_store_opened_without_building_is_refused_clearly(store, data):
    _scribble(store)
    with pytest.raises(GazetteerBuildError, match="is damaged"):
        Gazetteer.open(store, build=False, progress=False, data=data)


def test_an_unchanged_store_is_not_hashed_again(store, data, monkeypatch):
    import geo.gazetteer.store as store_mod

    def boom(path):
        raise AssertionError("hashed again")

    monkeypatch.setattr(store_mod, "_sha256", boom)
    monkeypatch.setattr(store_mod, "_quick_check", boom)
    with Gazetteer.open(store, progress=False, data=data) as gz:
        assert gz.get("170063").name == "Aleppo"


def test_stale_building_files_are_removed_but_a_live_build_is_kept(store, data):
    folder = store.parent
    dead = [folder / f".{store.name}.k2j4h5g6.building", folder / f".{store.name}.k2j4h5g6.building-journal",
            folder / ".gazetteer-old.sqlite.a1b2c3d4.building"]
    for p in dead:
        p.write_bytes(b"half a store" * 1000)
    other = folder / "other.sqlite"
    live = folder / f".{other.name}.zz99yy88.building"
    live.write_bytes(b"being written")
    with open(folder / f"{other.name}.lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # another build of other.sqlite is running
        with Gazetteer.open(store, progress=False, data=data) as gz:
            assert gz.get("170063").name == "Aleppo"
        from geo.gazetteer.store import clean_stale_builds

        clean_stale_builds(folder)  # every store's leftovers: the live one is kept
        assert live.exists()
    assert [p for p in dead if p.exists()] == []
    clean_stale_builds(folder)
    assert not live.exists()


def test_a_query_mistake_is_not_taken_for_damage(store, data):
    with Gazetteer.open(store, progress=False, data=data) as gz:
        ino = store.stat().st_ino
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            gz._db.execute("SELECT * FROM no_such_table")
        assert store.stat().st_ino == ino  # not rebuilt
        assert gz.get("170063").name == "Aleppo"
