"""Local names: streets and squares ("Regent Street", "Main St."), neighbourhoods ("the Rimal neighbourhood"),
sites ("Wembley Stadium", "Zamzam Camp")."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .spans import _capitalised, _Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc



class LocalNames:
    """The street and neighbourhood rules of :class:`geo.extract.rules.ToponymRules` (a part of it)."""

    def _local_names(self, sdoc: "Doc", text: str, *, toks: list | None = None,
                     words: list[str] | None = None) -> Iterator[_Span]:
        """Streets and squares ("Regent Street", "Tahrir Square", "Main St."; label STREET) and
        neighbourhoods named as such ("Gaza City's Rimal neighbourhood"; label NEIGHBOURHOOD), and sites named
        with their kind's word last ("Wembley Stadium", "Zamzam Camp", "Kotri Barrage"; label FAC: the
        resolver takes the gazetteer's place of that name, else the town the text names it in).
        ``toks``, ``words``: the Doc's tokens and their texts, if the caller has them already."""
        if toks is None:
            toks = list(sdoc)
        if words is None:
            words = [t.text for t in toks]
        n = len(toks)
        street_words, neighbourhood_words = self.lang.street_words, self.lang.neighbourhood_words
        for x in range(1, n):
            word = words[x]
            if word[:1].isupper() and word.lower().rstrip(".") in street_words:  # (_capitalised, inline)
                nxt = toks[x + 1].text if x + 1 < n else ""
                if _capitalised(nxt) and nxt.lower() not in self.stop_words:
                    continue  # "Madison Square Garden", "Wall Street Journal": a longer name
                if nxt[:1].isdigit():
                    continue  # "Ontario Provincial Highway 11", "U.S. Highway 41": a numbered road
                i = self._name_before(toks, x, ordinals=True)
                if i is None:
                    continue
                end = toks[x].idx + len(word)
                if word.endswith(".") and x + 1 == n:
                    end -= 1  # "... on Main St." at the very end: the sentence's period
                yield _Span(toks[i].idx, end, "STREET")
            elif self._site_head is not None and _capitalised(word) and self._site_head.match(word):
                nxt = toks[x + 1].text if x + 1 < n else ""
                if _capitalised(nxt) and nxt.lower() not in self.stop_words:
                    continue  # "Camp David Accords", "Airport Road": a longer name
                i = self._name_before(toks, x, ordinals=False)
                if i is not None:
                    yield _Span(toks[i].idx, toks[x].idx + len(word), "FAC")
            elif word in neighbourhood_words:
                if not toks[x].whitespace_ and x + 1 < n and toks[x + 1].text == "-":
                    continue  # "the World Cup quarter-final": a word of a compound, not the Latin Quarter
                i = self._name_before(toks, x, ordinals=False)
                if i is not None:
                    yield _Span(toks[i].idx, toks[x - 1].idx + len(toks[x - 1].text), "NEIGHBOURHOOD")

    def _name_before(self, toks, x: int, *, ordinals: bool) -> int | None:
        """The first token of the capitalised name (up to four tokens) right before token ``x``."""
        i = x
        while i > 0 and x - i < 4:
            t = toks[i - 1].text
            if _capitalised(t) and t not in self.article_words and t.lower().rstrip(".") not in self.lang.titles:
                i -= 1
            elif ordinals and self._ordinal.fullmatch(t):
                i -= 1
            else:
                break
        if i == x:
            return None
        if x - i == 1 and toks[i].text.lower() in self.lang.generic_words | self.stop_words:
            return None  # "North Street"? kept; "The Street", "Main" alone are not names
        return i
