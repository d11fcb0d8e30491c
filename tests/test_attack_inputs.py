"""Hostile inputs to the document readers (issue 20): deep HTML, decompression bombs, huge lines,
invalid UTF-8, symlink loops, null Parquet text, control characters in file names.

Every input is made in tmp_path and kept small by lowering the module caps for the test."""
from __future__ import annotations

import gzip
import os
import sys

import pytest
from conftest import Collect  # an on_error / on_warning sink

from geo.documents import DocumentError, iter_documents, read_path
from geo.documents.html import html_article, html_to_text


# -- (4) HTML nested a million bytes deep is read in linear time ---------------------------------------

def _nested(depth: int, tag: str = "div") -> str:
    return "<html><body>" + f"<{tag}>" * depth + "Kharkiv was shelled." + f"</{tag}>" * depth + "</body></html>"


def _python_calls(fn, *args) -> int:
    """How many Python-level function calls ``fn(*args)`` makes: a measure of work that does not
    depend on the machine or the clock."""
    fn(*args)  # warm up: first-call imports are not the work measured
    count = 0

    def prof(frame, event, arg):
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(prof)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return count


def _python_lines(fn, *args) -> int:
    """How many Python lines ``fn(*args)`` runs (loops without calls count too)."""
    fn(*args)  # warm up: first-call imports are not the work measured
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        count += 1
        return trace

    sys.settrace(trace)
    try:
        fn(*args)
    finally:
        sys.settrace(None)
    return count


def test_html_work_grows_linearly_with_nesting():
    small = _python_calls(html_to_text, _nested(300))
    large = _python_calls(html_to_text, _nested(3000))
    assert small > 0
    # 10x the nesting: linear work is ~10x; the quadratic reader of 7b746da made ~100x
    assert large / small < 20, (small, large)


def _hidden_siblings(n: int) -> str:
    return "<html><body><p>Kharkiv was shelled.</p>" + "<span hidden>x</span><b>y</b>" * n + "</body></html>"


@pytest.mark.slow
def test_html_work_grows_linearly_with_hidden_siblings():
    small = _python_lines(html_to_text, _hidden_siblings(1000))
    large = _python_lines(html_to_text, _hidden_siblings(10_000))
    assert small > 0
    # linear: ~10x; removing each hidden element scanned all its siblings (80,000 of them took 389 s):
    # 7b746da did ~40x here, and more the larger the page
    assert large / small < 15, (small, large)
    _, text = html_to_text(_hidden_siblings(3000))
    assert text == "Kharkiv was shelled.\n\n" + "y" * 3000


@pytest.mark.slow
def test_one_megabyte_of_nested_divs_reads_without_recursion(tmp_path):
    page = _nested(90_000)
    assert len(page) > 900_000
    _, text = html_to_text(page)
    assert text == "Kharkiv was shelled."
    _, main_text, _ = html_article(page)
    assert main_text == "Kharkiv was shelled."
    # through the reader, as `geo extract page.html` reads it
    mixed = "<html><head><title>Deep</title></head><body>" + "<div><span><b>" * 30_000 + "Izium too." \
            + "</b></span></div>" * 30_000 + "<script>alert(1)</script><p hidden>secret</p></body></html>"
    f = tmp_path / "deep.html"
    f.write_text(mixed, encoding="utf-8")
    (doc,) = read_path(f)
    assert doc.title == "Deep"
    assert doc.text == "Izium too."


# -- (5) line length and decompressed size are capped --------------------------------------------------

ARTICLE = '{"title": "Kharkiv", "text": "Shelling hit Kharkiv on Tuesday."}\n'


def test_jsonl_line_longer_than_the_cap_is_skipped_unread(tmp_path, monkeypatch):
    import geo.documents.limits as limits

    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 4096)
    f = tmp_path / "huge-line.jsonl"
    long_article = '{"text": "' + "Paris " * 20_000 + '"}\n'  # 120 KB: valid JSON, too long
    f.write_text(ARTICLE + long_article + ARTICLE, encoding="utf-8")
    c = Collect()
    docs = c.run([f])
    assert [d.id for d in docs] == [f"{f}#1", f"{f}#3"]
    assert [(e.path, e.kind) for e in c.errors] == [(f"{f}#2", "too-large")]
    assert "longer than the 4,096 bytes an article may be; skipped" in c.errors[0].problem


def test_iter_lines_never_holds_a_long_line(tmp_path):
    import io
    import tracemalloc

    from geo.documents.limits import iter_lines

    data = b"short\n" + b"x" * 20_000_000 + b"\nlast"
    seen: list = []
    tracemalloc.start()
    try:
        lines = list(iter_lines(io.BytesIO(data), "mem", max_line=1000, on_long=seen.append))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lines == [(1, b"short\n"), (3, b"last")]
    assert [e.path for e in seen] == ["mem#2"]
    assert peak < 4_000_000  # blocks of 1 MB, never the 20 MB line


def test_gzip_bomb_stops_at_the_decompression_cap(tmp_path, monkeypatch):
    import geo.documents.limits as limits

    monkeypatch.setattr(limits, "MIN_GZIP_LIMIT", 1_000_000)
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb") as fh:  # one line of 30 MB of the same byte: ~30 KB on disk
        fh.write(b'{"text": "' + b"a" * 30_000_000 + b'"}\n')
    assert bomb.stat().st_size < 100_000
    cap = limits.gzip_limit(bomb.stat().st_size)
    with limits.open_gzip(bomb) as fh, pytest.raises(DocumentError) as info:
        for _ in limits.iter_lines(fh, str(bomb), on_long=lambda e: None):
            pass
    err = info.value
    assert err.path == str(bomb) and err.kind == "too-large"
    assert "decompresses to more than" in err.problem and "decompression bomb" in err.problem
    assert cap < 30_000_000


