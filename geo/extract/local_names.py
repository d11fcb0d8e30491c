"""Local names: streets and squares ("Regent Street", "Main St."), neighbourhoods ("the Rimal neighbourhood"),
sites ("Wembley Stadium", "Zamzam Camp")."""
from __future__ import annotations

import re
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
            elif self._site_head is not None and _capitalised(word) and (h := self._site_head_start(words, x)) is not None:
                nxt = toks[x + 1].text if x + 1 < n else ""
                if _capitalised(nxt) and nxt.lower() not in self.stop_words:
                    continue  # "Camp David Accords", "Airport Road": a longer name
                i = self._name_before(toks, h, ordinals=False)
                if i is not None:
                    yield _Span(toks[i].idx, toks[x].idx + len(word), "FAC")
            elif word in neighbourhood_words:
                if not toks[x].whitespace_ and x + 1 < n and toks[x + 1].text == "-":
                    continue  # "the World Cup quarter-final": a word of a compound, not the Latin Quarter
                i = self._name_before(toks, x, ordinals=False)
                if i is not None:
                    yield _Span(toks[i].idx, toks[x - 1].idx + len(toks[x - 1].text), "NEIGHBOURHOOD")
        yield from self._head_first_names(text, sdoc)
        yield from self._lower_tail_sites(sdoc, toks)

    def _lower_tail_sites(self, sdoc: "Doc", toks: list) -> Iterator[_Span]:
        """Sites named with their kind in lower case after the name ("the Zamzam camp", "the Kerem Shalom
        crossing", "the Kutupalong refugee camp"; the language's ``site_tail``): label FAC, the span ending
        with the kind's words, when the capitalised name alone is no place the gazetteer knows ("the
        Jabalia camp" stays Jabalia) and no word of a person the text names in full ("the Trump camp")."""
        tail = self.lang.regex("site_tail")
        if tail is None:
            return
        # the words of the people the text names in full ("Donald Trump": "the Trump camp" is his side)
        people = {t.text for e in sdoc.ents if e.label_ in ("PERSON", "PER") and len(e) >= 2 for t in e}
        text = sdoc.text
        for x in range(1, len(toks)):
            t = toks[x]
            if not t.text[:1].islower():
                continue
            m = tail.match(text[t.idx:t.idx + 30])
            if m is None or not _capitalised(toks[x - 1].text):
                continue
            i = self._name_before(toks, x, ordinals=False)
            if i is None or any(toks[k].text in people for k in range(i, x)):
                continue
            if i > 0 and _capitalised(toks[i - 1].text):
                continue
            name = text[toks[i].idx:toks[x - 1].idx + len(toks[x - 1].text)]
            if self._known_name(name) is not None or name.lower() in self.lang.generic_words:
                continue
            yield _Span(toks[i].idx, t.idx + m.end(), "FAC")

    def _site_head_start(self, words: list[str], x: int) -> int | None:
        """Where the site's kind's words ending at token ``x`` start ("Stadium"; "Cricket Ground", "Nuclear
        Power Plant": a head of several words, the name before all of them), or None."""
        for k in (2, 1):
            if x - k >= 1 and self._site_head.match(" ".join(words[x - k:x + 1])):
                return x - k
        return x if self._site_head.match(words[x]) else None

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


    # ---- local names with their kind's word first (issue 22) ---------------------------------------------
    # French "la place Tahrir", "le quartier de Yopougon", "le stade Vélodrome", "le camp de réfugiés de
    # Zamzam": the order is the language's data (patterns street_first, neighbourhood_first, site_first in
    # geo/lang/<code>/patterns.txt); a language without them (English) yields nothing here.
    _FIRST_KINDS = (("street_first", "STREET"), ("neighbourhood_first", "NEIGHBOURHOOD"), ("site_first", "FAC"))
    _FIRST_PARTICLE = re.compile(r"[a-z]{1,3}-[^\W\d_a-z]")  # "al-Hawa", "ez-Zor", "el-Fasher"
    _FIRST_NAME = re.compile(r"[^\W\d_][\w'\u2019-]*(?:[ \t]+[^\W\d_][\w'\u2019-]*){0,3}")

    def _head_first_res(self) -> list[tuple[re.Pattern, str]]:
        got = self.__dict__.get("_head_first_compiled")
        if got is None:
            pat = self.lang.patterns
            got = [(re.compile(rf"(?<![\w'\u2019-])(?:{pat[key]})(?={self._FIRST_NAME.pattern})"), label)
                   for key, label in self._FIRST_KINDS if key in pat]
            self.__dict__["_head_first_compiled"] = got
        return got

    def _head_first_names(self, text: str, sdoc: "Doc | None" = None) -> Iterator[_Span]:
        """Streets, neighbourhoods and sites named after their kind's word: the word (and its joiner) then
        a capitalised name of up to four words. The span keeps the word for a street or a site ("place
        Tahrir", "stade de Kégué"), not for a neighbourhood (the name alone, as English "the Rimal
        neighbourhood" gives "Rimal"). With a joiner ("le marché de Gao", "la route de Kidal") a name the
        gazetteer knows is left to be that place, unless the kind's word is capitalised: then the whole
        is one proper name ("Stade de France"); with a joiner, a name NER calls a person is not a place
        ("le camp de Laurent Gbagbo": his side)."""
        people = {e.start_char for e in sdoc.ents if e.label_ in ("PERSON", "PER")} if sdoc is not None else set()
        for head, label in self._head_first_res():
            for m in head.finditer(text):
                a = m.end()
                if not text[a:a + 1].isupper():
                    continue
                words = list(re.finditer(r"[^\s]+", text[a:self._FIRST_NAME.match(text, a).end()]))
                end = a
                for w in words:
                    token = w.group().rstrip(".,;:!?\"'\u2019\u201d)")
                    if w.start() > 0 and self._FIRST_PARTICLE.match(token):
                        end = a + w.start() + len(token)  # "Bab al-Hawa", "Deir ez-Zor": a particle and a name
                        continue
                    if not token[:1].isupper() or token in self.article_words \
                            or (w.start() > 0 and token.lower() in self.stop_words):
                        break
                    end = a + w.start() + len(token)
                if end == a:
                    continue
                name = text[a:end]
                if "\n" in text[m.start():end] or name.lower() in self.lang.generic_words:
                    continue
                if m.group("join") and a in people:
                    continue
                if m.group("join") and not m.group()[:1].isupper():
                    known = self._known_name(name)
                    # "le marché de Gao": the town; "le quartier de X": a neighbourhood unless X is a
                    # well-known place (the resolver takes a known X near the text's places)
                    if known is not None and (label != "NEIGHBOURHOOD" or known[2] >= 1):
                        continue
                yield _Span(a if label == "NEIGHBOURHOOD" else m.start(), end, label)
