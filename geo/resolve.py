"""Resolve: choose the place each mention refers to.

How "Washington" or "Alexandria" is disambiguated lives here. For every distinct name in a document
the gazetteer gives ranked candidates (with a prior from population, feature type and capital status);
each candidate is then scored with the document's context:

* countries and provinces the article names (and the demonyms it uses) steer smaller places:
  "Alexandria" in a Louisiana story is Alexandria, Louisiana;
* "X, Y" and "X in Y" put X inside Y ("Gainesville, Ga.", "Paris, Texas", "Alexandria in Virginia");
* a province or country containing the document's other places is preferred ("Georgia" with Atlanta),
  and so are candidates with a namesake of another name nearby ("Paris" near a "Henry County");
* cue words select the feature type ("the X River", "province of X", "X County", "city of X");
* geographic coherence: a candidate near the document's other places is preferred;
* one sense per name per document.

Names the gazetteer lacks go to the geocoder fallback (if one is given), whose answers are checked
against the document's other places. Every Resolution carries a score and a short ``why``.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from .features import AREA_CODES, COUNTRY_CODES, CUE_FEATURES, RIVER_CODES  # feature-code groups, defined once
from .prominence import own_name as _own_name
from .prominence import well_known as _well_known_place
from .gazetteer.store import haversine_km
from .lang import alternation
from .lang import load as _load_language  # English word lists: geo/lang/en/
from .types import Alternative, Candidate, Document, Mention, Place, Resolution

LOCAL_LABELS = frozenset({"STREET", "NEIGHBOURHOOD"})  # (as geo.extract labels them)

if TYPE_CHECKING:  # pragma: no cover
    from .fallback import Geocoder
    from .gazetteer import Gazetteer

_EN = _load_language("en")
_HEAD = re.compile(rf"^(?:{alternation(_EN.head_prefixes)})\s+|\s+(?:{alternation(_EN.head_suffixes)})$")
_AFTER_COMMA = re.compile(r"^,\s*([A-Z][A-Za-z.]*\.?(?:\s[A-Z][A-Za-z.]+)?)")
# "fighting around Avdiivka", "in Bakhmut": a locative preposition right before a name (the text's own
# evidence that a lone capitalised word is a place, whatever the place's size)
_LOCATIVE_BEFORE = re.compile(r"\b(?:[Ii]n|[Nn]ear|[Aa]round|[Oo]utside|[Aa]cross|[Tt]hroughout|[Tt]owards?|[Ii]nside|"
                              r"[Ww]ithin|[Ii]nto)\s+$")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")  # "the Euphrates": a river; "Columbia" alone: a town
_IN_AFTER = re.compile(r"^\s+in\s+(?:the\s+)?([A-Z][\w.'-]*(?:\s[A-Z][\w.'-]+){0,2})")


@dataclass
class Weights:
    """The scoring function's weights, tuned with ``geo eval`` on the dev corpora."""

    prior: float = 2.0  # times the gazetteer's prior (population, feature type, capital status)
    similarity: float = 1.0  # times (similarity - 1): fuzzy matches pay for the distance
    country: float = 0.45  # candidate lies in a country the document names
    admin1: float = 0.2  # candidate lies in a province/state the document names
    container: float = 0.15  # "X, Y" / "X in Y": candidate lies in Y
    cue_match: float = 0.3  # the feature type the cue words ask for ("province of X")
    cue_miss: float = 0.5  # ... and a candidate of another type
    alias: float = 1.0  # the name matched is not (a form of) the place's main name
    bare_admin2: float = 0.1  # "Washington" is rarely Washington County
    coherence: float = 0.33  # share of the document's other places within coherence_km
    coherence_km: float = 500.0
    contains: float = 2.5  # a province/country that contains the other places (times their share)
    admin1_others: float = 0.6  # in the same province as the other places (times their share)
    support: float = 0.65  # spatial minimality: another name of the text has a candidate nearby
    support_km: float = 60.0
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
class _Context:
    countries: Counter = field(default_factory=Counter)
    admin1: Counter = field(default_factory=Counter)  # (cc, admin1_code)



