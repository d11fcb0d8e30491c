"""Datelines: "OSLO -", "CHARLESTON, W.Va. -", "BEIRUT (Reuters) -" in the first lines of an article."""
from __future__ import annotations

import re
from typing import Iterator

from .spans import _Span

_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Za-z\u00C0-\u024F.'\- ]{1,40}?)"
    r"(?:,[ \t]*(?P<region>[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?))?"
    r"[ \t]*(?:\([^)\n]{1,30}\))?[ \t]*(?:-|\u2013|\u2014|--|:)(?:[ \t]|$)",
    re.MULTILINE,
)


class Datelines:
    """The dateline rule of :class:`geo.extract.rules.ToponymRules` (a part of it)."""

    def _datelines(self, text: str) -> Iterator[_Span]:
        # Only the first lines of an article carry a dateline.
        head_end = min(len(text), 600)
        for m in _DATELINE.finditer(text, 0, head_end):
            place = m.group("place").strip()
            start = m.start("place")
            end = start + len(place)
            if not place or len(place) < 3:
                continue
            surface = place.title() if place.isupper() else place
            if surface.lower() not in self.lang.generic_words and self._known_name(surface) is not None:
                yield _Span(start, end, "DATELINE")
            region = m.group("region")  # "CHARLESTON, W.Va. -": the state too, with its period if known so
            if region:
                rs = m.start("region")
                for form in dict.fromkeys((region, region.rstrip("."))):
                    if form and self._known_name(form.title() if form.isupper() else form) is not None:
                        yield _Span(rs, rs + len(form), "DATELINE")
                        break