def test_gzip_within_the_cap_reads_every_line(tmp_path):
    from geo.documents.limits import iter_lines, open_gzip

    f = tmp_path / "ok.jsonl.gz"
    with gzip.open(f, "wt", encoding="utf-8") as fh:
        fh.write(ARTICLE * 3)
    with open_gzip(f) as fh:
        lines = list(iter_lines(fh, str(f)))
    assert [n for n, _ in lines] == [1, 2, 3]
    assert all(line == ARTICLE.encode() for _, line in lines)


# -- (10) invalid UTF-8, symlink loops, null text, control characters in names -----------------------

def test_invalid_utf8_read_as_a_legacy_code_page_is_said(tmp_path):
    f = tmp_path / "legacy.txt"
    f.write_bytes("Grève à Besançon – la police a parlé.\n".encode("cp1252"))
    c = Collect()
    (doc,) = c.run([f])
    assert doc.text.startswith("Grève à Besançon")
    assert [w.path for w in c.warnings] == [str(f)]
    assert "not valid UTF-8; read as cp1252" in c.warnings[0].problem


def test_symlink_loop_is_called_a_loop(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    c = Collect()
    assert c.run([a]) == []
    (err,) = c.errors
    assert err.path == str(a) and err.kind == "broken-link"
    assert "symbolic link loop" in err.problem and "broken" not in err.problem


def test_null_text_says_null_not_missing(tmp_path):
    f = tmp_path / "nulls.jsonl"
    f.write_text('{"title": "t", "text": null}\n' + ARTICLE, encoding="utf-8")
    c = Collect()
    docs = c.run([f])
    assert [d.id for d in docs] == [f"{f}#2"]
    (err,) = c.errors
    assert err.path == f"{f}#1" and err.kind == "empty"
    assert err.problem == '"text" is null (no text)'


def test_null_parquet_text_says_null(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from geo.batch.sources import iter_batch_documents

    f = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"text": ["Shelling hit Kharkiv.", None], "title": ["a", "b"]}), f)
    errors: list[DocumentError] = []
    docs = list(iter_batch_documents([str(f)], on_error=errors.append))
    assert [d.text for d in docs] == ["Shelling hit Kharkiv."]
    assert [(e.path, e.problem) for e in errors] == [(f"{f}#2", '"text" is null (no text)')]


@pytest.mark.parametrize("evil", ["new\nline.txt", "ansi\x1b[31mred\x1b[0m.txt", "bidi\u202etxt.exe"])
def test_control_characters_in_file_names_are_escaped_in_messages(tmp_path, evil, caplog):
    from geo.documents.errors import display_path

    f = tmp_path / evil
    f.write_bytes(b"")  # empty: an error that names the file
    c = Collect()
    c.run([f])
    (err,) = c.errors
    assert err.path == str(f)  # the real name, to open the file with
    shown = str(err)
    assert "\n" not in shown and "\x1b" not in shown and "\u202e" not in shown
    assert shown.startswith(display_path(str(f)) + ": ")
    assert ("\\n" in shown) or ("\\x1b" in shown) or ("\\u202e" in shown)
    # the default sink (the geo.documents logger) gets the escaped text too
    caplog.clear()
    list(iter_documents([str(f)]))
    assert caplog.records and all("\x1b" not in r.getMessage() and "\n" not in r.getMessage() for r in caplog.records)


def test_display_path_keeps_ordinary_names():
    from geo.documents.errors import display_path

    assert display_path("/tmp/Besançon – été/中文 ملف.txt") == "/tmp/Besançon – été/中文 ملف.txt"
    assert display_path("a\tb\rc\x7f\x85") == "a\\tb\\rc\\x7f\\x85"
    assert display_path(os.fsdecode(b"bad\xffname")) == "bad\\xffname"


def test_iter_lines_can_mark_long_lines_for_callers_that_count(tmp_path):
    from geo.documents.limits import iter_lines

    f = tmp_path / "x.jsonl"
    f.write_bytes(b"a\n" + b"b" * 5000 + b"\nc\n")
    seen: list = []
    offsets = []
    with open(f, "rb") as fh:
        items = []
        for n, line in iter_lines(fh, str(f), max_line=100, on_long=seen.append, yield_long=True):
            items.append((n, line))
            offsets.append(fh.tell())
    assert items == [(1, b"a\n"), (2, None), (3, b"c\n")]
    assert offsets == [2, 5003, 5005]  # where the next line starts: partitions can seek there
    assert [e.path for e in seen] == [f"{f}#2"]


def test_a_page_too_big_to_search_for_its_article_is_read_whole_and_said(tmp_path, monkeypatch):
    import trafilatura

    import geo.documents.html as html

    monkeypatch.setattr(html, "MAX_EXTRACT_ELEMENTS", 1000)

    def never(*a, **k):
        raise AssertionError("trafilatura was given the page")

    monkeypatch.setattr(trafilatura, "extract", never)
    # one table row of 3,000 cells: trafilatura's time grows with the square of it (80,000: a minute)
    page = "<html><head><title>Cells</title></head><body><p>Kharkiv was shelled.</p><table><tr>" \
           + "<td>x</td>" * 3000 + "</tr></table></body></html>"
    f = tmp_path / "cells.html"
    f.write_text(page, encoding="utf-8")
    c = Collect()
    (doc,) = c.run([f])
    assert doc.text.startswith("Kharkiv was shelled.\n\nx x x") and doc.text.count("x") == 3000
    assert [w.path for w in c.warnings] == [str(f)]
    assert "page of 3,00" in c.warnings[0].problem and "more than the 1,000" in c.warnings[0].problem