@dataclass
class _Others:
    """Round-one choices of a document's names, to score each name against the others.

    Tallied once per round per distinct place (``points`` holds ``(lat, lon, weight)`` with the
    weight = how many mentions chose it), and ``without(name)`` subtracts that name's own tally, so
    scoring costs O(distinct places) per candidate rather than O(mentions) per name (issue 13.2).
    The weights are whole numbers, so the sums are exactly those of one point per mention.
    """

    per_name: dict[str, list[Place]]
    points: list[tuple[float, float, float]] = field(default_factory=list)
    admin1: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    total: float = 0.0
    _own: dict = field(default_factory=dict, repr=False)
    _base: "_Others | None" = field(default=None, repr=False)
    _minus: "_Others | None" = field(default=None, repr=False)
    _arrays: tuple | None = field(default=None, repr=False)

    @classmethod
    def from_choices(cls, choice: dict, groups: dict) -> "_Others":
        per_name: dict[str, list[Place]] = defaultdict(list)
        for key, (c, *_rest) in choice.items():
            if c is not None:
                per_name[key[0]].extend([c.place] * len(groups[key]))
        o = cls._tally(per_name, [p for places in per_name.values() for p in places])
        o._own = {n: cls._tally(per_name, places) for n, places in per_name.items()}
        return o

    @classmethod
    def _tally(cls, per_name: dict, places: list[Place]) -> "_Others":
        o = cls(per_name)
        pts: Counter = Counter()
        for p in places:
            fc = p.feature_code
            if fc in COUNTRY_CODES or fc in {"CONT", "RGN"}:
                continue
            pts[(p.lat, p.lon)] += 1.0
            o.total += 1.0
            if p.country_code:
                o.countries[p.country_code] += 1
                if p.admin1_code:
                    o.admin1[(p.country_code, p.admin1_code)] += 1
        o.points = [(lat, lon, wt) for (lat, lon), wt in pts.items()]
        return o

    def without(self, name: str) -> "_Others":
        own = self._own.get(name) or _Others(self.per_name)
        o = _Others(self.per_name, total=self.total - own.total)
        o.countries = +(self.countries - own.countries)
        o.admin1 = +(self.admin1 - own.admin1)
        o._base, o._minus = self, own
        return o

    def near(self, lat: float, lon: float, km: float) -> float:
        """Total weight of the points within ``km`` of (lat, lon) (of the other names, after ``without``)."""
        if self._base is not None:
            return self._base.near(lat, lon, km) - self._minus.near(lat, lon, km)
        if not self.points:
            return 0.0
        if len(self.points) < 16:
            return sum(wt for la, lo, wt in self.points if haversine_km(la, lo, lat, lon) < km)
        import numpy as np

        if self._arrays is None:
            arr = np.array(self.points, dtype=float)
            self._arrays = (np.radians(arr[:, 0]), np.radians(arr[:, 1]), arr[:, 2])
        la, lo, wt = self._arrays
        p1 = math.radians(lat)
        a = np.sin((la - p1) / 2) ** 2 + np.cos(p1) * np.cos(la) * np.sin((lo - math.radians(lon)) / 2) ** 2
        d = 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        # numpy decides all but the points within a metre of the radius; haversine_km (as before) those
        total = float(wt[d < km - 1e-3].sum())
        for i in np.flatnonzero(np.abs(d - km) <= 1e-3):
            if haversine_km(self.points[i][0], self.points[i][1], lat, lon) < km:
                total += self.points[i][2]
        return total


