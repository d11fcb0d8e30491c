"""The evidence for each candidate of a name, as a named feature vector.

Every candidate place of a name gets one row of :data:`FEATURES` (the ranker in ``ranker.py`` turns
a row into a score). The features, in order:

============== ==================================================================================
prior          the gazetteer's prior (population, feature type, capital status, name kind)
similarity     similarity - 1: fuzzy matches pay for the distance (0 for exact matches)
exact          the name matched exactly (normalised)
alias          the name matched is not a form of the place's main name ("Egypt", Arizona)
bare_admin2    a county named without "County" ("Washington" is rarely Washington County)
country_named  the candidate lies in a country the document names (or a demonym points at)
admin1_named   ... in a province/state the document names
container      "X, Y" / "X in Y": the candidate lies in Y
cue_match      the feature type the cue words ask for ("the province of X", "X River")
cue_miss       ... and a candidate of another type
coherence      share of the document's other places within ``coherence_km``
contains_admin1   a province containing the other places (share), unless one of the name's own
                  candidates is a city in it ("Kharkiv": the city, not its oblast)
contains_country  a country containing the other places (half their share)
admin1_others  in the same province as the other places (share)
support        share of the other *names* with some candidate within ``support_km``
area_contains_none  a country or province none of the document's other places lies in
far_from_others     a place none of the document's other places is near
area_abroad    a province or county, and the share of the other places that lie in other countries
               (a state named in world news is rarely the state: "Washington", "New York")
area_below_city  a province or county smaller (by population) than a city of the same name
               ("Manchester": the English city, not the Jamaican parish)
type_*         one-hot feature type: country, admin1, admin2, capital, city, water, land, huge
               (continents, oceans), other
importance     the place's importance (0..1: population, feature type, capital status)
capital_with_province_namesake  a national capital among whose namesakes is a province ("Washington")
log_population_area   log10(1 + population) / 7 of an administrative area (class A)
log_population_point  ... of any other place (cities, physical features)
top_prior      the candidate has the name's highest prior
prior_gap      the name's highest prior minus this candidate's
============== ==================================================================================

``coherence``, ``contains_*`` and ``admin1_others`` read what the previous round chose for the
document's other names (see ``context.Others``); in the first round they are 0.
"""
from __future__ import annotations

import math
import operator
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from ..features import COUNTRY_CODES, HUGE_CODES, cue_matches
from ..gazetteer.names import normalize
from ..types import Candidate, Place
from .context import Context, Others, inside

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

TYPES = ("country", "admin1", "admin2", "capital", "city", "water", "land", "huge", "other")

FEATURES: tuple[str, ...] = (
    "prior", "similarity", "exact", "alias", "bare_admin2",
    "country_named", "admin1_named", "container", "cue_match", "cue_miss",
    "coherence", "contains_admin1", "contains_country", "admin1_others", "support",
    "area_contains_none", "far_from_others", "area_abroad", "area_below_city",
    *(f"type_{t}" for t in TYPES), "capital_with_province_namesake",
    "importance", "log_population_area", "log_population_point", "top_prior", "prior_gap",
)
INDEX = {f: i for i, f in enumerate(FEATURES)}

#: Evidence from the text itself (not the gazetteer's prior): a candidate with any of these is "backed".
EVIDENCE: tuple[str, ...] = ("country_named", "admin1_named", "container", "cue_match", "coherence",
                             "contains_admin1", "contains_country", "admin1_others", "support")
_EVIDENCE_IDX = tuple(INDEX[f] for f in EVIDENCE)
_NO_COHERENCE = COUNTRY_CODES | {"CONT", "RGN"}


def place_type(p: Place) -> str:
    """The one-hot type of a candidate (``type_*`` features)."""
    fc, cls = p.feature_code or "", p.feature_class or ""
    if fc in HUGE_CODES:
        return "huge"
    if fc in COUNTRY_CODES:
        return "country"
    if fc == "ADM1":
        return "admin1"
    if cls == "A":
        return "admin2"
    if fc == "PPLC":
        return "capital"
    if cls == "P":
        return "city"
    if cls == "H":
        return "water"
    if cls in {"L", "T"}:
        return "land"
    return "other"


def is_alias(c: Candidate) -> bool:
    """The name matched is not (a form of) the place's main name; countries and provinces are exempt
    (their short forms and abbreviations are aliases)."""
    p = c.place
    return (p.feature_code not in COUNTRY_CODES | {"ADM1"} and c.matched_name != p.name
            and not same_name(c.matched_name, p.name))


@lru_cache(maxsize=65536)
def same_name(a: str, b: str) -> bool:
    """Is ``a`` a form of the main name ``b`` ("New York" of "New York City", "Euphrates River" of "Euphrates")?"""
    na, nb = normalize(a), normalize(b)
    return na == nb or f" {na} " in f" {nb} " or f" {nb} " in f" {na} "


