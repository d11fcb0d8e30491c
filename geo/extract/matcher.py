"""The gazetteer matcher: known names in runs of capitalised tokens that NER did not accept as places."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Mapping

from ..features import COUNTRY_CODES, cue_matches
from ..prominence import PHYSICAL_CLASSES
from ..prominence import latin as _latin
from ..prominence import own_name as _own_name
from ..prominence import well_known as _well_known_place
from .spans import _NOT_PLACE_LABELS, _NUMERIC_LABELS, TOPONYM_LABELS, _as_name, _boundary, _capitalised, _Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc



#: the cue kinds (geo.features.CUE_FEATURES) of physical features: a name whose own words give one of
#: these is a feature of that kind ("region" for "Atacama Desert", "Nicoya Peninsula", "Bekaa Valley")
_PHYSICAL_KINDS = frozenset({"sea", "river", "lake", "mountain", "cape", "island", "region"})

#: a lesser town or area (:meth:`GazetteerMatcher._lesser_places`) must be at least this important (GeoNames
#: hamlets and farms are named like everything)
_LESSER_MIN_IMPORTANCE = 0.15
#: ... and its name one that the towns and areas of few provinces share (a town and its district count once):
#: names of many ("Johnson", "Smith", "Christian") are people's names and words as often
_LESSER_MAX_NAMESAKES = 2


class GazetteerMatcher:
    """The gazetteer matcher of :class:`geo.extract.rules.ToponymRules` (a part of it)."""

    def _gazetteer_matches(self, sdoc: "Doc", text: str, person_tokens: set[str], lower_words: set[str],
                           taken: bytearray, title_at: bytearray | None = None, *, toks: list | None = None,
                           words: list[str] | None = None, ents: tuple | None = None) -> Iterator[_Span]:
        """Known names in runs of capitalised tokens that NER did not accept (``toks``, ``words``, ``ents``:
        the Doc's tokens, their texts and its entities, if the caller has them already).

        In a Title Case headline the capitals and NER's labels say nothing ("Paris Braces for Transport
        Strike" comes out as one ORG): there a known name is taken if it names a well-known place."""
        ent_label = {}
        for ent in (sdoc.ents if ents is None else ents):
            for i in range(ent.start, ent.end):
                ent_label[i] = ent
        if toks is None:
            toks = list(sdoc)
        if words is None:
            words = [t.text for t in toks]
        caps = [w[:1].isupper() for w in words]  # _capitalised, inline: the first and last token of a name
        joiners, possessives = self.lang.match_joiners, self.lang.possessives
        inside: dict[int, bool] = {}  # token -> may it stand inside a name (as _name_run decides; per token)
        n = len(toks)
        i = 0
        while i < n:
            if not caps[i]:  # most tokens: nothing can start here
                i += 1
                continue
            t = toks[i]
            if taken[t.idx] or words[i] in self.article_words:
                i += 1
                continue
            title = title_at is not None and bool(title_at[t.idx])
            ent = ent_label.get(i)
            if title and ent is not None and ent.label_ not in _NUMERIC_LABELS:
                ent = None  # a headline's entities are guesses from its capitals
            if ent is not None and ent.label_ not in TOPONYM_LABELS:
                run = self._run_across(toks, i, ent, text, taken)
                if run is not None:
                    # NER cut a well-known name or called it something else: "Saint Kitts and" (PERSON)
                    # + "Nevis"; "İzmir" (DATE)
                    yield run
                    i = ent.end
                    while i < n and toks[i].idx < run.end:
                        i += 1
                    continue
            if ent is not None and ent.label_ not in _NUMERIC_LABELS and ent.label_ not in TOPONYM_LABELS and (
                    len(ent) >= 2 or ent.label_ not in {"PERSON", "ORG"}):
                whole = self._whole_entity_place(ent, text, taken)
                if whole is not None:
                    # "Khan Younis", "Buenos Aires" tagged PERSON, "Nagorno-Karabakh" ORG, "Aleppo" NORP,
                    # "Montevideo" PRODUCT: the whole entity is the name of a well-known place
                    yield whole
                    i = ent.end
                    continue
            if ent is not None and ent.label_ in _NOT_PLACE_LABELS:
                i = ent.end  # dates ("March"), numbers, nationalities, events...
                continue
            if ent is not None and (
                    ent.label_ in {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"} and len(ent) >= 2):
                # multi-word people and organisations ("Sergei Lavrov", "NATO Military Committee"):
                # only a country named inside an organisation counts ("the US Joint Chiefs of Staff")
                yield from self._places_in_org(toks, ent.start, ent.end, text, taken,
                                               countries=ent.label_ == "ORG")
                i = ent.end
                continue
            matched = False
            for k in (5, 4, 3, 2, 1):
                j = i + k
                if j > n or not (caps[j - 1] or (  # (what _name_run checks first, without the call)
                        k >= 3 and words[j - 2] == "-" and not toks[j - 3].whitespace_ and not toks[j - 2].whitespace_)):
                    continue  # (a lower-case hyphen tail ends a name too: "Sejong-si", "Gyeongsangbuk-do")
                # _name_run, inline: the first and last token are checked above, the ones inside here
                run = True
                for x in range(i + 1, j - 1):
                    ok = inside.get(x)
                    if ok is None:
                        w = words[x]
                        ok = inside[x] = caps[x] or w.lower() in joiners or w in possessives or (
                            not toks[x - 1].whitespace_ and not toks[x].whitespace_ and (w == "-" or w.isalpha()))
                    if not ok:
                        run = False
                        break
                if not run:
                    continue
                found = self._free_run(toks, i, j, taken, run_known=True)
                if found is None:
                    continue
                start, end = found
                surface = text[start:end]
                norm_surface = _as_name(surface)
                known = self._known_name(norm_surface)
                if known is None:
                    continue
                if k == 1 and j < n and toks[j].text.lower() in self.lang.admin_units and \
                        self._known_name(f"{norm_surface} {toks[j].text}") is not None:
                    break  # "Laurel County Fiscal Court": the county, not a town called Laurel
                if title:
                    if not self._accept_in_title(toks, i, j, surface, known, person_tokens):
                        continue
                elif not self._accept_match(toks, i, j, surface, known, person_tokens, lower_words, ent_label):
                    continue
                yield _Span(start, end, "GAZ")
                i = j
                matched = True
                break
            if not matched:
                i += 1

    def _free_run(self, toks, i: int, j: int, taken: bytearray, *, run_known: bool = False) -> tuple[int, int] | None:
        """Tokens ``i..j`` as a candidate name: one name (:meth:`_name_run`; ``run_known``: the caller has
        checked that) over text no span has taken yet: its character offsets, else None."""
        if not run_known and not self._name_run(toks, i, j):
            return None
        start, end = toks[i].idx, toks[j - 1].idx + len(toks[j - 1].text)
        return None if any(taken[start:end]) else (start, end)

    def _run_across(self, toks, i: int, ent, text: str, taken: bytearray) -> _Span | None:
        """A well-known place's own name (a country, a province, a big city, called by its name) that
        starts where an entity starts and either runs past its end or is a number-free entity NER took
        for a date or an amount: NER's label says nothing there."""
        if i != ent.start:
            return None
        numeric = ent.label_ in _NUMERIC_LABELS
        if numeric and any(ch.isdigit() for ch in ent.text):
            return None
        n = len(toks)
        for k in (6, 5, 4, 3, 2, 1):
            j = i + k
            if j > n or (j <= ent.end and not (numeric and j == ent.end)):
                continue
            found = self._free_run(toks, i, j, taken)
            if found is None:
                continue
            start, end = found
            surface = text[start:end]
            if surface.lower() in self.lang.generic_words or self._is_demonym(surface):
                continue
            known = self._known_name(_as_name(surface))
            if known is not None and known[3] >= 2:
                return _Span(start, end, "GAZ")
        return None

    def _whole_entity_place(self, ent, text: str, taken: bytearray) -> _Span | None:
        """The entity, cleaned ("the English Channel" -> "English Channel"), if it is exactly the name of
        a well-known place and not a demonym."""
        start, end = self._clean(text, ent.start_char, ent.end_char)
        if end <= start or any(taken[start:end]):
            return None
        surface = text[start:end]
        if (surface.lower() in self.lang.generic_words or self._opaque_acronym(surface)
                or self._is_demonym(surface)):
            return None
        known = self._known_name(_as_name(surface))
        if known is not None and self._names_own_kind(surface):
            return _Span(start, end, "GAZ")  # "Atacama Desert", "Jebel Marra" tagged PERSON: no one's name
        # a person or an organisation may share its name with a river or a mountain ("St. Clair"), but
        # "the English Channel" (ORG) is the sea
        towns_only = ent.label_ == "PERSON" or (ent.label_ == "ORG" and start == ent.start_char)
        if known is None or known[3 if towns_only else 2] < 2:
            return None
        return _Span(start, end, "GAZ")

    def _river_by_its_words(self, toks, i: int, j: int) -> bool:
        """"the Pungwe burst", "the Buzi and": "the" right before a name and what may follow a river's
        name after it (the language's ``river_after``: a verb of rivers, a conjunction, a clause's end)."""
        after = self.lang.regex("river_after")
        if after is None or i == 0 or toks[i - 1].text.lower() != "the":
            return False
        doc_text = toks[i].doc.text
        end = toks[j - 1].idx + len(toks[j - 1].text)
        return bool(after.match(doc_text[end:end + 20]))

    def _names_own_kind(self, surface: str) -> bool:
        """Does a name of two words or more say its physical kind in its own words ("Atacama Desert",
        "Disko Bay", "Jebel Marra", "Mount Merapi", "Lake Naivasha") -- the language's cue word ending or
        opening it -- and does the gazetteer know a physical feature of that kind by the whole name?
        No person or organisation is called so."""
        words = surface.split()
        if len(words) < 2:
            return False
        kinds = {self.lang.cue_suffixes.get(w.lower().rstrip(".")) for w in (words[0], words[-1])}
        kinds = {k for k in kinds if k in _PHYSICAL_KINDS}
        if not kinds:
            return False
        key = ("kind", surface)
        hit = self._known.get(key)
        if hit is None:
            hit = self._known[key] = any(
                c.similarity >= 0.999 and c.place.feature_class in PHYSICAL_CLASSES
                and any(cue_matches(k, c.place.feature_class, c.place.feature_code) for k in kinds)
                for c in self.gz.exact(_as_name(surface)))
        return hit

    def _places_in_org(self, toks, a: int, b: int, text: str, taken: bytearray, *,
                       countries: bool = True) -> Iterator[_Span]:
        """Places named inside a multi-word name: a country or province anywhere in an organisation's
        name ("the US Joint Chiefs of Staff"), any known place heading an institution or office
        ("Dublin City Council", "Dublin Mayor Marilee Chinnici-Zuercher"), a well-known river or sea
        ending it after "of the" ("the Left Bank of the Seine")."""
        first = a + 1 if toks[a].text.lower() in self.lang.articles else a
        for x in range(first, b):
            t = toks[x]
            if not _capitalised(t.text) or taken[t.idx]:
                continue
            for k in (3, 2, 1):
                if x + k > b:
                    continue
                start, end = t.idx, toks[x + k - 1].idx + len(toks[x + k - 1].text)
                surface = text[start:end]
                known = self._known_name(surface)
                if known is None or surface.lower() in self.lang.generic_words or self._opaque_acronym(surface):
                    continue
                nxt = toks[x + k].text if x + k < len(toks) else ""
                if x + k == b and x > first and toks[x - 1].text == "the" and toks[x - 2].text.lower() == "of" \
                        and known[1] == "H" and known[2] >= 2:
                    yield _Span(start, end, "GAZ")  # "the Left Bank of the Seine": a well-known river ends the name
                    break
                if (countries and known[0] >= self.in_org_importance and known[1] == "A") or (
                        x == first and nxt.lower() in self.lang.institution_words and known[0] >= 0.1
                        and not surface.endswith(" City")):
                    # "the Texas Forest Service"; "Dublin City Council", "Laurel County Clerk"
                    yield _Span(start, end, "GAZ")
                    break

    def _accept_match(self, toks, i: int, j: int, surface: str, known: tuple[float, str], person_tokens: set[str],
                      lower_words: set[str], ent_label: dict) -> bool:
        importance = known[0]
        words = surface.split()
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[j] if j < len(toks) else None
        if words[-1].lower().strip(".") in self.lang.non_place_tails:
            return False
        if nxt is not None and (nxt.text.lower() in self.lang.non_place_tails) and nxt.text[:1].isupper():
            return False  # "Dublin Road", "Madison Square"
        if prev is not None and prev.text.lower().rstrip(".") in self.lang.titles:
            return False  # "Mr. Clinton"
        if (prev is not None and _capitalised(prev.text) and prev.text not in self.article_words
                and prev.text.lower() not in self.stop_words and prev.text.lower() not in self.lang.generic_words
                and i >= 2 and not _boundary(toks[i - 2].text)):
            return False  # the end of a longer capitalised name ("Prime Minister", "Fort Hood")
        if (nxt is not None and _capitalised(nxt.text) and nxt.text.lower() not in self.stop_words and not nxt.is_punct
                and nxt.text.lower() not in self.lang.institution_words):
            return False  # part of a longer capitalised name we do not know ("Huntsville Fire" is fine)
        if len(words) == 1:
            w = words[0]
            if w in person_tokens or w.lower() in self.lang.generic_words or self._is_demonym(w):
                return False
            if w.lower() in self.stop_words or w.lower() in lower_words:
                return False  # a common word that happens to be a place name
            if self._opaque_acronym(surface):
                return False
            sentence_initial = prev is None or prev.text in {".", "!", "?", ":", '"', "\u201c"} or "\n" in prev.text
            ent = ent_label.get(i)
            if known[1] == "H" and (ent is None or ent.label_ == "ORG") and self._river_by_its_words(toks, i, j):
                return True  # "the Buzi and the Pungwe burst their banks": a small river, by "the" and its verb
            if ent is not None and ent.label_ in {"PERSON", "ORG"}:
                if (ent.label_ == "ORG" and known[1] in PHYSICAL_CLASSES and not known[3]
                        and (prev is None or prev.text.lower() not in self.lang.river_articles)):
                    return False  # "Amazon reported record profits": the river would be "the Amazon"
                return importance >= 0.35
            if ent is not None and ent.label_ == "LANGUAGE":
                return importance >= 0.5  # "in Aleppo" mis-tagged, but "English language learners"
            if sentence_initial:
                return importance >= 0.5
            return importance >= 0.3
        return True

    def _name_run(self, toks, i: int, j: int) -> bool:
        """Are tokens ``i..j`` one name: capitalised words, with lower-case joiners inside ("Bay of Bengal",
        "Rio Grande do Sul"), a possessive ("Cox's Bazar") or hyphens ("Nagorno-Karabakh",
        "Port-au-Prince") between them?"""
        # (accuracy2, issue 19) a lower-case last word joined by a hyphen ends a name too: Korean "-do", "-si",
        # "-bukto" ("Gyeongsangbuk-do", "Sejong-si"); the run must still be a gazetteer name
        hyphen_tail = j - i >= 3 and toks[j - 2].text == "-" and not toks[j - 3].whitespace_ and not toks[j - 2].whitespace_
        if (not (_capitalised(toks[i].text) and (_capitalised(toks[j - 1].text) or hyphen_tail))
                or toks[i].text in self.article_words):
            return False
        for x in range(i + 1, j - 1):
            w = toks[x].text
            if _capitalised(w) or w.lower() in self.lang.match_joiners or w in self.lang.possessives:
                continue
            if not toks[x - 1].whitespace_ and not toks[x].whitespace_ and (w == "-" or w.isalpha()):
                continue  # inside a hyphenated name
            return False
        return True

    # -- lesser towns and areas named once ------------------------------------------------------------------
    def _anchor_countries(self, text: str, spans: list[_Span]) -> tuple[set[str], set[tuple[str, str]]]:
        """The countries, and the first-level divisions, of the places the text names that a reader knows
        by their name alone (a country, a province, a big city: :func:`geo.prominence.well_known`, by its
        own name) or by their people ("Chadian"): where the text is."""
        countries: set[str] = set()
        provinces: set[tuple[str, str]] = set()
        for s in spans:
            surface = text[s.start:s.end]
            key = ("cc", s.label == "DEMONYM", surface)
            hit = self._known.get(key)
            if hit is None:
                if s.label == "DEMONYM":
                    p = self.gz.demonym(surface)
                    places = [p] if p is not None else []
                else:
                    name = _as_name(surface)
                    places = [c.place for c in (self.gz.exact(name) if self.gz.has_name(name) else ())
                              if c.similarity >= 0.999 and _own_name(c) and _well_known_place(c.place)]
                hit = (frozenset(p.country_code for p in places if p.country_code),
                       frozenset((p.country_code, p.admin1_code) for p in places
                                 if p.country_code and p.admin1_code and p.feature_code not in COUNTRY_CODES))
                self._known[key] = hit
            countries |= hit[0]
            provinces |= hit[1]
        return countries, provinces

    def _lesser_places(self, toks, words: list[str], text: str, spans: list[_Span], taken: bytearray,
                       persons: set[str], lone_persons: Mapping[str, int], lower_words: set[str], ents,
                       title_at: bytearray) -> Iterator[_Span]:
        """Towns and areas too small for the gazetteer matcher's lone-word gate, named where the text itself
        says a place follows: a capitalised word or two right after a locative preposition (the language's
        ``town_before``: "crossed into Chad at Adre", "the plant at Enerhodar", "boats from Ilulissat"), or
        continuing a list that began after one ("from Maungdaw and Buthidaung", "between Bairnsdale and
        Orbost"). Such a name must be the own name (not an alias) of a town or an administrative area of
        at least some importance, in a country where the text's well-known places lie
        (:meth:`_anchor_countries`), and a name the places of few provinces share (one many towns share is
        a surname or a word as often: "a letter from Johnson"). Never a generic or common word, a demonym,
        an acronym, the head of a longer name ("at Harvard University"), a word of a person's name in the
        text or a word NER calls a person alone elsewhere in it ("at Kakuma" tagged PERSON once is the
        town), nor a word NER called a place or a date (its rules decided those). The word after the name
        must end a place's name: punctuation, a stop word, an administrative word ("in Cagayan province"),
        not a noun the name qualifies ("in Christian communities"), unless NER's entity ends with the name
        ("the Zaporizhzhia Nuclear Power Plant at Enerhodar" ORG, then "lost").

        A town also qualifies a site that lies in or by it: "the" and the name before a word of the
        language's ``town_site_after`` ("the Rungis wholesale market", "the Bonny terminal"), when one of its
        places lies in a first-level division of the text's well-known places (not merely its country), and the
        name is no brand ("the Toyota plant"). The resolver keeps such a
        one-word name only with the text's backing or after a
        locative, as for any other it did not find through NER."""
        before = self.lang.regex("town_before")
        if before is None:
            return
        listed = self.lang.regex("town_list_before")
        site_after = self.lang.regex("town_site_after")
        countries, provinces = self._anchor_countries(text, spans)
        if not countries:
            return
        ent_at = {}
        for ent in ents:
            for x in range(ent.start, ent.end):
                ent_at[x] = ent
        by_end = {s.end: s for s in spans if s.label != "DATELINE"}
        n = len(toks)
        for i in range(n):
            t, w = toks[i], words[i]
            if not w[:1].isupper() or taken[t.idx] or title_at[t.idx] or w in self.article_words:
                continue
            if i > 0 and _capitalised(words[i - 1]) and words[i - 1] not in self.article_words:
                continue  # inside a longer capitalised name ("Prime Minister", "Fort Hood")
            for k in (2, 1):
                j = i + k
                if j > n or (k == 2 and not (_capitalised(words[i + 1]) and t.whitespace_)):
                    continue
                start, end = t.idx, toks[j - 1].idx + len(words[j - 1])
                if any(taken[start:end]):
                    continue
                if self._located(text, start, before, listed, by_end):
                    where = countries
                elif (k == 1 and site_after is not None and site_after.match(text, end, end + 40)
                      and i > 0 and words[i - 1].lower() in self.lang.articles):
                    where = provinces  # "the Rungis wholesale market": a town of a province the text names
                else:
                    continue
                if not self._lesser_name(toks, i, j, text[start:end], persons, lone_persons, lower_words, ent_at,
                                         where, site=where is provinces):
                    continue
                span = _Span(start, end, "GAZ")
                by_end[end] = span
                yield span
                break

    def _located(self, text: str, start: int, before, listed, by_end: dict) -> bool:
        """Is the name at ``start`` right after a locative preposition, or listed after a name that is
        ("from Maungdaw and Buthidaung", "in Cagayan, Isabela and ...")? (up to four names back)"""
        for _ in range(5):
            pre = text[max(0, start - 30):start]
            if before.search(pre):
                return True
            m = listed.search(pre) if listed is not None else None
            if m is None:
                return False
            prev = by_end.get(start - (len(pre) - m.start()))
            if prev is None:
                return False
            start = prev.start
        return False

    def _lesser_name(self, toks, i: int, j: int, surface: str, persons: set[str], lone_persons: Mapping[str, int],
                     lower_words: set[str], ent_at: dict, where: set, *, site: bool = False) -> bool:
        """The tests of :meth:`_lesser_places` on the name of tokens ``i..j`` (its text, its entity, the
        word after it, the gazetteer's places of the name); ``where``: the countries (or with ``site``,
        the (country, province) pairs) one of the name's places must lie in."""
        words = surface.split()
        if surface.isupper() or self._opaque_acronym(surface) or surface.lower() in self.lang.generic_words:
            return False
        if any(x in persons or x.lower() in self.stop_words or x.lower() in lower_words
               or x.lower() in self.lang.generic_words for x in words):
            return False
        if self._is_demonym(surface) or (len(words) > 1 and any(self._is_demonym(x) for x in words)):
            return False
        ent = ent_at.get(i)
        inside = ent is not None and ent.end - ent.start > 1
        lone_person = ent is not None and ent.label_ == "PERSON" and not inside
        if any(lone_persons.get(x, 0) > (1 if lone_person else 0) for x in words):
            return False  # NER calls the word a person elsewhere in the text
        if ent is not None:
            if (ent.label_ in TOPONYM_LABELS or ent.label_ in _NUMERIC_LABELS or (ent.label_ == "PERSON" and inside)
                    or ent_at.get(j - 1) is not ent):
                return False
            if ent.label_ == "ORG" and inside and j != ent.end:
                return False  # a word inside an organisation's name
        nxt = toks[j] if j < len(toks) else None
        if nxt is not None:
            low = nxt.text.lower()
            if nxt.text in self.lang.possessives or low in self.lang.non_place_tails \
                    or low in self.lang.institution_words:
                return False  # "at Johnson's", "at Madison Square", "from Dublin Police"
            if _capitalised(nxt.text) and low not in self.stop_words:
                return False  # the head of a longer name ("at Harvard University")
            if (not site and nxt.text[:1].islower() and nxt.is_alpha and low not in self.stop_words
                    and low not in self.lang.admin_units and low not in self.lang.cue_suffixes
                    and not (inside and ent.end == j)):
                return False  # "in Christian communities": a word qualifying a noun (NER's entity ending here: a name)
        name = _as_name(surface)
        brands = self.lang.regex("brand_names")
        if site and brands is not None and brands.match(surface):
            return False  # "the Toyota plant": the company's
        if not self.gz.has_name(name):
            return False
        places = [c.place for c in self.gz.exact(name) if c.similarity >= 0.999 and c.place.feature_class in ("P", "A")
                  and _latin(c.matched_name) and _own_name(c)]
        if len({(p.country_code, p.admin1_code) for p in places}) > _LESSER_MAX_NAMESAKES:
            return False  # a name many places share: a surname or a word as often ("Johnson", "Christian")
        return any((p.country_code, p.admin1_code) in where if site else p.country_code in where
                   for p in places if p.importance >= _LESSER_MIN_IMPORTANCE)
