"""spaCy's entities as toponyms: cleaned, split ("Dublin, Ohio"), extended ("Mexico City"), filtered."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from ..prominence import own_name as _own_name
from .spans import TOPONYM_LABELS, _as_name, _big_place, _capitalised, _Span

#: a hyphen tail right after an entity ("-do", "-si" of Korean divisions)
_HYPHEN_TAIL = re.compile(r"-[^\W\d_]+")
#: entity labels whose names may still be places, read from the text around them
_OTHER_LABELS = frozenset({"PERSON", "ORG", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"})

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc



class Entities:
    """The entity rules of :class:`geo.extract.rules.ToponymRules` (a part of it)."""

    def _clean(self, text: str, start: int, end: int) -> tuple[int, int]:
        span = text[start:end]
        m = self._leading.match(span)
        if m and not self._article_is_part_of_name(span, span[m.end():]):
            start += m.end()
        span = text[start:end]
        while True:
            m = self._trailing.search(span)
            if not m or m.start() == 0:
                break
            # keep the final period of abbreviations such as "U.S.", "D.C." or "Ga."
            if span.endswith(".") and (re.search(r"(?:^|\.)[A-Z]\.$", span) or (
                    len(span.split()[-1]) <= 7 and self._known_name(span) is not None)):
                break
            # keep the "'s" of a name of several words that holds it ("St. John's", "St. George's"), not of a
            # possessive ("South Sudan's")
            if m.group(0)[:1] in "'\u2019" and " " in span and self._known_name(_as_name(span)) is not None:
                break
            end = start + m.start()
            span = text[start:end]
        return start, end

    def _from_entity(self, ent, text: str, person_tokens: set[str], lower_words: set[str],
                     title_at: bytearray, *, toks: list | None = None) -> Iterator[_Span]:
        """An entity as toponym spans: "Dublin, Ohio" is two places; "Mexico" in "Mexico City" and
        "Kuala" in "Kuala Lumpur" are the longer name the gazetteer knows. ``toks``: the Doc's tokens as
        a list, if the caller has it (indexing a list is cheaper than indexing the Doc)."""
        a, b = ent.start_char, ent.end_char
        title = bool(title_at[a])
        if ent.label_ in _OTHER_LABELS and not title:
            yield from self._places_in_other_entity(ent, text)
            return
        if ent.label_ in TOPONYM_LABELS:
            longer = self._longer_name(ent.doc if toks is None else toks, ent.start, ent.end, text, title)
            if longer is not None:
                yield _Span(longer[0], longer[1], ent.label_)
                return
        if ent.label_ in TOPONYM_LABELS and "," in text[a:b]:
            pos = a
            for part in text[a:b].split(","):
                lead = len(part) - len(part.lstrip())
                s = self._entity_span(ent.label_, text, pos + lead, pos + len(part), person_tokens, lower_words,
                                      title)
                if s is not None:
                    yield s
                pos += len(part) + 1
            return
        s = self._entity_span(ent.label_, text, a, b, person_tokens, lower_words, title)
        if s is not None:
            yield s

    def _places_in_other_entity(self, ent, text: str) -> Iterator[_Span]:
        """Places NER called something else, read from the text around them (the gazetteer matcher
        decides on the rest):

        * right after a locative word or a place word and "of" ("fighting around Chasiv Yar", "near
          Hugo", "the village of Krynky"), an entity of up to three words that is exactly the own name of
          a town or an area the gazetteer knows, however small;
        * in an entity of names joined by "and" or "at" ("Karachi and Hyderabad", "Chad at Adre"),
          each part that names a well-known place (a country, a province, a city of 100,000)."""
        a, b = self._clean(text, ent.start_char, ent.end_char)
        if b <= a:
            return
        tail = _HYPHEN_TAIL.match(text, b, min(len(text), b + 20))
        if tail and self._known_name(_as_name(text[a:tail.end()])) is not None:
            b = tail.end()  # "Jeju" tagged PERSON in "flew to Jeju-do": the name runs on over the hyphen
        surface = text[a:b]
        words = surface.split()
        before = text[max(0, a - 25):a]
        if (len(words) <= 3 and self._locative_before is not None and self._locative_before.search(before)
                and surface.lower() not in self.lang.generic_words and not self._opaque_acronym(surface)
                and self.gz.demonym(surface) is None):
            known = self._known_name(_as_name(surface))
            if known is not None and known[1] in "PA" and any(
                    c.similarity >= 0.999 and _own_name(c) and c.place.feature_class in "PA"
                    for c in self.gz.exact(_as_name(surface))):
                yield _Span(a, b, "GAZ")
                return
        if len(words) < 3:
            return
        pos = a
        for part in self._joined_parts.split(surface):
            start = text.find(part, pos, b)
            if start < 0:
                return
            pos = start + len(part)
            if part[:1].isupper() and part.lower() not in self.lang.generic_words and not self._opaque_acronym(part):
                known = self._known_name(_as_name(part))
                if known is not None and known[3] >= 2 and self.gz.demonym(part) is None:
                    yield _Span(start, start + len(part), "GAZ")

    def _longer_name(self, sdoc: "Doc | list", a: int, b: int, text: str, title: bool = False) -> tuple[int, int] | None:
        """The longest name the gazetteer knows that strictly contains tokens ``a..b`` (an entity),
        extended over neighbouring capitalised tokens: "Mexico" -> "Mexico City", "Bay of" + "Bengal"
        -> "Bay of Bengal", "Rio Grande" -> "Rio Grande do Sul"."""
        if sdoc[a].text.lower() in self.lang.articles:
            a += 1
        if a >= b:
            return None
        n = len(sdoc)
        best = None
        for i in range(max(0, a - 3), a + 1):
            for j in range(min(n, b + 5), b - 1, -1):  # (hyphens count as tokens: "Auvergne-Rhône-Alpes")
                if (i, j) == (a, b) or j - i > 8 or not (sdoc[j - 1].text[:1].isupper() or (
                        j - i >= 3 and sdoc[j - 2].text == "-")) \
                        or not self._name_run(sdoc, i, j):  # (_name_run's first test, cheaply: a capitalised
                    continue                                 # last token, or a hyphen tail, "Hamgyŏng-namdo")
                start, end = sdoc[i].idx, sdoc[j - 1].idx + len(sdoc[j - 1].text)
                if best is not None and end - start <= best[1] - best[0]:
                    continue
                if (not title and b < j < n and _capitalised(sdoc[j].text)
                        and sdoc[j].text.lower() not in self.stop_words):
                    continue  # "Dublin City Manager": the longer name is longer still
                surface = text[start:end]
                if self._known_name(_as_name(surface)) is not None:
                    best = (start, end)
        if best is not None and sdoc[a].idx >= best[0] and text[best[0]:best[1]].split()[-1].lower().rstrip(".") \
                in self.lang.non_place_tails:
            return None
        return best

    def _entity_span(self, label: str, text: str, start: int, end: int, person_tokens: set[str],
                     lower_words: set[str], title: bool = False) -> _Span | None:
        start, end = self._clean(text, start, end)
        if end <= start or text[start:end].lower() in self.lang.generic_words:
            return None
        surface = text[start:end]
        m = self._direction.match(surface)
        if m and self._known_name(surface) is None and self._known_name(surface[m.end():]) is not None:
            start += m.end()  # "North Texas" -> Texas
            surface = text[start:end]
        if not any(ch.isupper() for ch in surface[:1]) and not surface[:1].isdigit():
            return None  # lowercase noise ("muscat daily recycle")
        words = surface.split()
        if label == "NORP":
            if self.demonyms and self._is_demonym(surface):
                return _Span(start, end, "DEMONYM")
            return None
        if label not in TOPONYM_LABELS:
            return None  # PERSON / ORG: the gazetteer matcher decides on single known names
        if (label == "GPE" and self.demonyms and len(words) == 1 and self._known_name(surface) is None
                and self._is_demonym(surface)):
            return _Span(start, end, "DEMONYM")  # "Ukrainian" tagged GPE
        known = self._known_name(surface)
        if title and known is None:
            return None  # "Paris Braces" tagged GPE in a headline: the matcher finds "Paris"
        if known is None and len(words) > 1:
            # "Alachua County Sheriff", "Columbus East": the place that heads an unknown name
            k = len(words)
            while k > 1 and words[k - 1].lower().strip(".") in self.lang.institution_words:
                k -= 1
                head = " ".join(words[:k])
                if self._known_name(head) is not None:
                    end = start + len(head) if text[start:start + len(head)] == head else end
                    if end == start + len(head):
                        surface, words, known = head, words[:k], self._known_name(head)
                    break
        tail = words[-1].lower().strip(".") if words else ""
        if len(words) == 1 and surface in person_tokens and (known is None or known[0] < 0.6):
            return None  # "Obama" after "Barack Obama"; "Lincoln" after "Abraham Lincoln"
        if tail in self.lang.non_place_tails and known is None:
            return None
        if known is None:
            if label == "FAC":
                return None
            if any(ch.isdigit() for ch in surface):
                return None
            if len(words) == 1 and surface in person_tokens:
                return None  # "Saakashvili" after "Mikheil Saakashvili"
            cue = self.lang.cue_suffixes.get(tail)
            if cue is None and not self._plausible_unknown(surface) and not (
                    len(words) == 1 and label != "FAC" and self._famous_variant(surface)):
                return None
        return _Span(start, end, label)

    def _famous_variant(self, surface: str) -> bool:
        """Is an unknown name NER calls a place a spelling of a well-known one ("Hodeidah" for the
        gazetteer's "Hodeida")? The resolver's fuzzy match places it."""
        key = ("~", surface)
        hit = self._known.get(key, None)
        if hit is None:
            hit = len(surface) >= 6 and surface.isalpha() and not self._is_demonym(surface) and any(
                c.similarity >= 0.9 and _big_place(c.place) and not self._demonym_of(surface, c)
                for c in self.gz.lookup(surface, limit=5, fuzzy=True))
            self._known[key] = hit
        return hit

    def _plausible_unknown(self, surface: str) -> bool:
        """A GPE/LOC the gazetteer does not know: keep it (for the geocoder) if it looks like a place name.

        A single unknown word ("Hamas", "Obama" tagged GPE) is kept only when a geocoder can try it.
        """
        words = surface.split()
        if len(words) > 5 or (len(words) == 1 and not self.keep_unknown_words):
            return False
        return all(w[:1].isupper() or w.lower() in self.lang.name_joiners for w in words)