class Resolver:
    """Rank gazetteer candidates with document context; geocoder fallback for the rest."""

    def __init__(self, gazetteer: "Gazetteer", geocoder: "Geocoder | None" = None, *, weights: Weights | None = None,
                 limit: int = 40):
        self.gz = gazetteer
        self.geocoder = geocoder
        self.w = weights or Weights()
        self.limit = limit
        self.rounds = 3
        self._cands: dict[str, list[Candidate]] = {}

    # -- candidates ---------------------------------------------------------------------------------
    def candidates(self, surface: str) -> list[Candidate]:
        key = surface
        got = self._cands.get(key)
        if got is None:
            name = surface.title() if surface.isupper() and len(surface) > 3 else surface
            got = [c for c in self.gz.lookup(name, limit=self.limit, fuzzy=True) if _good_match(name, c, self.w.fuzzy_min, self.w.fuzzy_min_len)]
            if not got:
                # "Hamilton Township", "Naugatuck River", "Lake Lanier": a place named like the head is nearby
                head = _HEAD.sub("", name).strip()
                if head and head != name:
                    got = [Candidate(c.place, c.matched_name, c.similarity * self.w.head_similarity, c.prior)
                           for c in self.gz.lookup(head, limit=self.limit, fuzzy=False)
                           if c.place.feature_class in {"P", "A", "H", "L"}]
            if len(self._cands) > 100_000:
                self._cands.clear()
            self._cands[key] = got
        return got

    # -- main entry ------------------------------------------------------------------------------------
    def resolve(self, doc: Document, mentions: Sequence[Mention]) -> list[Resolution]:
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
            if cue:
                cues_of[name].add(cue)
        cands = {name: self.candidates(name) for name, _ in groups}
        support = _support(cands, self.w.support_km) if self.w.support else {}

        ctx = _Context()
        # 1. Context from what is (nearly) unambiguous: demonyms, countries, first-level divisions.
        demonym_places: dict[str, Place | None] = {}
        for m in demonyms:
            p = demonym_places.get(m.text, False)
            if p is False:
                p = demonym_places[m.text] = self.gz.demonym(m.text)
            if p is not None and p.country_code:
                ctx.countries[p.country_code] += 0.5
        counts = Counter(m.text for ms in groups.values() for m in ms)
        for name, cs in cands.items():
            if not cs or cs[0].similarity < 0.999:
                continue
            top, n = cs[0], counts[name]
            if top.place.feature_code in COUNTRY_CODES and top.place.country_code:
                ctx.countries[top.place.country_code] += n
            elif top.place.feature_code == "ADM1" and top.place.country_code:
                ctx.countries[top.place.country_code] += 0.5 * n
                # "New York" may be the city: only an unambiguous province steers other names.
                if not any(c.place.feature_class == "P" and c.prior >= top.prior - 0.15 for c in cs[1:]):
                    ctx.admin1[(top.place.country_code, top.place.admin1_code)] += n

        # 2. Containers from "X, Y" patterns, per name.
        containers: dict[str, list[Place]] = defaultdict(list)
        for (name, _), ms in groups.items():
            for m in ms:
                c = self._container_after(text, m)
                if c is not None:
                    containers[name].append(c)

        # 3. Score in two rounds. The second adds what the first round chose for the *other* names:
        #    geographic coherence, provinces containing them, and the provinces/countries they lie in.
        choice: dict[tuple[str, str | None], tuple[Candidate | None, float, str]] = {}
        runners: dict[tuple[str, str | None], tuple[Alternative, ...]] = {}
        for round_ in range(self.rounds):
            others = _Others.from_choices(choice, groups) if round_ else None
            for key, ms in groups.items():
                name, cue = key
                cs = cands[name]
                if not cs:
                    choice[key] = (None, 0.0, "no gazetteer candidate", False)
                    continue
                # a mention without a cue takes its name's cue when the document uses only one
                cues = {cue} if cue else (cues_of[name] if len(cues_of[name]) == 1 else set())
                best, best_s, best_why, best_backed = None, -math.inf, "", False
                scored: list[tuple[float, Candidate]] = []
                other = others.without(name) if others else None
                # "Kharkiv": the city and its province both contain the story's other places; the
                # province gets no credit for that over its own namesake city (cue words decide).
                seats = {(c.place.country_code, c.place.admin1_code) for c in cs if c.place.feature_class == "P"}
                for c in cs:
                    s, why, backed = self._score(c, ctx, cues, containers.get(name, ()), name, other, seats)
                    sup = support.get((name, c.place.id))
                    if sup:
                        s += self.w.support * sup
                        why += ", near a namesake of another place in the text"
                        backed = True
                    scored.append((s, c))
                    if s > best_s:
                        best, best_s, best_why, best_backed = c, s, why, backed
                choice[key] = (best, best_s, best_why, best_backed)
                runners[key] = _runners_up(scored, best)

        # 4. Emit, with the geocoder for names the gazetteer could not place.
        context_places = [c.place for c, *_rest in choice.values() if c is not None]
        fallback: dict[str, Place | None] = {}
        out: list[Resolution] = []
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
                continue
            c, s, why, backed = choice[(m.text, m.cue)]
            if (c is not None and not backed and m.label == "GAZ" and " " not in m.text
                    and not (well_known(c, self.w) and (c.place.feature_code not in RIVER_CODES
                                                        or _THE_BEFORE.search(text, max(0, m.start - 5), m.start)))
                    and not (c.similarity >= 0.999 and _LOCATIVE_BEFORE.search(text, max(0, m.start - 14), m.start))):
                continue  # a lone capitalised word that names only a minor place (or a river without "the")
            if c is not None:
                out.append(Resolution(m, c.place, round(_squash(s), 4), "gazetteer", why, runners.get((m.text, m.cue), ())))
                continue
            if m.text not in fallback:
                fallback[m.text] = self._geocode(m.text, ctx, context_places)
            p = fallback[m.text]
            if p is not None:
                out.append(Resolution(m, p, 0.5, "geocoder", "geocoder answer, near the document's other places"))
            else:
                out.append(Resolution(m, None, 0.0, None, why or "not found"))
        return out

    # -- pieces ------------------------------------------------------------------------------------------
    def _place_local(self, name: str, ctx: _Context, context_places: Sequence[Place]) -> tuple[Place | None, str]:
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

    def _container_after(self, text: str, m: Mention) -> Place | None:
        """Y in "X, Y" or "X in Y": a province or country named right after the mention."""
        after = text[m.end:m.end + 50]
        mt = _AFTER_COMMA.match(after)
        if mt:
            y = mt.group(1).rstrip(",")
            for cand_name in (y, y.split()[0]) if " " in y else (y,):
                for c in self.gz.exact(cand_name)[:5]:
                    if c.place.feature_code in AREA_CODES and c.place.feature_code not in {"CONT", "RGN", "ADM2"}:
                        return c.place
            return None
        mt = _IN_AFTER.match(after)
        if mt:  # "Deir Ezzor in Syria": only when Y's best sense is a country or province
            y = mt.group(1).rstrip(".,")
            for cand_name in dict.fromkeys((y, " ".join(y.split()[:2]), y.split()[0])):
                cs = self.gz.exact(cand_name)
                if cs:
                    top = cs[0].place
                    return top if top.feature_code in COUNTRY_CODES | {"ADM1"} else None
        return None

    def _score(self, c: Candidate, ctx: _Context, cues: set[str], containers: Sequence[Place], name: str,
               others: "_Others | None", seats: set = frozenset()) -> tuple[float, str, bool]:
        """Score one candidate; also say whether anything in the document (not just the prior) backs it."""
        w = self.w
        p = c.place
        s = w.prior * c.prior + w.similarity * (c.similarity - 1.0)
        why = [f"prior {c.prior:.2f}"]
        evidence = 0
        if c.similarity < 1.0:
            why.append(f"fuzzy {c.similarity:.2f}")
        if p.feature_code not in COUNTRY_CODES | {"ADM1"} and c.matched_name != p.name and not _same(c.matched_name, p.name):
            s -= w.alias  # "Egypt" is an old name of Goodyear, Arizona
            why.append(f"alias '{c.matched_name}'")
        if p.feature_code in {"ADM2", "ADM3"} and "county" not in cues and len(name.split()) < len(p.name.split()):
            s -= w.bare_admin2
        cc = p.country_code
        if cc and cc in ctx.countries and p.feature_code not in COUNTRY_CODES:
            s += w.country
            why.append(f"in {cc}, named in the text")
            evidence += 1
        if cc and (cc, p.admin1_code) in ctx.admin1 and p.feature_code != "ADM1":
            s += w.admin1
            why.append(f"in {p.admin1 or p.admin1_code}, named in the text")
            evidence += 1
        for y in containers:
            if _inside(p, y):
                s += w.container
                why.append(f"inside {y.name}, named right after it")
                evidence += 1
                break
        if cues:
            ok = any(_cue_ok(cue, p) for cue in cues)
            if ok:
                s += w.cue_match
                why.append(f"cue '{'/'.join(sorted(cues))}'")
                evidence += 1
            else:
                s -= w.cue_miss
        if others is not None and others.total:
            fc = p.feature_code
            if fc not in COUNTRY_CODES | {"CONT", "RGN"}:
                near = others.near(p.lat, p.lon, w.coherence_km)
                if near:
                    s += w.coherence * near / others.total
                    why.append("near the other places")
                    evidence += 1
            inside_admin1 = others.admin1.get((cc, p.admin1_code), 0) / others.total
            if fc == "ADM1" and inside_admin1 and (cc, p.admin1_code) not in seats:
                s += w.contains * inside_admin1
                why.append("contains other places in the text")
                evidence += 1
            elif fc in COUNTRY_CODES and others.countries.get(cc):
                s += w.contains * 0.5 * others.countries[cc] / others.total
                why.append("contains other places in the text")
                evidence += 1
            elif fc not in COUNTRY_CODES and fc != "ADM1" and inside_admin1:
                s += w.admin1_others * inside_admin1
                why.append("in the same province as other places")
                evidence += 1
        return s, ", ".join(why), evidence > 0

    def _geocode(self, name: str, ctx: _Context, context_places: Sequence[Place]) -> Place | None:
        if self.geocoder is None:
            return None  # (an unavailable geocoder still answers from its cache)
        from .fallback import plausible

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