def name_features(cs: Sequence[Candidate], *, name: str, cues: set[str], ctx: Context,
                  containers: Sequence[Place] = (), others: Others | None = None, seats: set = frozenset(),
                  support: dict | None = None, coherence_km: float = 500.0) -> "np.ndarray":
    """One row of :data:`FEATURES` per candidate of ``name`` (in the candidates' order)."""
    return NameRows(cs, name=name, cues=cues, ctx=ctx, containers=containers, seats=seats, support=support,
                    coherence_km=coherence_km).rows(others)


#: the features that read the previous round's choices (``Others``); every other one is fixed per name
ROUND_FEATURES = ("coherence", "far_from_others", "contains_admin1", "area_contains_none", "contains_country",
                  "admin1_others", "area_abroad")


class _Fixed:
    """What a list of candidates alone decides (whatever the document): the rows with the features of
    the candidates themselves and of the name's other candidates (prior, spelling, type, prominence),
    and what the document-dependent features read of each place."""

    __slots__ = ("cs", "X", "places", "near", "areas")

    def __init__(self, cs: Sequence[Candidate]) -> None:
        import numpy as np

        self.cs = tuple(cs)
        top = max(c.prior for c in cs)
        top_i = max(range(len(cs)), key=lambda i: (cs[i].prior, -i))
        city_pop = max((c.place.population or 0 for c in cs if c.place.feature_class == "P"), default=0)
        I = INDEX
        nf = len(FEATURES)
        near_rows, lats, lons = [], [], []
        self.places = places = []  # per candidate: (place, feature code, country code, (cc, admin1 code), words)
        self.areas = areas = []  # per candidate: (row, kind, (cc, admin1 code), area abroad?)
        rows = []  # plain lists, one array at the end: far cheaper than setting numpy elements one by one
        for i, c in enumerate(cs):
            p, row = c.place, [0.0] * nf
            rows.append(row)
            fc, cc = p.feature_code, p.country_code
            a1 = (cc, p.admin1_code)
            sub_area = p.feature_class == "A" and fc not in COUNTRY_CODES  # a province or county
            places.append((p, fc, cc, a1, len(p.name.split()) if fc in {"ADM2", "ADM3"} else 0))
            row[I["prior"]] = c.prior
            row[I["similarity"]] = c.similarity - 1.0
            row[I["exact"]] = c.similarity >= 0.999
            row[I["alias"]] = is_alias(c)
            if fc not in _NO_COHERENCE:
                near_rows.append(i)
                lats.append(p.lat)
                lons.append(p.lon)
            areas.append((i, 1 if fc == "ADM1" else 2 if fc in COUNTRY_CODES else 0, a1, bool(sub_area and cc)))
            row[I[f"type_{place_type(p)}"]] = 1.0
            # an area's population is not a city's: prominence is compared within each kind
            pop = math.log10(1 + max(p.population or 0, 0)) / 7.0
            row[I["importance"]] = p.importance or 0.0
            row[I["log_population_area" if p.feature_class == "A" else "log_population_point"]] = pop
            row[I["prior_gap"]] = top - c.prior
            row[I["area_below_city"]] = sub_area and (p.population or 0) < city_pop
        self.X = X = np.array(rows, dtype=float)
        X[top_i, I["top_prior"]] = 1.0
        # "Washington": a national capital named like one of the name's provinces -- news means the capital
        # unless the province's places are around (the province's containment features say so)
        if any(c.place.feature_code == "ADM1" for c in cs):
            for i, c in enumerate(cs):
                if c.place.feature_code == "PPLC":
                    X[i, I["capital_with_province_namesake"]] = 1.0
        self.near = (near_rows, lats, lons)

    @classmethod
    def of(cls, cs: Sequence[Candidate]) -> "_Fixed":
        """Computed once per list of candidates (the resolver keeps one list per name across documents),
        recognised by the very candidate objects it holds, in order (candidates are frozen)."""
        key = id(cs)
        got = _FIXED.get(key)
        if got is None or len(got.cs) != len(cs) or not all(map(operator.is_, got.cs, cs)):
            got = cls(cs)
            if len(_FIXED) >= _FIXED_MAX:
                _FIXED.clear()
            _FIXED[key] = got  # (got.cs keeps the list's candidates alive, not the list: hence the check above)
        return got


_FIXED: dict[int, _Fixed] = {}
_FIXED_MAX = 4096


