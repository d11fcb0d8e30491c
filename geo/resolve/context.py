"""What a document says about where it is: the evidence every candidate is scored against.

* :class:`Context` -- countries and first-level divisions the document names (directly, or through
  demonyms), built before any name is resolved;
* :func:`container_after` -- Y in "X, Y" / "X in Y" right after a mention;
* :class:`Others` -- what the previous round chose for the document's *other* names (their points,
  provinces and countries), for coherence and containment;
* :func:`support` -- spatial minimality: for each candidate, the share of the other names that have
  *some* candidate nearby ("Paris" near one of the "Henry County"s is Paris, Tennessee).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from ..features import AREA_CODES, COUNTRY_CODES
from ..gazetteer.store import haversine_km
from ..types import Candidate, Mention, Place

if TYPE_CHECKING:  # pragma: no cover
    from ..gazetteer import Gazetteer

_AFTER_COMMA = re.compile(r"^,\s*([A-Z][A-Za-z.]*\.?(?:\s[A-Z][A-Za-z.]+)?)")
#: no coherence or containment from these: they say nothing about where a story is
_NO_POINT = COUNTRY_CODES | {"CONT", "RGN"}
_NEAR_NUMPY_PAIRS = 160  # Others.near_many: from this many (point, place) pairs on, numpy decides


@dataclass
class Context:
    """Countries and provinces the document names, with how often (a demonym counts half)."""

    countries: Counter = field(default_factory=Counter)
    admin1: Counter = field(default_factory=Counter)  # (cc, admin1_code)

    @classmethod
    def build(cls, cands: Mapping[str, Sequence[Candidate]], counts: Mapping[str, int],
              demonym_places: Iterable[Place | None] = ()) -> "Context":
        """From what is (nearly) unambiguous: demonyms, countries, first-level divisions."""
        ctx = cls()
        for p in demonym_places:
            if p is not None and p.country_code:
                ctx.countries[p.country_code] += 0.5
        for name, cs in cands.items():
            if not cs or cs[0].similarity < 0.999:
                continue
            top, n = cs[0], counts.get(name, 0)
            if top.place.feature_code in COUNTRY_CODES and top.place.country_code:
                ctx.countries[top.place.country_code] += n
            elif top.place.feature_code == "ADM1" and top.place.country_code:
                # "New York" may be the city, "Manchester" the English city rather than the Jamaican
                # parish: only an unambiguous province says which country and province the text is in.
                if not any(c.place.feature_class == "P" and c.prior >= top.prior - 0.15 for c in cs[1:]):
                    ctx.countries[top.place.country_code] += 0.5 * n
                    ctx.admin1[(top.place.country_code, top.place.admin1_code)] += n
        return ctx


def container_after(gz: "Gazetteer", text: str, m: Mention, in_after: "re.Pattern[str]") -> Place | None:
    """Y in "X, Y" or "X in Y" (``in_after``: the language's pattern for "in Y", Y its group 1): a
    province or country named right after the mention."""
    after = text[m.end:m.end + 50]
    mt = _AFTER_COMMA.match(after)
    if mt:
        y = mt.group(1).rstrip(",")
        for cand_name in (y, y.split()[0]) if " " in y else (y,):
            for c in gz.exact(cand_name)[:5]:
                if c.place.feature_code in AREA_CODES and c.place.feature_code not in {"CONT", "RGN", "ADM2"}:
                    return c.place
        return None
    mt = in_after.match(after)
    if mt:  # "Deir Ezzor in Syria": only when Y's best sense is a country or province
        y = mt.group(1).rstrip(".,")
        for cand_name in dict.fromkeys((y, " ".join(y.split()[:2]), y.split()[0])):
            cs = gz.exact(cand_name)
            if cs:
                top = cs[0].place
                return top if top.feature_code in COUNTRY_CODES | {"ADM1"} else None
    return None


def inside(p: Place, y: Place) -> bool:
    """Does ``p`` lie in country or province ``y``?"""
    if p.id == y.id:
        return False
    if y.feature_code in COUNTRY_CODES:
        return p.country_code == y.country_code
    if y.feature_code == "ADM1":
        return p.country_code == y.country_code and p.admin1_code == y.admin1_code
    return False


@dataclass
class Others:
    """The previous round's choices for a document's names, seen from one name (``without``).

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
    _base: "Others | None" = field(default=None, repr=False)
    _minus: "Others | None" = field(default=None, repr=False)
    _arrays: tuple | None = field(default=None, repr=False)
    _small: list | None = field(default=None, repr=False)
    _net: list | None = field(default=None, repr=False)

    @classmethod
    def from_choices(cls, chosen: Mapping[tuple[str, str | None], Place | None],
                     groups: Mapping[tuple[str, str | None], Sequence[Mention]]) -> "Others":
        per_name: dict[str, list[Place]] = defaultdict(list)
        for key, p in chosen.items():
            if p is not None:
                per_name[key[0]].extend([p] * len(groups[key]))
        o = cls._tally(per_name, [p for places in per_name.values() for p in places])
        o._own = {n: cls._tally(per_name, places) for n, places in per_name.items()}
        return o

    @classmethod
    def _tally(cls, per_name: dict, places: list[Place]) -> "Others":
        o = cls(per_name)
        pts: Counter = Counter()
        for p in places:
            if p.feature_code in _NO_POINT:
                continue
            pts[(p.lat, p.lon)] += 1.0
            o.total += 1.0
            if p.country_code:
                o.countries[p.country_code] += 1
                if p.admin1_code:
                    o.admin1[(p.country_code, p.admin1_code)] += 1
        o.points = [(lat, lon, wt) for (lat, lon), wt in pts.items()]
        return o

    def without(self, name: str) -> "Others":
        """The choices of every name but ``name``."""
        own = self._own.get(name) or Others(self.per_name)
        o = Others(self.per_name, total=self.total - own.total)
        o.countries = _less(self.countries, own.countries)
        o.admin1 = _less(self.admin1, own.admin1)
        o._base, o._minus = self, own
        return o

    def near(self, lat: float, lon: float, km: float) -> float:
        """Total weight of the points within ``km`` of (lat, lon) (of the other names, after ``without``)."""
        if self._base is not None:
            return self._base.near(lat, lon, km) - self._minus.near(lat, lon, km)
        if not self.points:
            return 0.0
        if len(self.points) < 16:
            # haversine_km(la, lo, lat, lon) < km, inline, with each point's radians and cosine computed
            # once: the same operations in the same order, so the same floats (and far fewer calls)
            pts = self._small
            if pts is None:
                pts = self._small = [(math.radians(la), math.cos(math.radians(la)), lo, wt)
                                     for la, lo, wt in self.points]
            p2 = math.radians(lat)
            cp2 = math.cos(p2)
            sin, asin, sqrt, radians = math.sin, math.asin, math.sqrt, math.radians
            return sum(wt for p1, cp1, lo, wt in pts
                       if 2 * 6371.0088 * asin(min(1.0, sqrt(sin((p2 - p1) / 2) ** 2
                                                              + cp1 * cp2 * sin(radians(lon - lo) / 2) ** 2))) < km)
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

    def _net_points(self) -> list[tuple[float, float, float, float, float]]:
        """The points with their weights, those of ``without``'s name taken off (points left with no weight
        dropped), as ``(lat, lon, weight, radians(lat), cos(radians(lat)))``: ``near`` is the total weight
        of these within the distance."""
        if self._net is None:
            if self._base is None:
                radians, cos = math.radians, math.cos
                self._net = [(la, lo, wt, radians(la), cos(radians(la))) for la, lo, wt in self.points]
            else:
                net = {(t[0], t[1]): t for t in self._base._net_points()}
                for la, lo, wt, *_trig in self._minus._net_points():
                    t = net[(la, lo)]
                    net[(la, lo)] = (la, lo, t[2] - wt, *t[3:])
                self._net = [t for t in net.values() if t[2]]
        return self._net

    def near_many(self, lats: Sequence[float], lons: Sequence[float], km: float) -> list[float]:
        """``[self.near(lat, lon, km) for lat, lon in zip(lats, lons)]``, the same numbers, in one go: the
        weights are whole numbers (their sums exact in any order), and each point is in or out exactly
        as ``haversine_km`` says."""
        pts = self._net_points()
        if not pts or not lats:
            return [0.0] * len(lats)
        if len(pts) * len(lats) < _NEAR_NUMPY_PAIRS:
            # haversine_km(la, lo, lat, lon) < km inline, as in ``near`` (the same floats), after a test
            # that only drops points farther in latitude alone than the radius and a kilometre
            sin, asin, sqrt, radians, cos = math.sin, math.asin, math.sqrt, math.radians, math.cos
            far = (km + 1.0) / 6371.0088
            out = []
            for lat, lon in zip(lats, lons):
                p2 = radians(lat)
                cp2 = cos(p2)
                total = 0.0
                for _la, lo, wt, p1, cp1 in pts:
                    if abs(p2 - p1) <= far and 2 * 6371.0088 * asin(min(1.0, sqrt(
                            sin((p2 - p1) / 2) ** 2 + cp1 * cp2 * sin(radians(lon - lo) / 2) ** 2))) < km:
                        total += wt
                out.append(total)
            return out
        import numpy as np  # (lazy, as in ``near``: start-up speed)

        arr = np.array([t[:3] for t in pts], dtype=float)
        la, lo, wt = np.radians(arr[:, 0]), np.radians(arr[:, 1]), arr[:, 2]
        p2 = np.radians(np.asarray(lats, dtype=float))[:, None]
        l2 = np.radians(np.asarray(lons, dtype=float))[:, None]
        a = np.sin((la - p2) / 2) ** 2 + np.cos(p2) * np.cos(la) * np.sin((lo - l2) / 2) ** 2
        d = 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        # numpy decides all but the pairs within a metre of the radius; haversine_km (as ``near``) those
        out = [float(v) for v in np.where(d < km - 1e-3, wt, 0.0).sum(axis=1)]
        for i, j in zip(*np.nonzero(np.abs(d - km) <= 1e-3)):
            if haversine_km(pts[j][0], pts[j][1], lats[i], lons[i]) < km:
                out[i] += pts[j][2]
        return out

    def near_share(self, p: Place, radius_km: float) -> float:
        """The share of the other places within ``radius_km`` of ``p``."""
        if not self.total:
            return 0.0
        return self.near(p.lat, p.lon, radius_km) / self.total


def _less(a: Counter, b: Counter) -> Counter:
    """``+(a - b)`` for tallies (counts above zero, ``b``'s within ``a``'s), without Counter's generic arithmetic."""
    out = Counter(a)
    for k, v in b.items():
        n = out.get(k, 0) - v
        if n > 0:
            out[k] = n
        else:
            out.pop(k, None)
    return out


_BRUTE_FORCE_ROWS = 600  # up to here all pairs are compared at once (a 600x600 matrix, a few MB)


def _near_pairs(xyz, chord: float):
    """The pairs (i, j), i < j, of rows of ``xyz`` at most ``chord`` apart, as an (n, 2) array. A few
    hundred points (any article) are compared all at once with numpy; more go through scipy's k-d
    tree, imported only then (start-up speed: importing scipy.spatial costs ~0.4 s of CPU, a
    fifth of a small ``geo map``). The chord is widened and the haversine test follows, so points
    exactly at the chord are dropped either way and both give the same result."""
    import numpy as np

    i, j = _near_rows(xyz, chord)
    return np.column_stack((i, j))


def _near_rows(xyz, chord: float):
    """:func:`_near_pairs` as two arrays (the i's, the j's), in the same order."""
    import numpy as np

    if len(xyz) <= _BRUTE_FORCE_ROWS:
        # (the squared distances as the sum over the three coordinates, in that order)
        d2 = (xyz[:, None, 0] - xyz[None, :, 0]) ** 2
        d2 += (xyz[:, None, 1] - xyz[None, :, 1]) ** 2
        d2 += (xyz[:, None, 2] - xyz[None, :, 2]) ** 2
        i, j = np.nonzero(d2 <= chord * chord)
        upper = i < j  # (row-major order kept: as the upper triangle's nonzero)
        return i[upper], j[upper]
    from scipy.spatial import cKDTree  # lazy: start-up speed, see above

    pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
    return pairs[:, 0], pairs[:, 1]


_NO_SUPPORT = COUNTRY_CODES | {"CONT", "RGN", "OCN", "SEA"}


def support(cands: Mapping[str, Sequence[Candidate]], radius_km: float) -> dict[tuple[str, str], float]:
    """For each (name, candidate id): the share of the document's other names that have *some*
    candidate within ``radius_km`` ("Paris" near one of the "Henry County"s is Paris, Tennessee).

    Only pairs of candidates closer than the radius are examined (a k-d tree over unit vectors finds
    them), so time and memory grow with the candidates and their near pairs, not with their square
    (issue 13.2); the distance test on those pairs is the haversine."""
    import numpy as np

    names = [n for n, cs in cands.items() if cs]
    if len(names) < 2:
        return {}
    of_name, ids, lats, lons = [], [], [], []
    for k, n in enumerate(names):
        for c in cands[n]:
            p = c.place
            if p.feature_code not in _NO_SUPPORT:
                of_name.append(k)
                ids.append(p.id)
                lats.append(p.lat)
                lons.append(p.lon)
    if not ids:
        return {}
    lat = np.radians(np.array(lats, dtype=float))
    lon = np.radians(np.array(lons, dtype=float))
    cos_lat = np.cos(lat)
    xyz = np.empty((len(ids), 3))
    xyz[:, 0] = cos_lat * np.cos(lon)
    xyz[:, 1] = cos_lat * np.sin(lon)
    xyz[:, 2] = np.sin(lat)
    chord = 2 * math.sin(min(math.pi, radius_km / 6371.0088) / 2) * 1.001 + 1e-9  # a little wider
    i, j = _near_rows(xyz, chord)
    if not len(i):
        return {}
    dlat, dlon = lat[i] - lat[j], lon[i] - lon[j]
    a = np.sin(dlat / 2) ** 2 + cos_lat[i] * cos_lat[j] * np.sin(dlon / 2) ** 2
    near = (2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))) < radius_km
    # per candidate, which other names have a near candidate (a place near itself, under another
    # name, does not count)
    hits: set[tuple[int, int]] = set()
    for r, q in zip(i[near].tolist(), j[near].tolist()):
        if ids[r] != ids[q] and of_name[r] != of_name[q]:
            hits.add((r, of_name[q]))
            hits.add((q, of_name[r]))
    if not hits:
        return {}
    count = Counter(r for r, _ in hits)
    others = len(names) - 1
    return {(names[of_name[r]], ids[r]): count[r] / others for r in range(len(ids)) if r in count}