def _support(cands: dict[str, list[Candidate]], radius_km: float) -> dict[tuple[str, str], float]:
    """For each (name, candidate): the share of the document's other names that have *some* candidate
    within ``radius_km`` ("Paris" near one of the "Henry County"s is Paris, Tennessee).

    Only pairs of candidates closer than the radius are examined (a k-d tree over unit vectors finds
    them), so time and memory grow with the candidates and their near pairs, not with their square
    (issue 13.2); the distance test on those pairs is the same haversine as before."""
    import numpy as np
    from scipy.spatial import cKDTree

    names = [n for n, cs in cands.items() if cs]
    if len(names) < 2:
        return {}
    rows = [(k, c.place.id, c.place.lat, c.place.lon) for k, n in enumerate(names) for c in cands[n]
            if c.place.feature_code not in COUNTRY_CODES | {"CONT", "RGN", "OCN", "SEA"}]
    if not rows:
        return {}
    idx = np.array([r[0] for r in rows])
    lat = np.radians(np.array([r[2] for r in rows], dtype=float))
    lon = np.radians(np.array([r[3] for r in rows], dtype=float))
    xyz = np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))
    chord = 2 * math.sin(min(math.pi, radius_km / 6371.0088) / 2) * 1.001 + 1e-9  # a little wider
    pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
    if not len(pairs):
        return {}
    i, j = pairs[:, 0], pairs[:, 1]
    dlat, dlon = lat[i] - lat[j], lon[i] - lon[j]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[i] * np.cos(lat)[j] * np.sin(dlon / 2) ** 2
    near = (2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))) < radius_km
    ids = np.array([r[1] for r in rows], dtype=object)
    near &= ids[i] != ids[j]
    i, j = i[near], j[near]
    # per candidate, which other names have a near candidate
    row, name = np.concatenate((i, j)), np.concatenate((idx[j], idx[i]))
    keep = name != idx[row]
    hits = np.unique(row[keep] * len(names) + name[keep]) // len(names)
    count = np.bincount(hits, minlength=len(rows))
    share = count / (len(names) - 1)
    return {(names[r[0]], r[1]): float(v) for r, v in zip(rows, share) if v > 0}


