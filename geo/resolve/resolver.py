"""The resolver: candidates for every name, ranked with the document's context, in rounds.

For every distinct name in a document the gazetteer gives candidates (with a prior from population,
feature type and capital status). Each round computes every candidate's feature vector
(``features.py``: context from ``context.py``) and scores it with the trained ranker (``ranker.py``);
the second and later rounds add what the previous round chose for the *other* names (coherence,
provinces and countries containing them). One sense per name (and cue) per document.

Names the gazetteer lacks go to the geocoder fallback (if one is given), whose answers are checked
against the document's other places. Every Resolution carries a score (the ranker's probability
over the name's candidates), a short ``why`` (the largest feature contributions) and the
runner-up candidates.
"""
from __future__ import annotations

import dataclasses
import inspect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from rapidfuzz.distance import Levenshtein

from ..features import AREA_CODES, COUNTRY_CODES, HUGE_CODES, RIVER_CODES, WATER_CODES, cue_matches
from ..gazetteer.names import normalize
from ..gazetteer.store import haversine_km
from ..lang import LanguageData, alternation
from ..lang import load as load_language
from ..prominence import own_name as _own_name
from ..prominence import well_known as _well_known_place
from ..types import Alternative, Candidate, Document, Mention, Place, Resolution
from . import features as F
from .context import Context, Others, container_after, inside, support as support_shares
from .ranker import LinearRanker, explain

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..geocoders import Geocoder
    from ..gazetteer import Gazetteer

_WATER = RIVER_CODES | WATER_CODES  # what "the X" names where a division has the same name
LOCAL_LABELS = frozenset({"STREET", "NEIGHBOURHOOD"})  # (as geo.extract labels them)
#: (with the language's street and neighbourhood words) the last word of a local site's name
LOCAL_HEADS = frozenset({"airport", "bridge", "camp", "crossing", "dam", "port", "stadium", "market", "hospital",
                         "station", "checkpoint", "base", "harbour", "harbor", "mosque", "church", "cathedral",
                         "palace", "university", "park", "ground", "arena", "terminal", "refinery", "mine",
                         "barrage", "beach", "plant"})
DOUBT_SCORE = 0.3  # the highest score of a place name that may stand for something else (Resolver._doubt)
ENCLOSED = "not in the gazetteer: put at"  # the why of a local place put at the enclosing place named
#: cue kinds (geo.features.CUE_FEATURES) that a name's own words can give it: physical features
PHYSICAL_CUES = frozenset({"sea", "river", "lake", "mountain", "cape"})


class _Patterns:
    """The resolver's language-specific patterns, built from a language's data (geo/lang/<code>/)."""

    def __init__(self, lang: LanguageData):
        self.head = re.compile(rf"^(?:{alternation(lang.head_prefixes)})\s+|\s+(?:{alternation(lang.head_suffixes)})$")
        # "fighting around Avdiivka", "in Bakhmut": a locative preposition right before a name (the text's own
        # evidence that a lone capitalised word is a place, whatever the place's size)
        self.locative_before = re.compile(
            rf"\b(?:{alternation(f(w) for w in lang.locative_words for f in (str.lower, str.capitalize))})\s+$")
        self.article_before = re.compile(lang.patterns["article_before"])  # "the Euphrates": a river
        self.in_after = re.compile(lang.patterns["in_after"])  # "Deir Ezzor in Syria"
        # optional patterns: a place name inside an organisation's name, in a match report
        pat = lang.patterns
        self.org_of_before = re.compile(pat["org_of_before"]) if "org_of_before" in pat else None
        self.match_score = re.compile(pat["match_score"]) if "match_score" in pat else None
        self.match_words = re.compile(pat["match_words"]) if "match_words" in pat else None
        self.business_words = re.compile(pat["business_words"]) if "business_words" in pat else None
        self.river_after = re.compile(pat["river_after"]) if "river_after" in pat else None  # "the Ohio rose"
        # "le niveau de la Loire", "la crue de la Seine": a word of water right before the article (French)
        self.river_before = re.compile(pat["river_before"]) if "river_before" in pat else None
        self.valley = re.compile(pat["valley"]) if "valley" in pat else None  # "Hudson Valley": a river's
        # "le stade Vélodrome", "le camp de réfugiés de Zamzam": a site named with its kind's word first (French)
        self.site_first = re.compile(pat["site_first"]) if "site_first" in pat else None
        # "au Québec", "en Casamance": a preposition or article that never comes before a town's name (French)
        self.area_article = re.compile(pat["area_article_before"]) if "area_article_before" in pat else None
        # "à Québec": a word that comes before a town's name, not its province's (French)
        self.town_article = re.compile(pat["town_article_before"]) if "town_article_before" in pat else None
        self.org_words = lang.non_place_tails | lang.institution_words
        self.next_words = re.compile(r"\s+([A-Z][\w'-]*)(?:\s+([A-Z][\w'-]*))?(?:\s+([A-Z][\w'-]*))?")
        # "Regent Street in London", "Tahrir Square, Cairo": what lies between a local place and its town
        self.enclosed_by = re.compile(rf"(?:\s*,\s*|\s+(?:{alternation(lang.locative_words)})\s+(?:(?:{alternation(lang.articles)})\s+)?)$")


