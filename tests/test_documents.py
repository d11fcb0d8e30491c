"""Reading documents, and every kind of bad input (issue 5 item 3). Fixtures are built in tmp_path."""
from __future__ import annotations

import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from conftest import Collect  # an on_error / on_warning sink

from geo.documents import (
    SUPPORTED_SUFFIXES,
    DocumentError,
    decode_bytes,
    document_from_text,
    html_to_text,
    iter_documents,
    read_path,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
ARTICLE = "Shelling hits Kharkiv\n\nShelling continued in Kharkiv and Izium on Tuesday, officials said.\n"


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("article.txt", ARTICLE)
    return buf.getvalue()


def _good(tmp_path: Path) -> Path:
    p = tmp_path / "good.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    return p


# -- good documents ---------------------------------------------------------------------------

def test_plain_text_title_is_the_first_line_and_text_is_kept_whole(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\n\n  Headline here  \r\nBody about Kherson.\r\n")
    (doc,) = read_path(p)
    assert doc.id == str(p) and doc.path == str(p)
    assert doc.title == "Headline here"
    assert doc.text == "\n\n  Headline here  \nBody about Kherson.\n"  # newlines normalised only
    assert read_path(p) == [doc]  # the same text every time


def test_markdown_title_drops_the_heading_marks(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("# Floods in Sindh #\n\nThe Indus rose.\n")
    (doc,) = read_path(p)
    assert doc.title == "Floods in Sindh" and doc.text.startswith("# Floods")


def test_markdown_front_matter_title(tmp_path):
    p = tmp_path / "post.md"
    p.write_text('---\nlayout: post\ntitle: "Quake hits Herat"\n---\n\n# Other heading\n\nText.\n')
    assert read_path(p)[0].title == "Quake hits Herat"
    p.write_text("---\nlayout: post\n---\n\n## Quake hits Herat\n\nText.\n")
    assert read_path(p)[0].title == "Quake hits Herat"


def test_file_without_suffix_is_text_when_it_decodes(tmp_path):
    p = tmp_path / "README"
    p.write_text(ARTICLE)
    assert read_path(p)[0].title == "Shelling hits Kharkiv"


def test_json_article_and_list(tmp_path):
    one = tmp_path / "one.json"
    one.write_text('{"title": " Siege  of Mariupol ", "text": "Mariupol was shelled.", "url": "https://x.test/a", "date": "2022-03-09"}')
    (doc,) = read_path(one)
    assert (doc.id, doc.title, doc.text, doc.url, doc.date) == (
        str(one), "Siege of Mariupol", "Mariupol was shelled.", "https://x.test/a", "2022-03-09")
    many = tmp_path / "many.json"
    many.write_text('[{"text": "A story from Lviv."}, {"text": "A story from Odesa.", "date": 20240101}]')
    docs = read_path(many)
    assert [d.id for d in docs] == [f"{many}#1", f"{many}#2"]
    assert docs[1].date == "2024-01-01" and docs[0].title == "A story from Lviv."  # dates normalised to ISO 8601
    mixed = tmp_path / "mixed.json"
    mixed.write_text('[{"text": "A story from Lviv."}, 7, {"title": "no text"}]')
    c = Collect()
    assert [d.id for d in c.run([mixed])] == [f"{mixed}#1"]
    assert [e.path for e in c.errors] == [f"{mixed}#2", f"{mixed}#3"]


def test_jsonl_ids_are_line_numbers_and_bad_lines_are_reported(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text('{"text": "Story one in Lviv.", "url": "http://a"}\n\nnot json\n{"nope": 1}\n{"text": "Story two in Dnipro."}\n')
    c = Collect()
    docs = c.run([p])
    assert [d.id for d in docs] == [f"{p}#1", f"{p}#5"]
    assert docs[0].url == "http://a"
    assert [e.path for e in c.errors] == [f"{p}#3", f"{p}#4"]
    assert "invalid JSON" in c.errors[0].problem and '"text"' in c.errors[1].problem
    with pytest.raises(DocumentError):  # read_path without on_error is strict
        read_path(p)


def test_html_visible_text_and_title_only(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(
        "<!doctype html><html><head><title>Fighting near\n Kharkiv</title>"
        "<style>body { background: url(Moscow.png) }</style>"
        "<script>var capital = 'Moscow';</script></head>"
        "<body><nav>Home</nav><script type='application/ld+json'>{\"city\": \"Minsk\"}</script>"
        "<h1>Fighting near Kharkiv</h1><p>Shelling in <a href='#'>Kharkiv</a> continued.</p>"
        "<p hidden>Paris</p><div style='display: none'>Berlin</div><noscript>Warsaw</noscript>"
        "<template><p>Rome</p></template><!-- Madrid -->"
        "<p>Residents fled to Poltava.<br>More&nbsp;later.</p></body></html>",
        encoding="utf-8",
    )
    (doc,) = read_path(p)
    assert doc.title == "Fighting near Kharkiv"
    assert "Shelling in Kharkiv continued." in doc.text
    assert "Residents fled to Poltava.\nMore later." in doc.text
    for hidden in ("Moscow", "Minsk", "Paris", "Berlin", "Warsaw", "Rome", "Madrid", "background", "var "):
        assert hidden not in doc.text, hidden


def test_saved_page_without_html_suffix_is_read_as_html(tmp_path):
    p = tmp_path / "index"
    p.write_text("<!DOCTYPE html>\n<html><head><title>Aleppo</title><script>var a='Homs'</script></head>"
                 "<body><p>Shelling in Aleppo.</p></body></html>")
    (doc,) = read_path(p)
    assert (doc.title, doc.text) == ("Aleppo", "Shelling in Aleppo.")


def test_html_charset_declared_in_meta(tmp_path):
    p = tmp_path / "old.htm"
    p.write_bytes('<html><head><meta charset="windows-1252"><title>Zürich</title></head>'
                  '<body><p>Protest in Zürich – police said “calm”.</p></body></html>'.encode("cp1252"))
    (doc,) = read_path(p)
    assert doc.title == "Zürich" and doc.text == "Protest in Zürich – police said “calm”."


def test_html_to_text_keeps_blocks_apart():
    title, text = html_to_text("<div>Kyiv</div><div>Lviv</div><table><tr><td>Odesa</td><td>Dnipro</td></tr></table>")
    assert title == ""
    assert text.split("\n\n")[:2] == ["Kyiv", "Lviv"]
    assert "Odesa" in text and "Dnipro" in text and "OdesaDnipro" not in text


def test_document_from_text():
    d = document_from_text("  \nBlast in Beirut port\nMore text.")
    assert d.title == "Blast in Beirut port" and d.text == "  \nBlast in Beirut port\nMore text."
    assert d.id == document_from_text("  \nBlast in Beirut port\nMore text.").id  # stable
    d2 = document_from_text("x", id="text-1", title="T", url="u", date="2024")
    assert (d2.id, d2.title, d2.url, d2.date) == ("text-1", "T", "u", "2024")


def test_folders_and_globs_sorted_and_deduplicated(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Z story\nin Gaza")
    (tmp_path / "b" / "a.md").write_text("A story\nin Rafah")
    (tmp_path / "c.txt").write_text("C story\nin Jenin")
    (tmp_path / ".hidden.txt").write_text("hidden\nin Haifa")
    c = Collect()
    docs = c.run([tmp_path, tmp_path / "b" / "*.txt", tmp_path / "c.txt"])
    assert [Path(d.id).name for d in docs] == ["a.md", "z.txt", "c.txt"]
    assert not c.errors
    again = Collect().run([tmp_path, tmp_path / "b" / "*.txt", tmp_path / "c.txt"])
    assert again == docs  # deterministic


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == {".txt", ".md", ".html", ".htm", ".json", ".jsonl"}


# -- bad input: each case names the file, the run goes on ------------------------------------

def test_empty_and_whitespace_only_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"  \n\t\r\n  \n")
    c = Collect()
    docs = c.run([empty, blank, _good(tmp_path)])
    assert [d.title for d in docs] == ["Shelling hits Kharkiv"]
    assert "empty file" in c.problem(empty)
    assert "only whitespace" in c.problem(blank)
    assert {e.kind for e in c.errors} == {"empty"}


@pytest.mark.parametrize("name, data, what", [
    ("image.txt", PNG, "PNG image"),
    ("report.txt", PDF, "PDF document"),
    ("archive", None, "ZIP archive"),
    ("blob.md", bytes(range(256)) * 20, "binary data"),
])
def test_binary_files_are_refused(tmp_path, name, data, what):
    p = tmp_path / name
    p.write_bytes(data if data is not None else _zip_bytes())
    c = Collect()
    docs = c.run([p, _good(tmp_path)])
    assert len(docs) == 1
    problem = c.problem(p)
    assert what in problem and problem.startswith("binary file") and "not an article" in problem
    with pytest.raises(DocumentError) as err:
        read_path(p)
    assert str(err.value) == f"{p}: {err.value.problem}"


def test_binary_files_in_a_folder_are_named_and_skipped(tmp_path):
    (tmp_path / "photo.png").write_bytes(PNG)
    (tmp_path / "report.pdf").write_bytes(PDF)
    (tmp_path / "bundle.zip").write_bytes(_zip_bytes())
    _good(tmp_path)
    c = Collect()
    docs = c.run([tmp_path])
    assert [Path(d.id).name for d in docs] == ["good.txt"]
    for name in ("photo.png", "report.pdf", "bundle.zip"):
        assert "unsupported file type" in c.problem(tmp_path / name)


def test_invalid_utf8_is_read_with_a_warning(tmp_path):
    p = tmp_path / "broken.txt"
    p.write_bytes("Fighting in Kyiv — the capital".encode() + b" \xc3\x28 and \xff here.\n")
    c = Collect()
    (doc,) = c.run([p])
    assert doc.text.startswith("Fighting in Kyiv — the capital")
    assert doc.text.count("\ufffd") == 2
    (w,) = c.warnings
    assert w.path == str(p) and "invalid UTF-8" in w.problem and "2 undecodable" in w.problem


def test_undecodable_bytes_are_an_error(tmp_path):
    import random

    rng = random.Random(5)
    p = tmp_path / "noise.txt"
    p.write_bytes(bytes(rng.randrange(1, 256) for _ in range(4000)))
    c = Collect()
    assert c.run([p, _good(tmp_path)])[0].title == "Shelling hits Kharkiv"
    problem = c.problem(p)
    assert "cannot decode" in problem or "binary" in problem


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_bom_encodings(tmp_path, encoding):
    text = "Überschwemmung in Köln — 5 Tote\nDer Rhein stieg.\n"
    p = tmp_path / "bom.txt"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p.write_bytes(data)
    (doc,) = read_path(p)
    assert doc.text == text and doc.title == "Überschwemmung in Köln — 5 Tote"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_wide_text_without_bom(tmp_path, encoding):
    p = tmp_path / "wide.txt"
    p.write_bytes("Floods in Dhaka and Sylhet — 12 dead.\n".encode(encoding))
    assert read_path(p)[0].text == "Floods in Dhaka and Sylhet — 12 dead.\n"


@pytest.mark.parametrize("text", [
    "café – naïve\n",
    "Le président a visité Besançon et Orléans à l’été.\n",
    "Die Kämpfe in der Nähe von München dauerten an – sagte die Polizei.\n",
])
def test_windows_1252_is_decoded_correctly(tmp_path, text):
    p = tmp_path / "legacy.txt"
    p.write_bytes(text.encode("cp1252"))
    c = Collect()
    (doc,) = c.run([p])
    assert doc.text == text
    assert not c.errors
    # read, and the guess said (issue 20.10): not silently
    assert [(w.path, w.problem.split(" (")[0]) for w in c.warnings] == [(str(p), "not valid UTF-8; read as cp1252")]


def test_latin1_and_cp1251():
    assert decode_bytes("Zürich, Genève".encode("latin-1")).text == "Zürich, Genève"
    ru = "Бои в Киеве и Харькове продолжались во вторник, сообщили власти.\n"
    assert decode_bytes(ru.encode("cp1251")).text == ru


def test_dangling_symlink_and_missing_path(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    missing = tmp_path / "no-such-file.txt"
    c = Collect()
    docs = c.run([link, missing, _good(tmp_path), tmp_path / "*.nomatch"])
    assert len(docs) == 1
    assert "broken symbolic link" in c.problem(link)
    assert c.problem(missing) == "no such file or directory"
    assert "no files match" in c.problem(tmp_path / "*.nomatch")


def test_dangling_symlink_inside_a_folder(tmp_path):
    _good(tmp_path)
    (tmp_path / "dead.txt").symlink_to(tmp_path / "deleted.txt")
    c = Collect()
    assert len(c.run([tmp_path])) == 1
    assert "broken symbolic link" in c.problem(tmp_path / "dead.txt")


@pytest.mark.parametrize("body, problem", [
    ('{"foo": 1, "bar": [1, 2]}', 'no "text" field (keys: foo, bar)'),
    ("[1, 2, 3]", "JSON list holds no article"),
    ('"just a string"', "JSON str is not an article"),
    ('{"text": 42}', '"text" is a JSON int'),
    ('{"text": "   "}', 'empty "text"'),
    ('{"text": "unterminated', "invalid JSON"),
    ("[]", "empty JSON list"),
])
def test_json_that_is_not_an_article(tmp_path, body, problem):
    p = tmp_path / "data.json"
    p.write_text(body)
    c = Collect()
    assert len(c.run([p, _good(tmp_path)])) == 1
    assert problem in c.problem(p)


def test_a_folder_of_every_bad_kind_still_yields_every_good_document(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(PNG)
    (tmp_path / "bad.json").write_text('{"a": 1}')
    (tmp_path / "link.txt").symlink_to(tmp_path / "missing")
    (tmp_path / "legacy.txt").write_bytes("Grève à Besançon – la police\nTexte.".encode("cp1252"))
    (tmp_path / "page.html").write_text("<title>T</title><p>Protests in Tbilisi.</p><script>x='Baku'</script>")
    (tmp_path / "wide.txt").write_bytes("Floods in Dhaka\n".encode("utf-16"))
    _good(tmp_path)
    c = Collect()
    docs = c.run([tmp_path])
    assert sorted(Path(d.id).name for d in docs) == ["good.txt", "legacy.txt", "page.html", "wide.txt"]
    assert sorted(Path(e.path).name for e in c.errors) == ["bad.json", "empty.txt", "image.txt", "link.txt"]
    assert all(str(e).startswith(e.path + ": ") for e in c.errors)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    p = _good(tmp_path)
    p.chmod(0)
    c = Collect()
    assert c.run([p]) == []
    assert c.problem(p) == "permission denied"


def test_without_on_error_problems_are_logged_not_raised(tmp_path, caplog):
    docs = list(iter_documents([tmp_path / "missing.txt", _good(tmp_path)]))
    assert len(docs) == 1
    assert "missing.txt: no such file or directory" in caplog.text


# -- size ---------------------------------------------------------------------------------------

def test_large_file_is_streamed_in_parts(tmp_path):
    """Small thresholds, same code path as the 50 MB case."""
    para = "Shelling continued near Kharkiv and Izium on Tuesday, officials said.\n\n"
    text = "Big report\n\n" + para * 20_000  # ~1.4 MB
    p = tmp_path / "big.txt"
    p.write_text(text)
    c = Collect()
    docs = c.run([p], large_bytes=100_000, chunk_chars=50_000)
    assert len(docs) > 20
    assert all(len(d.text) <= 50_000 for d in docs)
    assert "".join(d.text for d in docs) == text  # nothing lost, cut at paragraph boundaries
    assert all(d.text.endswith("\n\n") for d in docs)
    assert docs[0].id == f"{p}#part1" and docs[0].title == "Big report"
    assert docs[1].title == "Big report (part 2)"
    assert any(w.path == str(p) and "large file" in w.problem for w in c.warnings)


def test_large_cp1252_file_in_parts(tmp_path):
    text = "Grève à Besançon – la police a dit « calme ».\n" * 5_000
    p = tmp_path / "big-legacy.txt"
    p.write_bytes(text.encode("cp1252"))
    docs = Collect().run([p], large_bytes=10_000, chunk_chars=20_000)
    assert "".join(d.text for d in docs) == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_large_wide_file_in_parts(tmp_path, encoding):
    text = "Überschwemmung in Köln — der Rhein stieg.\n" * 3_000
    p = tmp_path / "big-wide.txt"
    p.write_bytes(text.encode(encoding))
    c = Collect()
    docs = c.run([p], large_bytes=10_000, chunk_chars=20_000)
    assert len(docs) > 3 and "".join(d.text for d in docs) == text
    assert not c.errors and not any("undecodable" in w.problem for w in c.warnings)


@pytest.mark.slow
def test_50_mb_text_file_bounded_memory(tmp_path, capsys):
    p = tmp_path / "huge.txt"
    para = "Shelling continued near Kharkiv and Izium on Tuesday, officials said, as residents fled.\n\n"
    with open(p, "w") as fh:
        written = 0
        while written < 50 * 1024 * 1024:
            fh.write(para)
            written += len(para)
    c = Collect()
    tracemalloc.start()
    try:
        parts = 0
        chars = 0
        for doc in iter_documents([p], on_error=c.errors.append, on_warning=c.warnings.append, progress=True):
            parts += 1
            chars += len(doc.text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chars == written and parts >= 100
    assert peak < 25 * 1024 * 1024, peak  # the file is 50 MB; we never hold it whole
    assert not c.errors
    assert any("large file (50.0 MB)" in w.problem for w in c.warnings)


def test_html_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    import geo.documents as documents

    monkeypatch.setattr(documents, "MAX_STRUCTURED_BYTES", 1000)
    p = tmp_path / "huge.html"
    p.write_text("<p>" + "Kyiv " * 1000 + "</p>")
    c = Collect()
    assert c.run([p]) == []
    assert "file too large" in c.problem(p)


def test_ten_thousand_small_files(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"a{i:05d}.txt").write_text(f"Story {i}\nFighting in Kyiv.\n")
    (folder / "z-broken.txt").write_bytes(PNG)
    c = Collect()
    docs = c.run([folder])
    assert len(docs) == 10_000
    assert docs[0].title == "Story 0" and docs[-1].title == "Story 9999"
    assert [Path(e.path).name for e in c.errors] == ["z-broken.txt"]


# -- the command line: messages, no traceback, exit status ---------------------------------------

@pytest.fixture()
def _geo(tmp_path, monkeypatch):
    """``geo ARGS`` in this process (CliRunner), run from tmp_path with no geocoder configured."""
    from conftest import cli_result

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GEO_GEOCODER_URL", raising=False)
    return cli_result


def test_cli_names_every_bad_file_and_keeps_going(tmp_path, _geo):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(PNG)
    (src / "photo.png").write_bytes(PNG)
    (src / "bad.json").write_text('{"a": 1}')
    (src / "link.txt").symlink_to(src / "missing")
    (src / "legacy.txt").write_bytes("Grève à Besançon\nLa police a parlé à Lyon – calme.".encode("cp1252"))
    (src / "page.html").write_text("<title>Tbilisi</title><p>Protests in Tbilisi.</p><script>x='Baku'</script>")
    (src / "good.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    r = _geo("extract", str(src), str(tmp_path / "nope.txt"), "--offline", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    for name in ("empty.txt", "image.txt", "photo.png", "bad.json", "link.txt", "nope.txt"):
        assert f"{name}: " in r.stderr, name
    lines = out.read_text().splitlines()
    assert len(lines) == 3  # every good document: legacy.txt, page.html, good.txt

    only_bad = _geo("extract", str(src / "empty.txt"), str(src / "image.txt"), "--offline", "-o",
                    str(tmp_path / "none.jsonl"))
    assert only_bad.returncode == 1  # no document could be processed
    assert "Traceback" not in only_bad.stderr and "empty.txt: empty file" in only_bad.stderr
