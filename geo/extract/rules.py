"""The toponym rules: which of a Doc's names are places (what the ``geo_toponyms`` component runs).

spaCy NER proposes GPE/LOC/FAC entities; a gazetteer-backed matcher adds the names the small model
misses or mislabels (datelines such as "OSLO -", "Euphrates" tagged as an organisation, "Ohio"
left untagged); filters drop people, organisations, streets and lowercase noise. Demonyms
("Syrian") become mentions of their own kind (label DEMONYM), linked to their country.

The rules hold no words of any language: :class:`ToponymRules` takes a language's data
(:class:`geo.lang.LanguageData`, from ``geo/lang/<code>/``) and its stop words (spaCy's, for
``nlp.lang``). Everything works on character offsets into the Doc's text.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import TYPE_CHECKING, Iterable

from ..gazetteer.names import normalize
from ..lang import LanguageData, alternation
from ..prominence import latin as _latin
from ..prominence import own_name as _own_name
from ..prominence import well_known as _well_known_place
from ..types import Mention
from .datelines import Datelines
from .entities import Entities
from .headlines import Headlines
from .local_names import LocalNames
from .matcher import GazetteerMatcher
from .spans import LOCAL_LABELS, TOPONYM_LABELS, _capitalised, _Span, sentence_spans

_WORD_AFTER = re.compile(r"[^\s]+")  # the words after a name prefix ("Noire", "Bonne-Espérance")
_BLANKS = re.compile(r"[ \t]+")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'\u2019-]*)[ \t]+$")  # the word before a position (and the blanks)
_LETTERS = re.compile(r"([A-Za-z]+)")

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from ..gazetteer import Gazetteer

__all__ = ["LOCAL_LABELS", "TOPONYM_LABELS", "ToponymRules", "sentence_spans"]


class ToponymRules(Datelines, LocalNames, Headlines, GazetteerMatcher, Entities):
    """The rules over one language's data and one gazetteer: :meth:`find` turns a Doc with entities into
    Mentions. Owned by the ``geo_toponyms`` component (one per component, built on first use).

    Each kind of rule is a part of its own (datelines.py, local_names.py, headlines.py, matcher.py,
    entities.py); this class holds what they share: the language's data and patterns, the gazetteer
    and what it knows about a name (memoised), and :meth:`find`, which runs them in order."""

    def __init__(self, gazetteer: "Gazetteer", lang: LanguageData, stop_words: Iterable[str], *,
                 demonyms: bool = True, keep_unknown_words: bool = False):
        self.gz = gazetteer
        self.lang = lang
        self.stop_words = frozenset(stop_words)
        self.demonyms = demonyms
        self.keep_unknown_words = keep_unknown_words
        self._known: dict = {}
        self._demonyms: dict[str, bool] = {}  # word -> is it a demonym (memoised: a store query each)
        # a country or province named inside an organisation counts ("the Texas Forest Service")
        self.in_org_importance = 0.6
        pat = lang.patterns
        self._direction = re.compile(rf"^(?:{alternation(w.capitalize() for w in lang.directions)})\s+")
        self._leading = re.compile(
            rf"^(?:{alternation(f(w) for w in lang.leading_words for f in (str.lower, str.title, str.upper))})\s+")
        self._trailing = re.compile(pat["trailing"])
        self._joined_names = re.compile(pat["joined_names"])  # "Washington, D.C.": one name
        self._ordinal = re.compile(pat["ordinal"])  # "5th Avenue"
        self._of_before = re.compile(pat["of_before"])  # "province of X": the cue word
        # "around Chasiv Yar", "the village of Krynky": a locative word, or a place word and "of", right before
        # a name (entities.py: a name NER called a person or an event is still a place there)
        loc = list(lang.locative_words) + [f"{w} of" for w in lang.cue_prefixes]
        self._locative_before = re.compile(
            rf"\b(?:{alternation(f(w) for w in loc for f in (str.lower, str.capitalize))})\s+(?:the\s+)?$") if loc else None
        # "Wembley Stadium", "Zamzam Camp": the last word of a site's name (local_names.py; one word of the pattern)
        self._site_head = re.compile(pat["site_head"]) if "site_head" in pat else None
        # "Karachi and Hyderabad", "Chad at Adre": names joined inside one entity
        self._joined_parts = re.compile(r"\s+(?:and|at|&)\s+|\s*,\s*")
        # a name followed by these is a disease or a virus ("Ebola virus", "West Nile fever"), in the whole document
        self._disease_next = re.compile(rf"^[\s-]*(?:{alternation(lang.disease_words)})\b", re.IGNORECASE)
        self.article_words = frozenset(f(w) for w in lang.articles for f in (str.title, str.upper))
        # "la mer Noire", "la province d'Idleb": a lower-case word before a name that begins the name
        prefixes = alternation(lang.name_prefixes).replace("'", "['\u2019]")  # either apostrophe
        self._name_prefix = re.compile(rf"(?<!\w)(?:{prefixes})(?:[ \t]+|(?<=['\u2019]))", re.IGNORECASE) \
            if lang.name_prefixes else None

    def _known_name(self, surface: str) -> tuple[float, str, int, int] | None:
        """(best importance, its feature class, fame, fame as a town or an area) of the places called
        ``surface``, or None.

        Fame is 2 when one of them is well known (:func:`geo.prominence.well_known`: a country, a
        province, a city of 100,000 people, a capital, a major river or sea) and called by its own
        name or a spelling of it ("Khan Younis" for Khān Yūnis), 1 when a well-known place answers to
        it only as an alias ("Hamas" is an old name of Hamm, "White House" a translation of
        Casablanca), 0 otherwise. The fourth value counts only towns, administrative areas and regions
        (a person's name is often a river's or a mountain's: "St. Clair")."""
        hit = self._known.get(surface, False)
        if hit is not False:
            return hit
        res = None
        if self.gz.has_name(surface):
            cands = self.gz.exact(surface)
            if cands:
                best = max(cands, key=lambda c: c.place.importance)
                famous = [(c.place.feature_class in "PAL", _own_name(c)) for c in cands
                          if _latin(c.matched_name) and _well_known_place(c.place)]
                res = (best.place.importance, best.place.feature_class,
                       max((1 + own for _pa, own in famous), default=0),
                       max((1 + own for pa, own in famous if pa), default=0))
        if len(self._known) > 200_000:
            self._known.clear()
        self._known[surface] = res
        return res

    def _is_demonym(self, word: str) -> bool:
        """Is ``word`` a demonym the gazetteer knows ("Syrian")? (memoised per rules object)"""
        hit = self._demonyms.get(word)
        if hit is None:
            if len(self._demonyms) > 200_000:
                self._demonyms.clear()
            hit = self._demonyms[word] = self.gz.demonym(word) is not None
        return hit

    def find(self, sdoc: "Doc", doc_id: str = "", text: str | None = None) -> list[Mention]:
        """The place names in a spaCy Doc that has entities, as Mentions (offsets into ``sdoc.text``;
        ``text``: ``sdoc.text`` if the caller has it already -- spaCy joins the tokens on each access)."""
        if text is None:
            text = sdoc.text  # the document's text, or one chunk of it (surrogates replaced, same length)
        # the tokens, their texts and the entities once per Doc (spaCy makes new objects on each access)
        toks = list(sdoc)
        words = [t.text for t in toks]
        ents = sdoc.ents
        lower_words = {w for w, t in zip(words, toks) if t.is_lower and t.is_alpha}
        title_at = self._title_case_lines(text)  # headlines: their capitals say nothing about names
        person_tokens: set[str] = set()
        for ent in ents:
            if ent.label_ == "PERSON" and len(ent) >= 2 and not title_at[ent.start_char]:
                person_tokens.update(t.text for t in ent if t.is_title)
        spans: list[_Span] = []
        taken = bytearray(len(text) + 1)

        def add(s: _Span) -> None:
            if any(taken[s.start:s.end]):
                return
            spans.append(s)
            taken[s.start:s.end] = b"\x01" * (s.end - s.start)

        for s in self._datelines(text):
            add(s)
        for m in self._joined_names.finditer(text):
            add(_Span(m.start(), m.end(), "GPE"))
        for s in self._local_names(sdoc, text, toks=toks, words=words):
            add(s)
        for ent in ents:
            for s in self._from_entity(ent, text, person_tokens, lower_words, title_at, toks=toks):
                add(s)
        for s in self._gazetteer_matches(sdoc, text, person_tokens, lower_words, taken, title_at,
                                         toks=toks, words=words, ents=ents):
            add(s)
        # lesser towns after a locative ("at Adre"): never a word of a person's name in the text, nor one NER
        # calls a person alone more than once
        lone_persons = Counter(e.text for e in ents if e.label_ == "PERSON" and len(e) == 1 and not title_at[e.start_char])
        for s in self._lesser_places(toks, words, text, spans, taken, person_tokens, lone_persons, lower_words, ents,
                                     title_at):
            add(s)
        if self._name_prefix is not None:
            spans = self._with_name_prefixes(text, spans)
        spans = self._whole_names(spans, text)
        spans = self._region_names(spans, text)
        diseases = {text[s.start:s.end] for s in spans
                    if s.label != "DATELINE" and self._disease_next.match(text[s.end:s.end + 25])}
        if diseases:
            spans = [s for s in spans if text[s.start:s.end] not in diseases]
        spans.sort(key=lambda s: s.start)
        sents = sentence_spans(text)
        starts = [s for s, _ in sents]
        out = []
        for s in spans:
            i = bisect.bisect_right(starts, s.start) - 1
            ss, se = sents[i] if i >= 0 else (s.start, s.end)
            if se < s.end:
                se = s.end
            if ss > s.start:
                ss = s.start
            cue = s.cue or self._context_cue(text, s.start, s.end) or self._named_kind_elsewhere(text, s)
            out.append(Mention(doc_id, text[s.start:s.end], s.start, s.end, s.label, ss, se, cue))
        return out

    _WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*")

    def _whole_names(self, spans: list[_Span], text: str) -> list[_Span]:
        """Spans keep their words: a span is widened to the longest name the gazetteer knows that runs
        on from it over capitalised words and joiners ("Trinidad" -> "Trinidad and Tobago", "Democratic
        Republic of" -> "... of the Congo", "Lakes" -> "Lakes Entrance", "French" -> "French Polynesia",
        "León" <- "Castile and León"), and never starts inside a hyphenated word ("American Highway" <-
        "Inter-American Highway"). Spans the widened one covers are dropped."""
        joiners = self.lang.match_joiners | self.lang.name_joiners | self.lang.articles
        out: list[_Span] = []
        for s in sorted(spans, key=lambda x: x.start):
            if s.label == "DATELINE":
                out.append(s)
                continue
            start, end = s.start, s.end
            # to the right: up to four words, joiners inside, a capitalised word last
            words = []
            pos = end
            for _ in range(4):
                m = _BLANKS.match(text, pos)
                if not m:
                    break
                w = self._WORD.match(text, m.end())
                if not w:
                    break
                words.append(w)
                pos = w.end()
            best_end = None
            for k in range(len(words), 0, -1):
                w = words[k - 1]
                last = w.group(0).rstrip(".")
                if not _capitalised(last) or any(
                        not _capitalised(x.group(0)) and x.group(0).lower() not in joiners for x in words[:k]):
                    continue
                name = text[start:w.start() + len(last)]
                after = self._WORD.match(text, w.end() + 1) if text[w.end():w.end() + 1] == " " else None
                if after is not None and _capitalised(after.group(0)):
                    continue  # "Alexandria City Council": a longer name, not the place "Alexandria City"
                if "\n" not in name and self._known_name(name) is not None:
                    best_end = w.start() + len(last)
                    break
            if best_end is not None:
                end = best_end
            # to the left, over up to five words (joiners inside, a capitalised word first): "Castile and
            # León", "Democratic Republic of the Congo" (NER: "Democratic Republic" + "Congo")
            lefts = []
            pos = start
            for _ in range(5):
                w = _WORD_BEFORE.search(text[max(0, pos - 40):pos])
                if not w:
                    break
                a = pos - len(w.group(0))
                lefts.append((a, w.group(1)))
                pos = a
            for a, word in reversed(lefts):
                inner = [x for b, x in lefts if b > a]
                if (not _capitalised(word) or word.lower() in self.lang.articles or word.lower() in self.stop_words
                        or any(not _capitalised(x) and x.lower() not in joiners for x in inner)):
                    continue
                if "\n" not in text[a:end] and self._known_name(text[a:end]) is not None:
                    start = a
                    break
            if (start > 1 and text[start - 1] == "-" and text[start - 2].isalpha() and s.label != "DEMONYM"
                    and self._known_name(text[start:end]) is None):
                a = start - 1
                while a > 0 and (text[a - 1].isalpha() or text[a - 1] == "-"):
                    a -= 1
                if text[a:a + 1].isupper():
                    start = a  # "Inter-American Highway", not "American Highway"
            if (start, end) != (s.start, s.end):
                label = "GAZ" if s.label == "DEMONYM" else s.label
                s = _Span(start, end, label, s.cue)
                while out and out[-1].end > start and out[-1].label != "DATELINE":
                    out.pop()
            elif out and out[-1].end > start:
                continue  # inside the name a previous span was widened to
            out.append(s)
        return out

    _CAP_WORD_AFTER = re.compile(r"[ \t]([A-Z][\w'\u2019-]*)")
    _CAP_WORD_BEFORE = re.compile(r"([A-Z][a-z]+)[ \t]$")

    def _region_names(self, spans: list[_Span], text: str) -> list[_Span]:
        """A region-ish name of several words is not cut to one of its words: a lone generic word or a
        site's word ("Bay" of "Bay Area", "Camp" of "Camp Four") takes the capitalised words after it, and a
        name right after a capitalised direction word ("North Street", "South Charlston") takes that word,
        unless the shorter span is the own name of a well-known place ("East Texas": Texas). The resolver
        places a whole name through its head ("Metro Vancouver": Vancouver) or not at all."""
        out = []
        taken = {i for s in spans for i in range(s.start, s.end)}
        directions = {w.capitalize() for w in self.lang.directions}
        site_head = self._site_head  # "Camp" of "Camp Four"
        for s in spans:
            if s.label in ("DATELINE", "DEMONYM"):
                out.append(s)
                continue
            surface = text[s.start:s.end]
            start, end = s.start, s.end
            if " " not in surface and (surface.lower() in self.lang.generic_words
                                       or (site_head is not None and site_head.match(surface))):
                pos = end
                for _ in range(3):
                    m = self._CAP_WORD_AFTER.match(text, pos)
                    if not m or m.start(1) in taken:
                        break
                    pos = m.end()
                end = pos
            m = self._CAP_WORD_BEFORE.search(text, max(0, start - 14), start)
            if (m and m.group(1) in directions and m.start(1) not in taken
                    and self._known_name(text[m.start(1):end]) is None):
                known = self._known_name(surface)
                if known is None or surface.lower() in self.lang.generic_words or known[3] < 2:
                    # "North Street", "Bay Area", "South Charlston"; not "East Texas", "Western Tigray": a
                    # province or country after a direction word stays the span (news corpora annotate so),
                    # and the resolver drops it when it lies far from the text's other places
                    start = m.start(1)
            out.append(s if (start, end) == (s.start, s.end) else _Span(start, end, s.label, s.cue))
        return out

    def _named_kind_elsewhere(self, text: str, s: _Span) -> str | None:
        """"the Ohio" where the text also says "the Ohio River": the river's cue for the bare name after "the"
        (a state's or a town's name never takes it), from the language's physical cue words ("River", "Lake")."""
        if s.label in ("DATELINE", "DEMONYM") or not text[max(0, s.start - 4):s.start].lower().endswith("the "):
            return None
        name = text[s.start:s.end]
        if len(name) < 3 or "\n" in name:
            return None
        known = self._known_name(name)
        if known is not None and known[1] == "A" and known[0] >= 0.9:
            return None  # "the Gambia", "the Congo": the country, though the text names its river too
        for word, kind in self.lang.cue_suffixes.items():
            if kind not in ("river", "lake", "sea", "mountain") or len(word) < 4:
                continue
            w = word.capitalize()
            if f"{name} {w}" in text or f"{w} {name}" in text or f"{w} of {name}" in text:
                return kind
        return None

    def _context_cue(self, text: str, start: int, end: int) -> str | None:
        """The feature type asked for around a name: "X River", "X county", "province of X"."""
        after = text[end:end + 20].lstrip()
        m = _LETTERS.match(after)
        word = m.group(1).lower() if m else ""
        if word in self.lang.cue_suffixes and (after[:1].isupper() or word in self.lang.cues_lowercase):
            return self.lang.cue_suffixes[word]
        surface_tail = text[start:end].split()[-1].lower()
        if surface_tail in self.lang.cue_suffixes:
            return self.lang.cue_suffixes[surface_tail]
        before = text[max(0, start - 25):start].lower()
        m = self._of_before.search(before)
        if m and m.group(1) in self.lang.cue_prefixes:
            return self.lang.cue_prefixes[m.group(1)]
        return None

    def _opaque_acronym(self, surface: str) -> bool:
        """"UN", "IS", "SDF": short all-capital words are organisations far more often than places."""
        if "." in surface:  # dotted abbreviations ("S.C.", "D.C.", "U.S.") are the way news writes places
            return False
        return surface.isupper() and len(surface) <= 4 and surface not in self.lang.place_acronyms

    def _demonym_of(self, surface: str, c) -> bool:
        """Is ``surface`` the place's name with a demonym ending ("Zambian" for Zambia)?"""
        s, n = normalize(surface), normalize(c.place.name)
        return s.startswith(n) and s[len(n):] in self.lang.demonym_endings

    def _article_is_part_of_name(self, whole: str, rest: str) -> bool:
        """"Le Caire", "La Havane", "Le Havre": a leading article that the gazetteer's keys keep (English
        "the" never is: the keys drop it) belongs to the name when the whole is a name at least as
        important as the rest ("La Chine" is China, not Lachine)."""
        whole, rest = self._trailing.sub("", whole), self._trailing.sub("", rest)
        if normalize(whole) == normalize(rest):
            return False
        known = self._known_name(whole)
        if known is None:
            return False
        other = self._known_name(rest)
        return other is None or known[0] >= other[0]

    def _with_name_prefixes(self, text: str, spans: list[_Span]) -> list[_Span]:
        """Names that begin with a lower-case word ("la mer Noire", "la province d'Idleb", "le détroit
        d'Ormuz"): where such a word is followed by capitalised words and the gazetteer knows the longer
        name, that name (at most five words after the prefix) replaces the spans inside it."""
        assert self._name_prefix is not None
        for m in self._name_prefix.finditer(text):
            a = m.end()
            if not text[a:a + 1].isupper():
                continue
            words = list(_WORD_AFTER.finditer(text, a, min(len(text), a + 80)))[:5]
            best = None
            for k in range(len(words), 0, -1):
                last = words[k - 1]
                if "\n" in text[a:last.end()] or not last.group()[:1].isupper():
                    continue
                end = last.end()
                while end > a and text[end - 1] in ".,;:!?\"'\u2019\u201d)":
                    end -= 1
                if self._known_name(text[m.start():end]) is not None:
                    best = end
                    break
            if best is None:
                continue
            start = m.start()
            inside = [s for s in spans if start <= s.start and s.end <= best]
            if any(s.start < best and start < s.end for s in spans if s not in inside):
                continue  # a span across the boundary: leave both
            label = next((s.label for s in inside if s.label != "DATELINE"), "GAZ")
            # "la mer Rouge": the word asks for its kind (a sea, not Mer Rouge, Louisiana), as "Red Sea" does
            cue = self.lang.cue_prefixes.get(m.group().split()[0].lower().rstrip("'\u2019"))
            spans = [s for s in spans if s not in inside] + [_Span(start, best, label, cue)]
        return spans
