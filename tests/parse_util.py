"""Parsing one text in a test and reading its resolutions by mention text (shared by the accuracy tests)."""
from __future__ import annotations

from geo.types import Document


def parse(pipe, text: str, title: str = ""):
    """``text`` (with ``title``) through ``pipe``, one document."""
    return pipe.parse_one(Document("t", text, title=title))


def by_text(parsed) -> dict:
    """Mention text -> its first resolution in ``parsed``; asserts that something was found."""
    out = {}
    for r in parsed.resolutions:
        out.setdefault(r.mention.text, r)
    assert out, f"nothing found in {parsed.document.text!r}"
    return out


def resolutions(pipe, text: str, title: str = "") -> dict:
    """:func:`by_text` of :func:`parse`."""
    return by_text(parse(pipe, text, title))


def placed_by_text(parsed) -> dict:
    """Mention text -> the place its first placed mention was pinned to; asserts that something was placed."""
    out = {}
    for r in parsed.resolutions:
        if r.place is not None:
            out.setdefault(r.mention.text, r.place)
    assert out, f"nothing placed in {parsed.document.text[:80]!r}"
    return out


def placed(pipe, text: str, title: str = "") -> dict:
    """:func:`placed_by_text` of :func:`parse`."""
    return placed_by_text(parse(pipe, text, title))