@dataclass
class Weights:
    """The resolver's fixed settings (how candidates are *scored* is learned: see ``ranker.py``)."""

    coherence_km: float = 500.0  # "near the other places" means within this distance
    support_km: float = 60.0  # a namesake of another name this close supports a candidate
    fallback_max_km: float = 3000.0  # geocoder answers farther than this from the other places are rejected
    # a one-word name only the gazetteer matcher found (spaCy did not call it a place), with nothing in the
    # text backing it, is kept only for a place a reader knows by its name alone (``well_known``)
    lone_word_population: int = 100_000  # a city of at least this many people
    lone_word_physical: float = 0.5  # a river, sea, range or region at least this prominent (Natural Earth rank <= 5)
    local_km: float = 50.0  # a street or neighbourhood is placed only this close to the text's towns
    head_similarity: float = 0.85  # "X Township" placed through "X"
    fuzzy_min: float = 0.9  # fuzzy matches below this are not candidates
    fuzzy_min_len: int = 6  # nor for names shorter than this


@dataclass
class Ranking:
    """One name's candidates after the last round: features, raw scores, probabilities, the choice."""

    name: str
    cues: set
    candidates: list[Candidate]
    X: "np.ndarray"
    scores: "np.ndarray"
    probs: "np.ndarray"
    best: int  # index into candidates, -1 if none
    containers: Sequence[Place] = ()

    @property
    def chosen(self) -> Candidate | None:
        return self.candidates[self.best] if self.best >= 0 else None

    @property
    def backed(self) -> bool:
        return self.best >= 0 and F.backed(self.X[self.best])


