"""Headlines: lines in Title Case, where capitals and NER's labels say nothing about names."""
from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_][\w'\u2019.\-]*")
_LINE = re.compile(r"[^\n]+")
_INITIAL = re.compile(r"[A-Z]\.(?:[A-Z]\.)*")


class Headlines:
    """The headline rules of :class:`geo.extract.rules.ToponymRules` (a part of it)."""

    def _title_case_lines(self, text: str) -> bytearray:
        """Marks (1 per character) the lines written in Title Case, headlines: at most 20 words, at least
        three that are not minor words ("of", "for"), all of those capitalised ("Earthquake Strikes
        Kharkiv"). Not a list of names ("Boyd J. Jones, Marsha J. Moore, ...": initials, commas)."""
        marks = bytearray(len(text) + 1)
        minor = self.lang.title_minor_words
        for m in _LINE.finditer(text):
            s, e = m.span()
            if e - s > 200 or text.count(",", s, e) > 1:
                continue
            words = _WORD.findall(text, s, e)
            content = [w for w in words if w.lower() not in minor]
            if (3 <= len(content) and len(words) <= 20 and all(w[0].isupper() for w in content)
                    and not any(_INITIAL.fullmatch(w) for w in words)):
                marks[s:e] = b"\x01" * (e - s)
        return marks

    def _accept_in_title(self, toks, i: int, j: int, surface: str, known: tuple[float, str, bool],
                         person_tokens: set[str]) -> bool:
        """A known name in a Title Case headline: a well-known place, and no sign of a person or a street."""
        if known[2] < 2:
            return False
        words = surface.split()
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[j] if j < len(toks) else None
        if words[-1].lower().strip(".") in self.lang.non_place_tails:
            return False
        if nxt is not None and nxt.text.lower().strip(".") in self.lang.street_words:
            return False  # "Dublin Road Closed"
        if prev is not None and prev.text.lower().rstrip(".") in self.lang.titles:
            return False  # "Gov. Texas"
        if len(words) == 1:
            w = words[0]
            if w in person_tokens or w.lower() in self.lang.generic_words or w.lower() in self.stop_words:
                return False
            if w.lower() in self.lang.headline_common_words:
                return False  # "Catalonia Vows New Independence Vote"
            if self._is_demonym(w) or self._opaque_acronym(surface):
                return False
        return True