def _good_match(name: str, c: Candidate, min_sim: float = 0.9, min_len: int = 6) -> bool:
    """Exact (normalised) matches always; fuzzy ones only when close and the name is long enough."""
    return c.similarity >= 0.999 or (c.similarity >= min_sim and len(name) >= min_len)


@lru_cache(maxsize=65536)
def _same(a: str, b: str) -> bool:
    """Is ``a`` a form of the main name ``b`` ("New York" of "New York City", "Euphrates River" of "Euphrates")?"""
    from .gazetteer import normalize

    na, nb = normalize(a), normalize(b)
    return na == nb or f" {na} " in f" {nb} " or f" {nb} " in f" {na} "


def _inside(p: Place, y: Place) -> bool:
    if p.id == y.id:
        return False
    if y.feature_code in COUNTRY_CODES:
        return p.country_code == y.country_code
    if y.feature_code == "ADM1":
        return p.country_code == y.country_code and p.admin1_code == y.admin1_code
    return False


def _cue_ok(cue: str, p: Place) -> bool:
    classes, codes = CUE_FEATURES.get(cue, (set(), set()))
    return p.feature_class in classes or p.feature_code in codes



def _runners_up(scored: list[tuple[float, Candidate]], best: Candidate | None, k: int = 3) -> tuple[Alternative, ...]:
    """The best ``k`` other places (one entry per place), best first, scores squashed like the winner's."""
    out: list[Alternative] = []
    seen = {best.place.id} if best is not None else set()
    for s, c in sorted(scored, key=lambda sc: (-sc[0], sc[1].place.id)):
        if c.place.id in seen:
            continue
        seen.add(c.place.id)
        out.append(Alternative(c.place, round(_squash(s), 4)))
        if len(out) >= k:
            break
    return tuple(out)


def _squash(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-2.0 * (s - 0.5)))