class Resolver:
    """Rank gazetteer candidates with document context; geocoder fallback for the rest."""

    def __init__(self, gazetteer: "Gazetteer", geocoder: "Geocoder | None" = None, *, weights: Weights | None = None,
                 ranker: LinearRanker | None = None, limit: int = 40, lang: LanguageData | None = None):
        self.gz = gazetteer
        self.lang = lang or load_language("en")
        self._re = _Patterns(self.lang)
        self.geocoder = geocoder
        self.w = weights or Weights()
        self.ranker = ranker or LinearRanker.load()
        self.limit = limit
        self.rounds = 3
        self._cands: dict[str, list[Candidate]] = {}
        self._reports: dict[tuple[int, int], bool] = {}
        # the last words of a building's or a site's name that make it a local place of a town
        self._local_heads = (self.lang.street_words | self.lang.neighbourhood_words | LOCAL_HEADS)

    # -- candidates ---------------------------------------------------------------------------------
    @property
    def _in_lang(self) -> dict:
        """``lang=`` for the gazetteer's lookup: names weighed by this document language (a gazetteer-like
        object whose ``lookup`` takes no ``lang`` is asked as before)."""
        gz = self.gz
        if getattr(self, "_in_lang_of", None) is not gz:
            try:
                takes = "lang" in inspect.signature(gz.lookup).parameters
            except (TypeError, ValueError):
                takes = False
            self._in_lang_kw, self._in_lang_of = ({"lang": self.lang.code} if takes else {}), gz
        return self._in_lang_kw

    def candidates(self, surface: str) -> list[Candidate]:
        key = surface
        got = self._cands.get(key)
        if got is None:
            name = surface.title() if surface.isupper() and len(surface) > 3 else surface
            got = [c for c in self.gz.lookup(name, limit=self.limit, fuzzy=True, **self._in_lang) if _good_match(name, c, self.w.fuzzy_min, self.w.fuzzy_min_len)]
            if not got:
                # "Hamilton Township", "Naugatuck River", "Lake Lanier": a place named like the head is nearby
                head = self._re.head.sub("", name).strip()
                if head and head != name:
                    got = [Candidate(c.place, c.matched_name, c.similarity * self.w.head_similarity, c.prior)
                           for c in self.gz.lookup(head, limit=self.limit, fuzzy=False, **self._in_lang)
                           if c.place.feature_class in {"P", "A", "H", "L"}]
                    got = self._of_own_kind(name, got, how="head")
                    if self._re.valley is not None and self._re.valley.search(name):
                        # "Hudson Valley": the river's valley, rather than a county named like it
                        got = [c for c in got if c.place.feature_code in RIVER_CODES] or got
            elif any(c.similarity >= 0.999 for c in got):
                got = self._of_own_kind(name, got, how="exact")
            else:
                got = self._of_own_kind(name, got, how="fuzzy")
            if len(self._cands) > 100_000:
                self._cands.clear()
            self._cands[key] = got
        return got

    def own_kind(self, name: str) -> str | None:
        """The physical kind a name's own words give it ("Red Sea", "Strait of Georgia", "Lake Tefé",
        "Dnipro River", "Mount Merapi", "Cape Horn", "Rio Negro", "Wadi Derna"): the language's cue word
        ending the name or opening it, when that cue names a physical kind (``PHYSICAL_CUES``)."""
        words = name.split()
        if len(words) < 2:
            return None
        for w in (words[-1], words[0]):
            cue = self.lang.cue_suffixes.get(w.lower().rstrip("."))
            if cue in PHYSICAL_CUES:
                return cue
        cue = self.lang.cue_prefixes.get(words[0].lower())  # French "mer Rouge", "lac Tchad", "monts Mandara"
        return cue if cue in PHYSICAL_CUES else None

    def _of_own_kind(self, name: str, cands: list[Candidate], *, how: str) -> list[Candidate]:
        """A name whose own words say its kind resolves to that kind: an administrative area of another
        kind is dropped when a candidate of the named kind exists ("Red Sea" the sea, not Sudan's
        state); a fuzzy match must be of the named kind ("Strait of Georgia" is not "State of
        Georgia"); through the name's head ("Lake Lanier" -> Lanier) as for the name itself."""
        kind = self.own_kind(name)
        if kind is None or not cands:
            return cands
        fits = [c for c in cands if cue_matches(kind, c.place.feature_class, c.place.feature_code)]
        if how == "fuzzy":
            return fits
        if not fits:
            return cands
        # (a country called by its very name stays: "Cape Verde" is the country, not only Senegal's cape;
        # a town too, "Lake Placid", unless the kind's word is in lower case: French "la mer Rouge" is
        # no town's name, Mer Rouge, Louisiana)
        common = name[:1].islower()
        return [c for c in cands if c in fits or (c.place.feature_class != "A" and not (common and c.place.feature_class == "P"))
                or (c.place.feature_code in COUNTRY_CODES and c.similarity >= 0.999)]

    # -- ranking -------------------------------------------------------------------------------------
    def rank(self, doc: Document, mentions: Sequence[Mention]):
        """Rank every name's candidates: ``(groups, rankings, demonym_places, ctx)``, where groups maps
        (name, cue) to its mentions and rankings maps (name, cue) to its :class:`Ranking`."""
        import numpy as np

        text = doc.text
        # One sense per name per document -- unless cue words tell senses apart
        # ("the city of Deir Ezzor" vs "the province of Deir Ezzor"): group by (name, cue).
        groups: dict[tuple[str, str | None], list[Mention]] = defaultdict(list)
        demonyms: list[Mention] = []
        for m in mentions:
            if m.label == "DEMONYM":
                demonyms.append(m)
            elif m.label in LOCAL_LABELS:
                pass  # streets and neighbourhoods are placed last, next to the places chosen for the rest
            else:
                groups[(m.text, m.cue)].append(m)
        cues_of: dict[str, set[str]] = defaultdict(set)
        for name, cue in groups:
            if cue and cue not in PHYSICAL_CUES:
                # (a physical cue stays with its mentions: "the Ohio" by "the Ohio River" is the river,
                # "Indiana and Ohio" the state)
                cues_of[name].add(cue)
        cands = {name: self.candidates(name) for name, _ in groups}
        support = support_shares(cands, self.w.support_km)

        # 1. Context from what is (nearly) unambiguous: demonyms, countries, first-level divisions.
        demonym_places: dict[str, Place | None] = {}
        for m in demonyms:
            if m.text not in demonym_places:
                demonym_places[m.text] = self.gz.demonym(m.text)
        counts = Counter(m.text for ms in groups.values() for m in ms)
        ctx = Context.build(cands, counts, (demonym_places[m.text] for m in demonyms))

        # 2. Containers from "X, Y" / "X in Y" patterns, per name.
        containers: dict[str, list[Place]] = defaultdict(list)
        for (name, _), ms in groups.items():
            for m in ms:
                c = container_after(self.gz, text, m, self._re.in_after)
                if c is not None:
                    containers[name].append(c)

        # 3. Score in rounds. Later rounds add what the previous one chose for the *other* names:
        #    geographic coherence, provinces containing them, and the provinces/countries they lie in.
        rankings: dict[tuple[str, str | None], Ranking] = {}
        adjusted: set[tuple[str, str | None]] = set()  # names whose choice moved to the country itself
        restricted: dict[tuple[str, str | None], list[int]] = {}  # names a container or "the" decided
        previous = None
        fixed: dict[tuple[str, str | None], tuple] = {}  # per name: what no round changes (cues, features)
        for round_ in range(self.rounds):
            chosen = {k: (r.chosen.place if r.chosen else None) for k, r in rankings.items()}
            if round_ >= 2 and chosen == previous:
                break  # it starts from the choices the previous round started from: it would repeat that round
            previous = chosen
            others = Others.from_choices(chosen, groups) if round_ else None
            adjusted, restricted = set(), {}
            for key in groups:
                name, cue = key
                cs = cands[name]
                if key not in fixed:
                    # a mention without a cue takes its name's cue when the document uses only one
                    cues = {cue} if cue else (cues_of[name] if len(cues_of[name]) == 1 else set())
                    by_article = not cues and self._river_by_article(name, groups[key], cs, text)
                    if by_article:
                        # "the Mississippi", "the Ohio": a state never takes "the"; its river does ("la Manche": the sea)
                        cues = {"river" if any(c.place.feature_code in RIVER_CODES for c in cs) else "sea"}
                    # "Kharkiv": the city and its province both contain the story's other places; the
                    # province gets no credit for that over its own namesake city (cue words decide).
                    seats = {(c.place.country_code, c.place.admin1_code) for c in cs if c.place.feature_class == "P"}
                    fixed[key] = (cues, by_article, F.NameRows(
                        cs, name=name, cues=cues, ctx=ctx, containers=containers.get(name, ()), seats=seats,
                        support=support, coherence_km=self.w.coherence_km))
                cues, by_article, rows = fixed[key]
                X = rows.rows(others.without(name) if others else None)
                s = self.ranker.scores(X) if cs else np.zeros(0)
                best = int(np.argmax(s)) if cs else -1
                if best >= 0 and not by_article and not containers.get(name):
                    kind_fits = self._kind_by_article(name, groups[key], cs, text) or (
                        [i for i, c in enumerate(cs) if cue_matches(cue, c.place.feature_class, c.place.feature_code)]
                        if cue in PHYSICAL_CUES else [])
                    if kind_fits and best not in kind_fits:
                        # "the Rio Grande", "the Rio Negro": the name says its kind and "the" says it is no town;
                        # "the Ohio" in a text that says "the Ohio River": a physical cue decides
                        best = max(kind_fits, key=lambda i: s[i])
                        restricted[key] = kind_fits
                if best >= 0 and (containers.get(name) or by_article):
                    # "Cairo, Illinois", "CAIRO, Ill. -": the province or country named right after decides;
                    # "the Ohio": the river
                    within = [i for i, c in enumerate(cs) if any(inside(c.place, y) for y in containers[name])] \
                        if containers.get(name) else [i for i, c in enumerate(cs) if c.place.feature_code in _WATER]
                    if within and best not in within:
                        best = max(within, key=lambda i: s[i])
                        restricted[key] = within  # the probabilities are shared among these alone
                if best >= 0 and not by_article and self._area_by_article(name, groups[key], cs, text):
                    # "au Québec" (not "à Québec"): the province, a country or a river, not the town
                    within = [i for i, c in enumerate(cs) if c.place.feature_class != "P"]
                    if within and best not in within:
                        best = max(within, key=lambda i: s[i])
                        restricted[key] = within
                # (a cue that is the name's own last word is no pointer elsewhere: "Falkland Islands")
                if best >= 0 and (not cues or cues == {self.lang.cue_suffixes.get(name.split()[-1].lower())}) \
                        and name not in containers:
                    country = _country_itself(cs, best)
                    if country != best:
                        adjusted.add(key)
                        best = country
                rankings[key] = Ranking(name, cues, cs, X, s, s, best, containers.get(name, ()))
        # the last round's probabilities (of an earlier round only the choices are read)
        for key, r in rankings.items():
            if not r.candidates:
                continue
            within = restricted.get(key)
            if within is None:
                probs = self.ranker.probabilities(r.scores)
            else:
                probs = np.zeros(len(r.candidates))
                probs[within] = self.ranker.probabilities(r.scores[within])
            if key in adjusted:
                # the country's score takes its namesakes' share: they were one sense, "the country"
                cc = r.candidates[r.best].place.country_code
                probs = probs.copy()
                probs[r.best] = sum(float(probs[i]) for i, c in enumerate(r.candidates) if c.place.country_code == cc)
            r.probs = probs
        return groups, rankings, demonym_places, ctx

    def _kind_by_article(self, name: str, ms: Sequence[Mention], cs: Sequence[Candidate], text: str) -> list[int]:
        """The candidates of the kind a name's own words give it ("Rio Grande", "Lake Placid"), when a
        mention has the article before it ("the Rio Grande": a town's name never takes "the"); else []."""
        kind = self.own_kind(name)
        if kind is None or not ms or not any(
                m.field == "text" and self._re.article_before.search(text, max(0, m.start - 5), m.start) for m in ms):
            return []
        return [i for i, c in enumerate(cs) if cue_matches(kind, c.place.feature_class, c.place.feature_code)]

    def _river_by_article(self, name: str, ms: Sequence[Mention], cs: Sequence[Candidate], text: str) -> bool:
        """Is every mention of ``name`` preceded by the article ("the Ohio", "le Rhône", "la Manche") and followed
        by what water does (``river_after``) or preceded by a word of water (``river_before``: "le niveau de la
        Loire"), with both a first- or second-level division and a river (or a sea, a strait) called exactly so
        among its candidates?"""
        # English "the" comes before no state's name but before many areas' ("the Gaston and Swansea area",
        # "the Albany-based"); French articles come before départements too ("le Rhône")
        divisions = ("ADM1", "ADM2") if self._re.area_article is not None else ("ADM1",)
        if not ms or not any(c.place.feature_code in divisions and c.similarity >= 0.999 for c in cs) or not any(
                c.place.feature_code in _WATER and c.similarity >= 0.999 for c in cs):
            return False
        if self._re.area_article is not None and any(
                c.place.feature_code in COUNTRY_CODES and c.similarity >= 0.999 for c in cs):
            return False  # a language whose articles come before countries' names: "le Niger" is the country too
        after, before = self._re.river_after, self._re.river_before
        return after is not None and all(
            m.field == "text" and self._re.article_before.search(text, max(0, m.start - 5), m.start)
            and (after.match(text[m.end:m.end + 20])
                 or (before is not None and before.search(text, max(0, m.start - 40), m.start))) for m in ms)

    def _area_by_article(self, name: str, ms: Sequence[Mention], cs: Sequence[Candidate], text: str) -> bool:
        """Is every mention of ``name`` preceded by a word that never comes before a town's name (French "au
        Québec", "du Québec", "en Casamance": the language's ``area_article_before`` pattern; English has
        none), with both a town and an area called exactly so among its candidates, and no town whose name
        holds an article ("au Caire": Le Caire)?"""
        pat = self._re.area_article
        if pat is None or not ms or not any(c.place.feature_class == "P" for c in cs) or not any(
                c.place.feature_class != "P" and c.similarity >= 0.999 for c in cs):
            return False
        if not all(m.field == "text" and pat.search(text, max(0, m.start - 6), m.start) for m in ms):
            return False
        return not any(self.gz.has_name(f"{a} {name}") for a in self.lang.articles if a.isalpha())

    def _area_mention(self, m: Mention, r: Ranking, text: str, chosen: tuple) -> tuple:
        """One mention of a name the document otherwise uses for a town, preceded by a word that never comes
        before a town's name ("les autorités du Québec" beside "à Québec"): the area of that name (the best
        of the candidates that are no town), with its probability among those."""
        if not self._area_by_article(m.text, [m], r.candidates, text):
            return chosen
        within = [i for i, c in enumerate(r.candidates) if c.place.feature_class != "P"]
        return self._best_among(r, within, f"the area: '{m.text}' after a word no town's name takes; ")

    def _town_mention(self, m: Mention, r: Ranking, text: str, chosen: tuple) -> tuple:
        """One mention of a name the document otherwise uses for a province or a country, preceded by a word
        that comes before towns' names ("à Québec" beside "du Québec"; "à Mexico", where the country is "au
        Mexique"): the town of that name in that province, or the well-known town of that name in that country
        (its capital, a large city; "à Cuba", "à Madagascar" stay the countries)."""
        area = chosen[0].place
        if not (m.field == "text" and self._re.town_article.search(text, max(0, m.start - 4), m.start)):
            return chosen
        country = area.feature_code in COUNTRY_CODES
        within = [i for i, c in enumerate(r.candidates) if c.place.feature_class == "P" and c.similarity >= 0.999
                  and c.place.country_code == area.country_code
                  and (well_known(c, self.w) if country else c.place.admin1_code == area.admin1_code)]
        if not within:
            return chosen
        return self._best_among(r, within, f"the town: '{m.text}' after a word a town's name takes; ")

    def _best_among(self, r: Ranking, within: list[int], reason: str) -> tuple:
        """(the best of candidates ``within``, its probability among those alone, ``reason`` and its features)."""
        probs = self.ranker.probabilities(r.scores[within])
        k = max(range(len(within)), key=lambda j: r.scores[within[j]])
        return r.candidates[within[k]], float(probs[k]), reason + self.why(r, within[k])

    def why(self, r: Ranking, i: int | None = None) -> str:
        """The largest feature contributions to candidate ``i`` (default: the chosen one)."""
        i = r.best if i is None else i
        c, row = r.candidates[i], r.X[i]
        return explain(self.ranker, row, lambda f: F.label(f, c, row, cues=r.cues, containers=r.containers))

    # -- main entry ------------------------------------------------------------------------------------
    def resolve(self, doc: Document, mentions: Sequence[Mention]) -> list[Resolution]:
        groups, rankings, demonym_places, ctx = self.rank(doc, mentions)
        text = doc.text
        choice: dict[tuple[str, str | None], tuple[Candidate | None, float, str, bool]] = {}
        runners: dict[tuple[str, str | None], tuple[Alternative, ...]] = {}
        for key, r in rankings.items():
            if r.best < 0:
                choice[key] = (None, 0.0, "no gazetteer candidate", False)
                continue
            choice[key] = (r.chosen, float(r.probs[r.best]), self.why(r), r.backed)
            runners[key] = _runners_up(r)

        # 4. Emit, with the geocoder for names the gazetteer could not place.
        context_places = [c.place for c, *_rest in choice.values() if c is not None]
        fallback: dict = {}
        out: list[Resolution] = []
        enclose: list[int] = []  # local places the gazetteer does not know: put at the enclosing place named
        for m in mentions:
            if m.label == "DEMONYM":
                p = demonym_places.get(m.text)
                out.append(Resolution(m, p, 1.0 if p else 0.0, "gazetteer" if p else None,
                                      "demonym" if p else "unknown demonym"))
                continue
            if m.label in LOCAL_LABELS:
                if m.text not in fallback:
                    fallback[m.text] = self._place_local(m.text, ctx, context_places)
                p, how = fallback[m.text]
                out.append(Resolution(m, p, 0.5 if p else 0.0, how if p else None,
                                      f"{how} answer, within {self.w.local_km:.0f} km of the text's other places" if p
                                      else "not placed: no street or neighbourhood of this name near the text's places"))
                if p is None:
                    enclose.append(len(out) - 1)
                continue
            c, s, why, backed = choice[(m.text, m.cue)]
            if c is not None and c.place.feature_class == "P" and self._re.area_article is not None:
                c, s, why = self._area_mention(m, rankings[(m.text, m.cue)], text, (c, s, why))
            elif (c is not None and (c.place.feature_code in ("ADM1", "ADM2") or c.place.feature_code in COUNTRY_CODES)
                  and self._re.town_article is not None):
                c, s, why = self._town_mention(m, rankings[(m.text, m.cue)], text, (c, s, why))
            if (c is not None and not backed and m.label == "GAZ" and " " not in m.text
                    and not (well_known(c, self.w) and (c.place.feature_code not in RIVER_CODES
                                                        or self._re.article_before.search(text, max(0, m.start - 5), m.start)))
                    and not (c.similarity >= 0.999 and self._re.locative_before.search(text, max(0, m.start - 14), m.start))
                    and not _seat_of_namesake_province(c, rankings[(m.text, m.cue)].candidates)):
                continue  # a lone capitalised word that names only a minor place (or a river without "the")
            if c is not None:
                doubt = self._doubt(m, text, c.place)
                if doubt:
                    s, why = min(s, DOUBT_SCORE), f"{doubt}; {why}"
                out.append(Resolution(m, c.place, round(s, 4), "gazetteer", why, runners.get((m.text, m.cue), ())))
                continue
            if m.text not in fallback:
                fallback[m.text] = self._geocode(m.text, ctx, context_places)
            p = fallback[m.text]
            if p is not None:
                out.append(Resolution(m, p, 0.5, "geocoder", "geocoder answer, near the document's other places"))
            else:
                out.append(Resolution(m, None, 0.0, None, why or "not found"))
                if m.label == "FAC" and (m.text.split()[-1].lower().strip(".") in self._local_heads
                                         or (self._re.site_first is not None and self._re.site_first.match(m.text))):
                    enclose.append(len(out) - 1)  # "Princes Highway", "Zamzam Camp", "Masnaa Crossing"
        for i in enclose:
            out[i] = self._at_enclosing(out[i], out, text)
        return [r if r.precision or r.place is None else dataclasses.replace(r, precision=precision_of(r.place))
                for r in out]

    def _doubt(self, m: Mention, text: str, p: Place) -> str | None:
        """Why a place name may stand for something else here, or None: named inside an organisation's
        name ("Bank of England", "Kenya Airways", "Environment Canada"), a country (or a home nation)
        named in a match report (a score and sports words) other than as a venue ("in Cardiff"), or a
        small town or a region named like a company in a sentence of business news ("Toyota's profits"). Such a mention is
        kept (news corpora annotate "University of Nebraska"), with a score no higher than
        ``DOUBT_SCORE``, so that ``--min-score`` hides it."""
        r = self._re
        if r.org_of_before is not None:
            b = r.org_of_before.search(text, max(0, m.start - 40), m.start)
            if b and b.group(1).lower() in r.org_words:
                return "named inside an organisation's name"
        a = r.next_words.match(text, m.end, min(len(text), m.end + 60))
        if a and any(w and w.lower() in r.org_words for w in a.groups()):
            return "named inside an organisation's name"
        b = re.search(r"([A-Z][\w'-]*)[ \t]+$", text[max(0, m.start - 30):m.start])
        if b and b.group(1).lower() in r.org_words and b.group(1) not in self.lang.titles:
            return "named inside an organisation's name"
        located = r.locative_before.search(text, max(0, m.start - 14), m.start) is not None
        sent = text[m.sent_start:m.sent_end] if m.sent_end > m.sent_start else ""
        if (r.match_score is not None and r.match_words is not None and not located
                and (p.feature_code in COUNTRY_CODES or p.feature_code == "ADM1")):
            if (r.match_score.search(sent) and len({w.group(0).lower() for w in r.match_words.finditer(sent)}) >= 2
                    or self._match_report(text)):
                return "a team in a match report?"
        if (r.business_words is not None and not located and " " not in m.text
                and (p.feature_class in {"L", "T"} or (p.feature_class == "P" and p.population < 500_000))
                and r.business_words.search(sent)):
            return "a company or a brand in business news?"
        return None

    def _match_report(self, text: str) -> bool:
        """Is the text a match report: a score and at least three different sports words?"""
        key = (len(text), hash(text))
        got = self._reports.get(key)
        if got is None:
            r = self._re
            got = bool(r.match_score.search(text)) and len(
                {w.group(0).lower() for w in r.match_words.finditer(text)}) >= 3
            if len(self._reports) > 1000:
                self._reports.clear()
            self._reports[key] = got
        return got

    def _at_enclosing(self, r: Resolution, out: Sequence[Resolution], text: str) -> Resolution:
        """A street, square, camp, crossing or building the gazetteer and geocoder do not know, put at
        the place the text names it in: the town named right after it ("Regent Street in London",
        "Tahrir Square, Cairo"), else the nearest town named before it in its sentence, else in the
        text before it, else the nearest after it; failing a town, a province or a country the same way
        (``precision`` says which). Left unplaced when the text names none."""
        m = r.mention
        placed = [q for q in out if q.place is not None and q.mention.label not in LOCAL_LABELS
                  and q.mention.label not in {"DEMONYM", "FAC"} and q.precision is None and q.score >= 0.5]
        # a site named after the town it is in ("Melbourne Cricket Ground"), a town the text places
        lead = normalize(m.text)
        own = [q for q in placed if q.place.feature_class == "P" and lead.startswith(normalize(q.mention.text) + " ")]
        if own:
            q = max(own, key=lambda q: len(q.mention.text))
            return dataclasses.replace(
                r, place=q.place, score=round(min(q.score, 0.5) * 0.5, 4), source=q.source, precision="town",
                why=f"{ENCLOSED} {q.place.name}, named in the text (town precision)")
        for level, ok in (("town", lambda p: p.feature_class == "P"),
                          ("region", lambda p: p.feature_code in {"ADM1", "ADM2", "ADM3", "ADMD"}),
                          ("country", lambda p: p.feature_code in COUNTRY_CODES)):
            cands = [q for q in placed if ok(q.place)]
            if not cands:
                continue
            # outside its own sentence, only a place the text dwells on (named twice, or the only one of
            # its level) encloses a street: one passing mention elsewhere says nothing about it
            times = Counter(q.place.id for q in cands)
            cands = [q for q in cands if (m.sent_start <= q.mention.start < m.sent_end)
                     or (m.end <= q.mention.start and self._re.enclosed_by.match(text, m.end, q.mention.start))
                     or times[q.place.id] >= 2 or len(times) == 1]
            if not cands:
                continue

            def distance(q: Resolution) -> tuple:
                right_after = (q.mention.field == m.field and m.end <= q.mention.start
                               and self._re.enclosed_by.match(text, m.end, q.mention.start) is not None)
                if right_after:
                    return (False, False, False, 0)
                same = m.sent_start <= q.mention.start < m.sent_end
                before = q.mention.start < m.start
                return (True, not same, not before, abs(q.mention.start - m.start))

            q = min(cands, key=distance)
            return dataclasses.replace(
                r, place=q.place, score=round(min(q.score, 0.5) * 0.5, 4), source=q.source, precision=level,
                why=f"{ENCLOSED} {q.place.name}, named in the text ({level} precision)")
        return r

    # -- pieces ------------------------------------------------------------------------------------------
    def _place_local(self, name: str, ctx: Context, context_places: Sequence[Place]) -> tuple[Place | None, str]:
        """A street, square or neighbourhood: the gazetteer's place of exactly that name, else the
        geocoder's answer -- either only within ``local_km`` of the places the text names (a text
        naming no other place takes the answer as it comes). ("Main Street" is everywhere.)"""
        def near(p: Place) -> bool:
            towns = [q for q in context_places if q.feature_class == "P" or q.feature_code in {"ADM2", "ADM3"}]
            if not towns:  # only countries or provinces named: the answer must lie in one of them
                areas = {q.country_code for q in context_places if q.country_code}
                return not context_places or p.country_code in areas
            return any(haversine_km(p.lat, p.lon, q.lat, q.lon) <= self.w.local_km for q in towns)

        for c in self.candidates(name):
            if c.similarity >= 0.999 and near(c.place):
                return c.place, "gazetteer"
        p = self._geocode(name, ctx, context_places)
        if p is not None and near(p):
            return p, "geocoder"
        return None, "geocoder"

    def _geocode(self, name: str, ctx: Context, context_places: Sequence[Place]) -> Place | None:
        if self.geocoder is None:
            return None  # (an unavailable geocoder still answers from its cache)
        # lazy: geo.geocoders (geopy, HTTP) is imported only when a geocoder is in use (start-up speed)
        from ..geocoders.context import plausible

        codes = [cc for cc, _ in ctx.countries.most_common(3)] or None
        p = self.geocoder.geocode(name, country_codes=codes)
        if p is None and codes:
            p = self.geocoder.geocode(name)
        if p is None:
            return None
        if not plausible(p, context_places, max_km=self.w.fallback_max_km):
            return None
        return p


