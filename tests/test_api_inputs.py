"""What geo.map / geo.parse_many accept (issue 13 item 1): paths, lists of paths, Documents,
ParsedDocuments, raw text only through texts=...; nothing ambiguous, nothing outside the paths given."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import geo
from geo.documents import DocumentError, expand_paths

ARTICLE = "Floods in Brazil\n\nFloods hit Porto Alegre in southern Brazil on Monday.\n"
PORTO = "Floods hit Porto Alegre in southern Brazil."


def _names(pds) -> list[str]:
    return sorted({r.place.name for pd in pds for r in pd.resolved})


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "news"
    d.mkdir()
    (d / "porto.txt").write_text(ARTICLE)
    (d / "oslo.md").write_text("# Talks in Oslo\n\nEnvoys met in Oslo, Norway.\n")
    return d


def test_a_folder_given_as_one_string_is_a_path(folder):
    pds = list(geo.parse_many(str(folder)))
    assert sorted(Path(pd.document.id).name for pd in pds) == ["oslo.md", "porto.txt"]
    assert "Porto Alegre" in _names(pds) and "Oslo" in _names(pds)
    # with a trailing slash, as in geo.map("seeds/")
    assert [pd.document.id for pd in geo.parse_many(str(folder) + os.sep)] == [
        os.path.join(str(folder) + os.sep, n) for n in ("oslo.md", "porto.txt")]


def test_pathlike_list_of_paths_and_glob(folder):
    assert [Path(pd.document.id).name for pd in geo.parse_many(folder / "porto.txt")] == ["porto.txt"]
    pds = list(geo.parse_many([folder / "oslo.md", str(folder / "porto.txt")]))
    assert [Path(pd.document.id).name for pd in pds] == ["oslo.md", "porto.txt"]
    assert [Path(pd.document.id).name for pd in geo.parse_many(str(folder / "*.txt"))] == ["porto.txt"]


def test_map_of_a_folder_string_has_its_places(folder):
    html = geo.map(str(folder)).get_root().render()
    assert "Porto Alegre" in html and "Oslo" in html


def test_raw_text_only_explicitly(folder):
    pds = list(geo.parse_many(texts=[PORTO, "Envoys met in Oslo."]))
    assert [pd.document.id for pd in pds] == ["text-0", "text-1"]
    assert _names(pds) == ["Brazil", "Oslo", "Porto Alegre"]
    assert "Porto Alegre" in geo.map(texts=[PORTO]).get_root().render()
    assert _names(geo.parse_many(texts=PORTO)) == ["Brazil", "Porto Alegre"]  # one text


def test_documents_and_parsed_documents_pass_through(folder):
    doc = geo.Document(id="d1", text=PORTO)
    parsed = geo.parse("Envoys met in Oslo.")
    pds = list(geo.parse_many([doc, parsed, folder / "porto.txt"]))
    assert [pd.document.id for pd in pds] == ["d1", parsed.document.id, str(folder / "porto.txt")]
    assert pds[1] is parsed
    html = geo.map([doc, parsed]).get_root().render()
    assert "Porto Alegre" in html and "Oslo" in html


@pytest.mark.parametrize("call", [
    lambda: geo.map(["Floods hit Porto Alegre."]),
    lambda: geo.map("Floods hit Porto Alegre."),
    lambda: list(geo.parse_many(["Floods hit Porto Alegre."])),
    lambda: list(geo.parse_many("Floods hit Porto Alegre.")),
])
def test_a_text_given_as_a_path_is_refused_pointing_at_texts(call):
    with pytest.raises(geo.InputError) as e:
        call()
    msg = str(e.value)
    assert "'Floods hit Porto Alegre.'" in msg and "texts=" in msg and "not a file, folder or glob" in msg


def test_a_missing_path_or_empty_glob_is_refused(tmp_path):
    with pytest.raises(geo.InputError, match="no such file or folder.*texts="):
        geo.map(str(tmp_path / "missing.txt"))
    with pytest.raises(geo.InputError, match="no files match this glob pattern"):
        list(geo.parse_many(str(tmp_path / "*.txt")))
    # checked before anything is read: the good path first does not hide the bad one
    (tmp_path / "a.txt").write_text(ARTICLE)
    with pytest.raises(geo.InputError, match="missing.txt"):
        list(geo.parse_many([tmp_path / "a.txt", tmp_path / "missing.txt"]))


def test_nothing_or_something_else_is_refused():
    with pytest.raises(geo.InputError, match="nothing to read"):
        geo.map()
    with pytest.raises(geo.InputError, match="cannot read a int"):
        list(geo.parse_many([42]))
    with pytest.raises(geo.InputError, match="not bytes"):
        list(geo.parse_many(b"seeds/"))
    with pytest.raises(geo.InputError, match="texts must be strings"):
        list(geo.parse_many(texts=[b"x"]))


def test_a_folder_without_any_article_is_an_error_not_an_empty_map(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(geo.InputError, match="no readable article"):
        geo.map(str(tmp_path))


@pytest.mark.parametrize("path,why", [("/", "root of a filesystem"), ("/proc", "virtual filesystem"),
                                      ("/proc/self/status", "virtual filesystem"), ("/sys", "virtual filesystem"),
                                      ("/dev", "virtual filesystem")])
def test_filesystem_root_and_virtual_filesystems_are_refused(path, why):
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    with pytest.raises(geo.InputError, match=why):
        geo.map(path)
    errors: list[DocumentError] = []
    assert expand_paths([path], on_error=errors.append) == []  # the CLI's path: refused, not walked
    assert [e.kind for e in errors] == ["refused"] and why in errors[0].problem


def test_a_glob_matching_a_virtual_filesystem_is_refused():
    if not os.path.isdir("/proc"):
        pytest.skip("no /proc here")
    errors: list[DocumentError] = []
    assert expand_paths(["/pro[c]"], on_error=errors.append) == []
    assert [(e.path, e.kind) for e in errors] == [("/proc", "refused")]


def test_walking_never_leaves_the_folder(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret notes from Oslo.\n")
    d = tmp_path / "news"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(ARTICLE)
    (d / "sub" / "inside-link.txt").symlink_to(d / "a.txt")  # a link within the folder is read
    (d / "leak.txt").symlink_to(outside)  # a link leading out of it is not
    (d / "up").symlink_to(tmp_path, target_is_directory=True)  # nor a link to a folder
    errors: list[DocumentError] = []
    files = expand_paths([d], on_error=errors.append)
    assert [Path(f).relative_to(d).as_posix() for f in files] == ["a.txt"]  # the inside link is the same file
    assert [(Path(e.path).name, e.kind) for e in errors] == [("leak.txt", "outside")]
    assert "outside" in errors[0].problem
    assert "Oslo" not in _names(geo.parse_many(str(d)))


def test_cli_refuses_the_root(tmp_path):
    from geo.documents import iter_documents

    errors: list[DocumentError] = []
    assert list(iter_documents(["/"], on_error=errors.append)) == []
    assert [e.kind for e in errors] == ["refused"]


def test_wrong_types_for_text_and_title_are_clear_type_errors():
    with pytest.raises(TypeError, match="title must be a str or None, not int"):
        geo.parse("Rain in Oslo.", title=5)
    with pytest.raises(TypeError, match="text must be a str or a geo.Document, not bytes"):
        geo.parse(b"Rain in Oslo.")
    with pytest.raises(TypeError, match="a Document carries its own title"):
        geo.parse(geo.Document("d", "Rain in Oslo."), title="Oslo")
    with pytest.raises(ValueError, match="no language data for 'zz'"):
        geo.parse("Rain in Oslo.", lang="zz")
    (r,) = geo.parse("Rain in Oslo.", title=None, lang="en").resolved
    assert r.place.country_code == "NO"


def test_submodules_are_reachable_after_import_geo_without_importing_spacy_or_folium():
    import subprocess
    import sys

    code = ("import sys, geo; before = sorted(m for m in ('spacy', 'folium', 'geo.pipeline') if m in sys.modules); "
            "P = geo.pipeline.Pipeline; mk = geo.geocoders.make_geocoder; "
            "import inspect; print(before, 'geocoder' in inspect.signature(P).parameters, callable(mk), "
            "'folium' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")[0]
    assert out == "[] True True False"
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        geo.nonesuch  # noqa: B018


def test_building_and_running_the_pipeline_imports_no_map_code(gazetteer):
    import subprocess
    import sys

    code = ("import sys, geo; from geo.gazetteer import Gazetteer; "
            "p = geo.pipeline.Pipeline(gazetteer=Gazetteer.open(sys.argv[1], progress=False), progress=False); "
            "(r,) = p.parse_one(geo.Document('d', 'Rain fell in Oslo.')).resolved; "
            "print(r.place.country_code, sorted(m for m in ('folium', 'geo.outputs.map', 'geopy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(gazetteer.path)], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "NO []"