class NameRows:
    """:func:`name_features` in two steps, for the resolver's rounds: the features that stay the same
    from round to round (all but :data:`ROUND_FEATURES`) are computed once, here; :meth:`rows` adds
    those that read the previous round's choices. ``NameRows(...).rows(others)`` is
    ``name_features(..., others=others)``, value for value."""

    __slots__ = ("X", "coherence_km", "_near", "_areas")

    def __init__(self, cs: Sequence[Candidate], *, name: str, cues: set[str], ctx: Context,
                 containers: Sequence[Place] = (), seats: set = frozenset(), support: dict | None = None,
                 coherence_km: float = 500.0) -> None:
        import numpy as np

        self.coherence_km = coherence_km
        self._near: tuple = ((), (), ())  # candidates that take coherence: rows, latitudes, longitudes
        self._areas: list = []  # per candidate: (row, kind, (cc, admin1 code), province credit?, area abroad?)
        if not cs:
            self.X = np.zeros((0, len(FEATURES)))
            return
        fixed = _Fixed.of(cs)
        self.X = X = fixed.X.copy()
        self._near = fixed.near
        self._areas = [(i, kind, a1, a1 not in seats, abroad) for i, kind, a1, abroad in fixed.areas]
        # what the document says: the features set for some candidates only
        I = INDEX
        i_bare, i_country, i_admin1, i_container, i_support = (
            I["bare_admin2"], I["country_named"], I["admin1_named"], I["container"], I["support"])
        i_cue = (I["cue_miss"], I["cue_match"])
        n_words = len(name.split())
        county = "county" in cues
        countries, admin1 = ctx.countries, ctx.admin1
        for i, (p, fc, cc, a1, words) in enumerate(fixed.places):
            if words and not county and n_words < words:
                X[i, i_bare] = 1.0
            if cc:
                if fc not in COUNTRY_CODES and cc in countries:
                    X[i, i_country] = 1.0
                if fc != "ADM1" and a1 in admin1:
                    X[i, i_admin1] = 1.0
            if containers and any(inside(p, y) for y in containers):
                X[i, i_container] = 1.0
            if cues:
                X[i, i_cue[any(cue_matches(cue, p.feature_class, fc) for cue in cues)]] = 1.0
            if support:
                X[i, i_support] = support.get((name, p.id), 0.0)

    def rows(self, others: Others | None = None) -> "np.ndarray":
        """The rows with the previous round's choices (``others``, seen without this name) added."""
        X = self.X.copy()
        if others is None or not others.total or not len(X):
            return X
        I = INDEX
        total = others.total
        near_rows, lats, lons = self._near
        if near_rows:
            i_coh, i_far = I["coherence"], I["far_from_others"]
            for i, near in zip(near_rows, others.near_many(lats, lons, self.coherence_km)):
                X[i, i_coh] = near / total
                X[i, i_far] = near == 0
        i_ca1, i_none, i_cc, i_a1o, i_abroad = (I["contains_admin1"], I["area_contains_none"], I["contains_country"],
                                                I["admin1_others"], I["area_abroad"])
        admin1, countries = others.admin1, others.countries
        for i, kind, a1, credit, abroad in self._areas:
            inside_admin1 = admin1.get(a1, 0) / total
            if kind == 1:  # a first-level division
                if credit:
                    X[i, i_ca1] = inside_admin1
                X[i, i_none] = inside_admin1 == 0
            elif kind == 2:  # a country
                X[i, i_cc] = 0.5 * countries.get(a1[0], 0) / total
                X[i, i_none] = not countries.get(a1[0])
            else:
                X[i, i_a1o] = inside_admin1
            if abroad:
                X[i, i_abroad] = 1.0 - countries.get(a1[0], 0) / total
        return X


def backed(row: "np.ndarray") -> bool:
    """Does anything in the document (not just the gazetteer's prior) back this candidate?"""
    return any(row[i] > 0 for i in _EVIDENCE_IDX)


def label(feature: str, c: Candidate, row: "np.ndarray", *, cues: set[str] = frozenset(),
          containers: Sequence[Place] = ()) -> str:
    """A short human reading of one feature of one candidate, for ``Resolution.why``."""
    p = c.place
    v = row[INDEX[feature]]
    if feature == "prior":
        return f"prior {c.prior:.2f}"
    if feature == "similarity":
        return f"fuzzy {c.similarity:.2f}"
    if feature == "alias":
        return f"alias '{c.matched_name}'"
    if feature == "country_named":
        return f"in {p.country_code}, named in the text"
    if feature == "admin1_named":
        return f"in {p.admin1 or p.admin1_code}, named in the text"
    if feature == "container":
        y = next((y for y in containers if inside(p, y)), None)
        return f"inside {y.name}, named right after it" if y else "inside the place named right after it"
    if feature in ("cue_match", "cue_miss"):
        return f"cue '{'/'.join(sorted(cues))}'" + ("" if feature == "cue_match" else " (other type)")
    if feature == "coherence":
        return f"near the other places ({v:.0%})"
    if feature in ("contains_admin1", "contains_country"):
        return "contains other places in the text"
    if feature == "admin1_others":
        return "in the same province as other places"
    if feature == "area_contains_none":
        return "contains none of the other places"
    if feature == "far_from_others":
        return "far from the other places"
    if feature == "area_below_city":
        return "an area smaller than the city of the same name"
    if feature == "area_abroad":
        return f"a province; {v:.0%} of the other places are abroad"
    if feature == "support":
        return "near a namesake of another place in the text"
    if feature.startswith("type_"):
        return feature[5:]
    if feature == "importance":
        return f"importance {p.importance:.2f}"
    if feature.startswith("log_population"):
        return f"population {p.population:,}"
    if feature == "capital_with_province_namesake":
        return "the capital, not the province of the same name"
    if feature == "top_prior":
        return "the name's most prominent place"
    if feature == "prior_gap":
        return f"{v:.2f} below the name's most prominent place"
    return feature.replace("_", " ")