def well_known(c: Candidate, w: Weights | None = None) -> bool:
    """Is candidate ``c`` a place a reader knows by its bare name, so that one sentence naming it is
    enough (:func:`geo.prominence.well_known`: countries, provinces, cities of 100,000 people,
    capitals, major rivers and seas), called by its own name (:func:`geo.prominence.own_name`), not
    by a fuzzy match or an alias that happens to be a common word? The test holds in a headline as in
    a long article: it reads the place, not the length of the text around it."""
    w = w or Weights()
    return (c.similarity >= 0.999 and _own_name(c)
            and _well_known_place(c.place, min_population=w.lone_word_population, min_physical=w.lone_word_physical))


def _seat_of_namesake_province(c: Candidate, cands: Sequence[Candidate]) -> bool:
    """Is ``c`` a town in a first-level division of its very name ("Masally" the town, in Masally
    District)? Named alone, the name is the province's or its seat's: known either way."""
    p = c.place
    return p.feature_class == "P" and c.similarity >= 0.999 and any(
        o.place.feature_code == "ADM1" and o.similarity >= 0.999 and o.place.country_code == p.country_code
        and o.place.admin1_code == p.admin1_code for o in cands)


def precision_of(p: Place) -> str:
    """How precise a point is that stands for place ``p`` itself: a country, a region (a province, a
    district, a named region or continent), or exact (a town, a physical feature, a site)."""
    if p.feature_code in COUNTRY_CODES:
        return "country"
    if p.feature_code in AREA_CODES or p.feature_code in HUGE_CODES:
        return "region"
    return "exact"


