"""Hostile inputs to the document readers (issue 20): deep HTML, decompression bombs, huge lines,
invalid UTF-8, symlink loops, null Parquet text, control characters in file names.

Every input is made in tmp_path and kept small by lowering the module caps for the test."""
from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import pytest

from geo.documents import DocumentError, iter_documents, read_path
from geo.documents.html import html_article, html_to_text


class Collect:
    def __init__(self) -> None:
        self.errors: list[DocumentError] = []
        self.warnings: list[DocumentError] = []

    def run(self, paths, **kw):
        return list(iter_documents([str(p) for p in paths], on_error=self.errors.append,
                                   on_warning=self.warnings.append, **kw))


# -- (4) HTML nested a million bytes deep is read in linear time ---------------------------------------

def _nested(depth: int, tag: str = "div") -> str:
    return "<html><body>" + f"<{tag}>" * depth + "Kharkiv was shelled." + f"</{tag}>" * depth + "</body></html>"


def _python_calls(fn, *args) -> int:
    """How many Python-level function calls ``fn(*args)`` makes: a measure of work that does not
    depend on the machine or the clock."""
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


def test_html_work_grows_linearly_with_nesting():
    small = _python_calls(html_to_text, _nested(300))
    large = _python_calls(html_to_text, _nested(3000))
    assert small > 0
    # 10x the nesting: linear work is ~10x; the quadratic reader of 7b746da made ~100x
    assert large / small < 20, (small, large)


def test_one_megabyte_of_nested_divs_reads_without_recursion(tmp_path):
    page = _nested(90_000)
    assert len(page) > 900_000
    title, text = html_to_text(page)
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
