"""The interface strings of the map and the figure (legend, popups, filters, tooltips, headings,
summary text) in the documents' language.

The strings are language data: ``ui.json`` in a language's folder (``geo/lang/<code>/ui.json``, or the
folder given to :func:`geo.lang.register`), one flat object; ``{name}`` is filled in, a list of two is
``[singular, plural]`` (the singular for the counts listed in ``plural_one``: ``[1]`` in English, ``[0, 1]``
in French). A language without the file, or a key it leaves out, reads English::

    >>> from geo.outputs.ui import strings
    >>> strings("fr").count(2, "article")
    '2 articles'
    >>> strings("en").text("up_to", day="2024-05-01")
    'up to 2024-05-01'

A map or figure of documents in several languages takes the language most of them are in
(:func:`majority_language`), or the language given.
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from typing import Any, Iterable, Mapping

DEFAULT = "en"


class UIStrings:
    """One language's interface strings (English for any key the language leaves out)."""

    def __init__(self, code: str, values: Mapping[str, Any]):
        self.code = code
        self.values = dict(values)

    def text(self, key: str, **fill: Any) -> str:
        s = self.values[key]
        for k, v in fill.items():
            s = s.replace("{" + k + "}", str(v))
        return s

    def noun(self, n: int, key: str) -> str:
        one, other = self.values[key]
        return one if n in self.values["plural_one"] else other

    def count(self, n: int, key: str, *, grouped: bool = False) -> str:
        """``n`` and the noun ``key`` ("3 articles"); ``grouped``: thousands separated ("1,234")."""
        num = f"{n:,}".replace(",", self.values["thousands"]) if grouped else str(n)
        return f"{num} {self.noun(n, key)}"

    def for_page(self) -> dict[str, Any]:
        """The strings the map's script reads (every key but the comment)."""
        return {k: v for k, v in sorted(self.values.items()) if not k.startswith("_")}


def _read(code: str) -> dict[str, Any] | None:
    from geo import lang as languages

    try:
        folder = languages.pack(code).data
    except ValueError:
        return None
    try:
        text = folder.joinpath("ui.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    try:
        values = json.loads(text)
    except ValueError as e:
        raise ValueError(f"geo/lang/{code}/ui.json: not JSON ({e})") from None
    if not isinstance(values, dict):
        raise ValueError(f"geo/lang/{code}/ui.json: expected one object of strings")
    return values


@lru_cache(maxsize=None)
def strings(code: str | None = None) -> UIStrings:
    """The interface strings of language ``code`` (English for a language without ``ui.json`` or for a
    key it leaves out; None: English)."""
    base = _read(DEFAULT)
    assert base is not None, "geo/lang/en/ui.json is missing"
    code = (code or DEFAULT).lower()
    own = _read(code) if code != DEFAULT else None
    if own is None:
        return UIStrings(DEFAULT, base)
    bad = [k for k, v in own.items() if k in base and type(v) is not type(base[k])]
    if bad:
        raise ValueError(f"geo/lang/{code}/ui.json: {', '.join(sorted(bad))}: not the kind of value English has")
    return UIStrings(code, {**base, **own})


def majority_language(codes: Iterable[str | None], default: str = DEFAULT) -> str:
    """The language most ``codes`` are in (ties: the first seen), ``default`` when none is known."""
    counts = Counter(c for c in codes if c)
    if not counts:
        return default
    return counts.most_common(1)[0][0]