def _country_itself(cs: Sequence[Candidate], best: int) -> int:
    """A country named alone is the country: when the choice is a city, province or island *inside*
    a country of exactly that name ("Djibouti" the capital, "Mexico" the State of Mexico, "Barbados"
    the island), the country wins -- unless cue words or an "X, Y" pattern point to the other sense
    (the caller checks). A namesake in another country ("Georgia" the US state) is left to the ranker."""
    chosen = cs[best].place
    if chosen.feature_code in COUNTRY_CODES:
        return best
    for i, c in enumerate(cs):
        p = c.place
        if (p.feature_code in COUNTRY_CODES and p.feature_code != "PCLH" and c.similarity >= 0.999
                and _own_name(c) and p.country_code and p.country_code == chosen.country_code):
            return i
    return best


#: airports and ports: a near name must keep every word of the shorter one ("Hartsfield-Jackson International
#: Airport" for "Hartsfield–Jackson Atlanta International Airport"); "Long Beach Airport" is not "Longreach Airport"
_FACILITY_CODES = frozenset({"AIRP", "AIRF", "PRT"})


def _good_match(name: str, c: Candidate, min_sim: float = 0.9, min_len: int = 6) -> bool:
    """Exact (normalised) matches always; fuzzy ones only when close, the name is long enough and, for a
    name of several words, word by word: each word a respelling (one edit in five letters: "Khan Yunis"
    for "Khan Younis"), not another word ("Hudson Valley" is not "Huon Valley")."""
    if c.similarity >= 0.999:
        return True
    if c.similarity < min_sim or len(name) < min_len:
        return False
    a, b = normalize(name).split(), normalize(c.matched_name).split()
    if c.place.feature_code in _FACILITY_CODES:
        short, long_ = sorted((set(a), set(b)), key=len)
        return short <= long_
    return len(a) != len(b) or len(a) < 2 or all(
        Levenshtein.distance(x, y) <= max(1, max(len(x), len(y)) // 5) for x, y in zip(a, b))


def _runners_up(r: Ranking, k: int = 3) -> tuple[Alternative, ...]:
    """The best ``k`` other places (one entry per place), best first, with their probabilities."""
    out: list[Alternative] = []
    seen = {r.chosen.place.id} if r.chosen is not None else set()
    scores = r.scores.tolist()  # (Python floats: the same values, compared faster than numpy's scalars)
    order = sorted(range(len(r.candidates)), key=lambda i: (-scores[i], r.candidates[i].place.id))
    for i in order:
        c = r.candidates[i]
        if c.place.id in seen:
            continue
        seen.add(c.place.id)
        out.append(Alternative(c.place, round(float(r.probs[i]), 4)))
        if len(out) >= k:
            break
    return tuple(out)
