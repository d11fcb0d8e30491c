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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

from ..features import COUNTRY_CODES
from ..gazetteer.names import normalize
from ..lang import LanguageData, alternation
from ..prominence import PHYSICAL_CLASSES
from ..prominence import latin as _latin
from ..prominence import own_name as _own_name
from ..prominence import well_known as _well_known_place
from ..types import Mention

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from ..gazetteer import Gazetteer

TOPONYM_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NOT_PLACE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "NORP", "EVENT", "LAW",
                     "WORK_OF_ART", "PRODUCT"}  # (LANGUAGE is left to the matcher: "in Aleppo" gets tagged so)
_NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
LOCAL_LABELS = frozenset({"STREET", "NEIGHBOURHOOD"})  # parts of a town: streets, squares, neighbourhoods
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Za-z\u00C0-\u024F.'\- ]{1,40}?)"
    r"(?:,[ \t]*(?P<region>[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?))?"
    r"[ \t]*(?:\([^)\n]{1,30}\))?[ \t]*(?:-|\u2013|\u2014|--|:)(?:[ \t]|$)",
    re.MULTILINE,
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019.\-]*")
_SENT_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+(?=[\"'\u2018\u201c(\[]?[A-Z0-9])|\n\s*\n|\n")
_LINE = re.compile(r"[^\n]+")
_WORD_AFTER = re.compile(r"[^\s]+")  # the words after a name prefix ("Noire", "Bonne-Espérance")
_INITIAL = re.compile(r"[A-Z]\.(?:[A-Z]\.)*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Cheap sentence boundaries for snippets: sentence punctuation before a capital, or a line break."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        end = m.start() + 1 if text[m.start()] in ".!?" else m.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    # trim whitespace so snippets are tidy
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((s, e))
    return out


@dataclass
class _Span:
    start: int
    end: int
    label: str
    cue: str | None = None


class ToponymRules:
    """The rules over one language's data and one gazetteer: :meth:`find` turns a Doc with entities into
    Mentions. Owned by the ``geo_toponyms`` component (one per component, built on first use)."""

    def __init__(self, gazetteer: "Gazetteer", lang: LanguageData, stop_words: Iterable[str], *,
                 demonyms: bool = True, keep_unknown_words: bool = False):
        self.gz = gazetteer
        self.lang = lang
        self.stop_words = frozenset(stop_words)
        self.demonyms = demonyms
        self.keep_unknown_words = keep_unknown_words
        self._known: dict = {}
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
        # a name followed by these is a disease or a virus ("Ebola virus", "West Nile fever"), in the whole document
        self._disease_next = re.compile(rf"^[\s-]*(?:{alternation(lang.disease_words)})\b", re.IGNORECASE)
        self.article_words = frozenset(f(w) for w in lang.articles for f in (str.title, str.upper))
        # "la mer Noire", "la province d'Idleb": a lower-case word before a name that begins the name
        prefixes = alternation(lang.name_prefixes).replace("'", "['\u2019]")  # either apostrophe
        self._name_prefix = re.compile(rf"(?<!\w)(?:{prefixes})(?:[ \t]+|(?<=['\u2019]))", re.IGNORECASE) \
            if lang.name_prefixes else None

    # -- gazetteer knowledge, memoised per surface form ---------------------------------------------
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

    # -- the work -----------------------------------------------------------------------------------
    def find(self, sdoc: "Doc", doc_id: str = "") -> list[Mention]:
        """The place names in a spaCy Doc that has entities, as Mentions (offsets into ``sdoc.text``)."""
        text = sdoc.text  # the document's text, or one chunk of it (surrogates replaced, same length)
        lower_words = {t.text for t in sdoc if t.is_lower and t.is_alpha}
        title_at = self._title_case_lines(text)  # headlines: their capitals say nothing about names
        person_tokens: set[str] = set()
        for ent in sdoc.ents:
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
        for s in self._local_names(sdoc, text):
            add(s)
        for ent in sdoc.ents:
            for s in self._from_entity(ent, text, person_tokens, lower_words, title_at):
                add(s)
        for s in self._gazetteer_matches(sdoc, text, person_tokens, lower_words, taken, title_at):
            add(s)
        if self._name_prefix is not None:
            spans = self._with_name_prefixes(text, spans)
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
            cue = s.cue or self._context_cue(text, s.start, s.end)
            out.append(Mention(doc_id, text[s.start:s.end], s.start, s.end, s.label, ss, se, cue))
        return out

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
            spans = [s for s in spans if s not in inside] + [_Span(start, best, label)]
        return spans

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
            end = start + m.start()
            span = text[start:end]
        return start, end

    def _from_entity(self, ent, text: str, person_tokens: set[str], lower_words: set[str],
                     title_at: bytearray) -> Iterator[_Span]:
        """An entity as toponym spans: "Dublin, Ohio" is two places; "Mexico" in "Mexico City" and
        "Kuala" in "Kuala Lumpur" are the longer name the gazetteer knows."""
        a, b = ent.start_char, ent.end_char
        title = bool(title_at[a])
        if ent.label_ in TOPONYM_LABELS:
            longer = self._longer_name(ent.doc, ent.start, ent.end, text, title)
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

    def _longer_name(self, sdoc: "Doc", a: int, b: int, text: str, title: bool = False) -> tuple[int, int] | None:
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
            for j in range(min(n, b + 3), b - 1, -1):
                if (i, j) == (a, b) or j - i > 6 or not self._name_run(sdoc, i, j):
                    continue
                start, end = sdoc[i].idx, sdoc[j - 1].idx + len(sdoc[j - 1].text)
                if best is not None and end - start <= best[1] - best[0]:
                    continue
                if not title and b < j < n and _capitalised(sdoc[j].text) and sdoc[j].text.lower() not in self.stop_words:
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
            if self.demonyms and self.gz.demonym(surface) is not None:
                return _Span(start, end, "DEMONYM")
            return None
        if label not in TOPONYM_LABELS:
            return None  # PERSON / ORG: the gazetteer matcher decides on single known names
        if (label == "GPE" and self.demonyms and len(words) == 1 and self._known_name(surface) is None
                and self.gz.demonym(surface) is not None):
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
            hit = len(surface) >= 6 and surface.isalpha() and self.gz.demonym(surface) is None and any(
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

    def _gazetteer_matches(self, sdoc: "Doc", text: str, person_tokens: set[str], lower_words: set[str],
                           taken: bytearray, title_at: bytearray | None = None) -> Iterator[_Span]:
        """Known names in runs of capitalised tokens that NER did not accept.

        In a Title Case headline the capitals and NER's labels say nothing ("Paris Braces for Transport
        Strike" comes out as one ORG): there a known name is taken if it names a well-known place."""
        ent_label = {}
        for ent in sdoc.ents:
            for i in range(ent.start, ent.end):
                ent_label[i] = ent
        toks = list(sdoc)
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            if not _capitalised(t.text) or taken[t.idx] or t.text in self.article_words:
                i += 1
                continue
            title = title_at is not None and bool(title_at[t.idx])
            ent = ent_label.get(i)
            if title and ent is not None and ent.label_ not in _NUMERIC_LABELS:
                ent = None  # a headline's entities are guesses from its capitals
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
                if j > n:
                    continue
                if not self._name_run(toks, i, j):
                    continue
                start, end = toks[i].idx, toks[j - 1].idx + len(toks[j - 1].text)
                if any(taken[start:end]):
                    continue
                surface = text[start:end]
                norm_surface = surface.title() if surface.isupper() and len(surface) > 3 else surface
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

    def _whole_entity_place(self, ent, text: str, taken: bytearray) -> _Span | None:
        """The entity, cleaned ("the English Channel" -> "English Channel"), if it is exactly the name of
        a well-known place and not a demonym."""
        start, end = self._clean(text, ent.start_char, ent.end_char)
        if end <= start or any(taken[start:end]):
            return None
        surface = text[start:end]
        if surface.lower() in self.lang.generic_words or self._opaque_acronym(surface) or self.gz.demonym(surface) is not None:
            return None
        known = self._known_name(_as_name(surface))
        # a person or an organisation may share its name with a river or a mountain ("St. Clair"), but
        # "the English Channel" (ORG) is the sea
        towns_only = ent.label_ == "PERSON" or (ent.label_ == "ORG" and start == ent.start_char)
        if known is None or known[3 if towns_only else 2] < 2:
            return None
        return _Span(start, end, "GAZ")

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
            if self.gz.demonym(w) is not None or self._opaque_acronym(surface):
                return False
        return True

    def _local_names(self, sdoc: "Doc", text: str) -> Iterator[_Span]:
        """Streets and squares ("Regent Street", "Tahrir Square", "Main St."; label STREET) and
        neighbourhoods named as such ("Gaza City's Rimal neighbourhood"; label NEIGHBOURHOOD)."""
        toks = sdoc
        n = len(toks)
        for x in range(1, n):
            word = toks[x].text
            low = word.lower().rstrip(".")
            if _capitalised(word) and low in self.lang.street_words:
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
            elif word in self.lang.neighbourhood_words:
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

    def _places_in_org(self, toks, a: int, b: int, text: str, taken: bytearray, *,
                       countries: bool = True) -> Iterator[_Span]:
        """Places named inside a multi-word name: a country or province anywhere in an organisation's
        name ("the US Joint Chiefs of Staff"), any known place heading an institution or office
        ("Dublin City Council", "Dublin Mayor Marilee Chinnici-Zuercher")."""
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
            if w in person_tokens or w.lower() in self.lang.generic_words or self.gz.demonym(w) is not None:
                return False
            if w.lower() in self.stop_words or w.lower() in lower_words:
                return False  # a common word that happens to be a place name
            if self._opaque_acronym(surface):
                return False
            sentence_initial = prev is None or prev.text in {".", "!", "?", ":", '"', "\u201c"} or "\n" in prev.text
            ent = ent_label.get(i)
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

    def _context_cue(self, text: str, start: int, end: int) -> str | None:
        """The feature type asked for around a name: "X River", "X county", "province of X"."""
        after = text[end:end + 20].lstrip()
        m = re.match(r"([A-Za-z]+)", after)
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

    def _name_run(self, toks, i: int, j: int) -> bool:
        """Are tokens ``i..j`` one name: capitalised words, with lower-case joiners inside ("Bay of Bengal",
        "Rio Grande do Sul"), a possessive ("Cox's Bazar") or hyphens ("Nagorno-Karabakh",
        "Port-au-Prince") between them?"""
        if not (_capitalised(toks[i].text) and _capitalised(toks[j - 1].text)) or toks[i].text in self.article_words:
            return False
        for x in range(i + 1, j - 1):
            w = toks[x].text
            if _capitalised(w) or w.lower() in self.lang.match_joiners or w in self.lang.possessives:
                continue
            if not toks[x - 1].whitespace_ and not toks[x].whitespace_ and (w == "-" or w.isalpha()):
                continue  # inside a hyphenated name
            return False
        return True

    def _demonym_of(self, surface: str, c) -> bool:
        """Is ``surface`` the place's name with a demonym ending ("Zambian" for Zambia)?"""
        s, n = normalize(surface), normalize(c.place.name)
        return s.startswith(n) and s[len(n):] in self.lang.demonym_endings

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


def _boundary(word: str) -> bool:
    return word in {".", "!", "?", ":", ";", '"', "\u201c", "(", "-", "\u2014"} or "\n" in word


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _as_name(surface: str) -> str:
    """An all-capital surface as the gazetteer spells names ("KHARKIV" -> "Kharkiv"); short acronyms
    ("UAE") stay as they are."""
    return surface.title() if surface.isupper() and len(surface) > 3 else surface


def _big_place(p) -> bool:
    """A country, a province or a city of 100,000 people (not a capital of a few hundred: "Kampungu" is
    no spelling of Flying Fish Cove's "Kampung")."""
    return p.feature_code in COUNTRY_CODES or (p.feature_code == "ADM1" and _well_known_place(p)) or (
        p.feature_class == "P" and p.population >= 100_000)
